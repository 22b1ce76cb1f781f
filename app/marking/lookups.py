"""One lookup per resource of the marking pages: the record, if the signed-in person may see it, or 404."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from app.auth import policy
from app.cohorts import services as cohorts
from app.database import db
from app.learning.models import Submission, SubmissionStatus
from app.marking.models import Appeal, ConsiderationRequest


def piece_or_404(public_id: str) -> Submission:
    piece = db.session.scalar(db.select(Submission).where(Submission.public_id == public_id))
    if piece is None or piece.status is SubmissionStatus.DRAFT:
        abort(404)
    cohorts.check_can_view(piece.enrolment.cohort, current_user)
    return piece


def assessment_or_404(cohort_id: str, module_slug: str):
    cohort = cohorts.by_public_id(cohort_id)
    if cohort is None:
        abort(404)
    cohorts.check_can_view(cohort, current_user)
    module = next(
        (m for m in cohort.curriculum_version.modules if m.slug == module_slug and m.assignment), None
    )
    if module is None:
        abort(404)
    return cohort, module.assignment


def consideration_or_404(public_id: str) -> ConsiderationRequest:
    """A special-consideration request, for the Hub admins who decide (the route admits only them)."""
    found = db.session.scalar(
        db.select(ConsiderationRequest).where(ConsiderationRequest.public_id == public_id)
    )
    if found is None:
        abort(404)
    return found


def appeal_or_404(public_id: str) -> Appeal:
    appeal = db.session.scalar(db.select(Appeal).where(Appeal.public_id == public_id))
    if appeal is None or not policy.may_handle_appeal(current_user, appeal):
        abort(404)
    return appeal
