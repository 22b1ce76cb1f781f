"""Allocation that cannot be forgotten: a cohort allocates round robin as work is submitted, or by hand;
what waits for a marker is counted on the Hub's and the lead trainer's marking page; the piece page says
why a piece has no marker."""

from __future__ import annotations

import pytest

from app.audit.services import events_for
from app.auth.models import Role
from app.database import db
from app.learning import assignments
from tests.conftest import sign_in
from tests.factories import make_assessed_version, make_cohort, make_enrolment, make_user


@pytest.fixture
def cohort(app, tmp_path):
    first, second = (
        make_user(Role.TRAINER, name="Ari Fictional"),
        make_user(Role.TRAINER, name="Bo Fictional"),
    )
    made = make_cohort(make_assessed_version(tmp_path), [first, second])
    made.lead_trainer = first
    db.session.commit()
    return made


def _submit(cohort, n: int):
    assignment = cohort.curriculum_version.modules[0].assignment
    pieces = []
    for _ in range(n):
        trainee = make_user(Role.TRAINEE)
        piece = assignments.current_submission(make_enrolment(cohort, trainee), assignment, trainee)
        pieces.append(
            assignments.submit(piece, "Written work about boundaries.", piece.revision, True, trainee)
        )
    db.session.commit()
    return pieces


def test_round_robin_allocates_each_piece_as_it_is_submitted_evenly(cohort):
    cohort.allocation = "round_robin"
    pieces = _submit(cohort, 4)
    assert sorted(p.marker.name for p in pieces) == ["Ari Fictional"] * 2 + ["Bo Fictional"] * 2
    allocated = [e for e in events_for(pieces[0]) if e.action == "marking.allocated"]
    assert len(allocated) == 1 and allocated[0].actor_id is None  # the system allocated it


def test_a_manual_cohort_leaves_work_for_the_hub_and_says_so_where_it_can_be_allocated(client, cohort):
    pieces = _submit(cohort, 3)
    assert all(p.marker_id is None for p in pieces)
    sign_in(client, cohort.lead_trainer)
    queue = client.get("/marking/").get_data(as_text=True)
    assert "Waiting for a marker" in queue and "3 submitted pieces have no marker yet" in queue
    assert "3 unallocated" in queue
    piece = client.get(f"/marking/pieces/{pieces[0].public_id}").get_data(as_text=True)
    assert "this cohort's work is allocated by hand, by a Hub admin" in piece


def test_a_trainer_who_does_not_lead_sees_no_count(client, cohort):
    _submit(cohort, 1)
    sign_in(client, cohort.trainers[1])
    assert "Waiting for a marker" not in client.get("/marking/").get_data(as_text=True)


def test_the_hub_sees_every_cohorts_unallocated_work(client, cohort):
    _submit(cohort, 1)
    sign_in(client, make_user(Role.HUB_ADMIN))
    assert "1 submitted piece has no marker yet" in client.get("/marking/").get_data(as_text=True)
