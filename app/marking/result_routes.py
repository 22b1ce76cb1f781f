"""The trainee's side of marking: the receipt, which shows the result once it is released, and starting a
resubmission of referred work. The URLs sit with the trainee's other assignment pages."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from app.auth.access import roles_required
from app.auth.models import Role
from app.database import utcnow
from app.i18n import gettext as _
from app.learning import assignments
from app.learning.lookups import assignment_or_404, enrolment_and_module
from app.learning.models import SubmissionStatus
from app.marking import appeals, bp, consideration, integrity, workflow
from app.marking.forms import ResponseForm
from app.web import refusals


@bp.route("/learn/<module_slug>/assignment/receipt")
@roles_required(Role.TRAINEE)
def receipt(module_slug: str):
    enrolment, module = enrolment_and_module(module_slug)
    submission = assignments.current_submission(enrolment, assignment_or_404(module), current_user)
    if submission.status is SubmissionStatus.DRAFT:
        return redirect(url_for("learning.assignment", module_slug=module.slug))
    return _receipt(module, submission)


def _receipt(module, submission, response_form=None):
    return render_template(
        "marking/receipt.html",
        module=module,
        submission=submission,
        # Nothing of a mark is shown until it is released.
        result=workflow.released_result(submission),
        capped=workflow.capped(submission),
        uncapped=consideration.uncapped(submission),
        appeal=appeals.appeal_for(submission) if submission.released_at else None,
        review_closes_on=appeals.window_closes_on(submission.released_at) if submission.released_at else None,
        may_ask_review=submission.released_at is not None
        and appeals.within_window(submission.released_at, utcnow()),
        cases=integrity.cases_for(submission),
        response_form=response_form or ResponseForm(formdata=None),
        title=_("Your result") if submission.released_at else _("Your work has been submitted"),
    )


@bp.route("/learn/<module_slug>/assignment/integrity-response", methods=["POST"])
@roles_required(Role.TRAINEE)
def integrity_response(module_slug: str):
    """The trainee's response to the open integrity case about their current piece."""
    enrolment, module = enrolment_and_module(module_slug)
    submission = assignments.current_submission(enrolment, assignment_or_404(module), current_user)
    case = integrity.open_case(submission)
    if case is None:
        flash(_("There is no open case about this work to respond to."), "info")
        return redirect(url_for(".receipt", module_slug=module.slug))
    form = ResponseForm()
    with refusals() as refused:
        integrity.respond(case, form.response.data, current_user)
    if refused:
        refused.onto(form, "response")
        return _receipt(module, submission, form)
    flash(_("Your response has been sent. It will be read before any decision is made."), "success")
    return redirect(url_for(".receipt", module_slug=module.slug))


@bp.route("/learn/<module_slug>/assignment/resubmit", methods=["POST"])
@roles_required(Role.TRAINEE)
def resubmit(module_slug: str):
    enrolment, module = enrolment_and_module(module_slug)
    previous = assignments.current_submission(enrolment, assignment_or_404(module), current_user)
    with refusals() as refused:
        workflow.start_resubmission(previous, current_user)
    if refused:
        refused.flash()
        return redirect(url_for(".receipt", module_slug=module.slug))
    if consideration.uncapped(previous):
        flash(_("Your resubmission has started from your earlier text. It is not capped at Pass."), "success")
    else:
        flash(_("Your resubmission has started from your earlier text. It is capped at Pass."), "success")
    return redirect(url_for("learning.assignment", module_slug=module.slug))
