"""Another quiz attempt after the last one failed: a trainer of the cohort (or a Hub admin) allows it with
a reason, optionally lifting the cooling-off; it is audited, and the trainee sees it and can start."""

from __future__ import annotations

import pytest

from app.audit.services import events_for
from app.auth.access import PermissionDenied
from app.auth.models import Role
from app.database import db
from app.learning import quizzes
from tests.conftest import post_form, sign_in
from tests.factories import add_quiz_attempt, make_assessed_version, make_cohort, make_enrolment, make_user


@pytest.fixture
def used_up(app, tmp_path):
    """A trainee who has failed all three attempts of M01's quiz today (cooling-off: 7 days)."""
    version = make_assessed_version(tmp_path)
    trainer = make_user(Role.TRAINER)
    cohort = make_cohort(version, [trainer])
    cohort.lead_trainer = trainer
    enrolment = make_enrolment(cohort, make_user(Role.TRAINEE))
    quiz = version.modules[0].quiz
    for number in (1, 2, 3):
        add_quiz_attempt(enrolment, quiz, passed=False, number=number)
    return enrolment, quiz, trainer


def test_with_every_attempt_used_the_trainee_cannot_start(used_up):
    enrolment, quiz, _ = used_up
    assert "You have used all 3 attempts" in quizzes.state(enrolment, quiz).refusal


def test_a_trainer_allows_another_attempt_at_once_and_the_trainee_starts_it(used_up):
    enrolment, quiz, trainer = used_up
    quizzes.allow_another_attempt(enrolment, quiz, "Agreed after our call on Monday.", True, trainer)
    db.session.commit()
    state = quizzes.state(enrolment, quiz)
    assert state.refusal is None and state.remaining == 1 and state.allowed == 4
    attempt = quizzes.start_attempt(enrolment, quiz, enrolment.user)
    assert attempt.number == 4
    event = next(e for e in events_for(enrolment) if e.action == "quiz.attempt_allowed")
    assert event.actor_id == trainer.id and event.details["reason"] == "Agreed after our call on Monday."


def test_without_lifting_the_attempt_waits_for_the_cooling_off_then_can_be_lifted(used_up):
    enrolment, quiz, trainer = used_up
    quizzes.allow_another_attempt(enrolment, quiz, "One more try.", False, trainer)
    state = quizzes.state(enrolment, quiz)
    assert state.remaining == 1 and "after the cooling-off period" in state.refusal
    with pytest.raises(quizzes.QuizRefused):
        quizzes.start_attempt(enrolment, quiz, enrolment.user)
    quizzes.allow_another_attempt(enrolment, quiz, "Ready now.", True, trainer)
    state = quizzes.state(enrolment, quiz)
    assert state.refusal is None and state.allowed == 4  # lifting added no attempt
    assert [e.action for e in events_for(enrolment)][-2:] == [
        "quiz.attempt_allowed",
        "quiz.cooling_off_lifted",
    ]


@pytest.mark.parametrize(
    ("reason", "passed", "message"),
    [("", False, "Say why"), ("Fine.", True, "has passed the quiz")],
)
def test_refusals_name_the_reason_field(used_up, reason, passed, message):
    enrolment, quiz, trainer = used_up
    if passed:
        add_quiz_attempt(enrolment, quiz, passed=True, number=4)
    with pytest.raises(quizzes.QuizRefused, match=message) as refusal:
        quizzes.allow_another_attempt(enrolment, quiz, reason, True, trainer)
    assert refusal.value.field == "reason"


def test_someone_outside_the_cohort_cannot_allow_an_attempt(used_up):
    enrolment, quiz, _ = used_up
    with pytest.raises(PermissionDenied):
        quizzes.allow_another_attempt(enrolment, quiz, "Fine.", True, make_user(Role.TRAINER))


def test_on_the_record_page_the_trainer_allows_it_and_the_trainee_reads_the_reason(client, used_up):
    enrolment, quiz, trainer = used_up
    module = quiz.module
    sign_in(client, trainer)
    record = client.get(f"/cohorts/trainees/{enrolment.public_id}").get_data(as_text=True)
    assert "every attempt used (3)" in record and "Allow another attempt" in record
    url = f"/cohorts/trainees/{enrolment.public_id}/quizzes/{module.slug}/allow"
    refused = post_form(client, url, {"reason": "  ", "lift_cooling_off": "yes"})
    assert refused.status_code == 200 and f'id="reason-{module.slug}-error"' in refused.get_data(as_text=True)
    done = post_form(client, url, {"reason": "After our supervision call.", "lift_cooling_off": "yes"})
    assert done.status_code == 302
    client.post("/sign-out", data={"csrf_token": ""})
    trainee_client = client.application.test_client()
    sign_in(trainee_client, enrolment.user)
    page = trainee_client.get(f"/learn/{module.slug}/quiz").get_data(as_text=True)
    assert "Your trainer allowed another attempt" in page and "After our supervision call." in page
    assert "Start attempt 4" in page
