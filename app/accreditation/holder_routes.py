"""The holder's own accreditation page: eligibility, declarations, credentials held, CPD and sharing."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.accreditation import bp, credentials, renewal
from app.accreditation.declarations import confirm_declarations, confirmed_declarations
from app.accreditation.eligibility import DECLARATIONS, evaluate
from app.accreditation.forms import CpdForm, DeclarationsForm
from app.accreditation.lookups import credential_or_404, for_holder
from app.accreditation.standing import standing
from app.auth.access import roles_required
from app.auth.models import Role
from app.cohorts.lookups import own_enrolment
from app.web import refusals


def linkedin_url(credential) -> str:
    """LinkedIn's "Add licence or certification" link, filled in from the credential."""
    base = current_app.config["IMSA_BASE_URL"].rstrip("/")
    query = {
        "startTask": "CERTIFICATION_NAME",
        "name": credentials.unverified_payload(credential.jws)["name"],
        "organizationName": current_app.config["IMSA_ISSUER_NAME"],
        "issueYear": credential.awarded_on.year,
        "issueMonth": credential.awarded_on.month,
        "expirationYear": credential.valid_until.year,
        "expirationMonth": credential.valid_until.month,
        "certUrl": f"{base}/verify/{credential.code}",
        "certId": credential.code,
    }
    return "https://www.linkedin.com/profile/add?" + urlencode(query)


def _declaration_choices(keys: list[str]) -> list[SelectChoice]:
    return [SelectChoice(key, DECLARATIONS.get(key, key)) for key in keys]


def _mine(declarations_form=None, cpd_form=None, status=200):
    enrolment = own_enrolment()
    held = for_holder(current_user)
    check = evaluate(enrolment) if enrolment and not held else None
    wanted = []
    if enrolment:
        wanted = enrolment.cohort.curriculum_version.accreditation_rule.get("requires", {}).get(
            "declarations", []
        )
    # Where each credential stands decides what the page offers: only a valid one can be shared.
    standings = {c.id: standing(c) for c in held}
    declarations_form = declarations_form or DeclarationsForm(prefix="declare", formdata=None)
    declarations_form.declarations.choices = _declaration_choices(wanted)
    return render_template(
        "accreditation/mine.html",
        enrolment=enrolment,
        check=check,
        held=held,
        confirmed=confirmed_declarations(enrolment) if enrolment else set(),
        declarations_form=declarations_form,
        cpd_form=cpd_form or CpdForm(prefix="cpd", formdata=None),
        cpd={c.id: renewal.cpd_entries(c) for c in held},
        renewal={c.id: renewal.renewal_check(c) for c in held},
        standings=standings,
        renewed_by={c.id: renewal.renewed_by(c) for c in held if not standings[c.id].current},
        linkedin={c.id: linkedin_url(c) for c in held if standings[c.id].current},
        title="My accreditation",
    ), status


@bp.route("/mine")
@roles_required(Role.TRAINEE)
def mine():
    return _mine()


@bp.route("/mine/declarations", methods=["POST"])
@roles_required(Role.TRAINEE)
def declare():
    enrolment = own_enrolment()
    if enrolment is None:
        abort(404)
    form = DeclarationsForm(prefix="declare")
    wanted = enrolment.cohort.curriculum_version.accreditation_rule.get("requires", {}).get(
        "declarations", []
    )
    form.declarations.choices = _declaration_choices(wanted)
    if not form.validate_on_submit() or not form.declarations.data:
        form.declarations.errors = ["Tick each declaration you can make"]
        return _mine(declarations_form=form, status=400)
    confirm_declarations(enrolment, form.declarations.data, current_user)
    flash("Thank you: your declarations are recorded.", "success")
    return redirect(url_for("accreditation.mine"))


@bp.route("/mine/<code>/cpd", methods=["POST"])
@roles_required(Role.TRAINEE)
def log_cpd(code):
    found = credential_or_404(code)
    if found.holder_id != current_user.id:
        abort(404)
    form = CpdForm(prefix="cpd")
    if form.validate_on_submit():
        draft = renewal.CpdDraft(
            kind=form.kind.data,
            title=form.title.data,
            completed_on=form.completed_on.data,
            hours=form.hours.data,
            law_and_policy=form.law_and_policy.data,
        )
        with refusals() as outcome:
            renewal.log_cpd(found, draft, current_user)
        if not outcome:
            flash("CPD recorded.", "success")
            return redirect(url_for("accreditation.mine") + "#cpd")
        outcome.onto(form, "title")
    return _mine(cpd_form=form, status=400)
