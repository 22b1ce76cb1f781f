"""The retention schedule (``IMSA_RETENTION``, months): what is removed, and when.

* assignment text and attachments: ``submission_months_after_board`` after the cohort's award board met
  (or, without a board, after the enrolment ended: withdrawn, deferred or transferred);
* trainers' contact notes: ``contact_note_months_after_end`` after the enrolment ended (or the board met);
* sign-in events of the audit trail: ``sign_in_event_months`` after the sign-in.

Marks, bands, word counts and hashes of the work stay: the result, the statistics and the award rest on
them. ``apply_retention`` is the periodic job; with ``dry_run`` it lists what it would remove and changes
nothing. It does not commit (the periodic job and the command line do).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app

from app.assurance.models import AwardBoard
from app.audit.models import AuditEvent, AuditRedaction
from app.audit.services import record
from app.auth.models import User
from app.cohorts.models import ContactNote, Enrolment, EnrolmentStatus
from app.database import db, utcnow
from app.learning.models import Submission
from app.privacy.files import forget_attachment
from app.workdays import LONDON, london_date

SIGN_IN = "auth.signed_in"


def months_before(day: date, months: int) -> date:
    """The same day ``months`` calendar months earlier (the month's last day when it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def is_due(since: date | None, months: int, today: date) -> bool:
    """Whether something kept ``months`` after ``since`` is due for removal on ``today``."""
    return since is not None and since <= months_before(today, months)


@dataclass(frozen=True)
class Removal:
    kind: str  # submission | contact_note | sign_in_events
    subject: str  # the public id of the record (the person's, for sign-in events)
    since: date  # what the period runs from
    detail: str


@dataclass
class RetentionRun:
    today: date
    dry_run: bool
    removals: list[Removal] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(1 for r in self.removals if r.kind == kind)


def _ended_on(enrolment: Enrolment, boards: dict[int, date]) -> date | None:
    if enrolment.status is not EnrolmentStatus.ACTIVE and enrolment.status_changed_at is not None:
        return london_date(enrolment.status_changed_at)
    return boards.get(enrolment.cohort_id)


def _boards() -> dict[int, date]:
    return dict(db.session.execute(sa.select(AwardBoard.cohort_id, AwardBoard.met_on)).all())


def _submissions_due(today: date, months: int, boards: dict[int, date]):
    pieces = db.session.scalars(
        sa.select(Submission)
        .join(Enrolment, Submission.enrolment_id == Enrolment.id)
        .where(sa.or_(Submission.text != "", Submission.attachment_sha256.is_not(None)))
        .order_by(Submission.id)
    )
    for piece in pieces:
        enrolment = piece.enrolment
        since = boards.get(enrolment.cohort_id) or _ended_on(enrolment, boards)
        if is_due(since, months, today):
            yield piece, since


def _notes_due(today: date, months: int, boards: dict[int, date]):
    notes = db.session.scalars(sa.select(ContactNote).order_by(ContactNote.id))
    for note in notes:
        enrolment = db.session.get(Enrolment, note.enrolment_id)
        since = _ended_on(enrolment, boards)
        if is_due(since, months, today):
            yield note, since


def _sign_ins_due(today: date, months: int) -> dict[str, list[AuditEvent]]:
    cutoff = months_before(today, months) + timedelta(days=1)  # events on the cutoff day are due too
    before = datetime.combine(cutoff, time(), LONDON).astimezone(UTC)
    events = db.session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.action == SIGN_IN, AuditEvent.occurred_at < before)
        .order_by(AuditEvent.id)
    )
    by_person: dict[str, list[AuditEvent]] = {}
    for event in events:
        by_person.setdefault(event.subject_id, []).append(event)
    return by_person


def apply_retention(today: date, dry_run: bool) -> RetentionRun:
    """Remove (or, with ``dry_run``, list) everything the schedule says is due on ``today``."""
    schedule = current_app.config["IMSA_RETENTION"]
    boards = _boards()
    run = RetentionRun(today, dry_run)
    for piece, since in list(_submissions_due(today, schedule["submission_months_after_board"], boards)):
        had = "text and attachment" if piece.attachment_sha256 else "text"
        run.removals.append(Removal("submission", piece.public_id, since, had))
        if not dry_run:
            piece.text = ""
            forget_attachment(piece)
            record(None, "privacy.retention_applied", piece, removed=had, since=since.isoformat())
    for note, since in list(_notes_due(today, schedule["contact_note_months_after_end"], boards)):
        run.removals.append(Removal("contact_note", note.public_id, since, f"note of {note.contacted_on}"))
        if not dry_run:
            enrolment = db.session.get(Enrolment, note.enrolment_id)
            record(
                None, "privacy.contact_note_removed", enrolment, note=note.public_id, since=since.isoformat()
            )
            db.session.delete(note)
    for person, events in _sign_ins_due(today, schedule["sign_in_event_months"]).items():
        oldest = london_date(events[0].occurred_at)
        run.removals.append(Removal("sign_in_events", person, oldest, f"{len(events)} sign-in events"))
        if not dry_run:
            _remove_sign_ins(person, events)
    db.session.flush()
    return run


def _remove_sign_ins(person: str, events: list[AuditEvent]) -> None:
    """Delete sign-in events through the one path the audit trail's triggers allow: a recorded removal."""
    ids = [event.id for event in events]
    db.session.execute(
        sa.insert(AuditRedaction),
        [
            {"event_id": i, "kind": "remove", "reason": "retention: sign-in events", "recorded_at": utcnow()}
            for i in ids
        ],
    )
    for event in events:
        db.session.expunge(event)
    db.session.execute(sa.delete(AuditEvent).where(AuditEvent.id.in_(ids)))
    user = db.session.scalar(sa.select(User).where(User.public_id == person))
    if user is not None:
        record(None, "privacy.sign_in_events_removed", user, count=len(ids))


def scheduled_retention(today: date) -> RetentionRun:
    """The periodic job (``app.jobs.schedule``): apply the schedule for ``today``, a London date; the job
    commits when it returns."""
    return apply_retention(today, dry_run=False)
