"""Special consideration: the trainee asks within the window, a Hub admin decides with reasons, and a granted
request acts (an extension, a voided quiz attempt, an uncapped resubmission, a note for the board); every
step is audited and the trainee told; refusals name their field and write nothing; the statement and the
evidence are the deciders' only."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.auth.access import PermissionDenied
from app.auth.models import Role
from app.database import db, utcnow
from app.learning import assignments, quizzes
from app.learning.models import Extension
from app.mail.services import outbox
from app.marking import consideration, workflow
from app.marking.models import ConsiderationRequest, ConsiderationStatus, MarkKind
from app.workdays import london_date, working_days_after
from tests.conftest import post_form, sign_in
from tests.factories import make_assessed_version, make_cohort, make_enrolment, make_user
from tests.integration.test_marking import drive, marks

STATEMENT = "My father was taken into hospital the night before."
PDF = b"%PDF-1.4 a letter from the hospital"


@pytest.fixture
def people(app, tmp_path):
    """The shape ``drive`` (from the marking tests) expects, with a one-attempt quiz."""
    version = make_assessed_version(tmp_path, attempts=1)
    marker, second = make_user(Role.TRAINER), make_user(Role.TRAINER)
    cohort = make_cohort(version, trainers=[marker, second])
    enrolment = make_enrolment(cohort, make_user(Role.TRAINEE))
    module = version.modules[0]
    return {
        "marker": marker,
        "second": second,
        "hub": make_user(Role.HUB_ADMIN),
        "trainee": enrolment.user,
        "enrolment": enrolment,
        "cohort": cohort,
        "assignment": module.assignment,
        "quiz": module.quiz,
    }


def failed_attempt(p):
    attempt = quizzes.start_attempt(p["enrolment"], p["quiz"], p["trainee"])
    quizzes.submit(attempt, p["trainee"])  # nothing answered: 0 %
    db.session.commit()
    return attempt


def quiz_key(p) -> str:
    return f"quiz:{p['quiz'].id}"


def work_key(p) -> str:
    return f"assignment:{p['assignment'].id}"


def due(p) -> date:
    return assignments.due_on(p["enrolment"], p["assignment"])


def ask(p, key=None, statement=STATEMENT, evidence=None, today=None, occurred=None):
    key = key or quiz_key(p)
    if today is None:
        today = due(p) if key.startswith("assignment") else london_date(utcnow())
    return consideration.request_consideration(
        p["enrolment"], key, occurred or today, statement, evidence, p["trainee"], today=today
    )


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def requests() -> list[ConsiderationRequest]:
    return list(db.session.scalars(sa.select(ConsiderationRequest)))


# --- what a granted request does


def test_a_granted_request_voids_the_failed_attempt_so_the_trainee_can_try_again(people):
    attempt = failed_attempt(people)
    assert quizzes.state(people["enrolment"], people["quiz"]).remaining == 0
    asked = ask(people, evidence=("letter.pdf", PDF))
    db.session.commit()
    assert asked.attempt_id == attempt.id and asked.evidence_type == "pdf"
    consideration.decide(asked, True, "void_attempt", "We are sorry to hear this.", people["hub"])
    db.session.commit()
    state = quizzes.state(people["enrolment"], people["quiz"])
    assert attempt.voided_at is not None and state.remaining == 1 and state.refusal is None
    again = quizzes.start_attempt(people["enrolment"], people["quiz"], people["trainee"])
    assert again.number == 2  # numbers are never reused
    assert [len(events(a)) for a in ("consideration.requested", "consideration.granted")] == [1, 1]
    assert len(events("quiz.attempt_voided")) == 1
    subjects = [m.subject for m in outbox(limit=2)]
    assert "A decision on your request for special consideration" in subjects
    assert "Your request for special consideration has been received" in subjects


def test_a_voided_attempt_does_not_count_in_the_progress_facts(people):
    from app.learning.outcomes import progress

    enrolment = people["enrolment"]
    failed_attempt(people)
    module_id = people["quiz"].module_id

    def facts():
        found = progress.collect([enrolment], london_date(utcnow()))[enrolment.id]
        return found.facts[module_id], found.assessments[module_id]

    assert facts()[1].quiz_exhausted
    consideration.decide(ask(people), True, "void_attempt", "Granted.", people["hub"])
    db.session.commit()
    fact, assessed = facts()
    assert fact.quiz_attempts == 0 and not assessed.quiz_exhausted


def test_a_granted_extension_moves_the_deadline(people):
    before = due(people)
    asked = ask(people, work_key(people))
    consideration.decide(
        asked, True, "extension", "Granted.", people["hub"], due_on=before + timedelta(days=14)
    )
    db.session.commit()
    assert due(people) == before + timedelta(days=14) and asked.new_due_on == due(people)
    assert len(events("assignment.extension_granted")) == 1


def test_a_granted_uncapped_resubmission_is_marked_without_the_pass_cap(people):
    piece = drive(people, workflow.S.REFERRED, first=(30, 30), second=(30, 30))
    asked = ask(people, work_key(people), today=london_date(utcnow()))
    consideration.decide(asked, True, "uncapped_resubmission", "Granted.", people["hub"])
    again = workflow.start_resubmission(piece, people["trainee"])
    assignments.submit(again, "A much better piece.", again.revision, True, people["trainee"])
    workflow.allocate(again, people["marker"], people["hub"])
    workflow.start_marking(again, people["marker"])
    db.session.flush()
    mark = workflow.save_mark(again, MarkKind.FIRST, marks(85, 85), "Excellent.", 1, people["marker"])
    assert mark.total == 85 and mark.band != "pass" and not workflow.capped(again)


def test_a_note_for_the_board_is_kept_shown_at_the_accreditation_check_and_changes_nothing_else(
    people, client
):
    failed_attempt(people)
    asked = ask(people)
    consideration.decide(asked, True, "board_note", "Noted.", people["hub"], board_note="Bereavement.")
    db.session.commit()
    assert (
        asked.board_note == "Bereavement."
        and quizzes.state(people["enrolment"], people["quiz"]).remaining == 0
    )
    sign_in(client, people["hub"])  # the awarding decision's page shows it
    page = client.get(f"/accreditation/enrolments/{people['enrolment'].public_id}").get_data(as_text=True)
    assert "Notes for the awarding board" in page and "Bereavement." in page


def test_a_refused_request_is_told_to_the_trainee_with_its_reasons_and_changes_nothing(people, client):
    failed_attempt(people)
    asked = ask(people)
    consideration.decide(asked, False, None, "The attempt was before it happened.", people["hub"])
    db.session.commit()
    assert asked.status is ConsiderationStatus.REFUSED and asked.attempt.voided_at is None
    assert "The attempt was before it happened." in outbox(limit=1)[0].body
    sign_in(client, people["trainee"])
    page = client.get("/learn/special-consideration").get_data(as_text=True)
    assert "Not granted" in page and "The attempt was before it happened." in page and STATEMENT in page


# --- refusals: each names its field, and nothing is written


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"key": "quiz:999999"}, "assessment"),
        ({"statement": "   "}, "statement"),
        ({"occurred": "not a date"}, "occurred_on"),
        ({"occurred": date(2099, 1, 1)}, "occurred_on"),
        ({"evidence": ("letter.exe", b"MZ not a document")}, "evidence"),
    ],
)
def test_a_bad_request_is_refused_on_its_field_and_nothing_is_written(people, change, field):
    with pytest.raises(consideration.ConsiderationRefused) as refusal:
        ask(people, **change)
    assert refusal.value.field == field and requests() == []


def test_a_late_request_is_refused_on_the_assessment(people):
    closes = consideration.window_closes(due(people))
    ask(people, work_key(people), today=closes, statement="In time.")  # the last day is in time
    with pytest.raises(consideration.ConsiderationRefused) as refusal:
        ask(people, work_key(people), today=working_days_after(closes, 1))
    assert refusal.value.field == "assessment"


def test_a_request_after_the_window_writes_nothing(people):
    closes = consideration.window_closes(due(people))
    with pytest.raises(consideration.ConsiderationRefused) as refusal:
        ask(people, work_key(people), today=closes + timedelta(days=7))
    assert refusal.value.field == "assessment" and requests() == []


def test_a_second_open_request_on_the_same_assessment_is_refused_and_one_decided_allows_another(people):
    first = ask(people)
    with pytest.raises(consideration.ConsiderationRefused) as refusal:
        ask(people, statement="Something else.")
    assert refusal.value.field == "assessment"
    consideration.decide(first, False, None, "Not this time.", people["hub"])
    assert ask(people, statement="Something else.").id != first.id


def test_the_same_request_sent_twice_at_once_is_one_request(people):
    from app.learning.once import insert_once

    first = ask(people)
    # The second click got past the checks before the first committed: the unique key decides.
    assert not insert_once(
        ConsiderationRequest,
        ("enrolment_id", "open_key"),
        enrolment_id=first.enrolment_id,
        open_key=first.open_key,
        occurred_on=first.occurred_on,
        statement=STATEMENT,
        status=ConsiderationStatus.OPEN,
    )
    assert ask(people).id == first.id  # and the same form sent again a moment later
    assert len(requests()) == 1 and len(events("consideration.requested")) == 1


@pytest.mark.parametrize(
    ("decision", "field"),
    [
        ({"granted": None}, "decision"),
        ({"reasons": " "}, "reasons"),
        ({"outcome": None}, "outcome"),
        ({"outcome": "extension"}, "outcome"),  # not for a quiz
        ({"outcome": "board_note"}, "board_note"),
    ],
)
def test_a_bad_decision_is_refused_on_its_field_and_changes_nothing(people, decision, field):
    failed_attempt(people)
    asked = ask(people)
    given = {"granted": True, "outcome": "void_attempt", "reasons": "Granted."} | decision
    with pytest.raises(consideration.ConsiderationRefused) as refusal:
        consideration.decide(asked, given["granted"], given["outcome"], given["reasons"], people["hub"])
    assert refusal.value.field == field and asked.status is ConsiderationStatus.OPEN


def test_an_extension_needs_a_later_date_on_the_date_field(people):
    asked = ask(people, work_key(people))
    db.session.commit()
    for bad in (None, "soon", due(people)):
        with pytest.raises(consideration.ConsiderationRefused) as refusal:
            consideration.decide(asked, True, "extension", "Granted.", people["hub"], due_on=bad)
        db.session.rollback()  # as the view does: nothing half-written
        assert refusal.value.field == "due_on"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Extension)) == 0
    assert asked.status is ConsiderationStatus.OPEN


def test_a_passed_attempt_cannot_be_voided(people):
    attempt = failed_attempt(people)
    asked = ask(people)
    attempt.passed = True
    with pytest.raises(consideration.ConsiderationRefused) as refusal:
        consideration.decide(asked, True, "void_attempt", "Granted.", people["hub"])
    assert refusal.value.field == "outcome"


def test_deciding_twice_is_refused_and_acts_once(people):
    asked = ask(people, work_key(people))
    later = due(people) + timedelta(days=10)
    consideration.decide(asked, True, "extension", "Granted.", people["hub"], due_on=later)
    with pytest.raises(consideration.ConsiderationRefused) as refusal:
        consideration.decide(asked, True, "extension", "Granted.", people["hub"], due_on=later)
    assert refusal.value.field == "decision"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Extension)) == 1


def test_only_the_trainee_asks_and_only_a_hub_admin_decides(people):
    with pytest.raises(PermissionDenied):
        consideration.request_consideration(
            people["enrolment"], quiz_key(people), date(2026, 1, 1), STATEMENT, None, people["marker"]
        )
    asked = ask(people)
    with pytest.raises(PermissionDenied):
        consideration.decide(asked, False, None, "No.", people["marker"])


# --- who sees what


def test_the_statement_and_evidence_are_the_hubs_only_and_the_audit_trail_omits_them(people, client):
    asked = ask(people, evidence=("letter.pdf", PDF))
    db.session.commit()
    assert all(STATEMENT not in str(e.details) for e in db.session.scalars(sa.select(AuditEvent)))
    sign_in(client, people["marker"])
    assert client.get(f"/marking/special-consideration/{asked.public_id}").status_code == 403
    assert client.get(f"/marking/special-consideration/{asked.public_id}/evidence").status_code == 403
    hub = client.application.test_client()
    sign_in(hub, people["hub"])
    assert STATEMENT in hub.get(f"/marking/special-consideration/{asked.public_id}").get_data(as_text=True)
    assert hub.get(f"/marking/special-consideration/{asked.public_id}/evidence").data == PDF


# --- through the pages


def test_the_request_form_keeps_what_was_typed_and_shows_the_refusal_next_to_the_field(people, client):
    sign_in(client, people["trainee"])
    response = post_form(
        client,
        "/learn/special-consideration/new",
        {"assessment": quiz_key(people), "occurred_on": "2099-01-01", "statement": STATEMENT},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="occurred_on-error"' in page and STATEMENT in page
    assert requests() == []


def test_a_request_and_a_decision_through_the_pages(people, client):
    failed_attempt(people)
    sign_in(client, people["trainee"])
    response = post_form(
        client,
        "/learn/special-consideration/new",
        {
            "assessment": quiz_key(people),
            "occurred_on": london_date(utcnow()).isoformat(),
            "statement": STATEMENT,
        },
    )
    assert response.status_code == 302
    (asked,) = requests()
    hub = client.application.test_client()
    sign_in(hub, people["hub"])
    assert "1 waiting" in hub.get("/marking/").get_data(as_text=True)
    url = f"/marking/special-consideration/{asked.public_id}"
    refused = post_form(hub, url, {"decision": "grant", "outcome": "void_attempt", "reasons": ""})
    assert 'id="reasons-error"' in refused.get_data(as_text=True)
    done = post_form(hub, url, {"decision": "grant", "outcome": "void_attempt", "reasons": "Granted."})
    assert done.status_code == 302
    db.session.expire_all()
    assert asked.status is ConsiderationStatus.GRANTED and asked.attempt.voided_at is not None
    again = post_form(hub, url, {"decision": "grant", "outcome": "void_attempt", "reasons": "Granted."})
    assert 'id="decision-error"' in again.get_data(as_text=True)
