"""Submitting written work with care: the page shows what to check (length against the brief, the file,
anything that looks identifying); identifying details are a warning the trainee can act on or confirm;
a marker can return work that identifies someone, unmarked, with a note the trainee reads."""

from __future__ import annotations

import pytest

from app.audit.services import events_for
from app.auth.models import Role
from app.database import db
from app.learning import assignments
from app.learning.models import SubmissionStatus
from app.mail.services import outbox
from app.marking import workflow
from tests.conftest import post_form, sign_in
from tests.factories import make_assessed_version, make_cohort, make_enrolment, make_user

IDENTIFYING = "I met the person on 03/04/1990 and called them on 07700 900123 about their claim."


@pytest.fixture
def draft(app, tmp_path):
    trainer = make_user(Role.TRAINER)
    cohort = make_cohort(make_assessed_version(tmp_path), [trainer])
    trainee = make_user(Role.TRAINEE)
    module = cohort.curriculum_version.modules[0]
    piece = assignments.current_submission(make_enrolment(cohort, trainee), module.assignment, trainee)
    db.session.commit()
    return piece, trainee, trainer, module


def test_identifying_details_are_a_warning_on_their_own_field_then_can_be_confirmed(draft):
    piece, trainee, _, _ = draft
    with pytest.raises(assignments.SubmissionRefused) as refusal:
        assignments.submit(piece, IDENTIFYING, piece.revision, True, trainee)
    assert refusal.value.field == "identifiers" and "a date" in refusal.value.message
    assert "a phone number" in refusal.value.message
    db.session.rollback()
    submitted = assignments.submit(
        piece, IDENTIFYING, piece.revision, True, trainee, identifiers_checked=True
    )
    assert submitted.status is SubmissionStatus.SUBMITTED


def test_the_page_shows_the_check_before_submitting(client, draft):
    piece, trainee, _, module = draft
    assignments.save_draft(piece, "Eight words only, far short of the brief.", piece.revision, trainee)
    db.session.commit()
    sign_in(client, trainee)
    page = client.get(f"/learn/{module.slug}/assignment").get_data(as_text=True)
    assert "Check it is finished" in page and "8 of up to" in page
    assert "None found in your saved draft" in page
    refused = post_form(
        client,
        f"/learn/{module.slug}/assignment",
        {"text": IDENTIFYING, "revision": piece.revision, "declaration": "yes", "action": "submit"},
    )
    text = refused.get_data(as_text=True)
    assert refused.status_code == 200 and 'id="identifiers-error"' in text and IDENTIFYING in text


def test_a_marker_returns_identifying_work_unmarked_and_the_trainee_is_told(client, draft):
    piece, trainee, trainer, module = draft
    assignments.submit(piece, "A careful piece of work.", piece.revision, True, trainee)
    workflow.allocate(piece, trainer, make_user(Role.HUB_ADMIN))
    digest = piece.sha256
    db.session.commit()
    with pytest.raises(workflow.MarkingRefused) as refusal:
        workflow.return_for_anonymisation(piece, " ", trainer)
    assert refusal.value.field == "note"
    db.session.rollback()
    workflow.return_for_anonymisation(piece, "A first name in paragraph 2.", trainer)
    db.session.commit()
    assert piece.status is SubmissionStatus.DRAFT and piece.sha256 is None and piece.result_total is None
    event = events_for(piece)[-1]
    assert event.action == "marking.returned_for_anonymisation" and event.details["sha256"] == digest
    assert "A first name in paragraph 2." in outbox(limit=1)[0].body
    sign_in(client, trainee)
    page = client.get(f"/learn/{module.slug}/assignment").get_data(as_text=True)
    assert "returned this work before marking" in page and "A first name in paragraph 2." in page
    again = assignments.submit(piece, "A careful piece of work, changed.", piece.revision, True, trainee)
    assert again.status is SubmissionStatus.SUBMITTED and again.returned_note is None


def test_only_the_marker_or_the_hub_returns_work(draft):
    piece, trainee, _, _ = draft
    assignments.submit(piece, "A careful piece of work.", piece.revision, True, trainee)
    with pytest.raises(workflow.PermissionDenied):
        workflow.return_for_anonymisation(piece, "A name.", make_user(Role.TRAINER))
