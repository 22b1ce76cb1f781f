"""Honest pages in a real browser: a verifier is asked to check the person in front of them; the Hub
suspends a credential, and the holder's page and the public page say Suspended with the reason and offer
nothing to share; revoked, the certificate says so across the page. Each page is looked at on a desktop
and a phone (screenshots kept in IMSA_E2E_SCREENSHOTS, if set, to look at by eye) and checked with axe."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from app.auth.models import Role
from tests.e2e.test_journey import assert_accessible, sign_in, sign_out
from tests.factories import make_credential, make_user

pytestmark = pytest.mark.e2e

SUSPENSION = "Under review after a complaint about practice."
REVOCATION = "Issued in error: the practice hours were double counted."
WIDTHS = (1280, 375)


@pytest.fixture
def people(app, live_server, tmp_path):
    holder = make_user(Role.TRAINEE, name="Jordan Fictional-Example", email="jordan@example.org")
    credential = make_credential(tmp_path, holder=holder)
    hub = make_user(Role.HUB_ADMIN, name="Hal Hubadmin", email="hub@example.org")
    return {"holder": holder, "hub": hub, "code": credential.code}


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("IMSA_E2E_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def look(page: Page, shots: Path, name: str) -> None:
    """Check the page with axe and keep a full-page screenshot at each width, as a person would see it."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900 if width > 400 else 740})
        assert_accessible(page)
        page.screenshot(path=shots / f"{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_suspended_and_revoked_credentials_say_so_everywhere(page: Page, people, shots):
    holder, hub, code = people["holder"], people["hub"], people["code"]

    # A visitor uploads the valid certificate: the name is shown with a prompt to check the person.
    sign_in(page, holder.email)
    page.get_by_role("link", name="My accreditation").click()
    expect(page.get_by_role("heading", name="Share it")).to_be_visible()
    with page.expect_download(timeout=60_000) as download:  # a first render may be slow
        page.get_by_role("link", name="Download the certificate (PDF)").click()
    valid_pdf = shots / "valid.pdf"
    download.value.save_as(valid_pdf)
    sign_out(page)
    page.goto("/verify")
    page.get_by_label("Check a certificate PDF").set_input_files(str(valid_pdf))
    page.get_by_role("button", name="Check certificate").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Valid")
    expect(page.get_by_role("heading", level=2, name="Jordan Fictional-Example")).to_be_visible()
    expect(page.get_by_role("heading", name="Check this is the person in front of you")).to_be_visible()
    look(page, shots, "verify-upload-valid")

    # The Hub suspends it, with the reason.
    sign_in(page, hub.email)
    page.goto(f"/accreditation/credentials/{code}")
    page.get_by_text("Suspend (for example while a concern is looked into)").click()
    page.get_by_label("Reason for suspension").fill(SUSPENSION)
    page.get_by_role("button", name="Suspend", exact=True).click()
    expect(page.get_by_text("suspend recorded")).to_be_visible()
    sign_out(page)

    # The holder's page says Suspended, with the date and reason, and offers nothing to share.
    sign_in(page, holder.email)
    page.get_by_role("link", name="My accreditation").click()
    expect(page.get_by_text("Your accreditation was suspended on")).to_be_visible()
    expect(page.get_by_text(SUSPENSION)).to_be_visible()
    expect(page.get_by_role("heading", name="Share it")).to_have_count(0)
    expect(page.get_by_role("link", name="Add to LinkedIn profile (opens in a new tab)")).to_have_count(0)
    expect(page.get_by_role("button", name="Copy link")).to_have_count(0)
    expect(page.get_by_text(f"/verify/{code}", exact=False)).to_have_count(0)
    look(page, shots, "holder-suspended")
    sign_out(page)

    # The public page by code says Suspended, with the reason, and does not ask to check the person.
    page.goto("/verify")
    page.get_by_label("Check by code").fill(code)
    page.get_by_role("button", name="Check code").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Suspended")
    expect(page.get_by_text(SUSPENSION)).to_be_visible()
    expect(page.get_by_role("heading", name="Check this is the person in front of you")).to_have_count(0)
    look(page, shots, "verify-code-suspended")

    # Revoked, the certificate the holder downloads says so across the page, in its text.
    sign_in(page, hub.email)
    page.goto(f"/accreditation/credentials/{code}")
    page.get_by_text("Revoke (permanent)").click()
    page.get_by_label("Reason for revocation").fill(REVOCATION)
    page.get_by_label("I understand revoking cannot be undone").check()
    page.get_by_role("button", name="Revoke", exact=True).click()
    expect(page.get_by_text("revoke recorded")).to_be_visible()
    sign_out(page)
    sign_in(page, holder.email)
    page.get_by_role("link", name="My accreditation").click()
    expect(page.get_by_text("Your accreditation was revoked on")).to_be_visible()
    expect(page.get_by_text(REVOCATION)).to_be_visible()
    look(page, shots, "holder-revoked")
    with page.expect_download(timeout=60_000) as download:  # a first render may be slow
        page.get_by_role("link", name="Download the certificate (PDF)").click()
    revoked_pdf = shots / "revoked.pdf"
    download.value.save_as(revoked_pdf)
    text = subprocess.run(["pdftotext", str(revoked_pdf), "-"], check=True, capture_output=True, text=True)
    assert "REVOKED on " in text.stdout and "this certificate is no longer valid" in text.stdout
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(revoked_pdf), str(shots / "revoked")], check=True)
    assert list(shots.glob("revoked*.png"))
