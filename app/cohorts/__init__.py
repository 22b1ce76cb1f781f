"""Cohorts and enrolments: creating cohorts, inviting and importing trainees, schedules, withdrawal,
deferral and transfer. The pages that read progress live in ``app.reports``, above learning and marking."""

from flask import Blueprint

bp = Blueprint("cohorts", __name__, url_prefix="/cohorts", template_folder="templates")

from app.cohorts import routes, setup_routes  # noqa: E402, F401
