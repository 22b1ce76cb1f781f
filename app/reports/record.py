"""The trainee record: everything about one enrolment on one page, in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import defer, lazyload

from app.audit.models import AuditEvent
from app.auth import policy
from app.auth.models import User
from app.cohorts.models import ContactNote, Enrolment
from app.curriculum.models import Module
from app.database import db
from app.i18n import N_
from app.learning.models import Extension, PortfolioEntry, QuizAttempt, Submission, SubmissionStatus
from app.learning.outcomes import TraineeProgress, collect
from app.learning.portfolio import Total, totals_from_sums
from app.reports.progress import inactive_days, risks

TIMELINE_LIMIT = 200

ACTIONS = {
    "enrolment.created": N_("Enrolled"),
    "enrolment.withdrawn": N_("Withdrawn"),
    "enrolment.deferred": N_("Deferred"),
    "enrolment.resumed": N_("Resumed"),
    "enrolment.transferred": N_("Transferred to another cohort"),
    "enrolment.contact_noted": N_("Contact recorded"),
    "learning.lesson_completed": N_("Lesson completed"),
    "learning.lesson_uncompleted": N_("Lesson marked not complete"),
    "quiz.attempt_started": N_("Quiz attempt started"),
    "quiz.attempt_submitted": N_("Quiz attempt submitted"),
    "quiz.attempt_timed_out": N_("Quiz attempt timed out"),
    "submission.submitted": N_("Written work submitted"),
    "submission.attachment_added": N_("Attachment added"),
    "submission.resubmission_started": N_("Resubmission started"),
    "assignment.extension_granted": N_("Extension granted"),
    "portfolio.entry_logged": N_("Portfolio evidence logged"),
    "portfolio.entry_verified": N_("Portfolio evidence verified"),
    "portfolio.entry_returned": N_("Portfolio evidence returned"),
    "marking.released": N_("Result released"),
}
# What managers of the host organisation see of the timeline: the trainee's own steps and released results.
FOR_MANAGERS = {a for a in ACTIONS if not a.startswith("enrolment.contact")}
# What else the staff see: marking and quiz decisions (any other action is named from its code).
STAFF_ACTIONS = {
    "marking.allocated": N_("Allocated"),
    "marking.started": N_("Started"),
    "marking.marked": N_("Marked"),
    "marking.returned_for_anonymisation": N_("Returned for anonymisation"),
    "marking.similarity_flagged": N_("Similarity flagged"),
    "marking.sampled_for_moderation": N_("Sampled for moderation"),
    "marking.second_mark_agrees": N_("Second mark agrees"),
    "marking.second_mark_disagrees": N_("Second mark disagrees"),
    "marking.agreed": N_("Agreed"),
    "marking.ready_for_release": N_("Ready for release"),
    "quiz.attempt_allowed": N_("Attempt allowed"),
    "quiz.cooling_off_lifted": N_("Cooling off lifted"),
    "quiz.attempt_voided": N_("Attempt voided"),
}


@dataclass
class PieceView:
    piece: Submission
    module: Module
    show_result: bool  # released, or unreleased and the viewer may see marks before release


@dataclass
class TraineeRecord:
    enrolment: Enrolment
    progress: TraineeProgress
    risks: list[str]
    attempts: dict[int, list[QuizAttempt]]  # by module id
    pieces: list[PieceView]
    portfolio: dict[int, list[Total]]  # by module id, for modules with requirements
    extensions: list[tuple[Extension, Module]]
    notes: list[ContactNote]
    # (event, what happened: English, shown with the ``shown`` filter, who did it)
    timeline: list[tuple[AuditEvent, str, str | None]]


def build(enrolment: Enrolment, viewer: User, today: date) -> TraineeRecord:
    progress = collect([enrolment], today)[enrolment.id]
    by_quiz = {m.quiz.id: m for m in progress.modules if m.quiz}
    by_assignment = {m.assignment.id: m for m in progress.modules if m.assignment}

    attempts: dict[int, list[QuizAttempt]] = defaultdict(list)
    for attempt in db.session.scalars(
        sa.select(QuizAttempt)
        .where(QuizAttempt.enrolment_id == enrolment.id)
        .options(lazyload(QuizAttempt.quiz), defer(QuizAttempt.layout))
        .order_by(QuizAttempt.quiz_id, QuizAttempt.number)
    ):
        if attempt.quiz_id in by_quiz:
            attempts[by_quiz[attempt.quiz_id].id].append(attempt)

    unreleased_ok = policy.may_see_unreleased_marks(viewer, enrolment)
    pieces = [
        PieceView(
            piece,
            by_assignment[piece.assignment_id],
            piece.status in (SubmissionStatus.RELEASED, SubmissionStatus.REFERRED)
            or (unreleased_ok and piece.result_band is not None),
        )
        for piece in db.session.scalars(
            sa.select(Submission)
            .where(Submission.enrolment_id == enrolment.id, Submission.status != SubmissionStatus.DRAFT)
            .options(lazyload(Submission.assignment), defer(Submission.text))
            .order_by(Submission.assignment_id, Submission.attempt)
        )
        if piece.assignment_id in by_assignment
    ]
    pieces.sort(key=lambda v: (v.module.position, v.piece.attempt))

    portfolio = {
        m.id: totals_from_sums(m, progress.facts[m.id].evidence)
        for m in progress.modules
        if m.portfolio_requirements
    }
    extensions = [
        (ext, by_assignment[ext.assignment_id])
        for ext in db.session.scalars(
            sa.select(Extension).where(Extension.enrolment_id == enrolment.id).order_by(Extension.granted_at)
        )
        if ext.assignment_id in by_assignment
    ]
    notes = list(
        db.session.scalars(
            sa.select(ContactNote)
            .where(ContactNote.enrolment_id == enrolment.id)
            .order_by(ContactNote.contacted_on.desc(), ContactNote.id.desc())
        )
    )
    staff = policy.is_cohort_staff(viewer, enrolment.cohort)
    timeline = _timeline(enrolment, [v.piece for v in pieces], attempts, staff)
    return TraineeRecord(
        enrolment=enrolment,
        progress=progress,
        risks=risks(progress, today, inactive_days()),
        attempts=dict(attempts),
        pieces=pieces,
        portfolio=portfolio,
        extensions=extensions,
        notes=notes if staff else [],
        timeline=timeline,
    )


def _timeline(enrolment: Enrolment, pieces, attempts, staff: bool):
    subjects = [
        sa.and_(AuditEvent.subject_type == "Enrolment", AuditEvent.subject_id == enrolment.public_id),
    ]
    piece_ids = [p.public_id for p in pieces]
    attempt_ids = [a.public_id for group in attempts.values() for a in group]
    if piece_ids:
        subjects.append(
            sa.and_(AuditEvent.subject_type == "Submission", AuditEvent.subject_id.in_(piece_ids))
        )
    if attempt_ids:
        subjects.append(
            sa.and_(AuditEvent.subject_type == "QuizAttempt", AuditEvent.subject_id.in_(attempt_ids))
        )
    entries = sa.select(PortfolioEntry.public_id).where(PortfolioEntry.enrolment_id == enrolment.id)
    subjects.append(sa.and_(AuditEvent.subject_type == "PortfolioEntry", AuditEvent.subject_id.in_(entries)))
    rows = db.session.execute(
        sa.select(AuditEvent, User.name)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(sa.or_(*subjects))
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .limit(TIMELINE_LIMIT)
    ).all()
    shown = []
    for event, who in rows:
        if not staff and event.action not in FOR_MANAGERS:
            continue
        label = (
            ACTIONS.get(event.action)
            or STAFF_ACTIONS.get(event.action)
            or event.action.split(".")[-1].replace("_", " ").capitalize()
        )
        shown.append((event, label, who if staff else None))
    return shown
