"""The start page, navigation and /healthz."""

from flask import Blueprint

bp = Blueprint("site", __name__, template_folder="templates")

from app.site import routes  # noqa: E402, F401
