"""The external examiner's pages (their cohorts, each module's sample, a sampled piece's whole marking
history, the report) and the Hub's (appointing the examiner, responding to the report, the award board)."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.assurance import bp, services
from app.assurance.forms import AddToSampleForm, AppointForm, BoardForm, ResponseForm, report_form
from app.assurance.lookups import cohort_or_404, module_or_404, report_or_404, sampled_piece_or_404
from app.auth import policy
from app.auth.access import roles_required
from app.auth.models import Role
from app.auth.services import all_people
from app.cohorts.services import cohorts_for
from app.database import db
from app.i18n import gettext as _
from app.learning.models import Submission
from app.web import refusals

READERS = (Role.EXTERNAL_EXAMINER, Role.HUB_ADMIN)


@bp.app_template_global("provisional_until_ratified")
def provisional_until_ratified(piece) -> bool:
    """Templates showing a released result ask this, rather than knowing the award board's rule."""
    return services.provisional(piece)


@bp.route("/")
@roles_required(*READERS)
def index():
    admin = policy.is_hub_admin(current_user)
    cohorts = cohorts_for(current_user) if admin else services.examined_by(current_user)
    return render_template(
        "assurance/index.html",
        cohorts=cohorts,
        admin=admin,
        reports={c.id: services.report_for(c) for c in cohorts},
        boards={c.id: services.board_for(c) for c in cohorts},
        title=_("External examining and award boards"),
    )


def _cohort_page(cohort, appoint_form=None, response_form=None):
    report = services.report_for(cohort)
    examiners = [u for u in all_people() if u.has_role(Role.EXTERNAL_EXAMINER)]
    appoint_form = appoint_form or AppointForm(
        examiner=cohort.external_examiner and cohort.external_examiner.public_id
    )
    appoint_form.examiner.choices = [SelectChoice("", _("Choose an examiner"))] + [
        SelectChoice(u.public_id, u.name) for u in examiners
    ]
    return render_template(
        "assurance/cohort.html",
        cohort=cohort,
        modules=[(m, len(services.sample_for(cohort, m))) for m in services.modules_examined(cohort)],
        report=report,
        board=services.board_for(cohort),
        admin=policy.is_hub_admin(current_user),
        examiner=policy.is_external_examiner_for(current_user, cohort),
        appoint_form=appoint_form,
        response_form=response_form or ResponseForm(),
        title=_("Examining: %(cohort)s", cohort=cohort.name),
    )


@bp.route("/cohorts/<cohort_id>")
@roles_required(*READERS)
def cohort(cohort_id):
    return _cohort_page(cohort_or_404(cohort_id))


@bp.route("/cohorts/<cohort_id>/examiner", methods=["POST"])
@roles_required(Role.HUB_ADMIN)
def appoint(cohort_id):
    cohort = cohort_or_404(cohort_id)
    form = AppointForm()
    chosen = next((u for u in all_people() if u.public_id == form.examiner.data), None)
    with refusals() as refused:
        services.appoint_examiner(cohort, chosen, current_user)
    if refused:
        refused.onto(form, "examiner")
        return _cohort_page(cohort, appoint_form=form)
    flash(
        _("%(name)s is the external examiner of %(cohort)s.", name=chosen.name, cohort=cohort.name), "success"
    )
    return redirect(url_for(".cohort", cohort_id=cohort.public_id))


@bp.route("/cohorts/<cohort_id>/modules/<module_slug>", methods=["GET", "POST"])
@roles_required(*READERS)
def module_sample(cohort_id, module_slug):
    cohort = cohort_or_404(cohort_id)
    module = module_or_404(cohort, module_slug)
    examiner = policy.is_external_examiner_for(current_user, cohort)
    form = AddToSampleForm()
    form.piece.choices = [SelectChoice("", _("Choose a candidate"))] + [
        SelectChoice(
            p.public_id,
            _("Candidate %(number)s (resubmission)", number=p.enrolment.candidate_number)
            if p.attempt > 1
            else _("Candidate %(number)s", number=p.enrolment.candidate_number),
        )
        for p in services.not_sampled(cohort, module)
    ]
    if request.method == "POST":
        chosen = db.session.scalar(db.select(Submission).where(Submission.public_id == form.piece.data))
        with refusals() as refused:
            services.add_to_sample(cohort, chosen, current_user)
        if not refused:
            flash(
                _("Candidate %(number)s is now in the sample.", number=chosen.enrolment.candidate_number),
                "success",
            )
            return redirect(url_for(".module_sample", cohort_id=cohort.public_id, module_slug=module.slug))
        refused.onto(form, "piece")
    return render_template(
        "assurance/module.html",
        cohort=cohort,
        module=module,
        pieces=services.sample_for(cohort, module),
        per_marker=services.PER_MARKER,
        examiner=examiner,
        may_add=examiner and services.report_for(cohort) is None,
        form=form,
        title=_("Sample: %(module)s · %(cohort)s", module=module.code, cohort=cohort.name),
    )


@bp.route("/cohorts/<cohort_id>/modules/<module_slug>/pieces/<piece_id>")
@roles_required(*READERS)
def sampled_piece(cohort_id, module_slug, piece_id):
    cohort = cohort_or_404(cohort_id)
    module = module_or_404(cohort, module_slug)
    piece = sampled_piece_or_404(cohort, module, piece_id)
    return render_template(
        "assurance/piece.html",
        cohort=cohort,
        module=module,
        piece=piece,
        marks=services.history_of(piece),
        events=services.events_of(piece),
        title=_(
            "Candidate %(number)s: %(module)s", number=piece.enrolment.candidate_number, module=module.code
        ),
    )


@bp.route("/cohorts/<cohort_id>/report", methods=["GET", "POST"])
@roles_required(Role.EXTERNAL_EXAMINER)
def report(cohort_id):
    cohort = cohort_or_404(cohort_id)
    filed = services.report_for(cohort)
    if filed is not None and request.method == "GET":
        return redirect(url_for(".cohort", cohort_id=cohort.public_id))
    modules = services.modules_examined(cohort)
    form = report_form(modules)
    if request.method == "POST":
        with refusals() as refused:
            services.file_report(
                cohort,
                {m.code: form[services.comment_field(m)].data or "" for m in modules},
                form.judgement.data,
                form.overall.data or "",
                current_user,
            )
        if not refused:
            flash(_("Your report has been filed. The Hub will record its response."), "success")
            return redirect(url_for(".cohort", cohort_id=cohort.public_id))
        refused.onto(form, "judgement")
    return render_template(
        "assurance/report.html",
        cohort=cohort,
        form=form,
        comment_fields=[form[services.comment_field(m)] for m in modules],
        title=_("Your report: %(cohort)s", cohort=cohort.name),
    )


@bp.route("/cohorts/<cohort_id>/report/response", methods=["POST"])
@roles_required(Role.HUB_ADMIN)
def respond(cohort_id):
    cohort = cohort_or_404(cohort_id)
    report = report_or_404(cohort)
    form = ResponseForm()
    with refusals() as refused:
        services.respond_to_report(report, form.response.data or "", current_user)
    if refused:
        refused.onto(form, "response")
        return _cohort_page(cohort, response_form=form)
    flash(_("The Hub's response is recorded."), "success")
    return redirect(url_for(".cohort", cohort_id=cohort.public_id))


@bp.route("/cohorts/<cohort_id>/board", methods=["GET", "POST"])
@roles_required(Role.HUB_ADMIN)
def board(cohort_id):
    cohort = cohort_or_404(cohort_id)
    decided = services.board_for(cohort)
    form = BoardForm()
    if decided is None and form.validate_on_submit():
        with refusals() as refused:
            services.ratify(
                cohort, form.met_on.data, form.attendees.data or "", form.changes.data or "", current_user
            )
        if not refused:
            flash(_("The award board's decision is recorded: the results are ratified."), "success")
            return redirect(url_for(".board", cohort_id=cohort.public_id))
        refused.onto(form, "confirm")
    return render_template(
        "assurance/board.html",
        cohort=cohort,
        board=decided,
        form=form,
        report=services.report_for(cohort),
        results=decided.results if decided else services.results_of(cohort),
        put_to_board=services.put_to_board(cohort),
        title=_("Award board: %(cohort)s", cohort=cohort.name),
    )
