"""Welsh in a real browser: an employer switches to Cymraeg on /verify, checks a credential by its code
and reads the verdict in Welsh; the Welsh pages are axe clean, with lang="cy" and English fragments marked."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from app.auth.models import Role
from tests.e2e.test_journey import assert_accessible
from tests.factories import make_credential, make_user

pytestmark = pytest.mark.e2e


@pytest.fixture
def code(app, live_server, tmp_path):
    holder = make_user(Role.TRAINEE, name="Gwen Fictional-Example", email="gwen@example.org")
    return make_credential(tmp_path, holder=holder).code


def test_an_employer_checks_a_credential_in_welsh(page: Page, code):
    page.goto("/verify")
    expect(page.locator("html")).to_have_attribute("lang", "en-GB")
    page.get_by_role("link", name="Newid yr iaith i’r Gymraeg").click()

    expect(page).to_have_url(re.compile(r"/verify$"))
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.get_by_role("heading", name="Gwirio achrediad IMSA®")).to_be_visible()
    # The way back to English is named in English, and marked as English.
    back = page.get_by_role("link", name="Change the language to English")
    expect(back).to_have_attribute("lang", "en-GB")
    assert_accessible(page)

    page.get_by_label("Gwirio drwy god").fill(code.lower())
    page.get_by_role("button", name="Gwirio’r cod").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dilys")
    expect(page.get_by_text("Mae’r achrediad IMSA® hwn yn ddilys ac yn gyfredol.")).to_be_visible()
    expect(page.get_by_role("heading", name="Beth a wiriwyd")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    assert_accessible(page)

    page.get_by_role("link", name="Sut i wirio’n annibynnol").first.click()
    expect(page.get_by_role("heading", name="Sut i wirio’n annibynnol")).to_be_visible()
    expect(page.get_by_role("link", name="Open Badges 3.0")).to_have_attribute("lang", "en")
    assert_accessible(page)

    page.goto("/sign-in")
    expect(page.get_by_role("heading", name="Mewngofnodi i hyfforddiant IMSA®")).to_be_visible()
    assert_accessible(page)

    back = page.get_by_role("link", name="Change the language to English")
    back.click()
    expect(page.locator("html")).to_have_attribute("lang", "en-GB")
    expect(page.get_by_role("heading", name="Sign in to IMSA® training")).to_be_visible()
