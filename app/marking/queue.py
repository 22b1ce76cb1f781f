"""What markers and Hub admins see: the marking queue and the marking reports, each in a fixed number of
queries however many pieces there are."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import joinedload

from app.assessments.rubric import BANDS, DEFAULT_MODERATION
from app.auth import policy
from app.auth.models import User
from app.cohorts.models import Cohort, Enrolment
from app.csv_export import to_csv
from app.curriculum.models import Assignment, Module
from app.database import db
from app.learning.models import Submission, SubmissionStatus
from app.marking.models import Mark, MarkKind
from app.workdays import working_days_after

S = SubmissionStatus
TURNAROUND_WORKING_DAYS = 15
IN_MARKING = (S.SUBMITTED, S.IN_MARKING, S.MARKED, S.IN_MODERATION, S.READY_FOR_RELEASE)


@dataclass(frozen=True)
class QueueItem:
    piece: Submission
    mark_by: date

    @property
    def overdue(self) -> bool:
        return self.piece.status in (S.SUBMITTED, S.IN_MARKING) and self.mark_by < date.today()


def _with_context(query):
    return query.options(
        joinedload(Submission.enrolment).joinedload(Enrolment.cohort),
        joinedload(Submission.assignment).joinedload(Assignment.module),
        joinedload(Submission.marker),
        joinedload(Submission.moderator),
        joinedload(Submission.locked_by),
    )


def queue(user: User, cohort: str | None = None, module: str | None = None, status: str | None = None):
    """The user's marking: pieces allocated to them to mark or second-mark (every piece, for a Hub admin)."""
    query = db.select(Submission).join(Enrolment, Enrolment.id == Submission.enrolment_id)
    if policy.is_hub_admin(user):
        query = query.where(Submission.status.in_(IN_MARKING))
    else:
        query = query.where(
            db.or_(
                db.and_(Submission.marker_id == user.id, Submission.status.in_((S.SUBMITTED, S.IN_MARKING))),
                db.and_(Submission.moderator_id == user.id, Submission.status == S.IN_MODERATION),
            )
        )
    if cohort:
        query = query.join(Cohort, Cohort.id == Enrolment.cohort_id).where(Cohort.public_id == cohort)
    if module:
        query = (
            query.join(Assignment, Assignment.id == Submission.assignment_id)
            .join(Module, Module.id == Assignment.module_id)
            .where(Module.slug == module)
        )
    if status in {s.value for s in IN_MARKING}:
        query = query.where(Submission.status == S(status))
    pieces = db.session.scalars(_with_context(query).order_by(Submission.submitted_at)).unique().all()
    return [QueueItem(p, working_days_after(p.submitted_at.date(), TURNAROUND_WORKING_DAYS)) for p in pieces]


@dataclass(frozen=True)
class Waiting:
    """Submitted pieces of one assessment of one cohort that no marker has yet."""

    cohort: Cohort
    module: Module
    count: int


def unallocated(user: User) -> list[Waiting]:
    """What waits for a marker in the cohorts ``user`` leads (every cohort, for a Hub admin): the pages of
    the people who can allocate say so, so submitted work is never left unseen."""
    query = (
        db.select(Enrolment.cohort_id, Submission.assignment_id, db.func.count())
        .join(Enrolment, Enrolment.id == Submission.enrolment_id)
        .where(Submission.status == S.SUBMITTED, Submission.marker_id.is_(None))
        .group_by(Enrolment.cohort_id, Submission.assignment_id)
    )
    if not policy.is_hub_admin(user):
        query = query.join(Cohort, Cohort.id == Enrolment.cohort_id).where(Cohort.lead_trainer_id == user.id)
    rows = db.session.execute(query).all()
    if not rows:
        return []
    cohorts = {
        c.id: c for c in db.session.scalars(db.select(Cohort).where(Cohort.id.in_({r[0] for r in rows})))
    }
    modules = {
        a.id: a.module
        for a in db.session.scalars(db.select(Assignment).where(Assignment.id.in_({r[1] for r in rows})))
    }
    return sorted(
        (Waiting(cohorts[c], modules[a], n) for c, a, n in rows),
        key=lambda w: (w.cohort.name, w.module.position),
    )


@dataclass(frozen=True)
class Report:
    pieces: list[Submission]
    marks: dict[int, dict[MarkKind, Mark]]
    bands: dict[str, int]
    marker_averages: list[tuple[str, int, float]]  # (marker name, pieces, average first mark)
    moderated: int
    agreed_within_threshold: int
    turnaround_days: float | None


def report(assignment: Assignment, cohort: Cohort) -> Report:
    pieces = (
        db.session.scalars(
            _with_context(
                db.select(Submission)
                .join(Enrolment, Enrolment.id == Submission.enrolment_id)
                .where(
                    Submission.assignment_id == assignment.id,
                    Enrolment.cohort_id == cohort.id,
                    Submission.status != S.DRAFT,
                )
                .order_by(Submission.submitted_at)
            )
        )
        .unique()
        .all()
    )
    marks: dict[int, dict[MarkKind, Mark]] = {p.id: {} for p in pieces}
    for mark in db.session.scalars(
        db.select(Mark).options(joinedload(Mark.marker)).where(Mark.submission_id.in_(list(marks)))
    ):
        marks[mark.submission_id][mark.kind] = mark
    bands = Counter(p.result_band for p in pieces if p.result_band)
    by_marker: dict[str, list[float]] = {}
    for piece_marks in marks.values():
        first = piece_marks.get(MarkKind.FIRST)
        if first and first.total is not None and first.completed_at:
            by_marker.setdefault(first.marker.name, []).append(first.total)
    rule = assignment.moderation or DEFAULT_MODERATION
    pairs = [
        (m[MarkKind.FIRST], m[MarkKind.SECOND])
        for m in marks.values()
        if MarkKind.SECOND in m and m[MarkKind.SECOND].completed_at and MarkKind.FIRST in m
    ]
    agreeing = sum(
        1 for f, s in pairs if abs(f.total - s.total) <= rule["threshold_marks"] and f.band == s.band
    )
    turnaround = [(p.marked_at - p.submitted_at).total_seconds() / 86400 for p in pieces if p.marked_at]
    return Report(
        pieces=pieces,
        marks=marks,
        bands={band: bands.get(band, 0) for band in BANDS},
        marker_averages=sorted(
            (name, len(v), round(statistics.fmean(v), 1)) for name, v in by_marker.items()
        ),
        moderated=len(pairs),
        agreed_within_threshold=agreeing,
        turnaround_days=round(statistics.fmean(turnaround), 1) if turnaround else None,
    )


def report_csv(data: Report) -> str:
    """One row per piece, by candidate number: anonymised, for the exam board."""
    header = [
        "candidate_number",
        "attempt",
        "status",
        "late",
        "submitted_at",
        "marked_at",
        "released_at",
        "first_marker",
        "first_total",
        "first_band",
        "second_total",
        "second_band",
        "agreed_total",
        "agreed_band",
        "result_total",
        "result_band",
    ]
    rows = []
    for p in data.pieces:
        m = data.marks[p.id]

        def part(kind, attr, m=m):
            return getattr(m[kind], attr) if kind in m else ""

        rows.append(
            [
                p.enrolment.candidate_number,
                p.attempt,
                p.status.value,
                "yes" if p.late else "no",
                p.submitted_at.isoformat() if p.submitted_at else "",
                p.marked_at.isoformat() if p.marked_at else "",
                p.released_at.isoformat() if p.released_at else "",
                m[MarkKind.FIRST].marker.name if MarkKind.FIRST in m else "",
                part(MarkKind.FIRST, "total"),
                part(MarkKind.FIRST, "band"),
                part(MarkKind.SECOND, "total"),
                part(MarkKind.SECOND, "band"),
                part(MarkKind.AGREED, "total"),
                part(MarkKind.AGREED, "band"),
                p.result_total if p.result_total is not None else "",
                p.result_band or "",
            ]
        )
    return to_csv(header, rows)
