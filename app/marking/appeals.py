"""Appeals: a trainee asks for a review of a released mark, a Hub admin assigns a reviewer who took no part
in the marking, and the reviewer records an outcome with reasons:

    requested -> assigned -> upheld (a review mark decides) | not upheld | referred to the board

Windows are counted in working days in Europe/London (``app.workdays``). Every move checks who may make
it, refuses with a message on its field and records an audit event in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from blinker import Namespace
from flask import render_template

from app.audit.services import record
from app.auth import policy
from app.auth.access import PermissionDenied
from app.auth.models import User
from app.auth.services import in_language_of
from app.cohorts.models import Enrolment
from app.database import db, utcnow
from app.i18n import N_
from app.i18n import gettext as _
from app.learning.models import Submission, SubmissionStatus
from app.learning.once import insert_once, update_if
from app.mail.services import send
from app.marking import workflow
from app.marking.models import Appeal, AppealGround, AppealStatus, Mark
from app.refusal import Refused
from app.templating import long_date
from app.urls import external_url
from app.workdays import london_date, working_days_after

WINDOW_WORKING_DAYS = 10  # after release, to ask for a review
DECISION_WORKING_DAYS = 15  # after the request, to decide it
STATEMENT_LIMIT = 5000
OPEN = (AppealStatus.REQUESTED, AppealStatus.ASSIGNED)
OUTCOMES = (AppealStatus.UPHELD, AppealStatus.NOT_UPHELD, AppealStatus.REFERRED)


class AppealRefused(Refused):
    """This appeal move is not possible; the message says why and names the field."""


@dataclass(frozen=True)
class Notice:
    """Something the Hub should do because of an appeal's outcome, and where to do it."""

    text: str
    link_text: str
    endpoint: tuple[str, dict]


# Higher layers (accreditation) answer what an outcome means for them: each receiver takes the appeal and
# returns a Notice or None. The marking layer shows the answers without knowing who gave them.
consequences = Namespace().signal("imsa.appeal.consequences")


def notices_for(appeal: Appeal) -> list[Notice]:
    return [notice for _, notice in consequences.send(appeal) if notice is not None]


# The marking history's steps, by the last part of the audit action, as the reviewer reads them.
STEPS = {
    "allocated": N_("Allocated"),
    "returned_for_anonymisation": N_("Returned for anonymisation"),
    "started": N_("Started"),
    "first_mark_saved": N_("First mark saved"),
    "second_mark_saved": N_("Second mark saved"),
    "agreed_mark_saved": N_("Agreed mark saved"),
    "review_mark_saved": N_("Review mark saved"),
    "marked": N_("Marked"),
    "sampled_for_moderation": N_("Sampled for moderation"),
    "similarity_flagged": N_("Similarity flagged"),
    "second_mark_agrees": N_("Second mark agrees"),
    "second_mark_disagrees": N_("Second mark disagrees"),
    "agreed": N_("Agreed"),
    "ready_for_release": N_("Ready for release"),
    "released": N_("Released"),
    "submitted": N_("Submitted"),
    "attachment_added": N_("Attachment added"),
    "resubmission_started": N_("Resubmission started"),
}


def step_label(action: str) -> str:
    """ "marking.sampled_for_moderation" -> "Sampled for moderation", in the page's language; an action
    not listed is spelt out from its name (in English)."""
    step = action.split(".")[-1]
    return _(STEPS[step]) if step in STEPS else step.replace("_", " ").capitalize()


# --- the rules, as pure functions


def window_closes_on(released_at: datetime) -> date:
    """The last London date on which a review of a mark released at ``released_at`` may be asked for."""
    return working_days_after(london_date(released_at), WINDOW_WORKING_DAYS)


def within_window(released_at: datetime, now: datetime) -> bool:
    return london_date(now) <= window_closes_on(released_at)


def decide_by(requested_at: datetime) -> date:
    return working_days_after(london_date(requested_at), DECISION_WORKING_DAYS)


def may_review(person_id: int, marked_by: Iterable[int | None]) -> bool:
    """The independence rule: a reviewer took no part in the first marking of the piece: not its marker,
    its second marker, nor anyone who gave it a mark of any kind."""
    return person_id not in set(marked_by)


def marked_by(submission: Submission) -> frozenset[int]:
    """Everyone who took part in marking the piece: allocated marker and second marker, and every mark's
    author (an agreed mark may be a Hub admin's)."""
    authors = db.session.scalars(db.select(Mark.marker_id).where(Mark.submission_id == submission.id))
    return frozenset(i for i in (submission.marker_id, submission.moderator_id, *authors) if i is not None)


# --- queries


def appeal_for(submission: Submission) -> Appeal | None:
    return db.session.scalar(db.select(Appeal).where(Appeal.submission_id == submission.id))


def _visible(viewer: User, cohort_ids: list[int]):
    """Appeals a viewer may see listed: every one for a Hub admin; for a trainer, those of their cohorts
    and those they review."""
    query = (
        db.select(Appeal)
        .join(Submission, Submission.id == Appeal.submission_id)
        .join(Enrolment, Enrolment.id == Submission.enrolment_id)
    )
    if not policy.is_hub_admin(viewer):
        query = query.where(db.or_(Enrolment.cohort_id.in_(cohort_ids), Appeal.reviewer_id == viewer.id))
    return query


def open_appeals(viewer: User, cohort_ids: list[int]) -> list[Appeal]:
    """Open appeals, soonest deadline first."""
    query = _visible(viewer, cohort_ids).where(Appeal.status.in_(OPEN))
    return list(db.session.scalars(query.order_by(Appeal.decide_by, Appeal.id)))


def recently_decided(viewer: User, cohort_ids: list[int], limit: int = 20) -> list[Appeal]:
    query = _visible(viewer, cohort_ids).where(Appeal.status.in_(OUTCOMES))
    return list(db.session.scalars(query.order_by(Appeal.decided_at.desc(), Appeal.id.desc()).limit(limit)))


# --- the moves


def _decided(appeal: Appeal) -> str:
    return _("This appeal has been decided: %(outcome)s.", outcome=appeal.status.label.lower())


def _check_request(submission: Submission, grounds: str, statement: str, now: datetime) -> AppealGround:
    if submission.status not in (SubmissionStatus.RELEASED, SubmissionStatus.REFERRED):
        raise AppealRefused(
            _("You can ask for a review once your result has been released."), field="grounds"
        )
    if not within_window(submission.released_at, now):
        raise AppealRefused(
            _(
                "The time to ask for a review ended on %(date)s (%(days)s working days after your result was "
                "released). If something stopped you asking in time, please contact the Hub.",
                date=long_date(window_closes_on(submission.released_at)),
                days=WINDOW_WORKING_DAYS,
            ),
            field="grounds",
        )
    if grounds not in {g.value for g in AppealGround}:
        raise AppealRefused(_("Choose the grounds for your request."), field="grounds")
    if not statement:
        raise AppealRefused(_("Say what you would like the reviewer to look at, and why."), field="statement")
    if len(statement) > STATEMENT_LIMIT:
        raise AppealRefused(
            _("Please keep your statement to %(count)s characters or fewer.", count=STATEMENT_LIMIT),
            field="statement",
        )
    return AppealGround(grounds)


def _already(existing: Appeal, grounds: AppealGround, statement: str) -> Appeal:
    if existing.status in OPEN:
        if (existing.grounds, existing.statement) == (grounds, statement):
            return existing  # the same request sent twice (a double-click): one appeal, recorded once
        raise AppealRefused(
            _("You have already asked for a review of this mark. It is open: you will be told the outcome."),
            field="grounds",
        )
    raise AppealRefused(
        _(
            "This mark has already been reviewed, so it cannot be reviewed again here. The Hub can tell you "
            "about referral to the awarding board."
        ),
        field="grounds",
    )


def request_review(
    submission: Submission, grounds: str, statement: str, actor: User, now: datetime | None = None
) -> Appeal:
    """The trainee asks, on stated grounds, for a review of their released mark within the window."""
    now = now or utcnow()
    if not policy.owns_enrolment(actor, submission.enrolment) or policy.acts_as_server(actor):
        raise PermissionDenied("only the trainee asks for a review of their own mark")
    statement = (statement or "").strip()
    ground = _check_request(submission, grounds, statement, now)
    if existing := appeal_for(submission):
        return _already(existing, ground, statement)
    inserted = insert_once(
        Appeal,
        ("submission_id",),
        submission_id=submission.id,
        grounds=ground.value,
        statement=statement,
        requested_at=now,
        decide_by=decide_by(now),
        status=AppealStatus.REQUESTED.value,
        previous_total=submission.result_total,
        previous_band=submission.result_band,
    )
    appeal = appeal_for(submission)
    if not inserted:  # another request won the race a moment ago
        return _already(appeal, ground, statement)
    record(actor, "appeal.requested", appeal, submission=submission.public_id, grounds=ground.value)
    return appeal


def assign_reviewer(
    appeal: Appeal, reviewer: User | None, actor: User, now: datetime | None = None
) -> Appeal:
    """A Hub admin gives the appeal to a trainer of the cohort who took no part in marking the piece."""
    if not policy.is_hub_admin(actor):
        raise PermissionDenied("only Hub admins assign reviewers")
    if appeal.status not in OPEN:
        raise AppealRefused(_decided(appeal), field="reviewer")
    submission = appeal.submission
    trainers = submission.enrolment.cohort.trainers
    if reviewer is None or reviewer not in trainers:
        raise AppealRefused(_("Choose a trainer of this cohort as the reviewer."), field="reviewer")
    if not may_review(reviewer.id, marked_by(submission)):
        raise AppealRefused(
            _(
                "%(name)s took part in marking this piece, so cannot review it. Choose someone who did not "
                "mark it (a Hub admin can add a trainer under Cohort staff).",
                name=reviewer.name,
            ),
            field="reviewer",
        )
    if appeal.reviewer_id == reviewer.id:
        return appeal  # already theirs (the same assignment sent twice)
    appeal.reviewer_id, appeal.status, appeal.assigned_at = (
        reviewer.id,
        AppealStatus.ASSIGNED,
        now or utcnow(),
    )
    record(actor, "appeal.assigned", appeal, reviewer=reviewer.public_id, submission=submission.public_id)
    with in_language_of(reviewer):
        send(
            reviewer.email,
            _("An appeal has been assigned to you for review"),
            render_template(
                "marking/email/appeal_assigned.txt",
                appeal=appeal,
                url=external_url("marking.appeal", appeal_id=appeal.public_id),
            ),
        )
    return appeal


def decide(
    appeal: Appeal,
    outcome: str,
    reasons: str,
    actor: User,
    criteria: dict[str, workflow.CriterionInput] | None = None,
    feedback: str = "",
    now: datetime | None = None,
) -> Appeal:
    """The reviewer records the outcome with reasons. Upheld: their rubric marks become the deciding
    mark, so the result, the module's status and eligibility follow from it as from any released mark."""
    now = now or utcnow()
    if policy.acts_as_server(actor) or appeal.reviewer_id != actor.id:
        raise PermissionDenied("only the assigned reviewer decides an appeal")
    if appeal.status is not AppealStatus.ASSIGNED:
        raise AppealRefused(_decided(appeal), field="outcome")
    if outcome not in {o.value for o in OUTCOMES}:
        raise AppealRefused(_("Choose the outcome of the review."), field="outcome")
    reasons = (reasons or "").strip()
    if not reasons:
        raise AppealRefused(_("Give the reasons for the outcome: the trainee reads them."), field="reasons")
    decision = AppealStatus(outcome)
    submission = appeal.submission
    was_referred = submission.status is SubmissionStatus.REFERRED
    # Only one request decides: the same decision sent twice finds the appeal no longer assigned.
    if not update_if(
        appeal,
        Appeal.status == AppealStatus.ASSIGNED,
        status=decision,
        reasons=reasons,
        decided_at=now,
    ):
        raise AppealRefused(_decided(appeal), field="outcome")
    if decision is AppealStatus.UPHELD:
        workflow.record_review_mark(submission, criteria or {}, feedback, actor, now)
    if was_referred and submission.status is SubmissionStatus.REFERRED and submission.resubmission_due_on:
        # The resubmission waited for the review, so its time to resubmit waited too.
        submission.resubmission_due_on += london_date(now) - london_date(appeal.requested_at)
    record(
        actor,
        "appeal.decided",
        appeal,
        outcome=decision.value,
        reasons=reasons,
        submission=submission.public_id,
        previous_total=appeal.previous_total,
        previous_band=appeal.previous_band,
        total=submission.result_total,
        band=submission.result_band,
    )
    user = submission.enrolment.user
    with in_language_of(user):
        send(
            user.email,
            _("The outcome of your review: %(title)s", title=submission.assignment.title),
            render_template(
                "marking/email/appeal_decided.txt",
                appeal=appeal,
                user=user,
                url=external_url("marking.receipt", module_slug=submission.assignment.module.slug),
            ),
        )
    return appeal
