from flask import Response, render_template
from flask_login import current_user

from app.auth.access import roles_required
from app.auth.models import Role
from app.i18n import gettext as _
from app.privacy import bp
from app.privacy.erasure import KEPT, erase
from app.privacy.export import export_zip
from app.privacy.forms import EraseForm, PersonForm
from app.privacy.lookups import person_by_email
from app.web import refusals


def _page(export_form=None, erase_form=None, erasure=None, status=200):
    return render_template(
        "privacy/index.html",
        export_form=export_form or PersonForm(prefix="export", formdata=None),
        erase_form=erase_form or EraseForm(prefix="erase", formdata=None),
        erasure=erasure,
        kept=KEPT,
        title=_("Personal data requests"),
    ), status


@bp.route("/")
@roles_required(Role.HUB_ADMIN)
def index():
    return _page()


@bp.route("/export", methods=["POST"])
@roles_required(Role.HUB_ADMIN)
def export():
    """Download the ZIP of everything held about a person (a subject-access request)."""
    form = PersonForm(prefix="export")
    if form.validate_on_submit():
        with refusals() as refused:
            user = person_by_email(form.email.data)
            data = export_zip(user, current_user)
        if not refused:
            return Response(
                data,
                mimetype="application/zip",
                headers={"Content-Disposition": f"attachment; filename=personal-data-{user.public_id}.zip"},
            )
        refused.onto(form, "email")
    return _page(export_form=form)


@bp.route("/erase", methods=["POST"])
@roles_required(Role.HUB_ADMIN)
def erase_person():
    """Pseudonymise a person everywhere; the page says what was kept and why (a repeat changes nothing)."""
    form = EraseForm(prefix="erase")
    if form.validate_on_submit():
        with refusals() as refused:
            # A double-click's second request finds no one: the first has already changed the address.
            person = person_by_email(
                form.email.data, after=_("If you have just erased it, the erasure is done.")
            )
            erasure = erase(person, current_user)
        if not refused:
            return _page(erasure=erasure)
        refused.onto(form, "email")
    return _page(erase_form=form)
