"""The trainee's module records and transcripts: ask for a signed record of each module passed, and
download or check what has been issued. Open to withdrawn and deferred trainees too: their places stay
listed, so they leave with what they passed."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from app.accreditation import bp, records
from app.accreditation.lookups import own_enrolment_or_404
from app.auth.access import roles_required
from app.auth.models import Role
from app.cohorts.services import enrolments_of
from app.i18n import gettext as _
from app.web import refusals


@bp.route("/records")
@roles_required(Role.TRAINEE)
def module_records():
    places = []
    for enrolment in enrolments_of(current_user):
        issued = records.module_records(enrolment)
        places.append((enrolment, records.passed_modules(enrolment), issued))
    return render_template(
        "accreditation/records.html",
        places=places,
        transcripts=records.transcripts_of(current_user),
        title=_("Module records and transcript"),
    )


@bp.route("/records/<enrolment_id>/<module_code>", methods=["POST"])
@roles_required(Role.TRAINEE)
def request_module_record(enrolment_id, module_code):
    enrolment = own_enrolment_or_404(enrolment_id, current_user)
    with refusals() as outcome:
        issued = records.request_module_record(enrolment, module_code, current_user)
    if outcome:
        outcome.flash()
    else:
        flash(
            _(
                "Your signed record of %(module)s is ready: code %(code)s.",
                module=issued.module_code,
                code=issued.code,
            ),
            "success",
        )
    return redirect(url_for("accreditation.module_records") + f"#place-{enrolment.public_id}")
