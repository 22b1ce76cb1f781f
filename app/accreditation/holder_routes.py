"""The holder's own accreditation page: eligibility, declarations, credentials held, CPD and sharing."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.accreditation import bp, corrections, credentials, renewal, sharing
from app.accreditation.declarations import confirm_declarations, confirmed_declarations
from app.accreditation.eligibility import declaration_text, evaluate
from app.accreditation.forms import (
    CpdForm,
    DeclarationsForm,
    NameChangeForm,
    PublicPageForm,
    ShareLinkForm,
)
from app.accreditation.lookups import credential_or_404, for_holder, share_link_or_404
from app.accreditation.standing import standing
from app.auth.access import roles_required
from app.auth.models import Role
from app.cohorts.lookups import own_enrolment
from app.i18n import gettext as _
from app.templating import long_date
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
    organisation = current_app.config["IMSA_LINKEDIN_ORGANIZATION_ID"]
    if organisation:  # LinkedIn then links the entry to the issuer's company page
        query["organizationId"] = organisation
    return "https://www.linkedin.com/profile/add?" + urlencode(query)


def _declaration_choices(keys: list[str]) -> list[SelectChoice]:
    return [SelectChoice(key, declaration_text(key)) for key in keys]


def _controls(held, standings, forms: dict) -> dict:
    """The holder's controls, for the one credential they apply to: the newest that is not revoked or
    replaced (the others' codes already answer revoked or replaced)."""
    current = next((c for c in held if not (standings[c.id].revoked or standings[c.id].replaced)), None)
    if current is None:
        return {"controlled": None}
    public_form = forms.get("public_form") or PublicPageForm(prefix="page", formdata=None)
    if public_form.public.data is None:
        public_form.public.data = "on" if current.public_page else "off"
    return {
        "controlled": current,
        "public_form": public_form,
        "share_form": forms.get("share_form") or ShareLinkForm(prefix="share", formdata=None),
        "name_form": forms.get("name_form") or NameChangeForm(prefix="name", formdata=None),
        "share_links": sharing.share_links(current),
        "name_change": corrections.latest_for(current),
    }


def _mine(declarations_form=None, cpd_form=None, status=200, **forms):
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
        replaced_by={c.id: c.replaced_by for c in held if c.replaced_at},
        **_controls(held, standings, forms),
        title=_("My accreditation"),
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
        form.declarations.errors = [_("Tick each declaration you can make")]
        return _mine(declarations_form=form, status=400)
    confirm_declarations(enrolment, form.declarations.data, current_user)
    flash(_("Thank you: your declarations are recorded."), "success")
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
            flash(_("CPD recorded."), "success")
            return redirect(url_for("accreditation.mine") + "#cpd")
        outcome.onto(form, "title")
    return _mine(cpd_form=form, status=400)


def _own_credential(code):
    found = credential_or_404(code)
    if found.holder_id != current_user.id:
        abort(404)
    return found


@bp.route("/mine/<code>/public-page", methods=["POST"])
@roles_required(Role.TRAINEE)
def public_page(code):
    found = _own_credential(code)
    form = PublicPageForm(prefix="page")
    if not form.validate_on_submit():
        return _mine(public_form=form, status=400)
    sharing.set_public_page(found, form.public.data == "on", current_user)
    if found.public_page:
        flash(_("Your public page is on: anyone with your code can check your accreditation."), "success")
    else:
        flash(_("Your public page is off: your code now says your record is private."), "success")
    return redirect(url_for("accreditation.mine") + "#holder-controls")


@bp.route("/mine/<code>/share-links", methods=["POST"])
@roles_required(Role.TRAINEE)
def create_share_link(code):
    found = _own_credential(code)
    form = ShareLinkForm(prefix="share")
    if form.validate_on_submit():
        with refusals() as outcome:
            link = sharing.create_share_link(found, form.days.data, current_user)
        if not outcome:
            until = long_date(link.expires_at.date())  # as the list of links says it
            flash(_("Share link made: it works until %(date)s.", date=until), "success")
            return redirect(url_for("accreditation.mine") + "#share-links")
        outcome.onto(form, "days")
    return _mine(share_form=form, status=400)


@bp.route("/mine/share-links/<token>/revoke", methods=["POST"])
@roles_required(Role.TRAINEE)
def revoke_share_link(token):
    link = share_link_or_404(token)
    if link.credential.holder_id != current_user.id:
        abort(404)
    sharing.revoke_share_link(link, current_user)
    flash(_("That share link no longer works."), "success")
    return redirect(url_for("accreditation.mine") + "#share-links")


@bp.route("/mine/<code>/name-change", methods=["POST"])
@roles_required(Role.TRAINEE)
def request_name_change(code):
    found = _own_credential(code)
    form = NameChangeForm(prefix="name")
    if form.validate_on_submit():
        with refusals() as outcome:
            corrections.request_name_change(found, form.new_name.data, form.reason.data, current_user)
        if not outcome:
            flash(
                _("Your request is with the IMSA® Model Hub. We will email you when it is decided."),
                "success",
            )
            return redirect(url_for("accreditation.mine") + "#name-change")
        outcome.onto(form, "new_name")
    return _mine(name_form=form, status=400)
