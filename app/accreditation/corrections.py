"""Name changes and corrections: the holder asks, the Hub decides, and an approval re-issues the credential.

The holder gives the new name and a reason, seen only by the Hub admins who decide. Evidence (a deed
poll, a marriage certificate) is shown to the Hub by the usual route and never stored here. On approval
the holder's account takes the new name and ``issuing.issue`` signs a new credential that replaces the
old: same award, dates and subject, a new code. The old code then answers "Replaced" and never shows the
old name (``standing.decide``); the ledger records the replacement, naming neither name.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template

from app.accreditation import ledger
from app.accreditation.errors import AccreditationError
from app.accreditation.issuing import issue
from app.accreditation.models import (
    CpdEntry,
    Credential,
    CredentialKind,
    LedgerAction,
    NameChangeRequest,
    NameChangeStatus,
)
from app.accreditation.records import issue_transcript
from app.audit.services import record
from app.auth.access import PermissionDenied, require_role
from app.auth.models import Role
from app.auth.policy import holds_credential
from app.auth.services import in_language_of
from app.database import db, utcnow
from app.i18n import gettext as _
from app.learning.once import update_if
from app.mail.services import send
from app.urls import external_url


def pending_for(credential: Credential) -> NameChangeRequest | None:
    return db.session.scalar(
        sa.select(NameChangeRequest).where(
            NameChangeRequest.credential_id == credential.id,
            NameChangeRequest.status == NameChangeStatus.PENDING,
        )
    )


def pending_requests() -> list[NameChangeRequest]:
    return list(
        db.session.scalars(
            sa.select(NameChangeRequest)
            .where(NameChangeRequest.status == NameChangeStatus.PENDING)
            .order_by(NameChangeRequest.requested_at)
        )
    )


def request_name_change(credential: Credential, new_name: str, reason: str, actor) -> NameChangeRequest:
    """The holder asks for their credential to be re-issued under ``new_name``; one request at a time."""
    if not holds_credential(actor, credential):
        raise PermissionDenied("only the holder asks to change the name on their credential")
    new_name, reason = (new_name or "").strip(), (reason or "").strip()
    if credential.revoked_at or credential.replaced_at:
        raise AccreditationError(_("Only your current credential can be re-issued"), field="new_name")
    if not 2 <= len(new_name) <= 200:
        raise AccreditationError(
            _("Enter your name as it should appear (up to 200 characters)"), field="new_name"
        )
    if new_name == credential.holder.name:
        raise AccreditationError(_("This is the name the credential already shows"), field="new_name")
    if len(reason) < 3:
        raise AccreditationError(_("Say briefly why the name should change"), field="reason")
    existing = pending_for(credential)
    if existing is not None:
        if existing.new_name == new_name:
            return existing  # the same request twice (a double click)
        raise AccreditationError(
            _("You have already asked for a name change: the Hub will reply"), field="new_name"
        )
    request = NameChangeRequest(credential=credential, new_name=new_name, reason=reason)
    db.session.add(request)
    record(actor, "name_change.requested", request, credential=credential.code)
    return request


def approve(request: NameChangeRequest, actor) -> Credential:
    """Re-issue the credential under the new name; the old one is replaced. Once only."""
    require_role(actor, Role.HUB_ADMIN)
    old = request.credential
    if old.revoked_at or old.suspended_at:
        raise AccreditationError(
            _("A revoked or suspended credential cannot be re-issued: resolve that first"), field="decision"
        )
    if not update_if(
        request, NameChangeRequest.status == NameChangeStatus.PENDING, status=NameChangeStatus.APPROVED
    ):
        if request.new_credential is not None:
            return request.new_credential  # already approved (a double click)
        raise AccreditationError(_("This request has already been decided"), field="decision")
    if not update_if(old, Credential.replaced_at.is_(None), replaced_at=utcnow()):
        raise AccreditationError(_("This credential has already been replaced"), field="decision")
    old.holder.name = request.new_name
    new = issue(old.enrolment, actor, replaces=old)
    db.session.flush()
    # CPD counts towards the current credential's renewal, so it follows the re-issue.
    db.session.execute(
        sa.update(CpdEntry).where(CpdEntry.credential_id == old.id).values(credential_id=new.id)
    )
    request.decided_by_id, request.decided_at, request.new_credential = actor.id, utcnow(), new
    record(actor, "name_change.approved", request, credential=old.code, replaced_by=new.code)
    record(actor, "credential.replaced", old, replaced_by=new.code)
    _replace_transcript(old, new, actor)
    _tell_holder(request, approved=True, code=new.code)
    return new


def _replace_transcript(old: Credential, new: Credential, actor) -> None:
    """The transcript names the holder too, so it follows the award: the old one is replaced (its code
    then answers Replaced, with no name) and one is issued with the re-issued award, in this transaction."""
    for transcript in db.session.scalars(
        sa.select(Credential).where(
            Credential.enrolment_id == old.enrolment_id,
            Credential.kind == CredentialKind.TRANSCRIPT,
            Credential.replaced_at.is_(None),
        )
    ):
        if update_if(transcript, Credential.replaced_at.is_(None), replaced_at=utcnow()):
            record(actor, "credential.replaced", transcript, replaced_by=new.code)
    renewed = issue_transcript(new, actor)
    ledger.append(LedgerAction.REPLACE, renewed.code, actor, why="name change", award=new.code)


def refuse(request: NameChangeRequest, note: str, actor) -> NameChangeRequest:
    """Refuse with a note the holder sees. Once only."""
    require_role(actor, Role.HUB_ADMIN)
    note = (note or "").strip()
    if len(note) < 5:
        raise AccreditationError(_("Say why, so the holder knows what to do next"), field="note")
    if not update_if(
        request,
        NameChangeRequest.status == NameChangeStatus.PENDING,
        status=NameChangeStatus.REFUSED,
        decided_by_id=actor.id,
        decided_at=utcnow(),
        decision_note=note,
    ):
        if request.status is NameChangeStatus.REFUSED:
            return request
        raise AccreditationError(_("This request has already been decided"), field="note")
    record(actor, "name_change.refused", request, credential=request.credential.code)
    _tell_holder(request, approved=False)
    return request


def _tell_holder(request: NameChangeRequest, approved: bool, code: str | None = None) -> None:
    holder = request.credential.holder
    with in_language_of(holder):
        send(
            holder.email,
            _("The name on your IMSA® credential has been changed")
            if approved
            else _("The name on your IMSA® credential: the Hub's reply"),
            render_template(
                "accreditation/email/name_change_decided.txt",
                name=holder.name,
                approved=approved,
                code=code,
                note=request.decision_note,
                url=external_url("accreditation.mine"),
            ),
        )


def latest_for(credential: Credential) -> NameChangeRequest | None:
    """The holder's most recent request about ``credential``, for their page."""
    return db.session.scalar(
        sa.select(NameChangeRequest)
        .where(NameChangeRequest.credential_id == credential.id)
        .order_by(NameChangeRequest.requested_at.desc(), NameChangeRequest.id.desc())
        .limit(1)
    )
