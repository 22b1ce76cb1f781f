"""Two requests at the same moment (two tabs, a double-click) through the real app: exactly one wins,
neither gets a 500, one audit event is recorded, and every receipt anyone is shown is what is stored.

Each round fires two requests from two threads released together by a barrier. Each thread has its own
test client and pushes no app context, so every request gets its own app context, session and database
connection, as under a threaded server. SQLite is the test's file database (WAL), so the two connections
really race; set ``IMSA_TEST_DATABASE_URL`` to run the same on PostgreSQL. The world is made once per test
and each round resets only the rows it touches.
"""

from __future__ import annotations

import hashlib
import re
import threading
from datetime import timedelta
from functools import partial

import pytest
import sqlalchemy as sa

from app.accreditation.keys import keystore
from app.accreditation.models import Approval, Credential, CredentialKind
from app.audit.models import AuditEvent
from app.auth.models import Role
from app.database import db, utcnow
from app.demo import complete_training
from app.learning import quizzes
from app.learning.models import QuizAnswer, QuizAttempt, Submission, SubmissionStatus
from app.mail.models import OutboxMessage
from tests.conftest import csrf_token, post_form, sign_in
from tests.factories import (
    add_piece,
    make_accreditation_version,
    make_assessed_version,
    make_cohort,
    make_enrolment,
    make_user,
)
from tests.integration.test_quizzes import right_answer

ROUNDS = 50
FEW = 10  # the double-click cases beyond the four of the issue
MODULE = "/learn/m01-module-1"
ASSIGNMENT = f"{MODULE}/assignment"
RECEIPT = f"{ASSIGNMENT}/receipt"
HASH_SHOWN = re.compile(r"SHA-256 of your text</dt>\s*<dd[^>]*><code class=\"imsa-hash\">(\w+)")


def race(*requests):
    """Run each ``request`` (a function of no arguments) in its own thread, all released at once, and
    return what each returned (or raised)."""
    barrier = threading.Barrier(len(requests))
    results: list = [None] * len(requests)

    def run(index, request):
        barrier.wait()
        try:
            results[index] = request()
        except BaseException as error:  # reported by the assertion on the results, never lost
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for result in results:
        assert not isinstance(result, BaseException), repr(result)
    db.session.expire_all()  # the checks that follow read what the requests stored
    return results


def tabs(app, user, count: int = 2):
    """``count`` test clients signed in as ``user`` in one browser session (tabs share its cookie), and
    the session's CSRF token."""
    first = app.test_client()
    sign_in(first, user)
    token = csrf_token(first)  # kept in the session, so read before the cookie is shared
    cookie = first.get_cookie("session")
    clients = [first]
    for _ in range(count - 1):
        other = app.test_client()
        other.set_cookie("session", cookie.value, domain=cookie.domain)
        clients.append(other)
    return clients, token


def events(action: str) -> int:
    return db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.action == action))


def settle() -> None:
    """End the test's own transaction so it holds nothing while the threads write, and forget what it
    read so the checks afterwards see what is stored."""
    db.session.commit()
    db.session.expire_all()


@pytest.fixture
def trainee(app, tmp_path):
    version = make_assessed_version(tmp_path)
    enrolment = make_enrolment(make_cohort(version, trainers=[make_user(Role.TRAINER)]))
    module = version.modules[0]
    return {"enrolment": enrolment, "assignment": module.assignment, "quiz": module.quiz}


def _reset_draft(world) -> Submission:
    """The trainee's one piece, as an empty draft at revision 0."""
    enrolment, assignment = world["enrolment"], world["assignment"]
    piece = db.session.scalar(
        sa.select(Submission).where(
            Submission.enrolment_id == enrolment.id, Submission.assignment_id == assignment.id
        )
    )
    if piece is None:
        piece = Submission(enrolment_id=enrolment.id, assignment_id=assignment.id, attempt=1)
        db.session.add(piece)
    piece.status, piece.text, piece.word_count, piece.revision = SubmissionStatus.DRAFT, "", 0, 0
    piece.sha256 = piece.submitted_at = piece.draft_saved_at = None
    settle()
    return piece


def test_two_tabs_submitting_at_once_one_is_stored_and_every_receipt_shows_it(app, trainee):
    clients, token = tabs(app, trainee["enrolment"].user)

    def submit(client, text):
        def request():
            response = client.post(
                ASSIGNMENT,
                data={
                    "csrf_token": token,
                    "text": text,
                    "revision": "0",
                    "action": "submit",
                    "declaration": "yes",
                },
            )
            # Like a browser: the winner follows the redirect; the loser follows the page's receipt link.
            receipt = client.get(RECEIPT).get_data(as_text=True)
            return response.status_code, response.get_data(as_text=True), HASH_SHOWN.search(receipt)[1]

        return request

    for round_ in range(ROUNDS):
        piece = _reset_draft(trainee)
        before = events("submission.submitted")
        texts = [f"Round {round_}: the work written in tab {tab}." for tab in "AB"]
        results = race(*(submit(client, text) for client, text in zip(clients, texts, strict=True)))
        statuses = sorted(status for status, _, _ in results)
        assert statuses == [302, 409], f"round {round_}: {statuses}"
        winner = texts[[status for status, _, _ in results].index(302)]
        stored = db.session.get(Submission, piece.id)
        digest = hashlib.sha256(winner.encode()).hexdigest()
        assert (stored.status, stored.text, stored.sha256) == (SubmissionStatus.SUBMITTED, winner, digest)
        assert events("submission.submitted") - before == 1
        recorded = db.session.scalar(
            sa.select(AuditEvent)
            .where(AuditEvent.action == "submission.submitted", AuditEvent.subject_id == piece.public_id)
            .order_by(AuditEvent.id.desc())
        )
        assert recorded.details["sha256"] == digest
        assert [shown for _, _, shown in results] == [digest, digest]  # every receipt anyone was shown
        loser_page = next(body for status, body, _ in results if status == 409)
        assert "already been submitted" in loser_page and f'href="{RECEIPT}"' in loser_page


def test_a_double_clicked_submit_is_one_submission_and_both_clicks_get_the_receipt(app, trainee):
    clients, token = tabs(app, trainee["enrolment"].user)
    form = {"csrf_token": token, "revision": "0", "action": "submit", "declaration": "yes"}
    for round_ in range(FEW):
        _reset_draft(trainee)
        before = events("submission.submitted")
        text = f"Round {round_}: the same words, clicked twice."
        results = race(*(partial(c.post, ASSIGNMENT, data={**form, "text": text}) for c in clients))
        assert [(r.status_code, r.location) for r in results] == [(302, RECEIPT)] * 2
        assert events("submission.submitted") - before == 1


def test_two_autosaves_at_once_one_is_stored_and_the_other_is_told_a_newer_version_exists(app, trainee):
    clients, token = tabs(app, trainee["enrolment"].user)
    for round_ in range(ROUNDS):
        piece = _reset_draft(trainee)
        texts = [f"Round {round_}: autosaved from tab {tab}." for tab in "AB"]
        results = race(
            *(
                lambda c=c, t=t: c.post(
                    f"{ASSIGNMENT}/autosave", data={"csrf_token": token, "text": t, "revision": "0"}
                )
                for c, t in zip(clients, texts, strict=True)
            )
        )
        assert sorted(r.status_code for r in results) == [200, 409], f"round {round_}"
        won = next(r for r in results if r.status_code == 200)
        lost = next(r for r in results if r.status_code == 409)
        assert (
            won.json["revision"] == 1 and not lost.json["saved"] and "newer version" in lost.json["message"]
        )
        stored = db.session.get(Submission, piece.id)
        assert (stored.revision, stored.text) == (1, texts[results.index(won)])


def test_two_first_opens_of_an_assignment_make_one_draft(app, trainee):
    clients, _ = tabs(app, trainee["enrolment"].user)
    enrolment, assignment = trainee["enrolment"], trainee["assignment"]
    mine = sa.select(sa.func.count(Submission.id)).where(
        Submission.enrolment_id == enrolment.id, Submission.assignment_id == assignment.id
    )
    for round_ in range(ROUNDS):
        db.session.execute(sa.delete(Submission).where(Submission.enrolment_id == enrolment.id))
        settle()
        results = race(*(partial(c.get, ASSIGNMENT) for c in clients))
        assert [r.status_code for r in results] == [200, 200], f"round {round_}"
        assert db.session.scalar(mine) == 1


def _reset_attempt(world) -> QuizAttempt:
    """One attempt in progress with one answer saved, ready to be submitted."""
    enrolment, quiz = world["enrolment"], world["quiz"]
    attempt = db.session.scalar(sa.select(QuizAttempt).where(QuizAttempt.enrolment_id == enrolment.id))
    if attempt is None:
        attempt = quizzes.start_attempt(enrolment, quiz, enrolment.user)
    attempt.submitted_at = attempt.score = attempt.passed = None
    attempt.deadline_at = None
    for answer in attempt.answers:
        answer.score = None
    settle()
    return attempt


def test_two_quiz_submissions_at_once_mark_the_attempt_once(app, trainee):
    clients, token = tabs(app, trainee["enrolment"].user)
    for round_ in range(ROUNDS):
        attempt = _reset_attempt(trainee)
        url = f"{MODULE}/quiz/{attempt.public_id}/check"
        before = events("quiz.attempt_submitted")
        results = race(*(partial(c.post, url, data={"csrf_token": token}) for c in clients))
        review = f"{MODULE}/quiz/{attempt.public_id}/review"
        assert [(r.status_code, r.location) for r in results] == [(302, review)] * 2, f"round {round_}"
        assert events("quiz.attempt_submitted") - before == 1
        assert db.session.get(QuizAttempt, attempt.id).submitted_at is not None


def test_double_clicked_start_attempt_and_save_answer_make_one_row_each(app, trainee):
    enrolment, quiz = trainee["enrolment"], trainee["quiz"]
    clients, token = tabs(app, enrolment.user)
    for round_ in range(FEW):
        db.session.execute(sa.delete(QuizAttempt).where(QuizAttempt.enrolment_id == enrolment.id))
        settle()
        before = events("quiz.attempt_started")
        started = race(
            *(lambda c=c: c.post(f"{MODULE}/quiz/start", data={"csrf_token": token}) for c in clients)
        )
        assert [r.status_code for r in started] == [302, 302] and started[0].location == started[1].location
        assert events("quiz.attempt_started") - before == 1
        attempt = db.session.scalar(sa.select(QuizAttempt).where(QuizAttempt.enrolment_id == enrolment.id))
        item = attempt.layout[0]
        form = right_answer(quiz.bank[item["key"]], item["layout"])
        form.update({"csrf_token": token, "question_key": item["key"]})
        url = f"{MODULE}/quiz/{attempt.public_id}/1"
        saved = race(*(partial(c.post, url, data=form) for c in clients))
        assert [r.status_code for r in saved] == [302, 302], f"round {round_}"
        count = sa.select(sa.func.count(QuizAnswer.id)).where(QuizAnswer.attempt_id == attempt.id)
        assert db.session.scalar(count) == 1, f"round {round_}"


def test_a_double_clicked_release_releases_and_tells_each_trainee_once(app, tmp_path):
    version = make_assessed_version(tmp_path)
    hub = make_user(Role.HUB_ADMIN)
    cohort = make_cohort(version, trainers=[make_user(Role.TRAINER)])
    assignment = version.modules[0].assignment
    pieces = [
        add_piece(make_enrolment(cohort), assignment, SubmissionStatus.READY_FOR_RELEASE, band)
        for band in ("pass", "fail", "merit")
    ]
    draft = add_piece(make_enrolment(cohort), assignment, SubmissionStatus.DRAFT)
    clients, token = tabs(app, hub)
    url = f"/marking/assessments/{cohort.public_id}/{version.modules[0].slug}"
    for round_ in range(FEW):
        db.session.execute(
            sa.update(Submission)
            .where(Submission.id.in_([p.id for p in pieces]))
            .values(status=SubmissionStatus.READY_FOR_RELEASE, released_at=None, resubmission_due_on=None)
        )
        settle()
        before, told = (
            events("marking.released"),
            db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))),
        )
        results = race(
            *(lambda c=c: c.post(url, data={"csrf_token": token, "action": "release"}) for c in clients)
        )
        assert [r.status_code for r in results] == [302, 302], f"round {round_}"
        assert events("marking.released") - before == len(pieces)
        assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) - told == len(pieces)
    assert db.session.get(Submission, draft.id).status is SubmissionStatus.DRAFT


def test_a_double_clicked_approval_issues_one_credential(app, tmp_path):
    version = make_accreditation_version(tmp_path)
    trainer = make_user(Role.TRAINER)
    cohort = make_cohort(version, [trainer])
    keystore().init()
    clients, token = tabs(app, make_user(Role.HUB_ADMIN))
    for round_ in range(5):
        enrolment = make_enrolment(cohort)
        complete_training(enrolment, trainer)
        settle()
        url = f"/accreditation/enrolments/{enrolment.public_id}"
        form = {"csrf_token": token, "confirm": "y", "note": "Checked."}
        results = race(*(partial(c.post, url, data=form) for c in clients))
        assert all(r.status_code < 500 for r in results) and 302 in [r.status_code for r in results]
        issued = sa.select(sa.func.count(Credential.id)).where(
            Credential.enrolment_id == enrolment.id, Credential.kind == CredentialKind.AWARD
        )
        approved = sa.select(sa.func.count(Approval.id)).where(Approval.enrolment_id == enrolment.id)
        assert (db.session.scalar(issued), db.session.scalar(approved)) == (1, 1), f"round {round_}"


def test_round_robin_allocation_leaves_drafts_alone(app, tmp_path):
    """A trainee with an unsubmitted draft (no submission date) no longer breaks allocation."""
    version = make_assessed_version(tmp_path)
    first, second = make_user(Role.TRAINER, name="Ann"), make_user(Role.TRAINER, name="Ben")
    cohort = make_cohort(version, trainers=[first, second])
    assignment = version.modules[0].assignment
    now = utcnow()
    submitted = [
        add_piece(
            make_enrolment(cohort), assignment, SubmissionStatus.SUBMITTED, when=now - timedelta(hours=h)
        )
        for h in (3, 2, 1)
    ]
    draft = add_piece(make_enrolment(cohort), assignment, SubmissionStatus.DRAFT)
    client = app.test_client()
    sign_in(client, make_user(Role.HUB_ADMIN))
    url = f"/marking/assessments/{cohort.public_id}/{version.modules[0].slug}"
    response = post_form(client, url, {"action": "allocate"}, follow_redirects=True)
    assert response.status_code == 200 and "3 pieces allocated." in response.get_data(as_text=True)
    db.session.expire_all()
    assert [p.marker_id for p in submitted] == [first.id, second.id, first.id]  # oldest first, least load
    assert draft.marker_id is None and draft.status is SubmissionStatus.DRAFT


def test_a_double_clicked_module_record_request_issues_one_record(app, tmp_path):
    version = make_accreditation_version(tmp_path)
    trainer = make_user(Role.TRAINER)
    enrolment = make_enrolment(make_cohort(version, [trainer]))
    complete_training(enrolment, trainer)
    keystore().init()
    clients, token = tabs(app, enrolment.user)
    settle()
    url = f"/accreditation/records/{enrolment.public_id}/M01"
    results = race(*(partial(c.post, url, data={"csrf_token": token}) for c in clients))
    assert [getattr(r, "status_code", r) for r in results] == [302, 302]
    issued = sa.select(sa.func.count(Credential.id)).where(
        Credential.enrolment_id == enrolment.id, Credential.kind == CredentialKind.MODULE
    )
    assert db.session.scalar(issued) == 1
