"""Special consideration: a trainee asks, for one assessment, that something that happened be taken into
account; a Hub admin decides, and a granted request acts at once: an extension, a voided quiz attempt (it no
longer counts towards the limit), a resubmission not capped at Pass, or a note for the awarding board.

Each move checks who may make it, checks the state, changes it and records it in the same transaction, and
the trainee is told by email (queued until the commit) and on their page. The trainee's statement and
evidence are for the Hub admins who decide: the audit trail names the request, never what it says.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, render_template

from app.audit.services import record
from app.auth import policy
from app.auth.access import PermissionDenied
from app.auth.services import in_language_of
from app.cohorts.models import Enrolment
from app.curriculum.models import Assignment, Quiz
from app.database import db, utcnow
from app.i18n import N_
from app.i18n import gettext as _
from app.learning import assignments, item_tallies, quizzes
from app.learning.models import QuizAttempt
from app.learning.once import insert_once, update_if
from app.mail.services import send
from app.marking.models import (
    ASSESSMENT_TITLES,
    ConsiderationOutcome,
    ConsiderationRequest,
    ConsiderationStatus,
)
from app.refusal import Refused
from app.templating import long_date
from app.urls import external_url
from app.workdays import london_date, working_days_after

# A request may be made up to this many working days after the assessment's date: the day of the quiz
# attempt it is about, or the assignment's due date (before those, at any time).
WINDOW_WORKING_DAYS = 5
MAX_STATEMENT_CHARACTERS = 5000

OPEN = ConsiderationStatus.OPEN
Outcome = ConsiderationOutcome
# Which outcomes suit which kind of assessment.
OUTCOMES = {
    "quiz": (Outcome.VOID_ATTEMPT, Outcome.BOARD_NOTE),
    "assignment": (Outcome.EXTENSION, Outcome.UNCAPPED_RESUBMISSION, Outcome.BOARD_NOTE),
}


class ConsiderationRefused(Refused):
    """The request or decision cannot be made as given; ``field`` names what to change."""


# --- the window (a pure rule)


def window_closes(assessment_day: date) -> date:
    """The last day a request about an assessment on ``assessment_day`` may be made."""
    return working_days_after(assessment_day, WINDOW_WORKING_DAYS)


def in_window(assessment_day: date | None, today: date) -> bool:
    """Whether a request may be made ``today``. ``None``: the assessment has no date yet (no attempt made),
    so a request ahead of it is always in time."""
    return assessment_day is None or today <= window_closes(assessment_day)


# --- the assessments a trainee can ask about


@dataclass(frozen=True)
class Assessment:
    key: str  # "quiz:<id>" or "assignment:<id>", the form's value and the open request's key
    kind: str  # quiz | assignment
    work: Quiz | Assignment

    @property
    def label(self) -> str:
        """ "M03 quiz: <title>" in English, as the audit trail records it."""
        return ASSESSMENT_TITLES[self.kind] % {"code": self.work.module.code, "title": self.work.title}

    @property
    def shown(self) -> str:
        """The label in the language being shown (the curriculum's title stays as written)."""
        return _(ASSESSMENT_TITLES[self.kind], code=self.work.module.code, title=self.work.title)


def assessments_of(enrolment: Enrolment) -> list[Assessment]:
    found = []
    for module in enrolment.cohort.curriculum_version.modules:
        if module.quiz:
            found.append(Assessment(f"quiz:{module.quiz.id}", "quiz", module.quiz))
        if module.assignment:
            found.append(Assessment(f"assignment:{module.assignment.id}", "assignment", module.assignment))
    return found


def _last_attempt(enrolment: Enrolment, quiz: Quiz) -> QuizAttempt | None:
    """The latest submitted attempt that still counts: the one a request about the quiz is about."""
    submitted = [a for a in quizzes.state(enrolment, quiz).counted if a.submitted_at is not None]
    return submitted[-1] if submitted else None


def assessment_day(enrolment: Enrolment, assessment: Assessment) -> date | None:
    """The date the window runs from: the day of the latest attempt at a quiz (None before any), or the
    trainee's due date for an assignment (with their extensions and adjustment plan)."""
    if assessment.kind == "quiz":
        attempt = _last_attempt(enrolment, assessment.work)
        return london_date(attempt.submitted_at) if attempt else None
    return assignments.due_on(enrolment, assessment.work)


# --- the trainee's request


def _evidence_folder() -> Path:
    """Outside the web root and apart from marked work: only the Hub's download route serves it."""
    folder = Path(current_app.instance_path) / "consideration"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def evidence_path(request: ConsiderationRequest) -> Path | None:
    return _evidence_folder() / request.evidence_sha256 if request.evidence_sha256 else None


def _checked_evidence(filename: str, data: bytes) -> dict:
    if len(data) > assignments.MAX_ATTACHMENT_BYTES:
        limit = assignments.MAX_ATTACHMENT_BYTES // (1024 * 1024)
        raise ConsiderationRefused(
            _("The file must be smaller than %(size)s MB.", size=limit), field="evidence"
        )
    kind = assignments.document_type(data)
    if kind is None:
        raise ConsiderationRefused(_("The file must be a PDF or a Word document (.docx)."), field="evidence")
    return {
        "evidence_name": re.sub(r"[^\w .()-]", "_", Path(filename or f"evidence.{kind}").name)[:200],
        "evidence_sha256": hashlib.sha256(data).hexdigest(),
        "evidence_size": len(data),
        "evidence_type": kind,
    }


def _date(value: date | str | None, field: str) -> date | None:
    """A date, or the form's text of one (YYYY-MM-DD, as the browser's date control sends it)."""
    if not isinstance(value, str):
        return value
    try:
        return date.fromisoformat(value.strip()) if value.strip() else None
    except ValueError:
        raise ConsiderationRefused(_("Enter a real date, for example 2027-03-31"), field=field) from None


def _occurred(value: date | str | None, today: date) -> date:
    value = _date(value, "occurred_on")
    if value is None:
        raise ConsiderationRefused(
            _("Enter the date it happened, for example 2027-03-31"), field="occurred_on"
        )
    if value > today:
        raise ConsiderationRefused(_("The date it happened cannot be in the future"), field="occurred_on")
    return value


def _open_request(enrolment: Enrolment, key: str) -> ConsiderationRequest | None:
    return db.session.scalar(
        sa.select(ConsiderationRequest).where(
            ConsiderationRequest.enrolment_id == enrolment.id, ConsiderationRequest.open_key == key
        )
    )


def _checked_request(enrolment, key, occurred_on, statement, today) -> tuple[Assessment, date, str]:
    assessment = next((a for a in assessments_of(enrolment) if a.key == key), None)
    if assessment is None:
        raise ConsiderationRefused(_("Choose the assessment your request is about"), field="assessment")
    occurred = _occurred(occurred_on, today)
    statement = (statement or "").strip()
    if not statement:
        raise ConsiderationRefused(_("Tell us what happened"), field="statement")
    if len(statement) > MAX_STATEMENT_CHARACTERS:
        raise ConsiderationRefused(
            _("Keep what happened to %(count)s characters", count=f"{MAX_STATEMENT_CHARACTERS:,}"),
            field="statement",
        )
    day = assessment_day(enrolment, assessment)
    if not in_window(day, today):
        raise ConsiderationRefused(
            _(
                "Requests about this assessment closed on %(date)s, %(days)s working days after it. Please "
                "speak to the Hub, who can still help.",
                date=long_date(window_closes(day)),
                days=WINDOW_WORKING_DAYS,
            ),
            field="assessment",
        )
    if _open_request(enrolment, key) is not None:
        raise ConsiderationRefused(
            _("You already have a request about this assessment waiting for a decision"), field="assessment"
        )
    return assessment, occurred, statement


def request_consideration(
    enrolment: Enrolment,
    key: str,
    occurred_on: date | str | None,
    statement: str,
    evidence: tuple[str, bytes] | None,
    actor,
    today: date | None = None,
) -> ConsiderationRequest:
    """The trainee asks for special consideration on one assessment (``key`` from ``assessments_of``),
    saying what happened and when, with an optional evidence file (PDF or Word).

    The same request sent twice (a double-click, at once or a moment later) is one request: the open
    request's unique key decides, and the second click is answered with the first's row."""
    if not policy.owns_enrolment(actor, enrolment):
        raise PermissionDenied("only the trainee asks for special consideration on their own work")
    sent = _open_request(enrolment, key)
    if sent is not None and sent.statement == (statement or "").strip():
        return sent  # sent a moment ago by the same click
    today = today or london_date(utcnow())
    assessment, occurred, statement = _checked_request(enrolment, key, occurred_on, statement, today)
    file = _checked_evidence(*evidence) if evidence and evidence[1] else {}
    attempt = _last_attempt(enrolment, assessment.work) if assessment.kind == "quiz" else None
    inserted = insert_once(
        ConsiderationRequest,
        ("enrolment_id", "open_key"),
        enrolment_id=enrolment.id,
        quiz_id=assessment.work.id if assessment.kind == "quiz" else None,
        assignment_id=assessment.work.id if assessment.kind == "assignment" else None,
        attempt_id=attempt.id if attempt else None,
        open_key=key,
        occurred_on=occurred,
        statement=statement,
        status=OPEN,
        **file,
    )
    request = _open_request(enrolment, key)
    if not inserted:
        return request  # sent a moment ago by the same click
    if file:
        (_evidence_folder() / file["evidence_sha256"]).write_bytes(evidence[1])  # named by content
    record(
        actor,
        "consideration.requested",
        request,
        assessment=assessment.label,
        occurred_on=occurred.isoformat(),
        evidence_sha256=file.get("evidence_sha256"),
    )
    _tell(request, N_("Your request for special consideration has been received"))
    return request


# --- the Hub's decision


def _checked_decision(request, granted, outcome, reasons, due_on, board_note) -> ConsiderationOutcome | None:
    if request.status is not OPEN:
        raise ConsiderationRefused(_("This request has already been decided"), field="decision")
    if granted is None:
        raise ConsiderationRefused(_("Choose whether to grant the request"), field="decision")
    if not (reasons or "").strip():
        raise ConsiderationRefused(
            _("Give the reasons for the decision (the trainee sees them)"), field="reasons"
        )
    if not granted:
        return None
    kind = "quiz" if request.quiz_id else "assignment"
    chosen = next((o for o in OUTCOMES[kind] if o.value == outcome), None)
    if chosen is None:
        raise ConsiderationRefused(_("Choose what the decision does"), field="outcome")
    if chosen is Outcome.EXTENSION and due_on is None:
        raise ConsiderationRefused(_("Enter the new due date"), field="due_on")
    if chosen is Outcome.VOID_ATTEMPT and (request.attempt is None or request.attempt.passed):
        raise ConsiderationRefused(_("There is no failed attempt to void for this request"), field="outcome")
    if chosen is Outcome.BOARD_NOTE and not (board_note or "").strip():
        raise ConsiderationRefused(_("Write the note for the awarding board"), field="board_note")
    return chosen


def _act(request: ConsiderationRequest, outcome: ConsiderationOutcome, due_on, reasons: str, actor) -> None:
    """What a granted request does, each change recorded by its own service."""
    enrolment = request.enrolment
    if outcome is Outcome.EXTENSION:
        try:
            assignments.grant_extension(enrolment, request.assignment, due_on, reasons, actor)
        except Refused as refusal:
            raise ConsiderationRefused(refusal.message, field="due_on") from None
    elif outcome is Outcome.VOID_ATTEMPT:
        attempt = request.attempt
        if update_if(
            attempt,
            QuizAttempt.voided_at.is_(None),
            voided_at=utcnow(),
            voided_by_id=getattr(actor, "id", None),
        ):
            item_tallies.count_attempt(attempt, sign=-1)  # a voided attempt says little about the items
            record(
                actor, "quiz.attempt_voided", attempt, number=attempt.number, consideration=request.public_id
            )


def decide(
    request: ConsiderationRequest,
    granted: bool | None,
    outcome: str | None,
    reasons: str,
    actor,
    due_on: date | str | None = None,
    board_note: str | None = None,
) -> ConsiderationRequest:
    """A Hub admin grants or refuses the request, with reasons the trainee sees; a granted request acts at
    once (``outcome``: an extension to ``due_on``, a voided attempt, an uncapped resubmission or a note for
    the awarding board). The decision is ``UPDATE … WHERE status = 'open'``: the same decision sent twice
    (a double-click) is made, acted on and recorded once; the second is refused as already decided."""
    if not policy.is_hub_admin(actor):
        raise PermissionDenied("only Hub admins decide on special consideration")
    due_on = _date(due_on, "due_on")
    chosen = _checked_decision(request, granted, outcome, reasons, due_on, board_note)
    reasons = reasons.strip()
    decided = update_if(
        request,
        ConsiderationRequest.status == OPEN,
        status=ConsiderationStatus.GRANTED if granted else ConsiderationStatus.REFUSED,
        outcome=chosen,
        decision_reasons=reasons,
        new_due_on=due_on if chosen is Outcome.EXTENSION else None,
        board_note=board_note.strip() if chosen is Outcome.BOARD_NOTE else None,
        open_key=None,
        decided_by_id=getattr(actor, "id", None),
        decided_at=utcnow(),
    )
    if not decided:
        raise ConsiderationRefused(_("This request has already been decided"), field="decision")
    if chosen is not None:
        _act(request, chosen, due_on, reasons, actor)
    record(
        actor,
        f"consideration.{request.status.value}",
        request,
        outcome=chosen.value if chosen else None,
        due_on=due_on.isoformat() if chosen is Outcome.EXTENSION else None,
    )
    _tell(request, N_("A decision on your request for special consideration"))
    return request


def _tell(request: ConsiderationRequest, subject: str) -> None:
    """Email the trainee in their language; ``subject`` is marked with ``N_`` and translated here."""
    user = request.enrolment.user
    with in_language_of(user):
        send(
            user.email,
            _(subject),
            render_template(
                "marking/email/consideration.txt",
                user=user,
                request=request,
                url=external_url("marking.my_considerations"),
            ),
        )


# --- what the rest of marking reads


def uncapped(submission) -> bool:
    """Whether a granted request lifts the Pass cap from this piece's resubmission."""
    return (
        db.session.scalar(
            sa.select(ConsiderationRequest.id)
            .where(
                ConsiderationRequest.enrolment_id == submission.enrolment_id,
                ConsiderationRequest.assignment_id == submission.assignment_id,
                ConsiderationRequest.outcome == Outcome.UNCAPPED_RESUBMISSION,
            )
            .limit(1)
        )
        is not None
    )


def board_notes(enrolment: Enrolment) -> list[ConsiderationRequest]:
    """The notes for the awarding board from this trainee's granted requests, for the accreditation check."""
    return [r for r in requests_of(enrolment) if r.outcome is Outcome.BOARD_NOTE]


def requests_of(enrolment: Enrolment) -> list[ConsiderationRequest]:
    return list(
        db.session.scalars(
            sa.select(ConsiderationRequest)
            .where(ConsiderationRequest.enrolment_id == enrolment.id)
            .order_by(ConsiderationRequest.requested_at.desc(), ConsiderationRequest.id.desc())
        )
    )


def waiting_count() -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .where(ConsiderationRequest.status == OPEN)
        .select_from(ConsiderationRequest)
    )


def queue() -> tuple[list[ConsiderationRequest], list[ConsiderationRequest]]:
    """Every request for the Hub: those waiting (oldest first), then the decided (newest first)."""
    requests = list(
        db.session.scalars(sa.select(ConsiderationRequest).order_by(ConsiderationRequest.requested_at))
    )
    waiting = [r for r in requests if r.status is OPEN]
    decided = sorted((r for r in requests if r.status is not OPEN), key=lambda r: r.decided_at, reverse=True)
    return waiting, decided
