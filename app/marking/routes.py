"""The trainer's side: the marking queue, marking against the rubric, moderation, release and reports;
reviewing portfolio evidence; extensions."""

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import ngettext
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.assessments.rubric import band_label
from app.auth import policy
from app.auth.access import PermissionDenied, roles_required
from app.auth.models import Role
from app.cohorts import adjustments
from app.cohorts.services import cohorts_for, enrolments_in
from app.database import db
from app.i18n import gettext as _
from app.learning import assignments, portfolio
from app.learning.forms import kind_label
from app.learning.models import Submission, SubmissionStatus
from app.marking import appeals, bp, consideration, integrity, similarity, workflow
from app.marking import queue as marking_queue
from app.marking.forms import CaseDecisionForm, ExtensionForm, IntegrityCaseForm
from app.marking.lookups import assessment_or_404, piece_or_404
from app.marking.models import MarkKind
from app.templating import long_date
from app.web import refusals, safe_redirect_target

STAFF = (Role.TRAINER, Role.HUB_ADMIN)

bp.app_template_filter("band_label")(band_label)


@bp.route("/marking/")
@roles_required(*STAFF)
def index():
    args = request.args
    mine = cohorts_for(current_user)
    return render_template(
        "marking/queue.html",
        items=marking_queue.queue(current_user, args.get("cohort"), args.get("module"), args.get("status")),
        cohorts=mine,
        waiting=marking_queue.unallocated(current_user),
        statuses=marking_queue.IN_MARKING,
        filters=args,
        consideration_waiting=consideration.waiting_count() if policy.is_hub_admin(current_user) else 0,
        modules={
            m.slug: f"{m.code}: {m.title}" for c in mine for m in c.curriculum_version.modules if m.assignment
        },
        open_appeals=len(appeals.open_appeals(current_user, [c.id for c in mine])),
        title=_("My marking"),
    )


def criteria_from(form) -> dict[str, workflow.CriterionInput]:
    keys = {name.removeprefix("band-") for name in form if name.startswith("band-")}
    result = {}
    for key in keys:
        try:
            mark = float(form.get(f"mark-{key}", ""))
        except ValueError:
            raise workflow.MarkingRefused(_("Enter every mark as a number from 0 to 100.")) from None
        result[key] = workflow.CriterionInput(form[f"band-{key}"], mark, form.get(f"feedback-{key}", ""))
    return result


def _integrity(piece: Submission, case_form=None, decision_form=None) -> dict:
    """What the marking page shows of integrity cases and the similarity check, and the forms it offers."""
    case = integrity.open_case(piece)
    matches = similarity.matches_for(piece)
    return {
        "case": case,
        "cases": [c for c in integrity.cases_for(piece) if c is not case],
        "case_form": case_form or IntegrityCaseForm(formdata=None),
        "decision_form": decision_form or CaseDecisionForm(formdata=None),
        "may_open_case": case is None
        and piece.status in integrity.OPENABLE
        and policy.may_open_integrity_case(current_user, piece),
        "may_decide_case": case is not None and policy.may_decide_integrity_case(current_user),
        "may_read_response": policy.may_decide_integrity_case(current_user),
        "matches": matches,
        # The other piece is named by cohort and candidate number only: never a name, in any cohort.
        "linkable": {
            m.id for m in matches if policy.is_cohort_staff(current_user, m.earlier.enrolment.cohort)
        },
        "threshold": current_app.config["IMSA_SIMILARITY_THRESHOLD"],
    }


def _mark_page(piece: Submission, error: str | None = None, typed=None, **forms):
    kind = workflow.mark_to_give(piece, current_user)
    marks = workflow.marks_of(piece)
    # Blind second marking: the second marker never sees the first mark (nor anyone's, until agreement).
    visible = {} if kind is MarkKind.SECOND else marks
    anonymous = piece.enrolment.cohort.anonymous_marking and piece.status not in (
        SubmissionStatus.RELEASED,
        SubmissionStatus.REFERRED,
    )
    return render_template(
        "marking/piece.html",
        piece=piece,
        kind=kind,
        marks=visible,
        own=marks.get(kind) if kind else None,
        anonymous=anonymous,
        error=error,
        typed=typed,
        trainers=piece.enrolment.cohort.trainers,
        moves=workflow.allowed_moves(piece, current_user),
        adjusted=bool(adjustments.plan_for(piece.enrolment)),
        capped=workflow.capped(piece),
        title=_("Candidate %(number)s", number=piece.enrolment.candidate_number)
        if anonymous
        else piece.enrolment.user.name,
        **_integrity(piece, **forms),
    )


@bp.route("/marking/pieces/<piece_id>", methods=["GET", "POST"])
@roles_required(*STAFF)
def piece(piece_id: str):
    piece = piece_or_404(piece_id)
    if request.method == "GET":
        return _mark_page(piece)
    kind = workflow.mark_to_give(piece, current_user)
    if kind is None:
        raise PermissionDenied("this piece is not yours to mark now")
    with refusals() as refused:
        workflow.save_mark(
            piece,
            kind,
            criteria_from(request.form),
            request.form.get("feedback", ""),
            int(request.form.get("version", "0")),
            current_user,
            rationale=request.form.get("rationale"),
        )
        if request.form.get("action") == "finish":
            db.session.flush()
            {
                MarkKind.FIRST: workflow.complete_marking,
                MarkKind.SECOND: workflow.complete_second_mark,
                MarkKind.AGREED: workflow.complete_agreed_mark,
            }[kind](piece, current_user)
    if refused:
        return _mark_page(piece, error=refused.message, typed=request.form)
    flash(
        _("Your marking has been saved.")
        if request.form.get("action") != "finish"
        else _("Marking finished."),
        "success",
    )
    if request.form.get("action") == "finish":
        return redirect(url_for(".index"))
    return redirect(url_for(".piece", piece_id=piece.public_id))


@bp.route("/marking/pieces/<piece_id>/start", methods=["POST"])
@roles_required(*STAFF)
def start(piece_id: str):
    piece = piece_or_404(piece_id)
    with refusals() as refused:
        workflow.start_marking(piece, current_user)
    refused.flash()
    return redirect(url_for(".piece", piece_id=piece.public_id))


@bp.route("/marking/pieces/<piece_id>/allocate", methods=["POST"])
@roles_required(Role.HUB_ADMIN)
def allocate(piece_id: str):
    piece = piece_or_404(piece_id)
    marker = next(
        (t for t in piece.enrolment.cohort.trainers if t.public_id == request.form.get("marker")), None
    )
    with refusals() as refused:
        if marker is None:
            raise workflow.MarkingRefused(_("Choose a trainer of this cohort."), field="marker")
        workflow.allocate(piece, marker, current_user)
    if refused:
        refused.flash()
    else:
        flash(_("Allocated to %(name)s.", name=marker.name), "success")
    return redirect(safe_redirect_target(request.form.get("back"), ".index"))


@bp.route("/marking/pieces/<piece_id>/return", methods=["POST"])
@roles_required(*STAFF)
def return_for_anonymisation(piece_id: str):
    """The marker flags work that could identify someone: it goes back to the trainee unmarked."""
    piece = piece_or_404(piece_id)
    with refusals() as refused:
        workflow.return_for_anonymisation(piece, request.form.get("note", ""), current_user)
    if refused:
        return _mark_page(piece, error=refused.message)
    flash(
        _("The work has gone back to the trainee to anonymise; they have been told what to change."),
        "success",
    )
    return redirect(url_for(".index"))


@bp.route("/marking/pieces/<piece_id>/integrity", methods=["POST"])
@roles_required(*STAFF)
def open_integrity_case(piece_id: str):
    piece = piece_or_404(piece_id)
    form = IntegrityCaseForm()
    with refusals() as refused:
        integrity.open_integrity_case(piece, form.kind.data, form.statement.data, current_user)
    if refused:
        refused.onto(form, "statement")
        return _mark_page(piece, case_form=form)
    flash(
        _("The integrity case is open: this piece's result is held, and the trainee has been told."),
        "success",
    )
    return redirect(url_for(".piece", piece_id=piece.public_id))


@bp.route("/marking/pieces/<piece_id>/integrity/outcome", methods=["POST"])
@roles_required(Role.HUB_ADMIN)
def decide_integrity_case(piece_id: str):
    piece = piece_or_404(piece_id)
    case = integrity.open_case(piece)
    if case is None:
        flash(_("This piece has no open integrity case: it may have been decided a moment ago."), "info")
        return redirect(url_for(".piece", piece_id=piece.public_id))
    form = CaseDecisionForm()
    with refusals() as refused:
        integrity.decide(case, form.outcome.data, form.penalty.data, form.reasons.data, current_user)
    if refused:
        refused.onto(form, "outcome")
        return _mark_page(piece, decision_form=form)
    flash(
        _("Outcome recorded: %(outcome)s. The trainee has been told.", outcome=case.outcome.label.lower()),
        "success",
    )
    return redirect(url_for(".piece", piece_id=piece.public_id))


@bp.route("/marking/pieces/<piece_id>/attachment")
@roles_required(*STAFF)
def piece_attachment(piece_id: str):
    piece = piece_or_404(piece_id)
    path = assignments.attachment_path(piece)
    if path is None or not path.exists():
        abort(404)
    # Named by candidate number, so a download does not reveal the trainee either.
    return send_file(
        path, download_name=f"{piece.enrolment.candidate_number}.{piece.attachment_type}", as_attachment=True
    )


@bp.route("/marking/assessments/<cohort_id>/<module_slug>", methods=["GET", "POST"])
@roles_required(*STAFF)
def assessment(cohort_id: str, module_slug: str):
    """One assessment of one cohort: allocation, moderation, release."""
    cohort, work = assessment_or_404(cohort_id, module_slug)
    if request.method == "POST":
        action = request.form.get("action")
        with refusals() as refused:
            if action == "allocate":
                done = workflow.allocate_round_robin(
                    workflow.pieces_in(work, cohort), cohort.trainers, current_user
                )
                message = ngettext("%(num)s piece allocated.", "%(num)s pieces allocated.", done)
            elif action == "moderate":
                chosen = workflow.select_for_moderation(work, cohort, current_user)
                message = ngettext(
                    "%(num)s piece selected for second marking.",
                    "%(num)s pieces selected for second marking.",
                    len(chosen),
                )
            elif action == "release":
                released = workflow.release(work, cohort, current_user)
                count = len(released)
                message = ngettext(
                    "%(num)s result released; trainees have been told.",
                    "%(num)s results released; trainees have been told.",
                    count,
                )
                held = len(integrity.held_piece_ids([p.id for p in workflow.pieces_in(work, cohort)]))
                if held:
                    message += " " + _("%(count)s held by an open integrity case.", count=held)
            else:
                abort(400)
        if refused:
            refused.flash()
        else:
            flash(message, "success")
        return redirect(url_for(".assessment", cohort_id=cohort.public_id, module_slug=module_slug))
    pieces = workflow.pieces_in(work, cohort)
    held = integrity.held_piece_ids([p.id for p in pieces])
    ready = [p for p in pieces if p.status is SubmissionStatus.READY_FOR_RELEASE]
    return render_template(
        "marking/assessment.html",
        cohort=cohort,
        assignment=work,
        pieces=pieces,
        held=held,
        ready=[p for p in ready if p.id not in held],
        ready_held=[p for p in ready if p.id in held],
        can_lead=policy.is_cohort_lead(current_user, cohort),
        can_allocate=policy.is_hub_admin(current_user),
        title=f"{work.title}: {cohort.name}",
    )


@bp.route("/marking/assessments/<cohort_id>/<module_slug>/report")
@roles_required(*STAFF)
def report(cohort_id: str, module_slug: str):
    cohort, work = assessment_or_404(cohort_id, module_slug)
    data = marking_queue.report(work, cohort)
    if request.args.get("format") == "csv":
        return Response(
            marking_queue.report_csv(data),
            mimetype="text/csv",
            headers={
                "Content-Disposition": f"attachment; filename=marking-{cohort.public_id}-{module_slug}.csv"
            },
        )
    return render_template(
        "marking/report.html",
        cohort=cohort,
        assignment=work,
        data=data,
        title=_("Marking report: %(title)s", title=work.title),
    )


@bp.route("/marking/portfolio")
@roles_required(*STAFF)
def portfolio_queue():
    cohort_ids = [c.id for c in cohorts_for(current_user)]
    return render_template(
        "marking/portfolio.html",
        entries=portfolio.waiting_for_review(current_user, cohort_ids),
        kind_label=kind_label,
        title=_("Portfolio evidence to review"),
    )


@bp.route("/marking/portfolio/<entry_id>", methods=["POST"])
@roles_required(*STAFF)
def review_evidence(entry_id: str):
    entry = portfolio.entry_by_public_id(entry_id)
    if entry is None:
        abort(404)
    with refusals() as refused:
        portfolio.review_entry(
            entry, request.form.get("decision") == "verify", request.form.get("comment", ""), current_user
        )
    if refused:
        refused.flash()
        return redirect(url_for(".portfolio_queue"))
    flash(
        _("The evidence has been verified.")
        if entry.status.value == "verified"
        else _("The evidence has been returned."),
        "success",
    )
    return redirect(url_for(".portfolio_queue"))


@bp.route("/marking/extensions/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def grant_extension():
    form = ExtensionForm()
    cohorts = cohorts_for(current_user)
    enrolments = {e.public_id: e for c in cohorts for e in enrolments_in(c)}
    works = {
        f"{c.id}-{m.assignment.id}": (c, m.assignment)
        for c in cohorts
        for m in c.curriculum_version.modules
        if m.assignment
    }
    form.enrolment.choices = [SelectChoice("", _("Choose a trainee"))] + [
        SelectChoice(pid, f"{e.user.name} ({e.cohort.name})") for pid, e in enrolments.items()
    ]
    form.assignment.choices = [SelectChoice("", _("Choose an assignment"))] + [
        SelectChoice(key, f"{a.module.code}: {a.title} ({c.name})") for key, (c, a) in works.items()
    ]
    if form.validate_on_submit():
        enrolment = enrolments[form.enrolment.data]
        cohort, assignment = works[form.assignment.data]
        if cohort.id != enrolment.cohort_id:
            form.assignment.errors = [_("Choose an assignment from the trainee's own cohort")]
        else:
            with refusals() as refused:
                assignments.grant_extension(
                    enrolment, assignment, form.due_on.data, form.reason.data, current_user
                )
            if refused:
                refused.onto(form, "due_on")
            else:
                flash(
                    _(
                        "%(name)s now has until %(date)s.",
                        name=enrolment.user.name,
                        date=long_date(form.due_on.data),
                    ),
                    "success",
                )
                return redirect(url_for("reports.cohort", public_id=enrolment.cohort.public_id))
    return render_template("marking/extension.html", form=form, title=_("Grant an extension"))
