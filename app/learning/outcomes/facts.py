"""The facts about trainees' work: a fixed set of GROUP BY queries over any set of enrolments.

Each ``add_*`` function is one fact source (lesson progress, quiz attempts, written work, portfolio
evidence): one query whose rows are folded into ``raw``, a dict of plain values per (enrolment, module).
They run on the Core connection: these are plain aggregate rows, so the ORM's per-row bookkeeping is not
needed. ``timings=False`` selects NULL in place of the dates only the reports need, keeping the row shape.
"""

from __future__ import annotations

from collections import defaultdict
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
from app.learning.outcomes.rules import PieceFacts

Raw = dict[tuple[int, int], dict]  # (enrolment id, module id) -> what is known, by name


def later(*values):
    present = [v for v in values if v is not None]
    return max(present) if present else None


def _earlier(*values):
    present = [v for v in values if v is not None]
    return min(present) if present else None


def _timed(timings: bool, *columns) -> tuple:
    return columns if timings else tuple(sa.null() for _ in columns)


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


def add_lesson_progress(connection, scope, timings: bool, raw: Raw) -> None:
    """Lessons opened and completed, and when."""
    query = (
        sa.select(
            LessonProgress.enrolment_id,
            Lesson.module_id,
            sa.func.count(LessonProgress.id),
            sa.func.count(LessonProgress.completed_at),
            *_timed(
                timings,
                sa.func.min(LessonProgress.first_opened_at),
                sa.func.max(LessonProgress.first_opened_at),
                sa.func.max(LessonProgress.completed_at),
            ),
        )
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .where(LessonProgress.enrolment_id.in_(scope))
        .group_by(LessonProgress.enrolment_id, Lesson.module_id)
    )
    for enrolment_id, module_id, opened, done, first, last_opened, last_done in connection.execute(query):
        raw[(enrolment_id, module_id)].update(
            lessons_opened=opened,
            lessons_completed=done,
            first_activity=first,
            last_activity=later(last_opened, last_done),
            lessons_done_at=last_done,
        )


def add_quiz_attempts(connection, scope, timings: bool, raw: Raw) -> None:
    """Quiz attempts made, passed and still open, and when."""
    passed = QuizAttempt.passed.is_(True)
    query = (
        sa.select(
            QuizAttempt.enrolment_id,
            Quiz.module_id,
            # A voided attempt (special consideration) does not count towards the limit.
            sa.func.sum(sa.case((QuizAttempt.voided_at.is_(None), 1), else_=0)),
            sa.func.count(QuizAttempt.id),
            sa.func.sum(sa.case((passed, 1), else_=0)),
            sa.func.count(QuizAttempt.submitted_at),
            *_timed(
                timings,
                sa.func.max(QuizAttempt.started_at),
                sa.func.max(QuizAttempt.submitted_at),
                sa.func.min(sa.case((passed, QuizAttempt.submitted_at))),
            ),
        )
        .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
        .where(QuizAttempt.enrolment_id.in_(scope))
        .group_by(QuizAttempt.enrolment_id, Quiz.module_id)
    )
    for row in connection.execute(query):
        enrolment_id, module_id, counted, tries, passes, submitted, last_start, last_submit, passed_at = row
        f = raw[(enrolment_id, module_id)]
        f.update(
            quiz_attempts=counted,
            quiz_passed=bool(passes),
            quiz_open=submitted < tries,
            quiz_passed_at=passed_at,
        )
        f["first_activity"] = _earlier(f.get("first_activity"), last_start if tries == 1 else None)
        f["last_activity"] = later(f.get("last_activity"), last_start, last_submit)


def add_written_work(connection, scope, timings: bool, raw: Raw) -> None:
    """The latest piece of written work for each assignment, with its result and resubmission date."""
    latest = (
        sa.select(
            Submission.enrolment_id,
            Submission.assignment_id,
            sa.func.max(Submission.attempt).label("attempt"),
            sa.func.max(Submission.resubmission_due_on).label("resubmission_due_on"),
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
            *_timed(timings, Submission.submitted_at, Submission.released_at, Submission.draft_saved_at),
            latest.c.resubmission_due_on,
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
    for row in connection.execute(query):
        enrolment_id, module_id, status, band, total, submitted, released, saved, resubmission_due = row
        f = raw[(enrolment_id, module_id)]
        f["piece"] = PieceFacts(status, band, total, submitted, released)
        f["resubmission_due_on"] = resubmission_due
        f["last_activity"] = later(f.get("last_activity"), saved, submitted)


def add_portfolio(connection, scope, timings: bool, raw: Raw) -> None:
    """Portfolio evidence counted and summed by kind and status, and when it was logged and verified."""
    query = (
        sa.select(
            PortfolioEntry.enrolment_id,
            PortfolioEntry.module_id,
            PortfolioEntry.kind,
            PortfolioEntry.status,
            sa.func.count(PortfolioEntry.id),
            sa.func.sum(PortfolioEntry.hours),
            *_timed(timings, sa.func.max(PortfolioEntry.created_at), sa.func.max(PortfolioEntry.reviewed_at)),
        )
        .where(PortfolioEntry.enrolment_id.in_(scope))
        .group_by(
            PortfolioEntry.enrolment_id, PortfolioEntry.module_id, PortfolioEntry.kind, PortfolioEntry.status
        )
    )
    for enrolment_id, module_id, kind, status, items, hours, logged, reviewed in connection.execute(query):
        f = raw[(enrolment_id, module_id)]
        f.setdefault("evidence", {})[(kind, EvidenceStatus(status))] = (items, Decimal(str(hours or 0)))
        f["last_activity"] = later(f.get("last_activity"), logged)
        if status == EvidenceStatus.VERIFIED:
            f["verified_at"] = later(f.get("verified_at"), reviewed)


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


def last_activity(connection, scope) -> dict[int, datetime]:
    """The latest thing each trainee did: a lesson, a quiz attempt, written work or portfolio evidence."""
    sources = sa.union_all(
        sa.select(
            LessonProgress.enrolment_id.label("enrolment_id"),
            sa.func.max(sa.func.coalesce(LessonProgress.completed_at, LessonProgress.first_opened_at)).label(
                "at"
            ),
        )
        .where(LessonProgress.enrolment_id.in_(scope))
        .group_by(LessonProgress.enrolment_id),
        sa.select(
            QuizAttempt.enrolment_id,
            sa.func.max(sa.func.coalesce(QuizAttempt.submitted_at, QuizAttempt.started_at)),
        )
        .where(QuizAttempt.enrolment_id.in_(scope))
        .group_by(QuizAttempt.enrolment_id),
        sa.select(
            Submission.enrolment_id,
            sa.func.max(sa.func.coalesce(Submission.submitted_at, Submission.draft_saved_at)),
        )
        .where(Submission.enrolment_id.in_(scope))
        .group_by(Submission.enrolment_id),
        sa.select(PortfolioEntry.enrolment_id, sa.func.max(PortfolioEntry.created_at))
        .where(PortfolioEntry.enrolment_id.in_(scope))
        .group_by(PortfolioEntry.enrolment_id),
    ).subquery()
    at = sa.type_coerce(sa.func.max(sources.c.at), UTCDateTime)
    return dict(
        connection.execute(sa.select(sources.c.enrolment_id, at).group_by(sources.c.enrolment_id)).all()
    )
