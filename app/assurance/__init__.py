"""Quality assurance of a cohort's results: the external examiner's sample and report, the Hub's response,
and the award board that ratifies the results before credentials are issued."""

from flask import Blueprint

bp = Blueprint("assurance", __name__, template_folder="templates", url_prefix="/assurance")

from app.assurance import routes  # noqa: E402, F401
