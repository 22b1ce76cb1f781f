"""The marking workflow, as one state machine. Every move is a function here that checks who may make
it, refuses an illegal move with a plain message, and records an audit event in the same transaction:

    submitted -> in_marking -> marked -> in_moderation -> ready_for_release -> released
                                      \\-> ready_for_release (not sampled)   \\-> referred -> resubmission

Trainees see nothing of a mark until it is released. After release an upheld appeal (``app.marking.appeals``)
adds a review mark, which then decides the result (``record_review_mark``).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import render_template

from app.assessments.rubric import BANDS, DEFAULT_MODERATION, band_for, band_label, outcome
from app.audit.services import record
from app.auth import policy
from app.auth.access import PermissionDenied
from app.auth.models import User
from app.auth.services import in_language_of
from app.cohorts.models import Cohort, Enrolment
from app.curriculum.models import Assignment
from app.curriculum.rendering import render_markdown
from app.database import db, utcnow
from app.i18n import N_
from app.i18n import gettext as _
from app.learning.assignments import submitted_work
from app.learning.models import Submission, SubmissionStatus
from app.learning.once import insert_once, update_if
from app.mail.services import send
from app.marking import consideration, integrity
from app.marking.models import Appeal, AppealStatus, Mark, MarkKind
from app.refusal import Refused
from app.urls import external_url

S = SubmissionStatus
LOCK_MINUTES = 30
RESUBMISSION_DAYS = 28


class MarkingRefused(Refused):
    """This move is not possible now; the message says why, in plain words."""


# --- who is who


def _cohort(submission: Submission) -> Cohort:
    return submission.enrolment.cohort


def _need(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _state(submission: Submission, *allowed: SubmissionStatus, cannot: str) -> None:
    """``cannot`` is the refusal's first half ("You cannot … now"), marked with ``N_`` by the caller."""
    if submission.status not in allowed:
        raise MarkingRefused(
            _(
                "%(cannot)s: this piece is %(status)s.",
                cannot=_(cannot),
                status=_(submission.status.label).lower(),
            )
        )


def _mark(submission: Submission, kind: MarkKind) -> Mark | None:
    return db.session.scalar(db.select(Mark).where(Mark.submission_id == submission.id, Mark.kind == kind))


# --- what each person may do with a piece now


MARK_MOVES = {"first_mark": MarkKind.FIRST, "second_mark": MarkKind.SECOND, "agreed_mark": MarkKind.AGREED}


def allowed_moves(submission: Submission, actor: User) -> frozenset[str]:
    """The moves ``actor`` may make on this piece now; the marking page offers exactly these. Each move's
    function checks the same again, so a stale page cannot do more than this allows."""
    if policy.acts_as_server(actor):
        return frozenset()  # the command line marks nothing
    status, admin = submission.status, policy.is_hub_admin(actor)
    moves = set()
    if admin and status in (S.SUBMITTED, S.IN_MARKING):
        moves.add("allocate")
    if (admin or submission.marker_id == actor.id) and status in (S.SUBMITTED, S.IN_MARKING):
        moves.add("return_for_anonymisation")
    if submission.marker_id == actor.id and status in (S.SUBMITTED, S.IN_MARKING):
        moves.add("start" if status is S.SUBMITTED else "first_mark")
    if status is S.IN_MODERATION:
        if needs_agreement(submission) and (submission.moderator_id == actor.id or admin):
            moves.add("agreed_mark")
        elif submission.moderator_id == actor.id:
            moves.add("second_mark")
    return frozenset(moves)


def mark_to_give(submission: Submission, actor: User) -> MarkKind | None:
    """Which mark ``actor`` gives this piece now, if any."""
    moves = allowed_moves(submission, actor)
    return next((kind for move, kind in MARK_MOVES.items() if move in moves), None)


# --- locks: one person works on a piece at a time; a lock expires on its own


def _take_lock(submission: Submission, actor: User, now: datetime) -> None:
    if (
        submission.locked_by_id not in (None, actor.id)
        and submission.locked_until
        and submission.locked_until > now
    ):
        raise MarkingRefused(
            _(
                "%(name)s is working on this piece until %(time)s UTC. Try again after that.",
                name=submission.locked_by.name,
                time=f"{submission.locked_until:%H:%M}",
            )
        )
    submission.locked_by_id, submission.locked_until = actor.id, now + timedelta(minutes=LOCK_MINUTES)


def _drop_lock(submission: Submission) -> None:
    submission.locked_by_id = submission.locked_until = None


# --- allocation


def allocate(submission: Submission, marker: User, actor: User) -> Submission:
    _need(policy.is_hub_admin(actor), "only Hub admins allocate markers")
    _state(submission, S.SUBMITTED, S.IN_MARKING, cannot=N_("You cannot allocate a marker now"))
    if marker not in _cohort(submission).trainers:
        raise MarkingRefused(_("%(name)s is not a trainer of this cohort.", name=marker.name))
    previous = submission.marker_id
    submission.marker_id = marker.id
    if previous != marker.id:
        _drop_lock(submission)
    record(actor, "marking.allocated", submission, marker=marker.public_id)
    return submission


@submitted_work.connect
def allocate_on_submission(submission: Submission) -> None:
    """A cohort that allocates round robin gives each piece, as it is submitted, to the trainer with the
    least work in marking on that assignment (the system allocates: the audit event has no actor)."""
    cohort = _cohort(submission)
    if cohort.allocation != "round_robin" or not cohort.trainers or submission.marker_id is not None:
        return
    load = dict(
        db.session.execute(
            db.select(Submission.marker_id, db.func.count())
            .where(
                Submission.assignment_id == submission.assignment_id,
                Submission.marker_id.in_([t.id for t in cohort.trainers]),
                Submission.status.in_((S.SUBMITTED, S.IN_MARKING)),
            )
            .group_by(Submission.marker_id)
        ).all()
    )
    marker = min(cohort.trainers, key=lambda t: (load.get(t.id, 0), t.name))
    allocate(submission, marker, None)


def return_for_anonymisation(submission: Submission, note: str, actor: User) -> Submission:
    """The marker (or a Hub admin) finds the work could identify someone: it goes back to the trainee as
    a draft, unmarked, with a note of what to change; the receipt's hash and the note stay in the audit
    trail."""
    _need(
        submission.marker_id == actor.id or policy.is_hub_admin(actor),
        "only the piece's marker or a Hub admin returns it",
    )
    _state(
        submission, S.SUBMITTED, S.IN_MARKING, cannot=N_("You cannot return this work for anonymisation now")
    )
    note = note.strip()
    if not note:
        raise MarkingRefused(
            _("Say what could identify someone, so the trainee can change it."), field="note"
        )
    record(actor, "marking.returned_for_anonymisation", submission, sha256=submission.sha256, note=note)
    submission.status, submission.returned_note = S.DRAFT, note
    submission.submitted_at = submission.sha256 = None
    _drop_lock(submission)
    trainee = submission.enrolment.user
    with in_language_of(trainee):
        send(
            trainee.email,
            _("Your written work has been returned to you to anonymise"),
            render_template(
                "marking/email/returned.txt",
                submission=submission,
                note=note,
                url=external_url("learning.assignment", module_slug=submission.assignment.module.slug),
            ),
        )
    return submission


def allocate_round_robin(pieces: list[Submission], markers: list[User], actor: User) -> int:
    """Allocate every unallocated submitted piece, each to the marker with the least work so far."""
    _need(policy.is_hub_admin(actor), "only Hub admins allocate markers")
    if not markers:
        raise MarkingRefused(_("This cohort has no trainers to allocate to."))
    load = {m.id: sum(1 for p in pieces if p.marker_id == m.id) for m in markers}
    # Only submitted pieces have a submission time to go by: drafts (and later stages) are left alone.
    waiting = [p for p in pieces if p.status is S.SUBMITTED and p.marker_id is None]
    for piece in sorted(waiting, key=lambda p: (p.submitted_at, p.id)):
        marker = min(markers, key=lambda m: (load[m.id], m.name))
        allocate(piece, marker, actor)
        load[marker.id] += 1
    return len(waiting)


# --- first marking


def start_marking(submission: Submission, actor: User, now: datetime | None = None) -> Mark:
    """Open the piece for marking (or carry on): takes the lock and returns the marker's mark."""
    now = now or utcnow()
    _need(submission.marker_id == actor.id, "only the allocated marker marks this piece")
    _state(submission, S.SUBMITTED, S.IN_MARKING, cannot=N_("You cannot mark this piece now"))
    _take_lock(submission, actor, now)
    mark = _mark(submission, MarkKind.FIRST)
    if submission.status is S.SUBMITTED:
        submission.status = S.IN_MARKING
        record(actor, "marking.started", submission)
    if mark is None:
        mark = Mark(submission_id=submission.id, kind=MarkKind.FIRST, marker_id=actor.id, criteria={})
        db.session.add(mark)
    return mark


@dataclass(frozen=True)
class CriterionInput:
    band: str
    mark: float
    feedback: str


def _check_criteria(assignment: Assignment, given: dict[str, CriterionInput], thresholds: dict) -> None:
    for criterion in assignment.criteria:
        entry = given.get(criterion["key"])
        if entry is None:
            raise MarkingRefused(_("Give %(criterion)s a band and a mark.", criterion=criterion["title"]))
        if entry.band not in BANDS:
            raise MarkingRefused(_("Choose a band for %(criterion)s.", criterion=criterion["title"]))
        if not 0 <= entry.mark <= 100:
            raise MarkingRefused(
                _("The mark for %(criterion)s must be from 0 to 100.", criterion=criterion["title"])
            )
        if band_for(entry.mark, thresholds) != entry.band:
            raise MarkingRefused(
                _(
                    "The mark %(mark)s for %(criterion)s is in the %(actual)s band, not %(chosen)s: "
                    "change one of them.",
                    mark=f"{entry.mark:g}",
                    criterion=criterion["title"],
                    actual=band_label(band_for(entry.mark, thresholds)),
                    chosen=band_label(entry.band),
                )
            )


def _who_marks(submission: Submission, kind: MarkKind, actor: User) -> None:
    if kind is MarkKind.FIRST:
        _need(submission.marker_id == actor.id, "only the allocated marker marks this piece")
        _state(submission, S.IN_MARKING, cannot=N_("You cannot save the first mark now"))
    elif kind is MarkKind.SECOND:
        _need(submission.moderator_id == actor.id, "only the allocated second marker second-marks this piece")
        _state(submission, S.IN_MODERATION, cannot=N_("You cannot save the second mark now"))
    else:
        _need(
            submission.moderator_id == actor.id or policy.is_hub_admin(actor),
            "only the second marker or a Hub admin records the agreed mark",
        )
        _state(submission, S.IN_MODERATION, cannot=N_("You cannot record an agreed mark now"))
        if not needs_agreement(submission):
            raise MarkingRefused(_("An agreed mark is only needed when the first and second marks disagree."))


def save_mark(
    submission: Submission,
    kind: MarkKind,
    criteria: dict[str, CriterionInput],
    feedback: str,
    version: int,
    actor: User,
    now: datetime | None = None,
    rationale: str | None = None,
) -> Mark:
    """Save a mark against the rubric. ``version`` is the mark's version when the form was opened:
    if someone saved it since, nothing is overwritten and the marker is told."""
    now = now or utcnow()
    _who_marks(submission, kind, actor)
    _take_lock(submission, actor, now)
    assignment = submission.assignment
    _check_criteria(assignment, criteria, assignment.thresholds)
    if kind is MarkKind.AGREED and not (rationale or "").strip():
        raise MarkingRefused(_("Record the rationale for the agreed mark."))
    mark = _mark(submission, kind)
    if mark is None:
        if version != 0:
            raise MarkingRefused(_("This marking changed since you opened it. Reload the page to see it."))
        mark = Mark(submission_id=submission.id, kind=kind, marker_id=actor.id)
        db.session.add(mark)
    elif mark.version != version:
        raise MarkingRefused(
            _(
                "%(name)s saved this marking at %(time)s UTC, after you opened it. "
                "Your changes were not saved: copy anything you need, then reload the page.",
                name=mark.marker.name,
                time=f"{mark.saved_at:%H:%M}",
            )
        )
    result = outcome(
        assignment.criteria,
        {k: v.mark for k, v in criteria.items()},
        assignment.thresholds,
        cap_at=assignment.resubmission["capped_at"] if capped(submission) else None,
    )
    mark.marker_id = actor.id
    mark.criteria = {
        key: {
            "band": v.band,
            "mark": v.mark,
            "feedback": v.feedback,
            "feedback_html": render_markdown(v.feedback),
        }
        for key, v in criteria.items()
    }
    mark.feedback_markdown, mark.feedback_html = feedback, render_markdown(feedback)
    mark.total, mark.band = result.total, result.band
    mark.rationale = (rationale or "").strip() or None
    mark.saved_at = now
    record(actor, f"marking.{kind.value}_mark_saved", submission, total=result.total, band=result.band)
    return mark


def capped(submission: Submission) -> bool:
    """A resubmission is capped at the assignment's cap, unless special consideration lifted it."""
    return submission.attempt > 1 and not consideration.uncapped(submission)


def complete_marking(submission: Submission, actor: User, now: datetime | None = None) -> Submission:
    _need(submission.marker_id == actor.id, "only the allocated marker marks this piece")
    _state(submission, S.IN_MARKING, cannot=N_("You cannot finish marking now"))
    mark = _mark(submission, MarkKind.FIRST)
    if mark is None or mark.total is None:
        raise MarkingRefused(_("Save a mark for every criterion before finishing."))
    mark.completed_at = now or utcnow()
    submission.status, submission.marked_at = S.MARKED, mark.completed_at
    _drop_lock(submission)
    record(actor, "marking.marked", submission, total=mark.total, band=mark.band)
    return submission


# --- moderation


def sample(pieces: list[tuple[int, int, str]], rule: dict, seed: int) -> set[int]:
    """Which pieces are second-marked. ``pieces`` are (piece id, marker id, first-mark band).

    Every Fail and Distinction; of the rest, ``sample_percent`` per marker, rounded up, and at least
    ``minimum`` per marker. The same pieces and seed always give the same sample.
    """
    rng = random.Random(seed)
    chosen = {pid for pid, _marker, band in pieces if band in ("fail", "distinction")}
    for marker in sorted({m for _pid, m, _band in pieces}):
        mine = sorted(pid for pid, m, _band in pieces if m == marker)
        rest = [pid for pid in mine if pid not in chosen]
        already = len(mine) - len(rest)
        want = max(math.ceil(len(mine) * rule["sample_percent"] / 100), rule["minimum"]) - already
        chosen.update(rng.sample(rest, min(max(want, 0), len(rest))))
    return chosen


def select_for_moderation(
    assignment: Assignment, cohort: Cohort, actor: User, seed: int | None = None
) -> set[int]:
    """Apply the moderation rule to every marked piece: sampled pieces go to a second marker, the rest
    are ready for release with their first mark."""
    _need(
        policy.is_cohort_lead(actor, cohort),
        "only a Hub admin or the cohort's lead trainer selects pieces for moderation",
    )
    pieces = pieces_in(assignment, cohort, S.MARKED)
    if not pieces:
        raise MarkingRefused(_("No marked pieces are waiting for moderation."))
    firsts = {
        m.submission_id: m
        for m in db.session.scalars(
            db.select(Mark).where(Mark.submission_id.in_([p.id for p in pieces]), Mark.kind == MarkKind.FIRST)
        )
    }
    rule = assignment.moderation or DEFAULT_MODERATION
    seed = seed if seed is not None else random.SystemRandom().randrange(2**31)
    chosen = sample([(p.id, p.marker_id, firsts[p.id].band) for p in pieces], rule, seed)
    load: dict[int, int] = {}
    for piece in pieces:
        if piece.id in chosen:
            others = [t for t in cohort.trainers if t.id != piece.marker_id]
            if not others:
                raise MarkingRefused(
                    _(
                        "Second marking needs a second trainer on this cohort: a Hub admin can add one "
                        "under Cohort staff on the cohort's page."
                    )
                )
            moderator = min(others, key=lambda t: (load.get(t.id, 0), t.name))
            load[moderator.id] = load.get(moderator.id, 0) + 1
            piece.status, piece.moderator_id = S.IN_MODERATION, moderator.id
            record(actor, "marking.sampled_for_moderation", piece, moderator=moderator.public_id, seed=seed)
        else:
            _ready(piece, firsts[piece.id])
            record(
                actor, "marking.ready_for_release", piece, total=piece.result_total, band=piece.result_band
            )
    return chosen


def needs_agreement(submission: Submission) -> bool:
    first, second = _mark(submission, MarkKind.FIRST), _mark(submission, MarkKind.SECOND)
    if not (first and second and second.completed_at):
        return False
    rule = submission.assignment.moderation or DEFAULT_MODERATION
    return abs(first.total - second.total) > rule["threshold_marks"] or first.band != second.band


def complete_second_mark(submission: Submission, actor: User, now: datetime | None = None) -> Submission:
    """The second marker finishes. Within the threshold the first mark stands; beyond it, an agreed mark
    is needed."""
    _need(submission.moderator_id == actor.id, "only the allocated second marker second-marks this piece")
    _state(submission, S.IN_MODERATION, cannot=N_("You cannot finish second marking now"))
    second = _mark(submission, MarkKind.SECOND)
    if second is None or second.total is None:
        raise MarkingRefused(_("Save a mark for every criterion before finishing."))
    second.completed_at = now or utcnow()
    _drop_lock(submission)
    if needs_agreement(submission):
        record(actor, "marking.second_mark_disagrees", submission, total=second.total, band=second.band)
    else:
        _ready(submission, _mark(submission, MarkKind.FIRST))
        record(actor, "marking.second_mark_agrees", submission, total=second.total, band=second.band)
    return submission


def complete_agreed_mark(submission: Submission, actor: User, now: datetime | None = None) -> Submission:
    _need(
        submission.moderator_id == actor.id or policy.is_hub_admin(actor),
        "only the second marker or a Hub admin records the agreed mark",
    )
    _state(submission, S.IN_MODERATION, cannot=N_("You cannot finish the agreed mark now"))
    agreed = _mark(submission, MarkKind.AGREED)
    if agreed is None or agreed.total is None:
        raise MarkingRefused(_("Save the agreed mark, with its rationale, before finishing."))
    agreed.completed_at = now or utcnow()
    _drop_lock(submission)
    _ready(submission, agreed)
    record(
        actor, "marking.agreed", submission, total=agreed.total, band=agreed.band, rationale=agreed.rationale
    )
    return submission


def _ready(submission: Submission, deciding: Mark) -> None:
    submission.status = S.READY_FOR_RELEASE
    submission.result_total, submission.result_band = deciding.total, deciding.band


# --- release


def release(
    assignment: Assignment, cohort: Cohort, actor: User, now: datetime | None = None
) -> list[Submission]:
    """Release every result that is ready, in one action, and tell each trainee. A piece an open
    academic-integrity case holds stays ready, unreleased; an upheld case's penalty applies here.

    Each piece moves with ``UPDATE … WHERE status = 'ready_for_release'``: the same release sent twice (a
    double-click) releases, records and tells each trainee once; the second finds nothing left to do.
    """
    _need(
        policy.is_cohort_lead(actor, cohort), "only a Hub admin or the cohort's lead trainer releases results"
    )
    now = now or utcnow()
    pieces = pieces_in(assignment, cohort, S.READY_FOR_RELEASE)
    if not pieces:
        raise MarkingRefused(_("No results are ready for release."))
    allowed = assignment.resubmission["allowed"]
    ids = [p.id for p in pieces]
    # Each trainee's enrolment (and with it their account) in one query, not one per piece.
    enrolments = {
        e.id: e
        for e in db.session.scalars(
            db.select(Enrolment).where(Enrolment.id.in_({p.enrolment_id for p in pieces}))
        )
    }
    held, penalties = integrity.held_piece_ids(ids), integrity.penalties_of(ids)
    released = []
    for piece in pieces:
        decided = integrity.at_release(
            piece.id in held, penalties.get(piece.id), piece.result_band, piece.attempt, allowed
        )
        if decided is None:
            continue  # held: an integrity case is open
        moved = update_if(
            piece,
            Submission.status == S.READY_FOR_RELEASE,
            status=S.REFERRED if decided.referred else S.RELEASED,
            result_band=decided.band,
            released_at=now,
            resubmission_due_on=now.date() + timedelta(days=RESUBMISSION_DAYS) if decided.referred else None,
        )
        if not moved:
            continue  # released a moment ago by the same action sent twice
        released.append(piece)
        record(
            actor,
            "marking.released",
            piece,
            band=piece.result_band,
            total=piece.result_total,
            referred=decided.referred,
            penalty=penalties[piece.id].value if piece.id in penalties else None,
        )
        user = enrolments[piece.enrolment_id].user
        with in_language_of(user):
            send(
                user.email,
                _("Your result for %(title)s", title=assignment.title),
                render_template(
                    "marking/email/released.txt",
                    user=user,
                    piece=piece,
                    assignment=assignment,
                    link=external_url("learning.assignment", module_slug=assignment.module.slug),
                ),
            )
    if not released and len(held) == len(pieces):
        raise MarkingRefused(
            _(
                "Every result that is ready is held by an open academic-integrity case: it is released once "
                "the case is decided."
            )
        )
    if not released:
        raise MarkingRefused(_("These results have already been released."))
    return released


def start_resubmission(previous: Submission, actor: User) -> Submission:
    """A referred trainee starts their resubmission: a new draft, due by the date set at release. The same
    click sent twice starts (and records) it once: the attempt number's unique key decides."""
    if previous.enrolment.user_id != actor.id:
        raise PermissionDenied("only the trainee can resubmit their own work")
    _state(previous, S.REFERRED, cannot=N_("You cannot resubmit now"))
    open_review = db.select(Appeal.id).where(
        Appeal.submission_id == previous.id,
        Appeal.status.in_((AppealStatus.REQUESTED, AppealStatus.ASSIGNED)),
    )
    if db.session.scalar(open_review):
        # A review could change the result, so the resubmission waits for its outcome.
        raise MarkingRefused(_("You asked for a review of this mark: you can resubmit once it is decided."))
    later = (
        db.select(Submission)
        .where(
            Submission.enrolment_id == previous.enrolment_id,
            Submission.assignment_id == previous.assignment_id,
            Submission.attempt > previous.attempt,
        )
        .order_by(Submission.attempt)
    )
    if db.session.scalar(later):
        raise MarkingRefused(_("You have already started your resubmission."))
    started = insert_once(
        Submission,
        ("enrolment_id", "assignment_id", "attempt"),
        enrolment_id=previous.enrolment_id,
        assignment_id=previous.assignment_id,
        attempt=previous.attempt + 1,
        text=previous.text,
        word_count=previous.word_count,
        revision=0,
        status=S.DRAFT,
    )
    piece = db.session.scalar(later)
    if started:
        record(actor, "submission.resubmission_started", piece, previous=previous.public_id)
    return piece


# --- queries


def pieces_in(assignment: Assignment, cohort: Cohort, *statuses: SubmissionStatus) -> list[Submission]:
    query = (
        db.select(Submission)
        .join(Enrolment, Enrolment.id == Submission.enrolment_id)
        .where(Submission.assignment_id == assignment.id, Enrolment.cohort_id == cohort.id)
        .order_by(Submission.submitted_at)
    )
    if statuses:
        query = query.where(Submission.status.in_(statuses))
    return list(db.session.scalars(query))


def marks_of(submission: Submission) -> dict[MarkKind, Mark]:
    return {m.kind: m for m in db.session.scalars(db.select(Mark).where(Mark.submission_id == submission.id))}


# --- what the trainee is shown


DECIDING = (MarkKind.REVIEW, MarkKind.AGREED, MarkKind.FIRST)  # the first of these a piece has decides


def deciding_mark(marks: dict[MarkKind, Mark]) -> Mark | None:
    return next((marks[kind] for kind in DECIDING if kind in marks), None)


def released_result(submission: Submission):
    """The mark that decided a released result (an upheld review's, else agreed, else first), or None
    before release."""
    if submission.released_at is None:
        return None
    return deciding_mark(marks_of(submission))


# --- review of marking (the appeal itself is in app.marking.appeals)


def record_review_mark(
    submission: Submission,
    criteria: dict[str, CriterionInput],
    feedback: str,
    actor: User,
    now: datetime | None = None,
) -> Mark:
    """An upheld appeal's new marks: checked against the rubric like any mark, they become the deciding
    mark and the piece's result, and the piece is referred or released again by the same gateway rule as
    at release. The caller (``appeals.decide``) checks who may and records the decision."""
    now = now or utcnow()
    _state(submission, S.RELEASED, S.REFERRED, cannot=N_("You cannot record a review mark now"))
    assignment = submission.assignment
    _check_criteria(assignment, criteria, assignment.thresholds)
    result = outcome(
        assignment.criteria,
        {k: v.mark for k, v in criteria.items()},
        assignment.thresholds,
        cap_at=assignment.resubmission["capped_at"] if submission.attempt > 1 else None,
    )
    if (result.total, result.band) == (submission.result_total, submission.result_band):
        raise MarkingRefused(
            _(
                "These marks give the same result as before. If the mark stands, record the appeal as not "
                "upheld."
            ),
            field="outcome",
        )
    mark = Mark(
        submission_id=submission.id,
        kind=MarkKind.REVIEW,
        marker_id=actor.id,
        criteria={
            key: {
                "band": v.band,
                "mark": v.mark,
                "feedback": v.feedback,
                "feedback_html": render_markdown(v.feedback),
            }
            for key, v in criteria.items()
        },
        feedback_markdown=feedback,
        feedback_html=render_markdown(feedback),
        total=result.total,
        band=result.band,
        saved_at=now,
        completed_at=now,
    )
    db.session.add(mark)
    referred = result.band == "fail" and submission.attempt <= assignment.resubmission["allowed"]
    submission.result_total, submission.result_band = result.total, result.band
    if referred and submission.status is not S.REFERRED:
        submission.resubmission_due_on = now.date() + timedelta(days=RESUBMISSION_DAYS)
    elif not referred:
        submission.resubmission_due_on = None
    submission.status = S.REFERRED if referred else S.RELEASED
    return mark
