"""The trainee's supervised-practice portfolio: log evidence and see totals against each requirement."""

from decimal import Decimal, InvalidOperation

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.auth.access import roles_required
from app.auth.models import Role
from app.i18n import gettext as _
from app.learning import bp, portfolio
from app.learning.forms import EvidenceForm, kind_label
from app.learning.lookups import enrolment_and_module
from app.web import refusals


@bp.route("/<module_slug>/portfolio", methods=["GET", "POST"])
@roles_required(Role.TRAINEE)
def portfolio_page(module_slug: str):
    enrolment, module = enrolment_and_module(module_slug)
    if not module.portfolio_requirements:
        abort(404)
    form = EvidenceForm()
    form.kind.choices = [SelectChoice("", _("Choose a kind"))] + [
        SelectChoice(k, kind_label(k)) for k in portfolio.kinds(module)
    ]
    if form.validate_on_submit():
        try:
            hours = Decimal(form.hours.data.strip()) if (form.hours.data or "").strip() else None
        except InvalidOperation:
            form.hours.errors = [_("Enter the hours as a number, for example 1.5")]
        else:
            with refusals() as refused:
                portfolio.log_entry(
                    enrolment,
                    module,
                    form.kind.data,
                    form.occurred_on.data,
                    hours,
                    form.description.data,
                    current_user,
                )
            if refused:
                refused.onto(form)
            else:
                flash(
                    _("Your evidence has been logged and is waiting for your trainer to review it."),
                    "success",
                )
                return redirect(url_for(".portfolio_page", module_slug=module.slug))
    logged = portfolio.entries(enrolment, module)
    return render_template(
        "learning/portfolio.html",
        module=module,
        form=form,
        entries=logged,
        totals=portfolio.totals(module, logged),
        kind_label=kind_label,
        title=_("%(code)s portfolio", code=module.code),
    )
