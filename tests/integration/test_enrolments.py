"""A trainee with more than one enrolment keeps every one: the Hub is warned when inviting an existing
person, the trainee chooses which training to open, and work stays with the place where it was done."""

from __future__ import annotations

import pytest

from app.auth.models import Role
from app.cohorts.models import Enrolment
from app.database import db
from tests.conftest import post_form, sign_in
from tests.factories import (
    add_lessons,
    make_cohort,
    make_enrolment,
    make_organisation,
    make_user,
    make_version,
)


@pytest.fixture
def two_cohorts(app, tmp_path):
    version = make_version(tmp_path)
    first = make_cohort(version, [make_user(Role.TRAINER)], name="Cohort Fictional A")
    second = make_cohort(version, [make_user(Role.TRAINER)], name="Cohort Fictional B")
    trainee = make_user(Role.TRAINEE, name="Robin Fictional-Existing", email="robin@example.org")
    organisation = make_organisation()
    enrolment = make_enrolment(first, trainee, organisation)
    db.session.commit()
    return first, second, trainee, enrolment, organisation


def test_inviting_an_existing_person_asks_first_and_keeps_their_name(client, two_cohorts):
    _, second, trainee, _, organisation = two_cohorts
    sign_in(client, make_user(Role.HUB_ADMIN))
    url = f"/cohorts/{second.public_id}/invite"
    fields = {"name": "Someone Else", "email": "robin@example.org", "organisation": organisation.public_id}
    warned = post_form(client, url, fields)
    page = warned.get_data(as_text=True)
    assert warned.status_code == 200
    assert "already has an account, as Robin Fictional-Existing (Cohort Fictional A)" in page
    assert 'id="confirm_existing-error"' in page and 'name="confirm_existing"' in page
    assert db.session.scalar(db.select(Enrolment).where(Enrolment.cohort_id == second.id)) is None
    assert post_form(client, url, {**fields, "confirm_existing": "y"}).status_code == 302
    db.session.expire_all()
    assert trainee.name == "Robin Fictional-Existing"
    places = db.session.scalars(db.select(Enrolment).where(Enrolment.user_id == trainee.id))
    assert {e.cohort.name for e in places} == {"Cohort Fictional A", "Cohort Fictional B"}


def test_a_trainee_with_two_places_chooses_and_each_keeps_its_own_work(client, two_cohorts):
    first, second, trainee, old, organisation = two_cohorts
    add_lessons(old, first.curriculum_version.modules[0], completed=2)
    new = make_enrolment(second, trainee, organisation)
    db.session.commit()
    sign_in(client, trainee)
    response = client.get("/learn/")
    assert response.status_code == 302 and response.location.endswith("/learn/choose")
    page = client.get("/learn/choose").get_data(as_text=True)
    assert "Cohort Fictional A" in page and "Cohort Fictional B" in page
    post_form(client, "/learn/choose", {"enrolment": new.public_id})
    opened = client.get("/learn/").get_data(as_text=True)
    assert "Cohort Fictional B" in opened and "You have completed 0 of" in opened
    assert "Switch to another training" in opened
    post_form(client, "/learn/choose", {"enrolment": old.public_id})
    opened = client.get("/learn/").get_data(as_text=True)
    assert "Cohort Fictional A" in opened and "You have completed 2 of" in opened


def test_a_place_that_is_not_the_trainees_own_cannot_be_chosen(client, two_cohorts):
    _, second, trainee, _, organisation = two_cohorts
    someone_else = make_enrolment(second, make_user(Role.TRAINEE), organisation)
    db.session.commit()
    sign_in(client, trainee)
    post_form(client, "/learn/choose", {"enrolment": someone_else.public_id})
    assert "Cohort Fictional A" in client.get("/learn/").get_data(as_text=True)
