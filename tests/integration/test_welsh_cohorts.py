"""Cohorts and external examining in Welsh: a Hub admin or an external examiner who prefers Welsh reads the
pages, the refusals and the CSV import's problems in Welsh, with the header's column names kept as the file
must have them; English stays the default."""

from __future__ import annotations

import pytest

from app.assurance import services as assurance
from app.auth.models import Role
from app.database import db
from app.learning.models import SubmissionStatus as S
from tests.conftest import in_welsh, post_form, prefer_welsh, sign_in
from tests.factories import (
    add_piece,
    make_assessed_version,
    make_cohort,
    make_enrolment,
    make_organisation,
    make_user,
)


@pytest.fixture
def world(app, tmp_path):
    """A cohort with two trainers and decided work, an appointed examiner and a Hub admin, both Welsh."""
    version = make_assessed_version(tmp_path)
    a, b = make_user(Role.TRAINER, name="Marker A"), make_user(Role.TRAINER, name="Marker B")
    cohort = make_cohort(version, trainers=[a, b], name="Carfan Prawf")
    make_organisation("Harbour Example Trust")
    assignment = version.modules[0].assignment
    enrolment = make_enrolment(cohort)
    piece = add_piece(enrolment, assignment, S.RELEASED, band="distinction", marker_id=a.id)
    hub = prefer_welsh(make_user(Role.HUB_ADMIN))
    examiner = prefer_welsh(make_user(Role.EXTERNAL_EXAMINER, name="Eve Examiner"))
    assurance.appoint_examiner(cohort, examiner, hub)
    db.session.commit()
    return {
        "cohort": cohort,
        "module": version.modules[0],
        "piece": piece,
        "enrolment": enrolment,
        "hub": hub,
        "examiner": examiner,
    }


@pytest.fixture
def hub_client(app, world):
    client = app.test_client()
    sign_in(client, world["hub"])
    return client


def test_a_welsh_hub_admin_reads_the_cohort_pages_in_welsh(world, hub_client):
    cohort = world["cohort"].public_id
    index = in_welsh(hub_client.get("/cohorts/"))
    assert "Carfanau" in index and "Creu carfan" in index and "Carfan Prawf" in index  # the name as typed
    new = in_welsh(hub_client.get("/cohorts/new"))
    assert "Enw’r garfan" in new and "Sut mae gwaith ysgrifenedig yn cyrraedd marciwr" in new
    assert "Dyrannu pob darn pan gaiff ei gyflwyno" in new  # a label constant, translated where shown
    importing = in_welsh(hub_client.get(f"/cohorts/{cohort}/import"))
    assert "Cofrestru hyfforddeion o ffeil" in importing and "Uwchlwytho ffeil CSV" in importing
    assert "<code>name,email,organisation,nation</code>" in importing  # the header the file must have
    schedule = in_welsh(hub_client.get(f"/cohorts/{cohort}/schedule"))
    assert "Amserlen y modiwlau" in schedule and "M01: yn agor ar" in schedule
    staff = in_welsh(hub_client.get(f"/cohorts/{cohort}/staff"))
    assert "Staff y garfan" in staff and "Prif hyfforddwr (dewisol)" in staff
    invite = in_welsh(hub_client.get(f"/cohorts/{cohort}/invite"))
    assert "Gwahodd hyfforddai" in invite and "Sefydliad cynnal" in invite
    enrolment = world["enrolment"].public_id
    status = in_welsh(hub_client.get(f"/cohorts/trainees/{enrolment}/status"))
    assert "Statws eu lle: <strong>gweithredol</strong>." in status and "Gohirio: oedi eu lle" in status
    assert "Trosglwyddo i garfan arall" in in_welsh(hub_client.get(f"/cohorts/trainees/{enrolment}/transfer"))


def test_the_import_refuses_bad_rows_in_welsh_and_keeps_the_column_names(world, hub_client):
    url = f"/cohorts/{world['cohort'].public_id}/import"
    rows = (
        "name,email,organisation,nation\n"
        "Alex Fictional,alex@example.org,Harbour Example Trust,England\n"
        ",bryn@example.org,No Such Trust,Cymru\n"
    )
    for action in ("preview", "confirm"):  # checked again at confirm time: refused the same way
        page = in_welsh(post_form(hub_client, url, {"action": action, "rows": rows}))
        assert "Ni ellir mewnforio 1 rhes" in page and "Llinell 3: mae name ar goll" in page
        assert "nid oes sefydliad cynnal o’r enw “No Such Trust”" in page
        assert "nid yw “Cymru” yn un o wledydd y DU: defnyddiwch England, Scotland, Wales" in page
    assert world["cohort"].enrolments == [world["enrolment"]]  # nothing imported


def test_a_cohort_refusal_and_a_flash_read_in_welsh(world, hub_client):
    cohort = world["cohort"]
    form = {
        "name": cohort.name,
        "curriculum_version": cohort.curriculum_version.content_hash,
        "starts_on": "2026-01-05",
        "ends_on": "2027-01-05",
        "trainers": [cohort.trainers[0].public_id],
        "allocation": "manual",
    }
    page = in_welsh(post_form(hub_client, "/cohorts/new", form))
    assert "Mae carfan o’r enw Carfan Prawf yn bodoli’n barod" in page and "Mae problem wedi codi" in page
    saved = post_form(
        hub_client,
        f"/cohorts/{cohort.public_id}/staff",
        {"trainers": [t.public_id for t in cohort.trainers]},
        follow_redirects=True,
    )
    assert "Mae staff Carfan Prawf wedi’u cadw." in in_welsh(saved)


def test_a_welsh_external_examiner_reads_the_assurance_pages_in_welsh(app, world):
    client = app.test_client()
    sign_in(client, world["examiner"])
    cohort, module = world["cohort"].public_id, world["module"].slug
    index = in_welsh(client.get("/assurance/"))
    assert "Arholi allanol a byrddau dyfarnu" in index and "Carfanau rydych chi’n eu harholi" in index
    page = in_welsh(client.get(f"/assurance/cohorts/{cohort}"))
    assert "Arholi: Carfan Prawf" in page and "Y sampl, fesul modiwl" in page and "1 darn yn y sampl" in page
    assert "Ysgrifennu eich adroddiad" in page and "Pecyn sicrwydd" in page
    sample = in_welsh(client.get(f"/assurance/cohorts/{cohort}/modules/{module}"))
    assert "Sampl: M01" in sample and "Darnau yn y sampl" in sample
    piece = world["piece"]
    record = in_welsh(client.get(f"/assurance/cohorts/{cohort}/modules/{module}/pieces/{piece.public_id}"))
    assert f"Ymgeisydd {world['enrolment'].candidate_number}: M01" in record and "Hanes y marcio" in record
    report = in_welsh(client.get(f"/assurance/cohorts/{cohort}/report"))
    assert "Eich adroddiad" in report and "Mae’r safonau’n briodol" in report  # the judgements, translated
    refused = in_welsh(post_form(client, f"/assurance/cohorts/{cohort}/report", {"judgement": "appropriate"}))
    assert "Ysgrifennwch eich sylwadau ar M01" in refused


def test_a_welsh_hub_admin_reads_the_award_board_in_welsh(world, hub_client):
    cohort = world["cohort"]
    assurance.file_report(cohort, {"M01": "Consistent."}, "concerns", "", world["examiner"])
    db.session.commit()
    board = in_welsh(hub_client.get(f"/assurance/cohorts/{cohort.public_id}/board"))
    assert "Bwrdd dyfarnu" in board and "Cadarnhau’r canlyniadau" in board
    assert "Adroddiad yr arholwr: <strong>Pryderon wedi’u codi</strong>" in board
    assert "Nid yw’r Hyb wedi ymateb eto." in board and "Canlyniadau i’w cadarnhau" in board
    refused = in_welsh(
        post_form(hub_client, f"/assurance/cohorts/{cohort.public_id}/board", {"confirm": "y"})
    )
    assert "Rhowch y dyddiad y cyfarfu’r bwrdd." in refused


def test_english_stays_the_default_on_the_same_pages(app, world):
    """Someone who has not chosen a language reads English (the existing tests hold every sentence)."""
    client = app.test_client()
    sign_in(client, make_user(Role.HUB_ADMIN))
    page = client.get(f"/cohorts/{world['cohort'].public_id}/schedule").get_data(as_text=True)
    assert '<html lang="en-GB"' in page and "Module schedule" in page and "M01 opens on" in page
    board = client.get(f"/assurance/cohorts/{world['cohort'].public_id}/board").get_data(as_text=True)
    assert "Award board" in board and "Results to ratify" in board
