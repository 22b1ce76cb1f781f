"""Academic-integrity cases: who may open, respond and decide; every refusal on its field; an open case
holds the piece's release and the trainee's award; penalties at release; audit and mail with the change;
the pages keep what was typed."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.accreditation.approval import approval_queue, approve
from app.accreditation.eligibility import evaluate
from app.accreditation.errors import AccreditationError
from app.audit.models import AuditEvent
from app.auth.access import PermissionDenied
from app.auth.models import Role
from app.database import db
from app.demo import complete_training
from app.learning.models import Submission
from app.mail.services import outbox
from app.marking import integrity, workflow
from app.marking.models import IntegrityCase, Penalty
from tests.conftest import post_form, sign_in
from tests.factories import make_accreditation_version, make_cohort, make_enrolment, make_user
from tests.integration.test_marking import S, drive
from tests.integration.test_marking import people as people  # the fixture, re-exported

STATEMENT = "Paragraphs 2 and 3 match a published report word for word, without a reference."


def opened(p, piece, who="marker"):
    case = integrity.open_integrity_case(piece, "plagiarism", STATEMENT, p[who])
    db.session.commit()
    return case


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


# --- who may open a case, and on what


@pytest.mark.parametrize("who", ["marker", "second", "hub", "other", "trainee"])
def test_only_the_pieces_markers_or_a_hub_admin_open_a_case(people, who):
    piece = drive(people, S.IN_MODERATION)
    if who in ("marker", "second", "hub"):
        case = opened(people, piece, who)
        assert case.is_open and case.held_submission_id == piece.id
    else:
        with pytest.raises(PermissionDenied):
            integrity.open_integrity_case(piece, "plagiarism", STATEMENT, people[who])


@pytest.mark.parametrize("state", [S.SUBMITTED, S.IN_MARKING, S.MARKED, S.IN_MODERATION, S.READY_FOR_RELEASE])
def test_a_case_may_be_opened_on_work_in_until_its_release(people, state):
    piece = drive(people, state)
    assert piece.status is state
    assert opened(people, piece, "hub").is_open


def test_a_case_cannot_be_opened_on_a_released_piece(people):
    piece = drive(people, S.RELEASED)
    with pytest.raises(integrity.IntegrityRefused) as refused:
        integrity.open_integrity_case(piece, "plagiarism", STATEMENT, people["hub"])
    assert refused.value.field is None


@pytest.mark.parametrize(
    ("kind", "statement", "field"),
    [("", STATEMENT, "kind"), ("gossip", STATEMENT, "kind"), ("collusion", "  ", "statement")],
)
def test_opening_needs_a_kind_from_the_list_and_a_statement(people, kind, statement, field):
    piece = drive(people, S.IN_MARKING)
    with pytest.raises(integrity.IntegrityRefused) as refused:
        integrity.open_integrity_case(piece, kind, statement, people["marker"])
    assert refused.value.field == field


def test_one_case_at_a_time_and_the_same_case_sent_twice_is_opened_once(people):
    piece = drive(people, S.IN_MARKING)
    first = opened(people, piece)
    assert integrity.open_integrity_case(piece, "plagiarism", STATEMENT, people["marker"]).id == first.id
    with pytest.raises(integrity.IntegrityRefused, match="already open"):
        integrity.open_integrity_case(piece, "collusion", "Another concern.", people["hub"])
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(IntegrityCase.id))) == 1
    assert len(events("integrity.opened")) == 1


def test_opening_is_audited_and_the_trainee_is_told_with_the_statement(people):
    piece = drive(people, S.IN_MARKING)
    case = opened(people, piece)
    (event,) = events("integrity.opened")
    assert event.subject_id == case.public_id and event.details["statement"] == STATEMENT
    message = outbox(limit=1)[0]
    assert message.recipient == people["trainee"].email and STATEMENT in message.body


# --- the trainee's response


def test_the_trainee_may_respond_while_the_case_is_open_and_no_one_else_may(people):
    piece = drive(people, S.IN_MARKING)
    case = opened(people, piece)
    with pytest.raises(PermissionDenied):
        integrity.respond(case, "Not mine to say.", people["marker"])
    with pytest.raises(integrity.IntegrityRefused) as refused:
        integrity.respond(case, " ", people["trainee"])
    assert refused.value.field == "response"
    integrity.respond(case, "I quoted the report and forgot the reference.", people["trainee"])
    db.session.commit()
    assert case.response.startswith("I quoted") and events("integrity.responded")
    integrity.decide(case, "cleared", None, "A missing reference, now added.", people["hub"])
    with pytest.raises(integrity.IntegrityRefused):
        integrity.respond(case, "One more thing.", people["trainee"])


# --- deciding


@pytest.mark.parametrize("who", ["marker", "second", "other", "trainee"])
def test_only_a_hub_admin_decides(people, who):
    case = opened(people, drive(people, S.IN_MARKING))
    with pytest.raises(PermissionDenied):
        integrity.decide(case, "cleared", None, "Fine.", people[who])


@pytest.mark.parametrize(
    ("outcome", "penalty", "reasons", "field"),
    [
        ("", None, "Reasons.", "outcome"),
        ("forgiven", None, "Reasons.", "outcome"),
        ("upheld", None, "Reasons.", "penalty"),
        ("upheld", "expelled", "Reasons.", "penalty"),
        ("cleared", None, "", "reasons"),
    ],
)
def test_a_decision_needs_an_outcome_a_listed_penalty_if_upheld_and_reasons(
    people, outcome, penalty, reasons, field
):
    case = opened(people, drive(people, S.IN_MARKING))
    with pytest.raises(integrity.IntegrityRefused) as refused:
        integrity.decide(case, outcome, penalty, reasons, people["hub"])
    assert refused.value.field == field


def test_a_referred_case_still_holds_until_the_boards_decision_is_recorded(people):
    piece = drive(people, S.READY_FOR_RELEASE)
    case = opened(people, piece)
    integrity.decide(case, "referred", None, "The board decides suspected collusion.", people["hub"])
    db.session.commit()
    assert case.is_open and integrity.open_case(piece) is case
    with pytest.raises(integrity.IntegrityRefused) as refused:
        integrity.decide(case, "referred", None, "Again.", people["hub"])
    assert refused.value.field == "outcome"
    integrity.decide(case, "cleared", None, "The board found no collusion.", people["hub"])
    db.session.commit()
    assert not case.is_open and integrity.open_case(piece) is None
    assert [e.details["outcome"] for e in events("integrity.decided")] == ["referred", "cleared"]


def test_the_same_decision_sent_twice_is_recorded_once(people):
    case = opened(people, drive(people, S.IN_MARKING))
    integrity.decide(case, "cleared", None, "Referenced properly after all.", people["hub"])
    integrity.decide(case, "cleared", None, "Referenced properly after all.", people["hub"])
    db.session.commit()
    assert len(events("integrity.decided")) == 1
    assert "decided" in outbox(limit=1)[0].body


# --- the holds


def test_an_open_case_holds_the_release_until_it_is_cleared(people):
    piece = drive(people, S.READY_FOR_RELEASE)
    case = opened(people, piece)
    with pytest.raises(workflow.MarkingRefused, match="held"):
        workflow.release(people["assignment"], people["cohort"], people["hub"])
    db.session.rollback()
    assert db.session.get(Submission, piece.id).status is S.READY_FOR_RELEASE
    integrity.decide(case, "cleared", None, "No concern remains.", people["hub"])
    (released,) = workflow.release(people["assignment"], people["cohort"], people["hub"])
    assert released.status is S.RELEASED and released.result_band == "merit"


def test_a_held_piece_stays_back_while_the_others_are_released(people):
    held = drive(people, S.READY_FOR_RELEASE)
    other = make_enrolment(people["cohort"], make_user(Role.TRAINEE))
    second = dict(people, enrolment=other, trainee=other.user)
    free = drive(second, S.READY_FOR_RELEASE)
    opened(people, held)
    released = workflow.release(people["assignment"], people["cohort"], people["hub"])
    assert released == [free] and held.status is S.READY_FOR_RELEASE


@pytest.mark.parametrize(
    ("penalty", "status", "band"),
    [
        (Penalty.FORMAL_WARNING, S.RELEASED, "merit"),
        (Penalty.RESUBMISSION_REQUIRED, S.REFERRED, "fail"),
        (Penalty.MARK_REDUCED_TO_FAIL, S.RELEASED, "fail"),
    ],
)
def test_an_upheld_cases_penalty_applies_at_release(people, penalty, status, band):
    piece = drive(people, S.READY_FOR_RELEASE)
    integrity.decide(
        opened(people, piece), "upheld", penalty.value, "The passages were copied.", people["hub"]
    )
    (released,) = workflow.release(people["assignment"], people["cohort"], people["hub"])
    assert (released.status, released.result_band) == (status, band)
    (event,) = events("marking.released")
    assert event.details["penalty"] == penalty.value


def test_an_open_case_holds_the_award_and_the_refusal_names_it(app, tmp_path):
    version = make_accreditation_version(tmp_path)
    trainer, hub = make_user(Role.TRAINER), make_user(Role.HUB_ADMIN)
    enrolment = make_enrolment(make_cohort(version, [trainer]))
    complete_training(enrolment, trainer)
    piece = db.session.scalar(sa.select(Submission).where(Submission.enrolment_id == enrolment.id).limit(1))
    case = IntegrityCase(
        submission_id=piece.id,
        enrolment_id=enrolment.id,
        held_submission_id=piece.id,
        kind="fabrication",
        statement="The supervision dates do not match the log.",
    )
    db.session.add(case)
    db.session.commit()
    check = evaluate(enrolment)
    assert not check.eligible
    assert [r.label for r in check.requirements if not r.met] == ["No academic-integrity case open"]
    assert approval_queue() == []
    with pytest.raises(AccreditationError) as refused:
        approve(enrolment, "", hub)
    assert refused.value.field == "integrity"
    db.session.rollback()
    integrity.decide(db.session.get(IntegrityCase, case.id), "cleared", None, "The log was right.", hub)
    assert evaluate(enrolment).eligible


# --- the pages


def test_the_marker_opens_a_case_on_the_page_and_it_shows_held(people, app):
    piece = drive(people, S.IN_MARKING)
    client = app.test_client()
    sign_in(client, people["marker"])
    url = f"/marking/pieces/{piece.public_id}"
    page = client.get(url).get_data(as_text=True)
    assert "Open an academic-integrity case" in page and "Held: integrity case open" not in page
    response = post_form(client, f"{url}/integrity", {"kind": "collusion", "statement": STATEMENT})
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Held: integrity case open" in page and STATEMENT in page
    assert "Tara Traineename" not in page  # anonymous marking: never the name


def test_a_refused_case_keeps_what_was_typed_and_writes_nothing(people, app):
    piece = drive(people, S.IN_MARKING)
    client = app.test_client()
    sign_in(client, people["marker"])
    page = post_form(client, f"/marking/pieces/{piece.public_id}/integrity", {"statement": STATEMENT})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="kind-error"' in html and STATEMENT in html
    assert db.session.scalar(sa.select(sa.func.count(IntegrityCase.id))) == 0
    assert not events("integrity.opened")


def test_the_hub_decides_on_the_page_and_a_refusal_sits_by_its_field(people, app):
    piece = drive(people, S.IN_MARKING)
    opened(people, piece)
    client = app.test_client()
    sign_in(client, people["hub"])
    url = f"/marking/pieces/{piece.public_id}/integrity/outcome"
    html = post_form(client, url, {"outcome": "upheld", "reasons": "Copied."}).get_data(as_text=True)
    assert 'id="penalty-error"' in html and "Copied." in html
    response = post_form(client, url, {"outcome": "cleared", "reasons": "No concern."})
    assert response.status_code == 302 and integrity.open_case(piece) is None


def test_the_trainee_reads_the_case_and_responds_on_the_receipt(people, app):
    piece = drive(people, S.IN_MARKING)
    opened(people, piece)
    client = app.test_client()
    sign_in(client, people["trainee"])
    slug = people["assignment"].module.slug
    page = client.get(f"/learn/{slug}/assignment/receipt").get_data(as_text=True)
    assert "A question about the integrity of this work" in page and STATEMENT in page
    html = post_form(client, f"/learn/{slug}/assignment/integrity-response", {"response": ""})
    assert 'id="response-error"' in html.get_data(as_text=True)
    post_form(client, f"/learn/{slug}/assignment/integrity-response", {"response": "I forgot a reference."})
    assert integrity.open_case(piece).response == "I forgot a reference."


def test_only_the_hub_reads_the_trainees_response_the_marker_sees_that_there_is_one(people, app):
    piece = drive(people, S.IN_MARKING)
    integrity.respond(opened(people, piece), "I was unwell that week and rushed it.", people["trainee"])
    db.session.commit()
    url = f"/marking/pieces/{piece.public_id}"
    for who, reads in (("marker", False), ("hub", True)):
        client = app.test_client()
        sign_in(client, people[who])
        page = client.get(url).get_data(as_text=True)
        assert ("I was unwell that week" in page) is reads
        assert reads or "The trainee has responded" in page
