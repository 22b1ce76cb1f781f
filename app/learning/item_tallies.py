"""Running tallies behind the quiz item statistics: per quiz, cohort and question the sums the
discrimination needs, and per option how often it was chosen. An attempt is added when it is marked and
taken away when it is voided, in the same transaction, with one upsert per row (``n = n + :n``), so two
attempts marked at the same moment both count, on SQLite and PostgreSQL alike.

``rebuild`` works the tallies out again from every stored answer: for data written by other means
(imports, tests, the migration that created the tallies).
"""

from __future__ import annotations

import json
from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from app.cohorts.models import Enrolment
from app.database import db
from app.learning.models import QuizAnswer, QuizAttempt, QuizItemTally, QuizOptionTally

# Question types whose answers are options to count; the others (short text, matching, ordering) are
# scored but have no fixed options to tally.
CHOICE_TYPES = frozenset({"single_choice", "multiple_response", "true_false"})
_INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}
_SUMS = ("n", "sx", "sxx", "sy", "syy", "sxy")


def options_chosen(value) -> list[str]:
    """The option keys an answer chose (an option key, a list of them, or True/False as "true"/"false")."""
    chosen = value if isinstance(value, list) else [] if value is None else [value]
    return [json.dumps(option) if isinstance(option, bool) else str(option) for option in chosen]


def _add_up(answers, choice_keys) -> tuple[dict, dict]:
    """From (attempt id, cohort id, question key, response, score) rows: sums per (cohort, key) and counts per
    (cohort, key, option)."""
    totals: dict[int, float] = defaultdict(float)
    rows = list(answers)
    for attempt_id, _cohort, _key, _response, score in rows:
        totals[attempt_id] += score or 0.0
    sums: dict[tuple, list[float]] = defaultdict(lambda: [0.0] * 6)
    chosen: dict[tuple, int] = defaultdict(int)
    for attempt_id, cohort_id, key, response, score in rows:
        x = score or 0.0
        y = totals[attempt_id] - x
        for n, value in enumerate((1, x, x * x, y, y * y, x * y)):
            sums[cohort_id, key][n] += value
        if key in choice_keys:
            for option in options_chosen((response or {}).get("value")):
                chosen[cohort_id, key, option] += 1
    return sums, chosen


def _upsert(model, keys: dict, added: dict) -> None:
    table = model.__table__
    statement = _INSERTS[db.session.get_bind().dialect.name](table).values(**keys, **added)
    statement = statement.on_conflict_do_update(
        index_elements=list(keys), set_={name: table.c[name] + statement.excluded[name] for name in added}
    )
    db.session.execute(statement)


def _write(quiz_id: int, sums: dict, chosen: dict, sign: int) -> None:
    for (cohort_id, key), values in sums.items():
        added = {name: sign * value for name, value in zip(_SUMS, values, strict=True)}
        added["n"] = int(added["n"])
        _upsert(QuizItemTally, {"quiz_id": quiz_id, "cohort_id": cohort_id, "question_key": key}, added)
    for (cohort_id, key, option), count in chosen.items():
        _upsert(
            QuizOptionTally,
            {"quiz_id": quiz_id, "cohort_id": cohort_id, "question_key": key, "option": option},
            {"chosen": sign * count},
        )


def _choice_keys(quiz) -> set[str]:
    return {q["key"] for q in quiz.questions if q["type"] in CHOICE_TYPES}


def count_attempt(attempt: QuizAttempt, sign: int = 1) -> None:
    """Add a marked attempt to its quiz's tallies (``sign`` -1 takes a voided one away)."""
    cohort_id = db.session.scalar(sa.select(Enrolment.cohort_id).where(Enrolment.id == attempt.enrolment_id))
    rows = [(attempt.id, cohort_id, a.question_key, a.response, a.score) for a in attempt.answers]
    sums, chosen = _add_up(rows, _choice_keys(attempt.quiz))
    _write(attempt.quiz_id, sums, chosen, sign)


def rebuild(quiz) -> None:
    """Work the quiz's tallies out again from its stored answers (submitted attempts that are not voided)."""
    db.session.execute(sa.delete(QuizItemTally).where(QuizItemTally.quiz_id == quiz.id))
    db.session.execute(sa.delete(QuizOptionTally).where(QuizOptionTally.quiz_id == quiz.id))
    answers = db.session.execute(
        sa.select(
            QuizAnswer.attempt_id,
            Enrolment.cohort_id,
            QuizAnswer.question_key,
            QuizAnswer.response,
            QuizAnswer.score,
        )
        .join(QuizAttempt, QuizAttempt.id == QuizAnswer.attempt_id)
        .join(Enrolment, Enrolment.id == QuizAttempt.enrolment_id)
        .where(
            QuizAttempt.quiz_id == quiz.id,
            QuizAttempt.submitted_at.is_not(None),
            QuizAttempt.voided_at.is_(None),
        )
    )
    sums, chosen = _add_up(answers, _choice_keys(quiz))
    _write(quiz.id, sums, chosen, 1)
