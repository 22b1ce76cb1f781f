"""Approvals, credentials, the hash-chained ledger, declarations, CPD records and verification counts.

A credential's row records the decisions made about it (issued, suspended, revoked); whether it is valid
is never read from these columns by the verifier: it checks the signed credential and the published,
signed status lists, which are built from them (see ``status.py`` and ``verification.py``).
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.cohorts.models import Enrolment
from app.curriculum.models import CurriculumVersion
from app.database import UTCDateTime, db, new_public_id, str_enum, utcnow
from app.i18n import N_, gettext


class Declaration(db.Model):
    """A declaration the accreditation rule asks of the trainee (e.g. the code of conduct), confirmed once."""

    __tablename__ = "declaration"
    __table_args__ = (sa.UniqueConstraint("enrolment_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolment.id"), index=True)
    key: Mapped[str] = mapped_column(sa.String(64))
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Approval(db.Model):
    """The Hub's recorded decision that an eligible enrolment is awarded accreditation."""

    __tablename__ = "approval"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolment.id"), unique=True)
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    # The eligibility check as it stood at the decision, so the record shows what was approved.
    evidence: Mapped[list] = mapped_column(sa.JSON)

    enrolment: Mapped[Enrolment] = relationship(lazy="joined")
    approved_by: Mapped[User | None] = relationship()


class CredentialKind(enum.StrEnum):
    """What a credential records: the award itself, one module passed, or the transcript of the award."""

    AWARD = "award"
    MODULE = "module"
    TRANSCRIPT = "transcript"


class Credential(db.Model):
    """One issued credential: the signed JWS exactly as issued, and what happened to it.

    Most are awards (Open Badges 3.0). A module record (OB 3.0, one per module per enrolment) and the
    transcript issued with an award (CLR 2.0) share the codes, status lists, ledger and verification.
    """

    __tablename__ = "credential"
    # One module record per module per enrolment (awards and transcripts have no module code).
    __table_args__ = (sa.UniqueConstraint("enrolment_id", "module_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(24), unique=True)  # IMSA-XXXX-XXXX-C, the public handle
    uuid: Mapped[str] = mapped_column(sa.String(36), unique=True)  # the credential's urn:uuid id
    # Opaque per-learner id (urn:uuid), the same on renewals of one person's accreditation.
    subject_uuid: Mapped[str] = mapped_column(sa.String(36), index=True)
    holder_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolment.id"), index=True)
    curriculum_version_id: Mapped[int] = mapped_column(sa.ForeignKey("curriculum_version.id"))
    approval_id: Mapped[int | None] = mapped_column(sa.ForeignKey("approval.id"), unique=True)  # one each
    renews_id: Mapped[int | None] = mapped_column(sa.ForeignKey("credential.id"))
    # A re-issue under a new name (see ``corrections.py``): the new credential names the one it replaces.
    replaces_id: Mapped[int | None] = mapped_column(sa.ForeignKey("credential.id"), unique=True)
    status_index: Mapped[int] = mapped_column(unique=True)  # random, never reused
    kid: Mapped[str] = mapped_column(sa.String(255))
    jws: Mapped[str] = mapped_column(sa.Text)
    awarded_on: Mapped[date]
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime)
    valid_until: Mapped[datetime] = mapped_column(UTCDateTime)
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    suspended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    suspension_reason: Mapped[str | None] = mapped_column(sa.Text)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revocation_reason: Mapped[str | None] = mapped_column(sa.Text)
    kind: Mapped[CredentialKind] = mapped_column(
        str_enum(CredentialKind), default=CredentialKind.AWARD, server_default=CredentialKind.AWARD.value
    )
    module_code: Mapped[str | None] = mapped_column(sa.String(16))  # a module record's module
    replaced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The holder's choice: when off, looking the code up says the record is private (see ``standing``).
    public_page: Mapped[bool] = mapped_column(default=True, server_default=sa.true())

    holder: Mapped[User] = relationship(foreign_keys=[holder_id], lazy="joined")
    enrolment: Mapped[Enrolment] = relationship()
    curriculum_version: Mapped[CurriculumVersion] = relationship(lazy="joined")
    renews: Mapped[Credential | None] = relationship(remote_side=[id], foreign_keys=[renews_id])
    replaces: Mapped[Credential | None] = relationship(remote_side=[id], foreign_keys=[replaces_id])
    replaced_by: Mapped[Credential | None] = relationship(
        foreign_keys=[replaces_id], uselist=False, viewonly=True
    )
    approval: Mapped[Approval | None] = relationship()

    @property
    def kind_label(self) -> str:
        """ "Award", "Module record: M03" or "Transcript", for staff lists, in the page's language."""
        if self.kind is CredentialKind.MODULE:
            return gettext("Module record: %(code)s", code=self.module_code)
        return gettext("Transcript") if self.kind is CredentialKind.TRANSCRIPT else gettext("Award")

    @property
    def recorded_state(self) -> str:
        """What the Hub has decided (for staff lists); the public verdict comes from verification."""
        if self.revoked_at:
            return "revoked"
        if self.replaced_at:
            return "replaced"
        if self.suspended_at:
            return "suspended"
        return "expired" if self.valid_until < utcnow() else "issued"


class LedgerAction(enum.StrEnum):
    ISSUE = "issue"
    SUSPEND = "suspend"
    REINSTATE = "reinstate"
    REVOKE = "revoke"
    RENEW = "renew"
    REPLACE = "replace"  # re-issued under a corrected name; the new code replaces the old


class NameChangeStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


class NameChangeRequest(db.Model):
    """A holder's request to have their credential re-issued under another name.

    The reason is seen only by the Hub admins who decide it. Evidence is shown to the Hub by the usual
    route and never stored here.
    """

    __tablename__ = "name_change_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(16), unique=True, default=new_public_id)
    credential_id: Mapped[int] = mapped_column(sa.ForeignKey("credential.id"), index=True)
    new_name: Mapped[str] = mapped_column(sa.String(200))
    reason: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[NameChangeStatus] = mapped_column(
        str_enum(NameChangeStatus), default=NameChangeStatus.PENDING
    )
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str] = mapped_column(sa.Text, default="")
    new_credential_id: Mapped[int | None] = mapped_column(sa.ForeignKey("credential.id"))

    credential: Mapped[Credential] = relationship(foreign_keys=[credential_id], lazy="joined")
    new_credential: Mapped[Credential | None] = relationship(foreign_keys=[new_credential_id])


class ShareLink(db.Model):
    """A link the holder made to show their credential to someone, until it expires or they revoke it."""

    __tablename__ = "share_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    credential_id: Mapped[int] = mapped_column(sa.ForeignKey("credential.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    credential: Mapped[Credential] = relationship(lazy="joined")


class CredentialReminder(db.Model):
    """An expiry reminder sent: one row per credential and days-before, so each is sent once."""

    __tablename__ = "credential_reminder"
    __table_args__ = (sa.UniqueConstraint("credential_id", "days"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    credential_id: Mapped[int] = mapped_column(sa.ForeignKey("credential.id"))
    days: Mapped[int]
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LedgerEvent(db.Model):
    """One append-only entry of the credential ledger; ``hash`` covers the entry and the previous hash."""

    __tablename__ = "ledger_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    sequence: Mapped[int] = mapped_column(unique=True)  # 1, 2, 3…: a gap or a repeat breaks the chain
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    action: Mapped[LedgerAction] = mapped_column(str_enum(LedgerAction))
    credential_code: Mapped[str] = mapped_column(sa.String(24), index=True)
    actor: Mapped[str] = mapped_column(sa.String(64))  # a user's public id, or "cli"
    details: Mapped[dict] = mapped_column(sa.JSON)
    previous_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64), unique=True)


# The ledger refuses edits in the database itself, not only in this code. Someone with full rights over the
# database can still drop the trigger: `imsa ledger verify` is what catches that. (Created here for
# `create_all`, and by migration a93a796c5043; a SQLite batch migration that rebuilds the table drops them
# and must create them again.)
LEDGER_APPEND_ONLY = {
    "sqlite": [
        "CREATE TRIGGER ledger_event_no_update BEFORE UPDATE ON ledger_event "
        "BEGIN SELECT RAISE(ABORT, 'the credential ledger is append-only'); END",
        "CREATE TRIGGER ledger_event_no_delete BEFORE DELETE ON ledger_event "
        "BEGIN SELECT RAISE(ABORT, 'the credential ledger is append-only'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION ledger_event_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'the credential ledger is append-only'; END $$",
        "CREATE TRIGGER ledger_event_append_only BEFORE UPDATE OR DELETE ON ledger_event "
        "FOR EACH ROW EXECUTE FUNCTION ledger_event_append_only()",
    ],
}
for _dialect, _statements in LEDGER_APPEND_ONLY.items():
    for _statement in _statements:
        sa.event.listen(
            LedgerEvent.__table__, "after_create", sa.DDL(_statement).execute_if(dialect=_dialect)
        )


class CpdKind(enum.StrEnum):
    CPD = "cpd"
    REFLECTIVE_ACCOUNT = "reflective_account"
    CASE_REVIEW = "case_review"

    @property
    def label(self) -> str:
        """In the page's language (the stored value stays the key)."""
        return gettext(CPD_KIND_LABELS[self.value])


CPD_KIND_LABELS = {
    "cpd": N_("CPD activity"),
    "reflective_account": N_("Reflective account"),
    "case_review": N_("Case review"),
}


class CpdEntry(db.Model):
    """Continuing professional development logged by an accredited IMSA®, counted towards renewal."""

    __tablename__ = "cpd_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(16), unique=True, default=new_public_id)
    credential_id: Mapped[int] = mapped_column(sa.ForeignKey("credential.id"), index=True)
    kind: Mapped[CpdKind] = mapped_column(str_enum(CpdKind))
    title: Mapped[str] = mapped_column(sa.String(200))
    completed_on: Mapped[date]
    hours: Mapped[Decimal] = mapped_column(sa.Numeric(6, 2))
    law_and_policy: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    logged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class VerificationCount(db.Model):
    """How often credentials were checked, per day, way in and verdict. No addresses, no codes."""

    __tablename__ = "verification_count"
    __table_args__ = (sa.UniqueConstraint("day", "method", "verdict"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date]
    method: Mapped[str] = mapped_column(sa.String(16))  # code, qr, pdf, api, jws
    verdict: Mapped[str] = mapped_column(sa.String(24))
    count: Mapped[int] = mapped_column(default=0)
