"""Pages that read across the whole training: a cohort's page and progress matrix, the trainee record, the
Hub's reports and an organisation manager's view. They sit on top of cohorts, learning, marking and
accreditation, which never import them."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.assurance.lookups import cohort_or_404 as examined_cohort_or_404
from app.auth import policy
from app.auth.access import roles_required
from app.auth.models import Role
from app.cohorts import adjustments
from app.cohorts import services as cohorts
from app.cohorts.forms import ContactNoteForm
from app.cohorts.lookups import cohort_or_404, enrolment_or_404
from app.curriculum.models import CurriculumVersion
from app.database import db
from app.i18n import gettext as _
from app.learning import quizzes
from app.learning.services import completion_by_enrolment, lesson_totals
from app.organisations.models import Nation, OrganisationKind
from app.reports import assurance_pack, bp, hub, items, progress, record
from app.reports.lookups import quiz_module_or_404
from app.templating import today_in_london
from app.web import refusals

STAFF = (Role.HUB_ADMIN, Role.TRAINER)


@bp.route("/cohorts/<public_id>")
@roles_required(Role.HUB_ADMIN, Role.TRAINER)
def cohort(public_id: str):
    cohort = cohort_or_404(public_id)
    enrolments = cohorts.enrolments_in(cohort)
    return render_template(
        "reports/cohort.html",
        cohort=cohort,
        enrolments=enrolments,
        completed=completion_by_enrolment([e.id for e in enrolments]),
        total=lesson_totals({cohort.curriculum_version_id}).get(cohort.curriculum_version_id, 0),
        names=policy.may_see_candidate_names(current_user, cohort),
        title=cohort.name,
    )


@bp.route("/cohorts/<public_id>/progress")
@roles_required(*STAFF)
def progress_matrix(public_id: str):
    cohort = cohort_or_404(public_id)
    args = request.args
    sort = args.get("sort") if args.get("sort") in progress.SORTS else "name"
    data = progress.matrix(
        cohort,
        today_in_london(),
        organisation=args.get("organisation") or None,
        nation=args.get("nation") or None,
        status=args.get("status") or None,
        sort=sort,
        page=args.get("page", 1, type=int),
    )
    if args.get("format") == "csv":
        return Response(
            progress.matrix_csv(data, names=policy.may_see_candidate_names(current_user, cohort)),
            mimetype="text/csv",
            headers={"Content-Disposition": f"attachment; filename=progress-{cohort.public_id}.csv"},
        )
    filters = {k: args.get(k, "") for k in ("organisation", "nation", "status")}
    return render_template(
        "reports/progress.html",
        cohort=cohort,
        data=data,
        filters=filters,
        sort=sort,
        sorts=progress.SORTS,
        statuses=progress.STATUS_FILTERS,
        names=policy.may_see_candidate_names(current_user, cohort),
        nations=list(Nation),
        csv_url=url_for(".progress_matrix", public_id=public_id, format="csv", sort=sort, **filters),
        page_url=lambda n: url_for(".progress_matrix", public_id=public_id, sort=sort, page=n, **filters),
        # Public ids need no escaping in a path: one url_for for the page, not one per row.
        trainee_url=url_for(".trainee", enrolment_id=""),
        title=_("Progress: %(cohort)s", cohort=cohort.name),
    )


@bp.route("/cohorts/trainees/<enrolment_id>")
@roles_required(Role.HUB_ADMIN, Role.TRAINER, Role.ORG_MANAGER)
def trainee(enrolment_id: str):
    enrolment = enrolment_or_404(enrolment_id)
    return _record_page(enrolment, ContactNoteForm(formdata=None, contacted_on=today_in_london()))


def _record_page(enrolment, note_form, allow_refused=None, allow_module=None, plan_refused=None):
    staff = policy.is_cohort_staff(current_user, enrolment.cohort)
    return render_template(
        "reports/trainee.html",
        record=record.build(enrolment, current_user, today_in_london()),
        note_form=note_form,
        # Quizzes whose attempts are used up (or cooling off): the staff can allow another attempt.
        blocked_quizzes=_blocked_quizzes(enrolment) if staff else {},
        allow_refused=allow_refused,
        allow_module=allow_module,
        plan=adjustments.plan_for(enrolment),
        may_plan=policy.is_cohort_lead(current_user, enrolment.cohort),
        plan_refused=plan_refused,
        is_staff=policy.is_cohort_staff(current_user, enrolment.cohort),
        is_hub=policy.is_hub_admin(current_user),
        moves=cohorts.enrolment_moves(enrolment) if policy.is_hub_admin(current_user) else [],
        form=note_form,
        title=_("%(name)s: trainee record", name=enrolment.user.name),
    )


def _blocked_quizzes(enrolment) -> dict:
    found = {}
    for module in enrolment.cohort.curriculum_version.modules:
        if module.quiz is None:
            continue
        state = quizzes.state(enrolment, module.quiz)
        if not state.passed and not state.in_progress and (state.remaining == 0 or state.cooling_off_until):
            found[module.id] = state
    return found


@bp.route("/cohorts/trainees/<enrolment_id>/quizzes/<module_slug>/allow", methods=["POST"])
@roles_required(*STAFF)
def allow_attempt(enrolment_id: str, module_slug: str):
    """A trainer allows one more quiz attempt (or lifts the cooling-off), with a reason the trainee sees."""
    enrolment = enrolment_or_404(enrolment_id)
    module = next(
        (m for m in enrolment.cohort.curriculum_version.modules if m.slug == module_slug and m.quiz), None
    )
    if module is None:
        abort(404)
    with refusals() as refused:
        quizzes.allow_another_attempt(
            enrolment,
            module.quiz,
            request.form.get("reason", ""),
            request.form.get("lift_cooling_off") == "yes",
            current_user,
        )
    if refused:
        note_form = ContactNoteForm(formdata=None, contacted_on=today_in_london())
        return _record_page(enrolment, note_form, allow_refused=refused.refused, allow_module=module.id)
    flash(
        _(
            "%(name)s can take another attempt at the %(module)s quiz.",
            name=enrolment.user.name,
            module=module.code,
        ),
        "success",
    )
    return redirect(url_for(".trainee", enrolment_id=enrolment_id) + "#quizzes")


@bp.route("/cohorts/trainees/<enrolment_id>/adjustments", methods=["POST"])
@roles_required(Role.HUB_ADMIN, Role.TRAINER)
def adjustment_plan(enrolment_id: str):
    """A Hub admin or the lead trainer records the trainee's reasonable adjustments."""
    enrolment = enrolment_or_404(enrolment_id)
    form = request.form
    with refusals() as refused:
        adjustments.save_plan(
            enrolment,
            form.get("extra_time_percent", "0"),
            form.get("extra_days", "0"),
            form.get("rest_breaks") == "yes",
            form.get("format_notes", ""),
            form.get("review_on", ""),
            form.get("reason", "") if policy.is_hub_admin(current_user) else "",
            current_user,
        )
    if refused:
        note_form = ContactNoteForm(formdata=None, contacted_on=today_in_london())
        return _record_page(enrolment, note_form, plan_refused=refused.refused)
    flash(
        _("The adjustment plan has been saved. It applies to every quiz and deadline from now on."), "success"
    )
    return redirect(url_for(".trainee", enrolment_id=enrolment_id) + "#adjustments")


@bp.route("/cohorts/trainees/<enrolment_id>/notes", methods=["POST"])
@roles_required(*STAFF)
def contact_note(enrolment_id: str):
    enrolment = enrolment_or_404(enrolment_id)
    form = ContactNoteForm()
    if form.validate_on_submit():
        with refusals() as refused:
            cohorts.add_contact_note(enrolment, form.contacted_on.data, form.agreed.data, current_user)
        if refused:
            refused.onto(form, "agreed")
        else:
            flash(_("The contact note has been saved."), "success")
            return redirect(url_for(".trainee", enrolment_id=enrolment_id) + "#notes")
    return _record_page(enrolment, form)


@bp.route("/reports/")
@roles_required(Role.HUB_ADMIN, Role.ORG_MANAGER)
def index():
    args = request.args
    filters = {k: args.get(k, "") for k in ("cohort", "kind", "nation")}
    if not current_user.has_role(Role.HUB_ADMIN):
        filters["kind"] = ""  # one organisation is one kind
    data = hub.build(
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
        "reports/hub.html",
        data=data,
        filters=filters,
        kinds=list(OrganisationKind),
        nations=list(Nation),
        csv_url=lambda key: url_for(".index", table=key, format="csv", **active),
        title=_("Reports")
        if data.organisation is None
        else _("Reports: %(name)s", name=data.organisation.name),
    )


@bp.route("/reports/items/")
@roles_required(*STAFF)
def item_index():
    """The quizzes whose question statistics the viewer may read: those of their cohorts' curriculum
    versions (a Hub admin: of every cohort and every published version)."""
    mine = cohorts.cohorts_for(current_user)
    used = {c.curriculum_version_id for c in mine}
    query = db.select(CurriculumVersion).order_by(CurriculumVersion.loaded_at.desc())
    if policy.is_hub_admin(current_user):
        query = query.where(CurriculumVersion.id.in_(used) | CurriculumVersion.published_at.is_not(None))
    else:
        query = query.where(CurriculumVersion.id.in_(used))
    versions = [v for v in db.session.scalars(query) if any(m.quiz for m in v.modules)]
    return render_template("reports/item_index.html", versions=versions, title=_("Quiz question statistics"))


@bp.route("/reports/items/<content_hash>/<module_slug>")
@roles_required(*STAFF)
def item_statistics(content_hash: str, module_slug: str):
    """Facility, discrimination and options chosen for each question of a module's quiz (aggregates
    only), over the viewer's cohorts or one of them."""
    module, mine = quiz_module_or_404(content_hash, module_slug)
    chosen = request.args.get("cohort", "")
    cohort = next((c for c in mine if c.public_id == chosen), None)
    if chosen and cohort is None:
        abort(404)
    if cohort is not None:
        cohort_ids = [cohort.id]
    else:  # a Hub admin reads every cohort, a trainer their own
        cohort_ids = None if policy.is_hub_admin(current_user) else [c.id for c in mine]
    data = items.statistics(module.quiz, cohort_ids)
    if request.args.get("format") == "csv":
        suffix = f"-{cohort.public_id}" if cohort else ""
        return Response(
            data.csv(),
            mimetype="text/csv",
            headers={
                "Content-Disposition": "attachment; filename="
                f"item-statistics-{module.code}-{module.version.short_hash}{suffix}.csv"
            },
        )
    return render_template(
        "reports/item_statistics.html",
        module=module,
        data=data,
        cohorts=mine,
        cohort=cohort,
        min_attempts=items.MIN_ATTEMPTS,
        csv_url=url_for(
            ".item_statistics",
            content_hash=content_hash,
            module_slug=module_slug,
            format="csv",
            **({"cohort": cohort.public_id} if cohort else {}),
        ),
        title=_("Question statistics: %(module)s quiz", module=module.code),
    )


@bp.route("/organisations/mine")
@roles_required(Role.ORG_MANAGER)
def organisation():
    """The organisation manager's view of the IMSAs their organisation employs."""
    organisation = current_user.organisation
    if organisation is None:
        abort(404)
    enrolments = cohorts.enrolments_of_organisation(organisation.id)
    return render_template(
        "reports/organisation.html",
        organisation=organisation,
        enrolments=enrolments,
        completed=completion_by_enrolment([e.id for e in enrolments]),
        totals=lesson_totals({e.cohort.curriculum_version_id for e in enrolments}),
        title=organisation.name,
    )


@bp.route("/cohorts/<public_id>/assurance-pack.zip")
@roles_required(Role.HUB_ADMIN, Role.EXTERNAL_EXAMINER)
def assurance_pack_download(public_id: str):
    """The cohort's signed assurance pack, for a Hub admin or the cohort's own external examiner."""
    cohort = examined_cohort_or_404(public_id)
    data = assurance_pack.build(cohort, current_user)
    return Response(
        data,
        mimetype="application/zip",
        headers={"Content-Disposition": f"attachment; filename=assurance-pack-{cohort.public_id}.zip"},
    )
