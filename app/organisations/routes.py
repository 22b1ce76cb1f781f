from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from app.auth.access import roles_required
from app.auth.models import Role
from app.cohorts.services import enrolments_of_organisation
from app.database import db
from app.learning.services import completion_by_enrolment, lesson_totals
from app.organisations import services
from app.organisations.forms import OrganisationForm
from app.organisations.models import Nation, OrganisationKind

bp = Blueprint("organisations", __name__, url_prefix="/organisations", template_folder="templates")


@bp.route("/")
@roles_required(Role.HUB_ADMIN)
def index():
    return render_template(
        "organisations/index.html", organisations=services.all_organisations(), title="Host organisations"
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.HUB_ADMIN)
def new():
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            organisation = services.create_organisation(
                form.name.data,
                OrganisationKind(form.kind.data),
                Nation(form.nation.data),
                form.region.data,
                current_user,
            )
        except services.DuplicateName as problem:
            db.session.rollback()
            form.name.errors = [*form.name.errors, str(problem)]
        else:
            db.session.commit()
            flash(f"{organisation.name} has been added.", "success")
            return redirect(url_for(".index"))
    return render_template("organisations/new.html", form=form, title="Add a host organisation")


@bp.route("/mine")
@roles_required(Role.ORG_MANAGER)
def mine():
    """The organisation manager's view of the IMSAs their organisation employs."""
    organisation = current_user.organisation
    if organisation is None:
        abort(404)
    enrolments = enrolments_of_organisation(organisation.id)
    return render_template(
        "organisations/mine.html",
        organisation=organisation,
        enrolments=enrolments,
        completed=completion_by_enrolment([e.id for e in enrolments]),
        totals=lesson_totals({e.cohort.curriculum_version_id for e in enrolments}),
        title=organisation.name,
    )
