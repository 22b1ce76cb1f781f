"""Assessments in a real browser: the M01 quiz (with a reload mid-attempt, a fail, a retry and a pass),
the M02 assignment (autosave, a lost connection, reload, submit, receipt) and the portfolio."""

from __future__ import annotations

import hashlib
import html
import re

import pytest
from playwright.sync_api import Page, expect

from app.auth.models import Role
from app.database import db
from app.learning.models import QuizAttempt
from tests.e2e.test_journey import assert_accessible, sign_in, sign_out
from tests.factories import (
    make_assessed_version,
    make_cohort,
    make_enrolment,
    make_organisation,
    make_user,
    make_version,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def trainee_in_real_cohort(app):
    version = make_version()
    cohort = make_cohort(version, trainers=[make_user(Role.TRAINER)])
    trainee = make_user(Role.TRAINEE, name="Riley Example", email="riley@example.org")
    make_enrolment(cohort, trainee, make_organisation())
    return trainee, version


def answer_on_page(page: Page, question: dict, layout: dict, right: bool) -> None:
    """Answer the question shown, the way a person would with these controls."""
    kind = question["type"]
    if kind in ("single_choice", "true_false"):
        if kind == "true_false":
            value = str(question["answer"] if right else not question["answer"]).lower()
        else:
            value = (
                question["answer"] if right else next(k for k in layout["options"] if k != question["answer"])
            )
        page.locator(f"input[name=answer][value='{value}']").check()
    elif kind == "multiple_response":
        for key in (
            question["answer"] if right else [k for k in layout["options"] if k not in question["answer"]]
        ):
            page.locator(f"input[name=answer][value='{key}']").check()
    elif kind == "short_text":
        page.get_by_label("Your answer").fill(question["accepted"][0] if right else "not this")
    elif kind == "matching":
        for n, prompt in enumerate(layout["prompts"]):
            response = (
                question["pairs"][prompt] if right else layout["responses"][(n + 1) % len(layout["prompts"])]
            )
            page.locator(f"select[name=match-{n}]").select_option(label=response)
    else:
        for n, item in enumerate(layout["items"]):
            place = question["items"].index(item) + 1 if right else n + 1
            page.locator(f"select[name=position-{n}]").select_option(str(place))


def take_attempt(page: Page, attempt: QuizAttempt, right: bool) -> None:
    for item in attempt.layout:
        expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"Question \d+"))
        key = page.locator("input[name=question_key]").get_attribute("value")
        assert key == item["key"]
        answer_on_page(page, attempt.quiz.bank[key], item["layout"], right)
        page.get_by_role("button", name=re.compile(r"^Save and (continue|check your answers)$")).first.click()
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    page.get_by_role("button", name="Submit answers").click()


def latest_attempt(user) -> QuizAttempt:
    db.session.expire_all()
    return db.session.scalars(db.select(QuizAttempt).order_by(QuizAttempt.id.desc())).first()


def test_m01_quiz_reload_fail_retry_pass_and_review(page: Page, trainee_in_real_cohort):
    trainee, version = trainee_in_real_cohort
    quiz = version.modules[0].quiz
    sign_in(page, trainee.email)
    page.get_by_role("link", name=re.compile(r"^M01:")).click()
    page.get_by_role("link", name=f"Quiz: {quiz.title}").click()
    assert_accessible(page)
    page.get_by_role("button", name="Start attempt 1").click()

    attempt = latest_attempt(trainee)
    first = attempt.layout[0]
    answer_on_page(page, quiz.bank[first["key"]], first["layout"], right=False)
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("Question 2 of 15")).to_be_visible()
    page.reload()  # a reload (or a lost connection) mid-attempt keeps the attempt and its answers
    expect(page.get_by_text("Question 2 of 15")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Previous question").click()
    assert page.locator("input[name=question_key]").get_attribute("value") == first["key"]
    shows_saved_answer = page.evaluate(
        """() => [...document.querySelectorAll("main input, main select")].some(el =>
            (el.type === "radio" || el.type === "checkbox") ? el.checked
            : (el.type === "text" || el.tagName === "SELECT") && el.value !== "")"""
    )
    assert shows_saved_answer

    page.goto(f"/learn/{version.modules[0].slug}/quiz/{attempt.public_id}/2")
    take_attempt(page, type("Rest", (), {"layout": attempt.layout[1:], "quiz": quiz})(), right=False)
    expect(page.get_by_role("heading", name=re.compile(r"You scored"))).to_be_visible()
    expect(page.get_by_text("so this attempt did not pass")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Back to the quiz page").click()
    page.get_by_role("button", name="Start attempt 2").click()
    second = latest_attempt(trainee)
    assert second.number == 2 and second.seed != attempt.seed
    take_attempt(page, second, right=True)
    expect(page.get_by_role("heading", name="You passed")).to_be_visible()
    expect(page.get_by_text("You scored 100%")).to_be_visible()
    reviewed = quiz.bank[second.layout[0]["key"]]
    explanation = html.unescape(re.sub(r"<[^>]+>", "", reviewed["explanation_html"]))
    shown = " ".join(page.inner_text("main").split())
    assert " ".join(explanation.split())[:40] in shown
    assert_accessible(page)


def test_m02_assignment_autosaves_survives_a_lost_connection_and_is_submitted(
    page: Page, trainee_in_real_cohort
):
    trainee, version = trainee_in_real_cohort
    module = version.modules[1]
    sign_in(page, trainee.email)
    page.goto(f"/learn/{module.slug}/assignment")
    assert_accessible(page)
    editor = page.get_by_label("Your work")
    editor.fill("Kit's situation raises three legal questions.")
    expect(page.locator("#text-status")).to_contain_text("Draft saved at")
    page.reload()
    expect(editor).to_have_value("Kit's situation raises three legal questions.")

    page.expected_errors.append("ERR_INTERNET_DISCONNECTED")
    page.context.set_offline(True)
    editor.press("End")
    editor.type(" First, whether section 45 could apply.")
    expect(page.locator("#text-status")).to_contain_text("Not saved: the connection was lost")
    expect(editor).to_have_value(re.compile("whether section 45 could apply"))
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#text-status")).to_contain_text("Draft saved at")
    page.reload()
    text = "Kit's situation raises three legal questions. First, whether section 45 could apply."
    expect(editor).to_have_value(text)

    page.get_by_role("button", name="Submit your work").click()
    expect(
        page.get_by_role(
            "link", name="Confirm that no survivor or other person can be identified from your work."
        )
    ).to_be_visible()
    expect(editor).to_have_value(text)  # a refused submission loses nothing
    page.get_by_label(re.compile("I confirm that no survivor")).check()
    page.get_by_role("button", name="Submit your work").click()
    expect(page.get_by_role("heading", name="Your work has been submitted")).to_be_visible()
    expect(page.get_by_text(hashlib.sha256(text.encode()).hexdigest())).to_be_visible()
    assert_accessible(page)


def test_the_autosave_speaks_the_trainee_s_language(page: Page, trainee_in_real_cohort):
    """The browser's own messages (saved, not saved) come from the page, so a Welsh trainee reads Welsh."""
    trainee, version = trainee_in_real_cohort
    trainee.language = "cy"
    db.session.commit()
    sign_in(page, trainee.email)
    page.goto(f"/learn/{version.modules[1].slug}/assignment")
    editor = page.locator("#text")
    editor.fill("Mae gan Kit dri chwestiwn cyfreithiol.")
    expect(page.locator("#text-status")).to_contain_text("Drafft wedi’i gadw am")
    expect(page.locator("#text-status")).to_contain_text(re.compile(r"\d+ o \d+ gair\."))
    page.expected_errors.append("ERR_INTERNET_DISCONNECTED")
    page.context.set_offline(True)
    editor.press("End")
    editor.type(" Yn gyntaf.")
    expect(page.locator("#text-status")).to_contain_text("Heb ei gadw: collwyd y cysylltiad")
    page.context.set_offline(False)


def test_portfolio_items_are_logged_reviewed_and_totalled(page: Page, app, tmp_path):
    version = make_assessed_version(tmp_path)
    trainer = make_user(Role.TRAINER, email="trainer.e2e@example.org")
    trainee = make_user(Role.TRAINEE, email="portfolio@example.org")
    make_enrolment(make_cohort(version, trainers=[trainer]), trainee)
    sign_in(page, trainee.email)
    page.goto("/learn/m01-module-1/portfolio")
    assert_accessible(page)

    def log(kind: str, day: str, hours: str, description: str) -> None:
        page.get_by_label("Kind of evidence").select_option(label=kind)
        page.get_by_label("Date of the work").fill(day)
        page.get_by_label("Hours").fill(hours)
        page.get_by_label("Description").fill(description)
        page.get_by_role("button", name="Log evidence").click()

    log(
        "Direct advocacy practice",
        "2026-01-05",
        "6",
        "Met the person on 12/03/1990 to talk through housing options.",
    )
    expect(
        page.get_by_role("link", name=re.compile("Remove anything that could identify someone"))
    ).to_be_visible()
    assert_accessible(page)
    log(
        "Direct advocacy practice",
        "2026-01-05",
        "6",
        "Supported a person to prepare for a housing appointment.",
    )
    expect(page.get_by_text("Your evidence has been logged")).to_be_visible()
    log("Supervision session", "2026-01-09", "", "Reflective supervision about boundaries and self-care.")
    waiting = page.get_by_role("row", name=re.compile("Direct advocacy practice")).locator("td").nth(1)
    expect(waiting).to_have_text("6")
    sign_out(page)

    sign_in(page, trainer.email)
    page.get_by_role("link", name="Marking").click()
    page.get_by_role("link", name="Portfolio evidence to review").click()
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("^Verify")).first.click()
    expect(page.get_by_text("The evidence has been verified.")).to_be_visible()
    sign_out(page)

    sign_in(page, trainee.email)
    page.goto("/learn/m01-module-1/portfolio")
    practice = page.get_by_role("row", name=re.compile("Direct advocacy practice"))
    expect(practice.locator("td").nth(0)).to_have_text("6")  # verified hours
    expect(practice.locator("td").nth(1)).to_have_text("0")  # none waiting now
    expect(page.locator(".govuk-summary-card .govuk-tag", has_text="Verified")).to_have_count(1)
