"""The facts about trainees' work: a fixed set of GROUP BY queries over any set of enrolments.

Each of ``lesson_progress``, ``quiz_attempts``, ``written_work`` and ``portfolio`` is one fact source: one
query whose rows are kept as they come, by (enrolment, module), and read together cell by cell (folding
them into one dict per cell cost more than the rules). They run on the Core connection: these are plain
aggregate rows, so the ORM's per-row bookkeeping is not needed. Each selects NULL in place of the dates
the ``Detail`` asked for does not need, keeping the row shape; for the matrix, each source's latest
activity instead.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import defer, selectinload

from app.cohorts.models import AdjustmentPlan, Cohort, ModuleSchedule
from app.cohorts.services import default_schedule
from app.curriculum.models import Assignment, Lesson, Module, Quiz
from app.database import UTCDateTime, db
from app.learning.models import (
    EvidenceStatus,
    Extension,
    LessonProgress,
    PortfolioEntry,
    QuizAttempt,
    Submission,
)


def later(*values):
    present = [v for v in values if v is not None]
    return max(present) if present else None


class Detail(enum.Enum):
    """How much ``collect`` finds out beyond each module's state: each level reads all the one before."""

    STATES = 1  # the progress matrix: the states, and each trainee's latest activity in anything
    REPORTS = 2  # the Hub's reports: each module's facts, and when each was first touched and passed
    RECORD = 3  # the trainee record: each module's own latest activity too

    @property
    def timings(self) -> bool:
        return self is not Detail.STATES

    @property
    def recent(self) -> bool:
        return self is Detail.RECORD


def _timed(wanted: bool, *columns) -> tuple:
    """Dates the detail asks for (else NULL, keeping the row shape), as the database returns them: ISO text
    on SQLite, compared as SQL's ``max`` compares it. Thousands are selected and only some shown, so they
    are read as datetimes (``as_datetime``) only when they are."""
    return tuple(sa.type_coerce(c, sa.types.NullType()) if wanted else sa.null() for c in columns)


def modules_of(version_ids: set[int]) -> dict[int, list[Module]]:
    """Every module of these curriculum versions, in order, with what each asks for (3 queries more)."""
    if not version_ids:
        return {}
    found = db.session.scalars(
        sa.select(Module)
        .where(Module.version_id.in_(version_ids))
        .order_by(Module.version_id, Module.position)
        .options(
            defer(Module.intro_html),
            selectinload(Module.quiz).options(defer(Quiz.questions)),
            selectinload(Module.assignment).options(defer(Assignment.brief_html)),
            selectinload(Module.portfolio_requirements),
        )
    )
    result: dict[int, list[Module]] = defaultdict(list)
    for module in found:
        result[module.version_id].append(module)
    return dict(result)


def lesson_totals(connection, version_ids: set[int]) -> dict[int, int]:
    """How many lessons each module of these versions has."""
    return dict(
        connection.execute(
            sa.select(Lesson.module_id, sa.func.count(Lesson.id))
            .join(Module, Module.id == Lesson.module_id)
            .where(Module.version_id.in_(version_ids))
            .group_by(Lesson.module_id)
        ).all()
    )


def _activity(detail: Detail, column):
    """The latest thing done in the module, for the matrix only (the record works each module's own last
    activity out from the dates; the reports do not show it)."""
    return _timed(not detail.timings, column)[0]


def as_datetime(connection):
    """Reads a date selected by ``_timed`` as ``UTCDateTime`` reads it."""
    read = UTCDateTime().result_processor(connection.dialect, None)
    return read or (lambda value: value)


Cells = dict[tuple[int, int], tuple]  # (enrolment id, module id) -> one source's row, in its order


def lesson_progress(connection, scope, detail: Detail) -> Cells:
    """Lessons opened and completed, and when: (opened, completed, activity, first opened, last opened,
    last completed)."""
    query = (
        sa.select(
            LessonProgress.enrolment_id,
            Lesson.module_id,
            sa.func.count(),  # rows, one per lesson opened (COUNT(*): no column to read)
            sa.func.count(LessonProgress.completed_at),
            _activity(
                detail,
                sa.func.max(sa.func.coalesce(LessonProgress.completed_at, LessonProgress.first_opened_at)),
            ),
            *_timed(detail.timings, sa.func.min(LessonProgress.first_opened_at)),
            *_timed(detail.recent, sa.func.max(LessonProgress.first_opened_at)),
            *_timed(detail.timings, sa.func.max(LessonProgress.completed_at)),
        )
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .where(LessonProgress.enrolment_id.in_(scope))
        .group_by(LessonProgress.enrolment_id, Lesson.module_id)
    )
    return {(row[0], row[1]): row[2:] for row in connection.execute(query).all()}


def quiz_attempts(connection, scope, detail: Detail) -> Cells:
    """Quiz attempts made, passed and still open, and when: (counted, made, passed, submitted, activity,
    last started, last submitted, first passed)."""
    passed = QuizAttempt.passed.is_(True)
    query = (
        sa.select(
            QuizAttempt.enrolment_id,
            Quiz.module_id,
            # A voided attempt (special consideration) does not count towards the limit.
            sa.func.sum(sa.case((QuizAttempt.voided_at.is_(None), 1), else_=0)),
            sa.func.count(),
            sa.func.sum(sa.case((passed, 1), else_=0)),
            sa.func.count(QuizAttempt.submitted_at),
            _activity(
                detail, sa.func.max(sa.func.coalesce(QuizAttempt.submitted_at, QuizAttempt.started_at))
            ),
            *_timed(detail.timings, sa.func.max(QuizAttempt.started_at)),
            *_timed(detail.recent, sa.func.max(QuizAttempt.submitted_at)),
            *_timed(detail.timings, sa.func.min(sa.case((passed, QuizAttempt.submitted_at)))),
        )
        .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
        .where(QuizAttempt.enrolment_id.in_(scope))
        .group_by(QuizAttempt.enrolment_id, Quiz.module_id)
    )
    return {(row[0], row[1]): row[2:] for row in connection.execute(query).all()}


def written_work(connection, scope, detail: Detail) -> Cells:
    """The latest piece of written work for each assignment, with its result and resubmission date:
    (status, band, total, resubmission due, activity, submitted, released, draft saved)."""
    latest = (
        sa.select(
            Submission.enrolment_id,
            Submission.assignment_id,
            sa.func.max(Submission.attempt).label("attempt"),
            sa.func.max(Submission.resubmission_due_on).label("resubmission_due_on"),
            # Over every attempt, not only the latest.
            _activity(
                detail, sa.func.max(sa.func.coalesce(Submission.submitted_at, Submission.draft_saved_at))
            ).label("activity"),
        )
        .where(Submission.enrolment_id.in_(scope))
        .group_by(Submission.enrolment_id, Submission.assignment_id)
        .subquery()
    )
    query = (
        sa.select(
            Submission.enrolment_id,
            Assignment.module_id,
            Submission.status,
            Submission.result_band,
            Submission.result_total,
            latest.c.resubmission_due_on,
            latest.c.activity,
            *_timed(detail.recent, Submission.submitted_at),
            *_timed(detail.timings, Submission.released_at),
            *_timed(detail.recent, Submission.draft_saved_at),
        )
        .join(
            latest,
            sa.and_(
                latest.c.enrolment_id == Submission.enrolment_id,
                latest.c.assignment_id == Submission.assignment_id,
                latest.c.attempt == Submission.attempt,
            ),
        )
        .join(Assignment, Assignment.id == Submission.assignment_id)
    )
    return {(row[0], row[1]): row[2:] for row in connection.execute(query).all()}


@dataclass(slots=True)
class Evidence:
    """One trainee's portfolio evidence in one module."""

    sums: dict = field(default_factory=dict)  # (kind, status) -> (items, hours)
    # As the database returns them (see ``_timed``):
    logged: datetime | str | None = None  # the latest logged
    verified_at: datetime | str | None = None  # the latest verified (with timings only)


def portfolio(connection, scope, detail: Detail) -> dict[tuple[int, int], Evidence]:
    """Portfolio evidence counted and summed by kind and status, and when it was logged and verified."""
    query = (
        sa.select(
            PortfolioEntry.enrolment_id,
            PortfolioEntry.module_id,
            PortfolioEntry.kind,
            PortfolioEntry.status,
            sa.func.count(PortfolioEntry.id),
            sa.func.sum(PortfolioEntry.hours),
            *_timed(True, sa.func.max(PortfolioEntry.created_at)),
            *_timed(detail.timings, sa.func.max(PortfolioEntry.reviewed_at)),
        )
        .where(PortfolioEntry.enrolment_id.in_(scope))
        .group_by(
            PortfolioEntry.enrolment_id, PortfolioEntry.module_id, PortfolioEntry.kind, PortfolioEntry.status
        )
    )
    found: dict[tuple[int, int], Evidence] = defaultdict(Evidence)
    statuses = {s.value: s for s in EvidenceStatus}
    hours_as_decimal: dict = {}  # few distinct sums: each converted once
    for row in connection.execute(query).all():
        enrolment_id, module_id, kind, status, items, hours, logged, reviewed = row
        evidence = found[(enrolment_id, module_id)]
        if hours not in hours_as_decimal:
            hours_as_decimal[hours] = Decimal(str(hours or 0))
        evidence.sums[(kind, statuses[status])] = (items, hours_as_decimal[hours])
        if logged is not None and (evidence.logged is None or logged > evidence.logged):
            evidence.logged = logged
        if status == EvidenceStatus.VERIFIED:
            evidence.verified_at = later(evidence.verified_at, reviewed)
    return found


def extensions(connection, scope) -> dict[tuple[int, int], date]:
    """Each trainee's latest extension of each module's assignment deadline."""
    return {
        (enrolment_id, module_id): due
        for enrolment_id, module_id, due in connection.execute(
            sa.select(Extension.enrolment_id, Assignment.module_id, sa.func.max(Extension.due_on))
            .join(Assignment, Assignment.id == Extension.assignment_id)
            .where(Extension.enrolment_id.in_(scope))
            .group_by(Extension.enrolment_id, Assignment.module_id)
        )
    }


def extra_days(connection, scope) -> dict[int, int]:
    """The extra days each trainee's adjustment plan adds to scheduled and resubmission deadlines (only
    trainees who have some), as ``app.learning.assignments.due_on`` applies them."""
    return dict(
        connection.execute(
            sa.select(AdjustmentPlan.enrolment_id, AdjustmentPlan.extra_days).where(
                AdjustmentPlan.enrolment_id.in_(scope), AdjustmentPlan.extra_days > 0
            )
        ).all()
    )


def schedules(connection, cohorts: dict[int, Cohort]) -> dict[int, dict[int, date]]:
    """Each cohort's due date for each module."""
    found: dict[int, dict[int, date]] = defaultdict(dict)
    for cohort_id, module_id, due in connection.execute(
        sa.select(ModuleSchedule.cohort_id, ModuleSchedule.module_id, ModuleSchedule.due_on).where(
            ModuleSchedule.cohort_id.in_(list(cohorts))
        )
    ):
        found[cohort_id][module_id] = due
    for cohort_id, cohort in cohorts.items():
        if not found[cohort_id]:  # made before schedules and not migrated: the default
            found[cohort_id] = {m: due for m, (_o, due) in default_schedule(cohort).items()}
    return found
