"""Hub admins set up organisations and cohorts and invite trainees into them."""

from __future__ import annotations

import re

from app.audit.models import AuditEvent
from app.auth.models import Role, User
from app.cohorts.models import Cohort, Enrolment
from app.database import db
from app.mail.services import outbox
from tests.conftest import post_form, sign_in
from tests.factories import make_cohort, make_organisation, make_user, make_version


def test_hub_admin_adds_an_organisation(client):
    sign_in(client, make_user(Role.HUB_ADMIN))
    response = post_form(
        client,
        "/organisations/new",
        {"name": "Fictional Faith Group", "kind": "faith_group", "nation": "scotland", "region": "Highlands"},
        follow_redirects=True,
    )
    assert "Fictional Faith Group has been added" in response.get_data(as_text=True)
    again = post_form(
        client, "/organisations/new", {"name": "fictional faith group", "kind": "ngo", "nation": "wales"}
    )
    assert "already exists" in again.get_data(as_text=True)


def test_an_organisation_form_with_errors_keeps_what_was_typed(client):
    sign_in(client, make_user(Role.HUB_ADMIN))
    body = post_form(client, "/organisations/new", {"name": "Half Typed Org", "region": "Kept"}).get_data(
        as_text=True
    )
    assert "Choose the kind of organisation" in body and "Choose the nation" in body
    assert 'value="Half Typed Org"' in body and 'value="Kept"' in body


def test_hub_admin_creates_a_cohort_pinned_to_a_published_version(client, tmp_path):
    version = make_version(tmp_path)
    trainer = make_user(Role.TRAINER, name="Terri Trainer")
    sign_in(client, make_user(Role.HUB_ADMIN))
    response = post_form(
        client,
        "/cohorts/new",
        {
            "name": "Cohort 2 — January 2026",
            "curriculum_version": version.content_hash,
            "starts_on": "2026-01-12",
            "ends_on": "2027-12-31",
            "trainers": [trainer.public_id],
            "lead_trainer": trainer.public_id,
            "anonymous_marking": "y",
        },
        follow_redirects=True,
    )
    assert "Cohort 2 — January 2026 has been created" in response.get_data(as_text=True)
    cohort = db.session.scalar(db.select(Cohort))
    assert cohort.curriculum_version_id == version.id and cohort.trainers == [trainer]
    assert cohort.lead_trainer == trainer and cohort.anonymous_marking
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "cohort.created"))


def test_a_cohort_that_ends_before_it_starts_is_refused_and_the_form_kept(client, tmp_path):
    version = make_version(tmp_path)
    sign_in(client, make_user(Role.HUB_ADMIN))
    body = post_form(
        client,
        "/cohorts/new",
        {
            "name": "Backwards Cohort",
            "curriculum_version": version.content_hash,
            "starts_on": "2026-01-12",
            "ends_on": "2025-12-31",
        },
    ).get_data(as_text=True)
    assert "The end date must be after the start date" in body
    assert 'value="Backwards Cohort"' in body and 'value="2026-01-12"' in body
    assert db.session.scalar(db.select(db.func.count(Cohort.id))) == 0


def test_a_draft_version_cannot_be_chosen_for_a_cohort(client, tmp_path):
    version = make_version(tmp_path, publish=False)
    sign_in(client, make_user(Role.HUB_ADMIN))
    body = client.get("/cohorts/new").get_data(as_text=True)
    assert version.content_hash not in body
    assert "There is no published curriculum version yet" in body


def test_inviting_a_trainee_enrols_them_and_emails_a_link(client, tmp_path):
    cohort = make_cohort(make_version(tmp_path))
    organisation = make_organisation("Northbridge Fictional Council")
    sign_in(client, make_user(Role.HUB_ADMIN))
    response = post_form(
        client,
        f"/cohorts/{cohort.public_id}/invite",
        {
            "name": "Robin Example",
            "email": "Robin.Example@example.org",
            "organisation": organisation.public_id,
        },
        follow_redirects=True,
    )
    body = response.get_data(as_text=True)
    assert "Robin Example is enrolled" in body and "Invitation sent" in body
    enrolment = db.session.scalar(db.select(Enrolment))
    assert enrolment.user.email == "robin.example@example.org"
    assert enrolment.organisation == organisation
    assert re.fullmatch(r"25-\d{5}", enrolment.candidate_number)
    assert Role.TRAINEE in enrolment.user.roles
    message = outbox(limit=1)[0]
    assert message.recipient == "robin.example@example.org"
    assert "http://localhost/invitation/" in message.body


def test_the_same_person_cannot_be_enrolled_twice_in_a_cohort(client, tmp_path):
    cohort = make_cohort(make_version(tmp_path))
    organisation = make_organisation()
    sign_in(client, make_user(Role.HUB_ADMIN))
    data = {"name": "Sam Sample", "email": "sam@example.org", "organisation": organisation.public_id}
    post_form(client, f"/cohorts/{cohort.public_id}/invite", data)
    again = post_form(client, f"/cohorts/{cohort.public_id}/invite", data).get_data(as_text=True)
    assert "sam@example.org is already enrolled" in again
    assert db.session.scalar(db.select(db.func.count(Enrolment.id))) == 1
    assert db.session.scalar(db.select(db.func.count(User.id)).where(User.email == "sam@example.org")) == 1


def test_hub_admin_invites_an_organisation_manager(client):
    organisation = make_organisation()
    sign_in(client, make_user(Role.HUB_ADMIN))
    missing_org = post_form(
        client, "/people/invite", {"name": "Morgan", "email": "morgan@example.org", "roles": ["org_manager"]}
    )
    assert "Choose the organisation this person manages" in missing_org.get_data(as_text=True)
    post_form(
        client,
        "/people/invite",
        {
            "name": "Morgan",
            "email": "morgan@example.org",
            "roles": ["org_manager"],
            "organisation": organisation.public_id,
        },
    )
    manager = db.session.scalar(db.select(User).where(User.email == "morgan@example.org"))
    assert manager.roles == {Role.ORG_MANAGER} and manager.organisation == organisation


def test_the_outbox_shows_sent_mail_to_hub_admins(client, tmp_path):
    cohort = make_cohort(make_version(tmp_path))
    organisation = make_organisation()
    sign_in(client, make_user(Role.HUB_ADMIN))
    assert "No emails have been sent yet" in client.get("/outbox/").get_data(as_text=True)
    post_form(
        client,
        f"/cohorts/{cohort.public_id}/invite",
        {"name": "Ali Sample", "email": "ali@example.org", "organisation": organisation.public_id},
    )
    page = client.get("/outbox/").get_data(as_text=True)
    assert "Your invitation to IMSA® training" in page and "ali@example.org" in page
