"""The first user journey in a real browser: a Hub admin invites a trainee, who accepts, signs in,
studies a lesson and sees their progress kept. Every page on the way is checked with axe-core."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from app.auth.models import Role
from tests.factories import PASSWORD, make_cohort, make_organisation, make_user, make_version

pytestmark = pytest.mark.e2e

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}
_axe = Axe()


PHONE = {"width": 375, "height": 812}


def assert_accessible(page: Page) -> None:
    """axe finds no WCAG violation, and on a phone (375 px) the page does not scroll sideways: wide
    tables scroll inside their own container, never the page. The page is checked at rest: focus left on
    the skip link by the last click would show it and make the result depend on timing; and once the page
    has loaded, stylesheets included (a page checked before its CSS arrives has 17 px tall links)."""
    page.wait_for_load_state("load")
    page.evaluate("document.activeElement && document.activeElement.blur && document.activeElement.blur()")
    results = _axe.run(page, options=WCAG)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    try:
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], f"{page.url} scrolls sideways at 375 px: {widths[0]} px wide"
    finally:
        page.set_viewport_size(size)


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to IMSA® training")).to_be_visible()


@pytest.fixture
def cohort_with_real_curriculum(app):
    version = make_version()  # the shipped course_content/
    cohort = make_cohort(version, name="Cohort 1 — September 2025")
    organisation = make_organisation("Harbourside Example Project (fictional)")
    admin = make_user(Role.HUB_ADMIN, name="Hal Hubadmin", email="hub@example.org")
    return cohort, organisation, admin, version


def test_invite_accept_sign_in_study_and_progress_is_kept(page: Page, cohort_with_real_curriculum):
    _cohort, organisation, admin, version = cohort_with_real_curriculum
    lessons_total = sum(len(m.lessons) for m in version.modules)

    sign_in(page, admin.email)
    page.get_by_role("link", name="Cohort 1 — September 2025").click()
    page.get_by_role("button", name="Invite a trainee").click()
    page.get_by_label("Full name").fill("Jordan Fictional")
    page.get_by_label("Email address").fill("jordan@example.org")
    page.get_by_label("Host organisation").select_option(label=organisation.name)
    page.get_by_role("button", name="Enrol and send invitation").click()
    expect(page.get_by_text("Jordan Fictional is enrolled in Cohort 1 — September 2025")).to_be_visible()

    page.get_by_role("link", name="Outbox").click()
    link = page.locator("a[href*='/invitation/']").first.get_attribute("href")
    sign_out(page)

    page.goto(link)
    assert_accessible(page)
    page.get_by_label("Create a password").fill("correct horse battery staple")
    page.get_by_label("Confirm your password").fill("correct horse battery staple")
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", name="My training")).to_be_visible()
    sign_out(page)

    assert_accessible(page)  # the sign-in page
    sign_in(page, "jordan@example.org", "correct horse battery staple")
    expect(page.get_by_text(f"You have completed 0 of {lessons_total} lessons")).to_be_visible()
    assert_accessible(page)  # the dashboard

    page.get_by_role("link", name=re.compile(r"^M01:")).click()
    expect(page.get_by_role("heading", name="What you will be able to do")).to_be_visible()
    assert_accessible(page)  # the module page

    first_lesson = version.modules[0].lessons[0]
    page.get_by_role("link", name=f"1. {first_lesson.title}").click()
    expect(page.get_by_role("heading", level=1, name=first_lesson.title)).to_be_visible()
    assert_accessible(page)  # the lesson page
    page.get_by_role("button", name="Mark as complete and continue").click()
    expect(page.get_by_text(f"“{first_lesson.title}” is marked as complete.")).to_be_visible()

    sign_out(page)
    sign_in(page, "jordan@example.org", "correct horse battery staple")
    expect(page.get_by_text(f"You have completed 1 of {lessons_total} lessons")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="M01:").get_by_text("In progress")).to_be_visible()


def test_the_trainee_pages_work_on_a_phone(browser, live_server, cohort_with_real_curriculum):
    cohort, organisation, _admin, version = cohort_with_real_curriculum
    from tests.factories import make_enrolment

    trainee = make_user(Role.TRAINEE, email="phone@example.org")
    make_enrolment(cohort, trainee, organisation)
    context = browser.new_context(
        base_url=live_server, viewport={"width": 360, "height": 740}, is_mobile=True
    )
    page = context.new_page()
    sign_in(page, trainee.email)
    module = version.modules[1]
    for path in ("/learn/", f"/learn/{module.slug}", f"/learn/{module.slug}/{module.lessons[0].slug}"):
        page.goto(path)
        # Nothing wider than the screen: no sideways scrolling to read a lesson.
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
        assert_accessible(page)
    context.close()


def test_the_accessibility_check_does_catch_violations(page: Page):
    """Guards the checks above against passing vacuously (e.g. if axe failed to load)."""
    page.set_content('<html lang="en"><body><main><input type="text"><img src="data:,"></main></body></html>')
    results = _axe.run(page, options=WCAG)
    rules = {violation["id"] for violation in results.response["violations"]}
    assert {"label", "image-alt"} <= rules


def test_the_hub_admin_pages_are_accessible(page: Page, cohort_with_real_curriculum):
    _, _, admin, _ = cohort_with_real_curriculum
    sign_in(page, admin.email)
    for path, heading in (
        ("/cohorts/", "Cohorts"),
        ("/cohorts/new", "Create a cohort"),
        ("/people", "People"),
        ("/organisations/", "Host organisations"),
        ("/curriculum/", "Curriculum versions"),
        ("/curriculum/review-due", "Content due for legal review"),
        ("/outbox/", "Outbox"),
        ("/marking/", "My marking"),
    ):
        page.goto(path)
        expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
        assert_accessible(page)
