"""The marking core in Welsh (#19): the queue and a piece for a Welsh-speaking trainer, the receipt and the
result for a Welsh-speaking trainee, and the result email in the trainee's language. Bands are shown in
Welsh but stored as their English keys; the trainee's text and the trainer's feedback are never translated."""

from __future__ import annotations

import pytest

from app.auth.models import Role
from app.database import db
from app.learning import assignments
from app.learning.models import SubmissionStatus
from app.mail.services import outbox
from app.marking import workflow
from app.marking.models import MarkKind
from tests.conftest import post_form, prefer_welsh, sign_in, welsh_page
from tests.factories import make_assessed_version, make_cohort, make_enrolment, make_user

S = SubmissionStatus
TEXT = "My written work about independence."
RECEIPT = "/learn/m01-module-1/assignment/receipt"


def _marks(mark: float) -> dict[str, workflow.CriterionInput]:
    band = "merit" if 60 <= mark < 70 else "pass"
    return {
        "accuracy": workflow.CriterionInput(band, mark, "Accuracy feedback."),
        "clarity": workflow.CriterionInput(band, mark, "Clarity feedback."),
    }


@pytest.fixture
def welsh(app, tmp_path):
    version = make_assessed_version(tmp_path)
    marker = make_user(Role.TRAINER, name="Ash Marker")
    second = make_user(Role.TRAINER, name="Bea Second")
    marker.language = second.language = "cy"
    cohort = make_cohort(version, trainers=[marker, second])
    enrolment = make_enrolment(cohort, make_user(Role.TRAINEE, name="Tara Traineename"))
    enrolment.user.language = "cy"
    hub = make_user(Role.HUB_ADMIN)  # English: the default
    db.session.commit()
    piece = assignments.current_submission(enrolment, version.modules[0].assignment, enrolment.user)
    assignments.submit(piece, TEXT, piece.revision, True, enrolment.user)
    workflow.allocate(piece, marker, hub)
    db.session.commit()
    return {"marker": marker, "second": second, "hub": hub, "trainee": enrolment.user, "piece": piece}


def _release(w) -> None:
    piece, marker, second = w["piece"], w["marker"], w["second"]
    workflow.start_marking(piece, marker)
    db.session.flush()
    workflow.save_mark(piece, MarkKind.FIRST, _marks(65), "Overall, well argued.", 1, marker)
    workflow.complete_marking(piece, marker)
    workflow.select_for_moderation(piece.assignment, piece.enrolment.cohort, w["hub"], seed=1)
    db.session.commit()
    if piece.status is S.IN_MODERATION:
        workflow.save_mark(piece, MarkKind.SECOND, _marks(64), "Second.", 0, second)
        db.session.flush()
        workflow.complete_second_mark(piece, second)
        db.session.commit()
    assert piece.status is S.READY_FOR_RELEASE


def test_a_welsh_trainer_sees_the_marking_queue_in_welsh(welsh, client):
    sign_in(client, welsh["marker"])
    page = welsh_page(client, "/marking/")
    assert "Fy marcio" in page and "Darnau i’w marcio" in page
    assert "Cyflwynwyd" in page  # the piece's status, shown in Welsh
    assert "My marking" not in page


def test_a_welsh_trainer_marks_a_piece_in_welsh_and_the_work_stays_as_written(welsh, client):
    piece = welsh["piece"]
    sign_in(client, welsh["marker"])
    post_form(client, f"/marking/pieces/{piece.public_id}/start")
    page = welsh_page(client, f"/marking/pieces/{piece.public_id}")
    assert "Marc cyntaf" in page and "Teilyngdod" in page and "Rhagoriaeth" in page
    assert "Cadw a gorffen" in page and TEXT in page
    # A refusal is in Welsh and names the bands in Welsh; the form keeps what was typed.
    form = {"version": "1", "action": "save", "feedback": "Dal ati."}  # start_marking made version 1
    for key in ("accuracy", "clarity"):
        form |= {f"band-{key}": "distinction", f"mark-{key}": "65", f"feedback-{key}": "Adborth y marciwr."}
    refused = post_form(client, f"/marking/pieces/{piece.public_id}", form).get_data(as_text=True)
    assert "yn y band Teilyngdod, nid Rhagoriaeth" in refused and "Adborth y marciwr." in refused
    form |= {"band-accuracy": "merit", "band-clarity": "merit"}
    assert post_form(client, f"/marking/pieces/{piece.public_id}", form).status_code == 302
    assert workflow.marks_of(piece)[MarkKind.FIRST].band == "merit"  # stored as the English key


def test_a_welsh_hub_admin_sees_the_assessment_and_its_report_in_welsh(welsh, client):
    sign_in(client, prefer_welsh(welsh["hub"]))
    base = f"/marking/assessments/{welsh['piece'].enrolment.cohort.public_id}/m01-module-1"
    assert "Rhyddhau canlyniadau" in welsh_page(client, base)
    report = welsh_page(client, f"{base}/report")
    assert "Adroddiad marcio" in report and "Canlyniadau fesul band" in report and "Llwyddo" in report


def test_a_welsh_trainee_reads_the_receipt_and_then_the_result_in_welsh(welsh, client):
    sign_in(client, welsh["trainee"])
    page = welsh_page(client, RECEIPT)
    assert "Mae eich gwaith wedi’i gyflwyno" in page and "Eich derbynneb" in page and TEXT in page
    _release(welsh)
    workflow.release(welsh["piece"].assignment, welsh["piece"].enrolment.cohort, welsh["hub"])
    db.session.commit()
    page = welsh_page(client, RECEIPT)
    assert "Eich canlyniad: Teilyngdod" in page and "allan o 100" in page
    assert "Accuracy feedback." in page and "Overall, well argued." in page  # the trainer's words as written


def test_the_result_email_is_in_the_trainees_language_and_the_admins_page_stays_english(welsh, client):
    _release(welsh)
    sign_in(client, welsh["hub"])
    base = f"/marking/assessments/{welsh['piece'].enrolment.cohort.public_id}/m01-module-1"
    response = post_form(client, base, {"action": "release"}, follow_redirects=True)
    assert "1 result released; trainees have been told." in response.get_data(as_text=True)
    mail = outbox(limit=1)[0]
    assert mail.recipient == welsh["trainee"].email
    assert mail.subject == "Eich canlyniad ar gyfer Test assignment"
    assert mail.body.startswith("Helo Tara Traineename,")
    assert "Mae eich canlyniad ar gyfer “Test assignment” wedi’i ryddhau." in mail.body
    assert "Darllenwch eich marc ac adborth eich hyfforddwr yma:" in mail.body


def test_work_returned_to_anonymise_tells_the_trainee_in_welsh_with_the_note_as_written(welsh, client):
    piece = welsh["piece"]
    sign_in(client, welsh["marker"])
    note = "A date of birth in paragraph 2."
    response = post_form(
        client, f"/marking/pieces/{piece.public_id}/return", {"note": note}, follow_redirects=True
    )
    assert "Mae’r gwaith wedi mynd yn ôl at yr hyfforddai" in response.get_data(as_text=True)
    mail = outbox(limit=1)[0]
    assert mail.subject == "Mae eich gwaith ysgrifenedig wedi’i ddychwelyd atoch i’w anonymeiddio"
    assert "Beth i’w newid:" in mail.body and note in mail.body
