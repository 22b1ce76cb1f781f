"""Approving a whole cohort in the background: the Hub admin's request records the decision to approve
and queues a job; the job approves each eligible trainee in its own transaction, counting as it goes in a
``JobProgress`` row that the page shows, then queues each new certificate to be rendered."""

from __future__ import annotations

import sqlalchemy as sa

from app.accreditation.approval import approve, eligible_in
from app.accreditation.certificate_files import certificate_pdf
from app.accreditation.errors import AccreditationError
from app.accreditation.models import Credential
from app.assurance.services import ratification_outstanding
from app.audit.services import record
from app.auth.access import require_role
from app.auth.models import Role, User
from app.cohorts.models import Cohort
from app.database import db, utcnow
from app.i18n import gettext as _
from app.jobs import job
from app.jobs.models import JobProgress

KIND = "approve-cohort"


def running_approval(cohort: Cohort) -> JobProgress | None:
    """The cohort's approval job still running, if there is one."""
    return db.session.scalar(
        sa.select(JobProgress)
        .where(
            JobProgress.kind == KIND,
            JobProgress.subject == cohort.public_id,
            JobProgress.finished_at.is_(None),
        )
        .order_by(JobProgress.id.desc())
        .limit(1)
    )


def start_cohort_approval(cohort: Cohort, note: str, actor) -> JobProgress:
    """Queue the approval of everyone eligible in ``cohort``; the job starts when this transaction commits.

    While one is running for the cohort, asking again (a double-click, a second tab) returns that one.
    """
    require_role(actor, Role.HUB_ADMIN)
    if ratification_outstanding(cohort):
        raise AccreditationError(
            _(
                "The award board of %(cohort)s has not ratified its results yet: credentials can be issued "
                "once it has. Nothing was recorded.",
                cohort=cohort.name,
            ),
            field="ratification",
        )
    running = running_approval(cohort)
    if running is not None:
        return running
    eligible = len(eligible_in(cohort))
    progress = JobProgress(
        kind=KIND,
        subject=cohort.public_id,
        label=f"Approving everyone eligible in {cohort.name}",  # stored: English (the page translates)
        total=eligible,
    )
    db.session.add(progress)
    db.session.flush()
    record(actor, "accreditation.cohort_approval_queued", cohort, eligible=eligible, note=note.strip())
    approve_cohort_job.enqueue_after_commit(progress.id, cohort.id, note, getattr(actor, "id", None))
    return progress


def _stopped(progress_id: int, cohort_id: int, note: str, actor_id: int | None, *, error) -> None:
    progress = db.session.get(JobProgress, progress_id)
    if progress is not None and progress.finished_at is None:
        progress.failed = max(progress.failed, progress.total - progress.done)
        progress.finished_at = utcnow()


@job(retries=2, retry_delay=30, on_failure=_stopped)
def approve_cohort_job(progress_id: int, cohort_id: int, note: str, actor_id: int | None) -> None:
    """Approve each trainee still eligible, each committed on its own (a retry after a crash carries on
    where it stopped: those approved are no longer in the queue); one refusal undoes no other."""
    progress = db.session.get(JobProgress, progress_id)
    cohort = db.session.get(Cohort, cohort_id)
    actor = db.session.get(User, actor_id) if actor_id is not None else None
    eligible = eligible_in(cohort)
    progress.total = progress.done + progress.failed + len(eligible)
    db.session.commit()
    for enrolment in eligible:
        try:
            with db.session.begin_nested():
                credential = approve(enrolment, note, actor)
        except AccreditationError:
            progress.failed += 1
        else:
            progress.done += 1
            render_certificate_job.enqueue_after_commit(credential.id)
        db.session.commit()
    progress.finished_at = utcnow()


@job(retries=3, retry_delay=30)
def render_certificate_job(credential_id: int) -> None:
    """Render (and keep) a new credential's certificate, so that its first download is instant."""
    credential = db.session.get(Credential, credential_id)
    if credential is not None:
        certificate_pdf(credential)
