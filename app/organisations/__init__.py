"""Host organisations: the NGOs, local authorities, faith and community groups that employ IMSAs."""

from flask import Blueprint

bp = Blueprint("organisations", __name__, url_prefix="/organisations", template_folder="templates")

from app.organisations import routes  # noqa: E402, F401
