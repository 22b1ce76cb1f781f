"""One lookup per cohort resource for the views: the record, if the signed-in person may see it, or 404."""

from __future__ import annotations

from flask import abort, session
from flask_login import current_user

from app.cohorts import services
from app.cohorts.models import Cohort, Enrolment

TRAINING = "training"  # the session key of the enrolment a trainee with several chose to open


def own_enrolment() -> Enrolment | None:
    """The signed-in trainee's enrolment to work in: the one they chose, else their latest active one."""
    return services.current_enrolment(current_user, session.get(TRAINING))


def cohort_or_404(public_id: str) -> Cohort:
    cohort = services.by_public_id(public_id)
    if cohort is None:
        abort(404)
    services.check_can_view(cohort, current_user)
    return cohort


def enrolment_or_404(enrolment_id: str) -> Enrolment:
    """Anyone who may not see the enrolment gets 404, as if it did not exist: a trainee's record is not
    confirmed to people outside their cohort or organisation."""
    enrolment = services.enrolment_by_public_id(enrolment_id)
    if enrolment is None or not services.can_see_enrolment(enrolment, current_user):
        abort(404)
    return enrolment
