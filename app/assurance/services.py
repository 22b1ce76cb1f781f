"""External examining and the award board, each change one function: who may make it, the state it
needs, the change and its audit event, in the caller's transaction.

The rules, in plain words:

- A Hub admin appoints one external examiner to a cohort: a person holding the external examiner role who
  is not one of the cohort's trainers.
- The examiner's sample, per module: every decided result at Fail or Distinction, plus ``PER_MARKER`` more
  of each marker's, chosen at random but the same every time (the seed is the cohort and module), plus any
  piece the examiner adds. A decided result is one ready for release, released or referred.
- The examiner files one report per cohort: a comment on every module with written work and an overall
  judgement from a fixed list. The Hub records one response to it.
- Ratification is required before credentials can be issued when the cohort has an external examiner
  appointed (``ratification_required``). The award board records its decision once per cohort, with the
  date it met, its attendees, the examiner's report (which must be filed first), a snapshot of the results
  it ratified and any changes it made.
- A released result is provisional until ratified while its cohort needs ratification and the board has
  not ratified it (released before the board met, or not at all yet).
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from app.assurance.models import AwardBoard, ExaminerReport, Judgement, SampleAddition
from app.audit.models import AuditEvent
from app.audit.services import events_for, record
from app.auth import policy
from app.auth.access import PermissionDenied
from app.auth.models import Role, User
from app.cohorts.models import Cohort, Enrolment
from app.curriculum.models import Module
from app.database import db, utcnow
from app.i18n import gettext as _
from app.learning.models import Submission, SubmissionStatus
from app.learning.once import insert_once, update_if
from app.marking.models import (
    Appeal,
    AppealStatus,
    CaseOutcome,
    ConsiderationOutcome,
    ConsiderationRequest,
    IntegrityCase,
    Mark,
)
from app.refusal import Refused
from app.workdays import london_date

S = SubmissionStatus
DECIDED = (S.READY_FOR_RELEASE, S.RELEASED, S.REFERRED)
PER_MARKER = 2  # pieces per marker in the sample, besides every Fail and Distinction


class AssuranceRefused(Refused):
    """This change cannot be made now; the message says why and ``field`` names what to fix."""


def _need(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


# --- the examiner's appointment


def appoint_examiner(cohort: Cohort, examiner: User | None, actor) -> Cohort:
    _need(policy.is_hub_admin(actor), "only Hub admins appoint external examiners")
    if examiner is None or not examiner.has_role(Role.EXTERNAL_EXAMINER):
        raise AssuranceRefused(_("Choose a person with the external examiner role."), field="examiner")
    if examiner in cohort.trainers:
        raise AssuranceRefused(
            _(
                "%(name)s is one of this cohort's trainers: an external examiner must be independent of its "
                "marking.",
                name=examiner.name,
            ),
            field="examiner",
        )
    if board_for(cohort) is not None:
        raise AssuranceRefused(
            _("The award board has already ratified this cohort's results."), field="examiner"
        )
    if cohort.external_examiner_id == examiner.id:
        return cohort  # the same appointment sent twice
    if report_for(cohort) is not None:
        raise AssuranceRefused(
            _("The examiner's report for this cohort is filed: the appointment can no longer change."),
            field="examiner",
        )
    cohort.external_examiner_id = examiner.id
    record(actor, "assurance.examiner_appointed", cohort, examiner=examiner.public_id)
    return cohort


def examined_by(actor) -> list[Cohort]:
    """The cohorts ``actor`` is the external examiner of."""
    return list(
        db.session.scalars(
            db.select(Cohort).where(Cohort.external_examiner_id == actor.id).order_by(Cohort.starts_on.desc())
        )
    )


def check_can_examine(cohort: Cohort, actor) -> None:
    """The cohort's examiner, and Hub admins, read its sample and report."""
    _need(
        policy.is_external_examiner_for(actor, cohort) or policy.is_hub_admin(actor),
        "only the cohort's external examiner and Hub admins see its sample",
    )


# --- the sample


def examiner_sample(pieces: list[tuple[int, int, str]], per_marker_n: int, seed: int) -> set[int]:
    """Which pieces the examiner reads. ``pieces`` are (piece id, marker id, result band).

    Every Fail and Distinction, plus ``per_marker_n`` of each marker's other pieces (all of them if the
    marker has fewer). The same pieces and seed always give the same sample.
    """
    rng = random.Random(seed)
    chosen = {pid for pid, _marker, band in pieces if band in ("fail", "distinction")}
    for marker in sorted({m for _pid, m, _band in pieces}, key=lambda m: (m is None, m or 0)):
        rest = sorted(pid for pid, m, _band in pieces if m == marker and pid not in chosen)
        chosen.update(rng.sample(rest, min(per_marker_n, len(rest))))
    return chosen


def _seed(cohort: Cohort, module: Module) -> int:
    digest = hashlib.sha256(f"{cohort.public_id}:{module.code}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


def decided_pieces(cohort: Cohort, module: Module | None = None) -> list[Submission]:
    """Every decided result of the cohort (of one module), by candidate number."""
    query = (
        db.select(Submission)
        .join(Enrolment, Enrolment.id == Submission.enrolment_id)
        .where(Enrolment.cohort_id == cohort.id, Submission.status.in_(DECIDED))
        .order_by(Enrolment.candidate_number, Submission.attempt)
    )
    if module is not None:
        query = query.where(Submission.assignment_id == module.assignment.id)
    return list(db.session.scalars(query))


def _additions(cohort: Cohort) -> set[int]:
    return set(
        db.session.scalars(
            sa.select(SampleAddition.submission_id).where(SampleAddition.cohort_id == cohort.id)
        )
    )


def sample_for(cohort: Cohort, module: Module) -> list[Submission]:
    """The examiner's sample of one module: the rule's choice and the examiner's additions."""
    pieces = decided_pieces(cohort, module)
    chosen = examiner_sample(
        [(p.id, p.marker_id, p.result_band) for p in pieces], PER_MARKER, _seed(cohort, module)
    )
    chosen |= _additions(cohort)
    return [p for p in pieces if p.id in chosen]


def not_sampled(cohort: Cohort, module: Module) -> list[Submission]:
    """The decided pieces of the module the examiner could add to the sample."""
    sampled = {p.id for p in sample_for(cohort, module)}
    return [p for p in decided_pieces(cohort, module) if p.id not in sampled]


def sampled_piece(cohort: Cohort, module: Module, piece_id: str) -> Submission | None:
    return next((p for p in sample_for(cohort, module) if p.public_id == piece_id), None)


def add_to_sample(cohort: Cohort, piece: Submission | None, actor) -> SampleAddition:
    _need(
        policy.is_external_examiner_for(actor, cohort),
        "only the cohort's external examiner adds to the sample",
    )
    if piece is None or piece.enrolment.cohort_id != cohort.id or piece.status not in DECIDED:
        raise AssuranceRefused(_("Choose a piece with a decided result from this cohort."), field="piece")
    if report_for(cohort) is not None:
        raise AssuranceRefused(_("Your report is filed: the sample can no longer change."), field="piece")
    if insert_once(
        SampleAddition, ("submission_id",), cohort_id=cohort.id, submission_id=piece.id, added_by_id=actor.id
    ):
        record(actor, "assurance.added_to_sample", piece, cohort=cohort.public_id)
    return db.session.scalar(sa.select(SampleAddition).where(SampleAddition.submission_id == piece.id))


def events_of(piece: Submission) -> list[tuple[AuditEvent, User | None]]:
    """The piece's recorded events, oldest first, each with who made it (None: the system)."""
    events = events_for(piece)
    people = {
        u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_({e.actor_id for e in events})))
    }
    return [(event, people.get(event.actor_id)) for event in events]


def history_of(piece: Submission) -> list[Mark]:
    """Every mark given to the piece (first, second, agreed), in the order they were saved."""
    return list(db.session.scalars(sa.select(Mark).where(Mark.submission_id == piece.id).order_by(Mark.id)))


# --- the report and the Hub's response


def modules_examined(cohort: Cohort) -> list[Module]:
    """The modules with written work: each has a sample and needs a comment in the report."""
    return [m for m in cohort.curriculum_version.modules if m.assignment]


def report_for(cohort: Cohort) -> ExaminerReport | None:
    return db.session.scalar(sa.select(ExaminerReport).where(ExaminerReport.cohort_id == cohort.id))


def comment_field(module: Module) -> str:
    return f"comment_{module.code}"


def file_report(
    cohort: Cohort, comments: dict[str, str], judgement: str | None, overall: str, actor
) -> ExaminerReport:
    """File the examiner's report: ``comments`` is ``{module code: comment}``. Filed once; the same
    report sent twice (a double-click) is filed and recorded once."""
    _need(
        policy.is_external_examiner_for(actor, cohort), "only the cohort's external examiner files its report"
    )
    for module in modules_examined(cohort):
        if not (comments.get(module.code) or "").strip():
            raise AssuranceRefused(
                _("Write your comments on %(module)s: %(title)s.", module=module.code, title=module.title),
                field=comment_field(module),
            )
    if judgement not in {j.value for j in Judgement}:
        raise AssuranceRefused(_("Choose your overall judgement."), field="judgement")
    filed = insert_once(
        ExaminerReport,
        ("cohort_id",),
        cohort_id=cohort.id,
        examiner_id=actor.id,
        module_comments={m.code: comments[m.code].strip() for m in modules_examined(cohort)},
        judgement=Judgement(judgement),
        overall_comments=overall.strip(),
    )
    report = report_for(cohort)
    if not filed and report.examiner_id != actor.id:
        raise AssuranceRefused(_("A report for this cohort has already been filed."), field="judgement")
    if filed:
        record(actor, "assurance.report_filed", report, cohort=cohort.public_id, judgement=judgement)
    return report


def respond_to_report(report: ExaminerReport, response: str, actor) -> ExaminerReport:
    """The Hub's recorded response to the examiner's report, once."""
    _need(policy.is_hub_admin(actor), "only Hub admins respond to the examiner's report")
    response = response.strip()
    if not response:
        raise AssuranceRefused(_("Write the Hub's response to the report."), field="response")
    moved = update_if(
        report,
        ExaminerReport.responded_at.is_(None),
        hub_response=response,
        responded_by_id=getattr(actor, "id", None),
        responded_at=utcnow(),
    )
    if moved:
        record(actor, "assurance.report_answered", report, response=response)
    elif report.hub_response != response:
        raise AssuranceRefused(_("The Hub has already responded to this report."), field="response")
    return report


# --- the award board


def ratification_required(cohort: Cohort) -> bool:
    """A cohort with an external examiner needs its award board to ratify results before credentials are
    issued."""
    return cohort.external_examiner_id is not None


def board_for(cohort: Cohort) -> AwardBoard | None:
    return db.session.scalar(sa.select(AwardBoard).where(AwardBoard.cohort_id == cohort.id))


def ratification_outstanding(cohort: Cohort) -> bool:
    return ratification_required(cohort) and board_for(cohort) is None


def provisional(piece: Submission) -> bool:
    """A released result the trainee sees as provisional until the award board ratifies it."""
    if piece.released_at is None or not ratification_required(piece.enrolment.cohort):
        return False
    board = board_for(piece.enrolment.cohort)
    return board is None or piece.released_at > board.decided_at


def results_of(cohort: Cohort) -> list[dict]:
    """The results a board ratifies, as plain values (what the decision keeps)."""
    return [
        {
            "piece": p.public_id,
            "candidate": p.enrolment.candidate_number,
            "module": p.assignment.module.code,
            "attempt": p.attempt,
            "band": p.result_band,
            "total": p.result_total,
            "status": p.status.value,
        }
        for p in decided_pieces(cohort)
    ]


@dataclass(frozen=True)
class PutToBoard:
    """Something the board must consider: a referred appeal or integrity case, or a special-consideration
    note. For the Hub admins who run the board; never shown to trainers or the examiner."""

    candidate: str
    what: str
    note: str


def put_to_board(cohort: Cohort) -> list[PutToBoard]:
    in_cohort = sa.select(Enrolment.id).where(Enrolment.cohort_id == cohort.id)
    items = [
        PutToBoard(
            a.submission.enrolment.candidate_number,
            _(
                "Appeal on %(module)s: %(grounds)s",
                module=a.submission.assignment.module.code,
                grounds=_(a.grounds.label),
            ),
            a.reasons or "",
        )
        for a in db.session.scalars(
            sa.select(Appeal)
            .join(Submission, Submission.id == Appeal.submission_id)
            .where(Submission.enrolment_id.in_(in_cohort), Appeal.status == AppealStatus.REFERRED)
        )
    ]
    items += [
        PutToBoard(
            c.enrolment.candidate_number, _("Integrity case: %(kind)s", kind=_(c.kind.label)), c.reasons or ""
        )
        for c in db.session.scalars(
            sa.select(IntegrityCase).where(
                IntegrityCase.enrolment_id.in_(in_cohort), IntegrityCase.outcome == CaseOutcome.REFERRED
            )
        )
    ]
    items += [
        PutToBoard(
            r.enrolment.candidate_number,
            _("Special consideration: %(assessment)s", assessment=r.assessment_title),
            r.board_note or "",
        )
        for r in db.session.scalars(
            sa.select(ConsiderationRequest).where(
                ConsiderationRequest.enrolment_id.in_(in_cohort),
                ConsiderationRequest.outcome == ConsiderationOutcome.BOARD_NOTE,
            )
        )
    ]
    return sorted(items, key=lambda item: (item.candidate, item.what))


def ratify(cohort: Cohort, met_on: date | None, attendees: str, changes: str, actor) -> AwardBoard:
    """Record the award board's decision: it ratifies every decided result of the cohort as they stand.
    Recorded once; a second decision sent at once (a double-click) is told it is already recorded."""
    _need(policy.is_hub_admin(actor), "only Hub admins record the award board's decision")
    if met_on is None:
        raise AssuranceRefused(_("Enter the date the board met."), field="met_on")
    if met_on > london_date(utcnow()):
        raise AssuranceRefused(_("The date the board met must be today or in the past."), field="met_on")
    attendees = attendees.strip()
    if not attendees:
        raise AssuranceRefused(_("List who attended the board."), field="attendees")
    report = report_for(cohort)
    if cohort.external_examiner_id is not None and report is None:
        raise AssuranceRefused(
            _(
                "The external examiner has not filed their report yet: the board considers it before "
                "ratifying."
            ),
            field="confirm",
        )
    results = results_of(cohort)
    if not results:
        raise AssuranceRefused(_("This cohort has no decided results to ratify yet."), field="confirm")
    decided = insert_once(
        AwardBoard,
        ("cohort_id",),
        cohort_id=cohort.id,
        met_on=met_on,
        attendees=attendees,
        report_id=report.id if report else None,
        results=results,
        changes=changes.strip(),
        decided_by_id=getattr(actor, "id", None),
    )
    if not decided:
        raise AssuranceRefused(
            _("The award board's decision for this cohort is already recorded."), field="confirm"
        )
    board = board_for(cohort)
    record(actor, "assurance.results_ratified", board, cohort=cohort.public_id, results=len(results))
    return board
