"""Appeals in a real browser, by visible labels: a trainee whose capstone was referred asks for a review;
the Hub is refused the trainer who marked it and assigns one who did not; the reviewer upholds it with a
new mark; the trainee's result and module now say Pass, and the Hub is shown that the trainee now meets the
accreditation rule, and where to approve."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from app.auth.models import Role
from app.database import db, utcnow
from app.demo import complete_training
from app.learning.models import Submission, SubmissionStatus
from app.marking.models import Mark, MarkKind
from tests.e2e.test_journey import assert_accessible, sign_in, sign_out
from tests.factories import make_accreditation_version, make_cohort, make_enrolment, make_user

pytestmark = pytest.mark.e2e


@pytest.fixture
def cast(app, tmp_path):
    """A trainee who has done everything the rule asks, except that their capstone was released as a Fail
    (referred) yesterday, on Ash's first mark."""
    version = make_accreditation_version(tmp_path)
    ash = make_user(Role.TRAINER, name="Ash Marker", email="ash@example.org")
    bea = make_user(Role.TRAINER, name="Bea Reviewer", email="bea@example.org")
    trainee = make_user(Role.TRAINEE, name="Quinn Fictional", email="quinn@example.org")
    enrolment = make_enrolment(make_cohort(version, [ash, bea], name="Cohort 5 — E2E"), trainee)
    complete_training(enrolment, ash)
    capstone = version.modules[0].assignment
    piece = db.session.scalar(
        sa.select(Submission).where(
            Submission.enrolment_id == enrolment.id, Submission.assignment_id == capstone.id
        )
    )
    released = utcnow() - timedelta(days=1)
    piece.status, piece.result_total, piece.result_band = SubmissionStatus.REFERRED, 42.0, "fail"
    piece.released_at, piece.resubmission_due_on = released, date.today() + timedelta(days=27)
    db.session.add(
        Mark(
            submission_id=piece.id,
            kind=MarkKind.FIRST,
            marker_id=ash.id,
            criteria={
                "accuracy": {
                    "band": "fail",
                    "mark": 40,
                    "feedback": "",
                    "feedback_html": "<p>Unclear law.</p>",
                },
                "clarity": {"band": "fail", "mark": 45, "feedback": "", "feedback_html": ""},
            },
            feedback_html="<p>The legal points need work.</p>",
            total=42.0,
            band="fail",
            completed_at=released,
        )
    )
    make_user(Role.HUB_ADMIN, email="hub@example.org")
    db.session.commit()
    return {"enrolment": enrolment}


def test_an_appeal_upheld_by_an_independent_reviewer_changes_the_module_and_eligibility(page: Page, cast):
    enrolment = cast["enrolment"]

    sign_in(page, "quinn@example.org")
    page.goto("/learn/m01-module-1")
    expect(page.get_by_text("Resubmit the written assignment (it was referred)")).to_be_visible()
    page.goto("/learn/m01-module-1/assignment")
    expect(page.get_by_role("heading", name="Your result: Fail")).to_be_visible()
    page.get_by_role("link", name="Ask for a review of this mark").click()
    assert_accessible(page)
    page.get_by_role("button", name="Ask for a review").click()  # nothing chosen: refused on the field
    expect(page.locator("#grounds-error")).to_be_visible()
    page.get_by_label("The marking is not in line with the rubric").check()
    page.get_by_label("What should the reviewer look at, and why?").fill(
        "My legal accuracy answers follow the rubric's Pass description."
    )
    page.get_by_role("button", name="Ask for a review").click()
    expect(page.get_by_text("You have asked for a review.")).to_be_visible()
    expect(page.get_by_text("Waiting for a reviewer")).to_be_visible()
    sign_out(page)

    sign_in(page, "hub@example.org")
    page.goto(f"/accreditation/enrolments/{enrolment.public_id}")
    expect(page.get_by_text("Not eligible yet")).to_be_visible()
    page.goto("/marking/")
    page.get_by_role("link", name="Open appeals (1)").click()
    assert_accessible(page)
    page.get_by_role("link", name=f"candidate {enrolment.candidate_number}").click()
    expect(page.get_by_role("heading", name="Review of marking: Quinn Fictional")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Reviewer").select_option(label="Ash Marker (marked this piece)")
    page.get_by_role("button", name="Assign reviewer").click()
    expect(page.locator("#reviewer-error")).to_contain_text("took part in marking this piece")
    assert_accessible(page)  # with the refusal next to the field
    page.get_by_label("Reviewer").select_option(label="Bea Reviewer")
    page.get_by_role("button", name="Assign reviewer").click()
    expect(page.get_by_text("Bea Reviewer will review this appeal")).to_be_visible()
    sign_out(page)

    sign_in(page, "bea@example.org")
    page.goto("/marking/")
    page.get_by_role("link", name="Open appeals (1)").click()
    page.get_by_role("link", name=f"candidate {enrolment.candidate_number}").click()
    expect(page.get_by_role("heading", name="First mark: 42 (Fail)")).to_be_visible()
    expect(page.get_by_text("The legal points need work.")).to_be_visible()
    assert_accessible(page)  # the decision form
    page.get_by_label("Upheld: the mark changes").check()
    page.get_by_label("Reasons for the outcome").fill(
        "The accuracy answers meet the Pass description of the rubric."
    )
    for title, band, mark in (("Legal accuracy", "Pass", "58"), ("Clarity", "Merit", "62")):
        group = page.get_by_role("group", name=title)
        group.get_by_label(band, exact=True).check()
        page.get_by_label(f"Mark out of 100 for {title}").fill(mark)
    page.get_by_label("Overall feedback with the new mark").fill("Reviewed: the legal points are sound.")
    page.get_by_role("button", name="Record the outcome").click()
    expect(page.get_by_text("Outcome recorded: Upheld: mark changed.")).to_be_visible()
    expect(page.get_by_role("heading", name="Review mark: 59.6 (Pass)")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    sign_in(page, "quinn@example.org")
    page.goto("/learn/m01-module-1/assignment")
    expect(page.get_by_role("heading", name="Your result: Pass")).to_be_visible()
    expect(page.get_by_text("Reviewed: the legal points are sound.")).to_be_visible()
    expect(page.get_by_text("The accuracy answers meet the Pass description of the rubric.")).to_be_visible()
    page.goto("/learn/m01-module-1")
    expect(page.get_by_text("You have met every requirement of this module.")).to_be_visible()
    sign_out(page)

    sign_in(page, "hub@example.org")
    page.goto("/marking/appeals/")
    expect(page.get_by_text("There are no open appeals.")).to_be_visible()
    page.get_by_role("link", name=f"candidate {enrolment.candidate_number}").click()
    expect(page.get_by_text("now meets the accreditation rule")).to_be_visible()
    assert_accessible(page)  # with the Hub's notice
    page.get_by_role("link", name="Review for approval").click()
    expect(page.get_by_role("button", name="Approve and issue the credential")).to_be_visible()
