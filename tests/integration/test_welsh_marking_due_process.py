"""Welsh in marking's due process (appeals, special consideration, integrity cases, extensions): the pages
of the trainee and of the staff who decide are in Welsh for a Welsh-preferring reader, refusals too, and the
emails go out in the recipient's language. English stays the default (the English tests are unchanged)."""

from __future__ import annotations

from datetime import timedelta

from babel.dates import format_date

from app.database import db, utcnow
from app.learning import assignments
from app.mail.services import outbox
from app.marking import appeals, consideration, integrity
from app.workdays import london_date
from tests.conftest import post_form, prefer_welsh, sign_in, welsh_page
from tests.integration.test_marking import S, drive
from tests.integration.test_marking import people as people  # the fixture, re-exported

STATEMENT = "Paragraphs 2 and 3 match a published report word for word, without a reference."


def mail_to(user):
    return next(m for m in outbox() if m.recipient == user.email)


def test_the_trainees_review_and_special_consideration_pages_are_in_welsh(people, client):
    drive(people, S.RELEASED, first=(40, 45), second=(42, 45))
    prefer_welsh(people["trainee"])
    sign_in(client, people["trainee"])
    slug = people["assignment"].module.slug
    review = welsh_page(client, f"/learn/{slug}/assignment/review")
    assert "Gofyn am adolygiad o’ch marc" in review and "Pam ydych chi’n gofyn am adolygiad?" in review
    assert "Nid yw’r marcio yn unol â’r cynllun marcio" in review  # a ground, from the enum's label
    mine = welsh_page(client, "/learn/special-consideration")
    assert "Nid ydych chi wedi gofyn am ystyriaeth arbennig." in mine
    ask = welsh_page(client, "/learn/special-consideration/new")
    assert "Am ba asesiad mae hyn?" in ask and "Dewiswch asesiad" in ask
    assert "Dim ond gweinyddwyr yr Hyb sy’n penderfynu" in ask


def test_a_refusal_is_in_welsh_next_to_its_field_and_keeps_what_was_typed(people, client):
    drive(people, S.RELEASED, first=(40, 45), second=(42, 45))
    prefer_welsh(people["trainee"])
    sign_in(client, people["trainee"])
    url = f"/learn/{people['assignment'].module.slug}/assignment/review"
    response = post_form(client, url, {"grounds": "", "statement": "The accuracy marks."})
    text = response.get_data(as_text=True)
    assert 'id="grounds-error"' in text and "Dewiswch seiliau eich cais." in text
    assert "The accuracy marks." in text  # what was typed stays as typed, in English


def test_the_staff_appeal_pages_are_in_welsh_with_the_marking_history(people, client):
    piece = drive(people, S.RELEASED, first=(40, 45), second=(42, 45))
    appeal = appeals.request_review(piece, "rubric", "The accuracy marks do not match.", people["trainee"])
    db.session.commit()
    prefer_welsh(people["hub"])
    sign_in(client, people["hub"])
    listed = welsh_page(client, "/marking/appeals/")
    assert "Apeliadau agored" in listed and "Yn aros am adolygydd" in listed
    shown = welsh_page(client, f"/marking/appeals/{appeal.public_id}")
    assert "Neilltuo adolygydd" in shown and "Pob cam, yn eu trefn" in shown
    assert "Samplwyd i’w gymedroli" in shown and "Wedi’i ryddhau" in shown  # the history's steps
    assert "The accuracy marks do not match." in shown  # the trainee's words are not translated


def test_the_hubs_special_consideration_and_extension_pages_are_in_welsh(people, client):
    today = london_date(utcnow())
    asked = consideration.request_consideration(
        people["enrolment"],
        f"quiz:{people['assignment'].module.quiz.id}",
        today,
        "My father was taken into hospital.",
        None,
        people["trainee"],
        today=today,
    )
    db.session.commit()
    prefer_welsh(people["hub"])
    sign_in(client, people["hub"])
    queue = welsh_page(client, "/marking/special-consideration")
    assert "Ceisiadau am ystyriaeth arbennig" in queue and "Yn aros am benderfyniad" in queue
    request = welsh_page(client, f"/marking/special-consideration/{asked.public_id}")
    assert "Caniatáu’r cais" in request and "Cofnodi’r penderfyniad" in request
    extension = welsh_page(client, "/marking/extensions/new")
    assert "Rhoi estyniad" in extension and "Dyddiad cyflwyno newydd" in extension


def test_the_integrity_panel_is_in_welsh(people, client):
    piece = drive(people, S.MARKED)
    integrity.open_integrity_case(piece, "plagiarism", STATEMENT, people["marker"])
    db.session.commit()
    prefer_welsh(people["hub"])
    sign_in(client, people["hub"])
    panel = welsh_page(client, f"/marking/pieces/{piece.public_id}")
    assert "Uniondeb academaidd" in panel and "Amheuaeth o lên-ladrad" in panel
    assert "Cofnodi’r canlyniad" in panel and STATEMENT in panel


def test_the_emails_are_in_each_recipients_language(people):
    piece = drive(people, S.RELEASED, first=(40, 45), second=(42, 45))
    prefer_welsh(people["other"])  # the reviewer reads Welsh; the trainee has not chosen (English)
    appeal = appeals.request_review(piece, "rubric", "The accuracy marks do not match.", people["trainee"])
    appeals.assign_reviewer(appeal, people["other"], people["hub"])
    db.session.commit()
    assigned = mail_to(people["other"])
    assert assigned.subject == "Mae apêl wedi’i neilltuo i chi ei hadolygu"
    assert "Cofnodwch y canlyniad, gyda’ch rhesymau, erbyn" in assigned.body
    assert format_date(appeal.decide_by, "d MMMM y", locale="cy") in assigned.body
    appeals.decide(appeal, "not_upheld", "The marks follow the rubric.", people["other"])
    db.session.commit()
    decided = mail_to(people["trainee"])
    assert decided.subject.startswith("The outcome of your review") and "Hello" in decided.body


def test_the_consideration_and_integrity_emails_reach_a_welsh_trainee_in_welsh(people):
    prefer_welsh(people["trainee"])
    due = assignments.due_on(people["enrolment"], people["assignment"])
    asked = consideration.request_consideration(
        people["enrolment"],
        f"assignment:{people['assignment'].id}",
        due,
        "My father was taken into hospital.",
        None,
        people["trainee"],
        today=due,
    )
    db.session.commit()
    received = mail_to(people["trainee"])
    assert received.subject == "Mae eich cais am ystyriaeth arbennig wedi dod i law"
    assert "Mae’r Hyb wedi cael eich cais am ystyriaeth arbennig" in received.body
    later = due + timedelta(days=14)
    consideration.decide(asked, True, "extension", "Granted.", people["hub"], due_on=later)
    db.session.commit()
    granted = mail_to(people["trainee"])
    assert "Caniatawyd" in granted.body or "caniatawyd" in granted.body
    assert f"Eich dyddiad cyflwyno newydd yw {format_date(later, 'd MMMM y', locale='cy')}." in granted.body
    piece = drive(people, S.MARKED)
    integrity.open_integrity_case(piece, "plagiarism", STATEMENT, people["marker"])
    db.session.commit()
    told = mail_to(people["trainee"])
    assert told.subject == "Cwestiwn am uniondeb eich gwaith ysgrifenedig"
    assert "amheuaeth o lên-ladrad" in told.body and STATEMENT in told.body
