"""Item statistics for a quiz: the page and the CSV give the hand-computed figures of a small fixture,
trainers see only their own cohorts' attempts, flags need enough attempts, and the queries are bounded."""

from __future__ import annotations

import csv
import io
import math

import pytest

from app.auth.models import Role
from app.database import db, utcnow
from app.learning import item_tallies
from app.learning.models import QuizAnswer, QuizAttempt
from app.reports import items
from tests.conftest import sign_in
from tests.factories import make_assessed_version, make_cohort, make_enrolment, make_user
from tests.integration.test_progress import count_queries

# Five attempts at three questions of the factories' quiz (q-single: a is right; q-true: true is right;
# q-multiple: a and b are right, each right option +½, each wrong one −½, never below 0):
#
#   attempt  q-single  q-true  q-multiple      total T
#   1        a   1     true 1  [a, b]    1     3
#   2        a   1     true 1  [a]       ½     2.5
#   3        b   0     true 1  [a, c]    0     1
#   4        a   1     false 0 [b]       ½     1.5
#   5        b   0     false 0 [a, b, c] ½     0.5
#
# With x the question's score and y = T − x the rest of the attempt, r = (nΣxy − ΣxΣy) /
# √((nΣx² − (Σx)²)(nΣy² − (Σy)²)):
#   q-single:   x 1,1,0,1,0   y 2,1.5,1,0.5,0.5  Σx 3   Σx² 3    Σy 5.5 Σy² 7.75 Σxy 4
#               facility 60 %, r = (20 − 16.5) / √(6 · 8.5) = 3.5/√51 = 0.490
#   q-true:     x 1,1,1,0,0   y 2,1.5,0,1.5,0.5  Σx 3   Σx² 3    Σy 5.5 Σy² 8.75 Σxy 3.5
#               facility 60 %, r = (17.5 − 16.5) / √(6 · 13.5) = 1/9 = 0.111
#   q-multiple: x 1,½,0,½,½   y 2,2,1,1,0        Σx 2.5 Σx² 1.75 Σy 6   Σy² 10   Σxy 3.5
#               facility 50 %, r = (17.5 − 15) / √(2.5 · 14) = 2.5/√35 = 0.423
# Options chosen: q-single a 3, b 2, c 0; q-true true 3, false 2; q-multiple a 4, b 3, c 2, d 0.
FIXTURE = [
    (("a", 1.0), (True, 1.0), (["a", "b"], 1.0)),
    (("a", 1.0), (True, 1.0), (["a"], 0.5)),
    (("b", 0.0), (True, 1.0), (["a", "c"], 0.0)),
    (("a", 1.0), (False, 0.0), (["b"], 0.5)),
    (("b", 0.0), (False, 0.0), (["a", "b", "c"], 0.5)),
]
KEYS = ("q-single", "q-true", "q-multiple")
EXPECTED = {  # key: (attempts, facility, discrimination, {option: chosen})
    "q-single": (5, 0.6, 3.5 / math.sqrt(51), {"a": 3, "b": 2, "c": 0}),
    "q-true": (5, 0.6, 1 / 9, {"true": 3, "false": 2}),
    "q-multiple": (5, 0.5, 2.5 / math.sqrt(35), {"a": 4, "b": 3, "c": 2, "d": 0}),
}


def add_attempts(cohort, quiz, rows, submitted: bool = True) -> None:
    for row in rows:
        enrolment = make_enrolment(cohort)
        attempt = QuizAttempt(
            enrolment_id=enrolment.id,
            quiz_id=quiz.id,
            number=1,
            seed=1,
            layout=[{"key": key, "layout": {}} for key in KEYS],
            submitted_at=utcnow() if submitted else None,
            score=round(100 * sum(score for _value, score in row) / len(row), 1),
            passed=False,
        )
        db.session.add(attempt)
        db.session.flush()
        for key, (value, score) in zip(KEYS, row, strict=True):
            db.session.add(
                QuizAnswer(
                    attempt_id=attempt.id,
                    question_key=key,
                    response={"value": value},
                    score=score if submitted else None,
                )
            )
    item_tallies.rebuild(quiz)  # rows written here, not by marking: the tallies are worked out again
    db.session.commit()


@pytest.fixture
def world(app, tmp_path):
    version = make_assessed_version(tmp_path)
    module = version.modules[0]
    trainer, other = make_user(Role.TRAINER), make_user(Role.TRAINER)
    cohort = make_cohort(version, trainers=[trainer], name="Cohort S")
    elsewhere = make_cohort(version, trainers=[other], name="Cohort T")
    add_attempts(cohort, module.quiz, FIXTURE)
    add_attempts(cohort, module.quiz, FIXTURE[:2], submitted=False)  # in progress: not counted
    add_attempts(elsewhere, module.quiz, [FIXTURE[0]] * 3)
    url = f"/reports/items/{version.content_hash}/{module.slug}"
    return dict(module=module, cohort=cohort, elsewhere=elsewhere, trainer=trainer, other=other, url=url)


def check_figures(data: items.QuizStatistics, expected=EXPECTED) -> None:
    found = {item.key: item for item in data.items}
    for key, (attempts, facility, discrimination, chosen) in expected.items():
        item = found[key]
        assert item.attempts == attempts
        assert item.facility == pytest.approx(facility)
        assert item.discrimination == pytest.approx(discrimination)
        assert {o.key: o.chosen for o in item.options} == chosen


def test_the_figures_match_the_hand_computed_ones(world):
    data = items.statistics(world["module"].quiz, [world["cohort"].id])
    assert data.attempts == 5
    check_figures(data)
    single = next(item for item in data.items if item.key == "q-single")
    assert [o.key for o in single.options if o.correct] == ["a"]
    # Below the minimum an unchosen distractor (c) is shown but not flagged.
    assert single.unchosen_distractors and single.verdict == "Too few attempts to judge"
    assert data.flagged == []
    # Questions never answered are still listed, with no figures.
    short = next(item for item in data.items if item.key == "q-short")
    assert (short.attempts, short.facility, short.options) == (0, None, [])


def test_a_trainer_sees_their_own_cohorts_and_a_hub_admin_every_cohort(world, client):
    sign_in(client, world["trainer"])
    body = client.get(world["url"]).get_data(as_text=True)
    assert "5 submitted attempts" in body
    assert "0.49" in body and "0.11" in body and "0.42" in body
    assert client.get(world["url"] + f"?cohort={world['elsewhere'].public_id}").status_code == 404

    hub = make_user(Role.HUB_ADMIN)
    sign_in(client, hub)
    body = client.get(world["url"]).get_data(as_text=True)
    assert "8 submitted attempts" in body
    one = client.get(world["url"] + f"?cohort={world['cohort'].public_id}").get_data(as_text=True)
    assert "5 submitted attempts" in one and "0.49" in one


def test_a_trainer_without_a_cohort_on_the_version_gets_404(world, client):
    sign_in(client, make_user(Role.TRAINER))
    assert client.get(world["url"]).status_code == 404
    assert client.get("/reports/items/").status_code == 200


def test_the_csv_has_the_same_figures_and_no_names(world, client):
    sign_in(client, world["trainer"])
    response = client.get(world["url"] + "?format=csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = {row["Key"]: row for row in csv.DictReader(io.StringIO(response.get_data(as_text=True)))}
    for key, (attempts, facility, discrimination, chosen) in EXPECTED.items():
        row = rows[key]
        assert int(row["Attempts"]) == attempts
        assert float(row["Facility (%)"]) == pytest.approx(100 * facility, abs=0.05)
        assert float(row["Discrimination"]) == pytest.approx(discrimination, abs=0.0005)
        for option, count in chosen.items():
            assert f"{option}" in row["Options chosen"] and f": {count}" in row["Options chosen"]
        assert row["Verdict"] == "Too few attempts to judge"
    assert rows["q-short"]["Verdict"] == "Not answered yet"
    text = response.get_data(as_text=True)
    for enrolment in world["cohort"].enrolments:
        assert enrolment.user.name not in text and enrolment.candidate_number not in text


def test_questions_are_flagged_once_enough_attempts_answer_them(world):
    """Twenty more attempts where the weakest get q-true right and the strongest get it wrong, and
    nobody ever chooses q-single's c or q-multiple's d."""
    strong = (("a", 1.0), (False, 0.0), (["a", "b"], 1.0))
    weak = (("b", 0.0), (True, 1.0), (["c"], 0.0))
    add_attempts(world["cohort"], world["module"].quiz, [strong] * 10 + [weak] * 10)
    data = items.statistics(world["module"].quiz, [world["cohort"].id])
    found = {item.key: item for item in data.items}
    assert found["q-true"].discrimination < 0
    assert "Negative discrimination" in found["q-true"].flags
    assert found["q-single"].flags == ["A wrong answer nobody chooses"]
    assert found["q-single"].discrimination > 0
    assert [o.key for o in found["q-multiple"].unchosen_distractors] == ["d"]
    assert found["q-multiple"].discrimination > 0


def test_an_empty_quiz_says_no_attempts_yet(world, client, tmp_path):
    version = make_assessed_version(tmp_path / "empty", version="empty.1")
    module = version.modules[0]
    sign_in(client, make_user(Role.HUB_ADMIN))
    body = client.get(f"/reports/items/{version.content_hash}/{module.slug}").get_data(as_text=True)
    assert "No submitted attempts yet" in body


def test_the_page_takes_a_bounded_number_of_queries_however_many_attempts(world, client):
    """Grouped aggregate queries over the attempts, never one per attempt or answer."""
    sign_in(client, world["trainer"])
    before, _ = count_queries(client, world["url"])
    add_attempts(world["cohort"], world["module"].quiz, FIXTURE * 8)
    after, body = count_queries(client, world["url"])
    assert after == before <= 12
    assert "45 submitted attempts" in body


def test_a_question_left_unanswered_counts_as_asked_and_missed(app, tmp_path):
    """Marking records a 0 for every drawn question without an answer, so facility is over everyone asked."""
    from app.learning import quizzes
    from tests.integration.test_quizzes import answer_all

    version = make_assessed_version(tmp_path, drawn=6)
    quiz = version.modules[0].quiz
    enrolment = make_enrolment(make_cohort(version))
    attempt = quizzes.start_attempt(enrolment, quiz, enrolment.user)
    answer_all(attempt, enrolment.user, correct=2)
    quizzes.submit(attempt, enrolment.user)
    db.session.commit()
    data = items.statistics(quiz)
    assert [item.attempts for item in data.items] == [1] * 6
    facility = {item.key: item.facility for item in data.items}
    assert sorted(facility.values()) == [0.0] * 4 + [1.0] * 2
    assert {facility[item["key"]] for item in attempt.layout[:2]} == {1.0}
