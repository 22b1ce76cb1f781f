"""Quiz question statistics in a real browser: a trainer reaches them from their cohort's page, reads the
figures and the flags' explanation, and the page (and its empty state) is axe clean and phone-usable."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from app.auth.models import Role
from tests.e2e.test_journey import assert_accessible, sign_in
from tests.factories import make_assessed_version, make_cohort, make_user
from tests.integration.test_item_statistics import FIXTURE, add_attempts

pytestmark = pytest.mark.e2e


@pytest.fixture
def cast(app, live_server, tmp_path):
    version = make_assessed_version(tmp_path)
    trainer = make_user(Role.TRAINER, name="Tam Trainer", email="tam@example.org")
    cohort = make_cohort(version, [trainer], name="Cohort 9 — E2E")
    add_attempts(cohort, version.modules[0].quiz, FIXTURE * 4)
    empty = make_assessed_version(tmp_path / "empty", version="empty.1")
    hub = make_user(Role.HUB_ADMIN, name="Hal Hubadmin", email="hub@example.org")
    return {"trainer": trainer, "cohort": cohort, "empty": empty, "hub": hub}


def test_a_trainer_reads_the_question_statistics_of_their_cohorts_quiz(page: Page, cast):
    sign_in(page, cast["trainer"].email)
    page.goto(f"/cohorts/{cast['cohort'].public_id}")
    page.get_by_role("link", name="Quiz question statistics").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Quiz question statistics")
    assert_accessible(page)
    page.get_by_role("link", name="M01").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Question statistics: M01 quiz")
    expect(page.get_by_text("20 submitted attempts")).to_be_visible()
    row = page.locator("#item-q-single")
    expect(row).to_contain_text("60%")
    expect(row).to_contain_text("0.49")
    expect(row).to_contain_text("A wrong answer nobody chooses")  # 20 attempts: enough to judge
    page.get_by_text("What the figures mean").click()
    expect(page.get_by_text("Discrimination is the correlation")).to_be_visible()
    assert_accessible(page)


def test_a_quiz_with_no_attempts_says_so_and_is_accessible(page: Page, cast):
    sign_in(page, cast["hub"].email)
    page.goto("/reports/")
    page.get_by_role("link", name="Quiz question statistics").click()
    version = cast["empty"]
    page.goto(f"/reports/items/{version.content_hash}/{version.modules[0].slug}")
    expect(page.get_by_text("No submitted attempts yet")).to_be_visible()
    assert_accessible(page)
