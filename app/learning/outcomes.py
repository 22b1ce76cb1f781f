"""Whether a trainee has passed each module, what is outstanding, and the module's state: derived, never
stored.

A module is passed when its lessons are done, its quiz (if any) is passed, its written work (if any) is
released at Pass or above, and its portfolio requirements (if any) are met.

The rules are one pure function, ``assess``, over the facts about one trainee in one module. The facts come
from ``collect``: a fixed number of GROUP BY queries over any set of enrolments (one trainee, a cohort, or
every cohort for the Hub's reports), so the trainee's own pages, the progress matrix and the reports
always agree.
"""

from __future__ import annotations

import enum
import gc
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace

import sqlalchemy as sa
from sqlalchemy.orm import defer, selectinload

from app.cohorts.models import Enrolment, ModuleSchedule
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
    SubmissionStatus,
)
from app.learning.portfolio import EvidenceSums, totals_from_sums
from app.learning.services import ModuleProgress, Overview, Status

S = SubmissionStatus
WITH_MARKERS = (S.SUBMITTED, S.IN_MARKING, S.MARKED, S.IN_MODERATION, S.READY_FOR_RELEASE)


class ModuleState(enum.StrEnum):
    """One trainee's state in one module, as the progress matrix shows it."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    AWAITING_MARKING = "awaiting_marking"
    PASSED = "passed"
    REFERRED = "referred"
    OVERDUE = "overdue"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


@dataclass(frozen=True)
class PieceFacts:
    """The latest piece of written work for the module's assignment."""

    status: SubmissionStatus
    band: str | None = None
    total: float | None = None
    submitted_at: datetime | None = None
    released_at: datetime | None = None


@dataclass(slots=True)
class ModuleFacts:
    """What is known about one trainee in one module."""

    lessons_total: int = 0
    lessons_opened: int = 0
    lessons_completed: int = 0
    quiz_attempts: int = 0
    quiz_passed: bool = False
    quiz_open: bool = False  # an attempt started and not yet submitted
    piece: PieceFacts | None = None
    evidence: EvidenceSums = field(default_factory=dict)
    due_on: date | None = None  # the trainee's own: an extension, a resubmission date, else the schedule
    first_activity: datetime | None = None
    last_activity: datetime | None = None
    passed_at: datetime | None = None  # when the last requirement was met (if the module is passed)


@dataclass(frozen=True)
class Assessment:
    state: ModuleState
    outstanding: list[str]
    quiz_exhausted: bool  # every quiz attempt used, none passed
    started: bool  # anything done in the module at all


def assess(module: Module, facts: ModuleFacts, today: date) -> Assessment:
    """The rules. ``module`` needs its quiz, assignment and portfolio requirements loaded."""
    outstanding: list[str] = []
    staff_only = True  # is everything outstanding waiting on markers or reviewers, not on the trainee?
    referred = False
    if facts.lessons_completed < facts.lessons_total:
        left = facts.lessons_total - facts.lessons_completed
        outstanding.append(f"{left} lesson{'s' if left != 1 else ''} to complete")
        staff_only = False
    quiz_exhausted = False
    if module.quiz and not facts.quiz_passed:
        outstanding.append("pass the quiz")
        staff_only = False
        quiz_exhausted = facts.quiz_attempts >= module.quiz.attempts and not facts.quiz_open
    if module.assignment:
        piece = facts.piece
        if piece is None or piece.status is S.DRAFT:
            outstanding.append("submit the written assignment")
            staff_only = False
        elif piece.status is S.REFERRED:
            outstanding.append("resubmit the written assignment (it was referred)")
            staff_only, referred = False, True
        elif piece.status is S.RELEASED and piece.band == "fail":
            outstanding.append("the written assignment was not passed: talk to your trainer about next steps")
            staff_only, referred = False, True
        elif piece.status is not S.RELEASED:
            outstanding.append("the written assignment is waiting for marking")
    if module.portfolio_requirements:
        unmet = [t for t in totals_from_sums(module, facts.evidence) if not t.met]
        if unmet:
            outstanding.append(
                f"portfolio evidence still needed: {', '.join(t.requirement.title for t in unmet)}"
            )
            if any(t.verified + t.waiting < t.requirement.minimum for t in unmet):
                staff_only = False
    started = bool(facts.lessons_opened or facts.quiz_attempts or facts.piece or facts.evidence)
    if not outstanding:
        state = ModuleState.PASSED
    elif referred:
        state = ModuleState.REFERRED
    elif staff_only:
        state = ModuleState.AWAITING_MARKING
    elif facts.due_on is not None and facts.due_on < today:
        state = ModuleState.OVERDUE
    elif started:
        state = ModuleState.IN_PROGRESS
    else:
        state = ModuleState.NOT_STARTED
    return Assessment(state, outstanding, quiz_exhausted, started)


@dataclass(frozen=True)
class ModuleOutcome:
    progress: ModuleProgress
    outstanding: list[str] = field(default_factory=list)
    state: ModuleState | None = None
    started: bool = False

    @property
    def module(self) -> Module:
        return self.progress.module

    @property
    def passed(self) -> bool:
        return not self.outstanding

    @property
    def status(self) -> Status:
        """The trainee's own wording: not started, in progress or passed."""
        if self.passed:
            return Status.PASSED
        return Status.IN_PROGRESS if self.started else Status.NOT_STARTED


@dataclass
class TraineeProgress:
    """Everything ``collect`` found about one enrolment, with each module assessed."""

    enrolment: Enrolment
    modules: list[Module]
    facts: dict[int, ModuleFacts]
    assessments: dict[int, Assessment]
    last_activity: datetime | None

    @property
    def passed(self) -> int:
        return sum(1 for a in self.assessments.values() if a.state is ModuleState.PASSED)

    def state(self, module_id: int) -> ModuleState:
        return self.assessments[module_id].state


def _later(*values):
    present = [v for v in values if v is not None]
    return max(present) if present else None


def _earlier(*values):
    present = [v for v in values if v is not None]
    return min(present) if present else None


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


@dataclass(frozen=True)
class _Requirement:
    title: str
    unit: str
    minimum: int
    kinds: tuple[str, ...]


def _shape(module: Module) -> SimpleNamespace:
    """What ``assess`` reads of a module, as plain attributes: read 11,000 times for a large cohort, the
    ORM's instrumented attributes would cost more than the rules themselves."""
    return SimpleNamespace(
        quiz=SimpleNamespace(attempts=module.quiz.attempts) if module.quiz else None,
        assignment=bool(module.assignment),
        portfolio_requirements=[
            _Requirement(r.title, r.unit, r.minimum, tuple(r.kinds)) for r in module.portfolio_requirements
        ],
    )


@contextmanager
def _no_gc_pauses():
    """Hold off Python's cycle collector while building many small objects that hold no cycles.

    At 1,000 trainees x 11 modules the collector would otherwise sweep the whole heap again and again,
    which took a third of the matrix page's time. It runs as usual straight afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def collect(enrolments: list[Enrolment], today: date, timings: bool = True) -> dict[int, TraineeProgress]:
    with _no_gc_pauses():
        return _collect(enrolments, today, timings)


def _collect(enrolments: list[Enrolment], today: date, timings: bool) -> dict[int, TraineeProgress]:
    """Progress of every enrolment given, in a fixed number of queries however many there are.

    Enrolments must have their cohort loaded. ``timings=False`` skips what only the reports need (when each
    module was first touched and passed), keeping just the last activity.
    """
    if not enrolments:
        return {}
    ids = [e.id for e in enrolments]
    # Core execution: these are plain aggregate rows, so the ORM's per-row bookkeeping is not needed.
    connection = db.session.connection()
    # One subquery names the enrolments, so a thousand ids are not sent again with every query.
    scope = sa.select(Enrolment.id).where(Enrolment.id.in_(ids)).scalar_subquery()
    versions = {e.cohort.curriculum_version_id for e in enrolments}
    modules = modules_of(versions)

    lesson_totals = dict(
        connection.execute(
            sa.select(Lesson.module_id, sa.func.count(Lesson.id))
            .join(Module, Module.id == Lesson.module_id)
            .where(Module.version_id.in_(versions))
            .group_by(Lesson.module_id)
        ).all()
    )
    facts: dict[tuple[int, int], dict] = defaultdict(dict)
    for enrolment_id, module_id, opened, done, first, last_opened, last_done in connection.execute(
        sa.select(
            LessonProgress.enrolment_id,
            Lesson.module_id,
            sa.func.count(LessonProgress.id),
            sa.func.count(LessonProgress.completed_at),
            *(
                (
                    sa.func.min(LessonProgress.first_opened_at),
                    sa.func.max(LessonProgress.first_opened_at),
                    sa.func.max(LessonProgress.completed_at),
                )
                if timings
                else (sa.null(), sa.null(), sa.null())
            ),
        )
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .where(LessonProgress.enrolment_id.in_(scope))
        .group_by(LessonProgress.enrolment_id, Lesson.module_id)
    ):
        facts[(enrolment_id, module_id)].update(
            lessons_opened=opened,
            lessons_completed=done,
            first_activity=first,
            last_activity=_later(last_opened, last_done),
            lessons_done_at=last_done,
        )
    passed_case = sa.case((QuizAttempt.passed.is_(True), 1), else_=0)
    for (
        enrolment_id,
        module_id,
        tries,
        passes,
        submitted,
        last_start,
        last_submit,
        passed_at,
    ) in connection.execute(
        sa.select(
            QuizAttempt.enrolment_id,
            Quiz.module_id,
            sa.func.count(QuizAttempt.id),
            sa.func.sum(passed_case),
            sa.func.count(QuizAttempt.submitted_at),
            *(
                (
                    sa.func.max(QuizAttempt.started_at),
                    sa.func.max(QuizAttempt.submitted_at),
                    sa.func.min(sa.case((QuizAttempt.passed.is_(True), QuizAttempt.submitted_at))),
                )
                if timings
                else (sa.null(), sa.null(), sa.null())
            ),
        )
        .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
        .where(QuizAttempt.enrolment_id.in_(scope))
        .group_by(QuizAttempt.enrolment_id, Quiz.module_id)
    ):
        f = facts[(enrolment_id, module_id)]
        f.update(
            quiz_attempts=tries,
            quiz_passed=bool(passes),
            quiz_open=submitted < tries,
            quiz_passed_at=passed_at,
        )
        f["first_activity"] = _earlier(f.get("first_activity"), last_start if tries == 1 else None)
        f["last_activity"] = _later(f.get("last_activity"), last_start, last_submit)

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
    for row in connection.execute(
        sa.select(
            Submission.enrolment_id,
            Assignment.module_id,
            Submission.status,
            Submission.result_band,
            Submission.result_total,
            Submission.submitted_at if timings else sa.null().label("submitted_at"),
            Submission.released_at if timings else sa.null().label("released_at"),
            Submission.draft_saved_at if timings else sa.null().label("draft_saved_at"),
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
    ):
        f = facts[(row.enrolment_id, row.module_id)]
        f["piece"] = PieceFacts(
            row.status, row.result_band, row.result_total, row.submitted_at, row.released_at
        )
        f["resubmission_due_on"] = row.resubmission_due_on
        f["last_activity"] = _later(f.get("last_activity"), row.draft_saved_at, row.submitted_at)

    for enrolment_id, module_id, kind, status, items, hours, logged, reviewed in connection.execute(
        sa.select(
            PortfolioEntry.enrolment_id,
            PortfolioEntry.module_id,
            PortfolioEntry.kind,
            PortfolioEntry.status,
            sa.func.count(PortfolioEntry.id),
            sa.func.sum(PortfolioEntry.hours),
            sa.func.max(PortfolioEntry.created_at) if timings else sa.null(),
            sa.func.max(PortfolioEntry.reviewed_at) if timings else sa.null(),
        )
        .where(PortfolioEntry.enrolment_id.in_(scope))
        .group_by(
            PortfolioEntry.enrolment_id, PortfolioEntry.module_id, PortfolioEntry.kind, PortfolioEntry.status
        )
    ):
        f = facts[(enrolment_id, module_id)]
        f.setdefault("evidence", {})[(kind, EvidenceStatus(status))] = (items, Decimal(str(hours or 0)))
        f["last_activity"] = _later(f.get("last_activity"), logged)
        if status == EvidenceStatus.VERIFIED:
            f["verified_at"] = _later(f.get("verified_at"), reviewed)

    # Without timings, only each trainee's last activity: one date per trainee, not one per module.
    last_activity = {} if timings else _last_activity(connection, scope)
    extensions = {
        (enrolment_id, module_id): due
        for enrolment_id, module_id, due in connection.execute(
            sa.select(Extension.enrolment_id, Assignment.module_id, sa.func.max(Extension.due_on))
            .join(Assignment, Assignment.id == Extension.assignment_id)
            .where(Extension.enrolment_id.in_(scope))
            .group_by(Extension.enrolment_id, Assignment.module_id)
        )
    }
    cohorts = {e.cohort_id: e.cohort for e in enrolments}
    schedules: dict[int, dict[int, date]] = defaultdict(dict)
    for cohort_id, module_id, due in connection.execute(
        sa.select(ModuleSchedule.cohort_id, ModuleSchedule.module_id, ModuleSchedule.due_on).where(
            ModuleSchedule.cohort_id.in_(list(cohorts))
        )
    ):
        schedules[cohort_id][module_id] = due
    for cohort_id, cohort in cohorts.items():
        if not schedules[cohort_id]:  # made before schedules and not migrated: the default
            schedules[cohort_id] = {m: due for m, (_o, due) in default_schedule(cohort).items()}

    # Plain values per version, read once: the loop below runs trainees x modules times.
    plans = {
        version: [(m.id, _shape(m), lesson_totals.get(m.id, 0)) for m in version_modules]
        for version, version_modules in modules.items()
    }
    no_facts: dict = {}
    seen: dict[tuple, Assessment] = {}
    result = {}
    for enrolment in enrolments:
        eid, version = enrolment.id, enrolment.cohort.curriculum_version_id
        schedule = schedules[enrolment.cohort_id]
        module_facts, assessments, last = {}, {}, None
        for module_id, shape, lessons_total in plans.get(version, []):
            raw = facts.get((eid, module_id), no_facts)
            if raw:
                fact = ModuleFacts(
                    lessons_total,
                    raw.get("lessons_opened", 0),
                    raw.get("lessons_completed", 0),
                    raw.get("quiz_attempts", 0),
                    raw.get("quiz_passed", False),
                    raw.get("quiz_open", False),
                    raw.get("piece"),
                    raw.get("evidence", no_facts),
                    extensions.get((eid, module_id))
                    or raw.get("resubmission_due_on")
                    or schedule.get(module_id),
                    raw.get("first_activity"),
                    raw.get("last_activity"),
                )
            else:
                fact = ModuleFacts(
                    lessons_total, due_on=extensions.get((eid, module_id)) or schedule.get(module_id)
                )
            # Many trainees stand in exactly the same place: the rules are worked out once per place.
            piece = fact.piece
            key = (
                module_id,
                fact.lessons_opened > 0,
                fact.lessons_completed,
                fact.quiz_attempts,
                fact.quiz_passed,
                fact.quiz_open,
                piece.status if piece else None,
                piece.band if piece else None,
                tuple(sorted(fact.evidence.items())) if fact.evidence else (),
                fact.due_on is not None and fact.due_on < today,
            )
            assessment = seen.get(key)
            if assessment is None:
                assessment = seen[key] = assess(shape, fact, today)
            if timings and assessment.state is ModuleState.PASSED:
                fact.passed_at = _passed_at(fact, raw)
            module_facts[module_id], assessments[module_id] = fact, assessment
            if fact.last_activity is not None and (last is None or fact.last_activity > last):
                last = fact.last_activity
        if not timings:
            last = last_activity.get(eid)
        result[eid] = TraineeProgress(enrolment, modules.get(version, []), module_facts, assessments, last)
    return result


def _last_activity(connection, scope) -> dict[int, datetime]:
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


def _passed_at(fact: ModuleFacts, raw: dict) -> datetime | None:
    """When a passed module's last requirement was met: its last lesson, quiz pass, release or review."""
    return _later(
        raw.get("lessons_done_at"),
        raw.get("quiz_passed_at"),
        fact.piece.released_at if fact.piece else None,
        raw.get("verified_at"),
    )


def outcomes(enrolment: Enrolment, overview: Overview, today: date | None = None) -> list[ModuleOutcome]:
    """Every module's outcome for one trainee, by the same rules (and queries) as the progress matrix."""
    from app.templating import today_in_london

    progress = collect([enrolment], today or today_in_london())[enrolment.id]
    found = progress.assessments
    return [
        ModuleOutcome(p, found[p.module.id].outstanding, found[p.module.id].state, found[p.module.id].started)
        for p in overview.modules
    ]
