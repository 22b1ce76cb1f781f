"""Item statistics for a module's quiz, after Moodle's quiz statistics: per question, its facility, its
discrimination, how often each option is chosen and how many attempts the figures rest on.

Everything is worked out from sums the database adds up over the submitted attempts (a count and one
grouped query, however many attempts there are); ``figures`` turns the sums into statistics and is tested
against hand-computed numbers. Only aggregates leave this module: nothing here names a trainee.

For question *i* of a quiz, over the *n* submitted attempts that were asked it:

- *x* is the attempt's score on the question (0–1; partial credit counts as a fraction; a question left
  unanswered is on record as 0 since marking stores it) and *y* the rest of the attempt: the attempt's
  total score minus *x*;
- **facility** is the mean of *x* (the share answered correctly);
- **discrimination** is the Pearson correlation of *x* with *y*, the corrected item–total
  (point-biserial, for 0/1 items) correlation that Moodle calls the discrimination index::

      r = (n·Σxy − Σx·Σy) / √((n·Σx² − (Σx)²) · (n·Σy² − (Σy)²))

  It is undefined (None) when every attempt scored the same on the question or on the rest.

A question is flagged, once at least ``MIN_ATTEMPTS`` attempts were asked it, when its discrimination
is negative (trainees who did better overall did worse on it) or when a wrong option was chosen by
nobody (a distractor that does no work). Below that the figures are shown but not judged: with a handful
of attempts one trainee's answer swings them.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

import sqlalchemy as sa

from app.cohorts.models import Enrolment
from app.csv_export import to_csv
from app.curriculum.models import Quiz
from app.database import db
from app.i18n import N_
from app.learning.item_tallies import CHOICE_TYPES
from app.learning.models import QuizAttempt, QuizItemTally, QuizOptionTally

MIN_ATTEMPTS = 20  # attempts at a question before it is flagged (or cleared)


@dataclass(frozen=True)
class Sums:
    """What the database adds up for one question: n, Σx, Σx², Σy, Σy², Σxy."""

    n: int = 0
    x: float = 0.0
    xx: float = 0.0
    y: float = 0.0
    yy: float = 0.0
    xy: float = 0.0


def figures(sums: Sums) -> tuple[float | None, float | None]:
    """(facility, discrimination) from the sums: see the module docstring. None where undefined."""
    if sums.n == 0:
        return None, None
    facility = sums.x / sums.n
    spread_x = sums.n * sums.xx - sums.x**2
    spread_y = sums.n * sums.yy - sums.y**2
    # Rounding in the sums can leave a tiny positive spread where there is none.
    if spread_x <= 1e-9 * max(1.0, sums.n * sums.xx) or spread_y <= 1e-9 * max(1.0, sums.n * sums.yy):
        return facility, None
    discrimination = (sums.n * sums.xy - sums.x * sums.y) / math.sqrt(spread_x * spread_y)
    return facility, max(-1.0, min(1.0, discrimination))


@dataclass(frozen=True)
class Option:
    key: str
    text: str
    correct: bool
    chosen: int


@dataclass
class ItemStatistics:
    number: int
    key: str
    kind: str
    stem_html: str
    attempts: int
    facility: float | None
    discrimination: float | None
    options: list[Option] = field(default_factory=list)

    @property
    def judged(self) -> bool:
        """Enough attempts to flag the question, or to call it sound."""
        return self.attempts >= MIN_ATTEMPTS

    @property
    def unchosen_distractors(self) -> list[Option]:
        return [o for o in self.options if not o.correct and o.chosen == 0]

    @property
    def flags(self) -> list[str]:
        """English, as the CSV file's verdict says them; the page shows them with the ``shown`` filter."""
        if not self.judged:
            return []
        found = []
        if self.discrimination is not None and self.discrimination < 0:
            found.append(N_("Negative discrimination"))
        if self.unchosen_distractors:
            found.append(N_("A wrong answer nobody chooses"))
        return found

    @property
    def verdict(self) -> str:
        if not self.attempts:
            return N_("Not answered yet")
        if not self.judged:
            return N_("Too few attempts to judge")
        return "; ".join(self.flags) or N_("No concerns")


@dataclass
class QuizStatistics:
    quiz: Quiz
    attempts: int  # submitted attempts behind the page
    items: list[ItemStatistics]

    @property
    def flagged(self) -> list[ItemStatistics]:
        return [item for item in self.items if item.flags]

    def csv(self) -> str:
        header = [
            "Question",
            "Key",
            "Type",
            "Attempts",
            "Facility (%)",
            "Discrimination",
            "Options chosen",
            "Verdict",
        ]
        rows = [
            [
                item.number,
                item.key,
                item.kind,
                item.attempts,
                "" if item.facility is None else round(100 * item.facility, 1),
                "" if item.discrimination is None else round(item.discrimination, 3),
                "; ".join(f"{o.key}{' (correct)' if o.correct else ''}: {o.chosen}" for o in item.options),
                item.verdict,
            ]
            for item in self.items
        ]
        return to_csv(header, rows)


def _submitted(quiz: Quiz, cohort_ids: list[int] | None):
    """The conditions that pick the submitted attempts at the quiz (in these cohorts, when given). An attempt
    voided by special consideration was taken in circumstances that make it say little about the items."""
    conditions = [
        QuizAttempt.quiz_id == quiz.id,
        QuizAttempt.submitted_at.is_not(None),
        QuizAttempt.voided_at.is_(None),
    ]
    if cohort_ids is not None:
        in_cohorts = sa.select(Enrolment.id).where(Enrolment.cohort_id.in_(cohort_ids))
        conditions.append(QuizAttempt.enrolment_id.in_(in_cohorts))
    return conditions


def _aggregate(quiz: Quiz, cohort_ids: list[int] | None) -> tuple[dict[str, Sums], dict[str, dict[str, int]]]:
    """Two grouped reads of the running tallies (``app.learning.item_tallies``): the sums per question and
    the options chosen, added up over the cohorts asked for. A few rows per question and cohort, whatever
    the number of attempts."""
    where = [QuizItemTally.quiz_id == quiz.id]
    option_where = [QuizOptionTally.quiz_id == quiz.id]
    if cohort_ids is not None:
        where.append(QuizItemTally.cohort_id.in_(cohort_ids))
        option_where.append(QuizOptionTally.cohort_id.in_(cohort_ids))
    t = QuizItemTally
    sums = {
        key: Sums(int(n or 0), float(x or 0), float(xx or 0), float(y or 0), float(yy or 0), float(xy or 0))
        for key, n, x, xx, y, yy, xy in db.session.execute(
            sa.select(
                t.question_key,
                sa.func.sum(t.n),
                sa.func.sum(t.sx),
                sa.func.sum(t.sxx),
                sa.func.sum(t.sy),
                sa.func.sum(t.syy),
                sa.func.sum(t.sxy),
            )
            .where(*where)
            .group_by(t.question_key)
        )
    }
    tallies: dict[str, dict[str, int]] = {}
    for key, option, chosen in db.session.execute(
        sa.select(QuizOptionTally.question_key, QuizOptionTally.option, sa.func.sum(QuizOptionTally.chosen))
        .where(*option_where)
        .group_by(QuizOptionTally.question_key, QuizOptionTally.option)
    ):
        tallies.setdefault(key, {})[option] = int(chosen)
    return sums, tallies


def _options(question: dict, tally: dict[str, int]) -> list[Option]:
    if question["type"] == "true_false":
        answer = json.dumps(question["answer"])
        return [
            Option(key, label, key == answer, tally.get(key, 0))
            for key, label in (("true", "True"), ("false", "False"))
        ]
    if question["type"] not in CHOICE_TYPES:
        return []
    answer = question["answer"]
    correct = {str(a) for a in answer} if isinstance(answer, list) else {str(answer)}
    return [
        Option(str(key), str(text), str(key) in correct, tally.get(str(key), 0))
        for key, text in question["options"].items()
    ]


def _attempt_count(quiz: Quiz, cohort_ids: list[int] | None) -> int:
    return db.session.scalar(sa.select(sa.func.count(QuizAttempt.id)).where(*_submitted(quiz, cohort_ids)))


def statistics(quiz: Quiz, cohort_ids: list[int] | None = None) -> QuizStatistics:
    """The quiz's item statistics over its submitted attempts, in every cohort (``cohort_ids`` None) or
    in the cohorts given. Every question of the bank is listed, in the bank's order."""
    attempts = _attempt_count(quiz, cohort_ids)
    sums, choices = _aggregate(quiz, cohort_ids) if attempts else ({}, {})
    items = []
    for number, question in enumerate(quiz.questions, start=1):
        found = sums.get(question["key"], Sums())
        facility, discrimination = figures(found)
        items.append(
            ItemStatistics(
                number=number,
                key=question["key"],
                kind=question["type"],
                stem_html=question.get("stem_html", ""),
                attempts=found.n,
                facility=facility,
                discrimination=discrimination,
                options=_options(question, choices.get(question["key"], {})),
            )
        )
    return QuizStatistics(quiz, attempts, items)
