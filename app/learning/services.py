"""The trainee's progress through lessons, derived from ``LessonProgress`` rows by aggregate queries."""

from __future__ import annotations

import enum
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.audit.services import record
from app.auth.access import PermissionDenied
from app.cohorts.models import Enrolment
from app.curriculum.models import Lesson, Module
from app.database import db, utcnow
from app.i18n import N_
from app.learning.models import LessonProgress
from app.learning.once import insert_once


class Status(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"  # every lesson done
    PASSED = "passed"  # every requirement of the module met (see outcomes.py)

    @property
    def label(self) -> str:
        """In English, marked for translation: a page shows ``gettext(status.label)``."""
        return {
            "not_started": N_("Not started"),
            "in_progress": N_("In progress"),
            "completed": N_("Completed"),
            "passed": N_("Passed"),
        }[self.value]


@dataclass(frozen=True)
class ModuleProgress:
    module: Module
    lessons_total: int
    lessons_opened: int
    lessons_completed: int

    @property
    def status(self) -> Status:
        if self.lessons_total and self.lessons_completed == self.lessons_total:
            return Status.COMPLETED
        return Status.IN_PROGRESS if self.lessons_opened else Status.NOT_STARTED


@dataclass(frozen=True)
class Overview:
    modules: list[ModuleProgress]

    @property
    def lessons_total(self) -> int:
        return sum(m.lessons_total for m in self.modules)

    @property
    def lessons_completed(self) -> int:
        return sum(m.lessons_completed for m in self.modules)

    @property
    def percent(self) -> int:
        return round(100 * self.lessons_completed / self.lessons_total) if self.lessons_total else 0

    @property
    def next_module(self) -> ModuleProgress | None:
        return next((m for m in self.modules if m.status is not Status.COMPLETED), None)


def overview(enrolment: Enrolment) -> Overview:
    """Every module of the enrolment's curriculum with its lesson counts, in a fixed number of queries."""
    modules = list(
        db.session.scalars(
            db.select(Module)
            .where(Module.version_id == enrolment.cohort.curriculum_version_id)
            .order_by(Module.position)
            # What each module asks for, loaded with it: the outcomes look at every module's.
            .options(
                selectinload(Module.quiz),
                selectinload(Module.assignment),
                selectinload(Module.portfolio_requirements),
            )
        )
    )
    counts = db.session.execute(
        db.select(
            Lesson.module_id,
            sa.func.count(Lesson.id),
            sa.func.count(LessonProgress.id),
            sa.func.count(LessonProgress.completed_at),
        )
        .join(Module, Module.id == Lesson.module_id)
        .outerjoin(
            LessonProgress,
            sa.and_(LessonProgress.lesson_id == Lesson.id, LessonProgress.enrolment_id == enrolment.id),
        )
        .where(Module.version_id == enrolment.cohort.curriculum_version_id)
        .group_by(Lesson.module_id)
    )
    by_module = {module_id: (total, opened, done) for module_id, total, opened, done in counts}
    return Overview([ModuleProgress(m, *by_module.get(m.id, (0, 0, 0))) for m in modules])


def completion_by_enrolment(enrolment_ids: list[int]) -> dict[int, int]:
    """Lessons completed per enrolment, in one query (for cohort and organisation lists)."""
    if not enrolment_ids:
        return {}
    rows = db.session.execute(
        db.select(LessonProgress.enrolment_id, sa.func.count(LessonProgress.completed_at))
        .where(LessonProgress.enrolment_id.in_(enrolment_ids))
        .group_by(LessonProgress.enrolment_id)
    )
    return dict(rows.all())


def lesson_totals(version_ids: set[int]) -> dict[int, int]:
    """Number of lessons in each curriculum version."""
    if not version_ids:
        return {}
    rows = db.session.execute(
        db.select(Module.version_id, sa.func.count(Lesson.id))
        .join(Lesson, Lesson.module_id == Module.id)
        .where(Module.version_id.in_(version_ids))
        .group_by(Module.version_id)
    )
    return dict(rows.all())


def module_in(enrolment: Enrolment, slug: str) -> Module | None:
    return db.session.scalar(
        db.select(Module).where(
            Module.version_id == enrolment.cohort.curriculum_version_id, Module.slug == slug
        )
    )


def progress_in_module(enrolment: Enrolment, module: Module) -> dict[int, LessonProgress]:
    rows = db.session.scalars(
        db.select(LessonProgress)
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .where(LessonProgress.enrolment_id == enrolment.id, Lesson.module_id == module.id)
    )
    return {row.lesson_id: row for row in rows}


def check_own(enrolment: Enrolment, actor) -> None:
    if actor is None or enrolment.user_id != actor.id:
        raise PermissionDenied("only the trainee can record their own progress")


def _progress_row(enrolment: Enrolment, lesson: Lesson) -> LessonProgress:
    """The trainee's row for this lesson, created on first open.

    Two tabs opening the same lesson at once race on the unique key; the loser reads the winner's row.
    """
    query = db.select(LessonProgress).where(
        LessonProgress.enrolment_id == enrolment.id, LessonProgress.lesson_id == lesson.id
    )
    row = db.session.scalar(query)
    if row is not None:
        return row
    insert_once(LessonProgress, ("enrolment_id", "lesson_id"), enrolment_id=enrolment.id, lesson_id=lesson.id)
    return db.session.scalar(query)


def open_lesson(enrolment: Enrolment, lesson: Lesson, actor) -> LessonProgress:
    check_own(enrolment, actor)
    return _progress_row(enrolment, lesson)


def set_completed(enrolment: Enrolment, lesson: Lesson, completed: bool, actor) -> LessonProgress:
    """Mark a lesson complete (or not complete again), as the trainee says."""
    check_own(enrolment, actor)
    row = _progress_row(enrolment, lesson)
    if completed and row.completed_at is None:
        row.completed_at = utcnow()
        record(actor, "learning.lesson_completed", enrolment, lesson=lesson.source_path)
    elif not completed and row.completed_at is not None:
        row.completed_at = None
        record(actor, "learning.lesson_uncompleted", enrolment, lesson=lesson.source_path)
    return row
