"""Anonymity that holds: while a cohort marks anonymously its markers see candidate numbers, not names,
on the cohort page, the progress matrix (and its CSV) and the record; the lead and the Hub see both."""

from __future__ import annotations

import pytest

from app.auth.models import Role
from app.database import db
from tests.conftest import sign_in
from tests.factories import make_cohort, make_enrolment, make_user, make_version


@pytest.fixture
def cohort_world(app, tmp_path):
    marker, lead = make_user(Role.TRAINER), make_user(Role.TRAINER)
    cohort = make_cohort(make_version(tmp_path), [marker, lead])
    cohort.lead_trainer = lead
    trainee = make_user(Role.TRAINEE, name="Quinn Fictional-Candidate")
    enrolment = make_enrolment(cohort, trainee)
    db.session.commit()
    return cohort, enrolment, marker, lead


def _pages(client, cohort, enrolment):
    return {
        "cohort": client.get(f"/cohorts/{cohort.public_id}"),
        "matrix": client.get(f"/cohorts/{cohort.public_id}/progress"),
        "csv": client.get(f"/cohorts/{cohort.public_id}/progress?format=csv"),
        "record": client.get(f"/cohorts/trainees/{enrolment.public_id}"),
    }


def test_a_marker_of_an_anonymous_cohort_sees_candidate_numbers_only(client, cohort_world):
    cohort, enrolment, marker, _ = cohort_world
    sign_in(client, marker)
    pages = _pages(client, cohort, enrolment)
    for key in ("cohort", "matrix", "csv"):
        text = pages[key].get_data(as_text=True)
        assert pages[key].status_code == 200
        assert "Quinn Fictional-Candidate" not in text and enrolment.user.email not in text, key
        assert enrolment.candidate_number in text, key
        assert f"/cohorts/trainees/{enrolment.public_id}" not in text, key
    assert pages["record"].status_code == 404  # as if it did not exist


@pytest.mark.parametrize("who", ["lead", "hub"])
def test_the_lead_and_the_hub_see_names_and_numbers(client, cohort_world, who):
    cohort, enrolment, _, lead = cohort_world
    sign_in(client, lead if who == "lead" else make_user(Role.HUB_ADMIN))
    for key, response in _pages(client, cohort, enrolment).items():
        assert response.status_code == 200, key
        assert "Quinn Fictional-Candidate" in response.get_data(as_text=True), key


def test_with_named_marking_every_trainer_sees_names(client, cohort_world):
    cohort, enrolment, marker, _ = cohort_world
    cohort.anonymous_marking = False
    db.session.commit()
    sign_in(client, marker)
    for key, response in _pages(client, cohort, enrolment).items():
        assert "Quinn Fictional-Candidate" in response.get_data(as_text=True), key
