"""Reasonable adjustments: one plan per enrolment, set by a Hub admin or the cohort's lead trainer, applied
automatically to every timed quiz and every deadline of that enrolment (``quiz_minutes``, ``due_date``)."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

from app.audit.services import record
from app.auth import policy
from app.auth.access import PermissionDenied
from app.cohorts.models import AdjustmentPlan, Enrolment
from app.database import db, utcnow
from app.i18n import N_
from app.i18n import gettext as _
from app.refusal import Refused

MAX_EXTRA_TIME_PERCENT = 200
MAX_EXTRA_DAYS = 90


class AdjustmentRefused(Refused):
    """The plan cannot be saved as given; ``field`` names what to change."""


def plan_for(enrolment: Enrolment) -> AdjustmentPlan | None:
    return db.session.scalar(db.select(AdjustmentPlan).where(AdjustmentPlan.enrolment_id == enrolment.id))


def quiz_minutes(minutes: int, plan: AdjustmentPlan | None) -> Fraction:
    """A quiz's time limit with the plan's extra time (25 % on 30 minutes: 37½)."""
    extra = plan.extra_time_percent if plan else 0
    return Fraction(minutes) * (100 + extra) / 100


def due_date(due: date, plan: AdjustmentPlan | None) -> date:
    return due + timedelta(days=plan.extra_days if plan else 0)


# Whole sentences, not a noun slotted into one (in Welsh the words around it change with the noun).
EXTRA_TIME_RANGE = N_("Enter the extra time as a whole number from %(low)s to %(high)s")
EXTRA_DAYS_RANGE = N_("Enter the extra days as a whole number from %(low)s to %(high)s")


def _whole(value, field: str, low: int, high: int, message: str) -> int:
    try:
        number = int(str(value).strip() or 0)
    except ValueError:
        number = None
    if number is None or not low <= number <= high:
        raise AdjustmentRefused(_(message, low=low, high=high), field=field)
    return number


def _date(value: date | str | None) -> date | None:
    if not isinstance(value, str):
        return value
    try:
        return date.fromisoformat(value.strip()) if value.strip() else None
    except ValueError:
        raise AdjustmentRefused(
            _("Enter a real review date, for example 2027-03-31"), field="review_on"
        ) from None


def save_plan(
    enrolment: Enrolment,
    extra_time_percent,
    extra_days,
    rest_breaks: bool,
    format_notes: str,
    review_on: date | str | None,
    reason: str,
    actor,
) -> AdjustmentPlan:
    """Record or change the plan (a Hub admin or the lead trainer). ``review_on`` may be the form's text
    (YYYY-MM-DD, or empty for none). The audit event names what applies, never the reason."""
    if not policy.is_cohort_lead(actor, enrolment.cohort):
        raise PermissionDenied("only a Hub admin or the cohort's lead trainer records adjustments")
    percent = _whole(extra_time_percent, "extra_time_percent", 0, MAX_EXTRA_TIME_PERCENT, EXTRA_TIME_RANGE)
    days = _whole(extra_days, "extra_days", 0, MAX_EXTRA_DAYS, EXTRA_DAYS_RANGE)
    review_on = _date(review_on)
    if review_on is not None and review_on <= utcnow().date():
        raise AdjustmentRefused(_("The review date must be in the future"), field="review_on")
    if len(format_notes) > 2000 or len(reason) > 2000:
        raise AdjustmentRefused(_("Keep each note to 2,000 characters"), field="format_notes")
    plan = plan_for(enrolment) or AdjustmentPlan(enrolment_id=enrolment.id)
    plan.extra_time_percent, plan.extra_days, plan.rest_breaks = percent, days, rest_breaks
    plan.format_notes, plan.review_on = format_notes.strip(), review_on
    plan.reason = reason.strip() or plan.reason
    plan.updated_by_id, plan.updated_at = getattr(actor, "id", None), utcnow()
    db.session.add(plan)
    record(
        actor,
        "adjustment.plan_saved",
        enrolment,
        extra_time_percent=percent,
        extra_days=days,
        rest_breaks=rest_breaks,
        review_on=review_on.isoformat() if review_on else None,
    )
    return plan


def remove_reason(enrolment: Enrolment, actor) -> None:
    """The trainee removes the sensitive reason from their plan; the adjustments stay."""
    if not policy.owns_enrolment(actor, enrolment):
        raise PermissionDenied("only the trainee removes the reason from their plan")
    plan = plan_for(enrolment)
    if plan is None or plan.reason is None:
        return
    plan.reason = None
    record(actor, "adjustment.reason_removed", enrolment)
