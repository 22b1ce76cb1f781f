"""The progress matrix and at-risk flags: the module rules, the page, filters, sorting, CSV, the trainee
record, and bounded queries at 10 and 1,000 trainees."""

from __future__ import annotations

import csv
import io
import itertools
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from app.auth.models import Role, User
from app.cohorts import services as cohorts
from app.cohorts.models import Enrolment, ModuleSchedule
from app.database import db
from app.learning.models import EvidenceStatus, QuizAttempt, Submission
from app.learning.models import SubmissionStatus as S
from app.learning.outcomes import ModuleFacts, ModuleState, PieceFacts, assess, collect
from app.organisations.models import Nation
from app.reports.progress import matrix, risks
from tests.conftest import post_form, sign_in
from tests.factories import (
    add_evidence,
    add_lessons,
    add_piece,
    add_quiz_attempt,
    make_assessed_version,
    make_cohort,
    make_enrolment,
    make_organisation,
    make_user,
)

TODAY = date(2026, 6, 1)
E = EvidenceStatus

# --- the rules, as a pure function: every combination the rules allow


def _module(quiz=True, assignment=True, portfolio=True):
    requirement = SimpleNamespace(title="Supervision", unit="items", minimum=2, kinds=["supervision"])
    return SimpleNamespace(
        code="M01",
        quiz=SimpleNamespace(attempts=3) if quiz else None,
        assignment=SimpleNamespace() if assignment else None,
        portfolio_requirements=[requirement] if portfolio else [],
    )


LESSONS = {"none": (0, 0), "some": (2, 1), "all": (3, 3)}
QUIZ = {  # (attempts, passed, open)
    "untried": (0, False, False),
    "failed_once": (1, False, False),
    "open": (2, False, True),
    "exhausted": (3, False, False),
    "passed": (2, True, False),
}
PIECE = {
    "none": None,
    "draft": PieceFacts(S.DRAFT),
    **{
        s.value: PieceFacts(s)
        for s in (S.SUBMITTED, S.IN_MARKING, S.MARKED, S.IN_MODERATION, S.READY_FOR_RELEASE)
    },
    "referred": PieceFacts(S.REFERRED, "fail"),
    "released_fail": PieceFacts(S.RELEASED, "fail"),
    "released_pass": PieceFacts(S.RELEASED, "pass"),
}
EVIDENCE = {
    "none": {},
    "short": {("supervision", E.VERIFIED): (1, Decimal(0))},
    "waiting": {("supervision", E.VERIFIED): (1, Decimal(0)), ("supervision", E.SUBMITTED): (1, Decimal(0))},
    "met": {("supervision", E.VERIFIED): (2, Decimal(0))},
}
DUE = {"future": TODAY + timedelta(days=7), "past": TODAY - timedelta(days=1), "unset": None}


def _all_combinations():
    for shape in itertools.product([True, False], repeat=3):
        quiz_keys = QUIZ if shape[0] else ["untried"]
        piece_keys = PIECE if shape[1] else ["none"]
        evidence_keys = EVIDENCE if shape[2] else ["none"]
        yield from itertools.product([shape], LESSONS, quiz_keys, piece_keys, evidence_keys, DUE)


def test_every_combination_gets_exactly_the_state_its_rules_say():
    """Exhaustively: lessons x quiz x written work x portfolio x due date, for every module shape. Each
    state is given for its reason only, with the precedence passed > referred > awaiting marking > overdue >
    in progress > not started."""
    seen = set()
    for (has_quiz, has_piece, has_portfolio), lessons, quiz, piece, evidence, due in _all_combinations():
        module = _module(has_quiz, has_piece, has_portfolio)
        opened, done = LESSONS[lessons]
        tries, passed, open_ = QUIZ[quiz]
        facts = ModuleFacts(
            lessons_total=3,
            lessons_opened=opened,
            lessons_completed=done,
            quiz_attempts=tries,
            quiz_passed=passed,
            quiz_open=open_,
            piece=PIECE[piece],
            evidence=EVIDENCE[evidence],
            due_on=DUE[due],
        )
        result = assess(module, facts, TODAY)
        seen.add(result.state)
        trainee_todo = (
            lessons != "all"
            or (has_quiz and quiz != "passed")
            or (has_piece and piece in ("none", "draft", "referred", "released_fail"))
            or (has_portfolio and evidence in ("none", "short"))
        )
        with_staff = (
            has_piece
            and PIECE[piece] is not None
            and PIECE[piece].status.value
            in {"submitted", "in_marking", "marked", "in_moderation", "ready_for_release"}
        ) or (has_portfolio and evidence == "waiting")
        started = lessons != "none" or tries or PIECE[piece] is not None or evidence != "none"
        if not trainee_todo and not with_staff:
            expected = ModuleState.PASSED
        elif has_piece and piece in ("referred", "released_fail"):
            expected = ModuleState.REFERRED
        elif not trainee_todo:
            expected = ModuleState.AWAITING_MARKING
        elif due == "past":
            expected = ModuleState.OVERDUE
        elif started:
            expected = ModuleState.IN_PROGRESS
        else:
            expected = ModuleState.NOT_STARTED
        assert result.state is expected, (
            has_quiz,
            has_piece,
            has_portfolio,
            lessons,
            quiz,
            piece,
            evidence,
            due,
        )
        assert (not result.outstanding) == (expected is ModuleState.PASSED)
        assert result.quiz_exhausted == (has_quiz and quiz == "exhausted")
    assert seen == set(ModuleState)


@pytest.mark.parametrize(
    ("facts", "state"),
    [
        (ModuleFacts(lessons_total=3), ModuleState.NOT_STARTED),
        (ModuleFacts(lessons_total=3, lessons_opened=1), ModuleState.IN_PROGRESS),
        (
            ModuleFacts(lessons_total=3, lessons_opened=1, due_on=TODAY - timedelta(days=1)),
            ModuleState.OVERDUE,
        ),
        (ModuleFacts(lessons_total=3, due_on=TODAY), ModuleState.NOT_STARTED),  # due today is not overdue
        (ModuleFacts(lessons_total=3, lessons_completed=3, lessons_opened=3), ModuleState.PASSED),
    ],
)
def test_a_module_with_lessons_only(facts, state):
    """Lessons only: not started, in progress, overdue the day after the due date, passed when all done."""
    assert assess(_module(False, False, False), facts, TODAY).state is state


# --- a real cohort


@pytest.fixture
def world(app, tmp_path):
    version = make_assessed_version(tmp_path)  # M01: quiz, assignment, portfolio; M02: lessons only
    trainer = make_user(Role.TRAINER, name="Tess Trainer")
    cohort = make_cohort(version, trainers=[trainer], name="Cohort P")
    north, south = make_organisation("Northern Fictional Trust"), make_organisation("Southern Example Group")
    people = {}
    for name, org, nation in (
        ("Ada Example", north, Nation.SCOTLAND),
        ("Ben Example", north, Nation.ENGLAND),
        ("Cal Example", south, Nation.WALES),
    ):
        people[name] = make_enrolment(cohort, make_user(Role.TRAINEE, name=name), org)
        people[name].nation = nation
    db.session.commit()
    m1, m2 = version.modules
    return SimpleNamespace(
        version=version,
        cohort=cohort,
        trainer=trainer,
        north=north,
        south=south,
        m1=m1,
        m2=m2,
        **{n.split()[0].lower(): e for n, e in people.items()},
    )


def _schedule(w, module, opens, due):
    row = db.session.scalar(
        sa.select(ModuleSchedule).where(
            ModuleSchedule.cohort_id == w.cohort.id, ModuleSchedule.module_id == module.id
        )
    )
    row.opens_on, row.due_on = opens, due
    db.session.commit()


def test_the_matrix_shows_each_state_from_real_rows(world):
    """Rows in the database give the states the rules promise, through the same queries as the page."""
    w = world
    _schedule(w, w.m1, date(2026, 1, 1), date(2026, 12, 31))
    _schedule(w, w.m2, date(2026, 1, 1), date(2026, 3, 1))  # M02 is due in the past
    add_lessons(w.ada, w.m1, completed=2)
    add_quiz_attempt(w.ada, w.m1.quiz, passed=True)
    add_piece(w.ada, w.m1.assignment, S.RELEASED, band="pass")
    add_evidence(w.ada, w.m1, "supervision", E.VERIFIED)
    add_evidence(w.ada, w.m1, "supervision", E.VERIFIED)
    add_evidence(w.ada, w.m1, "direct_practice", E.VERIFIED, hours=Decimal("10"))
    add_lessons(w.ada, w.m2, completed=2)
    add_lessons(w.ben, w.m1, completed=2)
    add_quiz_attempt(w.ben, w.m1.quiz, passed=True)
    add_piece(w.ben, w.m1.assignment, S.IN_MARKING)
    add_evidence(w.ben, w.m1, "supervision", E.VERIFIED)
    add_evidence(w.ben, w.m1, "supervision", E.SUBMITTED)
    add_evidence(w.ben, w.m1, "direct_practice", E.VERIFIED, hours=Decimal("10"))
    add_lessons(w.ben, w.m2, opened=1)
    add_piece(w.cal, w.m1.assignment, S.REFERRED, band="fail")
    found = matrix(w.cohort, TODAY)
    states = {r.enrolment.user.name: [s for s, _label in r.cells] for r in found.rows}
    assert states == {
        "Ada Example": ["passed", "passed"],
        "Ben Example": ["awaiting_marking", "overdue"],
        "Cal Example": ["referred", "overdue"],
    }
    assert found.pass_rate(w.m1) == (1, 3) and found.pass_rate(w.m2) == (1, 3)
    assert [r.progress.passed for r in found.rows] == [2, 0, 0]


def test_the_trainee_sees_the_same_outcome_as_the_matrix(world, app):
    """The trainee's dashboard and the matrix come from one rule set: they never disagree."""
    w = world
    add_lessons(w.ada, w.m2, completed=2)
    client = app.test_client()
    sign_in(client, w.ada.user)
    body = client.get("/learn/").get_data(as_text=True)
    assert body.count("Passed") == 1
    assert [s for s, _ in matrix(w.cohort, TODAY).rows[0].cells] == ["overdue", "passed"]


def test_the_page_filters_by_organisation_nation_and_status_and_sorts(world, app):
    """Filters narrow the rows (and the pass rates with them); sorting orders them; names link to records."""
    w = world
    add_piece(w.cal, w.m1.assignment, S.REFERRED, band="fail")
    add_lessons(w.ben, w.m2, completed=2)
    client = app.test_client()
    sign_in(client, w.trainer)
    url = f"/cohorts/{w.cohort.public_id}/progress"
    body = client.get(url).get_data(as_text=True)
    assert all(n in body for n in ("Ada Example", "Ben Example", "Cal Example"))
    assert f"/cohorts/trainees/{w.ada.public_id}" in body
    assert "Module state of each trainee" in body and "Pass rate" in body
    only_north = client.get(f"{url}?organisation={w.north.public_id}").get_data(as_text=True)
    assert "Ada Example" in only_north and "Cal Example" not in only_north
    assert "Showing 2 of 3 trainees" in only_north
    wales = client.get(f"{url}?nation=wales").get_data(as_text=True)
    assert "Cal Example" in wales and "Ada Example" not in wales
    referred = client.get(f"{url}?status=referred").get_data(as_text=True)
    assert "Cal Example" in referred and "Ben Example" not in referred
    by_passed = client.get(f"{url}?sort=passed").get_data(as_text=True)
    assert by_passed.index("Ben Example") < by_passed.index("Ada Example")


def test_the_matrix_downloads_as_csv_with_the_same_filters(world, app):
    """The CSV has one row per trainee shown, a column per module and the pass rates."""
    w = world
    client = app.test_client()
    sign_in(client, w.trainer)
    response = client.get(
        f"/cohorts/{w.cohort.public_id}/progress?organisation={w.north.public_id}&format=csv"
    )
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:7] == [
        "name",
        "candidate_number",
        "organisation",
        "nation",
        "enrolment_status",
        "M01",
        "M02",
    ]
    assert [r[0] for r in rows[1:]] == ["Ada Example", "Ben Example", "pass rate"]


def test_another_trainer_cannot_open_the_matrix(world, app):
    """Only the cohort's trainers and Hub admins see its matrix."""
    client = app.test_client()
    sign_in(client, make_user(Role.TRAINER))
    assert client.get(f"/cohorts/{world.cohort.public_id}/progress").status_code == 403


# --- at-risk flags


def _progress(enrolment, today=TODAY):
    return collect([enrolment], today)[enrolment.id]


def test_inactivity_flags_after_the_configured_days(world, app):
    """No activity for 14 days (the default) flags a trainee; 13 days does not; the reason says how long."""
    w = world
    add_lessons(w.ada, w.m1, opened=1, when=datetime(2026, 5, 18, 12, tzinfo=UTC))
    _schedule(w, w.m1, date(2026, 1, 1), date(2026, 12, 31))
    _schedule(w, w.m2, date(2026, 1, 1), date(2026, 12, 31))
    assert risks(_progress(w.ada), date(2026, 5, 31), 14) == []
    assert risks(_progress(w.ada), date(2026, 6, 1), 14) == ["No activity for 14 days (last on 18 May 2026)"]
    assert risks(_progress(w.ada), date(2026, 6, 1), 30) == []
    app.config["IMSA_INACTIVE_DAYS"] = 3  # the page reads N from the configuration
    row = next(r for r in matrix(w.cohort, date(2026, 5, 22)).rows if r.enrolment.id == w.ada.id)
    assert row.risks == ["No activity for 4 days (last on 18 May 2026)"]


def test_never_active_trainees_are_flagged_from_their_start(world):
    """Someone who has done nothing is flagged once N days have passed since enrolment or the cohort start."""
    w = world
    w.ada.enrolled_at = datetime(2026, 5, 1, tzinfo=UTC)
    db.session.commit()
    _schedule(w, w.m1, date(2026, 1, 1), date(2026, 12, 31))
    _schedule(w, w.m2, date(2026, 1, 1), date(2026, 12, 31))
    assert risks(_progress(w.ada), date(2026, 5, 10), 14) == []
    assert risks(_progress(w.ada), date(2026, 5, 20), 14) == [
        "No activity since the course started for them, 19 days ago"
    ]


def test_behind_schedule_failed_final_quiz_and_referred_work_are_flagged(world):
    """Overdue modules, a used-up quiz and referred work each give their own reason."""
    w = world
    now = datetime(2026, 5, 30, tzinfo=UTC)
    _schedule(w, w.m1, date(2026, 1, 1), date(2026, 12, 31))
    _schedule(w, w.m2, date(2026, 1, 1), date(2026, 3, 1))
    for n in (1, 2, 3):
        add_quiz_attempt(w.ada, w.m1.quiz, passed=False, number=n, when=now)
    add_piece(w.ada, w.m1.assignment, S.REFERRED, band="fail", when=now)
    assert risks(_progress(w.ada), TODAY, 14) == [
        "Behind the cohort schedule: M02 overdue",
        "Failed the final quiz attempt: M01",
        "Written assignment referred or not passed: M01",
    ]
    add_quiz_attempt(w.ben, w.m1.quiz, passed=False, number=1, when=now)
    assert "Failed the final quiz attempt" not in " ".join(risks(_progress(w.ben), TODAY, 14))


def test_deferred_and_withdrawn_trainees_are_not_flagged(world):
    """Only active places are flagged: a deferred trainee is expected to be idle."""
    w = world
    cohorts.change_status(w.ada, "defer", "Leave until autumn", None)
    db.session.commit()
    assert risks(_progress(w.ada), TODAY, 14) == []


def test_an_extension_moves_the_due_date_so_the_module_is_not_overdue(world):
    """A trainee's extension wins over the cohort schedule in the matrix, as on their assignment page."""
    from app.learning.models import Extension

    w = world
    _schedule(w, w.m1, date(2026, 1, 1), date(2026, 3, 1))
    add_lessons(w.ada, w.m1, opened=1)
    assert _progress(w.ada).state(w.m1.id) is ModuleState.OVERDUE
    db.session.add(
        Extension(
            enrolment_id=w.ada.id, assignment_id=w.m1.assignment.id, due_on=date(2026, 7, 1), reason="Illness"
        )
    )
    db.session.commit()
    assert _progress(w.ada).state(w.m1.id) is ModuleState.IN_PROGRESS


def test_the_at_risk_filter_and_a_contact_note(world, app):
    """The trainer filters to trainees at risk, opens one, records contact; the note shows who, when, what."""
    w = world
    _schedule(w, w.m1, date(2025, 9, 1), date(2099, 1, 1))
    _schedule(w, w.m2, date(2025, 9, 1), date(2025, 10, 1))
    add_lessons(w.ada, w.m2, completed=2)
    client = app.test_client()
    sign_in(client, w.trainer)
    at_risk = client.get(f"/cohorts/{w.cohort.public_id}/progress?status=at_risk").get_data(as_text=True)
    assert "Ben Example" in at_risk and "Ada Example" not in at_risk
    response = post_form(
        client,
        f"/cohorts/trainees/{w.ben.public_id}/notes",
        {"contacted_on": "2026-05-29", "agreed": "Ben will finish M02 lessons by Friday; call again Monday."},
        follow_redirects=True,
    )
    body = response.get_data(as_text=True)
    assert "The contact note has been saved" in body
    assert "29 May 2026, Tess Trainer:" in body and "call again Monday" in body
    again = client.get(f"/cohorts/{w.cohort.public_id}/progress?status=at_risk").get_data(as_text=True)
    assert "Last contact 29 May 2026" in again


def test_a_contact_note_form_with_errors_keeps_what_was_typed(world, app):
    """A note without a date says what to fix and keeps the text."""
    client = app.test_client()
    sign_in(client, world.trainer)
    body = post_form(
        client, f"/cohorts/trainees/{world.ben.public_id}/notes", {"contacted_on": "", "agreed": "Typed text"}
    ).get_data(as_text=True)
    assert (
        "There is a problem" in body and "Enter the date you were in touch" in body and "Typed text" in body
    )


# --- the trainee record


def test_the_trainee_record_shows_modules_attempts_marks_portfolio_extensions_and_timeline(world, app):
    """Everything about one enrolment on one page."""
    w = world
    add_lessons(w.ada, w.m1, completed=1)
    add_quiz_attempt(w.ada, w.m1.quiz, passed=False, number=1)
    add_quiz_attempt(w.ada, w.m1.quiz, passed=True, number=2)
    add_piece(w.ada, w.m1.assignment, S.RELEASED, band="merit")
    add_evidence(w.ada, w.m1, "supervision", E.VERIFIED)
    from app.learning import assignments

    assignments.grant_extension(
        w.ada, w.m1.assignment, date(2028, 1, 1), "Caring responsibilities", w.trainer
    )
    db.session.commit()
    client = app.test_client()
    sign_in(client, w.trainer)
    body = client.get(f"/cohorts/trainees/{w.ada.public_id}").get_data(as_text=True)
    for text in (
        "Ada Example",
        w.ada.candidate_number,
        "Northern Fictional Trust",
        "Scotland",
        "M01: Module 1",
        "1 of 2 lessons",
        "2 of 3",  # the second quiz attempt
        "Not passed",
        "Merit (65)",
        "Supervision sessions",
        "until 1 January 2028",
        "Extension granted",
        "Enrolled",
    ):
        assert text in body, text


def test_unreleased_marks_show_to_hub_admins_but_not_to_trainers_of_anonymous_cohorts_or_managers(world, app):
    """Released marks for everyone who may see the record; unreleased ones only for Hub admins (and trainers
    when marking is not anonymous); never for organisation managers."""
    w = world
    add_piece(w.ada, w.m1.assignment, S.READY_FOR_RELEASE, band="distinction")
    manager = make_user(Role.ORG_MANAGER)
    manager.organisation_id = w.north.id
    db.session.commit()
    url = f"/cohorts/trainees/{w.ada.public_id}"
    seen = {}
    for who in (make_user(Role.HUB_ADMIN), w.trainer, manager):
        client = app.test_client()
        sign_in(client, who)
        seen[who.id] = "Distinction" in client.get(url).get_data(as_text=True)
    assert list(seen.values()) == [True, False, False]
    w.cohort.anonymous_marking = False
    db.session.commit()
    client = app.test_client()
    sign_in(client, w.trainer)
    assert "Distinction" in client.get(url).get_data(as_text=True)


def test_organisation_managers_see_only_their_own_organisations_trainees(world, app):
    """A manager reaches records of their organisation's trainees; others are 404, even by URL tampering,
    and their list links only their own."""
    w = world
    manager = make_user(Role.ORG_MANAGER)
    manager.organisation_id = w.north.id
    db.session.commit()
    client = app.test_client()
    sign_in(client, manager)
    assert client.get(f"/cohorts/trainees/{w.ada.public_id}").status_code == 200
    assert client.get(f"/cohorts/trainees/{w.cal.public_id}").status_code == 404
    assert client.get("/cohorts/trainees/not-a-real-id").status_code == 404
    mine = client.get("/organisations/mine").get_data(as_text=True)
    assert w.ada.public_id in mine and w.cal.public_id not in mine
    assert client.get(f"/cohorts/{w.cohort.public_id}/progress").status_code == 403  # staff pages


def test_a_trainer_of_another_cohort_gets_404_for_a_trainee_record(world, app):
    """Records are people: outside one's cohorts they do not exist (404), for trainers as for managers."""
    client = app.test_client()
    sign_in(client, make_user(Role.TRAINER))
    assert client.get(f"/cohorts/trainees/{world.ada.public_id}").status_code == 404


# --- bounded queries


def _bulk_trainees(cohort, version, organisation, count: int, start: int = 0) -> None:
    """``count`` trainees with lesson progress, attempts, submissions and evidence, by bulk inserts."""
    m1 = version.modules[0]
    users = [
        {
            "email": f"bulk-{start + n}@example.org",
            "name": f"Bulk Trainee {start + n:04d}",
            "is_active_account": False,
        }
        for n in range(count)
    ]
    db.session.execute(sa.insert(User), users)
    ids = db.session.scalars(
        sa.select(User.id).where(User.email.in_([u["email"] for u in users])).order_by(User.id)
    ).all()
    db.session.execute(
        sa.insert(Enrolment),
        [
            {
                "cohort_id": cohort.id,
                "user_id": uid,
                "organisation_id": organisation.id,
                "candidate_number": f"B-{start + n:05d}",
                "nation": Nation.ENGLAND,
                "public_id": f"bulk{start + n:012d}",
            }
            for n, uid in enumerate(ids)
        ],
    )
    enrolment_ids = db.session.scalars(
        sa.select(Enrolment.id).where(Enrolment.user_id.in_(ids)).order_by(Enrolment.id)
    ).all()
    from app.database import utcnow
    from app.learning.models import LessonProgress, PortfolioEntry

    now = utcnow()
    lesson = m1.lessons[0]
    db.session.execute(
        sa.insert(LessonProgress),
        [
            {"enrolment_id": e, "lesson_id": lesson.id, "first_opened_at": now, "completed_at": now}
            for e in enrolment_ids
        ],
    )
    db.session.execute(
        sa.insert(QuizAttempt),
        [
            {
                "enrolment_id": e,
                "quiz_id": m1.quiz.id,
                "number": 1,
                "seed": 1,
                "layout": [],
                "started_at": now,
                "submitted_at": now,
                "score": 80.0,
                "passed": True,
                "public_id": f"qa{start}{e:012d}",
            }
            for e in enrolment_ids
        ],
    )
    db.session.execute(
        sa.insert(Submission),
        [
            {
                "enrolment_id": e,
                "assignment_id": m1.assignment.id,
                "attempt": 1,
                "status": S.RELEASED,
                "text": "x",
                "word_count": 1,
                "revision": 1,
                "submitted_at": now,
                "marked_at": now,
                "released_at": now,
                "result_band": "pass",
                "result_total": 55.0,
                "public_id": f"sb{start}{e:012d}",
            }
            for e in enrolment_ids
        ],
    )
    db.session.execute(
        sa.insert(PortfolioEntry),
        [
            {
                "enrolment_id": e,
                "module_id": m1.id,
                "kind": "supervision",
                "occurred_on": date(2026, 1, 5),
                "description": "Evidence.",
                "status": E.VERIFIED,
                "created_at": now,
                "public_id": f"pe{start}{e:012d}",
            }
            for e in enrolment_ids
        ],
    )
    db.session.commit()


def count_queries(client, url: str) -> tuple[int, str]:
    statements: list[str] = []

    def listener(*args):
        statements.append(args[2])

    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        response = client.get(url)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)
    assert response.status_code == 200
    return len(statements), response.get_data(as_text=True)


MATRIX_QUERY_BOUND = 24


def test_the_matrix_takes_the_same_bounded_number_of_queries_at_10_and_1000_trainees(app, tmp_path):
    """Aggregate queries over the whole cohort, never one per trainee or cell."""
    version = make_assessed_version(tmp_path)
    trainer = make_user(Role.TRAINER)
    cohort = make_cohort(version, trainers=[trainer])
    organisation = make_organisation()
    client = app.test_client()
    sign_in(client, trainer)
    counts = []
    for start, size in ((0, 10), (10, 990)):
        _bulk_trainees(cohort, version, organisation, size, start)
        count, body = count_queries(client, f"/cohorts/{cohort.public_id}/progress")
        counts.append(count)
    assert "Showing 1000 of 1000 trainees (1 to 100 on this page)" in body and "Bulk Trainee 0099" in body
    assert counts[0] == counts[1] <= MATRIX_QUERY_BOUND, counts
    last = client.get(f"/cohorts/{cohort.public_id}/progress?page=10").get_data(as_text=True)
    assert "Bulk Trainee 0999" in last and "Bulk Trainee 0899" not in last
