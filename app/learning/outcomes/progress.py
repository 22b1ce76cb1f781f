"""``collect``: every given trainee's facts and assessment in each module, in a fixed number of queries."""

from __future__ import annotations

import gc
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from types import SimpleNamespace

import sqlalchemy as sa

from app.cohorts.models import Enrolment
from app.curriculum.models import Module
from app.database import db
from app.learning.outcomes import facts as sources
from app.learning.outcomes.facts import Detail, later, modules_of
from app.learning.outcomes.rules import Assessment, ModuleFacts, ModuleState, Need, PieceFacts, assess
from app.learning.services import ModuleProgress, Overview, Status


@dataclass(frozen=True)
class ModuleOutcome:
    progress: ModuleProgress
    outstanding: list[str] = field(default_factory=list)
    state: ModuleState | None = None
    started: bool = False
    needs: list[Need] = field(default_factory=list)  # the outstanding requirements, for the trainee's page

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
    facts: dict[int, ModuleFacts]  # by module id; empty for ``Detail.STATES`` (the matrix)
    assessments: dict[int, Assessment]
    last_activity: datetime | None  # not found for ``Detail.REPORTS`` (the reports do not show it)

    @cached_property
    def passed(self) -> int:
        """Modules passed (counted once: the reports read it for every trainee, more than once)."""
        return sum(1 for a in self.assessments.values() if a.state is ModuleState.PASSED)

    def state(self, module_id: int) -> ModuleState:
        return self.assessments[module_id].state


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
def no_gc_pauses():
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


def collect(
    enrolments: list[Enrolment], today: date, detail: Detail = Detail.RECORD, where: list | None = None
) -> dict[int, TraineeProgress]:
    with no_gc_pauses():
        return _collect(enrolments, today, detail, where)


def _collect(
    enrolments: list[Enrolment], today: date, detail: Detail, where: list | None
) -> dict[int, TraineeProgress]:
    """Progress of every enrolment given, in a fixed number of queries however many there are.

    Enrolments must have their cohort loaded. ``detail`` says what is found beyond the assessments: only
    what the page asks for (``Detail``); a trainee's last activity is found for the matrix and the record,
    not the reports. ``where``: the conditions on ``Enrolment`` that chose exactly these enrolments, when
    the caller has them; the queries then select by them rather than by a thousand ids each.
    """
    if not enrolments:
        return {}
    connection = db.session.connection()
    # One subquery names the enrolments in every query.
    chosen = where if where is not None else [Enrolment.id.in_([e.id for e in enrolments])]
    scope = sa.select(Enrolment.id).where(*chosen).scalar_subquery()
    versions = {e.cohort.curriculum_version_id for e in enrolments}
    modules = modules_of(versions)
    lesson_totals = sources.lesson_totals(connection, versions)
    cells = _Cells(
        sources.lesson_progress(connection, scope, detail),
        sources.quiz_attempts(connection, scope, detail),
        sources.written_work(connection, scope, detail),
        sources.portfolio(connection, scope, detail),
        sources.extensions(connection, scope),
        sources.schedules(connection, {e.cohort_id: e.cohort for e in enrolments}),
        sources.extra_days(connection, scope),
        # Plain values per version, read once: the cells are built trainees x modules times.
        plans={
            version: [(m.id, _shape(m), lesson_totals.get(m.id, 0)) for m in version_modules]
            for version, version_modules in modules.items()
        },
        today=today,
        timings=detail.timings,
        recent=detail.recent,
        read_datetime=sources.as_datetime(connection),
    )
    result = {}
    for enrolment in enrolments:
        module_facts, assessments, last = cells.trainee(enrolment)
        version_modules = modules.get(enrolment.cohort.curriculum_version_id, [])
        result[enrolment.id] = TraineeProgress(enrolment, version_modules, module_facts, assessments, last)
    return result


_NO_LESSONS = (0, 0, None, None, None, None)
_NO_QUIZ = (0, 0, 0, 0, None, None, None, None)
_NO_PIECE = (None,) * 8
_NO_EVIDENCE = sources.Evidence()


@dataclass
class _Cells:
    """Turns the gathered facts into each trainee's assessment (and facts, with timings) per module."""

    lessons: sources.Cells
    quizzes: sources.Cells
    pieces: sources.Cells
    portfolio: dict[tuple[int, int], sources.Evidence]
    extensions: dict[tuple[int, int], date]
    schedules: dict[int, dict[int, date]]
    extra_days: dict[int, int]  # from adjustment plans, by enrolment
    plans: dict[int, list[tuple[int, SimpleNamespace, int]]]
    today: date
    timings: bool
    recent: bool
    # Many trainees stand in exactly the same place: the rules are worked out once per place.
    places: dict[tuple, Assessment] = field(default_factory=dict)
    read_datetime: Callable = lambda value: value  # reads the sources' dates (``facts.as_datetime``)
    # The cells with any facts at all; and without timings, each trainee's latest activity in anything,
    # from every source's latest.
    touched: set[tuple[int, int]] = field(default_factory=set)
    latest: dict[int, datetime] = field(default_factory=dict)

    def __post_init__(self):
        self.touched = self.lessons.keys() | self.quizzes.keys() | self.pieces.keys() | self.portfolio.keys()
        if self.timings:
            return
        latest: dict = {}
        for found in (
            ((key, row[2]) for key, row in self.lessons.items()),
            ((key, row[4]) for key, row in self.quizzes.items()),
            ((key, row[4]) for key, row in self.pieces.items()),
            ((key, evidence.logged) for key, evidence in self.portfolio.items()),
        ):
            for (eid, _m), at in found:
                if at is not None and (eid not in latest or at > latest[eid]):
                    latest[eid] = at
        self.latest = {eid: self.read_datetime(at) for eid, at in latest.items()}

    def trainee(self, enrolment: Enrolment):
        """This trainee's facts (with timings only) and assessments by module id, and their latest
        activity."""
        eid, today, places, timings, recent = enrolment.id, self.today, self.places, self.timings, self.recent
        read = self.read_datetime
        schedule = self.schedules[enrolment.cohort_id]
        extra = self.extra_days.get(eid, 0)
        module_facts, assessments, last = {}, {}, None
        for module_id, shape, lessons_total in self.plans.get(enrolment.cohort.curriculum_version_id, []):
            key = (eid, module_id)
            if key not in self.touched:  # nothing done: only the date can tell it apart
                due_on = self.extensions.get(key) or _later(schedule.get(module_id), extra)
                place = (module_id, due_on is not None and due_on < today)
                assessment = places.get(place)
                if timings or assessment is None:
                    fact = ModuleFacts(lessons_total, due_on=due_on)
                    if assessment is None:
                        assessment = places[place] = assess(shape, fact, today)
                    if timings:
                        module_facts[module_id] = fact
                assessments[module_id] = assessment
                continue
            lessons = self.lessons.get(key, _NO_LESSONS)
            quiz = self.quizzes.get(key, _NO_QUIZ)
            piece = self.pieces.get(key, _NO_PIECE)
            evidence = self.portfolio.get(key, _NO_EVIDENCE)
            due_on = self.extensions.get(key) or _later(piece[3] or schedule.get(module_id), extra)
            place = (
                module_id,
                lessons[0] > 0,
                lessons[1],
                quiz[0],
                quiz[2] > 0,
                quiz[3] < quiz[1],
                piece[0],
                piece[1],
                tuple(sorted(evidence.sums.items())) if evidence.sums else (),
                due_on is not None and due_on < today,
            )
            assessment = places.get(place)
            if timings or assessment is None:
                fact = _module_facts(lessons, quiz, piece, evidence, lessons_total, due_on, recent, read)
                if assessment is None:
                    assessment = places[place] = assess(shape, fact, today)
                if timings:
                    if assessment.state is ModuleState.PASSED:
                        # When the last requirement was met: its last lesson, quiz pass, release or review.
                        fact.passed_at = read(later(lessons[5], quiz[7], piece[6], evidence.verified_at))
                        if not recent:  # the reports read when it was first touched of passed modules only
                            fact.first_activity = read(
                                _earlier(lessons[3], quiz[5] if quiz[1] == 1 else None)
                            )
                    module_facts[module_id] = fact
                    if (
                        recent
                        and fact.last_activity is not None
                        and (last is None or fact.last_activity > last)
                    ):
                        last = fact.last_activity
            assessments[module_id] = assessment
        return module_facts, assessments, last if timings else self.latest.get(eid)


def _later(due: date | None, days: int) -> date | None:
    return due + timedelta(days=days) if due is not None and days else due


def _earlier(*values):
    present = [v for v in values if v is not None]
    return min(present) if present else None


def _module_facts(
    lessons: tuple,
    quiz: tuple,
    piece: tuple,
    evidence: sources.Evidence,
    lessons_total: int,
    due_on: date | None,
    recent: bool,
    read: Callable,
) -> ModuleFacts:
    """One cell's facts; ``recent`` (the record): with its dates read, which the reports read only of
    passed modules."""
    opened, completed, _activity, first_opened, last_opened, lessons_done = lessons
    counted, tries, passes, submitted, _activity, last_start, last_submit, _passed = quiz
    status, band, total, _due, _activity, piece_submitted, released, saved = piece
    fact = ModuleFacts(
        lessons_total,
        opened,
        completed,
        counted,
        passes > 0,
        submitted < tries,
        None,
        evidence.sums,
        due_on,
    )
    if recent:
        fact.first_activity = read(_earlier(first_opened, last_start if tries == 1 else None))
        fact.last_activity = read(
            later(last_opened, lessons_done, last_start, last_submit, saved, piece_submitted, evidence.logged)
        )
    if status is not None:
        fact.piece = (
            PieceFacts(status, band, total, read(piece_submitted), read(released))
            if recent
            else PieceFacts(status, band, total)
        )
    return fact


def outcomes(enrolment: Enrolment, overview: Overview, today: date | None = None) -> list[ModuleOutcome]:
    """Every module's outcome for one trainee, by the same rules (and queries) as the progress matrix."""
    from app.templating import today_in_london

    progress = collect([enrolment], today or today_in_london())[enrolment.id]
    found = progress.assessments
    return [
        ModuleOutcome(p, a.outstanding, a.state, a.started, a.needs)
        for p in overview.modules
        for a in (found[p.module.id],)
    ]
