"""The start page (which sends each person to where their work is), navigation and /healthz."""

import logging

from flask import has_request_context, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth import policy
from app.auth.access import public, signed_in
from app.auth.models import Role
from app.cohorts.lookups import own_enrolment
from app.i18n import N_
from app.i18n import gettext as _
from app.site import bp, health

log = logging.getLogger("imsa.health")

# (label, endpoint, roles that see it, endpoints that show it as the current page); labels are translated
# when the navigation is drawn.
NAVIGATION = [
    (
        N_("My training"),
        "learning.dashboard",
        {Role.TRAINEE},
        ("learning.", "marking.receipt", "marking.my_considerations", "marking.request_consideration"),
    ),
    (
        N_("My accreditation"),
        "accreditation.mine",
        {Role.TRAINEE},
        ("accreditation.mine", "accreditation.module_records"),
    ),
    (
        N_("Cohorts"),
        "cohorts.index",
        {Role.HUB_ADMIN, Role.TRAINER},
        ("cohorts.", "reports.cohort", "reports.progress_matrix", "reports.trainee", "reports.contact_note"),
    ),
    (N_("Marking"), "marking.index", {Role.HUB_ADMIN, Role.TRAINER}, ("marking.",)),
    (
        N_("Accreditation"),
        "accreditation.index",
        {Role.HUB_ADMIN},
        (
            "accreditation.index",
            "accreditation.eligibility",
            "accreditation.credential",
            "accreditation.change",
        ),
    ),
    (
        N_("Examining and boards"),
        "assurance.index",
        {Role.HUB_ADMIN, Role.EXTERNAL_EXAMINER},
        ("assurance.",),
    ),
    (N_("People"), "admin.people", {Role.HUB_ADMIN}, ("admin.people", "admin.invite_staff")),
    (
        N_("Organisations"),
        "organisations.index",
        {Role.HUB_ADMIN},
        ("organisations.index", "organisations.new"),
    ),
    (N_("My organisation"), "reports.organisation", {Role.ORG_MANAGER}, ("reports.organisation",)),
    (N_("Reports"), "reports.index", {Role.HUB_ADMIN, Role.ORG_MANAGER}, ("reports.index",)),
    (N_("Curriculum"), "curriculum.index", {Role.HUB_ADMIN}, ("curriculum.",)),
    (N_("Outbox"), "admin.outbox", {Role.HUB_ADMIN}, ("admin.outbox",)),
    (N_("Audit trail"), "admin.audit", {Role.HUB_ADMIN}, ("admin.audit",)),
    (N_("Personal data"), "privacy.index", {Role.HUB_ADMIN}, ("privacy.",)),
    (N_("Account"), "auth.account", set(Role), ("auth.account",)),
]


@bp.app_context_processor
def navigation():
    if not has_request_context() or not current_user.is_authenticated:  # emails render without a request
        return {"nav_items": [], "viewer_is_hub_admin": False}
    current = request.endpoint or ""
    return {
        # Templates read this answer of the policy instead of checking roles themselves.
        "viewer_is_hub_admin": policy.is_hub_admin(current_user),
        "nav_items": [
            {"label": _(label), "href": url_for(endpoint), "active": current.startswith(sections)}
            for label, endpoint, roles, sections in NAVIGATION
            if current_user.has_role(*roles)
        ],
    }


@bp.route("/")
@signed_in
def home():
    if current_user.has_role(Role.TRAINEE) and own_enrolment():
        return redirect(url_for("learning.dashboard"))
    if current_user.has_role(Role.HUB_ADMIN, Role.TRAINER):
        return redirect(url_for("cohorts.index"))
    if current_user.has_role(Role.ORG_MANAGER):
        return redirect(url_for("reports.organisation"))
    if current_user.has_role(Role.EXTERNAL_EXAMINER):
        return redirect(url_for("assurance.index"))
    return render_template("site/nothing_yet.html", title=_("Welcome"))


@bp.route("/healthz")
@public
def healthz():
    """For load balancers: 200 when the database and the instance folder accept a write and the job queue
    answers, else 503.

    The answer names each check (``"ok"`` or ``"failed"``) and lists the failed ones; the reason is logged,
    not shown, as it can name files and servers. It also gives the job queue's backlog (``jobs_waiting``)
    and the age in seconds of the oldest waiting job (``jobs_oldest_queued_seconds``, null when none).
    """
    results, figures = health.run()
    failed = [name for name, error in results.items() if error is not None]
    for name in failed:
        log.warning(
            "health check %s failed: %s",
            name,
            health.describe(results[name]),
            extra={"check": name},
        )
    body = {"status": "unavailable" if failed else "ok"}
    body.update({name: "failed" if error is not None else "ok" for name, error in results.items()})
    body.update(figures)
    if failed:
        body["failed"] = failed
    return body, 503 if failed else 200
