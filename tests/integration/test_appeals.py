# ruff: noqa: F811  (each test takes the people fixture imported from the marking tests)
"""Appeals: a trainee asks for a review within the window, a Hub admin assigns a reviewer who did not mark
the piece, and the reviewer's outcome flows on to the result, the module's status and accreditation. Every
refusal names its field and writes nothing; every step is audited; a double-click does not double."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.accreditation.eligibility import evaluate
from app.accreditation.models import Declaration
from app.audit.models import AuditEvent
from app.auth.access import PermissionDenied
from app.auth.models import Role
from app.database import db
from app.demo import complete_training
from app.learning.models import Submission, SubmissionStatus
from app.learning.outcomes import outcomes
from app.learning.outcomes.rules import ModuleState
from app.learning.services import overview
from app.mail.services import outbox
from app.marking import appeals, workflow
from app.marking.models import Appeal, AppealStatus, Mark, MarkKind
from tests.conftest import post_form, sign_in
from tests.factories import (
    make_accreditation_version,
    make_cohort,
    make_credential,
    make_enrolment,
    make_user,
)
from tests.integration.test_marking import drive, marks, people  # noqa: F401  (people: a fixture)

S = SubmissionStatus


def events(action: str) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
    )


def appeal_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Appeal))


@pytest.fixture
def referred(people):
    """A piece released as a Fail (referred), first and second marks in agreement."""
    return drive(people, S.RELEASED, first=(40, 45), second=(42, 45))


@pytest.fixture
def passed(people):
    return drive(people, S.RELEASED)


def requested(p, piece) -> Appeal:
    appeal = appeals.request_review(
        piece, "rubric", "The accuracy marks do not match the rubric.", p["trainee"]
    )
    db.session.commit()
    return appeal


def assigned(p, piece) -> Appeal:
    appeal = requested(p, piece)
    appeals.assign_reviewer(appeal, p["other"], p["hub"])
    db.session.commit()
    return appeal


# --- asking for a review


def test_a_trainee_asks_for_a_review_within_the_window_and_it_is_audited(people, referred):
    appeal = requested(people, referred)
    assert appeal.status is AppealStatus.REQUESTED
    assert (appeal.previous_band, appeal.previous_total) == ("fail", referred.result_total)
    assert appeal.decide_by == appeals.decide_by(appeal.requested_at)
    assert events("appeal.requested") == 1


def test_a_late_request_is_refused_on_the_grounds_and_nothing_is_written(people, referred):
    late = referred.released_at + timedelta(days=30)
    with pytest.raises(appeals.AppealRefused) as refused:
        appeals.request_review(referred, "rubric", "Please look again.", people["trainee"], now=late)
    assert refused.value.field == "grounds"
    assert appeal_count() == 0 and events("appeal.requested") == 0


@pytest.mark.parametrize(
    ("grounds", "statement", "field"),
    [
        ("", "Please look again.", "grounds"),
        ("because", "Please look again.", "grounds"),
        ("rubric", "  ", "statement"),
        ("rubric", "x" * (appeals.STATEMENT_LIMIT + 1), "statement"),
    ],
)
def test_a_request_without_grounds_or_statement_is_refused_on_its_field(
    people,
    referred,
    grounds,
    statement,
    field,
):
    with pytest.raises(appeals.AppealRefused) as refused:
        appeals.request_review(referred, grounds, statement, people["trainee"])
    assert refused.value.field == field
    assert appeal_count() == 0


def test_a_second_appeal_is_refused_while_the_first_is_open(people, referred):
    requested(people, referred)
    with pytest.raises(appeals.AppealRefused) as refused:
        appeals.request_review(referred, "procedure", "Something else as well.", people["trainee"])
    assert refused.value.field == "grounds"
    assert appeal_count() == 1


def test_a_decided_appeal_cannot_be_asked_for_again(people, referred):
    appeal = assigned(people, referred)
    appeals.decide(appeal, "not_upheld", "The marks follow the rubric.", people["other"])
    db.session.commit()
    with pytest.raises(appeals.AppealRefused) as refused:
        # even word for word the same as the first: only an open request is taken as sent twice
        appeals.request_review(
            referred, "rubric", "The accuracy marks do not match the rubric.", people["trainee"]
        )
    assert refused.value.field == "grounds"


def test_only_the_trainee_asks_for_a_review_of_their_mark(people, referred):
    with pytest.raises(PermissionDenied):
        appeals.request_review(referred, "rubric", "On their behalf.", people["marker"])


def test_no_review_before_release(people):
    piece = drive(people, S.READY_FOR_RELEASE)
    with pytest.raises(appeals.AppealRefused) as refused:
        appeals.request_review(piece, "rubric", "Too early.", people["trainee"])
    assert refused.value.field == "grounds"


def test_the_same_request_sent_twice_over_http_makes_one_appeal(app, client, people, referred):
    sign_in(client, people["trainee"])
    url = "/learn/m01-module-1/assignment/review"
    data = {"grounds": "rubric", "statement": "The accuracy marks do not match the rubric."}
    first, second = post_form(client, url, data), post_form(client, url, data)
    assert first.status_code == second.status_code == 302
    assert appeal_count() == 1 and events("appeal.requested") == 1


def test_a_refused_request_keeps_what_was_typed_next_to_its_field(app, client, people, referred):
    sign_in(client, people["trainee"])
    response = post_form(
        client, "/learn/m01-module-1/assignment/review", {"grounds": "", "statement": "Kept text."}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="grounds-error"' in page and "Kept text." in page
    assert appeal_count() == 0


def test_the_receipt_offers_a_review_until_the_window_closes_and_then_says_so(app, client, people, referred):
    sign_in(client, people["trainee"])
    assert "Ask for a review of this mark" in client.get("/learn/m01-module-1/assignment/receipt").get_data(
        as_text=True
    )
    referred.released_at -= timedelta(days=30)
    db.session.commit()
    page = client.get("/learn/m01-module-1/assignment/receipt").get_data(as_text=True)
    assert "Ask for a review of this mark" not in page and "The time to ask for a review" in page


def test_an_open_review_holds_the_resubmission_until_it_is_decided(people, referred):
    requested(people, referred)
    with pytest.raises(workflow.MarkingRefused):
        workflow.start_resubmission(referred, people["trainee"])


# --- assigning a reviewer: the independence rule


@pytest.mark.parametrize("who", ["marker", "second"])
def test_a_reviewer_who_marked_the_piece_is_refused_on_the_reviewer_field(people, referred, who):
    appeal = requested(people, referred)
    with pytest.raises(appeals.AppealRefused) as refused:
        appeals.assign_reviewer(appeal, people[who], people["hub"])
    assert refused.value.field == "reviewer"
    db.session.rollback()
    assert appeal.status is AppealStatus.REQUESTED and appeal.reviewer_id is None
    assert events("appeal.assigned") == 0


def test_a_hub_admin_who_gave_the_agreed_mark_is_one_of_its_markers(people):
    piece = drive(people, S.RELEASED, first=(40, 45), second=(80, 80))  # far apart: an agreed mark decides
    assert piece.status is S.IN_MODERATION
    workflow.save_mark(piece, MarkKind.AGREED, marks(55, 55), "Agreed.", 0, people["hub"], rationale="Met.")
    db.session.flush()
    workflow.complete_agreed_mark(piece, people["hub"])
    workflow.release(people["assignment"], people["cohort"], people["hub"])
    db.session.commit()
    assert people["hub"].id in appeals.marked_by(piece)
    assert people["other"].id not in appeals.marked_by(piece)


def test_a_reviewer_must_be_a_trainer_of_the_cohort(people, referred):
    appeal = requested(people, referred)
    with pytest.raises(appeals.AppealRefused) as refused:
        appeals.assign_reviewer(appeal, make_user(Role.TRAINER), people["hub"])
    assert refused.value.field == "reviewer"


def test_only_a_hub_admin_assigns_a_reviewer(people, referred):
    appeal = requested(people, referred)
    with pytest.raises(PermissionDenied):
        appeals.assign_reviewer(appeal, people["other"], people["marker"])


def test_assigning_a_reviewer_tells_them_and_is_audited_once(people, referred):
    appeal = requested(people, referred)
    appeals.assign_reviewer(appeal, people["other"], people["hub"])
    appeals.assign_reviewer(appeal, people["other"], people["hub"])  # sent twice
    db.session.commit()
    assert appeal.status is AppealStatus.ASSIGNED and appeal.reviewer_id == people["other"].id
    assert events("appeal.assigned") == 1
    assert any(m.recipient == people["other"].email for m in outbox())


def test_a_refused_assignment_over_http_shows_the_message_next_to_the_reviewer(app, client, people, referred):
    appeal = requested(people, referred)
    sign_in(client, people["hub"])
    response = post_form(
        client, f"/marking/appeals/{appeal.public_id}/reviewer", {"reviewer": people["marker"].public_id}
    )
    assert response.status_code == 200 and 'id="reviewer-error"' in response.get_data(as_text=True)
    assert db.session.get(Appeal, appeal.id).reviewer_id is None


# --- the appeal page and the open-appeals list


def test_trainers_and_the_hub_see_open_appeals_with_their_deadlines(app, client, people, referred):
    appeal = requested(people, referred)
    for who in ("hub", "marker"):
        sign_in(client, people[who])
        page = client.get("/marking/appeals/").get_data(as_text=True)
        assert f"{appeal.decide_by:%-d %B %Y}" in page and "Waiting for a reviewer" in page
    assert "Open appeals (1)" in client.get("/marking/").get_data(as_text=True)


def test_the_statement_is_seen_by_the_hub_and_the_reviewer_only(app, client, people, referred):
    appeal = assigned(people, referred)
    url = f"/marking/appeals/{appeal.public_id}"
    for who, status in (("hub", 200), ("other", 200), ("marker", 404), ("second", 404)):
        sign_in(client, people[who])
        response = client.get(url)
        assert response.status_code == status, who
        if status == 200:
            assert "The accuracy marks do not match the rubric." in response.get_data(as_text=True)


def test_the_reviewer_sees_every_mark_and_the_moderation_history(app, client, people, referred):
    appeal = assigned(people, referred)
    sign_in(client, people["other"])
    page = client.get(f"/marking/appeals/{appeal.public_id}").get_data(as_text=True)
    for text in (
        "First mark:",
        "Second mark:",
        "Accuracy feedback.",
        "Overall.",
        "Sampled for moderation",
        "Released",
    ):
        assert text in page, text


# --- the outcome


def test_only_the_assigned_reviewer_decides(people, referred):
    appeal = assigned(people, referred)
    for who in ("hub", "marker"):
        with pytest.raises(PermissionDenied):
            appeals.decide(appeal, "not_upheld", "No.", people[who])


@pytest.mark.parametrize(
    ("outcome", "reasons", "field"), [("", "Reasons.", "outcome"), ("upheld", " ", "reasons")]
)
def test_a_decision_without_outcome_or_reasons_is_refused_on_its_field(
    people, referred, outcome, reasons, field
):
    appeal = assigned(people, referred)
    with pytest.raises(appeals.AppealRefused) as refused:
        appeals.decide(appeal, outcome, reasons, people["other"], criteria=marks(70, 70))
    assert refused.value.field == field


def test_an_upheld_review_with_the_same_result_is_refused_and_writes_nothing(people, referred):
    appeal = assigned(people, referred)
    with pytest.raises(workflow.MarkingRefused) as refused:
        appeals.decide(appeal, "upheld", "Same.", people["other"], criteria=marks(40, 45))
    assert refused.value.field == "outcome"
    db.session.rollback()
    assert appeal.status is AppealStatus.ASSIGNED
    assert db.session.scalar(sa.select(Mark).where(Mark.kind == MarkKind.REVIEW)) is None


def test_upheld_the_review_mark_decides_the_result_the_module_and_the_trainee_is_told(people, referred):
    p = people
    module = p["assignment"].module
    state = {o.module.id: o.state for o in outcomes(p["enrolment"], overview(p["enrolment"]))}
    assert state[module.id] is ModuleState.REFERRED
    appeal = assigned(p, referred)
    appeals.decide(
        appeal, "upheld", "Accuracy meets Pass.", p["other"], criteria=marks(58, 62), feedback="New view."
    )
    db.session.commit()
    assert appeal.status is AppealStatus.UPHELD and appeal.decided_at is not None
    assert (referred.status, referred.result_band, referred.resubmission_due_on) == (S.RELEASED, "pass", None)
    deciding = workflow.released_result(referred)
    assert deciding.kind is MarkKind.REVIEW and deciding.marker_id == p["other"].id
    state = {o.module.id: o.state for o in outcomes(p["enrolment"], overview(p["enrolment"]))}
    assert state[module.id] is not ModuleState.REFERRED
    assert events("appeal.decided") == 1
    assert any(m.recipient == p["trainee"].email and "outcome of your review" in m.subject for m in outbox())


def test_upheld_down_to_a_fail_refers_the_piece_for_resubmission(people, passed):
    appeal = assigned(people, passed)
    appeals.decide(appeal, "upheld", "Accuracy is below Pass.", people["other"], criteria=marks(40, 60))
    db.session.commit()
    assert passed.status is S.REFERRED and passed.resubmission_due_on is not None


@pytest.mark.parametrize("outcome", ["not_upheld", "referred"])
def test_not_upheld_or_referred_leaves_the_mark_as_it_was(people, referred, outcome):
    appeal = assigned(people, referred)
    appeals.decide(appeal, outcome, "The marking follows the rubric.", people["other"])
    db.session.commit()
    assert appeal.status is AppealStatus(outcome)
    assert (referred.status, referred.result_band) == (S.REFERRED, "fail")
    assert workflow.released_result(referred).kind is not MarkKind.REVIEW


def test_a_decision_sent_twice_is_recorded_once(people, referred):
    appeal = assigned(people, referred)
    appeals.decide(appeal, "not_upheld", "Stands.", people["other"])
    with pytest.raises(appeals.AppealRefused):
        appeals.decide(appeal, "not_upheld", "Stands.", people["other"])
    assert events("appeal.decided") == 1


def test_an_upheld_decision_over_http_keeps_typed_marks_when_refused(app, client, people, referred):
    appeal = assigned(people, referred)
    sign_in(client, people["other"])
    data = {"outcome": "upheld", "reasons": "Better.", "band-accuracy": "pass", "mark-accuracy": "58"}
    response = post_form(client, f"/marking/appeals/{appeal.public_id}", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'value="58"' in page and "Better." in page
    assert db.session.get(Appeal, appeal.id).status is AppealStatus.ASSIGNED


# --- what it means for accreditation


def test_an_upheld_change_to_a_credentialled_mark_tells_the_hub_to_review_the_credential(app, tmp_path):
    credential = make_credential(tmp_path)
    enrolment = credential.enrolment
    reviewer = make_user(Role.TRAINER)
    enrolment.cohort.trainers.append(reviewer)
    piece = db.session.scalar(sa.select(Submission).where(Submission.enrolment_id == enrolment.id))
    appeal = appeals.request_review(piece, "procedure", "Checking the capstone.", enrolment.user)
    appeals.assign_reviewer(appeal, reviewer, make_user(Role.HUB_ADMIN))
    appeals.decide(appeal, "upheld", "Accuracy is below Pass.", reviewer, criteria=marks(40, 60))
    db.session.commit()
    assert not evaluate(enrolment).eligible
    (notice,) = appeals.notices_for(appeal)
    assert credential.code in notice.text and "no longer meets" in notice.text
    assert notice.endpoint == ("accreditation.credential", {"code": credential.code})


def test_the_time_to_resubmit_waits_while_a_referred_piece_is_reviewed(people, referred):
    due = referred.resubmission_due_on
    appeal = requested(people, referred)
    appeals.assign_reviewer(appeal, people["other"], people["hub"])
    appeals.decide(
        appeal, "not_upheld", "Stands.", people["other"], now=appeal.requested_at + timedelta(days=9)
    )
    db.session.commit()
    assert referred.resubmission_due_on == due + timedelta(days=9)


def test_a_reviewer_in_an_anonymously_marked_cohort_sees_the_candidate_number(app, client, people, referred):
    people["cohort"].anonymous_marking = True
    appeal = assigned(people, referred)
    sign_in(client, people["other"])
    page = client.get(f"/marking/appeals/{appeal.public_id}").get_data(as_text=True)
    assert f"Candidate {people['enrolment'].candidate_number}" in page
    assert people["trainee"].name not in page


def test_no_accreditation_notice_where_the_version_awards_no_credential(people, referred):
    appeal = assigned(people, referred)
    appeals.decide(appeal, "upheld", "Accuracy meets Pass.", people["other"], criteria=marks(58, 62))
    db.session.commit()
    assert appeals.notices_for(appeal) == []


def test_an_upheld_change_for_a_trainee_not_yet_eligible_says_there_is_nothing_to_do(app, tmp_path):
    marker, reviewer = make_user(Role.TRAINER), make_user(Role.TRAINER)
    enrolment = make_enrolment(make_cohort(make_accreditation_version(tmp_path), [marker, reviewer]))
    complete_training(enrolment, marker)
    db.session.execute(sa.delete(Declaration).where(Declaration.enrolment_id == enrolment.id))
    piece = db.session.scalar(sa.select(Submission).where(Submission.enrolment_id == enrolment.id))
    appeal = appeals.request_review(piece, "procedure", "Checking the capstone.", enrolment.user)
    appeals.assign_reviewer(appeal, reviewer, make_user(Role.HUB_ADMIN))
    appeals.decide(appeal, "upheld", "Better than marked.", reviewer, criteria=marks(75, 80))
    db.session.commit()
    (notice,) = appeals.notices_for(appeal)
    assert "nothing to do now" in notice.text
    assert notice.endpoint == ("accreditation.eligibility", {"public_id": enrolment.public_id})
