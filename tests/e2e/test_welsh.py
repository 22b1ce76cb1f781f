"""Welsh in a real browser: an employer switches to Cymraeg on /verify, checks a credential by its code
and reads the verdict in Welsh; a transcript, a stopped share link and the how-to page read in Welsh too; the
Welsh pages are axe clean, with lang="cy" and English fragments marked."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from app.accreditation import sharing
from app.accreditation.models import Credential, CredentialKind
from app.auth.models import Role
from app.database import db
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


@pytest.fixture
def records(app, live_server, tmp_path):
    """A transcript beside its award, and a share link the holder stopped."""
    holder = make_user(Role.TRAINEE, name="Iolo Fictional-Example", email="iolo@example.org")
    award = make_credential(tmp_path, holder=holder)
    transcript = db.session.scalar(
        sa.select(Credential).where(
            Credential.enrolment_id == award.enrolment_id, Credential.kind == CredentialKind.TRANSCRIPT
        )
    )
    link = sharing.create_share_link(award, 7, holder)
    db.session.commit()
    sharing.revoke_share_link(link, holder)
    db.session.commit()
    return {"transcript": transcript.code, "share": f"/verify/share/{link.token}"}


def test_a_transcript_and_a_stopped_share_link_read_in_welsh(page: Page, records):
    page.goto(f"/verify/{records['transcript']}?lang=cy")
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.get_by_text("Mae’r trawsgrifiad IMSA® hwn yn ddilys ac yn gyfredol.")).to_be_visible()
    expect(page.get_by_text("Math o gofnod")).to_be_visible()
    # The spec's name stays in English, and says so.
    expect(page.locator("a [lang='en']", has_text="Data Integrity")).to_be_visible()
    assert_accessible(page)

    page.expected_errors = ["410 (GONE)"]  # the stopped link's page is Gone
    page.goto(f"{records['share']}?lang=cy")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mae’r ddolen rannu hon wedi dod i ben")
    assert_accessible(page)

    page.goto("/verify/how?lang=cy")
    expect(page.get_by_role("heading", name="Y ffurf JSON-LD (.jsonld)")).to_be_visible()
    expect(page.get_by_role("link", name="1EdTech CLR 2.0")).to_have_attribute("lang", "en")
    assert_accessible(page)
