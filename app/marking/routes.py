"""The trainer's side: reviewing portfolio evidence and granting extensions (rubric marking arrives
with the marking capability)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.access import roles_required
from app.auth.models import Role
from app.cohorts.services import cohorts_for, enrolments_in
from app.database import db
from app.learning import assignments, portfolio
from app.learning.forms import kind_label
from app.marking.forms import ExtensionForm

bp = Blueprint("marking", __name__, url_prefix="/marking", template_folder="templates")


@bp.route("/portfolio")
@roles_required(Role.TRAINER, Role.HUB_ADMIN)
def portfolio_queue():
    cohort_ids = [c.id for c in cohorts_for(current_user)]
    return render_template(
        "marking/portfolio.html",
        entries=portfolio.waiting_for_review(current_user, cohort_ids),
        kind_label=kind_label,
        title="Portfolio evidence to review",
    )


@bp.route("/portfolio/<entry_id>", methods=["POST"])
@roles_required(Role.TRAINER, Role.HUB_ADMIN)
def review_evidence(entry_id: str):
    entry = portfolio.entry_by_public_id(entry_id)
    if entry is None:
        abort(404)
    try:
        portfolio.review_entry(
            entry, request.form.get("decision") == "verify", request.form.get("comment", ""), current_user
        )
    except portfolio.EvidenceRefused as refusal:
        db.session.rollback()
        flash(str(refusal), "info")
        return redirect(url_for(".portfolio_queue"))
    db.session.commit()
    flash(
        "The evidence has been " + ("verified." if entry.status.value == "verified" else "returned."),
        "success",
    )
    return redirect(url_for(".portfolio_queue"))


@bp.route("/extensions/new", methods=["GET", "POST"])
@roles_required(Role.TRAINER, Role.HUB_ADMIN)
def grant_extension():
    form = ExtensionForm()
    cohorts = cohorts_for(current_user)
    enrolments = {e.public_id: e for c in cohorts for e in enrolments_in(c)}
    works = {
        f"{c.id}-{m.assignment.id}": (c, m.assignment)
        for c in cohorts
        for m in c.curriculum_version.modules
        if m.assignment
    }
    form.enrolment.choices = [("", "Choose a trainee")] + [
        (pid, f"{e.user.name} ({e.cohort.name})") for pid, e in enrolments.items()
    ]
    form.assignment.choices = [("", "Choose an assignment")] + [
        (key, f"{a.module.code}: {a.title} ({c.name})") for key, (c, a) in works.items()
    ]
    if form.validate_on_submit():
        enrolment = enrolments[form.enrolment.data]
        cohort, assignment = works[form.assignment.data]
        if cohort.id != enrolment.cohort_id:
            form.assignment.errors = ["Choose an assignment from the trainee's own cohort"]
        else:
            try:
                assignments.grant_extension(
                    enrolment, assignment, form.due_on.data, form.reason.data, current_user
                )
            except assignments.SubmissionRefused as refusal:
                db.session.rollback()
                form.due_on.errors = [str(refusal)]
            else:
                db.session.commit()
                flash(f"{enrolment.user.name} now has until {form.due_on.data:%-d %B %Y}.", "success")
                return redirect(url_for("cohorts.detail", public_id=enrolment.cohort.public_id))
    return render_template("marking/extension.html", form=form, title="Grant an extension")
