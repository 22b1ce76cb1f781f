"""Hub admin pages for cohorts, enrolments and people; trainers see their own cohorts."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.auth.access import roles_required
from app.auth.models import Role
from app.cohorts import bp, services
from app.cohorts.forms import CohortForm, InviteTraineeForm, StaffForm
from app.cohorts.lookups import cohort_or_404
from app.curriculum.services import published_versions
from app.i18n import LANGUAGES
from app.i18n import gettext as _
from app.organisations.services import all_organisations
from app.organisations.services import by_public_id as organisation_by_public_id
from app.web import refusals


@bp.route("/")
@roles_required(Role.HUB_ADMIN, Role.TRAINER)
def index():
    return render_template(
        "cohorts/index.html",
        cohorts=services.cohorts_for(current_user),
        counts=services.enrolment_counts(),
        title=_("Cohorts"),
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.HUB_ADMIN)
def new():
    form = CohortForm()
    versions = published_versions()
    form.curriculum_version.choices = [SelectChoice("", _("Choose a version"))] + [
        SelectChoice(v.content_hash, f"{v.label} – {v.title} ({v.short_hash})") for v in versions
    ]
    form.trainers.choices = [SelectChoice(t.public_id, f"{t.name} ({t.email})") for t in services.trainers()]
    form.lead_trainer.choices = [SelectChoice("", _("None"))] + [
        SelectChoice(t.public_id, t.name) for t in services.trainers()
    ]
    if form.validate_on_submit():
        version = next(v for v in versions if v.content_hash == form.curriculum_version.data)
        chosen = [t for t in services.trainers() if t.public_id in form.trainers.data]
        with refusals() as refused:
            cohort = services.create_cohort(
                form.name.data,
                version,
                form.starts_on.data,
                form.ends_on.data,
                chosen,
                current_user,
                lead_trainer=next((t for t in chosen if t.public_id == form.lead_trainer.data), None)
                if form.lead_trainer.data
                else None,
                anonymous_marking=form.anonymous_marking.data,
                allocation=form.allocation.data,
                trainers_required=True,
            )
        if refused:
            refused.onto(form, "name")
        else:
            flash(_("%(cohort)s has been created.", cohort=cohort.name), "success")
            return redirect(url_for("reports.cohort", public_id=cohort.public_id))
    return render_template(
        "cohorts/new.html", form=form, has_versions=bool(versions), title=_("Create a cohort")
    )


@bp.route("/<public_id>/staff", methods=["GET", "POST"])
@roles_required(Role.HUB_ADMIN)
def staff(public_id: str):
    """Add and remove a cohort's trainers and change its lead after creation."""
    cohort = cohort_or_404(public_id)
    everyone = services.trainers()
    form = StaffForm()
    form.trainers.choices = [SelectChoice(t.public_id, f"{t.name} ({t.email})") for t in everyone]
    form.lead_trainer.choices = [SelectChoice("", _("None"))] + [
        SelectChoice(t.public_id, t.name) for t in everyone
    ]
    if request.method == "GET":
        form.trainers.data = [t.public_id for t in cohort.trainers]
        form.lead_trainer.data = cohort.lead_trainer.public_id if cohort.lead_trainer else ""
    if form.validate_on_submit():
        chosen = [t for t in everyone if t.public_id in (form.trainers.data or [])]
        lead = next((t for t in everyone if t.public_id == form.lead_trainer.data), None)
        with refusals() as refused:
            services.change_staff(cohort, chosen, lead, current_user)
        if refused:
            refused.onto(form, "trainers")
        else:
            flash(_("The staff of %(cohort)s have been saved.", cohort=cohort.name), "success")
            return redirect(url_for("reports.cohort", public_id=cohort.public_id))
    return render_template(
        "cohorts/staff.html",
        form=form,
        cohort=cohort,
        title=_("Cohort staff: %(cohort)s", cohort=cohort.name),
    )


@bp.route("/<public_id>/invite", methods=["GET", "POST"])
@roles_required(Role.HUB_ADMIN)
def invite(public_id: str):
    cohort = cohort_or_404(public_id)
    form = InviteTraineeForm()
    organisations = all_organisations()
    form.organisation.choices = [SelectChoice("", _("Choose an organisation"))] + [
        SelectChoice(o.public_id, o.name) for o in organisations
    ]
    if form.validate_on_submit():
        organisation = organisation_by_public_id(form.organisation.data)
        with refusals() as refused:
            enrolment = services.invite_trainee(
                cohort,
                form.email.data,
                form.name.data,
                organisation,
                current_user,
                existing_confirmed=form.confirm_existing.data,
                language=form.language.data if form.language.data in LANGUAGES else None,
            )
        if refused:
            refused.onto(form, "email")
        else:
            flash(
                _(
                    "%(name)s is enrolled in %(cohort)s and has been sent an invitation.",
                    name=enrolment.user.name,
                    cohort=cohort.name,
                ),
                "success",
            )
            return redirect(url_for("reports.cohort", public_id=cohort.public_id))
    return render_template(
        "cohorts/invite.html",
        form=form,
        asks_to_confirm=bool(form.confirm_existing.errors),
        cohort=cohort,
        has_organisations=bool(organisations),
        title=_("Invite a trainee to %(cohort)s", cohort=cohort.name),
    )
