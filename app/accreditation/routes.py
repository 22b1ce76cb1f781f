"""The Hub's approval queue and credential administration, and the holder's own accreditation page."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.accreditation import credentials, ledger, services
from app.accreditation.eligibility import DECLARATIONS, evaluate
from app.accreditation.forms import (
    ApproveForm,
    CpdForm,
    DeclarationsForm,
    ReasonForm,
    ReinstateForm,
    RenewForm,
    RevokeForm,
)
from app.auth.access import roles_required
from app.auth.models import Role
from app.cohorts.models import Enrolment
from app.cohorts.services import by_public_id as cohort_by_public_id
from app.cohorts.services import current_enrolment
from app.database import db

bp = Blueprint("accreditation", __name__, url_prefix="/accreditation", template_folder="templates")

STATUS_FORMS = {"suspend": ReasonForm, "reinstate": ReinstateForm, "revoke": RevokeForm, "renew": RenewForm}


def _enrolment_or_404(public_id: str) -> Enrolment:
    enrolment = db.session.scalar(db.select(Enrolment).where(Enrolment.public_id == public_id))
    if enrolment is None:
        abort(404)
    return enrolment


def _credential_or_404(code: str):
    credential = services.by_typed_code(code)
    if credential is None:
        abort(404)
    return credential


@bp.route("/")
@roles_required(Role.HUB_ADMIN)
def index():
    return render_template(
        "accreditation/index.html",
        queue=services.approval_queue(),
        credentials=services.all_credentials(),
        chain=ledger.verify(),
        title="Accreditation",
    )


@bp.route("/enrolments/<public_id>", methods=["GET", "POST"])
@roles_required(Role.HUB_ADMIN)
def eligibility(public_id):
    enrolment = _enrolment_or_404(public_id)
    form = ApproveForm()
    problem = None
    if form.validate_on_submit():
        try:
            credential = services.approve(enrolment, form.note.data or "", current_user)
        except services.AccreditationError as error:
            db.session.rollback()
            problem = str(error)
        else:
            db.session.commit()
            flash(
                f"Approved. Credential {credential.code} has been issued to {enrolment.user.name}.", "success"
            )
            return redirect(url_for("accreditation.credential", code=credential.code))
    return render_template(
        "accreditation/eligibility.html",
        enrolment=enrolment,
        check=evaluate(enrolment),
        approval=services.approval_for(enrolment),
        form=form,
        problem=problem,
        title=f"Accreditation check: {enrolment.user.name}",
    )


@bp.route("/cohorts/<public_id>/approve-all", methods=["POST"])
@roles_required(Role.HUB_ADMIN)
def approve_cohort(public_id):
    """Approve every eligible trainee of one cohort, each in its own transaction."""
    cohort = cohort_by_public_id(public_id)
    if cohort is None:
        abort(404)
    form = ApproveForm()
    if not form.validate_on_submit():
        flash("Confirm that you have checked the evidence before approving a whole cohort.", "info")
        return redirect(url_for("accreditation.index"))
    issued = services.approve_all(cohort, form.note.data or "", current_user)
    flash(f"{len(issued)} credential{'s' if len(issued) != 1 else ''} issued for {cohort.name}.", "success")
    return redirect(url_for("accreditation.index"))


@bp.route("/credentials/<code>")
@roles_required(Role.HUB_ADMIN)
def credential(code):
    found = _credential_or_404(code)
    return _credential_page(
        found, {name: form_class(prefix=name) for name, form_class in STATUS_FORMS.items()}
    )


def _credential_page(found, forms: dict, problem: str | None = None, action: str | None = None):
    return render_template(
        "accreditation/credential.html",
        credential=found,
        events=ledger.events_for(found.code),
        forms=forms,
        renewal=services.renewal_check(found),
        renewed_by=services.renewed_by(found),
        problem=problem,
        problem_form=action,
        title=f"Credential {found.code}",
    )


@bp.route("/credentials/<code>/<action>", methods=["POST"])
@roles_required(Role.HUB_ADMIN)
def change(code, action):
    found = _credential_or_404(code)
    if action not in STATUS_FORMS:
        abort(404)
    forms = {name: form_class(prefix=name, formdata=None) for name, form_class in STATUS_FORMS.items()}
    form = forms[action] = STATUS_FORMS[action](prefix=action)
    problem = None
    if form.validate_on_submit():
        try:
            if action == "suspend":
                services.suspend(found, form.reason.data, current_user)
            elif action == "reinstate":
                services.reinstate(found, form.note.data or "", current_user)
            elif action == "revoke":
                services.revoke(found, form.reason.data, current_user)
            else:
                renewed = services.renew(found, form.supervisor_endorsed.data, current_user)
        except services.AccreditationError as error:
            db.session.rollback()
            problem = str(error)
        else:
            db.session.commit()
            if action == "renew":
                flash(f"Renewed: the new credential is {renewed.code}.", "success")
                return redirect(url_for("accreditation.credential", code=renewed.code))
            flash(f"Credential {found.code}: {action} recorded.", "success")
            return redirect(url_for("accreditation.credential", code=found.code))
    return _credential_page(found, forms, problem, action), 400 if problem or form.errors else 200


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
    enrolment = current_enrolment(current_user)
    held = services.for_holder(current_user)
    check = evaluate(enrolment) if enrolment and not held else None
    wanted = []
    if enrolment:
        wanted = enrolment.cohort.curriculum_version.accreditation_rule.get("requires", {}).get(
            "declarations", []
        )
    declarations_form = declarations_form or DeclarationsForm(prefix="declare", formdata=None)
    declarations_form.declarations.choices = _declaration_choices(wanted)
    return render_template(
        "accreditation/mine.html",
        enrolment=enrolment,
        check=check,
        held=held,
        confirmed=services.confirmed_declarations(enrolment) if enrolment else set(),
        declarations_form=declarations_form,
        cpd_form=cpd_form or CpdForm(prefix="cpd", formdata=None),
        cpd={c.id: services.cpd_entries(c) for c in held},
        renewal={c.id: services.renewal_check(c) for c in held},
        linkedin={c.id: linkedin_url(c) for c in held},
        title="My accreditation",
    ), status


@bp.route("/mine")
@roles_required(Role.TRAINEE)
def mine():
    return _mine()


@bp.route("/mine/declarations", methods=["POST"])
@roles_required(Role.TRAINEE)
def declare():
    enrolment = current_enrolment(current_user)
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
    services.confirm_declarations(enrolment, form.declarations.data, current_user)
    db.session.commit()
    flash("Thank you: your declarations are recorded.", "success")
    return redirect(url_for("accreditation.mine"))


@bp.route("/mine/<code>/cpd", methods=["POST"])
@roles_required(Role.TRAINEE)
def log_cpd(code):
    found = _credential_or_404(code)
    if found.holder_id != current_user.id:
        abort(404)
    form = CpdForm(prefix="cpd")
    if form.validate_on_submit():
        draft = services.CpdDraft(
            kind=form.kind.data,
            title=form.title.data,
            completed_on=form.completed_on.data,
            hours=form.hours.data,
            law_and_policy=form.law_and_policy.data,
        )
        try:
            services.log_cpd(found, draft, current_user)
        except services.AccreditationError as error:
            db.session.rollback()
            field, _, message = str(error).partition(": ")
            getattr(form, field, form.title).errors = [message or str(error)]
        else:
            db.session.commit()
            flash("CPD recorded.", "success")
            return redirect(url_for("accreditation.mine") + "#cpd")
    return _mine(cpd_form=form, status=400)
