"""Accreditation and privacy in Welsh: the holder's and the Hub's pages, the emails in the recipient's
language, and what is kept (approval evidence, confirmed declarations) staying in English."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.accreditation import corrections
from app.accreditation.approval import approval_for
from app.accreditation.keys import keystore
from app.accreditation.reminders import send_expiry_reminders
from app.audit.models import AuditEvent
from app.auth.models import Role
from app.database import db
from app.demo import complete_training
from app.jobs.models import JobProgress
from app.mail.services import outbox
from app.templating import LONDON
from tests.conftest import post_form, prefer_welsh, sign_in, welsh_page
from tests.factories import (
    make_accreditation_version,
    make_cohort,
    make_credential,
    make_enrolment,
    make_user,
)


@pytest.fixture
def credential(app, tmp_path):
    return make_credential(tmp_path, holder=prefer_welsh(make_user(Role.TRAINEE)))


def test_the_holders_accreditation_page_is_in_welsh(client, credential):
    sign_in(client, credential.holder)
    page = welsh_page(client, "/accreditation/mine")
    assert "Fy achrediad" in page and "Pwy all ei weld" in page and "Dolenni rhannu" in page
    assert "Lawrlwytho’r dystysgrif (PDF)" in page and "Beth sydd ei angen i adnewyddu" in page
    assert "Gweithgaredd DPP" in page  # the CPD form's choices
    records = welsh_page(client, "/accreditation/records")
    assert "Cofnodion modiwlau a thrawsgrifiad" in records


def test_a_trainees_progress_is_in_welsh_and_a_declaration_is_kept_in_english(client, tmp_path):
    version = make_accreditation_version(tmp_path)
    enrolment = make_enrolment(make_cohort(version), user=prefer_welsh(make_user(Role.TRAINEE)))
    db.session.commit()
    sign_in(client, enrolment.user)
    page = welsh_page(client, "/accreditation/mine")
    assert "Eich cynnydd tuag at achrediad" in page and "Heb ei fodloni" in page
    assert "Rwyf wedi darllen cod ymddygiad IMSA® a byddaf yn ei ddilyn." in page
    response = post_form(
        client, "/accreditation/mine/declarations", {"declare-declarations": "code_of_conduct"}
    )
    assert response.status_code == 302
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "declaration.confirmed"))
    assert "I have read and will follow the IMSA® code of conduct." in str(event.details)


def test_the_hubs_credential_and_list_pages_are_in_welsh(client, credential):
    sign_in(client, prefer_welsh(make_user(Role.HUB_ADMIN)))
    page = welsh_page(client, f"/accreditation/credentials/{credential.code}")
    assert "Newid ei statws" in page and "Cyfriflyfr" in page and "Cyhoeddi" in page
    assert "Y rheswm dros ddirymu" in page
    index = welsh_page(client, "/accreditation/")
    assert "Tystlythyrau a gyhoeddwyd" in index and "Trawsgrifiad" in index  # the transcript's kind
    assert "cyfriflyfr y tystlythyrau’n dal" in index.lower()
    assert "Ceisiadau i newid enw" in welsh_page(client, "/accreditation/name-changes")


def test_the_approval_page_is_in_welsh_and_the_evidence_kept_is_in_english(client, tmp_path):
    version = make_accreditation_version(tmp_path)
    trainer = make_user(Role.TRAINER)
    enrolment = make_enrolment(make_cohort(version, [trainer]))
    complete_training(enrolment, trainer)
    hub = prefer_welsh(make_user(Role.HUB_ADMIN))
    keystore().init()
    sign_in(client, hub)
    url = f"/accreditation/enrolments/{enrolment.public_id}"
    page = welsh_page(client, url)
    assert "Gwiriad achrediad" in page and "Gofynion rheol yr achrediad" in page
    assert "Cymeradwyo a chyhoeddi’r tystlythyr" in page and "Wedi’i fodloni" in page
    assert "Trafodaeth broffesiynol strwythuredig wedi’i phasio" in page  # the requirements, worded here
    assert post_form(client, url, {"confirm": "y", "note": ""}).status_code == 302
    db.session.rollback()
    labels = [r["label"] for r in approval_for(enrolment).evidence]
    assert "Structured professional discussion passed" in labels


def test_the_privacy_page_is_in_welsh(client):
    sign_in(client, prefer_welsh(make_user(Role.HUB_ADMIN)))
    page = welsh_page(client, "/privacy/")
    assert "Ceisiadau am ddata personol" in page and "Dileu data rhywun" in page
    assert "Cyfeiriad e-bost y person" in page  # the form's label
    assert "Cedwir y tystlythyr wedi’i lofnodi yn union fel y’i cyhoeddwyd" in page


def test_the_name_change_reply_goes_out_in_the_holders_language(app, credential):
    request = corrections.request_name_change(
        credential, "Enw Newydd", "Newid enw drwy weithred", credential.holder
    )
    corrections.refuse(request, "Dangoswch y weithred i ni yn gyntaf.", make_user(Role.HUB_ADMIN))
    db.session.commit()
    mail = outbox(limit=1)[0]
    assert mail.subject == "Yr enw ar eich tystlythyr IMSA®: ateb yr Hyb"
    assert mail.body.startswith(f"Helo {credential.holder.name},") and "Dywedon nhw:" in mail.body
    assert "Hyb Model IMSA®" in mail.body


def test_the_expiry_reminder_is_in_welsh_for_a_welsh_holder_and_english_for_others(app, tmp_path, credential):
    until = credential.valid_until.astimezone(LONDON).date()
    assert send_expiry_reminders(until - timedelta(days=30)) == 1
    mail = outbox(limit=1)[0]
    assert mail.subject == "Mae eich achrediad IMSA® yn dod i ben ymhen 30 diwrnod"
    assert "30 diwrnod o heddiw" in mail.body
    credential.holder.language = None
    db.session.commit()
    assert send_expiry_reminders(until - timedelta(days=90)) == 1
    assert outbox(limit=1)[0].subject == "Your IMSA® accreditation expires in 90 days"


def test_approving_a_whole_cohort_shows_its_progress_in_welsh_and_keeps_the_jobs_label_in_english(
    client, tmp_path
):
    version = make_accreditation_version(tmp_path)
    trainer = make_user(Role.TRAINER)
    cohort = make_cohort(version, [trainer], name="Carfan 7")
    complete_training(make_enrolment(cohort), trainer)
    sign_in(client, prefer_welsh(make_user(Role.HUB_ADMIN)))
    keystore().init()
    queue = welsh_page(client, "/accreditation/")
    assert "Cymeradwyo pawb sy’n gymwys yn Carfan 7" in queue
    response = post_form(client, f"/accreditation/cohorts/{cohort.public_id}/approve-all", {"confirm": "y"})
    page = welsh_page(client, response.location)
    assert '<h1 class="govuk-heading-l">Cymeradwyo pawb sy’n gymwys yn Carfan 7</h1>' in page
    assert 'data-of="{done} o {total}"' in page and "Wedi’u cymeradwyo" in page
    assert db.session.scalar(sa.select(JobProgress.label)) == "Approving everyone eligible in Carfan 7"


def test_an_erasure_from_a_welsh_page_says_what_was_done_in_welsh_and_records_it_in_english(client):
    person = make_user(Role.TRAINEE, email="i-ddileu@example.org")
    sign_in(client, prefer_welsh(make_user(Role.HUB_ADMIN)))
    fields = {"erase-email": person.email, "erase-confirm": "y"}
    response = post_form(client, "/privacy/erase", fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Data personol wedi’i ddileu" in page
    assert "Cyflwyniadau: 0" in page and "Beth a gadwyd, a pham" in page
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "privacy.erased"))
    assert event.details["removed"]["submissions"] == 0 and "credential" in event.details["kept"]
