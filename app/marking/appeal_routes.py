"""Appeals: the trainee asks for a review from their result; Hub admins and trainers see open appeals with
their deadlines; a Hub admin assigns a reviewer; the reviewer reads the marking history and decides."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.audit.services import events_for
from app.auth import policy
from app.auth.access import roles_required
from app.auth.models import Role
from app.cohorts.services import cohorts_for
from app.i18n import gettext as _
from app.learning import assignments
from app.learning.lookups import assignment_or_404, enrolment_and_module
from app.marking import appeals, bp, workflow
from app.marking.forms import AppealForm, ReviewDecisionForm, ReviewerForm
from app.marking.lookups import appeal_or_404
from app.marking.models import AppealStatus
from app.marking.routes import STAFF, criteria_from
from app.web import refusals


@bp.route("/learn/<module_slug>/assignment/review", methods=["GET", "POST"])
@roles_required(Role.TRAINEE)
def request_review(module_slug: str):
    enrolment, module = enrolment_and_module(module_slug)
    submission = assignments.current_submission(enrolment, assignment_or_404(module), current_user)
    if submission.released_at is None:
        return redirect(url_for(".receipt", module_slug=module.slug))
    form = AppealForm()
    if form.validate_on_submit():
        with refusals() as refused:
            appeals.request_review(submission, form.grounds.data or "", form.statement.data, current_user)
        if not refused:
            flash(
                _("You have asked for a review. You will be told the outcome by email and here."), "success"
            )
            return redirect(url_for(".receipt", module_slug=module.slug))
        refused.onto(form, "grounds")
    return render_template(
        "marking/request_review.html",
        form=form,
        module=module,
        submission=submission,
        appeal=appeals.appeal_for(submission),
        closes_on=appeals.window_closes_on(submission.released_at),
        title=_("Ask for a review of your mark"),
    )


@bp.route("/marking/appeals/")
@roles_required(*STAFF)
def appeals_list():
    cohort_ids = [c.id for c in cohorts_for(current_user)]
    return render_template(
        "marking/appeals.html",
        appeals=appeals.open_appeals(current_user, cohort_ids),
        decided=appeals.recently_decided(current_user, cohort_ids),
        may_handle=lambda appeal: policy.may_handle_appeal(current_user, appeal),
        title=_("Open appeals"),
    )


def _appeal_page(appeal, reviewer_form=None, decision_form=None, error=None, typed=None):
    piece = appeal.submission
    cohort = piece.enrolment.cohort
    marked_by = appeals.marked_by(piece)
    if reviewer_form is None:
        reviewer_form = ReviewerForm(reviewer=appeal.reviewer.public_id if appeal.reviewer else "")
    reviewer_form.reviewer.choices = [SelectChoice("", _("Choose a reviewer"))] + [
        SelectChoice(
            t.public_id,
            t.name if appeals.may_review(t.id, marked_by) else _("%(name)s (marked this piece)", name=t.name),
        )
        for t in cohort.trainers
    ]
    return render_template(
        "marking/appeal.html",
        appeal=appeal,
        piece=piece,
        marks=workflow.marks_of(piece),
        history=events_for(piece),
        step_label=appeals.step_label,
        reviewer_form=reviewer_form,
        decision_form=decision_form or ReviewDecisionForm(),
        may_assign=policy.is_hub_admin(current_user) and appeal.status.is_open,
        may_decide=appeal.reviewer_id == current_user.id and appeal.status is AppealStatus.ASSIGNED,
        notices=appeals.notices_for(appeal),
        error=error,
        typed=typed or {},
        # In an anonymously marked cohort a reviewing trainer sees the candidate number, as elsewhere.
        who=piece.enrolment.user.name
        if policy.may_see_candidate_names(current_user, cohort)
        else _("Candidate %(number)s", number=piece.enrolment.candidate_number),
        title=_("Appeal: %(title)s", title=piece.assignment.title),
    )


@bp.route("/marking/appeals/<appeal_id>", methods=["GET", "POST"])
@roles_required(*STAFF)
def appeal(appeal_id: str):
    """The appeal, the whole marking history, and (for the reviewer) the decision form."""
    appeal = appeal_or_404(appeal_id)
    form = ReviewDecisionForm()
    if request.method == "GET" or not form.validate_on_submit():
        return _appeal_page(appeal, decision_form=form)
    with refusals() as refused:
        upheld = form.outcome.data == AppealStatus.UPHELD.value
        appeals.decide(
            appeal,
            form.outcome.data or "",
            form.reasons.data,
            current_user,
            criteria=criteria_from(request.form) if upheld else None,
            feedback=form.feedback.data or "",
        )
    if refused:
        refused.onto(form, "outcome")
        return _appeal_page(appeal, decision_form=form, typed=request.form)
    flash(
        _("Outcome recorded: %(outcome)s. The trainee has been told.", outcome=appeal.status.label), "success"
    )
    return redirect(url_for(".appeal", appeal_id=appeal.public_id))


@bp.route("/marking/appeals/<appeal_id>/reviewer", methods=["POST"])
@roles_required(Role.HUB_ADMIN)
def assign_reviewer(appeal_id: str):
    appeal = appeal_or_404(appeal_id)
    form = ReviewerForm()
    if form.validate_on_submit():
        reviewer = next(
            (t for t in appeal.submission.enrolment.cohort.trainers if t.public_id == form.reviewer.data),
            None,
        )
        with refusals() as refused:
            appeals.assign_reviewer(appeal, reviewer, current_user)
        if not refused:
            flash(_("%(name)s will review this appeal; they have been told.", name=reviewer.name), "success")
            return redirect(url_for(".appeal", appeal_id=appeal.public_id))
        refused.onto(form, "reviewer")
    return _appeal_page(appeal, reviewer_form=form)
