"""One browser, two trainees (a training room's computer): unsaved assignment text kept in the browser
belongs to the person who typed it. It is removed when they sign out, never put back into another
account's editor, and never autosaved into another account's draft."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Page, expect

from app.auth.models import Role
from app.database import db
from app.learning.models import Submission
from tests.e2e.test_journey import assert_accessible, sign_in, sign_out
from tests.factories import PASSWORD, make_cohort, make_enrolment, make_organisation, make_user, make_version

pytestmark = pytest.mark.e2e

A_TEXT = "Trainee A's unsaved notes about a survivor's housing."


@pytest.fixture
def two_trainees(app):
    version = make_version()
    cohort = make_cohort(version, trainers=[make_user(Role.TRAINER)])
    organisation = make_organisation()
    first = make_user(Role.TRAINEE, name="Avery Example", email="avery@example.org")
    second = make_user(Role.TRAINEE, name="Blake Example", email="blake@example.org")
    make_enrolment(cohort, first, organisation)
    make_enrolment(cohort, second, organisation)
    return first, second, version.modules[1]


def kept_drafts(page: Page) -> dict[str, str]:
    return page.evaluate(
        """() => Object.fromEntries(Object.keys(localStorage)
            .filter(key => key.startsWith("imsa-draft:")).map(key => [key, localStorage.getItem(key)]))"""
    )


def type_without_saving(page: Page, module) -> None:
    """Type into the editor while the server cannot be reached, so the text is only in this browser."""
    page.goto(f"/learn/{module.slug}/assignment")
    expect(page.get_by_label("Your work")).to_have_value("")
    page.route("**/assignment/autosave", lambda route: route.abort())
    page.expected_errors.append("ERR_FAILED")
    page.get_by_label("Your work").fill(A_TEXT)
    expect(page.locator("#text-status")).to_contain_text("Not saved")
    kept = kept_drafts(page)
    assert len(kept) == 1 and A_TEXT in next(iter(kept.values()))
    page.unroute("**/assignment/autosave")


def drafts_on_the_server() -> list[str]:
    db.session.expire_all()
    return [piece.text or "" for piece in db.session.scalars(db.select(Submission))]


def test_signing_out_removes_unsaved_text_and_the_next_person_never_gets_it(page: Page, two_trainees):
    first, second, module = two_trainees
    sign_in(page, first.email)
    type_without_saving(page, module)
    sign_out(page)
    assert kept_drafts(page) == {}  # nothing of A's is left in the browser

    sign_in(page, second.email)
    page.goto(f"/learn/{module.slug}/assignment")
    editor = page.get_by_label("Your work")
    expect(editor).to_have_value("")
    expect(page.locator("#text-status")).not_to_contain_text("put back")
    assert_accessible(page)
    time.sleep(2.5)  # longer than the autosave's delay: nothing is sent on B's behalf
    assert not any(A_TEXT in text for text in drafts_on_the_server())

    editor.fill("Blake's own first paragraph.")
    expect(page.locator("#text-status")).to_contain_text("Draft saved at")
    assert not any(A_TEXT in text for text in drafts_on_the_server())


def test_text_left_by_a_session_that_ended_elsewhere_is_never_restored_into_another_account(
    page: Page, two_trainees
):
    """A's session ends without this browser's sign-out button (signed out everywhere from a phone):
    A's unsaved text is still here, and B, signing in next on this browser, still never sees it."""
    first, second, module = two_trainees
    sign_in(page, first.email)
    type_without_saving(page, module)
    page.context.clear_cookies()  # the session is gone, the browser storage is not

    sign_in(page, second.email)
    page.goto(f"/learn/{module.slug}/assignment")
    expect(page.get_by_label("Your work")).to_have_value("")
    time.sleep(2.5)
    assert not any(A_TEXT in text for text in drafts_on_the_server())
    assert len(kept_drafts(page)) == 1  # A's, under A's key: B's page did not read it

    sign_out(page)
    sign_in(page, first.email)
    page.goto(f"/learn/{module.slug}/assignment")
    expect(page.get_by_label("Your work")).to_have_value(A_TEXT)  # A gets their own text back
    expect(page.locator("#text-status")).to_contain_text("Draft saved at")
    assert any(A_TEXT in text for text in drafts_on_the_server())


def test_drafts_kept_under_the_old_shared_key_are_removed_unread(page: Page, two_trainees):
    """Text a browser kept before drafts were keyed by person (`imsa-draft:<path>`) is never restored."""
    _first, second, module = two_trainees
    page.goto("/sign-in")
    path = f"/learn/{module.slug}/assignment"
    page.evaluate(
        "([key, text]) => localStorage.setItem(key, JSON.stringify({text, revision: '0'}))",
        [f"imsa-draft:{path}", A_TEXT],
    )
    sign_in(page, second.email)
    page.goto(path)
    expect(page.get_by_label("Your work")).to_have_value("")
    assert kept_drafts(page) == {}


def test_sign_out_everywhere_from_the_account_page_ends_the_session_left_on_a_shared_computer(
    page: Page, browser, live_server, two_trainees
):
    first, _second, _module = two_trainees
    shared = browser.new_context(base_url=live_server)
    try:
        left_open = shared.new_page()
        left_open.goto("/sign-in")
        left_open.get_by_label("Email address").fill(first.email)
        left_open.get_by_label("Password", exact=True).fill(PASSWORD)
        left_open.get_by_label("Keep me signed in on this device for 14 days").check()
        left_open.get_by_role("button", name="Sign in").click()
        expect(left_open.get_by_role("heading", name="My training")).to_be_visible()

        sign_in(page, first.email)
        page.goto("/account")
        assert_accessible(page)
        page.get_by_role("button", name="Sign out everywhere").click()
        expect(page.get_by_text("You have signed out on every device and browser.")).to_be_visible()
        assert_accessible(page)

        left_open.reload()  # the shared computer, still holding its session and remember-me cookies
        expect(left_open.get_by_role("heading", name="Sign in to IMSA® training")).to_be_visible()
    finally:
        shared.close()
