"""The marking workflow: every allowed and refused move, anonymity, locks and concurrency, sampling,
the gateway rule, audit events and bounded queries."""

from __future__ import annotations

import itertools
import re

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.auth.access import PermissionDenied
from app.auth.models import Role
from app.cohorts.models import Enrolment
from app.database import db
from app.learning import assignments
from app.learning.models import Submission, SubmissionStatus
from app.mail.services import outbox
from app.marking import workflow
from app.marking.models import MarkKind
from tests.conftest import post_form, sign_in
from tests.factories import make_assessed_version, make_cohort, make_enrolment, make_organisation, make_user

S = SubmissionStatus
ANY = workflow.CriterionInput


def marks(accuracy: float, clarity: float) -> dict[str, workflow.CriterionInput]:
    from app.assessments.rubric import DEFAULT_THRESHOLDS, band_for

    return {
        "accuracy": ANY(band_for(accuracy, DEFAULT_THRESHOLDS), accuracy, "Accuracy feedback."),
        "clarity": ANY(band_for(clarity, DEFAULT_THRESHOLDS), clarity, "Clarity feedback."),
    }


@pytest.fixture
def people(app, tmp_path):
    version = make_assessed_version(tmp_path)
    marker = make_user(Role.TRAINER, name="Ash Marker")
    second = make_user(Role.TRAINER, name="Bea Second")
    other = make_user(Role.TRAINER, name="Zed Other")
    cohort = make_cohort(version, trainers=[marker, second, other])
    enrolment = make_enrolment(cohort, make_user(Role.TRAINEE, name="Tara Traineename"))
    return {
        "marker": marker,
        "second": second,
        "other": other,
        "hub": make_user(Role.HUB_ADMIN),
        "trainee": enrolment.user,
        "enrolment": enrolment,
        "cohort": cohort,
        "assignment": version.modules[0].assignment,
    }


def submitted_piece(p, text="My written work about independence.") -> Submission:
    piece = assignments.current_submission(p["enrolment"], p["assignment"], p["trainee"])
    assignments.submit(piece, text, piece.revision, True, p["trainee"])
    db.session.commit()
    return piece


def drive(p, to: SubmissionStatus, first=(65, 65), second=(65, 65)) -> Submission:
    """A piece moved through the real workflow up to the state ``to``."""
    piece = submitted_piece(p)
    hub, marker, moderator = p["hub"], p["marker"], p["second"]
    steps = [
        (S.SUBMITTED, lambda: workflow.allocate(piece, marker, hub)),
        (
            S.IN_MARKING,
            lambda: (
                workflow.start_marking(piece, marker),
                db.session.flush(),
                workflow.save_mark(piece, MarkKind.FIRST, marks(*first), "Overall.", 1, marker),
            ),
        ),
        (S.MARKED, lambda: workflow.complete_marking(piece, marker)),
        (S.IN_MODERATION, lambda: workflow.select_for_moderation(p["assignment"], p["cohort"], hub, seed=1)),
        (
            S.READY_FOR_RELEASE,
            lambda: (
                workflow.save_mark(piece, MarkKind.SECOND, marks(*second), "2nd", 0, moderator),
                db.session.flush(),
                workflow.complete_second_mark(piece, moderator),
            ),
        ),
        (S.RELEASED, lambda: workflow.release(p["assignment"], p["cohort"], hub)),
    ]
    for state, step in steps:
        step()
        db.session.commit()
        if piece.status is to or piece.status is not state:  # arrived, or the marks took it elsewhere
            return piece
    return piece


# --- the transition table: states x actions x roles

ACTIONS = {
    # action: (who may, in which states, how to do it)
    "allocate": (
        {"hub"},
        {S.SUBMITTED, S.IN_MARKING},
        lambda p, piece, who: workflow.allocate(piece, p["other"], who),
    ),
    "start_marking": (
        {"marker"},
        {S.SUBMITTED, S.IN_MARKING},
        lambda p, piece, who: workflow.start_marking(piece, who),
    ),
    "save_first_mark": (
        {"marker"},
        {S.IN_MARKING},
        lambda p, piece, who: workflow.save_mark(
            piece,
            MarkKind.FIRST,
            marks(70, 70),
            "x",
            getattr(workflow.marks_of(piece).get(MarkKind.FIRST), "version", 0),
            who,
        ),
    ),
    "finish_marking": (
        {"marker"},
        {S.IN_MARKING},
        lambda p, piece, who: workflow.complete_marking(piece, who),
    ),
    "select_for_moderation": (
        {"hub"},
        {S.MARKED},
        lambda p, piece, who: workflow.select_for_moderation(p["assignment"], p["cohort"], who, seed=3),
    ),
    "save_second_mark": (
        {"second"},
        {S.IN_MODERATION},
        lambda p, piece, who: workflow.save_mark(piece, MarkKind.SECOND, marks(66, 66), "x", 0, who),
    ),
    "release": (
        {"hub"},
        {S.READY_FOR_RELEASE},
        lambda p, piece, who: workflow.release(p["assignment"], p["cohort"], who),
    ),
}
STATES = [S.SUBMITTED, S.IN_MARKING, S.MARKED, S.IN_MODERATION, S.READY_FOR_RELEASE, S.RELEASED]
ROLES = ["marker", "second", "other", "hub", "trainee"]


@pytest.mark.parametrize("state", STATES, ids=lambda s: s.value)
def test_every_action_in_every_state_by_every_role(people, state):
    piece = drive(people, state)
    for (action, (who_may, states, do)), role in itertools.product(ACTIONS.items(), ROLES):
        savepoint = db.session.begin_nested()
        try:
            do(people, piece, people[role])
            outcome = "done"
        except PermissionDenied:
            outcome = "not allowed"
        except workflow.MarkingRefused:
            outcome = "refused"
        finally:
            savepoint.rollback()
            db.session.expire_all()
        # The second marker only becomes one when the piece is sampled for moderation.
        allowed_now = who_may - ({"second"} if STATES.index(state) < STATES.index(S.IN_MODERATION) else set())
        expected = "not allowed" if role not in allowed_now else ("done" if state in states else "refused")
        assert outcome == expected, f"{action} by {role} when {state.value}: {outcome}, expected {expected}"


def test_the_lead_trainer_may_select_for_moderation_and_release(people):
    people["cohort"].lead_trainer = people["other"]
    db.session.commit()
    piece = drive(people, S.MARKED)
    workflow.select_for_moderation(people["assignment"], people["cohort"], people["other"], seed=1)
    assert piece.status is S.IN_MODERATION


def test_refusals_say_what_is_wrong(people):
    piece = drive(people, S.MARKED)
    with pytest.raises(workflow.MarkingRefused, match="You cannot mark this piece now: this piece is marked"):
        workflow.start_marking(piece, people["marker"])


# --- marking itself


def test_the_mark_must_lie_in_the_chosen_band(people):
    piece = drive(people, S.IN_MARKING)
    wrong = {"accuracy": ANY("pass", 65, ""), "clarity": ANY("pass", 55, "")}
    with pytest.raises(
        workflow.MarkingRefused, match="The mark 65 for Legal accuracy is in the Merit band, not Pass"
    ):
        workflow.save_mark(piece, MarkKind.FIRST, wrong, "", 2, people["marker"])


def test_a_gateway_criterion_below_pass_refers_the_piece_whatever_the_total(people):
    piece = drive(people, S.REFERRED, first=(45, 95), second=(45, 95))
    assert piece.result_band == "fail" and piece.result_total == pytest.approx(65)
    assert piece.status is S.REFERRED and piece.resubmission_due_on is not None


def test_two_people_saving_the_same_marking_never_overwrite_each_other(people):
    piece = drive(people, S.IN_MARKING)
    opened_version = workflow.marks_of(piece)[MarkKind.FIRST].version
    workflow.save_mark(piece, MarkKind.FIRST, marks(70, 70), "First tab.", opened_version, people["marker"])
    db.session.commit()
    with pytest.raises(workflow.MarkingRefused, match=r"after you opened it\. Your changes were not saved"):
        workflow.save_mark(
            piece, MarkKind.FIRST, marks(40, 40), "Second tab.", opened_version, people["marker"]
        )
    db.session.rollback()
    assert workflow.marks_of(piece)[MarkKind.FIRST].feedback_markdown == "First tab."


def test_a_lock_is_shown_to_others_and_refuses_their_saves(people):
    piece = drive(people, S.READY_FOR_RELEASE, second=(30, 30))  # far apart: needs an agreed mark
    assert piece.status is S.IN_MODERATION and workflow.needs_agreement(piece)
    workflow.save_mark(
        piece, MarkKind.AGREED, marks(55, 55), "Agreed.", 0, people["second"], rationale="Met."
    )
    db.session.commit()
    with pytest.raises(workflow.MarkingRefused, match="Bea Second is working on this piece until"):
        workflow.save_mark(
            piece, MarkKind.AGREED, marks(60, 60), "Mine.", 2, people["hub"], rationale="Other."
        )


def test_disagreement_beyond_the_threshold_needs_an_agreed_mark_and_all_three_are_kept(people):
    piece = drive(people, S.READY_FOR_RELEASE, first=(72, 72), second=(58, 58))
    assert piece.status is S.IN_MODERATION
    with pytest.raises(workflow.MarkingRefused, match="rationale"):
        workflow.save_mark(piece, MarkKind.AGREED, marks(65, 65), "x", 0, people["second"])
    workflow.save_mark(
        piece,
        MarkKind.AGREED,
        marks(65, 65),
        "Agreed feedback.",
        0,
        people["second"],
        rationale="Discussed the legal accuracy and settled on Merit.",
    )
    db.session.flush()
    workflow.complete_agreed_mark(piece, people["second"])
    db.session.commit()
    kept = workflow.marks_of(piece)
    assert {k: m.total for k, m in kept.items()} == {
        MarkKind.FIRST: 72,
        MarkKind.SECOND: 58,
        MarkKind.AGREED: 65,
    }
    assert (piece.status, piece.result_total, piece.result_band) == (S.READY_FOR_RELEASE, 65, "merit")


def test_close_marks_in_the_same_band_let_the_first_mark_stand(people):
    piece = drive(people, S.READY_FOR_RELEASE, first=(64, 64), second=(61, 61))
    assert (piece.status, piece.result_total) == (S.READY_FOR_RELEASE, 64)


def test_release_tells_the_trainee_and_a_referred_piece_is_resubmitted_capped_at_pass(people):
    piece = drive(people, S.REFERRED, first=(30, 30), second=(30, 30))
    assert "Your result for Test assignment" in outbox(limit=1)[0].subject
    again = workflow.start_resubmission(piece, people["trainee"])
    db.session.commit()
    with pytest.raises(workflow.MarkingRefused, match="already started"):
        workflow.start_resubmission(piece, people["trainee"])
    assert assignments.due_on(people["enrolment"], people["assignment"]) == piece.resubmission_due_on
    assignments.submit(again, "A much better piece.", again.revision, True, people["trainee"])
    workflow.allocate(again, people["marker"], people["hub"])
    workflow.start_marking(again, people["marker"])
    db.session.flush()
    mark = workflow.save_mark(again, MarkKind.FIRST, marks(85, 85), "Excellent.", 1, people["marker"])
    assert (mark.band, mark.total) == ("pass", 50)  # capped at Pass


# --- sampling


def test_sampling_is_deterministic_and_always_includes_fails_and_distinctions():
    pieces = [
        (n, 1 if n <= 30 else 2, "fail" if n in (3, 31) else "distinction" if n == 7 else "merit")
        for n in range(1, 46)
    ]
    rule = {"sample_percent": 10, "minimum": 1, "threshold_marks": 10}
    chosen = workflow.sample(pieces, rule, seed=5)
    assert chosen == workflow.sample(pieces, rule, seed=5)
    assert {3, 7, 31} <= chosen
    marker_1 = {n for n in chosen if n <= 30}
    marker_2 = {n for n in chosen if n > 30}
    assert len(marker_1) == 3  # 10% of 30, and its fail and distinction already count
    assert len(marker_2) == 2  # 10% of 15 rounds up to 2: its fail and one more
    assert any(workflow.sample(pieces, rule, seed=s) != chosen for s in range(6, 20))


def test_the_minimum_applies_per_marker():
    pieces = [(1, 1, "pass"), (2, 1, "merit"), (3, 2, "pass")]
    chosen = workflow.sample(pieces, {"sample_percent": 0, "minimum": 1, "threshold_marks": 10}, seed=1)
    assert len(chosen & {1, 2}) == 1 and 3 in chosen


# --- what trainees and markers see


def test_trainees_see_nothing_of_a_mark_until_release(people, app):
    piece = drive(people, S.READY_FOR_RELEASE)
    client = app.test_client()
    sign_in(client, people["trainee"])
    page = client.get("/learn/m01-module-1/assignment/receipt").get_data(as_text=True)
    assert "Your work has been submitted" in page and "Merit" not in page and "Accuracy feedback" not in page
    workflow.release(people["assignment"], people["cohort"], people["hub"])
    db.session.commit()
    page = client.get("/learn/m01-module-1/assignment/receipt").get_data(as_text=True)
    assert "Your result: Merit" in page and "Accuracy feedback." in page
    assert piece.status is S.RELEASED


def test_markers_pages_never_contain_the_trainees_name_before_release(people, app):
    piece = drive(people, S.IN_MARKING)
    name = people["trainee"].name
    for who, urls in (
        ("marker", ["/marking/", f"/marking/pieces/{piece.public_id}"]),
        (
            "hub",
            [
                "/marking/",
                f"/marking/pieces/{piece.public_id}",
                f"/marking/assessments/{people['cohort'].public_id}/m01-module-1",
                f"/marking/assessments/{people['cohort'].public_id}/m01-module-1/report",
                f"/marking/assessments/{people['cohort'].public_id}/m01-module-1/report?format=csv",
            ],
        ),
    ):
        client = app.test_client()
        sign_in(client, people[who])
        for url in urls:
            body = client.get(url).get_data(as_text=True)
            assert name not in body and "Traineename" not in body, url
            if "report" not in url or "csv" in url:  # the report page itself shows only totals
                assert people["enrolment"].candidate_number in body, url


def test_the_second_marker_marks_blind(people, app):
    piece = drive(people, S.IN_MODERATION, first=(72, 72))
    client = app.test_client()
    sign_in(client, people["second"])
    body = client.get(f"/marking/pieces/{piece.public_id}").get_data(as_text=True)
    # The first mark (72) appears nowhere as a number (a random public id may hold "72").
    assert "Second mark" in body and "First mark" not in body and not re.search(r"\b72\b", body)


def test_marking_through_the_form_keeps_what_was_typed_on_a_mistake(people, app):
    piece = drive(people, S.IN_MARKING)
    client = app.test_client()
    sign_in(client, people["marker"])
    response = post_form(
        client,
        f"/marking/pieces/{piece.public_id}",
        {
            "version": "2",
            "band-accuracy": "pass",
            "mark-accuracy": "75",
            "feedback-accuracy": "Typed feedback",
            "band-clarity": "merit",
            "mark-clarity": "62",
            "feedback": "Typed overall",
            "action": "save",
        },
    )
    body = response.get_data(as_text=True)
    assert "is in the Distinction band, not Pass" in body
    assert "Typed feedback" in body and "Typed overall" in body and 'value="75"' in body


# --- the audit trail


def test_every_move_writes_its_audit_event(people):
    piece = drive(people, S.RELEASED)
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.subject_id == piece.public_id).order_by(AuditEvent.id)
    ).all()
    assert actions == [
        "submission.submitted",
        "marking.allocated",
        "marking.started",
        "marking.first_mark_saved",
        "marking.marked",
        "marking.sampled_for_moderation",
        "marking.second_mark_saved",
        "marking.second_mark_agrees",
        "marking.released",
    ]


# --- bounded queries


def _many_pieces(p, count: int) -> None:
    organisation = make_organisation()
    for n in range(count):
        user = make_user(Role.TRAINEE, email=f"bulk{count}-{n}@example.org")
        enrolment = Enrolment(
            cohort=p["cohort"], user=user, organisation=organisation, candidate_number=f"B{count}-{n:04d}"
        )
        db.session.add(enrolment)
        db.session.add(
            Submission(
                enrolment=enrolment,
                assignment=p["assignment"],
                attempt=1,
                text="x",
                word_count=1,
                revision=1,
                status=S.SUBMITTED,
                marker_id=p["marker"].id,
                submitted_at=db.func.now(),
            )
        )
    db.session.commit()


@pytest.mark.parametrize("url", ["/marking/", "/marking/assessments/{cohort}/m01-module-1/report"])
def test_the_queue_and_report_take_a_fixed_number_of_queries(people, app, url):
    counts = []
    for size in (10, 490):  # 10, then 500 pieces in all
        _many_pieces(people, size)
        client = app.test_client()
        sign_in(client, people["hub"])
        statements: list[str] = []

        def listener(*args, statements=statements):
            statements.append(args[2])

        sa.event.listen(db.engine, "before_cursor_execute", listener)
        try:
            response = client.get(url.format(cohort=people["cohort"].public_id))
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listener)
        assert response.status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
    if url == "/marking/":
        assert re.search(r"B490-0489", response.get_data(as_text=True))


def test_the_queue_filters_by_cohort_module_and_status(people, app):
    piece = drive(people, S.IN_MARKING)
    client = app.test_client()
    sign_in(client, people["marker"])
    candidate = people["enrolment"].candidate_number
    assert candidate in client.get("/marking/?status=in_marking&module=m01-module-1").get_data(as_text=True)
    assert candidate not in client.get("/marking/?status=submitted").get_data(as_text=True)
    assert candidate not in client.get("/marking/?module=m02-module-2").get_data(as_text=True)
    assert candidate in client.get(f"/marking/?cohort={people['cohort'].public_id}").get_data(as_text=True)
    assert piece.status is S.IN_MARKING
