"""One lookup per resource of the assurance pages: the record, if the signed-in person may see it, or 404."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from app.assurance import services
from app.cohorts import services as cohorts


def cohort_or_404(public_id: str):
    """A cohort the signed-in person examines (any cohort, for a Hub admin)."""
    cohort = cohorts.by_public_id(public_id)
    if cohort is None:
        abort(404)
    services.check_can_examine(cohort, current_user)
    return cohort


def module_or_404(cohort, module_slug: str):
    module = next((m for m in services.modules_examined(cohort) if m.slug == module_slug), None)
    if module is None:
        abort(404)
    return module


def sampled_piece_or_404(cohort, module, piece_id: str):
    """A piece in the sample: anything outside it is not the examiner's to read."""
    piece = services.sampled_piece(cohort, module, piece_id)
    if piece is None:
        abort(404)
    return piece


def report_or_404(cohort):
    report = services.report_for(cohort)
    if report is None:
        abort(404)
    return report
