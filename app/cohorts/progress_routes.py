"""Cohort set-up and progress pages: the schedule, bulk enrolment from CSV, the progress matrix, and the
trainee record with its contact notes and status changes. Registered on the cohorts blueprint."""

from __future__ import annotations

from datetime import date

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.access import roles_required
from app.auth.models import Role
from app.cohorts import importing, progress, record, services
from app.cohorts.forms import ContactNoteForm, ImportForm, StatusForm, TransferForm
from app.cohorts.routes import _cohort_or_404, bp
from app.database import db
from app.organisations.models import Nation
from app.templating import today_in_london

STAFF = (Role.HUB_ADMIN, Role.TRAINER)


def _enrolment_or_404(enrolment_id: str):
    """The enrolment, if the signed-in person may see it. Anyone else gets 404, as if it did not exist:
    a trainee's record is not confirmed to people outside their cohort or organisation."""
    enrolment = services.enrolment_by_public_id(enrolment_id)
    if enrolment is None or not services.can_see_enrolment(enrolment, current_user):
        abort(404)
    return enrolment


# --- the progress matrix


@bp.route("/<public_id>/progress")
@roles_required(*STAFF)
def progress_matrix(public_id: str):
    cohort = _cohort_or_404(public_id)
    args = request.args
    sort = args.get("sort") if args.get("sort") in progress.SORTS else "name"
    data = progress.matrix(
        cohort,
        today_in_london(),
        organisation=args.get("organisation") or None,
        nation=args.get("nation") or None,
        status=args.get("status") or None,
        sort=sort,
        page=args.get("page", 1, type=int),
    )
    if args.get("format") == "csv":
        return Response(
            progress.matrix_csv(data),
            mimetype="text/csv",
            headers={"Content-Disposition": f"attachment; filename=progress-{cohort.public_id}.csv"},
        )
    filters = {k: args.get(k, "") for k in ("organisation", "nation", "status")}
    return render_template(
        "cohorts/progress.html",
        cohort=cohort,
        data=data,
        filters=filters,
        sort=sort,
        sorts=progress.SORTS,
        statuses=progress.STATUS_FILTERS,
        nations=list(Nation),
        csv_url=url_for(".progress_matrix", public_id=public_id, format="csv", sort=sort, **filters),
        page_url=lambda n: url_for(".progress_matrix", public_id=public_id, sort=sort, page=n, **filters),
        title=f"Progress: {cohort.name}",
    )


# --- the module schedule


@bp.route("/<public_id>/schedule", methods=["GET", "POST"])
@roles_required(Role.HUB_ADMIN)
def schedule(public_id: str):
    cohort = _cohort_or_404(public_id)
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
                errors[f"opens-{m.id}"] = f"{m.code}: enter a real opening date"
                continue
            try:
                due = date.fromisoformat(typed[m.id]["due"])
            except ValueError:
                errors[f"due-{m.id}"] = f"{m.code}: enter a real due date"
                continue
            if due < opens:
                errors[f"due-{m.id}"] = f"{m.code}: the due date must be on or after the opening date"
                continue
            dates[m.id] = (opens, due)
        if not errors:
            services.update_schedule(cohort, dates, current_user)
            db.session.commit()
            flash("The schedule has been saved.", "success")
            return redirect(url_for(".detail", public_id=public_id))
    return render_template(
        "cohorts/schedule.html",
        cohort=cohort,
        modules=modules,
        typed=typed,
        errors=errors,
        title=f"Module schedule: {cohort.name}",
    )


# --- bulk enrolment from a CSV file


@bp.route("/<public_id>/import", methods=["GET", "POST"])
@roles_required(Role.HUB_ADMIN)
def import_trainees(public_id: str):
    cohort = _cohort_or_404(public_id)
    form = ImportForm()
    checked, text = None, ""
    if form.validate_on_submit():
        upload = form.upload.data
        if upload is not None and getattr(upload, "filename", ""):
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                checked = importing.Preview(
                    problems=[importing.Problem(1, "the file is not UTF-8 text: save it as “CSV UTF-8”")]
                )
        else:
            text = (form.rows.data or "").replace("\r\n", "\n")
        if checked is None and request.form.get("action") == "confirm":
            try:
                enrolled = importing.import_trainees(cohort, text, current_user)
            except importing.ImportRefused as refused:
                db.session.rollback()
                checked = importing.Preview(problems=refused.problems)
            else:
                db.session.commit()
                flash(
                    f"{len(enrolled)} trainee{'s' if len(enrolled) != 1 else ''} enrolled in {cohort.name}; "
                    "invitations have been sent.",
                    "success",
                )
                return redirect(url_for(".progress_matrix", public_id=public_id))
        elif checked is None:
            checked = importing.preview(cohort, text)
        form.rows.data = text
    return render_template(
        "cohorts/import.html",
        cohort=cohort,
        form=form,
        checked=checked,
        text=text,
        title=f"Enrol trainees from a file: {cohort.name}",
    )


# --- the trainee record


@bp.route("/trainees/<enrolment_id>")
@roles_required(Role.HUB_ADMIN, Role.TRAINER, Role.ORG_MANAGER)
def trainee(enrolment_id: str):
    enrolment = _enrolment_or_404(enrolment_id)
    return _record_page(enrolment, ContactNoteForm(formdata=None, contacted_on=today_in_london()))


def _record_page(enrolment, note_form):
    return render_template(
        "cohorts/trainee.html",
        record=record.build(enrolment, current_user, today_in_london()),
        note_form=note_form,
        is_staff=current_user.has_role(Role.HUB_ADMIN) or current_user in enrolment.cohort.trainers,
        is_hub=current_user.has_role(Role.HUB_ADMIN),
        form=note_form,
        title=f"{enrolment.user.name}: trainee record",
    )


@bp.route("/trainees/<enrolment_id>/notes", methods=["POST"])
@roles_required(*STAFF)
def contact_note(enrolment_id: str):
    enrolment = _enrolment_or_404(enrolment_id)
    form = ContactNoteForm()
    if form.validate_on_submit():
        try:
            services.add_contact_note(enrolment, form.contacted_on.data, form.agreed.data, current_user)
        except services.CohortError as problem:
            db.session.rollback()
            form.agreed.errors = [*form.agreed.errors, str(problem)]
        else:
            db.session.commit()
            flash("The contact note has been saved.", "success")
            return redirect(url_for(".trainee", enrolment_id=enrolment_id) + "#notes")
    return _record_page(enrolment, form)


@bp.route("/trainees/<enrolment_id>/status", methods=["GET", "POST"])
@roles_required(Role.HUB_ADMIN)
def enrolment_status(enrolment_id: str):
    enrolment = _enrolment_or_404(enrolment_id)
    form = StatusForm()
    if form.validate_on_submit():
        try:
            services.change_status(enrolment, form.move.data, form.reason.data, current_user)
        except services.CohortError as problem:
            db.session.rollback()
            form.move.errors = [*form.move.errors, str(problem)]
        else:
            db.session.commit()
            flash(f"{enrolment.user.name} is now {enrolment.status.label.lower()}.", "success")
            return redirect(url_for(".trainee", enrolment_id=enrolment_id))
    return render_template(
        "cohorts/status.html", enrolment=enrolment, form=form, title=f"Change {enrolment.user.name}'s place"
    )


@bp.route("/trainees/<enrolment_id>/transfer", methods=["GET", "POST"])
@roles_required(Role.HUB_ADMIN)
def transfer(enrolment_id: str):
    enrolment = _enrolment_or_404(enrolment_id)
    form = TransferForm()
    others = [c for c in services.cohorts_for(current_user) if c.id != enrolment.cohort_id]
    form.cohort.choices = [("", "Choose a cohort")] + [(c.public_id, c.name) for c in others]
    if form.validate_on_submit():
        target = next(c for c in others if c.public_id == form.cohort.data)
        try:
            new = services.transfer(enrolment, target, form.reason.data, current_user)
        except services.CohortError as problem:
            db.session.rollback()
            form.cohort.errors = [*form.cohort.errors, str(problem)]
        else:
            db.session.commit()
            flash(
                f"{enrolment.user.name} has moved to {target.name}. Earlier work stays with the old place.",
                "success",
            )
            return redirect(url_for(".trainee", enrolment_id=new.public_id))
    return render_template(
        "cohorts/transfer.html", enrolment=enrolment, form=form, title=f"Transfer {enrolment.user.name}"
    )
