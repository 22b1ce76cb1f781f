"""Cohort progress in a real browser: a Hub admin imports a CSV with two bad rows (both reported with line
numbers, nothing written until they are fixed), opens the progress matrix, filters it to one organisation,
opens a trainee record, downloads the CSV and reads the reports. Every page is checked with axe-core."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from app.auth.models import Role
from app.cohorts.models import Enrolment
from app.database import db
from tests.e2e.test_journey import assert_accessible, sign_in
from tests.factories import make_assessed_version, make_cohort, make_organisation, make_user

pytestmark = pytest.mark.e2e

WITH_TWO_BAD_ROWS = (
    "name,email,organisation,nation\n"
    "Robin Fictional,robin@example.org,Harbour Example Trust,England\n"
    "Sam Sample,sam@example,Harbour Example Trust,Wales\n"  # line 3: bad email
    "Kit Example,kit@example.org,Hillside Fictional Project,Scotland\n"
    "Lee Example,lee@example.org,Nowhere Example Org,England\n"  # line 5: unknown organisation
)
FIXED = WITH_TWO_BAD_ROWS.replace("sam@example,", "sam@example.org,").replace(
    "Nowhere Example Org", "Hillside Fictional Project"
)


@pytest.fixture
def cohort(app, tmp_path):
    version = make_assessed_version(tmp_path)
    cohort = make_cohort(version, name="Cohort 4 — E2E")
    make_organisation("Harbour Example Trust")
    make_organisation("Hillside Fictional Project")
    make_user(Role.HUB_ADMIN, name="Hana Hubadmin", email="hub@example.org")
    return cohort


def _enrolments() -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(Enrolment))


def test_import_fix_filter_open_a_record_and_download(page: Page, cohort, tmp_path):
    sign_in(page, "hub@example.org")
    page.get_by_role("link", name="Cohort 4 — E2E").click()
    page.get_by_role("button", name="Enrol trainees from a file").click()
    expect(page.get_by_role("heading", name="Enrol trainees from a file")).to_be_visible()
    assert_accessible(page)  # the import page

    upload = tmp_path / "trainees.csv"
    upload.write_text(WITH_TWO_BAD_ROWS)
    page.get_by_label("Upload a CSV file").set_input_files(str(upload))
    page.get_by_role("button", name="Check the file").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading", name="2 rows cannot be imported")).to_be_visible()
    expect(summary.get_by_text("Line 3: “sam@example” is not a valid email address")).to_be_visible()
    expect(
        summary.get_by_text("Line 5: there is no host organisation called “Nowhere Example Org”")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Enrol 2 trainees and send invitations")).to_have_count(0)
    assert _enrolments() == 0  # nothing written
    assert_accessible(page)  # the import page with its problems

    page.get_by_label("Or paste or edit the rows here").fill(FIXED)  # what was uploaded is kept: fix it here
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("Every row is ready")).to_be_visible()
    assert _enrolments() == 0
    page.get_by_role("button", name="Enrol 4 trainees and send invitations").click()
    expect(
        page.get_by_text("4 trainees enrolled in Cohort 4 — E2E; invitations have been sent.")
    ).to_be_visible()
    assert _enrolments() == 4

    expect(page.get_by_role("heading", name="Progress")).to_be_visible()
    assert_accessible(page)  # the matrix
    page.get_by_label("Organisation").select_option(label="Hillside Fictional Project")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("Showing 2 of 4 trainees")).to_be_visible()
    table = page.get_by_role("table", name="Module state of each trainee in Cohort 4 — E2E")
    expect(table.get_by_role("link", name="Kit Example")).to_be_visible()
    expect(table.get_by_role("link", name="Robin Fictional")).to_have_count(0)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download this table as CSV").click()
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    assert [r[0] for r in rows[1:-1]] == ["Kit Example", "Lee Example"]
    assert rows[1][2] == "Hillside Fictional Project" and rows[1][3] == "Scotland"

    table.get_by_role("link", name="Kit Example").click()
    expect(page.get_by_role("heading", name="Kit Example")).to_be_visible()
    expect(page.get_by_text("Hillside Fictional Project (NGO)")).to_be_visible()
    assert_accessible(page)  # the trainee record

    page.get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", name="Reports", exact=True)).to_be_visible()
    expect(page.get_by_text("4 trainees in these figures")).to_be_visible()
    assert_accessible(page)  # the reports
