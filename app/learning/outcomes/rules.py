"""The rules: whether a trainee has passed a module, what is outstanding, and the module's state.

A pure function, ``assess``, over the facts about one trainee in one module: no database, no clock (today
is given), so every combination can be tested exhaustively. Each requirement of the module is one rule;
the state follows from what the rules leave outstanding.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from babel.support import NullTranslations

from app.curriculum.models import Module
from app.i18n import N_
from app.learning.models import SubmissionStatus
from app.learning.portfolio import EvidenceSums, totals_from_sums

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
        """In English (the progress matrix and its CSV), marked for translation: a page in another language
        shows ``gettext(state.label)``."""
        return {
            "not_started": N_("Not started"),
            "in_progress": N_("In progress"),
            "awaiting_marking": N_("Awaiting marking"),
            "passed": N_("Passed"),
            "referred": N_("Referred"),
            "overdue": N_("Overdue"),
        }[self.value]


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


@dataclass(frozen=True, slots=True)
class Need:
    """One requirement not yet met, and who it waits on.

    ``say`` puts it in words from a gettext catalogue (``gettext``/``ngettext``), to be filled with
    ``count`` and ``names`` (the curriculum's own names of what is missing): from ``ENGLISH`` it is the
    English the progress matrix and an approval's stored evidence keep; a trainee's page says it from the
    page's catalogue, in their language.
    """

    say: Callable[[NullTranslations], str]
    count: int = 0
    names: tuple[str, ...] = ()
    on_trainee: bool = True  # False: waiting on markers or reviewers, not on the trainee
    referred: bool = False

    def __str__(self) -> str:
        return self.say(ENGLISH) % {"count": self.count, "names": ", ".join(self.names)}


ENGLISH = NullTranslations()  # the messages as written


@dataclass(frozen=True)
class Assessment:
    state: ModuleState
    needs: list[Need]
    quiz_exhausted: bool  # every quiz attempt used, none passed
    started: bool  # anything done in the module at all

    @property
    def outstanding(self) -> list[str]:
        """What is still to do, in English."""
        return [str(need) for need in self.needs]


def _lessons(facts: ModuleFacts) -> Need | None:
    left = facts.lessons_total - facts.lessons_completed
    if left <= 0:
        return None
    return Need(
        lambda t: t.ngettext("%(count)s lesson to complete", "%(count)s lessons to complete", left), left
    )


def _quiz(module: Module, facts: ModuleFacts) -> Need | None:
    if not module.quiz or facts.quiz_passed:
        return None
    return Need(lambda t: t.gettext("pass the quiz"))


def _written_work(module: Module, facts: ModuleFacts) -> Need | None:
    if not module.assignment:
        return None
    piece = facts.piece
    if piece is None or piece.status is S.DRAFT:
        return Need(lambda t: t.gettext("submit the written assignment"))
    if piece.status is S.REFERRED:
        return Need(lambda t: t.gettext("resubmit the written assignment (it was referred)"), referred=True)
    if piece.status is S.RELEASED and piece.band == "fail":
        return Need(
            lambda t: t.gettext(
                "the written assignment was not passed: talk to your trainer about next steps"
            ),
            referred=True,
        )
    if piece.status is not S.RELEASED:
        return Need(lambda t: t.gettext("the written assignment is waiting for marking"), on_trainee=False)
    return None


def _portfolio(module: Module, facts: ModuleFacts) -> Need | None:
    if not module.portfolio_requirements:
        return None
    unmet = [total for total in totals_from_sums(module, facts.evidence) if not total.met]
    if not unmet:
        return None
    # Enough evidence waiting for review would meet it: then it is the reviewers' turn.
    short = any(total.verified + total.waiting < total.requirement.minimum for total in unmet)
    return Need(
        lambda t: t.gettext("portfolio evidence still needed: %(names)s"),
        names=tuple(total.requirement.title for total in unmet),
        on_trainee=short,
    )


def _state(outstanding: list[Need], facts: ModuleFacts, today: date, started: bool) -> ModuleState:
    """Precedence: passed > referred > awaiting marking > overdue > in progress > not started."""
    if not outstanding:
        return ModuleState.PASSED
    if any(o.referred for o in outstanding):
        return ModuleState.REFERRED
    if not any(o.on_trainee for o in outstanding):
        return ModuleState.AWAITING_MARKING
    if facts.due_on is not None and facts.due_on < today:
        return ModuleState.OVERDUE
    return ModuleState.IN_PROGRESS if started else ModuleState.NOT_STARTED


def assess(module: Module, facts: ModuleFacts, today: date) -> Assessment:
    """The rules. ``module`` needs its quiz, assignment and portfolio requirements loaded."""
    found = (
        _lessons(facts),
        _quiz(module, facts),
        _written_work(module, facts),
        _portfolio(module, facts),
    )
    outstanding = [o for o in found if o is not None]
    quiz_exhausted = bool(
        module.quiz
        and not facts.quiz_passed
        and facts.quiz_attempts >= module.quiz.attempts
        and not facts.quiz_open
    )
    started = bool(facts.lessons_opened or facts.quiz_attempts or facts.piece or facts.evidence)
    state = _state(outstanding, facts, today, started)
    return Assessment(state, outstanding, quiz_exhausted, started)
