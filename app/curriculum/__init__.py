"""The curriculum as content: loading, validating and publishing versions; lessons as sanitised HTML."""

from flask import Blueprint

bp = Blueprint("curriculum", __name__, url_prefix="/curriculum", template_folder="templates")

from app.curriculum import routes  # noqa: E402, F401
