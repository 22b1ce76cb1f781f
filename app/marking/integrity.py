"""Academic-integrity cases, as a small state machine of their own:

    open -> cleared
         -> upheld, with a penalty
         -> referred to the accreditation board -> cleared | upheld (the board's decision, recorded)

The piece's marker or second marker, or a Hub admin, opens a case on a submitted piece that is not yet
released, with a kind and a statement; the trainee is told and may respond while it is open. The outcome is
the Hub's, with reasons; the trainee is told. While a case is open (or referred) it holds the piece's
release and the trainee's award (``holds``); an upheld case's penalty applies when the piece is released
(``at_release``):

- formal warning: the mark stands, the warning is on the trainee's record (this case);
- resubmission required: the piece is released as Fail and referred, if a resubmission is still allowed
  (capped, as every resubmission is);
- mark reduced to Fail: released as Fail, with no resubmission.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import render_template

from app.audit.services import record
from app.auth import policy
from app.auth.access import PermissionDenied
from app.auth.services import in_language_of
from app.database import db, utcnow
from app.i18n import N_
from app.i18n import gettext as _
from app.learning.models import Submission, SubmissionStatus
from app.learning.once import insert_once, update_if
from app.mail.services import send
from app.marking.models import CaseKind, CaseOutcome, IntegrityCase, Penalty
from app.refusal import Refused
from app.urls import external_url

S = SubmissionStatus
# A case is about work that is in, and not yet released: afterwards the result has been given.
OPENABLE = (S.SUBMITTED, S.IN_MARKING, S.MARKED, S.IN_MODERATION, S.READY_FOR_RELEASE)
MAX_TEXT = 5000


class IntegrityRefused(Refused):
    """This step of an integrity case is not possible now; the message says why."""


# --- the rules, as pure functions


def holds(outcome: CaseOutcome | None) -> bool:
    """Whether a case with this outcome (None: not decided yet) holds the release and the award."""
    return outcome is None or outcome is CaseOutcome.REFERRED


@dataclass(frozen=True)
class AtRelease:
    band: str
    referred: bool


def at_release(
    held: bool, penalty: Penalty | None, band: str, attempt: int, allowed: int
) -> AtRelease | None:
    """How a piece is released: None while a case holds it; otherwise its band and whether it is referred
    (may be resubmitted), after any penalty of an upheld case."""
    if held:
        return None
    may_resubmit = attempt <= allowed
    if penalty is Penalty.MARK_REDUCED_TO_FAIL:
        return AtRelease("fail", False)
    if penalty is Penalty.RESUBMISSION_REQUIRED:
        return AtRelease("fail", may_resubmit)
    return AtRelease(band, band == "fail" and may_resubmit)


# --- queries


def cases_for(piece: Submission) -> list[IntegrityCase]:
    return list(
        db.session.scalars(
            sa.select(IntegrityCase).where(IntegrityCase.submission_id == piece.id).order_by(IntegrityCase.id)
        )
    )


def open_case(piece: Submission) -> IntegrityCase | None:
    return db.session.scalar(sa.select(IntegrityCase).where(IntegrityCase.held_submission_id == piece.id))


def held_piece_ids(piece_ids: list[int]) -> set[int]:
    """Which of these pieces an open case holds, in one query."""
    if not piece_ids:
        return set()
    return set(
        db.session.scalars(
            sa.select(IntegrityCase.held_submission_id).where(IntegrityCase.held_submission_id.in_(piece_ids))
        )
    )


def penalties_of(piece_ids: list[int]) -> dict[int, Penalty]:
    """The penalty of each piece's upheld case (the latest), in one query."""
    if not piece_ids:
        return {}
    rows = db.session.execute(
        sa.select(IntegrityCase.submission_id, IntegrityCase.penalty)
        .where(IntegrityCase.submission_id.in_(piece_ids), IntegrityCase.outcome == CaseOutcome.UPHELD)
        .order_by(IntegrityCase.id)
    )
    return dict(rows.all())


def award_held(enrolment_id: int) -> bool:
    """Whether an open case holds this enrolment's award (asked by accreditation)."""
    return (
        db.session.scalar(
            sa.select(IntegrityCase.id)
            .where(IntegrityCase.enrolment_id == enrolment_id, IntegrityCase.held_submission_id.is_not(None))
            .limit(1)
        )
        is not None
    )


# --- the moves


def _text(value: str, field: str, missing: str) -> str:
    value = (value or "").strip()
    if not value:
        raise IntegrityRefused(missing, field=field)
    if len(value) > MAX_TEXT:
        raise IntegrityRefused(_("Keep this to %(count)s characters.", count=f"{MAX_TEXT:,}"), field=field)
    return value


def _tell(case: IntegrityCase, piece: Submission, subject: str) -> None:
    """Email the trainee in their language; ``subject`` is marked with ``N_`` and translated here."""
    user = piece.enrolment.user
    with in_language_of(user):
        send(
            user.email,
            _(subject),
            render_template(
                "marking/email/integrity.txt",
                user=user,
                case=case,
                piece=piece,
                url=external_url("marking.receipt", module_slug=piece.assignment.module.slug),
            ),
        )


def open_integrity_case(piece: Submission, kind: str, statement: str, actor) -> IntegrityCase:
    if not policy.may_open_integrity_case(actor, piece):
        raise PermissionDenied("only the piece's markers or a Hub admin open an integrity case")
    if piece.status not in OPENABLE:
        raise IntegrityRefused(
            _(
                "A case can be opened on submitted work before its result is released: this piece is "
                "%(status)s.",
                status=piece.status.label.lower(),
            )
        )
    if kind not in {k.value for k in CaseKind}:
        raise IntegrityRefused(_("Choose what the concern is."), field="kind")
    statement = _text(statement, "statement", _("Say what the concern is and what it is based on."))
    opened = insert_once(
        IntegrityCase,
        ("held_submission_id",),
        submission_id=piece.id,
        enrolment_id=piece.enrolment_id,
        held_submission_id=piece.id,
        kind=CaseKind(kind),
        statement=statement,
        opened_by_id=getattr(actor, "id", None),
    )
    case = open_case(piece)
    if not opened:
        if case.statement == statement and case.kind.value == kind:
            return case  # the same case sent twice: opened once
        raise IntegrityRefused(_("An integrity case is already open on this piece."))
    record(actor, "integrity.opened", case, piece=piece.public_id, kind=kind, statement=statement)
    _tell(case, piece, N_("A question about the integrity of your written work"))
    return case


def respond(case: IntegrityCase, response: str, actor, now: datetime | None = None) -> IntegrityCase:
    """The trainee's response, while the case is open; a later one replaces it (and is recorded)."""
    piece = db.session.get(Submission, case.submission_id)
    if not policy.owns_enrolment(actor, piece.enrolment):
        raise PermissionDenied("only the trainee responds to a case about their work")
    if not case.is_open:
        raise IntegrityRefused(_("This case has been decided: a response can no longer be added."))
    case.response = _text(response, "response", _("Write your response before sending it."))
    case.responded_at = now or utcnow()
    record(actor, "integrity.responded", case, response=case.response)
    return case


def decide(
    case: IntegrityCase, outcome: str, penalty: str | None, reasons: str, actor, now: datetime | None = None
) -> IntegrityCase:
    if not policy.may_decide_integrity_case(actor):
        raise PermissionDenied("only a Hub admin records the outcome of an integrity case")
    if not case.is_open and case.outcome.value == outcome and case.reasons == (reasons or "").strip():
        return case  # the same decision sent twice: recorded once
    if not case.is_open:
        raise IntegrityRefused(_("This case has already been decided."))
    allowed = {CaseOutcome.CLEARED, CaseOutcome.UPHELD} | (
        set() if case.outcome is CaseOutcome.REFERRED else {CaseOutcome.REFERRED}
    )
    if outcome not in {o.value for o in allowed}:
        raise IntegrityRefused(
            _("Choose cleared or upheld: the board's decision.")
            if case.outcome is CaseOutcome.REFERRED
            else _("Choose the outcome."),
            field="outcome",
        )
    decided = CaseOutcome(outcome)
    chosen = None
    if decided is CaseOutcome.UPHELD:
        if penalty not in {p.value for p in Penalty}:
            raise IntegrityRefused(_("Choose the penalty for an upheld case."), field="penalty")
        chosen = Penalty(penalty)
    reasons = _text(reasons, "reasons", _("Give the reasons for the outcome; the trainee reads them."))
    piece = db.session.get(Submission, case.submission_id)
    moved = update_if(
        case,
        IntegrityCase.held_submission_id.is_not(None),
        IntegrityCase.outcome.is_(None) if case.outcome is None else IntegrityCase.outcome == case.outcome,
        outcome=decided,
        penalty=chosen,
        reasons=reasons,
        decided_by_id=getattr(actor, "id", None),
        decided_at=now or utcnow(),
        held_submission_id=piece.id if holds(decided) else None,
    )
    if not moved:
        raise IntegrityRefused(_("This case was decided a moment ago: reload the page to see the outcome."))
    record(
        actor,
        "integrity.decided",
        case,
        piece=piece.public_id,
        outcome=decided.value,
        penalty=chosen.value if chosen else None,
        reasons=reasons,
    )
    _tell(case, piece, N_("The outcome of the integrity case about your written work"))
    return case
