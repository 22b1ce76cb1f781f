"""Taking a quiz: the server draws and keeps the questions, saves answers as they go, enforces the
attempt and time limits, refuses tampering, marks at once and reviews by the quiz's feedback policy."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from markupsafe import escape
from werkzeug.datastructures import MultiDict

from app.assessments.question_types import REGISTRY
from app.auth.access import PermissionDenied
from app.auth.models import Role
from app.database import db, utcnow
from app.learning import quizzes
from app.learning.models import QuizAnswer
from tests.conftest import post_form, sign_in
from tests.factories import make_assessed_version, make_cohort, make_enrolment, make_user


def setup(tmp_path, **options):
    version = make_assessed_version(tmp_path, **options)
    enrolment = make_enrolment(make_cohort(version, trainers=[make_user(Role.TRAINER)]))
    return enrolment, version.modules[0].quiz


def right_answer(question, layout) -> MultiDict:
    """The form a trainee who knows the answer would send."""
    kind = question["type"]
    if kind == "single_choice":
        return MultiDict({"answer": question["answer"]})
    if kind == "multiple_response":
        return MultiDict([("answer", a) for a in question["answer"]])
    if kind == "true_false":
        return MultiDict({"answer": "true" if question["answer"] else "false"})
    if kind == "short_text":
        return MultiDict({"answer": question["accepted"][0]})
    if kind == "matching":
        return MultiDict(
            {
                f"match-{n}": str(layout["responses"].index(question["pairs"][p]))
                for n, p in enumerate(layout["prompts"])
            }
        )
    return MultiDict(
        {f"position-{n}": str(question["items"].index(i) + 1) for n, i in enumerate(layout["items"])}
    )


def answer_all(attempt, actor, correct: int) -> None:
    """Answer the first ``correct`` questions rightly and leave the rest unanswered."""
    for number, item in enumerate(attempt.layout[:correct], start=1):
        question = attempt.quiz.bank[item["key"]]
        quizzes.save_answer(attempt, number, item["key"], right_answer(question, item["layout"]), actor)


def test_the_draw_is_the_same_for_a_seed_and_differs_between_seeds(app, tmp_path):
    _, quiz = setup(tmp_path, drawn=4)
    assert quizzes.draw(quiz, 42) == quizzes.draw(quiz, 42)
    draws = {tuple(item["key"] for item in quizzes.draw(quiz, seed)) for seed in range(30)}
    assert len(draws) > 10
    assert all(len(set(keys)) == 4 for keys in draws)


def test_each_attempt_is_drawn_afresh_and_kept(app, tmp_path):
    enrolment, quiz = setup(tmp_path, drawn=4, attempts=3)
    user = enrolment.user
    first = quizzes.start_attempt(enrolment, quiz, user)
    quizzes.submit(first, user)
    second = quizzes.start_attempt(enrolment, quiz, user)
    db.session.commit()
    assert first.seed != second.seed
    assert second.layout == quizzes.draw(quiz, second.seed)  # a reload shows exactly these questions


def test_a_full_pass_and_a_fail_are_marked_at_once(app, tmp_path):
    enrolment, quiz = setup(tmp_path, drawn=6, pass_mark=75)
    user = enrolment.user
    attempt = quizzes.start_attempt(enrolment, quiz, user)
    answer_all(attempt, user, correct=4)
    quizzes.submit(attempt, user)
    assert (attempt.score, attempt.passed) == (66.7, False)
    attempt = quizzes.start_attempt(enrolment, quiz, user)
    answer_all(attempt, user, correct=6)
    quizzes.submit(attempt, user)
    assert (attempt.score, attempt.passed) == (100.0, True)
    assert quizzes.state(enrolment, quiz).refusal == "You have passed this quiz."


def test_attempts_beyond_the_limit_are_refused_with_the_cooling_off_date(app, tmp_path):
    enrolment, quiz = setup(tmp_path, attempts=2)
    for _ in range(2):
        quizzes.submit(quizzes.start_attempt(enrolment, quiz, enrolment.user), enrolment.user)
    with pytest.raises(
        quizzes.QuizRefused, match=r"You have used all 2 attempts\. Your trainer can allow another"
    ):
        quizzes.start_attempt(enrolment, quiz, enrolment.user)


def test_answers_after_the_time_limit_are_refused_and_the_attempt_is_marked(app, tmp_path):
    enrolment, quiz = setup(tmp_path, time_limit=20)
    user = enrolment.user
    attempt = quizzes.start_attempt(enrolment, quiz, user)
    answer_all(attempt, user, correct=2)
    late = attempt.deadline_at + timedelta(seconds=1)
    item = attempt.layout[2]
    with pytest.raises(quizzes.QuizRefused, match="time for this attempt ran out"):
        quizzes.save_answer(
            attempt,
            3,
            item["key"],
            right_answer(attempt.quiz.bank[item["key"]], item["layout"]),
            user,
            now=late,
        )
    assert attempt.submitted_at == attempt.deadline_at
    assert attempt.score == pytest.approx(33.3)
    answered = {a.question_key for a in attempt.answers if a.response["value"] is not None}
    assert answered == {item["key"] for item in attempt.layout[:2]}  # the late answer was not saved
    # The questions left unanswered are on record as scoring 0 (for the item statistics).
    assert sorted(a.score for a in attempt.answers) == [0.0] * 4 + [1.0] * 2


def test_a_tampered_question_id_is_refused_and_nothing_is_stored(client, tmp_path):
    enrolment, quiz = setup(tmp_path)
    sign_in(client, enrolment.user)
    post_form(client, "/learn/m01-module-1/quiz/start")
    attempt = quizzes.attempts(enrolment, quiz)[0]
    other_key = next(k for k in quiz.bank if k != attempt.layout[0]["key"])
    url = f"/learn/m01-module-1/quiz/{attempt.public_id}/1"
    response = post_form(client, url, {"question_key": other_key, "answer": "a"}, follow_redirects=True)
    assert "did not match the question shown" in response.get_data(as_text=True)
    assert db.session.query(QuizAnswer).count() == 0


def test_a_malformed_answer_gets_a_clear_message_and_stores_nothing(client, tmp_path):
    enrolment, quiz = setup(tmp_path)
    sign_in(client, enrolment.user)
    post_form(client, "/learn/m01-module-1/quiz/start")
    attempt = quizzes.attempts(enrolment, quiz)[0]
    response = post_form(
        client, f"/learn/m01-module-1/quiz/{attempt.public_id}/1", {"question_key": attempt.layout[0]["key"]}
    )
    body = response.get_data(as_text=True)
    assert "There is a problem" in body and re.search(r"(Choose|Type|Give)", body)
    assert db.session.query(QuizAnswer).count() == 0


def test_answers_are_never_sent_to_the_browser_and_a_reload_shows_saved_answers(client, tmp_path):
    enrolment, quiz = setup(tmp_path)
    sign_in(client, enrolment.user)
    post_form(client, "/learn/m01-module-1/quiz/start")
    attempt = quizzes.attempts(enrolment, quiz)[0]
    for number, item in enumerate(attempt.layout, start=1):
        page = client.get(f"/learn/m01-module-1/quiz/{attempt.public_id}/{number}").get_data(as_text=True)
        question = quiz.bank[item["key"]]
        assert question["explanation_html"] not in page
        assert "forced or compulsory labour" not in page  # accepted short answers stay on the server
        if question["type"] == "single_choice":
            post_form(
                client,
                f"/learn/m01-module-1/quiz/{attempt.public_id}/{number}",
                {"question_key": item["key"], "answer": "b"},
            )
            again = client.get(f"/learn/m01-module-1/quiz/{attempt.public_id}/{number}").get_data(
                as_text=True
            )
            assert re.search(r'value="b" checked', again)


def test_the_review_follows_the_feedback_policy(client, tmp_path):
    enrolment, quiz = setup(tmp_path, feedback="after_passing")
    sign_in(client, enrolment.user)
    attempt = quizzes.start_attempt(enrolment, quiz, enrolment.user)
    quizzes.submit(attempt, enrolment.user)
    db.session.commit()
    page = client.get(f"/learn/m01-module-1/quiz/{attempt.public_id}/review").get_data(as_text=True)
    assert "You scored 0%" in page or "You scored 0.0%" in page
    assert "Answers and explanations are shown once you have passed" in page
    assert "Because it is right." not in page


def test_the_review_shows_explanations_and_sources_when_allowed(client, tmp_path):
    enrolment, quiz = setup(tmp_path)
    sign_in(client, enrolment.user)
    attempt = quizzes.start_attempt(enrolment, quiz, enrolment.user)
    answer_all(attempt, enrolment.user, correct=6)
    quizzes.submit(attempt, enrolment.user)
    db.session.commit()
    page = client.get(f"/learn/m01-module-1/quiz/{attempt.public_id}/review").get_data(as_text=True)
    assert "You passed" in page and "Because it is right." in page and "Example Act 2015, s.1" in page


def test_a_trainee_cannot_open_another_trainees_attempt(app, tmp_path):
    enrolment, quiz = setup(tmp_path)
    other = make_enrolment(enrolment.cohort)
    attempt = quizzes.start_attempt(enrolment, quiz, enrolment.user)
    db.session.commit()
    client = app.test_client()
    sign_in(client, other.user)
    assert client.get(f"/learn/m01-module-1/quiz/{attempt.public_id}/1").status_code == 404
    with pytest.raises(PermissionDenied):
        quizzes.save_answer(attempt, 1, attempt.layout[0]["key"], MultiDict({"answer": "a"}), other.user)


def test_an_attempt_left_past_its_deadline_is_marked_when_next_seen(app, tmp_path):
    enrolment, quiz = setup(tmp_path, time_limit=10)
    attempt = quizzes.start_attempt(enrolment, quiz, enrolment.user)
    later = utcnow() + timedelta(hours=1)
    state = quizzes.state(enrolment, quiz, now=later)
    assert attempt.submitted_at == attempt.deadline_at and state.in_progress is None


def test_check_your_answers_shows_each_answer_and_continue_goes_to_the_question_left(client, tmp_path):
    """The check page names what was answered (not just "Answered"), and "Continue your attempt" opens
    the first question without an answer."""
    enrolment, quiz = setup(tmp_path)
    attempt = quizzes.start_attempt(enrolment, quiz, enrolment.user)
    answer_all(attempt, enrolment.user, correct=1)
    db.session.commit()
    sign_in(client, enrolment.user)
    module = quiz.module.slug
    first = attempt.layout[0]
    question = quiz.bank[first["key"]]
    described = REGISTRY[question["type"]].describe(question, quizzes.saved_answers(attempt)[first["key"]])
    page = client.get(f"/learn/{module}/quiz/{attempt.public_id}/check").get_data(as_text=True)
    assert str(escape(described)) in page and ">Answered<" not in page
    assert client.get(f"/learn/{module}/quiz").get_data(as_text=True).count("/continue") == 1
    response = client.get(f"/learn/{module}/quiz/{attempt.public_id}/continue")
    assert response.location.endswith(f"/quiz/{attempt.public_id}/2")
