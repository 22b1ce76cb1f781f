"""Cohort set-up pages: the schedule, bulk enrolment from CSV, and an enrolment's status changes
(withdraw, defer, resume, transfer)."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import ngettext
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.auth.access import roles_required
from app.auth.models import Role
from app.cohorts import bp, importing, services
from app.cohorts.forms import ImportForm, StatusForm, TransferForm
from app.cohorts.lookups import cohort_or_404, enrolment_or_404
from app.i18n import gettext as _
from app.web import refusals

STAFF = (Role.HUB_ADMIN, Role.TRAINER)


# --- the module schedule


@bp.route("/<public_id>/schedule", methods=["GET", "POST"])
@roles_required(Role.HUB_ADMIN)
def schedule(public_id: str):
    cohort = cohort_or_404(public_id)
    modules = cohort.curriculum_version.modules
    rows = services.schedule(cohort)
    defaults = services.default_schedule(cohort)
    typed, errors = {}, {}
    for m in modules:
        opens, due = (rows[m.id].opens_on, rows[m.id].due_on) if m.id in rows else defaults[m.id]
        typed[m.id] = {"opens": opens.isoformat(), "due": due.isoformat()}
    if request.method == "POST":
        dates = {}  # (the CSRF token is checked for every POST by CSRFProtect)
        for m in modules:
            typed[m.id] = {k: request.form.get(f"{k}-{m.id}", "").strip() for k in ("opens", "due")}
            try:
                opens = date.fromisoformat(typed[m.id]["opens"])
            except ValueError:
                errors[f"opens-{m.id}"] = _("%(module)s: enter a real opening date", module=m.code)
                continue
            try:
                due = date.fromisoformat(typed[m.id]["due"])
            except ValueError:
                errors[f"due-{m.id}"] = _("%(module)s: enter a real due date", module=m.code)
                continue
            if due < opens:
                errors[f"due-{m.id}"] = _(
                    "%(module)s: the due date must be on or after the opening date", module=m.code
                )
                continue
            dates[m.id] = (opens, due)
        if not errors:
            services.update_schedule(cohort, dates, current_user)
            flash(_("The schedule has been saved."), "success")
            return redirect(url_for("reports.cohort", public_id=public_id))
    return render_template(
        "cohorts/schedule.html",
        cohort=cohort,
        modules=modules,
        typed=typed,
        errors=errors,
        title=_("Module schedule: %(cohort)s", cohort=cohort.name),
    )


# --- bulk enrolment from a CSV file


@bp.route("/<public_id>/import", methods=["GET", "POST"])
@roles_required(Role.HUB_ADMIN)
def import_trainees(public_id: str):
    cohort = cohort_or_404(public_id)
    form = ImportForm()
    checked, text = None, ""
    if form.validate_on_submit():
        upload = form.upload.data
        if upload is not None and getattr(upload, "filename", ""):
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                checked = importing.Preview(
                    problems=[importing.Problem(1, _("the file is not UTF-8 text: save it as “CSV UTF-8”"))]
                )
        else:
            text = (form.rows.data or "").replace("\r\n", "\n")
        if checked is None and request.form.get("action") == "confirm":
            try:
                enrolled = importing.import_trainees(cohort, text, current_user)
            except importing.ImportRefused as refused:
                checked = importing.Preview(problems=refused.problems)
            else:
                flash(
                    ngettext(
                        "%(num)s trainee enrolled in %(cohort)s; invitations have been sent.",
                        "%(num)s trainees enrolled in %(cohort)s; invitations have been sent.",
                        len(enrolled),
                        cohort=cohort.name,
                    ),
                    "success",
                )
                return redirect(url_for("reports.progress_matrix", public_id=public_id))
        elif checked is None:
            checked = importing.preview(cohort, text)
        form.rows.data = text
    return render_template(
        "cohorts/import.html",
        cohort=cohort,
        form=form,
        checked=checked,
        text=text,
        title=_("Enrol trainees from a file: %(cohort)s", cohort=cohort.name),
    )


@bp.route("/trainees/<enrolment_id>/status", methods=["GET", "POST"])
@roles_required(Role.HUB_ADMIN)
def enrolment_status(enrolment_id: str):
    enrolment = enrolment_or_404(enrolment_id)
    form = StatusForm()
    if form.validate_on_submit():
        with refusals() as refused:
            services.change_status(enrolment, form.move.data, form.reason.data, current_user)
        if refused:
            refused.onto(form, "move")
        else:
            flash(
                _(
                    "%(name)s is now %(status)s.",
                    name=enrolment.user.name,
                    status=_(enrolment.status.label).lower(),
                ),
                "success",
            )
            return redirect(url_for("reports.trainee", enrolment_id=enrolment_id))
    return render_template(
        "cohorts/status.html",
        enrolment=enrolment,
        form=form,
        title=_("Change %(name)s's place", name=enrolment.user.name),
    )


@bp.route("/trainees/<enrolment_id>/transfer", methods=["GET", "POST"])
@roles_required(Role.HUB_ADMIN)
def transfer(enrolment_id: str):
    enrolment = enrolment_or_404(enrolment_id)
    form = TransferForm()
    others = [c for c in services.cohorts_for(current_user) if c.id != enrolment.cohort_id]
    form.cohort.choices = [SelectChoice("", _("Choose a cohort"))] + [
        SelectChoice(c.public_id, c.name) for c in others
    ]
    if form.validate_on_submit():
        target = next(c for c in others if c.public_id == form.cohort.data)
        with refusals() as refused:
            new = services.transfer(enrolment, target, form.reason.data, current_user)
        if refused:
            refused.onto(form, "cohort")
        else:
            flash(
                _(
                    "%(name)s has moved to %(cohort)s. Earlier work stays with the old place.",
                    name=enrolment.user.name,
                    cohort=target.name,
                ),
                "success",
            )
            return redirect(url_for("reports.trainee", enrolment_id=new.public_id))
    return render_template(
        "cohorts/transfer.html",
        enrolment=enrolment,
        form=form,
        title=_("Transfer %(name)s", name=enrolment.user.name),
    )
