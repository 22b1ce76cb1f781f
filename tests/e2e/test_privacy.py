"""Personal data requests in a real browser: a Hub admin finds the page, is told what an erasure does and
keeps, and a refused erasure (not confirmed) and the result are axe clean and phone-usable."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from app.auth.models import Role
from tests.e2e.test_journey import assert_accessible, sign_in
from tests.factories import make_user

pytestmark = pytest.mark.e2e


@pytest.fixture
def cast(app, live_server):
    hub = make_user(Role.HUB_ADMIN, name="Hal Hubadmin", email="hub@example.org")
    person = make_user(Role.TRAINEE, name="Pat Fictional-Person", email="pat@example.org")
    return {"hub": hub, "person": person}


def test_a_hub_admin_erases_a_person_after_confirming(page: Page, cast):
    sign_in(page, cast["hub"].email)
    page.get_by_role("link", name="Personal data").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Personal data requests")
    expect(page.get_by_text("Erasure cannot be undone")).to_be_visible()
    assert_accessible(page)
    erase = page.locator("form", has=page.get_by_role("button", name="Erase their data"))
    erase.get_by_label("Email address of the person").fill("pat@example.org")
    page.get_by_role("button", name="Erase their data").click()
    expect(page.get_by_text("Confirm that you understand").first).to_be_visible()
    assert_accessible(page)
    erase = page.locator("form", has=page.get_by_role("button", name="Erase their data"))
    expect(erase.get_by_label("Email address of the person")).to_have_value("pat@example.org")
    page.get_by_label("I understand this cannot be undone").check()
    page.get_by_role("button", name="Erase their data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Personal data erased")
    expect(page.get_by_text("What was kept, and why")).to_be_visible()
    assert_accessible(page)
