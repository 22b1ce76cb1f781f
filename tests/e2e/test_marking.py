"""Marking in a real browser: submit, mark with the rubric, sample for moderation, second-mark blind,
agree a mark, release, read the feedback, resubmit a referred piece and see it capped at Pass."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from app.auth.models import Role
from tests.e2e.test_journey import assert_accessible, sign_in, sign_out
from tests.factories import make_assessed_version, make_cohort, make_enrolment, make_user

pytestmark = pytest.mark.e2e


@pytest.fixture
def cast(app, tmp_path):
    version = make_assessed_version(tmp_path, word_limit=200)
    marker = make_user(Role.TRAINER, name="Ash Marker", email="ash@example.org")
    second = make_user(Role.TRAINER, name="Bea Second", email="bea@example.org")
    cohort = make_cohort(version, trainers=[marker, second], name="Cohort 9 — E2E")
    trainee = make_user(Role.TRAINEE, name="Quinn Fictional", email="quinn@example.org")
    enrolment = make_enrolment(cohort, trainee)
    hub = make_user(Role.HUB_ADMIN, email="hub@example.org")
    return {"cohort": cohort, "enrolment": enrolment, "hub": hub}


def submit_work(page: Page, text: str) -> None:
    page.goto("/learn/m01-module-1/assignment")
    page.get_by_label("Your work").fill(text)
    page.get_by_label(re.compile("I confirm that no survivor")).check()
    page.get_by_role("button", name="Submit your work").click()
    expect(page.get_by_role("heading", name="Your work has been submitted")).to_be_visible()


def assessment_action(page: Page, cohort, button: str, done: str) -> None:
    page.goto(f"/marking/assessments/{cohort.public_id}/m01-module-1")
    page.get_by_role("button", name=button).click()
    expect(page.get_by_text(done)).to_be_visible()


def mark(
    page: Page, accuracy: tuple[str, str], clarity: tuple[str, str], overall: str, rationale: str = ""
) -> None:
    for key, (band, value) in (("accuracy", accuracy), ("clarity", clarity)):
        page.locator(f"#band-{key}-{band}").check()
        page.locator(f"#mark-{key}").fill(value)
        page.locator(f"#feedback-{key}").fill(f"{key.title()}: {band} feedback.")
    page.get_by_label("Overall feedback").fill(overall)
    if rationale:
        page.get_by_label("Rationale for the agreed mark").fill(rationale)
    page.get_by_role("button", name="Save and finish").click()
    expect(page.get_by_text("Marking finished.")).to_be_visible()


def open_first_piece(page: Page) -> None:
    page.get_by_role("link", name="Marking").click()
    page.locator("table a").first.click()


def test_the_whole_marking_cycle(page: Page, cast):
    cohort, enrolment = cast["cohort"], cast["enrolment"]
    candidate = enrolment.candidate_number

    sign_in(page, "quinn@example.org")
    submit_work(page, "Independence means the survivor leads. I would refer immigration questions on.")
    sign_out(page)

    sign_in(page, "hub@example.org")
    assessment_action(page, cohort, "Allocate unallocated pieces (round robin)", "1 piece allocated.")
    assert_accessible(page)
    sign_out(page)

    sign_in(page, "ash@example.org")
    page.get_by_role("link", name="Marking").click()
    expect(page.get_by_role("link", name=candidate)).to_be_visible()
    assert "Quinn" not in page.content()
    assert_accessible(page)  # the queue
    page.get_by_role("link", name=candidate).click()
    page.get_by_role("button", name="Start marking").click()
    assert "Quinn" not in page.content()
    assert_accessible(page)  # the marking page
    mark(page, ("fail", "40"), ("distinction", "90"), "A clear piece, but the legal points are wrong.")
    sign_out(page)

    sign_in(page, "hub@example.org")
    assessment_action(
        page, cohort, "Select marked pieces for moderation", "1 piece selected for second marking."
    )
    sign_out(page)

    sign_in(page, "bea@example.org")
    open_first_piece(page)
    expect(page.get_by_role("heading", name="Second mark")).to_be_visible()
    expect(page.get_by_text("Mark blind")).to_be_visible()
    assert "A clear piece, but the legal points are wrong." not in page.content()
    assert_accessible(page)  # the second-marking page
    mark(page, ("pass", "55"), ("merit", "65"), "Second view.")
    open_first_piece(page)
    expect(page.get_by_role("heading", name="Agreed mark")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r"^First mark: "))).to_be_visible()
    mark(
        page,
        ("fail", "45"),
        ("merit", "68"),
        "The legal accuracy must improve before this can pass.",
        rationale="We agreed legal accuracy is below Pass, so the gateway refers the piece.",
    )
    sign_out(page)

    sign_in(page, "hub@example.org")
    page.goto(f"/marking/assessments/{cohort.public_id}/m01-module-1")
    expect(page.get_by_text(f"{candidate}: 54.2 (Fail), referred: may resubmit")).to_be_visible()
    assert_accessible(page)  # the release page
    page.get_by_role("button", name="Release 1 result").click()
    expect(page.get_by_text("1 result released; trainees have been told.")).to_be_visible()
    page.get_by_role("link", name="Marking report").click()
    assert_accessible(page)
    sign_out(page)

    sign_in(page, "quinn@example.org")
    page.goto("/learn/m01-module-1/assignment")
    expect(page.get_by_role("heading", name="Your result: Fail")).to_be_visible()
    expect(page.get_by_text("The legal accuracy must improve before this can pass.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Start your resubmission").click()
    submit_work(
        page, "Independence means the survivor leads. Section 45 and referral duties explained properly."
    )
    sign_out(page)

    sign_in(page, "hub@example.org")
    assessment_action(page, cohort, "Allocate unallocated pieces (round robin)", "1 piece allocated.")
    sign_out(page)
    # Round robin gives the resubmission to the trainer with less marking so far: Bea, this time.
    sign_in(page, "bea@example.org")
    open_first_piece(page)
    expect(page.get_by_text("resubmission, capped at Pass")).to_be_visible()
    page.get_by_role("button", name="Start marking").click()
    mark(page, ("distinction", "80"), ("distinction", "85"), "Much improved.")
    sign_out(page)
    sign_in(page, "hub@example.org")
    assessment_action(
        page, cohort, "Select marked pieces for moderation", "1 piece selected for second marking."
    )
    sign_out(page)
    sign_in(page, "ash@example.org")
    open_first_piece(page)
    mark(page, ("distinction", "78"), ("distinction", "84"), "Agree: much improved.")
    sign_out(page)
    sign_in(page, "hub@example.org")
    assessment_action(page, cohort, "Release 1 result", "1 result released; trainees have been told.")
    sign_out(page)

    sign_in(page, "quinn@example.org")
    page.goto("/learn/m01-module-1/assignment")
    expect(page.get_by_role("heading", name="Your result: Pass")).to_be_visible()
    expect(page.get_by_text("50 out of 100 (a resubmission is capped at Pass)")).to_be_visible()
