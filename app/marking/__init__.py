"""The trainer's side: the marking queue, rubric marking, moderation, release, extensions and appeals; and the
trainee's view of a released result."""

from flask import Blueprint

bp = Blueprint("marking", __name__, template_folder="templates")

from app.marking import appeal_routes, consideration_routes, result_routes, routes, similarity  # noqa: E402, F401
