"""The pages the job queue adds, in a real browser: the outbox with a failed message and its button, and
a cohort approval in progress, whose figures update in place (the script polls) until it has finished."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from app.auth.models import Role
from app.database import db, utcnow
from app.jobs.models import JobProgress
from app.mail.models import OutboxMessage
from tests.e2e.test_journey import assert_accessible, sign_in
from tests.factories import make_cohort, make_user, make_version


def test_the_outbox_and_an_approval_in_progress_are_accessible_and_update(page: Page, app, tmp_path):
    admin = make_user(Role.HUB_ADMIN)
    cohort = make_cohort(make_version(tmp_path), name="Cohort 8")
    db.session.add(
        OutboxMessage(
            recipient="kim@example.org",
            subject="Your result",
            body="(Delivered by SMTP; the text is not kept.)",
            delivered_by="smtp",
            status="failed",
            attempts=6,
            last_error="SMTPDataError: (451, b'Mailbox busy')",
            pending_body="Your result is ready.",
        )
    )
    progress = JobProgress(
        kind="approve-cohort", subject=cohort.public_id, label="Approving Cohort 8", total=3
    )
    db.session.add(progress)
    db.session.commit()
    sign_in(page, admin.email)

    page.goto("/outbox/")
    expect(page.get_by_role("button", name="Send again to kim@example.org")).to_be_visible()
    assert_accessible(page)

    page.goto(f"/accreditation/cohorts/{cohort.public_id}/approvals/{progress.public_id}")
    expect(page.get_by_text("0 of 3")).to_be_visible()
    assert_accessible(page)
    progress.done = 2
    db.session.commit()
    expect(page.get_by_text("2 of 3")).to_be_visible()  # updated by the script, no reload
    progress.done, progress.finished_at = 3, utcnow()
    db.session.commit()
    expect(page.get_by_text("Finished")).to_be_visible()
    assert_accessible(page)
