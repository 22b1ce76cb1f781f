"""The reports and curriculum pages in Welsh in a real browser: the longer Welsh words still fit a phone
without sideways scrolling, and axe finds nothing, on the Hub report, the progress matrix, a trainee record
and the legal-review page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from app.auth.models import Role
from app.database import db
from tests.e2e.test_journey import assert_accessible, sign_in
from tests.factories import add_lessons, make_assessed_version, make_cohort, make_enrolment, make_user

pytestmark = pytest.mark.e2e


@pytest.fixture
def cohort(app, tmp_path):
    version = make_assessed_version(tmp_path)
    cohort = make_cohort(version, name="Carfan 1 — E2E")
    enrolment = make_enrolment(cohort, make_user(Role.TRAINEE, name="Ari Example"))
    make_enrolment(cohort, make_user(Role.TRAINEE, name="Bo Example"))
    add_lessons(enrolment, version.modules[0], completed=2)
    admin = make_user(Role.HUB_ADMIN, name="Hana Hubadmin", email="hub@example.org")
    admin.language = "cy"
    db.session.commit()
    return cohort


def test_the_welsh_report_pages_are_accessible_and_fit_a_phone(page: Page, cohort):
    sign_in(page, "hub@example.org")
    page.goto("/reports/")
    expect(page.get_by_role("heading", name="Adroddiadau", exact=True)).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    assert_accessible(page)
    page.goto(f"/cohorts/{cohort.public_id}/progress")
    expect(page.get_by_role("heading", name="Cynnydd", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Ari Example").click()
    expect(page.get_by_role("heading", name="Llinell amser")).to_be_visible()
    assert_accessible(page)
    page.goto("/curriculum/review-due")
    expect(page.get_by_role("heading", name="Cynnwys sy’n ddyledus am adolygiad cyfreithiol")).to_be_visible()
    assert_accessible(page)
