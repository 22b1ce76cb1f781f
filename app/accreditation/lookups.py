"""Finding credentials, enrolments and cohorts: by code for everyone, ``..._or_404`` for the routes."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort

from app.accreditation import codes
from app.accreditation.models import Credential, CredentialKind, NameChangeRequest, ShareLink
from app.cohorts.models import Cohort, Enrolment
from app.cohorts.services import by_public_id as cohort_by_public_id
from app.database import db
from app.jobs.models import JobProgress


def by_code(code: str) -> Credential | None:
    return db.session.scalar(sa.select(Credential).where(Credential.code == code))


def by_typed_code(typed: str) -> Credential | None:
    """The credential for a code as someone typed or linked it (see ``codes.normalise``)."""
    canonical = codes.normalise(typed)
    return by_code(canonical) if canonical else None


def for_holder(user) -> list[Credential]:
    """The awards ``user`` holds (their module records and transcripts are listed apart)."""
    return list(
        db.session.scalars(
            sa.select(Credential)
            .where(Credential.holder_id == user.id, Credential.kind == CredentialKind.AWARD)
            .order_by(Credential.valid_from.desc(), Credential.id.desc())  # a re-issue before the old
        )
    )


def all_credentials() -> list[Credential]:
    return list(db.session.scalars(sa.select(Credential).order_by(Credential.valid_from.desc())))


def credential_or_404(code: str) -> Credential:
    credential = by_typed_code(code)
    if credential is None:
        abort(404)
    return credential


def enrolment_or_404(public_id: str) -> Enrolment:
    enrolment = db.session.scalar(sa.select(Enrolment).where(Enrolment.public_id == public_id))
    if enrolment is None:
        abort(404)
    return enrolment


def cohort_or_404(public_id: str) -> Cohort:
    cohort = cohort_by_public_id(public_id)
    if cohort is None:
        abort(404)
    return cohort


def own_enrolment_or_404(public_id: str, user) -> Enrolment:
    """One of ``user``'s own enrolments, in any state (a withdrawn trainee keeps their records)."""
    enrolment = db.session.scalar(
        sa.select(Enrolment).where(Enrolment.public_id == public_id, Enrolment.user_id == user.id)
    )
    if enrolment is None:
        abort(404)
    return enrolment


def share_link_or_404(token: str) -> ShareLink:
    link = db.session.scalar(sa.select(ShareLink).where(ShareLink.token == token))
    if link is None:
        abort(404)
    return link


def name_change_or_404(public_id: str) -> NameChangeRequest:
    request = db.session.scalar(sa.select(NameChangeRequest).where(NameChangeRequest.public_id == public_id))
    if request is None:
        abort(404)
    return request


def approval_progress_or_404(cohort: Cohort, public_id: str) -> JobProgress:
    """One approval job's progress for ``cohort`` (404 for another cohort's)."""
    found = db.session.scalar(
        sa.select(JobProgress).where(
            JobProgress.public_id == public_id, JobProgress.subject == cohort.public_id
        )
    )
    if found is None:
        abort(404)
    return found
