"""External examining and the award board: who may do what, each refusal on its field, the sample the
examiner reads (and nothing more), the report and the Hub's response, and the board's ratification that
credentials wait for."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.accreditation import approval as accreditation
from app.accreditation import bulk
from app.accreditation.errors import AccreditationError
from app.accreditation.keys import keystore
from app.assurance import services as assurance
from app.assurance.models import AwardBoard, ExaminerReport, SampleAddition
from app.audit.models import AuditEvent
from app.auth.access import PermissionDenied
from app.auth.models import Role
from app.auth.services import grant_roles, user_by_email
from app.database import db
from app.demo import complete_training
from app.learning.models import SubmissionStatus as S
from app.mail.models import OutboxMessage
from app.marking import workflow
from app.marking.models import Mark, MarkKind
from tests.conftest import post_form, sign_in
from tests.factories import (
    add_piece,
    make_accreditation_version,
    make_assessed_version,
    make_cohort,
    make_enrolment,
    make_user,
)

TODAY = date.today()


def _actions(action: str) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
    )


@pytest.fixture
def world(app, tmp_path):
    """A cohort with two markers: marker A has a Fail, a Distinction and four Passes, marker B three
    Merits; an appointed examiner and a Hub admin."""
    version = make_assessed_version(tmp_path)
    a, b = make_user(Role.TRAINER, name="Marker A"), make_user(Role.TRAINER, name="Marker B")
    cohort = make_cohort(version, trainers=[a, b])
    assignment = version.modules[0].assignment
    pieces = []
    for marker, band in [(a, "fail"), (a, "distinction")] + [(a, "pass")] * 4 + [(b, "merit")] * 3:
        enrolment = make_enrolment(cohort)
        pieces.append(add_piece(enrolment, assignment, S.RELEASED, band=band, marker_id=marker.id))
    examiner = make_user(Role.EXTERNAL_EXAMINER, name="Eve Examiner")
    hub = make_user(Role.HUB_ADMIN)
    assurance.appoint_examiner(cohort, examiner, hub)
    db.session.commit()
    return {
        "cohort": cohort,
        "module": version.modules[0],
        "pieces": pieces,
        "examiner": examiner,
        "hub": hub,
        "markers": (a, b),
    }


def _file(world, judgement="appropriate"):
    return assurance.file_report(
        world["cohort"], {"M01": "Marking is consistent with the rubric."}, judgement, "", world["examiner"]
    )


# --- appointment


def test_a_hub_admin_appoints_an_external_examiner_and_it_is_recorded(world):
    assert world["cohort"].external_examiner_id == world["examiner"].id
    assert _actions("assurance.examiner_appointed") == 1
    assert assurance.ratification_required(world["cohort"])


def test_only_someone_with_the_examiner_role_who_is_not_a_cohort_trainer_can_be_appointed(world):
    cohort, hub = world["cohort"], world["hub"]
    with pytest.raises(assurance.AssuranceRefused) as refused:
        assurance.appoint_examiner(cohort, make_user(Role.TRAINER), hub)
    assert refused.value.field == "examiner"
    marker = world["markers"][0]
    grant_roles(marker, {Role.TRAINER, Role.EXTERNAL_EXAMINER})
    with pytest.raises(assurance.AssuranceRefused) as refused:
        assurance.appoint_examiner(cohort, marker, hub)
    assert refused.value.field == "examiner"
    with pytest.raises(PermissionDenied):
        assurance.appoint_examiner(cohort, world["examiner"], marker)


# --- the sample


def test_the_sample_is_every_fail_and_distinction_plus_two_per_marker(world):
    sample = assurance.sample_for(world["cohort"], world["module"])
    bands = sorted(p.result_band for p in sample)
    assert bands.count("fail") == 1 and bands.count("distinction") == 1
    assert bands.count("pass") == 2 and bands.count("merit") == 2
    assert sample == assurance.sample_for(world["cohort"], world["module"]), "the same every time"


def test_the_examiner_adds_a_piece_once_and_it_joins_the_sample(world):
    cohort, module, examiner = world["cohort"], world["module"], world["examiner"]
    extra = assurance.not_sampled(cohort, module)[0]
    assurance.add_to_sample(cohort, extra, examiner)
    assurance.add_to_sample(cohort, extra, examiner)  # a double-click
    assert extra in assurance.sample_for(cohort, module)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SampleAddition)) == 1
    assert _actions("assurance.added_to_sample") == 1


def test_adding_a_piece_of_another_cohort_or_undecided_work_is_refused_on_the_piece(world, tmp_path):
    cohort, examiner = world["cohort"], world["examiner"]
    other = make_cohort(cohort.curriculum_version, name="Another cohort")
    elsewhere = add_piece(make_enrolment(other), world["module"].assignment, S.RELEASED, band="pass")
    waiting = add_piece(make_enrolment(cohort), world["module"].assignment, S.SUBMITTED)
    for piece in (elsewhere, waiting, None):
        with pytest.raises(assurance.AssuranceRefused) as refused:
            assurance.add_to_sample(cohort, piece, examiner)
        assert refused.value.field == "piece"
    with pytest.raises(PermissionDenied):
        assurance.add_to_sample(cohort, waiting, world["markers"][0])


def test_the_examiner_reads_sampled_pieces_only_and_marks_nothing(world, client):
    cohort, module, examiner = world["cohort"], world["module"], world["examiner"]
    sign_in(client, examiner)
    base = f"/assurance/cohorts/{cohort.public_id}/modules/{module.slug}"
    sampled = assurance.sample_for(cohort, module)
    outside = assurance.not_sampled(cohort, module)[0]
    page = client.get(f"{base}/pieces/{sampled[0].public_id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert module.content_hash[:12] in text and sampled[0].enrolment.candidate_number in text
    assert sampled[0].enrolment.user.name not in text, "candidates are shown by number only"
    assert client.get(f"{base}/pieces/{outside.public_id}").status_code == 404
    assert client.get(f"/marking/pieces/{sampled[0].public_id}").status_code == 403
    assert workflow.allowed_moves(sampled[0], examiner) == frozenset()


def test_an_examiner_of_another_cohort_sees_nothing_of_this_one(world, client):
    stranger = make_user(Role.EXTERNAL_EXAMINER)
    sign_in(client, stranger)
    cohort = world["cohort"]
    assert client.get(f"/assurance/cohorts/{cohort.public_id}").status_code == 403
    assert cohort.name not in client.get("/assurance/").get_data(as_text=True)


# --- the report and the response


def test_the_report_needs_a_comment_on_every_module_and_a_judgement(world):
    cohort, examiner = world["cohort"], world["examiner"]
    with pytest.raises(assurance.AssuranceRefused) as refused:
        assurance.file_report(cohort, {"M01": "  "}, "appropriate", "", examiner)
    assert refused.value.field == "comment_M01"
    with pytest.raises(assurance.AssuranceRefused) as refused:
        assurance.file_report(cohort, {"M01": "Fine."}, None, "", examiner)
    assert refused.value.field == "judgement"
    with pytest.raises(PermissionDenied):
        assurance.file_report(cohort, {"M01": "Fine."}, "appropriate", "", world["hub"])


def test_a_report_filed_twice_is_filed_and_recorded_once(world):
    _file(world)
    _file(world)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ExaminerReport)) == 1
    assert _actions("assurance.report_filed") == 1


def test_the_report_form_keeps_what_was_typed_and_shows_the_refusal_next_to_the_field(world, client):
    sign_in(client, world["examiner"])
    url = f"/assurance/cohorts/{world['cohort'].public_id}/report"
    response = post_form(client, url, {"comment_M01": "Clear feedback throughout."})
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Clear feedback throughout." in text
    assert 'id="judgement-error"' in text
    assert assurance.report_for(world["cohort"]) is None


def test_the_hub_records_one_response_to_the_report(world):
    report, hub = _file(world), world["hub"]
    with pytest.raises(assurance.AssuranceRefused) as refused:
        assurance.respond_to_report(report, " ", hub)
    assert refused.value.field == "response"
    with pytest.raises(PermissionDenied):
        assurance.respond_to_report(report, "Thank you.", world["examiner"])
    assurance.respond_to_report(report, "Thank you: actions agreed.", hub)
    assurance.respond_to_report(report, "Thank you: actions agreed.", hub)  # a double-click
    assert report.hub_response == "Thank you: actions agreed." and _actions("assurance.report_answered") == 1
    with pytest.raises(assurance.AssuranceRefused) as refused:
        assurance.respond_to_report(report, "A different response.", hub)
    assert refused.value.field == "response"


# --- the award board


@pytest.mark.parametrize(
    ("met_on", "attendees", "field"),
    [(None, "Chair", "met_on"), (TODAY + timedelta(days=3), "Chair", "met_on"), (TODAY, "  ", "attendees")],
)
def test_the_board_decision_needs_its_date_and_attendees(world, met_on, attendees, field):
    _file(world)
    with pytest.raises(assurance.AssuranceRefused) as refused:
        assurance.ratify(world["cohort"], met_on, attendees, "", world["hub"])
    assert refused.value.field == field
    assert assurance.board_for(world["cohort"]) is None


def test_the_board_cannot_ratify_before_the_examiner_reports(world):
    with pytest.raises(assurance.AssuranceRefused) as refused:
        assurance.ratify(world["cohort"], TODAY, "Chair; examiner", "", world["hub"])
    assert refused.value.field == "confirm"


def test_the_board_records_its_decision_once_with_a_snapshot_of_the_results(world):
    report = _file(world)
    board = assurance.ratify(world["cohort"], TODAY, "Chair\nExternal examiner", "None.", world["hub"])
    assert board.report_id == report.id and len(board.results) == len(world["pieces"])
    assert {r["band"] for r in board.results} == {"fail", "distinction", "pass", "merit"}
    assert _actions("assurance.results_ratified") == 1
    with pytest.raises(assurance.AssuranceRefused):
        assurance.ratify(world["cohort"], TODAY, "Chair", "", world["hub"])
    with pytest.raises(PermissionDenied):
        assurance.ratify(world["cohort"], TODAY, "Chair", "", world["examiner"])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AwardBoard)) == 1


def test_released_results_are_provisional_until_the_board_ratifies(world):
    piece = world["pieces"][2]
    assert assurance.provisional(piece)
    _file(world)
    assurance.ratify(world["cohort"], TODAY, "Chair", "", world["hub"])
    assert not assurance.provisional(piece)


def test_the_trainee_sees_provisional_until_ratified_on_their_result(world, client):
    piece = world["pieces"][2]
    db.session.add(
        Mark(
            submission_id=piece.id,
            kind=MarkKind.FIRST,
            marker_id=piece.marker_id,
            criteria={c["key"]: {"band": "pass", "mark": 55} for c in piece.assignment.criteria},
            total=55.0,
            band="pass",
        )
    )
    db.session.commit()
    sign_in(client, piece.enrolment.user)
    page = client.get(f"/learn/{world['module'].slug}/assignment/receipt").get_data(as_text=True)
    assert "Provisional until ratified" in page
    _file(world)
    assurance.ratify(world["cohort"], TODAY, "Chair", "", world["hub"])
    db.session.commit()
    assert "Provisional until ratified" not in client.get(
        f"/learn/{world['module'].slug}/assignment/receipt"
    ).get_data(as_text=True)


def test_a_cohort_without_an_examiner_needs_no_ratification(app, tmp_path):
    version = make_assessed_version(tmp_path)
    cohort = make_cohort(version)
    piece = add_piece(make_enrolment(cohort), version.modules[0].assignment, S.RELEASED, band="pass")
    assert not assurance.ratification_required(cohort) and not assurance.provisional(piece)


# --- credentials wait for the board


def test_credentials_wait_for_the_award_board_when_the_cohort_has_an_examiner(app, tmp_path):
    version = make_accreditation_version(tmp_path)
    trainer = make_user(Role.TRAINER)
    enrolment = make_enrolment(make_cohort(version, [trainer]))
    complete_training(enrolment, trainer)
    keystore().init()
    hub, examiner = make_user(Role.HUB_ADMIN), make_user(Role.EXTERNAL_EXAMINER)
    cohort = enrolment.cohort
    assurance.appoint_examiner(cohort, examiner, hub)
    with pytest.raises(AccreditationError) as refused:
        accreditation.approve(enrolment, "", hub)
    assert refused.value.field == "ratification"
    assert accreditation.approval_for(enrolment) is None
    comments = {m.code: "Sound." for m in assurance.modules_examined(cohort)}
    assurance.file_report(cohort, comments, "appropriate", "", examiner)
    assurance.ratify(cohort, TODAY, "Chair", "", hub)
    assert accreditation.approve(enrolment, "", hub).code.startswith("IMSA-")


def test_approving_a_whole_cohort_waits_for_its_award_board(app, tmp_path):
    version = make_accreditation_version(tmp_path)
    trainer = make_user(Role.TRAINER)
    enrolment = make_enrolment(make_cohort(version, [trainer]))
    complete_training(enrolment, trainer)
    keystore().init()
    hub = make_user(Role.HUB_ADMIN)
    assurance.appoint_examiner(enrolment.cohort, make_user(Role.EXTERNAL_EXAMINER), hub)
    with pytest.raises(AccreditationError) as refused:
        bulk.start_cohort_approval(enrolment.cohort, "", hub)
    assert refused.value.field == "ratification"


def test_the_hub_can_invite_an_external_examiner(app, client):
    sign_in(client, make_user(Role.HUB_ADMIN))
    response = post_form(
        client,
        "/people/invite",
        {
            "name": "Eve Examiner",
            "email": "eve@example.org",
            "roles": ["external_examiner"],
            "organisation": "",
        },
    )
    assert response.status_code == 302
    assert user_by_email("eve@example.org").roles == {Role.EXTERNAL_EXAMINER}


def test_the_release_email_says_the_result_is_provisional_until_ratified(world):
    piece = add_piece(
        make_enrolment(world["cohort"]), world["module"].assignment, S.READY_FOR_RELEASE, band="pass"
    )
    workflow.release(world["module"].assignment, world["cohort"], world["hub"])
    db.session.commit()
    message = db.session.scalar(
        sa.select(OutboxMessage).where(OutboxMessage.recipient == piece.enrolment.user.email)
    )
    assert "provisional until ratified" in message.body
