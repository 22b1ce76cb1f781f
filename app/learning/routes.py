"""The trainee's pages: their modules, module pages and lessons."""

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import get_translations
from flask_login import current_user
from markupsafe import Markup, escape

from app.auth.access import roles_required
from app.auth.models import Role
from app.cohorts import adjustments
from app.cohorts.lookups import TRAINING, own_enrolment
from app.cohorts.services import active_enrolments, enrolments_of
from app.i18n import current_language
from app.i18n import gettext as _
from app.learning import bp, services
from app.learning.lookups import enrolment_and_module
from app.learning.outcomes import Need, outcomes


@bp.route("/")
@roles_required(Role.TRAINEE)
def dashboard():
    active = active_enrolments(current_user)
    if len(active) > 1 and session.get(TRAINING) not in {e.public_id for e in active}:
        return redirect(url_for(".choose"))
    enrolment = own_enrolment()
    if enrolment is None:
        return render_template("site/nothing_yet.html", title=_("My training"))
    overview = services.overview(enrolment)
    return render_template(
        "learning/dashboard.html",
        enrolment=enrolment,
        overview=overview,
        outcomes=outcomes(enrolment, overview),
        others=len(active) - 1,
        plan=adjustments.plan_for(enrolment),
        title=_("My training"),
    )


@bp.route("/adjustments/remove-reason", methods=["POST"])
@roles_required(Role.TRAINEE)
def remove_adjustment_reason():
    """The trainee removes the sensitive reason recorded with their adjustment plan."""
    enrolment = own_enrolment()
    if enrolment is None:
        abort(404)
    adjustments.remove_reason(enrolment, current_user)
    flash(_("The reason has been removed. Your adjustments still apply."), "success")
    return redirect(url_for(".dashboard"))


@bp.route("/choose", methods=["GET", "POST"])
@roles_required(Role.TRAINEE)
def choose():
    """A trainee with more than one place (a new cohort after deferral, a transfer, a later course)
    chooses which training to open; every earlier place keeps its own work."""
    active = active_enrolments(current_user)
    if request.method == "POST":
        chosen = next((e for e in active if e.public_id == request.form.get("enrolment")), None)
        if chosen is not None:
            session[TRAINING] = chosen.public_id
            return redirect(url_for(".dashboard"))
        flash(_("Choose the training to open."), "info")
    return render_template(
        "learning/choose.html",
        enrolments=enrolments_of(current_user),
        current=own_enrolment(),
        title=_("Choose your training"),
    )


def _in_words(need: Need, content_language: str) -> Markup:
    """One requirement still to do, as a line of its own in the page's language; the curriculum's names
    in it are marked with their language (English, by decision) when the page is in another."""
    if content_language == current_language():
        names = [escape(name) for name in need.names]
    else:
        names = [Markup('<span lang="%s">%s</span>') % (content_language, name) for name in need.names]
    text = escape(need.say(get_translations())) % {"count": need.count, "names": Markup(", ").join(names)}
    return text[:1].upper() + text[1:]


@bp.route("/<module_slug>")
@roles_required(Role.TRAINEE)
def module(module_slug: str):
    enrolment, module = enrolment_and_module(module_slug)
    outcome = next(o for o in outcomes(enrolment, services.overview(enrolment)) if o.module.id == module.id)
    return render_template(
        "learning/module.html",
        module=module,
        outcome=outcome,
        to_do=[_in_words(need, module.version.language) for need in outcome.needs],
        progress=services.progress_in_module(enrolment, module),
        title=f"{module.code}: {module.title}",
    )


@bp.route("/<module_slug>/<lesson_slug>")
@roles_required(Role.TRAINEE)
def lesson(module_slug: str, lesson_slug: str):
    enrolment, module = enrolment_and_module(module_slug)
    lessons = module.lessons
    index = next((i for i, ls in enumerate(lessons) if ls.slug == lesson_slug), None)
    if index is None:
        abort(404)
    lesson = lessons[index]
    progress = services.open_lesson(enrolment, lesson, current_user)
    return render_template(
        "learning/lesson.html",
        module=module,
        lesson=lesson,
        progress=progress,
        previous=lessons[index - 1] if index > 0 else None,
        next=lessons[index + 1] if index + 1 < len(lessons) else None,
        position=index + 1,
        title=lesson.title,
    )


@bp.route("/<module_slug>/<lesson_slug>/complete", methods=["POST"])
@roles_required(Role.TRAINEE)
def complete(module_slug: str, lesson_slug: str):
    enrolment, module = enrolment_and_module(module_slug)
    lesson = next((ls for ls in module.lessons if ls.slug == lesson_slug), None)
    if lesson is None:
        abort(404)
    completed = request.form.get("completed", "yes") == "yes"
    services.set_completed(enrolment, lesson, completed, current_user)
    if not completed:
        flash(_("“%(title)s” is marked as not complete.", title=lesson.title), "success")
        return redirect(url_for(".lesson", module_slug=module.slug, lesson_slug=lesson.slug))
    following = next((ls for ls in module.lessons if ls.position == lesson.position + 1), None)
    flash(_("“%(title)s” is marked as complete.", title=lesson.title), "success")
    if following:
        return redirect(url_for(".lesson", module_slug=module.slug, lesson_slug=following.slug))
    return redirect(url_for(".module", module_slug=module.slug))
