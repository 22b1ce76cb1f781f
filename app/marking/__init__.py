"""The trainer's side: the marking queue, rubric marking, moderation, release and extensions; and the
trainee's view of a released result."""

from flask import Blueprint

bp = Blueprint("marking", __name__, template_folder="templates")

from app.marking import result_routes, routes, similarity  # noqa: E402, F401
