"""Erasure: a person pseudonymised everywhere, keeping only what must be kept, and saying what and why.

The audit trail is append-only in the database. An erasure leaves every event in place (who did what, when,
to which record: people are named there by id) and takes personal text out of an event's ``details`` only
through the one path the triggers allow: an append-only ``audit_redaction`` row holding the redacted
details, which the event is then set to. So the trail still records that the change happened.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from app.accreditation.models import Credential, LedgerEvent
from app.audit.models import AuditEvent, AuditRedaction
from app.audit.services import record
from app.auth.models import Invitation, PasswordReset, User
from app.auth.policy import is_hub_admin
from app.cohorts.models import AdjustmentPlan, ContactNote, Enrolment
from app.database import db, utcnow
from app.i18n import N_
from app.i18n import gettext as _
from app.learning.models import Extension, PortfolioEntry, QuizAllowance, Submission
from app.marking.models import Appeal, ConsiderationRequest, IntegrityCase
from app.privacy.files import forget_attachment, forget_evidence
from app.refusal import Refused

ERASED_NAME = "Erased person"

# What is kept, and why: shown by the command line and the Hub page (translated there), and recorded with
# the erasure (its keys).
KEPT = {
    "credential": N_(
        "The signed credential is kept exactly as issued: it is the holder's own record, and "
        "verification and any revocation depend on it. Its public page no longer shows the name."
    ),
    "ledger": N_(
        "The credential ledger is a tamper-evident chain: it names credentials by code, not people."
    ),
    "results": N_(
        "Marks, bands, quiz scores and award board results are kept under the candidate number, for "
        "the award, appeals and aggregate statistics."
    ),
    "audit": N_(
        "Audit events are kept (who did what, when, by id); personal text in them was redacted, "
        "and each redaction is itself recorded."
    ),
}
# What was removed, as the counts are recorded with the erasure (in English); the page translates them.
REMOVED_SUBMISSIONS = N_("submissions")
REMOVED_NOTES = N_("contact notes")
REMOVED_PORTFOLIO = N_("portfolio entries")
REMOVED_REQUESTS = N_("requests and appeals")
REMOVED_MENTIONS = N_("other records mentioning them")
REMOVED_AUDIT = N_("audit events redacted")


class ErasureRefused(Refused):
    pass


@dataclass
class Erasure:
    pseudonym: str
    already: bool = False
    removed: dict[str, int] = field(default_factory=dict)
    kept: dict[str, str] = field(default_factory=lambda: dict(KEPT))


def _pattern(*needles: str) -> re.Pattern:
    return re.compile("|".join(re.escape(n) for n in sorted(needles, key=len, reverse=True) if n), re.I)


def _scrubbed(value, pattern: re.Pattern, replace):
    """``value`` (text or JSON) with every match of ``pattern`` replaced."""
    if isinstance(value, str):
        return pattern.sub(replace, value)
    if isinstance(value, list):
        return [_scrubbed(v, pattern, replace) for v in value]
    if isinstance(value, dict):
        return {k: _scrubbed(v, pattern, replace) for k, v in value.items()}
    return value


def text_columns(table: sa.Table) -> list[sa.Column]:
    return [c for c in table.columns if isinstance(c.type, sa.String | sa.Text | sa.JSON)]


def _matching(table: sa.Table, column: sa.Column, needles: tuple[str, ...]):
    as_text = sa.func.lower(sa.cast(column, sa.Text))
    return sa.select(table).where(sa.or_(*(as_text.contains(n.lower(), autoescape=True) for n in needles)))


# Handled on their own: the person's row, the signed credential (kept as issued), the append-only ledger
# and audit trail.
_SKIPPED = {
    User.__tablename__,
    LedgerEvent.__tablename__,
    AuditEvent.__tablename__,
    AuditRedaction.__tablename__,
}
_KEPT_COLUMNS = {(Credential.__tablename__, "jws")}


def _scrub_everywhere(pattern: re.Pattern, replace, needles: tuple[str, ...]) -> int:
    """Replace the name and email in every text column of every other table; the number of rows changed."""
    changed = 0
    for table in db.metadata.sorted_tables:
        if table.name in _SKIPPED:
            continue
        keys = list(table.primary_key.columns)
        for column in text_columns(table):
            if (table.name, column.name) in _KEPT_COLUMNS:
                continue
            for row in db.session.execute(_matching(table, column, needles)).mappings().all():
                where = sa.and_(*(k == row[k.name] for k in keys))
                new = _scrubbed(row[column.name], pattern, replace)
                db.session.execute(sa.update(table).where(where).values({column.name: new}))
                changed += 1
    return changed


def _redact_audit(pattern: re.Pattern, replace, needles: tuple[str, ...], reason: str) -> int:
    events = db.session.execute(_matching(AuditEvent.__table__, AuditEvent.details, needles)).mappings().all()
    for event in events:
        redaction = AuditRedaction(
            event_id=event["id"],
            kind="redact",
            details=_scrubbed(event["details"], pattern, replace),
            reason=reason,
        )
        db.session.add(redaction)
        db.session.flush()
        latest = sa.select(AuditRedaction.details).where(AuditRedaction.id == redaction.id).scalar_subquery()
        db.session.execute(sa.update(AuditEvent).where(AuditEvent.id == event["id"]).values(details=latest))
    return len(events)


def _remove_own_words(user: User) -> dict[str, int]:
    """What the person wrote or what was written about their circumstances, across their enrolments."""
    enrolments = sa.select(Enrolment.id).where(Enrolment.user_id == user.id)
    counts = {REMOVED_SUBMISSIONS: 0, REMOVED_NOTES: 0, REMOVED_PORTFOLIO: 0, REMOVED_REQUESTS: 0}
    for piece in db.session.scalars(sa.select(Submission).where(Submission.enrolment_id.in_(enrolments))):
        piece.text, piece.returned_note = "", None
        forget_attachment(piece)
        counts[REMOVED_SUBMISSIONS] += 1
    for entry in db.session.scalars(
        sa.select(PortfolioEntry).where(PortfolioEntry.enrolment_id.in_(enrolments))
    ):
        entry.description, entry.reviewer_comment = "", None
        counts[REMOVED_PORTFOLIO] += 1
    for request in db.session.scalars(
        sa.select(ConsiderationRequest).where(ConsiderationRequest.enrolment_id.in_(enrolments))
    ):
        request.statement = ""
        forget_evidence(request)
        counts[REMOVED_REQUESTS] += 1
    pieces = sa.select(Submission.id).where(Submission.enrolment_id.in_(enrolments))
    for appeal in db.session.scalars(sa.select(Appeal).where(Appeal.submission_id.in_(pieces))):
        appeal.statement = ""
        counts[REMOVED_REQUESTS] += 1
    for case in db.session.scalars(
        sa.select(IntegrityCase).where(IntegrityCase.enrolment_id.in_(enrolments))
    ):
        case.response = None
    for model in (Extension, QuizAllowance):
        db.session.execute(sa.update(model).where(model.enrolment_id.in_(enrolments)).values(reason=""))
    db.session.execute(
        sa.update(AdjustmentPlan)
        .where(AdjustmentPlan.enrolment_id.in_(enrolments))
        .values(reason=None, format_notes="")
    )
    notes = db.session.execute(sa.delete(ContactNote).where(ContactNote.enrolment_id.in_(enrolments)))
    counts[REMOVED_NOTES] = notes.rowcount
    return counts


def _forget_certificates(user: User) -> None:
    """Rendered certificate PDFs (a cache in the instance folder) print the name; made again on demand."""
    folder = Path(current_app.instance_path) / "certificates"
    for code in db.session.scalars(sa.select(Credential.code).where(Credential.holder_id == user.id)):
        for path in folder.glob(f"{code}-*.pdf"):
            path.unlink(missing_ok=True)


def erase(user: User, actor) -> Erasure:
    """Pseudonymise ``user`` everywhere. Erasing the same person twice changes nothing the second time."""
    if not is_hub_admin(actor):
        raise ErasureRefused(_("Only a Hub admin may erase a person's data."), field="email")
    if actor is not None and actor.id == user.id:
        raise ErasureRefused(_("You cannot erase your own account: ask another Hub admin."), field="email")
    pseudonym = f"erased-{user.public_id.lower()}@erased.invalid"
    if user.erased_at is not None:
        return Erasure(pseudonym, already=True)
    needles = tuple(n for n in (user.name.strip(), user.email) if n)
    pattern = _pattern(*needles)

    def replace(match: re.Match) -> str:
        return pseudonym if "@" in match.group(0) else ERASED_NAME

    erasure = Erasure(pseudonym, removed=_remove_own_words(user))
    user.name, user.email, user.erased_at = ERASED_NAME, pseudonym, utcnow()
    user.password_hash, user.is_active_account, user.last_signed_in_at = None, False, None
    user.session_token = secrets.token_urlsafe(32)  # signed out everywhere
    for model in (Invitation, PasswordReset):
        db.session.execute(sa.delete(model).where(model.user_id == user.id))
    db.session.flush()
    erasure.removed[REMOVED_MENTIONS] = _scrub_everywhere(pattern, replace, needles)
    erasure.removed[REMOVED_AUDIT] = _redact_audit(
        pattern, replace, needles, f"erasure of user {user.public_id}"
    )
    _forget_certificates(user)
    record(actor, "privacy.erased", user, removed=erasure.removed, kept=sorted(erasure.kept))
    db.session.flush()
    db.session.expire_all()
    return erasure
