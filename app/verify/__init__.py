"""The public side of accreditation: verification pages, the JSON API, keys and status lists."""

from flask import Blueprint

bp = Blueprint("verify", __name__, template_folder="templates")

from app.verify import routes  # noqa: E402,F401
