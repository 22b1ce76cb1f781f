"""A Welsh-preferring trainee's own pages in Welsh: the dashboard, a module, a lesson, the written
assignment and the portfolio. The curriculum's own text stays in English, marked with its language."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from flask_babel import force_locale, gettext

from app.assessments.question_types import REGISTRY
from app.auth.models import Role
from app.database import db
from app.learning import portfolio, quizzes
from app.learning.models import SubmissionStatus
from app.learning.outcomes import outcomes
from app.learning.services import overview
from app.templating import long_date
from app.workdays import london_date
from tests.conftest import post_form, prefer_welsh, sign_in, welsh_page
from tests.factories import make_assessed_version, make_cohort, make_enrolment, make_user

MODULE = "/learn/m01-module-1"


@pytest.fixture
def trainee(client, tmp_path):
    version = make_assessed_version(tmp_path)
    enrolment = make_enrolment(make_cohort(version, trainers=[make_user(Role.TRAINER)]))
    sign_in(client, prefer_welsh(enrolment.user))
    return enrolment


def test_the_dashboard_is_in_welsh(client, trainee):
    body = welsh_page(client, "/learn/")
    assert "Fy hyfforddiant" in body and "Eich cynnydd" in body
    assert "Rydych wedi cwblhau 0 o 4 gwers (0%)." in body
    assert "Heb ddechrau" in body  # the modules' status
    assert '<a class="govuk-link govuk-task-list__link"' in body and 'lang="en-GB">M01: Module 1</a>' in body


def test_the_module_page_is_in_welsh_around_the_curriculum_text(client, trainee):
    body = welsh_page(client, MODULE)
    assert "I lwyddo yn y modiwl hwn" in body and "I’w wneud o hyd:" in body
    assert "2 gwers i’w chwblhau" in body and "Llwyddo yn y cwis" in body  # what is still to do, in Welsh
    assert "Portffolio ymarfer dan oruchwyliaeth" in body
    assert '<h1 class="govuk-heading-l" lang="en-GB">Module 1</h1>' in body  # the curriculum stays English


def test_a_lesson_is_in_welsh_around_the_lesson_text(client, trainee):
    body = welsh_page(client, f"{MODULE}/lesson-1")
    assert "Gwers 1 o 2" in body and "Nodi ei bod wedi’i chwblhau a pharhau" in body
    assert '<article class="imsa-prose" lang="en-GB">' in body and "Text of lesson 1.1" in body


def test_marking_a_lesson_complete_says_so_in_welsh(client, trainee):
    post_form(client, f"{MODULE}/lesson-1/complete", {"completed": "yes"})
    assert "Rydych wedi nodi bod “Lesson 1.1” wedi’i chwblhau." in welsh_page(client, f"{MODULE}/lesson-2")


def test_the_assignment_page_and_its_refusals_are_in_welsh(client, trainee):
    body = welsh_page(client, f"{MODULE}/assignment")
    assert "Cyflwyno eich gwaith" in body and "Cadw’r drafft" in body and "Sut bydd yn cael ei farcio" in body
    # What the browser says while it saves comes from the page, in the page's language.
    assert (
        'data-saved="Drafft wedi’i gadw am {time}."' in body
        and 'data-count="{words} o {limit} gair."' in body
    )
    assert 'data-table-label="Tabl"' in body
    response = post_form(client, f"{MODULE}/assignment", {"action": "submit", "text": "", "revision": "0"})
    assert "Ysgrifennwch eich gwaith yn y blwch" in response.get_data(as_text=True)


def test_the_portfolio_and_its_refusals_are_in_welsh(client, trainee):
    body = welsh_page(client, f"{MODULE}/portfolio")
    assert "Eich cyfansymiau" in body and "Nid ydych wedi cofnodi unrhyw dystiolaeth eto." in body
    response = post_form(
        client,
        f"{MODULE}/portfolio",
        {
            "kind": "direct_practice",
            "occurred_on": "2026-01-05",
            "hours": "2",
            "description": "Rang them on 07700 900123 to check in about housing.",
        },
    )
    assert "mae’n edrych fel pe bai hwn yn cynnwys rhif ffôn" in response.get_data(as_text=True)


def test_logged_evidence_shows_its_kind_and_status_in_welsh(client, trainee):
    module = trainee.cohort.curriculum_version.modules[0]
    portfolio.log_entry(
        trainee,
        module,
        "direct_practice",
        date(2026, 1, 5),
        Decimal(2),
        "Supported a person to prepare for a housing appointment and explained their options.",
        trainee.user,
    )
    db.session.commit()
    body = welsh_page(client, f"{MODULE}/portfolio")
    assert "Ymarfer eiriolaeth uniongyrchol" in body and "Yn aros am adolygiad" in body


def test_what_is_outstanding_is_kept_in_english_while_the_page_says_it_in_welsh(client, trainee):
    """The progress matrix and approvals read ``outstanding``: English, whatever the page."""
    assert "2 gwers i’w chwblhau" in welsh_page(client, MODULE)
    with client.application.test_request_context("/", headers={"Cookie": "imsa_lang=cy"}), force_locale("cy"):
        found = outcomes(trainee, overview(trainee))[0]
        assert found.outstanding[:2] == ["2 lessons to complete", "pass the quiz"]
        assert gettext(SubmissionStatus.DRAFT.label) == "Drafft" and SubmissionStatus.DRAFT.label == "Draft"


def test_the_quiz_page_and_a_question_are_in_welsh_around_the_questions(client, trainee):
    body = welsh_page(client, f"{MODULE}/quiz")
    assert "I lwyddo" in body and "Dechrau ymgais 1" in body
    started = post_form(client, f"{MODULE}/quiz/start", {})
    body = welsh_page(client, started.location)
    assert "Cwestiwn 1" in body and "Cadw a pharhau" in body
    assert '<div class="imsa-prose imsa-question-stem" lang="en-GB">' in body  # the question stays English
    assert 'lang=""' not in body  # the answer options included with the question know its language
    hint = re.search(r'id="question-hint" class="govuk-hint">([^<]+)<', body).group(1)
    # How to answer, from the question type (the first question is drawn at random), in Welsh.
    with force_locale("cy"):
        welsh = {gettext(kind.label) for kind in REGISTRY.values()}
    assert hint in welsh - {kind.label for kind in REGISTRY.values()}
    key = re.search(r'name="question_key" value="([^"]+)"', body).group(1)
    response = post_form(client, started.location, {"question_key": key})
    refused = response.get_data(as_text=True)
    errors = re.findall(r'id="answer-error"[^>]*>(.*?)</p>', refused, re.S)
    # No answer given: each question type says how to answer, in Welsh.
    empty = ("Dewiswch un o’r atebion a ddangosir", "Dewiswch o leiaf un ateb", "Dewiswch Gwir neu Anwir")
    empty += ("Dewiswch un ateb", "Dewiswch gyfatebiaeth ar gyfer pob eitem", "Rhowch le i bob eitem")
    empty += ("Teipiwch eich ateb",)
    assert any(message in errors[0] for message in empty), errors


def test_a_quiz_refusal_is_in_welsh_with_a_welsh_date(client, trainee):
    quiz = trainee.cohort.curriculum_version.modules[0].quiz
    for _ in range(quiz.attempts):
        quizzes.submit(quizzes.start_attempt(trainee, quiz, trainee.user), trainee.user)
    db.session.commit()
    body = welsh_page(client, f"{MODULE}/quiz")
    assert (
        "Rydych wedi defnyddio pob un o’r" in body
        and "Gall eich hyfforddwr ganiatáu ymgais arall ar ôl" in body
    )
    last = quizzes.state(trainee, quiz).counted[-1].submitted_at
    with force_locale("cy"):
        after = long_date(london_date(last + timedelta(days=quiz.cooling_off_days)))
    assert f"ar ôl {after}." in body  # the date in Welsh
