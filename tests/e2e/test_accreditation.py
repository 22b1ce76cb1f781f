"""Accreditation in a real browser: a trainee meets the rule, the Hub approves, the trainee downloads the
certificate, a visitor verifies it by code, by the QR code's link and by uploading the PDF; the Hub revokes
it and all three ways now say Revoked, with the reason."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa
import zxingcpp
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from app.accreditation.keys import keystore
from app.accreditation.models import Declaration
from app.auth.models import Role
from app.database import db
from app.demo import complete_training
from tests.e2e.test_journey import assert_accessible, sign_in, sign_out
from tests.factories import make_accreditation_version, make_cohort, make_enrolment, make_user

pytestmark = pytest.mark.e2e

REASON = "Issued in error: the practice hours were double counted."


@pytest.fixture
def cast(app, live_server, tmp_path):
    version = make_accreditation_version(tmp_path)
    trainer = make_user(Role.TRAINER, name="Ash Marker", email="ash@example.org")
    trainee = make_user(Role.TRAINEE, name="Jordan Fictional-Example", email="jordan@example.org")
    enrolment = make_enrolment(make_cohort(version, [trainer], name="Cohort 7 — E2E"), trainee)
    complete_training(enrolment, trainer)
    # The trainee makes the declarations themselves, in the browser.
    db.session.execute(sa.delete(Declaration).where(Declaration.enrolment_id == enrolment.id))
    db.session.commit()
    keystore().init()
    hub = make_user(Role.HUB_ADMIN, name="Hal Hubadmin", email="hub@example.org")
    return {"trainee": trainee, "hub": hub, "base": live_server}


def qr_link(pdf: Path, folder: Path) -> str:
    """The URL in the certificate's QR code, read from the rendered PDF as a phone camera would."""
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(folder / "page")], check=True)
    image = Image.open(next(folder.glob("page*.png")))
    found = [b.text for b in zxingcpp.read_barcodes(image) if b.format == zxingcpp.BarcodeFormat.QRCode]
    assert len(found) == 1, "exactly one QR code on the certificate"
    return found[0]


def verify_three_ways(browser: Browser, base: str, code: str, link: str, pdf: Path, expected: str) -> None:
    """A visitor with no account checks by typing the code, by the QR link and by uploading the PDF."""
    context = browser.new_context(base_url=base)
    visitor = context.new_page()
    visitor.goto("/verify")
    visitor.get_by_label("Check by code").fill(f" {code.lower().replace('-', ' ')} ")
    visitor.get_by_role("button", name="Check code").click()
    expect(visitor.get_by_role("heading", level=1)).to_contain_text(expected)
    if expected == "Valid":
        assert_accessible(visitor)
    else:
        expect(visitor.get_by_text(REASON)).to_be_visible()
    visitor.goto(link)
    expect(visitor.get_by_role("heading", level=1)).to_contain_text(expected)
    visitor.goto("/verify")
    visitor.get_by_label("Check a certificate PDF").set_input_files(str(pdf))
    visitor.get_by_role("button", name="Check certificate").click()
    expect(visitor.get_by_role("heading", level=1)).to_contain_text(expected)
    if expected != "Valid":
        expect(visitor.get_by_text(REASON)).to_be_visible()
    context.close()


def test_award_download_verify_and_revoke(page: Page, browser: Browser, cast, tmp_path):
    trainee, hub, base = cast["trainee"], cast["hub"], cast["base"]

    # The trainee makes the declarations; every requirement is now met.
    sign_in(page, trainee.email)
    page.get_by_role("link", name="My accreditation").click()
    assert_accessible(page)
    for box in page.locator("input[name='declare-declarations']").all():
        box.check()
    page.get_by_role("button", name="Confirm declarations").click()
    expect(page.get_by_text("your declarations are recorded")).to_be_visible()
    expect(page.get_by_text("Not met", exact=True)).to_have_count(0)
    sign_out(page)

    # The Hub approves: the decision is recorded and the credential issued.
    sign_in(page, hub.email)
    page.get_by_role("link", name="Accreditation").click()
    assert_accessible(page)
    page.get_by_role("link", name="Jordan Fictional-Example").click()
    assert_accessible(page)
    page.get_by_label("Note for the record (optional)").fill("Evidence checked at the December panel.")
    page.get_by_label("I have checked the evidence above and approve this award").check()
    page.get_by_role("button", name="Approve and issue the credential").click()
    expect(page.get_by_text("has been issued to Jordan Fictional-Example")).to_be_visible()
    code = page.locator("h1").inner_text().strip()
    assert code.startswith("IMSA-")
    sign_out(page)

    # The trainee downloads the certificate; its QR code links to the verification page.
    sign_in(page, trainee.email)
    page.get_by_role("link", name="My accreditation").click()
    expect(page.get_by_text(code, exact=True)).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the certificate (PDF)").click()
    pdf = tmp_path / "certificate.pdf"
    download.value.save_as(pdf)
    link = qr_link(pdf, tmp_path)
    assert link == f"{base}/verify/{code}"
    sign_out(page)

    verify_three_ways(browser, base, code, link, pdf, "Valid")

    # The Hub revokes, with the reason and a confirmation.
    sign_in(page, hub.email)
    page.goto(f"/accreditation/credentials/{code}")
    assert_accessible(page)
    page.get_by_text("Revoke (permanent)").click()
    page.get_by_label("Reason for revocation").fill(REASON)
    page.get_by_label("I understand revoking cannot be undone").check()
    page.get_by_role("button", name="Revoke", exact=True).click()
    expect(page.get_by_text("revoke recorded")).to_be_visible()

    verify_three_ways(browser, base, code, link, pdf, "Revoked")


def test_the_verify_pages_are_accessible_on_a_phone(browser: Browser, cast):
    """The public start page, a Not found result and the how-to page, at phone width."""
    context = browser.new_context(base_url=cast["base"], viewport={"width": 375, "height": 740})
    page = context.new_page()
    for path in ("/verify", "/verify/IMSA-0000-0000-0", "/verify/how"):
        page.goto(path)
        assert_accessible(page)
    page.goto("/verify")
    page.get_by_role("button", name="Check code").click()
    expect(page.get_by_text("Enter the code printed on the certificate").first).to_be_visible()
    assert_accessible(page)
    context.close()
