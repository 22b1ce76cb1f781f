"""Quiz attempts: drawn and shuffled on the server, saved answer by answer, time-limited, marked at once."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import ngettext
from werkzeug.datastructures import MultiDict

from app.assessments.question_types import REGISTRY
from app.audit.services import record
from app.auth import policy
from app.auth.access import PermissionDenied
from app.cohorts import adjustments
from app.cohorts.models import Enrolment
from app.curriculum import services as curriculum
from app.curriculum.models import Feedback, Quiz
from app.database import db, utcnow
from app.i18n import gettext as _
from app.learning import item_tallies
from app.learning.models import QuizAllowance, QuizAnswer, QuizAttempt
from app.learning.once import insert_once, update_if, upsert
from app.learning.services import check_own
from app.refusal import Refused
from app.templating import long_date
from app.workdays import london_date


class QuizRefused(Refused):
    """The quiz action is not allowed now; the message says why, in plain words."""


def draw(quiz: Quiz, seed: int, withheld: frozenset[str] = frozenset()) -> list[dict]:
    """The questions of an attempt, in the order shown, each with its layout (e.g. option order), leaving
    out the ``withheld`` keys (questions whose legal review is long overdue, when the Hub has said so).

    Deterministic: the same quiz, seed and withheld keys always give the same draw.
    """
    rng = random.Random(seed)
    bank = [q for q in quiz.questions if q["key"] not in withheld]
    picked = rng.sample(range(len(bank)), quiz.questions_per_attempt)
    if not quiz.shuffle:
        picked.sort()
    return [
        {"key": bank[i]["key"], "layout": REGISTRY[bank[i]["type"]].layout(bank[i], rng, quiz.shuffle)}
        for i in picked
    ]


def attempts(enrolment: Enrolment, quiz: Quiz) -> list[QuizAttempt]:
    return list(
        db.session.scalars(
            sa.select(QuizAttempt)
            .where(QuizAttempt.enrolment_id == enrolment.id, QuizAttempt.quiz_id == quiz.id)
            .order_by(QuizAttempt.number)
        )
    )


@dataclass(frozen=True)
class QuizState:
    """Where a trainee stands with a quiz: what they can do next and why."""

    quiz: Quiz
    attempts: list[QuizAttempt]
    now: datetime
    allowances: tuple[QuizAllowance, ...] = ()

    @property
    def counted(self) -> list[QuizAttempt]:
        """The attempts that count towards the limit: all but those voided by special consideration."""
        return [a for a in self.attempts if a.voided_at is None]

    @property
    def in_progress(self) -> QuizAttempt | None:
        return next((a for a in self.attempts if a.submitted_at is None), None)

    @property
    def passed(self) -> bool:
        return any(a.passed for a in self.attempts)

    @property
    def used(self) -> int:
        return len(self.counted)

    @property
    def next_number(self) -> int:
        """The number the next attempt takes: numbers are never reused, voided attempts keep theirs."""
        return max((a.number for a in self.attempts), default=0) + 1

    @property
    def allowed(self) -> int:
        """The quiz's attempts plus every further attempt a trainer has allowed."""
        return self.quiz.attempts + len(self.allowances)

    @property
    def remaining(self) -> int:
        return max(0, self.allowed - self.used)

    @property
    def cooling_off_until(self) -> datetime | None:
        """When a further attempt may start after the quiz's own attempts are used up (None: now)."""
        if self.used < self.quiz.attempts or not self.counted or self.counted[-1].submitted_at is None:
            return None
        if any(a.lifts_cooling_off for a in self.allowances):
            return None
        until = self.counted[-1].submitted_at + timedelta(days=self.quiz.cooling_off_days)
        return until if until > self.now else None

    @property
    def best(self) -> QuizAttempt | None:
        marked = [a for a in self.counted if a.score is not None]
        return max(marked, key=lambda a: a.score) if marked else None

    @property
    def refusal(self) -> str | None:
        """Why a new attempt cannot start, or None when it can."""
        if self.passed:
            return _("You have passed this quiz.")
        if self.in_progress:
            return _("You already have an attempt in progress.")
        if self.remaining == 0:
            last = self.counted[-1].submitted_at
            if last is None:
                return _(
                    "You have used all %(allowed)s attempts. Your trainer will be in touch.",
                    allowed=self.allowed,
                )
            after = london_date(last + timedelta(days=self.quiz.cooling_off_days))
            return _(
                "You have used all %(allowed)s attempts. Your trainer can allow another attempt after "
                "%(date)s. Your trainer will be in touch.",
                allowed=self.allowed,
                date=long_date(after),
            )
        if self.cooling_off_until is not None:
            return _(
                "Your trainer has allowed another attempt. It can start after the cooling-off period, "
                "on %(date)s.",
                date=long_date(london_date(self.cooling_off_until)),
            )
        return None


def allowances(enrolment: Enrolment, quiz: Quiz) -> tuple[QuizAllowance, ...]:
    return tuple(
        db.session.scalars(
            sa.select(QuizAllowance)
            .where(QuizAllowance.enrolment_id == enrolment.id, QuizAllowance.quiz_id == quiz.id)
            .order_by(QuizAllowance.id)
        )
    )


def state(enrolment: Enrolment, quiz: Quiz, now: datetime | None = None) -> QuizState:
    now = now or utcnow()
    found = attempts(enrolment, quiz)
    for attempt in found:
        expire_if_due(attempt, now)
    return QuizState(quiz, found, now, allowances(enrolment, quiz))


def allow_another_attempt(
    enrolment: Enrolment, quiz: Quiz, reason: str, lift_cooling_off: bool, actor
) -> QuizAllowance:
    """A trainer of the cohort (or a Hub admin) allows one more attempt, with a reason the trainee sees;
    ``lift_cooling_off`` lets it start at once instead of after the cooling-off period."""
    if not policy.is_cohort_staff(actor, enrolment.cohort):
        raise PermissionDenied("only this cohort's trainers and Hub admins allow another attempt")
    current = state(enrolment, quiz)
    if current.passed:
        raise QuizRefused(_("This trainee has passed the quiz: there is nothing to allow."), field="reason")
    if current.remaining > 0 and not (lift_cooling_off and current.cooling_off_until):
        raise QuizRefused(
            ngettext(
                "This trainee still has %(num)s attempt to use.",
                "This trainee still has %(num)s attempts to use.",
                current.remaining,
            ),
            field="reason",
        )
    reason = reason.strip()
    if not reason:
        raise QuizRefused(_("Say why (the trainee sees it on their quiz page)"), field="reason")
    if len(reason) > 1000:
        raise QuizRefused(_("Keep the reason to 1,000 characters"), field="reason")
    if current.remaining > 0:  # an attempt is allowed already: lift its cooling-off, add no attempt
        allowance = current.allowances[-1]
        allowance.lifts_cooling_off = True
        record(actor, "quiz.cooling_off_lifted", enrolment, quiz=quiz.title, reason=reason)
        return allowance
    allowance = QuizAllowance(
        enrolment_id=enrolment.id,
        quiz_id=quiz.id,
        lifts_cooling_off=lift_cooling_off,
        reason=reason,
        granted_by_id=getattr(actor, "id", None),
    )
    db.session.add(allowance)
    record(
        actor,
        "quiz.attempt_allowed",
        enrolment,
        quiz=quiz.title,
        reason=reason,
        lifts_cooling_off=lift_cooling_off,
    )
    return allowance


def start_attempt(enrolment: Enrolment, quiz: Quiz, actor, now: datetime | None = None) -> QuizAttempt:
    """Start the next attempt, or carry on with the one in progress.

    Two requests at once (a double-click) race on the attempt number's unique key: one inserts and
    records the attempt, the other finds it; both answer with the same attempt.
    """
    check_own(enrolment, actor)
    current = state(enrolment, quiz, now)
    if current.in_progress:
        return current.in_progress
    if current.refusal:
        raise QuizRefused(current.refusal)
    now = current.now
    seed = secrets.randbits(63)
    number = current.next_number
    started = insert_once(
        QuizAttempt,
        ("enrolment_id", "quiz_id", "number"),
        enrolment_id=enrolment.id,
        quiz_id=quiz.id,
        number=number,
        seed=seed,
        layout=draw(quiz, seed, frozenset(curriculum.withheld_from_draws(quiz))),
        started_at=now,
        deadline_at=now + timedelta(minutes=float(time_allowed(enrolment, quiz)))
        if quiz.time_limit_minutes
        else None,
    )
    attempt = db.session.scalar(
        sa.select(QuizAttempt).where(
            QuizAttempt.enrolment_id == enrolment.id,
            QuizAttempt.quiz_id == quiz.id,
            QuizAttempt.number == number,
        )
    )
    if not started:
        if attempt.submitted_at is None:
            return attempt  # started a moment ago by the same click, sent twice
        raise QuizRefused(
            state(enrolment, quiz, now).refusal or _("This attempt has already been submitted.")
        )
    record(actor, "quiz.attempt_started", attempt, number=attempt.number, quiz=quiz.title)
    return attempt


def time_allowed(enrolment: Enrolment, quiz: Quiz):
    """The trainee's time limit in minutes: the quiz's, with the extra time of their adjustment plan."""
    return adjustments.quiz_minutes(quiz.time_limit_minutes or 0, adjustments.plan_for(enrolment))


def attempt_for(enrolment: Enrolment, public_id: str) -> QuizAttempt | None:
    return db.session.scalar(
        sa.select(QuizAttempt).where(
            QuizAttempt.public_id == public_id, QuizAttempt.enrolment_id == enrolment.id
        )
    )


def saved_answers(attempt: QuizAttempt) -> dict[str, object]:
    return {answer.question_key: answer.response["value"] for answer in attempt.answers}


def save_answer(
    attempt: QuizAttempt,
    position: int,
    question_key: str,
    form: MultiDict,
    actor,
    now: datetime | None = None,
) -> QuizAnswer:
    """Save the answer to the question at ``position`` (1-based) of the attempt.

    Raises ``QuizRefused`` for a finished attempt, an answer after the time limit (the attempt is then
    marked with what was saved in time) or a question that is not the one shown at that position;
    ``InvalidAnswer`` for an answer that is not a possible one. Nothing is stored in those cases.
    """
    check_own(attempt.enrolment, actor)
    now = now or utcnow()
    if expire_if_due(attempt, now):
        raise QuizRefused(
            _("Your time for this attempt ran out, so it has been marked with the answers saved in time.")
        )
    if attempt.submitted_at is not None:
        raise QuizRefused(_("This attempt has already been submitted, so its answers cannot change."))
    if not 1 <= position <= len(attempt.layout) or attempt.layout[position - 1]["key"] != question_key:
        raise QuizRefused(
            _("That answer did not match the question shown, so it was not saved. Please try again.")
        )
    item = attempt.layout[position - 1]
    question = attempt.quiz.bank[question_key]
    value = REGISTRY[question["type"]].parse(question, item["layout"], form)
    # Holds the attempt's row until this request ends (a no-op UPDATE, so the same on both databases): a
    # submission marking it at the same moment waits for this answer, or this answer sees it submitted.
    if not update_if(attempt, QuizAttempt.submitted_at.is_(None), submitted_at=None):
        raise QuizRefused(_("This attempt has already been submitted, so its answers cannot change."))
    # One statement, so the same answer saved twice at once (a double-click) is one row, never an error.
    upsert(
        QuizAnswer,
        ("attempt_id", "question_key"),
        attempt_id=attempt.id,
        question_key=question_key,
        response={"value": value},
        saved_at=now,
    )
    answer = db.session.scalar(
        sa.select(QuizAnswer)
        .where(QuizAnswer.attempt_id == attempt.id, QuizAnswer.question_key == question_key)
        .execution_options(populate_existing=True)
    )
    db.session.expire(attempt, ["answers"])
    return answer


def submit(attempt: QuizAttempt, actor, now: datetime | None = None) -> QuizAttempt:
    """Submit and mark the attempt. Submitted already (the same click twice, or another tab): nothing
    changes, nothing is recorded, and the attempt is returned as it stands."""
    check_own(attempt.enrolment, actor)
    now = now or utcnow()
    if expire_if_due(attempt, now):
        return attempt
    if attempt.submitted_at is None and _mark(attempt, submitted_at=now):
        record(actor, "quiz.attempt_submitted", attempt, score=attempt.score, passed=attempt.passed)
    return attempt


def expire_if_due(attempt: QuizAttempt, now: datetime) -> bool:
    """Mark an unfinished attempt whose time limit has passed, as at its deadline. True when it has been
    closed that way (by this call, or by another request a moment ago)."""
    if attempt.submitted_at is None and attempt.deadline_at is not None and now > attempt.deadline_at:
        if _mark(attempt, submitted_at=attempt.deadline_at):
            record(None, "quiz.attempt_timed_out", attempt, score=attempt.score, passed=attempt.passed)
        return True
    return False


def score_answers(
    quiz: Quiz, layout: list[dict], answers: dict[str, object]
) -> tuple[dict[str, float], float]:
    """Each drawn question's score (0–1; unanswered scores 0) and the attempt's percentage."""
    bank = quiz.bank
    scores = {}
    for item in layout:
        question = bank[item["key"]]
        value = answers.get(item["key"])
        scores[item["key"]] = 0.0 if value is None else REGISTRY[question["type"]].score(question, value)
    percent = round(100 * sum(scores.values()) / len(layout), 1) if layout else 0.0
    return scores, percent


def _mark(attempt: QuizAttempt, submitted_at: datetime) -> bool:
    """Close the attempt and mark it with the answers saved, unless another request closed it first
    (then False, and nothing is changed). Closing is ``UPDATE … WHERE submitted_at IS NULL``, before the
    answers are read, so an answer being saved at the same moment is either marked or refused."""
    if not update_if(attempt, QuizAttempt.submitted_at.is_(None), submitted_at=submitted_at):
        return False
    db.session.scalars(  # the answers as stored now, not as this session first read them
        sa.select(QuizAnswer)
        .where(QuizAnswer.attempt_id == attempt.id)
        .execution_options(populate_existing=True)
    ).all()
    db.session.expire(attempt, ["answers"])
    saved = saved_answers(attempt)
    scores, percent = score_answers(attempt.quiz, attempt.layout, saved)
    for answer in attempt.answers:
        answer.score = scores.get(answer.question_key)
    # A question left unanswered is stored too, scoring 0, so every question drawn has its score on
    # record (the item statistics count it as asked and missed).
    for key in scores.keys() - saved.keys():
        attempt.answers.append(
            QuizAnswer(question_key=key, response={"value": None}, score=0.0, saved_at=submitted_at)
        )
    attempt.score = percent
    attempt.passed = percent >= attempt.quiz.pass_mark
    db.session.flush()
    item_tallies.count_attempt(attempt)
    return True


def feedback_allowed(quiz_state: QuizState, attempt: QuizAttempt) -> bool:
    """Whether the review may show per-question answers, explanations and sources (the quiz's policy)."""
    policy = quiz_state.quiz.feedback
    if policy is Feedback.AFTER_EACH_ATTEMPT:
        return True
    if policy is Feedback.AFTER_PASSING:
        return quiz_state.passed
    return quiz_state.passed or quiz_state.remaining == 0


@dataclass(frozen=True)
class ReviewRow:
    number: int
    question: dict
    your_answer: str
    correct_answer: str
    score: float


def review(attempt: QuizAttempt) -> list[ReviewRow]:
    answers = saved_answers(attempt)
    scores, _ = score_answers(attempt.quiz, attempt.layout, answers)
    rows = []
    for number, item in enumerate(attempt.layout, start=1):
        question = attempt.quiz.bank[item["key"]]
        kind = REGISTRY[question["type"]]
        value = answers.get(item["key"])
        rows.append(
            ReviewRow(
                number=number,
                question=question,
                your_answer=kind.describe(question, value) if value is not None else "",
                correct_answer=kind.correct_answer(question),
                score=scores[item["key"]],
            )
        )
    return rows
