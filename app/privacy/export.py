"""The subject-access export: a ZIP of everything held about one person, with a readable index.

Marks and feedback are included once released to the person (unreleased marking is not yet theirs to
see); staff's internal notes on decisions are left to the records they belong to.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa

from app.accreditation.models import Credential
from app.audit.models import AuditEvent
from app.audit.services import record
from app.auth.models import User
from app.auth.policy import is_hub_admin
from app.cohorts.models import AdjustmentPlan, ContactNote, Enrolment
from app.database import db, utcnow
from app.i18n import gettext as _
from app.learning.models import PortfolioEntry, QuizAttempt, Submission
from app.marking.models import Appeal, ConsiderationRequest, Mark
from app.privacy.files import evidence, upload
from app.refusal import Refused


class ExportRefused(Refused):
    pass


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "value"):  # an enum
        return value.value
    return value


def _row(obj, *skip: str) -> dict:
    """A model's columns as JSON-ready values."""
    return {c.key: _plain(getattr(obj, c.key)) for c in obj.__table__.columns if c.key not in skip}


def _account(user: User) -> dict:
    account = _row(user, "password_hash", "session_token")
    account["roles"] = sorted(r.value for r in user.roles)
    account["organisation"] = user.organisation.name if user.organisation else None
    return account


def _enrolment(enrolment: Enrolment) -> dict:
    return _row(enrolment) | {"cohort": enrolment.cohort.name, "organisation": enrolment.organisation.name}


def _submission(piece: Submission, zf: zipfile.ZipFile) -> dict:
    entry = _row(piece, "locked_by_id", "locked_until")
    entry["assignment"] = piece.assignment.title
    folder = f"submissions/{piece.public_id}"
    zf.writestr(f"{folder}/text.txt", piece.text)
    entry["text_file"] = f"{folder}/text.txt"
    if piece.attachment_sha256 and upload(piece.attachment_sha256).exists():
        name = f"{folder}/{piece.attachment_name or 'attachment.' + (piece.attachment_type or 'bin')}"
        zf.write(upload(piece.attachment_sha256), name)
        entry["attachment_file"] = name
    if piece.released_at is not None:  # marks and feedback once released to the person
        marks = db.session.scalars(sa.select(Mark).where(Mark.submission_id == piece.id).order_by(Mark.id))
        entry["marks"] = [_row(m, "marker_id", "version", "rationale") for m in marks if m.completed_at]
    return entry


def _consideration(request: ConsiderationRequest, zf: zipfile.ZipFile) -> dict:
    entry = _row(request, "board_note", "open_key")
    if request.evidence_sha256 and evidence(request.evidence_sha256).exists():
        name = f"consideration/{request.public_id}/{request.evidence_name or 'evidence'}"
        zf.write(evidence(request.evidence_sha256), name)
        entry["evidence_file"] = name
    return entry


def _audit(user: User, enrolment_ids: list[int]) -> list[dict]:
    """Events done by the person, or about them or their enrolments."""
    enrolment_public = db.session.scalars(
        sa.select(Enrolment.public_id).where(Enrolment.id.in_(enrolment_ids))
    )
    about = sa.or_(
        AuditEvent.actor_id == user.id,
        sa.and_(AuditEvent.subject_type == "User", AuditEvent.subject_id == user.public_id),
        sa.and_(AuditEvent.subject_type == "Enrolment", AuditEvent.subject_id.in_(list(enrolment_public))),
    )
    events = db.session.scalars(sa.select(AuditEvent).where(about).order_by(AuditEvent.id))
    return [_row(e) for e in events]


README = """Personal data held about {name} <{email}>
Exported {when} by the IMSA(R) training platform, in answer to a subject-access request.

Each file is JSON (readable in any text editor); dates are ISO 8601, times UTC.

{index}
Not included: marking not yet released to you, and staff's internal notes on decisions about you
(for example an award board's note); ask the Hub if you want to know more about either.
"""


def export_zip(user: User, actor) -> bytes:
    """The ZIP of ``user``'s data; the export is recorded in the audit trail."""
    if not is_hub_admin(actor):
        raise ExportRefused(_("Only a Hub admin may export a person's data."), field="email")
    enrolments = list(db.session.scalars(sa.select(Enrolment).where(Enrolment.user_id == user.id)))
    ids = [e.id for e in enrolments]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        parts = {
            "account.json": ("Your account", _account(user)),
            "enrolments.json": ("Your places on cohorts", [_enrolment(e) for e in enrolments]),
            "quiz_attempts.json": ("Quiz attempts and scores", _rows(QuizAttempt, ids, "seed", "layout")),
            "submissions.json": (
                "Written work, its text and attachment files (submissions/), and released marks and feedback",
                [_submission(s, zf) for s in _of(Submission, ids)],
            ),
            "portfolio.json": ("Supervised-practice portfolio entries", _rows(PortfolioEntry, ids)),
            "contact_notes.json": ("Trainers' notes of contact with you", _rows(ContactNote, ids)),
            "adjustments.json": ("Reasonable adjustment plans", _rows(AdjustmentPlan, ids)),
            "special_consideration.json": (
                "Special consideration requests and decisions (evidence files in consideration/)",
                [_consideration(r, zf) for r in _of(ConsiderationRequest, ids)],
            ),
            "appeals.json": ("Appeals", _appeals(ids)),
            "credentials.json": (
                "Credentials issued to you (the signed credential files are in credentials/)",
                _credentials(user, zf),
            ),
            "audit_events.json": (
                "Audit events: what you did, and what was done about you",
                _audit(user, ids),
            ),
        }
        lines = []
        for filename, (what, data) in parts.items():
            zf.writestr(filename, json.dumps(data, indent=2, ensure_ascii=False, default=str))
            lines.append(f"{filename:<28} {what} ({len(data)} {'item' if len(data) == 1 else 'items'})")
        zf.writestr(
            "README.txt",
            README.format(
                name=user.name,
                email=user.email,
                when=utcnow().isoformat(timespec="seconds"),
                index="\n".join(lines),
            ),
        )
    record(actor, "privacy.exported", user, files=len(parts))
    return buffer.getvalue()


def _of(model, enrolment_ids: list[int]):
    return list(
        db.session.scalars(sa.select(model).where(model.enrolment_id.in_(enrolment_ids)).order_by(model.id))
    )


def _rows(model, enrolment_ids: list[int], *skip: str) -> list[dict]:
    return [_row(obj, *skip) for obj in _of(model, enrolment_ids)]


def _appeals(enrolment_ids: list[int]) -> list[dict]:
    pieces = sa.select(Submission.id).where(Submission.enrolment_id.in_(enrolment_ids))
    return [_row(a) for a in db.session.scalars(sa.select(Appeal).where(Appeal.submission_id.in_(pieces)))]


def _credentials(user: User, zf: zipfile.ZipFile) -> list[dict]:
    rows = []
    for credential in db.session.scalars(sa.select(Credential).where(Credential.holder_id == user.id)):
        zf.writestr(f"credentials/{credential.code}.jws", credential.jws)
        rows.append(_row(credential, "jws") | {"signed_file": f"credentials/{credential.code}.jws"})
    return rows
