"""Reasonable-adjustment plans: recorded by a Hub admin or the lead trainer, applied to every timed quiz and
deadline of the enrolment; the reason is seen only by the Hub and the trainee can remove it; markers see
only that an adjustment applies."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.audit.services import events_for
from app.auth.access import PermissionDenied
from app.auth.models import Role
from app.cohorts import adjustments
from app.database import db
from app.learning import assignments, quizzes
from tests.conftest import post_form, sign_in
from tests.factories import make_assessed_version, make_cohort, make_enrolment, make_user

REASON = "Dyslexia assessment seen by the Hub."


@pytest.fixture
def place(app, tmp_path):
    lead, marker = make_user(Role.TRAINER), make_user(Role.TRAINER)
    cohort = make_cohort(make_assessed_version(tmp_path, time_limit=30), [lead, marker])
    cohort.lead_trainer = lead
    enrolment = make_enrolment(cohort, make_user(Role.TRAINEE))
    db.session.commit()
    return enrolment, lead, marker, cohort.curriculum_version.modules[0]


def test_a_plus_25_percent_plan_makes_a_30_minute_quiz_37_and_a_half_and_moves_the_deadline(client, place):
    enrolment, lead, _, module = place
    before = assignments.due_on(enrolment, module.assignment)
    adjustments.save_plan(enrolment, "25", "7", True, "", None, "", lead)
    db.session.commit()
    attempt = quizzes.start_attempt(enrolment, module.quiz, enrolment.user)
    assert attempt.deadline_at - attempt.started_at == timedelta(minutes=37, seconds=30)
    assert assignments.due_on(enrolment, module.assignment) == before + timedelta(days=7)
    db.session.commit()
    sign_in(client, enrolment.user)
    page = client.get(f"/learn/{module.slug}/quiz").get_data(as_text=True)
    assert "37½ minutes from when you start" in page and "your time includes 25 % extra" in page


@pytest.mark.parametrize(
    ("percent", "days", "field"), [("-10", "0", "extra_time_percent"), ("25", "lots", "extra_days")]
)
def test_a_bad_value_is_refused_on_its_field_and_nothing_is_written(place, percent, days, field):
    enrolment, lead, _, _ = place
    with pytest.raises(adjustments.AdjustmentRefused) as refusal:
        adjustments.save_plan(enrolment, percent, days, False, "", None, "", lead)
    assert refusal.value.field == field and adjustments.plan_for(enrolment) is None


def test_a_trainer_who_does_not_lead_cannot_record_a_plan(place):
    enrolment, _, marker, _ = place
    with pytest.raises(PermissionDenied):
        adjustments.save_plan(enrolment, "25", "0", False, "", None, "", marker)


def test_the_reason_is_for_the_hub_the_trainee_can_remove_it_and_markers_see_only_a_flag(client, place):
    enrolment, lead, marker, module = place
    hub = make_user(Role.HUB_ADMIN)
    adjustments.save_plan(enrolment, "25", "7", False, "Large print.", None, REASON, hub)
    piece = assignments.current_submission(enrolment, module.assignment, enrolment.user)
    assignments.submit(piece, "Work about advocacy.", piece.revision, True, enrolment.user)
    from app.marking import workflow

    workflow.allocate(piece, marker, hub)
    db.session.commit()
    assert all(REASON not in str(e.details) for e in events_for(enrolment))  # the audit trail omits it
    sign_in(client, hub)
    assert REASON in client.get(f"/cohorts/trainees/{enrolment.public_id}").get_data(as_text=True)
    lead_client = client.application.test_client()
    sign_in(lead_client, lead)
    record = lead_client.get(f"/cohorts/trainees/{enrolment.public_id}").get_data(as_text=True)
    assert "25 % extra time" in record and REASON not in record
    marker_client = client.application.test_client()
    sign_in(marker_client, marker)
    page = marker_client.get(f"/marking/pieces/{piece.public_id}").get_data(as_text=True)
    assert "Adjustment applies" in page and REASON not in page and "Large print" not in page
    trainee = client.application.test_client()
    sign_in(trainee, enrolment.user)
    assert "Remove the reason" in trainee.get("/learn/").get_data(as_text=True)
    post_form(trainee, "/learn/adjustments/remove-reason")
    db.session.expire_all()
    plan = adjustments.plan_for(enrolment)
    assert plan.reason is None and plan.extra_time_percent == 25
    assert events_for(enrolment)[-1].action == "adjustment.reason_removed"


def test_the_record_page_keeps_what_was_typed_when_a_value_is_refused(client, place):
    enrolment, lead, _, _ = place
    sign_in(client, lead)
    response = post_form(
        client,
        f"/cohorts/trainees/{enrolment.public_id}/adjustments",
        {"extra_time_percent": "-5", "extra_days": "3", "format_notes": "Large print."},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="extra_time_percent-error"' in page
    assert 'value="-5"' in page and "Large print." in page


def test_the_progress_matrix_counts_the_plans_extra_days_before_calling_work_overdue(app, place):
    """The matrix and the trainee's due date agree: a deadline moved by the plan is not overdue yet."""
    from app.reports.progress import matrix

    enrolment, lead, _, module = place
    cohort = enrolment.cohort
    scheduled = assignments.due_on(enrolment, module.assignment)
    the_day_after = scheduled + timedelta(days=1)

    def first_module(day):
        return matrix(cohort, day).rows[0].cells[0][0]

    assert first_module(the_day_after) == "overdue"
    adjustments.save_plan(enrolment, "0", "7", False, "", None, "", lead)
    db.session.commit()
    assert first_module(the_day_after) != "overdue"
    assert first_module(scheduled + timedelta(days=8)) == "overdue"


def test_a_review_date_that_is_not_a_date_is_refused_on_its_field(place):
    enrolment, lead, _, _ = place
    with pytest.raises(adjustments.AdjustmentRefused) as refusal:
        adjustments.save_plan(enrolment, "25", "0", False, "", "2027-02-30", "", lead)
    assert refusal.value.field == "review_on" and adjustments.plan_for(enrolment) is None
