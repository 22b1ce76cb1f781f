"""Hub admin pages for curriculum versions (loading is done with `imsa curriculum load`)."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from app.auth.access import roles_required
from app.auth.models import Role
from app.curriculum import bp, services


@bp.route("/")
@roles_required(Role.HUB_ADMIN)
def index():
    return render_template("curriculum/index.html", versions=services.versions(), title="Curriculum versions")


@bp.route("/review-due")
@roles_required(Role.HUB_ADMIN)
def review_due():
    """Legal content whose review date has passed or is within 60 days, for each published version."""
    versions = services.published_versions()
    return render_template(
        "curriculum/review_due.html",
        sections=[(v, services.review_due(v)) for v in versions],
        title="Content due for legal review",
    )


@bp.route("/<content_hash>/publish", methods=["POST"])
@roles_required(Role.HUB_ADMIN)
def publish(content_hash: str):
    version = services.find_version(content_hash)
    if version is None or version.content_hash != content_hash:
        abort(404)
    services.publish(version, current_user)
    flash(f"Curriculum {version.label} is published and can no longer change.", "success")
    return redirect(url_for(".index"))
