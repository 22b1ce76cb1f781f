"""Special consideration: the trainee's request and their list of requests (with the trainee's other pages),
and the Hub admins' queue and decision page (with marking)."""

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.auth.access import roles_required
from app.auth.models import Role
from app.cohorts.lookups import own_enrolment
from app.i18n import gettext as _
from app.marking import bp, consideration
from app.marking.forms import ConsiderationDecisionForm, ConsiderationForm
from app.marking.lookups import consideration_or_404
from app.marking.models import ConsiderationStatus
from app.web import refusals


def _own_enrolment():
    enrolment = own_enrolment()
    if enrolment is None:
        abort(404)
    return enrolment


@bp.route("/learn/special-consideration")
@roles_required(Role.TRAINEE)
def my_considerations():
    enrolment = _own_enrolment()
    return render_template(
        "marking/my_considerations.html",
        requests=consideration.requests_of(enrolment),
        window=consideration.WINDOW_WORKING_DAYS,
        title=_("Special consideration"),
    )


@bp.route("/learn/special-consideration/new", methods=["GET", "POST"])
@roles_required(Role.TRAINEE)
def request_consideration():
    enrolment = _own_enrolment()
    form = ConsiderationForm()
    form.assessment.choices = [SelectChoice("", _("Choose an assessment"))] + [
        SelectChoice(a.key, a.shown) for a in consideration.assessments_of(enrolment)
    ]
    if request.method == "GET" and request.args.get("assessment"):
        form.assessment.data = request.args["assessment"]
    if form.validate_on_submit():
        upload = form.evidence.data
        with refusals() as refused:
            consideration.request_consideration(
                enrolment,
                form.assessment.data,
                form.occurred_on.data,
                form.statement.data,
                (upload.filename, upload.read()) if upload and upload.filename else None,
                current_user,
            )
        if not refused:
            flash(_("Your request has been sent to the Hub. We have emailed you a copy."), "success")
            return redirect(url_for(".my_considerations"))
        refused.onto(form, "assessment")
    return render_template(
        "marking/request_consideration.html",
        form=form,
        window=consideration.WINDOW_WORKING_DAYS,
        title=_("Ask for special consideration"),
    )


@bp.route("/marking/special-consideration")
@roles_required(Role.HUB_ADMIN)
def considerations():
    waiting, decided = consideration.queue()
    return render_template(
        "marking/considerations.html",
        waiting=waiting,
        decided=decided,
        title=_("Special consideration requests"),
    )


def _decision(form: ConsiderationDecisionForm) -> bool | None:
    return {"grant": True, "refuse": False}.get(form.decision.data)


@bp.route("/marking/special-consideration/<consideration_id>", methods=["GET", "POST"])
@roles_required(Role.HUB_ADMIN)
def consideration_request(consideration_id: str):
    found = consideration_or_404(consideration_id)
    form = ConsiderationDecisionForm()
    kind = "quiz" if found.quiz_id else "assignment"
    form.outcome.choices = [SelectChoice(o.value, o.label) for o in consideration.OUTCOMES[kind]]
    if form.validate_on_submit():
        with refusals() as refused:
            consideration.decide(
                found,
                _decision(form),
                form.outcome.data,
                form.reasons.data or "",
                current_user,
                due_on=form.due_on.data,
                board_note=form.board_note.data,
            )
        if not refused:
            flash(
                _(
                    "Decision recorded: %(decision)s. The trainee has been told.",
                    decision=found.status.label.lower(),
                ),
                "success",
            )
            return redirect(url_for(".considerations"))
        refused.onto(form, "decision")
    return render_template(
        "marking/consideration.html",
        request_=found,
        form=form,
        open=found.status is ConsiderationStatus.OPEN,
        title=_("Special consideration request"),
    )


@bp.route("/marking/special-consideration/<consideration_id>/evidence")
@roles_required(Role.HUB_ADMIN)
def consideration_evidence(consideration_id: str):
    found = consideration_or_404(consideration_id)
    path = consideration.evidence_path(found)
    if path is None or not path.exists():
        abort(404)
    return send_file(path, download_name=found.evidence_name, as_attachment=True)
