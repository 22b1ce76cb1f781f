"""Due process in a real browser, by visible labels: an adjustment plan of +25 % makes a 30-minute quiz
allow 37½ minutes and moves the assignment's deadline; a granted special-consideration request voids a
failed quiz attempt so the trainee can try again. Every new page is checked with axe and at phone width."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from app.auth.models import Role
from app.database import db, utcnow
from app.learning import assignments, quizzes
from app.learning.models import QuizAttempt
from app.templating import long_date
from app.workdays import london_date
from tests.e2e.test_journey import assert_accessible, sign_in, sign_out
from tests.factories import make_assessed_version, make_cohort, make_enrolment, make_user

pytestmark = pytest.mark.e2e


def _cast(tmp_path, **quiz):
    version = make_assessed_version(tmp_path, **quiz)
    lead = make_user(Role.TRAINER, name="Lee Lead", email="lee@example.org")
    cohort = make_cohort(version, trainers=[lead], name="Cohort 7 — Due process")
    trainee = make_user(Role.TRAINEE, name="Rowan Fictional", email="rowan@example.org")
    enrolment = make_enrolment(cohort, trainee)
    hub = make_user(Role.HUB_ADMIN, name="Hal Hubadmin", email="hub@example.org")
    return enrolment, hub, version.modules[0]


def test_a_25_percent_plan_makes_a_30_minute_quiz_37_and_a_half_minutes_and_moves_the_deadline(
    page: Page, app, tmp_path
):
    enrolment, hub, module = _cast(tmp_path, time_limit=30)
    due = assignments.due_on(enrolment, module.assignment)

    sign_in(page, hub.email)
    page.goto(f"/cohorts/trainees/{enrolment.public_id}")
    page.get_by_text("Record adjustments").click()
    page.get_by_label("Extra time on timed quizzes (%)").fill("25")
    page.get_by_label("Extra days on every deadline").fill("7")
    page.get_by_role("button", name="Save the adjustment plan").click()
    expect(page.get_by_text("25 % extra time").first).to_be_visible()
    sign_out(page)

    sign_in(page, enrolment.user.email)
    page.get_by_role("link", name=re.compile(f"^{module.code}")).first.click()
    page.get_by_role("link", name=f"Quiz: {module.quiz.title}").click()
    expect(page.get_by_text("37½ minutes from when you start")).to_be_visible()
    page.get_by_role("button", name="Start attempt 1").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Question 1")
    attempt = db.session.scalar(db.select(QuizAttempt).where(QuizAttempt.enrolment_id == enrolment.id))
    assert attempt.deadline_at - attempt.started_at == timedelta(minutes=37, seconds=30)

    page.goto(f"/learn/{module.slug}")
    page.get_by_role("link", name=f"Written assignment: {module.assignment.title}").click()
    expect(
        page.get_by_text(f"{long_date(due + timedelta(days=7))} (end of the day, UK time)")
    ).to_be_visible()


def test_a_granted_request_voids_a_failed_attempt_so_the_trainee_can_try_again(page: Page, app, tmp_path):
    enrolment, hub, module = _cast(tmp_path, attempts=1)
    attempt = quizzes.start_attempt(enrolment, module.quiz, enrolment.user)
    quizzes.submit(attempt, enrolment.user)  # nothing answered: not passed, and the only attempt is used
    db.session.commit()

    sign_in(page, enrolment.user.email)
    page.goto(f"/learn/{module.slug}/quiz")
    expect(page.get_by_text("You have used all 1 attempts")).to_be_visible()
    page.get_by_role("link", name="Ask for special consideration on this quiz").click()
    expect(page.get_by_label("Which assessment is this about?")).to_have_value(f"quiz:{module.quiz.id}")
    assert_accessible(page)
    page.get_by_label("What happened").fill("My child was taken ill during the quiz and I had to stop.")
    page.get_by_role("button", name="Send your request").click()
    # Refused on its own field, with what was typed kept.
    expect(page.locator("#occurred_on-error")).to_be_visible()
    expect(page.get_by_label("What happened")).to_have_value(
        "My child was taken ill during the quiz and I had to stop."
    )
    assert_accessible(page)
    page.get_by_label("When did it happen?").fill(london_date(utcnow()).isoformat())
    page.get_by_label("Evidence (optional)").set_input_files(
        {"name": "letter.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 a letter"}
    )
    page.get_by_role("button", name="Send your request").click()
    expect(page.get_by_text("Your request has been sent to the Hub")).to_be_visible()
    expect(page.get_by_text("Waiting for a decision")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    sign_in(page, hub.email)
    page.get_by_role("link", name="Marking", exact=True).click()
    page.get_by_role("link", name="Special consideration requests").click()
    assert_accessible(page)
    page.get_by_role("link", name="Rowan Fictional").click()
    expect(page.get_by_text("My child was taken ill during the quiz")).to_be_visible()
    expect(page.get_by_role("link", name="Download letter.pdf")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Grant the request").check()
    page.get_by_label("The quiz attempt is voided").check()
    page.get_by_label("Reasons for the decision").fill(
        "We are sorry to hear this. Please take the quiz again."
    )
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Decision recorded: granted. The trainee has been told.")).to_be_visible()
    sign_out(page)

    sign_in(page, enrolment.user.email)
    page.get_by_role("link", name="Special consideration", exact=True).click()
    expect(page.get_by_text("Please take the quiz again.")).to_be_visible()
    page.goto(f"/learn/{module.slug}/quiz")
    expect(page.get_by_text("(voided: it does not count)")).to_be_visible()
    page.get_by_role("button", name="Start attempt 2").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Question 1")
