"""A real cohort from invitation to accreditation with no dead ends, in a real browser by visible labels:
a one-trainer cohort whose work is allocated automatically, blocked at moderation until the Hub adds a
second marker, then released; another quiz attempt from the trainer after every one was used; an existing
trainee enrolled in a second cohort who can open both; an employer who reaches verification from `/`."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from app.auth.models import Role
from app.cohorts.models import Cohort
from app.database import db
from app.learning.models import QuizAttempt
from tests.e2e.test_assessments import take_attempt
from tests.e2e.test_journey import assert_accessible, sign_in, sign_out
from tests.e2e.test_marking import assessment_action, mark, submit_work
from tests.factories import (
    add_quiz_attempt,
    make_assessed_version,
    make_cohort,
    make_enrolment,
    make_organisation,
    make_user,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def people(app, tmp_path):
    version = make_assessed_version(tmp_path, word_limit=200)
    return {
        "version": version,
        "hub": make_user(Role.HUB_ADMIN, name="Hal Fictional-Hub", email="hub@example.org"),
        "ash": make_user(Role.TRAINER, name="Ash Marker", email="ash@example.org"),
        "bea": make_user(Role.TRAINER, name="Bea Second", email="bea@example.org"),
        "quinn": make_user(Role.TRAINEE, name="Quinn Fictional", email="quinn@example.org"),
        "organisation": make_organisation("Harbourside Example Project (fictional)"),
    }


def test_a_one_trainer_cohort_is_allocated_moderated_after_adding_a_marker_and_released(page: Page, people):
    sign_in(page, "hub@example.org")
    page.get_by_role("link", name="Cohorts").click()
    page.get_by_role("button", name="Create a cohort").click()
    page.get_by_label("Cohort name").fill("Cohort 12 — one trainer")
    page.get_by_label("Curriculum version").select_option(index=1)
    page.get_by_label("Start date").fill("2026-09-01")
    page.get_by_label("End date").fill("2028-08-31")
    page.get_by_label("Ash Marker (ash@example.org)").check()
    page.get_by_label("Lead trainer (optional)").select_option(label="Ash Marker")
    expect(page.get_by_label(re.compile("Allocate each piece when it is submitted"))).to_be_checked()
    assert_accessible(page)
    page.get_by_role("button", name="Create cohort").click()
    expect(page.get_by_text("Results cannot be released while this cohort has one trainer")).to_be_visible()
    sign_out(page)
    cohort = db.session.scalar(db.select(Cohort).where(Cohort.name == "Cohort 12 — one trainer"))
    enrolment = make_enrolment(cohort, people["quinn"], people["organisation"])
    db.session.commit()

    sign_in(page, "quinn@example.org")
    submit_work(page, "Independence means the survivor leads. I would refer immigration questions on.")
    sign_out(page)

    sign_in(page, "ash@example.org")  # allocated automatically at submission: it is in Ash's queue
    page.get_by_role("link", name="Marking").click()
    page.get_by_role("link", name=enrolment.candidate_number).click()
    page.get_by_role("button", name="Start marking").click()
    mark(page, ("pass", "55"), ("pass", "56"), "A sound piece that keeps the survivor at the centre.")
    page.goto(f"/marking/assessments/{cohort.public_id}/m01-module-1")
    page.get_by_role("button", name="Select marked pieces for moderation").click()
    expect(page.get_by_text("Second marking needs a second trainer on this cohort")).to_be_visible()
    sign_out(page)

    sign_in(page, "hub@example.org")
    page.goto(f"/cohorts/{cohort.public_id}")
    page.get_by_role("link", name="Add a trainer").click()
    assert_accessible(page)
    page.get_by_label("Bea Second (bea@example.org)").check()
    page.get_by_role("button", name="Save cohort staff").click()
    expect(page.get_by_text("The staff of Cohort 12 — one trainer have been saved.")).to_be_visible()
    expect(page.get_by_text("Results cannot be released")).to_have_count(0)
    sign_out(page)

    sign_in(page, "ash@example.org")
    assessment_action(
        page, cohort, "Select marked pieces for moderation", "1 piece selected for second marking."
    )
    sign_out(page)
    sign_in(page, "bea@example.org")
    page.get_by_role("link", name="Marking").click()
    page.get_by_role("link", name=enrolment.candidate_number).click()
    mark(page, ("pass", "56"), ("pass", "57"), "I agree: a sound piece.")
    sign_out(page)

    sign_in(page, "ash@example.org")
    page.goto(f"/marking/assessments/{cohort.public_id}/m01-module-1")
    page.get_by_role("button", name="Release 1 result").click()
    expect(page.get_by_text("1 result released; trainees have been told.")).to_be_visible()
    sign_out(page)

    sign_in(page, "quinn@example.org")
    page.goto("/learn/m01-module-1/assignment")
    expect(page.get_by_role("heading", name="Your result: Pass")).to_be_visible()
    assert_accessible(page)


def test_a_trainee_who_used_every_attempt_gets_another_from_the_trainer_and_passes(page: Page, people):
    cohort = make_cohort(people["version"], trainers=[people["ash"]], name="Cohort 13 — quiz")
    cohort.lead_trainer = people["ash"]
    enrolment = make_enrolment(cohort, people["quinn"], people["organisation"])
    quiz = people["version"].modules[0].quiz
    for number in range(1, quiz.attempts + 1):
        add_quiz_attempt(enrolment, quiz, passed=False, number=number)

    sign_in(page, "quinn@example.org")
    page.goto("/learn/m01-module-1/quiz")
    expect(page.get_by_text(f"You have used all {quiz.attempts} attempts.")).to_be_visible()
    sign_out(page)

    sign_in(page, "ash@example.org")
    page.goto(f"/cohorts/trainees/{enrolment.public_id}")
    page.get_by_label("Why allow another attempt").fill("We went through the lesson together on Monday.")
    page.get_by_label("Let them start now, without waiting for the cooling-off period").check()
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("^Allow another attempt")).click()
    expect(page.get_by_text("can take another attempt at the M01 quiz")).to_be_visible()
    sign_out(page)

    sign_in(page, "quinn@example.org")
    page.goto("/learn/m01-module-1/quiz")
    expect(page.get_by_text("We went through the lesson together on Monday.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name=f"Start attempt {quiz.attempts + 1}").click()
    expect(page.get_by_role("heading", name=re.compile(r"Question \d+"))).to_be_visible()
    db.session.expire_all()
    attempt = db.session.scalar(
        db.select(QuizAttempt).where(QuizAttempt.enrolment_id == enrolment.id, QuizAttempt.number == 4)
    )
    take_attempt(page, attempt, right=True)
    expect(page.get_by_text(re.compile("You passed"))).to_be_visible()


def test_an_existing_trainee_invited_to_a_second_cohort_can_open_both(page: Page, people):
    first = make_cohort(people["version"], trainers=[people["ash"]], name="Cohort 14 — first")
    second = make_cohort(people["version"], trainers=[people["ash"]], name="Cohort 15 — second")
    make_enrolment(first, people["quinn"], people["organisation"])

    sign_in(page, "hub@example.org")
    page.goto(f"/cohorts/{second.public_id}/invite")
    page.get_by_label("Full name").fill("Someone Else")
    page.get_by_label("Email address").fill("quinn@example.org")
    page.get_by_label("Host organisation").select_option(label="Harbourside Example Project (fictional)")
    page.get_by_role("button", name="Enrol and send invitation").click()
    expect(page.get_by_text(re.compile("already has an account, as Quinn Fictional"))).to_have_count(2)
    assert_accessible(page)
    page.get_by_label("Yes, enrol this existing person in this cohort too").check()
    page.get_by_role("button", name="Enrol and send invitation").click()
    expect(page.get_by_text("Quinn Fictional is enrolled in Cohort 15 — second")).to_be_visible()
    sign_out(page)

    sign_in(page, "quinn@example.org")
    expect(page.get_by_role("heading", name="Choose your training")).to_be_visible()
    assert_accessible(page)
    page.locator(".govuk-summary-card", has_text="Cohort 14 — first").get_by_role("button").click()
    expect(page.get_by_text("Cohort 14 — first")).to_be_visible()
    page.get_by_role("link", name="Switch to another training").click()
    page.locator(".govuk-summary-card", has_text="Cohort 15 — second").get_by_role("button").click()
    expect(page.get_by_text("Cohort 15 — second")).to_be_visible()


def test_an_employer_reaches_verification_from_the_front_door_in_one_click(page: Page, people):
    page.goto("/")
    assert_accessible(page)
    page.get_by_role("link", name="check an IMSA® accreditation").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("accreditation", re.I))
    assert page.url.endswith("/verify")


def test_a_choice_made_but_not_saved_survives_a_reload(page: Page, people):
    cohort = make_cohort(people["version"], trainers=[people["ash"]], name="Cohort 16 — reload")
    make_enrolment(cohort, people["quinn"], people["organisation"])
    sign_in(page, "quinn@example.org")
    page.goto("/learn/m01-module-1/quiz")
    page.get_by_role("button", name="Start attempt 1").click()
    expect(page.get_by_role("heading", name="Question 1")).to_be_visible()
    radio = page.locator("input[type=radio], input[type=checkbox]")
    if radio.count():
        radio.first.check()
        page.reload()
        expect(page.locator("input[type=radio], input[type=checkbox]").first).to_be_checked()
    else:
        choice = page.locator("select, input[type=text]").first
        if choice.evaluate("e => e.tagName") == "SELECT":
            choice.select_option(index=1)
        else:
            choice.fill("an answer typed")
        choice.dispatch_event("change")
        value = choice.input_value()
        page.reload()
        expect(page.locator("select, input[type=text]").first).to_have_value(value)
