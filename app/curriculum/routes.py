"""Hub admin pages for curriculum versions (loading is done with `imsa curriculum load`)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.access import roles_required
from app.auth.models import Role
from app.curriculum import bp, services
from app.i18n import gettext as _
from app.web import refusals

# The period the Hub page previews before withholding is turned on.
DEFAULT_OVERDUE_DAYS = 90


@bp.route("/")
@roles_required(Role.HUB_ADMIN)
def index():
    return render_template(
        "curriculum/index.html", versions=services.versions(), title=_("Curriculum versions")
    )


def _review_page(typed: str | None = None, error: tuple[int, str] | None = None, status: int = 200):
    """The page for every published version; ``typed`` is the number of days typed (kept when refused),
    ``error`` the refused version's id and the message shown on its field."""
    days = int(typed) if typed and typed.strip().isdigit() else None
    versions = services.published_versions()
    if typed is not None and days is None and error is None and versions:
        error = (versions[0].id, _("Enter the number of days as a whole number, like %(days)s", days=90))
    sections = []
    for version in versions:
        setting = services.withholding(version)
        shown = days if days is not None and days <= services.MAX_OVERDUE_DAYS else None
        shown = shown if shown is not None else (setting.overdue_days if setting else DEFAULT_OVERDUE_DAYS)
        sections.append(
            (
                version,
                services.review_overview(version),
                setting,
                services.preview_withholding(version, shown),
            )
        )
    page = render_template(
        "curriculum/review_due.html",
        sections=sections,
        typed=typed,
        error=error,
        title=_("Content due for legal review"),
    )
    return page, status


@bp.route("/review-due")
@roles_required(Role.HUB_ADMIN)
def review_due():
    """Legal content by review state and module, for each published version, with the setting that
    withholds long-overdue quiz questions from new draws and how many it would withhold."""
    return _review_page(request.args.get("overdue_days"))


@bp.route("/<content_hash>/withholding", methods=["POST"])
@roles_required(Role.HUB_ADMIN)
def withholding(content_hash: str):
    version = services.find_version(content_hash)
    if version is None or version.content_hash != content_hash or not version.is_published:
        abort(404)
    turn_on = request.form.get("action") == "on"
    typed = (request.form.get("overdue_days") or "").strip()
    with refusals() as refused:
        if turn_on and not typed.isdigit():
            raise services.WithholdingRefused(
                _("Enter the number of days as a whole number, like %(days)s", days=90), field="overdue_days"
            )
        services.set_withholding(version, int(typed) if turn_on else None, current_user)
    if refused:
        return _review_page(typed, (version.id, refused.message), status=400)
    if turn_on:
        flash(
            _(
                "Questions overdue for review by more than %(days)s days are left out of new quiz attempts.",
                days=typed,
            ),
            "success",
        )
    else:
        flash(_("Withholding is off: new quiz attempts draw from every question."), "success")
    return redirect(url_for(".review_due") + f"#withholding-{version.short_hash}")


@bp.route("/<content_hash>/publish", methods=["POST"])
@roles_required(Role.HUB_ADMIN)
def publish(content_hash: str):
    version = services.find_version(content_hash)
    if version is None or version.content_hash != content_hash:
        abort(404)
    services.publish(version, current_user)
    flash(
        _("Curriculum %(version)s is published and can no longer change.", version=version.label), "success"
    )
    return redirect(url_for(".index"))
