"""Holder controls in a real browser: an accredited holder asks for a name change, the Hub approves, and the
old code says Replaced without the old name; a holder turns their public page off, the code page says the
record is private, and the share link they made still shows the full verdict."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from app.auth.models import Role
from tests.e2e.test_journey import assert_accessible, sign_in, sign_out
from tests.factories import make_credential, make_user

pytestmark = pytest.mark.e2e

OLD, NEW = "Robin Fictional-Before", "Robin Fictional-After"


@pytest.fixture
def people(app, live_server, tmp_path):
    holder = make_user(Role.TRAINEE, name=OLD, email="robin@example.org")
    credential = make_credential(tmp_path, holder=holder)
    hub = make_user(Role.HUB_ADMIN, name="Hal Hubadmin", email="hub@example.org")
    return {"holder": holder, "hub": hub, "code": credential.code}


def test_a_name_change_reissues_the_credential_and_the_old_code_says_replaced(page: Page, people):
    holder, hub, code = people["holder"], people["hub"], people["code"]
    sign_in(page, holder.email)
    page.get_by_role("link", name="My accreditation").click()
    page.get_by_text("Ask for a name change").click()
    page.get_by_label("Your name as it should appear").fill(NEW)
    page.get_by_label("Why the name should change").fill("I changed my name by deed poll.")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text("Your request is with the IMSA® Model Hub")).to_be_visible()
    expect(page.get_by_text(f"for the name {NEW}")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    sign_in(page, hub.email)
    page.goto("/accreditation/")
    page.get_by_role("link", name="Name change requests").click()
    expect(page.get_by_text("I changed my name by deed poll.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Approve: re-issue the credential under the new name").check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Re-issued under the new name")).to_be_visible()
    sign_out(page)

    page.goto(f"/verify/{code}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Replaced")
    expect(page.get_by_text("Replaced by a newer credential")).to_be_visible()
    expect(page.get_by_text(OLD)).to_have_count(0)
    assert_accessible(page)

    sign_in(page, holder.email)
    page.get_by_role("link", name="My accreditation").click()
    expect(page.get_by_text("This credential was replaced")).to_be_visible()
    expect(page.get_by_text(f"Your credential shows the name {NEW}")).to_be_visible()
    assert_accessible(page)


def test_a_private_holder_code_says_so_and_their_share_link_still_verifies(page: Page, people):
    holder, code = people["holder"], people["code"]
    sign_in(page, holder.email)
    page.get_by_role("link", name="My accreditation").click()
    page.get_by_label("Nobody: the page says your record is private").check()
    page.get_by_role("button", name="Save who can see it").click()
    expect(page.get_by_text("your code now says your record is private")).to_be_visible()
    page.get_by_label("30 days").check()
    page.get_by_role("button", name="Make a share link").click()
    expect(page.get_by_text("Share link made")).to_be_visible()
    assert_accessible(page)
    shared = page.get_by_role("link", name=re.compile(r"verify.share")).get_attribute("href")
    sign_out(page)

    page.goto(f"/verify/{code}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Private")
    expect(page.get_by_text("This holder has made their record private")).to_be_visible()
    expect(page.get_by_text(OLD)).to_have_count(0)
    assert_accessible(page)

    page.goto(shared)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Valid")
    expect(page.get_by_role("heading", level=2, name=OLD)).to_be_visible()
    assert_accessible(page)
