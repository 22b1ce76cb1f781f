"""Progress and monitoring: what the Hub, trainers and organisation managers read across cohorts."""

from flask import Blueprint

from app.reports.wording import shown

bp = Blueprint("reports", __name__, template_folder="templates")
bp.add_app_template_filter(shown)

from app.reports import routes  # noqa: E402, F401
