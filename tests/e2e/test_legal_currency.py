"""Issue #15 in a real browser: a heavy lesson with Exit this page and its aftercare signpost, and the
Hub's content-review page with the withholding preview; both axe-clean and phone-width."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from app.auth.models import Role
from tests.e2e import test_journey
from tests.e2e.test_journey import assert_accessible, sign_in
from tests.factories import make_enrolment, make_user

cohort_with_real_curriculum = test_journey.cohort_with_real_curriculum  # the same fixture


def test_a_heavy_lesson_offers_exit_this_page_and_ends_with_aftercare(
    page: Page, cohort_with_real_curriculum
):
    cohort, organisation, _admin, version = cohort_with_real_curriculum
    trainee = make_user(Role.TRAINEE, email="lived@example.org")
    make_enrolment(cohort, trainee, organisation)
    module = next(m for m in version.modules if m.code == "M06")
    lesson = next(ls for ls in module.lessons if ls.aftercare and ls.content_note)
    sign_in(page, trainee.email)
    page.goto(f"/learn/{module.slug}/{lesson.slug}")
    expect(page.get_by_role("button", name="Emergency Exit this page")).to_be_visible()
    expect(page.get_by_role("heading", name="Look after yourself")).to_be_visible()
    expect(page.locator("#legal-review")).to_contain_text("legal review")
    assert_accessible(page)


def test_the_content_review_page_previews_withholding_before_it_is_turned_on(
    page: Page, cohort_with_real_curriculum
):
    _cohort, _organisation, admin, _version = cohort_with_real_curriculum
    sign_in(page, admin.email)
    page.goto("/curriculum/review-due")
    expect(page.get_by_role("heading", level=1, name="Content due for legal review")).to_be_visible()
    page.get_by_text("Partly source-checked, sign-off pending:").first.click()
    page.get_by_label("Days overdue before a question is withheld").fill("30")
    page.get_by_role("button", name="Show how many").click()
    expect(page.get_by_text("With 30 days,")).to_be_visible()
    # Every shipped question is more than 30 days past its review date: the banks would be emptied.
    expect(page.get_by_text("so it cannot be turned on with 30 days").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Days overdue before a question is withheld").fill("365")
    page.get_by_role("button", name="Show how many").click()
    page.get_by_role("button", name="Withhold these").click()
    expect(page.get_by_text("are left out of new quiz attempts").first).to_be_visible()
    assert_accessible(page)
