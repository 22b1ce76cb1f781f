"""Accreditation: eligibility, approval, signed credentials, status, the ledger and certificates."""

from flask import Blueprint

bp = Blueprint("accreditation", __name__, url_prefix="/accreditation", template_folder="templates")

from app.accreditation import appeal_notices, holder_routes, record_routes, routes  # noqa: E402,F401
