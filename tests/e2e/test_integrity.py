"""Academic integrity in a real browser: a submission copying 60 % of an earlier one from another cohort is
flagged to its marker with the overlapping passage; the marker opens a case; the result is held (not
offered for release) while the trainee responds; the Hub clears the case and the result is released."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from app.auth.models import Role
from app.database import db
from app.learning import assignments
from tests.e2e.test_journey import assert_accessible, sign_in, sign_out
from tests.e2e.test_marking import assessment_action, mark, submit_work
from tests.factories import make_assessed_version, make_cohort, make_enrolment, make_user
from tests.integration.test_similarity import copying, essay

pytestmark = pytest.mark.e2e


@pytest.fixture
def cast(app, tmp_path):
    version = make_assessed_version(tmp_path, word_limit=400)
    marker = make_user(Role.TRAINER, name="Ash Marker", email="ash@example.org")
    second = make_user(Role.TRAINER, name="Bea Second", email="bea@example.org")
    earlier_cohort = make_cohort(version, trainers=[marker], name="Cohort 3 — 2025")
    earlier = make_enrolment(earlier_cohort, make_user(Role.TRAINEE, name="Erin Earlier"))
    original = essay(1)
    piece = assignments.current_submission(earlier, version.modules[0].assignment, earlier.user)
    assignments.submit(piece, original, piece.revision, True, earlier.user)
    db.session.commit()
    cohort = make_cohort(version, trainers=[marker, second], name="Cohort 9 — E2E")
    trainee = make_user(Role.TRAINEE, name="Quinn Fictional", email="quinn@example.org")
    enrolment = make_enrolment(cohort, trainee)
    make_user(Role.HUB_ADMIN, email="hub@example.org")
    return {"cohort": cohort, "enrolment": enrolment, "earlier": earlier, "original": original}


def test_an_integrity_case_holds_the_release_until_it_is_cleared(page: Page, cast):
    cohort, candidate = cast["cohort"], cast["enrolment"].candidate_number
    copied = copying(cast["original"], 0.6, seed=2)

    sign_in(page, "quinn@example.org")
    submit_work(page, copied)
    sign_out(page)

    sign_in(page, "hub@example.org")
    assessment_action(page, cohort, "Allocate unallocated pieces (round robin)", "1 piece allocated.")
    sign_out(page)

    sign_in(page, "ash@example.org")
    page.get_by_role("link", name="Marking").click()
    page.get_by_role("link", name=candidate).click()
    expect(page.get_by_role("heading", name="Similarity check")).to_be_visible()
    match = page.get_by_role("link", name=f"{cast['earlier'].candidate_number}, Cohort 3")
    expect(match).to_be_visible()
    expect(page.get_by_text(re.compile(r"\d+% of this piece's wording is in that one"))).to_be_visible()
    first_passage = " ".join(cast["original"].split()[:20])
    expect(page.locator("blockquote").first).to_contain_text(first_passage)
    assert "Erin Earlier" not in page.content() and "Quinn" not in page.content()
    page.get_by_text("Open an academic-integrity case").click()
    page.get_by_role("button", name="Open the case").click()
    expect(page.get_by_text("Choose what the concern is.").first).to_be_visible()  # by the field
    assert_accessible(page)  # the refused form, open, with its error summary
    page.get_by_label("Suspected plagiarism").check()
    page.get_by_label("What it is based on").fill("Most of the piece matches an earlier one word for word.")
    page.get_by_role("button", name="Open the case").click()
    expect(page.get_by_text("The integrity case is open")).to_be_visible()
    expect(page.get_by_text("Held: integrity case open", exact=True)).to_be_visible()
    assert_accessible(page)  # the marking page, with the case and the matches
    page.get_by_role("button", name="Start marking").click()
    mark(page, ("pass", "55"), ("pass", "55"), "Clear, but see the integrity case.")
    sign_out(page)

    sign_in(page, "quinn@example.org")
    page.goto("/learn/m01-module-1/assignment")
    expect(page.get_by_role("heading", name="A question about the integrity of this work")).to_be_visible()
    page.get_by_label("Your response").fill("I worked from a friend's notes and did not realise.")
    page.get_by_role("button", name="Send your response").click()
    expect(page.get_by_text("Your response has been sent.")).to_be_visible()
    assert_accessible(page)  # the receipt with the case
    sign_out(page)

    sign_in(page, "hub@example.org")
    assessment_action(
        page, cohort, "Select marked pieces for moderation", "1 piece selected for second marking."
    )
    sign_out(page)
    sign_in(page, "bea@example.org")
    page.get_by_role("link", name="Marking").click()
    page.get_by_role("link", name=candidate).click()
    mark(page, ("pass", "56"), ("pass", "57"), "Agree.")
    sign_out(page)

    sign_in(page, "hub@example.org")
    page.goto(f"/marking/assessments/{cohort.public_id}/m01-module-1")
    expect(
        page.get_by_text(f"Held until an academic-integrity case is decided: {candidate}.")
    ).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Release"))).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("link", name=candidate).click()
    expect(page.get_by_text("I worked from a friend's notes")).to_be_visible()
    assert_accessible(page)  # the Hub's decision form
    page.get_by_label("Cleared").check()
    page.get_by_label("Reasons for the outcome").fill("The notes were the trainee's own; no copying.")
    page.get_by_role("button", name="Record the outcome").click()
    expect(page.get_by_text("Outcome recorded: cleared.")).to_be_visible()
    assessment_action(page, cohort, "Release 1 result", "1 result released; trainees have been told.")
    sign_out(page)
