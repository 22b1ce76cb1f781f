from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from app.admin import audit_trail, bp
from app.admin import outbox as outbox_changes
from app.admin.lookups import message_or_404
from app.auth import services as accounts
from app.auth.access import roles_required
from app.auth.forms import InviteStaffForm
from app.auth.models import Role
from app.i18n import gettext as _
from app.mail.services import outbox as outbox_messages
from app.organisations.services import all_organisations
from app.organisations.services import by_public_id as organisation_by_public_id


@bp.route("/people")
@roles_required(Role.HUB_ADMIN)
def people():
    return render_template("admin/people.html", users=accounts.all_people(), title=_("People"))


@bp.route("/people/invite", methods=["GET", "POST"])
@roles_required(Role.HUB_ADMIN)
def invite_staff():
    form = InviteStaffForm()
    form.organisation.choices = [SelectChoice("", _("None"))] + [
        SelectChoice(o.public_id, o.name) for o in all_organisations()
    ]
    if form.validate_on_submit():
        roles = {Role(value) for value in form.roles.data}
        organisation = organisation_by_public_id(form.organisation.data) if form.organisation.data else None
        if Role.ORG_MANAGER in roles and organisation is None:
            form.organisation.errors = [_("Choose the organisation this person manages")]
        else:
            user = accounts.invite(
                form.email.data, form.name.data, roles, current_user, organisation=organisation
            )
            flash(_("%(name)s has been invited.", name=user.name), "success")
            return redirect(url_for(".people"))
    return render_template("admin/invite_staff.html", form=form, title=_("Invite a member of staff"))


@bp.route("/outbox/")
@roles_required(Role.HUB_ADMIN)
def outbox():
    return render_template("admin/outbox.html", messages=outbox_messages(), title=_("Outbox"))


@bp.route("/outbox/<public_id>/retry", methods=["POST"])
@roles_required(Role.HUB_ADMIN)
def retry_message(public_id):
    """Queue a message that failed for good again; a second click finds it queued and changes nothing."""
    message = message_or_404(public_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    if outbox_changes.retry(message, current_user):
        flash(_("The email to %(email)s is queued to be sent again.", email=message.recipient), "success")
    else:
        flash(_("The email to %(email)s is already queued or sent.", email=message.recipient), "info")
    return redirect(url_for(".outbox") + f"#message-{message.public_id}")


@bp.route("/audit")
@roles_required(Role.HUB_ADMIN)
def audit():
    """The audit trail: every recorded change, filtered by who, what, subject and date, as a page or CSV."""
    filters, problems = audit_trail.Filters.from_args(request.args)
    if request.args.get("format") == "csv" and not problems:
        return Response(
            audit_trail.csv_of(filters),
            mimetype="text/csv",
            headers={"Content-Disposition": "attachment; filename=audit-trail.csv"},
        )
    page = request.args.get("page", 1, type=int)
    rows, total = audit_trail.page_of(filters, page) if not problems else ([], 0)
    query = {k: v for k, v in request.args.items() if k not in ("page", "format") and v}
    return render_template(
        "admin/audit.html",
        rows=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // audit_trail.PAGE_SIZE)),
        filters=filters,
        typed=request.args,
        problems=problems,
        actions=audit_trail.actions(),
        page_url=lambda n: url_for(".audit", page=n, **query),
        csv_url=url_for(".audit", format="csv", **query),
        title=_("Audit trail"),
    )
