"""Module records in a real browser: a trainee who has withdrawn asks for the signed record of a module
they passed, downloads it, and the platform's verifier accepts it (by the file and by its code)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from app.accreditation.keys import keystore
from app.auth.models import Role
from app.cohorts.models import EnrolmentStatus
from app.database import db
from app.demo import complete_training
from tests.e2e.test_journey import assert_accessible, sign_in
from tests.factories import make_accreditation_version, make_cohort, make_enrolment, make_user

pytestmark = pytest.mark.e2e


@pytest.fixture
def withdrawn(app, live_server, tmp_path):
    version = make_accreditation_version(tmp_path)
    trainer = make_user(Role.TRAINER, name="Ash Marker", email="ash@example.org")
    trainee = make_user(Role.TRAINEE, name="Robin Fictional-Example", email="robin@example.org")
    enrolment = make_enrolment(make_cohort(version, [trainer], name="Cohort 9 — E2E"), trainee)
    complete_training(enrolment, trainer)
    enrolment.status = EnrolmentStatus.WITHDRAWN
    db.session.commit()
    keystore().init()
    return trainee


def test_a_withdrawn_trainee_downloads_a_module_record_the_verifier_accepts(
    page: Page, withdrawn, tmp_path: Path
):
    sign_in(page, withdrawn.email)
    page.get_by_role("link", name="My accreditation").first.click()
    page.get_by_role("link", name="Module records and transcript").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Module records and transcript")
    expect(page.get_by_text("Withdrawn")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Get a signed record of M01").click()
    expect(page.get_by_text("Your signed record of M01 is ready")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download M01 record (.jwt)").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    token = saved.read_text()

    checked = page.request.post("/api/v1/verify", data=token, headers={"Content-Type": "application/jwt"})
    assert checked.json()["verdict"] == "valid"
    assert checked.json()["credential"]["record"].startswith("Module record: M01")

    page.get_by_role("link", name="Check M01 record").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Valid")
    expect(page.locator("#record-kind")).to_contain_text("Module record: M01")
    expect(page.get_by_text("This IMSA® module record is genuine and current.")).to_be_visible()
    assert_accessible(page)
