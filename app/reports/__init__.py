"""Progress and monitoring: what the Hub, trainers and organisation managers read across cohorts."""

from flask import Blueprint

bp = Blueprint("reports", __name__, template_folder="templates")

from app.reports import routes  # noqa: E402, F401
