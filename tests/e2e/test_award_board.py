"""External examining and the award board in a real browser (#14, part 5): the Hub appoints an external
examiner, who sees only the sample (and adds one piece to it), files a report; the Hub records its response
and the board ratifies the results, after which the Hub can approve the award. Every new page is checked
with axe, and at phone width."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from app.accreditation.keys import keystore
from app.assurance import services as assurance
from app.auth.models import Role
from app.database import db, utcnow
from app.demo import complete_training
from app.workdays import london_date
from tests.e2e.test_journey import assert_accessible, sign_in, sign_out
from tests.factories import make_accreditation_version, make_cohort, make_enrolment, make_user

pytestmark = pytest.mark.e2e


def open_trainee_from_accreditation(page: Page) -> None:
    """The Hub's way to the trainee's award page. Each page has loaded, stylesheet and all, before its
    link is clicked: a click on a page still laying out can land where the link no longer is (seen once
    in CI under load, where the trainee's page never opened)."""
    page.get_by_role("link", name="Accreditation").click()
    expect(page).to_have_url(re.compile(r"/accreditation/$"))
    page.wait_for_load_state("load")
    page.get_by_role("link", name="Trainee 0 Fictional-Example").click()
    expect(page).to_have_url(re.compile(r"/accreditation/enrolments/"))
    page.wait_for_load_state("load")


@pytest.fixture
def cast(app, live_server, tmp_path):
    version = make_accreditation_version(tmp_path)
    trainer = make_user(Role.TRAINER, name="Ash Marker", email="ash@example.org")
    cohort = make_cohort(version, [trainer], name="Cohort 9 — Board E2E")
    trainees = [
        make_user(Role.TRAINEE, name=f"Trainee {n} Fictional-Example", email=f"t{n}@example.org")
        for n in range(4)
    ]
    for trainee in trainees:
        complete_training(make_enrolment(cohort, trainee), trainer)  # four Passes, all marked by Ash
    db.session.commit()
    keystore().init()
    return {
        "cohort": cohort,
        "module": next(m for m in version.modules if m.assignment),
        "trainee": trainees[0],
        "hub": make_user(Role.HUB_ADMIN, name="Hal Hubadmin", email="hub@example.org"),
        "examiner": make_user(
            Role.EXTERNAL_EXAMINER, name="Eve Examiner (fictional)", email="eve@example.org"
        ),
    }


def test_the_examiner_sees_only_the_sample_reports_and_the_board_ratifies(page: Page, cast):
    cohort, module = cast["cohort"], cast["module"]

    # The Hub appoints the external examiner.
    sign_in(page, cast["hub"].email)
    page.get_by_role("link", name="Examining and boards").click()
    assert_accessible(page)
    page.get_by_role("link", name=cohort.name).click()
    page.get_by_label("External examiner").select_option(label="Eve Examiner (fictional)")
    page.get_by_role("button", name="Appoint the examiner").click()
    expect(page.get_by_text("is the external examiner of")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # The examiner reads the sample: two of Ash's four Passes, by candidate number only.
    sign_in(page, cast["examiner"].email)
    expect(page.get_by_role("heading", name="External examining and award boards")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=cohort.name).click()
    page.get_by_role("link", name=f"{module.code}: {module.title}").click()
    assert_accessible(page)
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(2)
    expect(page.get_by_text("Trainee 0 Fictional-Example")).to_have_count(0)
    outside = assurance.not_sampled(cohort, module)
    page.expected_errors.append("404 (NOT FOUND)")  # a piece outside the sample is not there for them
    assert (
        page.goto(
            f"/assurance/cohorts/{cohort.public_id}/modules/{module.slug}/pieces/{outside[0].public_id}"
        ).status
        == 404
    )
    page.go_back()
    page.get_by_label("Candidate's piece to add").select_option(
        label=f"Candidate {outside[0].enrolment.candidate_number}"
    )
    page.get_by_role("button", name="Add to the sample").click()
    expect(page.get_by_text("is now in the sample")).to_be_visible()
    expect(rows).to_have_count(3)
    rows.first.get_by_role("link").click()
    expect(page.get_by_text("Rubric version")).to_be_visible()
    expect(page.get_by_text(module.content_hash[:12])).to_be_visible()
    assert_accessible(page)

    # The report: a missing judgement is refused next to its field, with what was typed kept.
    page.get_by_role("link", name=cohort.name).click()
    page.get_by_role("link", name="Write your report").click()
    page.get_by_label(f"Comments on {module.code}").fill("Feedback is specific and matches the rubric bands.")
    page.get_by_role("button", name="File the report").click()
    expect(page.locator("#judgement-error")).to_be_visible()
    expect(page.get_by_label(f"Comments on {module.code}")).to_have_value(
        "Feedback is specific and matches the rubric bands."
    )
    assert_accessible(page)
    page.get_by_label("Standards are appropriate").check()
    page.get_by_role("button", name="File the report").click()
    expect(page.get_by_text("Your report has been filed")).to_be_visible()
    expect(page.get_by_text("Standards are appropriate")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # Before the board, the Hub cannot approve the award.
    sign_in(page, cast["hub"].email)
    open_trainee_from_accreditation(page)
    expect(page.get_by_text("has not ratified its results yet")).to_be_visible()
    expect(page.get_by_role("button", name="Approve and issue the credential")).to_have_count(0)

    # The Hub responds to the report, and the board ratifies.
    page.get_by_role("link", name="Examining and boards").click()
    page.get_by_role("link", name=cohort.name).click()
    page.get_by_label("The Hub's response").fill("Thank you. No changes are needed.")
    page.get_by_role("button", name="Record the response").click()
    expect(page.get_by_text("Thank you. No changes are needed.")).to_be_visible()
    page.get_by_role("link", name="Record the award board's decision").click()
    assert_accessible(page)
    page.get_by_label("Date the board met").fill(london_date(utcnow()).isoformat())
    page.get_by_label("Who attended").fill("Chair of the board\nEve Examiner (fictional), external examiner")
    page.get_by_label("The board has considered the examiner's report").check()
    page.get_by_role("button", name="Ratify the results").click()
    expect(page.get_by_text("the results are ratified")).to_be_visible()
    assert_accessible(page)

    # Now the Hub can approve the award.
    open_trainee_from_accreditation(page)
    page.get_by_label("I have checked the evidence above and approve this award").check()
    page.get_by_role("button", name="Approve and issue the credential").click()
    expect(page.get_by_text("has been issued to Trainee 0 Fictional-Example")).to_be_visible()
