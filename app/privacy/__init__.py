"""Personal data: a person's subject-access export, their erasure, and the retention schedule.

It reads every capability below it (accounts, learning, marking, assurance, accreditation), so it sits with
the other cross-cutting pages above them.
"""

from flask import Blueprint

bp = Blueprint("privacy", __name__, template_folder="templates", url_prefix="/privacy")

from app.privacy import routes  # noqa: E402, F401
