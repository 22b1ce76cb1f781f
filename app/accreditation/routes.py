"""The Hub's approval queue and credential administration."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.accreditation import approval, bp, bulk, corrections, ledger, lifecycle
from app.accreditation.eligibility import evaluate
from app.accreditation.forms import (
    ApproveForm,
    NameDecisionForm,
    ReasonForm,
    ReinstateForm,
    RenewForm,
    RevokeForm,
)
from app.accreditation.lookups import (
    all_credentials,
    approval_progress_or_404,
    cohort_or_404,
    credential_or_404,
    enrolment_or_404,
    name_change_or_404,
)
from app.accreditation.models import Credential
from app.accreditation.renewal import renew, renewal_check, renewed_by
from app.assurance.services import ratification_outstanding
from app.auth.access import roles_required
from app.auth.models import Role
from app.i18n import N_
from app.i18n import gettext as _
from app.marking import consideration
from app.web import refusals

STATUS_FORMS = {"suspend": ReasonForm, "reinstate": ReinstateForm, "revoke": RevokeForm, "renew": RenewForm}
# What the flash says after each status change but a renewal (a whole sentence each, for translation).
CHANGE_RECORDED = {
    "suspend": N_("Credential %(code)s: suspend recorded."),
    "reinstate": N_("Credential %(code)s: reinstate recorded."),
    "revoke": N_("Credential %(code)s: revoke recorded."),
}


@bp.route("/")
@roles_required(Role.HUB_ADMIN)
def index():
    return render_template(
        "accreditation/index.html",
        queue=approval.approval_queue(),
        credentials=all_credentials(),
        chain=ledger.verify(),
        name_changes=len(corrections.pending_requests()),
        title=_("Accreditation"),
    )


@bp.route("/enrolments/<public_id>", methods=["GET", "POST"])
@roles_required(Role.HUB_ADMIN)
def eligibility(public_id):
    enrolment = enrolment_or_404(public_id)
    form = ApproveForm()
    if form.validate_on_submit():
        with refusals() as outcome:
            credential = approval.approve(enrolment, form.note.data or "", current_user)
        if not outcome:
            flash(
                _(
                    "Approved. Credential %(code)s has been issued to %(name)s.",
                    code=credential.code,
                    name=enrolment.user.name,
                ),
                "success",
            )
            return redirect(url_for("accreditation.credential", code=credential.code))
        problem = outcome.message
    else:
        problem = None
    return render_template(
        "accreditation/eligibility.html",
        enrolment=enrolment,
        check=evaluate(enrolment),
        approval=approval.approval_for(enrolment),
        awaiting_board=ratification_outstanding(enrolment.cohort),
        board_notes=consideration.board_notes(enrolment),
        form=form,
        problem=problem,
        title=_("Accreditation check: %(name)s", name=enrolment.user.name),
    )


@bp.route("/cohorts/<public_id>/approve-all", methods=["POST"])
@roles_required(Role.HUB_ADMIN)
def approve_cohort(public_id):
    """Queue the approval of every eligible trainee of one cohort and show its progress."""
    cohort = cohort_or_404(public_id)
    form = ApproveForm()
    if not form.validate_on_submit():
        flash(_("Confirm that you have checked the evidence before approving a whole cohort."), "info")
        return redirect(url_for("accreditation.index"))
    with refusals() as refused:
        progress = bulk.start_cohort_approval(cohort, form.note.data or "", current_user)
    if refused:
        refused.flash()
        return redirect(url_for("accreditation.index"))
    return redirect(url_for(".cohort_approval", public_id=cohort.public_id, progress_id=progress.public_id))


@bp.route("/cohorts/<public_id>/approvals/<progress_id>")
@roles_required(Role.HUB_ADMIN)
def cohort_approval(public_id, progress_id):
    """How far approving a whole cohort has got; the page checks again by itself until it has finished."""
    cohort = cohort_or_404(public_id)
    progress = approval_progress_or_404(cohort, progress_id)
    if request.args.get("format") == "json":
        return {
            "total": progress.total,
            "done": progress.done,
            "failed": progress.failed,
            "finished": progress.finished,
        }
    # The job's stored label stays in English; the page names the same thing in its own language.
    title = _("Approving everyone eligible in %(cohort)s", cohort=cohort.name)
    return render_template(
        "accreditation/cohort_approval.html", cohort=cohort, progress=progress, title=title
    )


@bp.route("/credentials/<code>")
@roles_required(Role.HUB_ADMIN)
def credential(code):
    found = credential_or_404(code)
    return _credential_page(
        found, {name: form_class(prefix=name) for name, form_class in STATUS_FORMS.items()}
    )


def _credential_page(found, forms: dict, problem: str | None = None, action: str | None = None):
    return render_template(
        "accreditation/credential.html",
        credential=found,
        events=ledger.events_for(found.code),
        forms=forms,
        renewal=renewal_check(found),
        renewed_by=renewed_by(found),
        problem=problem,
        problem_form=action,
        title=_("Credential %(code)s", code=found.code),
    )


@bp.route("/credentials/<code>/<action>", methods=["POST"])
@roles_required(Role.HUB_ADMIN)
def change(code, action):
    found = credential_or_404(code)
    if action not in STATUS_FORMS:
        abort(404)
    forms = {name: form_class(prefix=name, formdata=None) for name, form_class in STATUS_FORMS.items()}
    form = forms[action] = STATUS_FORMS[action](prefix=action)
    problem = None
    if form.validate_on_submit():
        with refusals() as outcome:
            changed = _change(found, action, form)
        if not outcome:
            if action == "renew":
                flash(_("Renewed: the new credential is %(code)s.", code=changed.code), "success")
            else:
                flash(_(CHANGE_RECORDED[action], code=found.code), "success")
            return redirect(url_for("accreditation.credential", code=changed.code))
        problem = outcome.message
    return _credential_page(found, forms, problem, action), 400 if problem or form.errors else 200


def _change(found: Credential, action: str, form) -> Credential:
    """Make the status change ``action``; the credential to show next (for a renewal, the new one)."""
    if action == "suspend":
        return lifecycle.suspend(found, form.reason.data, current_user)
    if action == "reinstate":
        return lifecycle.reinstate(found, form.note.data or "", current_user)
    if action == "revoke":
        return lifecycle.revoke(found, form.reason.data, current_user)
    return renew(found, form.supervisor_endorsed.data, current_user)


@bp.route("/name-changes")
@roles_required(Role.HUB_ADMIN)
def name_changes():
    return _name_changes({})


def _name_changes(forms: dict, problem: str | None = None, status: int = 200):
    pending = corrections.pending_requests()
    return render_template(
        "accreditation/name_changes.html",
        pending=pending,
        forms={r.id: forms.get(r.id) or NameDecisionForm(prefix=r.public_id, formdata=None) for r in pending},
        problem=problem,
        title=_("Name change requests"),
    ), status


@bp.route("/name-changes/<public_id>", methods=["POST"])
@roles_required(Role.HUB_ADMIN)
def decide_name_change(public_id):
    request = name_change_or_404(public_id)
    form = NameDecisionForm(prefix=request.public_id)
    if form.validate_on_submit():
        with refusals() as outcome:
            if form.decision.data == "approve":
                new = corrections.approve(request, current_user)
            else:
                corrections.refuse(request, form.note.data or "", current_user)
        if not outcome:
            if form.decision.data == "approve":
                flash(
                    _("Re-issued under the new name: the new credential is %(code)s.", code=new.code),
                    "success",
                )
            else:
                flash(_("Refused: the holder has been told, with your note."), "success")
            return redirect(url_for("accreditation.name_changes"))
        outcome.onto(form, "decision")
    return _name_changes({request.id: form}, status=400)
