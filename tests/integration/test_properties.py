"""Property-based: no answer payload, however malformed, crashes scoring or is stored half-written."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from app.assessments.question_types import REGISTRY, InvalidAnswer
from app.database import db
from app.learning import quizzes
from app.learning.models import QuizAnswer
from tests.conftest import csrf_token, sign_in
from tests.factories import make_assessed_version, make_cohort, make_enrolment
from tests.unit.test_question_types import MATCHING, MULTIPLE, ORDERING, SHORT, SINGLE, TRUE_FALSE

FIELD_NAMES = st.sampled_from(
    [
        "answer",
        "match-0",
        "match-1",
        "match-2",
        "position-0",
        "position-1",
        "position-2",
        "position-3",
        "question_key",
        "other",
    ]
)
VALUES = st.one_of(
    st.text(max_size=30), st.integers(-5, 10).map(str), st.sampled_from(["a", "b", "true", "1"])
)
PAYLOADS = st.lists(st.tuples(FIELD_NAMES, VALUES), max_size=8)
QUESTIONS = [SINGLE, MULTIPLE, TRUE_FALSE, SHORT, MATCHING, ORDERING]


@given(question=st.sampled_from(QUESTIONS), payload=PAYLOADS, seed=st.integers(0, 1000))
def test_parsing_and_scoring_never_crash(question, payload, seed):
    kind = REGISTRY[question["type"]]
    layout = kind.layout(question, random.Random(seed), True)
    try:
        response = kind.parse(question, layout, MultiDict(payload))
    except InvalidAnswer:
        return
    assert 0 <= kind.score(question, response) <= 1
    assert isinstance(kind.describe(question, response), str)


@given(
    junk=st.one_of(
        st.none(), st.integers(), st.text(), st.lists(st.text()), st.dictionaries(st.text(), st.text())
    )
)
def test_scoring_a_stored_value_of_the_wrong_shape_scores_nothing_rather_than_crashing(junk):
    for question in QUESTIONS:
        kind = REGISTRY[question["type"]]
        try:
            score = kind.score(question, junk)
        except (TypeError, AttributeError):
            raise AssertionError(f"{question['type']} crashed on {junk!r}") from None
        assert 0 <= score <= 1


def test_posting_any_payload_stores_a_whole_answer_or_nothing(app, tmp_path):
    version = make_assessed_version(tmp_path)
    enrolment = make_enrolment(make_cohort(version))
    client = app.test_client()
    sign_in(client, enrolment.user)
    attempt = quizzes.start_attempt(enrolment, version.modules[0].quiz, enrolment.user)
    db.session.commit()
    token = csrf_token(client)

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(number=st.integers(1, len(attempt.layout)), payload=PAYLOADS, use_right_key=st.booleans())
    def post(number, payload, use_right_key):
        data = MultiDict(payload)
        data.setlist("csrf_token", [token])
        if use_right_key:
            data.setlist("question_key", [attempt.layout[number - 1]["key"]])
        response = client.post(f"/learn/m01-module-1/quiz/{attempt.public_id}/{number}", data=data)
        assert response.status_code in (200, 302), response.status_code
        db.session.expire_all()
        for answer in db.session.query(QuizAnswer).all():
            question = attempt.quiz.bank[answer.question_key]
            # Whatever is stored is a complete, scoreable response.
            assert 0 <= REGISTRY[question["type"]].score(question, answer.response["value"]) <= 1

    post()
