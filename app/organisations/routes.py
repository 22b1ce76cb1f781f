from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from app.auth.access import roles_required
from app.auth.models import Role
from app.i18n import gettext as _
from app.organisations import bp, services
from app.organisations.forms import OrganisationForm
from app.organisations.models import Nation, OrganisationKind
from app.web import refusals


@bp.route("/")
@roles_required(Role.HUB_ADMIN)
def index():
    return render_template(
        "organisations/index.html", organisations=services.all_organisations(), title=_("Host organisations")
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.HUB_ADMIN)
def new():
    form = OrganisationForm()
    if form.validate_on_submit():
        with refusals() as refused:
            organisation = services.create_organisation(
                form.name.data,
                OrganisationKind(form.kind.data),
                Nation(form.nation.data),
                form.region.data,
                current_user,
            )
        if refused:
            refused.onto(form, "name")
        else:
            flash(_("%(name)s has been added.", name=organisation.name), "success")
            return redirect(url_for(".index"))
    return render_template("organisations/new.html", form=form, title=_("Add a host organisation"))
