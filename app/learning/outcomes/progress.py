"""``collect``: every given trainee's facts and assessment in each module, in a fixed number of queries."""

from __future__ import annotations

import gc
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import SimpleNamespace

import sqlalchemy as sa

from app.cohorts.models import Enrolment
from app.curriculum.models import Module
from app.database import db
from app.learning.outcomes import facts as sources
from app.learning.outcomes.facts import later, modules_of
from app.learning.outcomes.rules import Assessment, ModuleFacts, ModuleState, Need, assess
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
    facts: dict[int, ModuleFacts]
    assessments: dict[int, Assessment]
    last_activity: datetime | None

    @property
    def passed(self) -> int:
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


def collect(enrolments: list[Enrolment], today: date, timings: bool = True) -> dict[int, TraineeProgress]:
    with no_gc_pauses():
        return _collect(enrolments, today, timings)


def _collect(enrolments: list[Enrolment], today: date, timings: bool) -> dict[int, TraineeProgress]:
    """Progress of every enrolment given, in a fixed number of queries however many there are.

    Enrolments must have their cohort loaded. ``timings=False`` skips what only the reports need (when each
    module was first touched and passed), keeping just the last activity.
    """
    if not enrolments:
        return {}
    connection = db.session.connection()
    # One subquery names the enrolments, so a thousand ids are not sent again with every query.
    scope = sa.select(Enrolment.id).where(Enrolment.id.in_([e.id for e in enrolments])).scalar_subquery()
    versions = {e.cohort.curriculum_version_id for e in enrolments}
    modules = modules_of(versions)
    lesson_totals = sources.lesson_totals(connection, versions)
    raw: sources.Raw = defaultdict(dict)
    for add in (
        sources.add_lesson_progress,
        sources.add_quiz_attempts,
        sources.add_written_work,
        sources.add_portfolio,
    ):
        add(connection, scope, timings, raw)
    # Without timings, only each trainee's last activity: one date per trainee, not one per module.
    last_activity = {} if timings else sources.last_activity(connection, scope)
    cells = _Cells(
        raw,
        sources.extensions(connection, scope),
        sources.schedules(connection, {e.cohort_id: e.cohort for e in enrolments}),
        sources.extra_days(connection, scope),
        # Plain values per version, read once: the cells are built trainees x modules times.
        plans={
            version: [(m.id, _shape(m), lesson_totals.get(m.id, 0)) for m in version_modules]
            for version, version_modules in modules.items()
        },
        today=today,
        timings=timings,
    )
    result = {}
    for enrolment in enrolments:
        module_facts, assessments, last = cells.trainee(enrolment)
        if not timings:
            last = last_activity.get(enrolment.id)
        version_modules = modules.get(enrolment.cohort.curriculum_version_id, [])
        result[enrolment.id] = TraineeProgress(enrolment, version_modules, module_facts, assessments, last)
    return result


@dataclass
class _Cells:
    """Turns the gathered facts into each trainee's facts and assessment per module."""

    raw: sources.Raw
    extensions: dict[tuple[int, int], date]
    schedules: dict[int, dict[int, date]]
    extra_days: dict[int, int]  # from adjustment plans, by enrolment
    plans: dict[int, list[tuple[int, SimpleNamespace, int]]]
    today: date
    timings: bool
    # Many trainees stand in exactly the same place: the rules are worked out once per place.
    places: dict[tuple, Assessment] = field(default_factory=dict)

    def trainee(self, enrolment: Enrolment):
        """This trainee's facts and assessments by module id, and their latest activity in any module."""
        eid, today, places = enrolment.id, self.today, self.places
        schedule = self.schedules[enrolment.cohort_id]
        module_facts, assessments, last = {}, {}, None
        for module_id, shape, lessons_total in self.plans.get(enrolment.cohort.curriculum_version_id, []):
            raw = self.raw.get((eid, module_id), _NO_FACTS)
            due_on = self.extensions.get((eid, module_id)) or _later(
                raw.get("resubmission_due_on") or schedule.get(module_id), self.extra_days.get(eid, 0)
            )
            fact = _module_facts(raw, lessons_total, due_on)
            piece = fact.piece
            place = (
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
            assessment = places.get(place)
            if assessment is None:
                assessment = places[place] = assess(shape, fact, today)
            if self.timings and assessment.state is ModuleState.PASSED:
                fact.passed_at = _passed_at(fact, raw)
            module_facts[module_id], assessments[module_id] = fact, assessment
            if fact.last_activity is not None and (last is None or fact.last_activity > last):
                last = fact.last_activity
        return module_facts, assessments, last


_NO_FACTS: dict = {}


def _later(due: date | None, days: int) -> date | None:
    return due + timedelta(days=days) if due is not None and days else due


def _module_facts(raw: dict, lessons_total: int, due_on: date | None) -> ModuleFacts:
    if not raw:
        return ModuleFacts(lessons_total, due_on=due_on)
    return ModuleFacts(
        lessons_total,
        raw.get("lessons_opened", 0),
        raw.get("lessons_completed", 0),
        raw.get("quiz_attempts", 0),
        raw.get("quiz_passed", False),
        raw.get("quiz_open", False),
        raw.get("piece"),
        raw.get("evidence", _NO_FACTS),
        due_on,
        raw.get("first_activity"),
        raw.get("last_activity"),
    )


def _passed_at(fact: ModuleFacts, raw: dict) -> datetime | None:
    """When a passed module's last requirement was met: its last lesson, quiz pass, release or review."""
    return later(
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
        ModuleOutcome(p, a.outstanding, a.state, a.started, a.needs)
        for p in overview.modules
        for a in (found[p.module.id],)
    ]
