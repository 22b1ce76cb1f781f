"""Hub reports (and an organisation manager's view of their own organisation's trainees)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_login import current_user

from app.auth.access import roles_required
from app.auth.models import Role
from app.cohorts import reports
from app.organisations.models import Nation, OrganisationKind
from app.templating import today_in_london

bp = Blueprint("reports", __name__, url_prefix="/reports", template_folder="templates")


@bp.route("/")
@roles_required(Role.HUB_ADMIN, Role.ORG_MANAGER)
def index():
    args = request.args
    filters = {k: args.get(k, "") for k in ("cohort", "kind", "nation")}
    if not current_user.has_role(Role.HUB_ADMIN):
        filters["kind"] = ""  # one organisation is one kind
    data = reports.build(
        current_user,
        today_in_london(),
        cohort=filters["cohort"] or None,
        kind=filters["kind"] or None,
        nation=filters["nation"] or None,
    )
    if args.get("format") == "csv":
        table = data.table(args.get("table", ""))
        if table is None:
            abort(404)
        return Response(
            table.csv(),
            mimetype="text/csv",
            headers={"Content-Disposition": f"attachment; filename=report-{table.key}.csv"},
        )
    active = {k: v for k, v in filters.items() if v}
    return render_template(
        "cohorts/reports.html",
        data=data,
        filters=filters,
        kinds=list(OrganisationKind),
        nations=list(Nation),
        csv_url=lambda key: url_for(".index", table=key, format="csv", **active),
        title="Reports" if data.organisation is None else f"Reports: {data.organisation.name}",
    )
