"""The trainee's side: lessons, quiz attempts, written assignments and the practice portfolio."""

from flask import Blueprint

bp = Blueprint("learning", __name__, url_prefix="/learn", template_folder="templates")

from app.learning import assignment_routes, portfolio_routes, quiz_routes, routes  # noqa: E402, F401
