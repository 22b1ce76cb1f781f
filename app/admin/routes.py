from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from app.admin import bp
from app.auth import services as accounts
from app.auth.access import roles_required
from app.auth.forms import InviteStaffForm
from app.auth.models import Role
from app.mail.services import outbox as outbox_messages
from app.organisations.services import all_organisations
from app.organisations.services import by_public_id as organisation_by_public_id


@bp.route("/people")
@roles_required(Role.HUB_ADMIN)
def people():
    return render_template("admin/people.html", users=accounts.all_people(), title="People")


@bp.route("/people/invite", methods=["GET", "POST"])
@roles_required(Role.HUB_ADMIN)
def invite_staff():
    form = InviteStaffForm()
    form.organisation.choices = [("", "None")] + [(o.public_id, o.name) for o in all_organisations()]
    if form.validate_on_submit():
        roles = {Role(value) for value in form.roles.data}
        organisation = organisation_by_public_id(form.organisation.data) if form.organisation.data else None
        if Role.ORG_MANAGER in roles and organisation is None:
            form.organisation.errors = ["Choose the organisation this person manages"]
        else:
            user = accounts.invite(
                form.email.data, form.name.data, roles, current_user, organisation=organisation
            )
            flash(f"{user.name} has been invited.", "success")
            return redirect(url_for(".people"))
    return render_template("admin/invite_staff.html", form=form, title="Invite a member of staff")


@bp.route("/outbox/")
@roles_required(Role.HUB_ADMIN)
def outbox():
    return render_template("admin/outbox.html", messages=outbox_messages(), title="Outbox")
