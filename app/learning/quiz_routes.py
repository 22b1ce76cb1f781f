"""The trainee's quiz pages: one question per page, answers saved as they go, then a review."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.assessments.question_types import REGISTRY, InvalidAnswer
from app.auth.access import roles_required
from app.auth.models import Role
from app.cohorts import adjustments
from app.database import utcnow
from app.i18n import gettext as _
from app.learning import bp, quizzes
from app.learning.lookups import attempt_or_404, enrolment_and_module, quiz_or_404
from app.web import refusals


@bp.route("/<module_slug>/quiz")
@roles_required(Role.TRAINEE)
def quiz(module_slug: str):
    enrolment, module = enrolment_and_module(module_slug)
    state = quizzes.state(enrolment, quiz_or_404(module))  # marks an attempt that timed out while away
    return render_template(
        "learning/quiz.html",
        module=module,
        quiz=module.quiz,
        state=state,
        minutes=quizzes.time_allowed(enrolment, module.quiz),
        plan=adjustments.plan_for(enrolment),
        title=module.quiz.title,
    )


@bp.route("/<module_slug>/quiz/start", methods=["POST"])
@roles_required(Role.TRAINEE)
def start_quiz(module_slug: str):
    enrolment, module = enrolment_and_module(module_slug)
    with refusals() as refused:
        attempt = quizzes.start_attempt(enrolment, quiz_or_404(module), current_user)
    if refused:
        refused.flash()
        return redirect(url_for(".quiz", module_slug=module.slug))
    return redirect(url_for(".question", module_slug=module.slug, attempt_id=attempt.public_id, number=1))


def _finished(module, attempt, message=None):
    if message:
        flash(message, "info")
    return redirect(url_for(".quiz_review", module_slug=module.slug, attempt_id=attempt.public_id))


@bp.route("/<module_slug>/quiz/<attempt_id>/<int:number>", methods=["GET", "POST"])
@roles_required(Role.TRAINEE)
def question(module_slug: str, attempt_id: str, number: int):
    enrolment, module = enrolment_and_module(module_slug)
    attempt = attempt_or_404(enrolment, attempt_id)
    if not 1 <= number <= len(attempt.layout):
        abort(404)
    if quizzes.expire_if_due(attempt, utcnow()):
        return _finished(
            module, attempt, _("Your time ran out, so the attempt was marked with the answers saved in time.")
        )
    if attempt.submitted_at is not None:
        return _finished(module, attempt)
    item = attempt.layout[number - 1]
    question = attempt.quiz.bank[item["key"]]
    error = None
    saved = quizzes.saved_answers(attempt).get(item["key"])
    if request.method == "POST":
        with refusals() as refused:
            quizzes.save_answer(
                attempt, number, request.form.get("question_key", ""), request.form, current_user
            )
        if isinstance(refused.refused, InvalidAnswer):
            error = refused.message
        elif refused:
            # Time ran out (the rollback undid its marking: mark it again here) or it was finished elsewhere.
            if quizzes.expire_if_due(attempt, utcnow()) or attempt.submitted_at is not None:
                return _finished(module, attempt, refused.message)
            refused.flash()
            return redirect(
                url_for(".question", module_slug=module.slug, attempt_id=attempt.public_id, number=number)
            )
        else:
            if number < len(attempt.layout) and request.form.get("then") != "check":
                return redirect(
                    url_for(
                        ".question", module_slug=module.slug, attempt_id=attempt.public_id, number=number + 1
                    )
                )
            return redirect(url_for(".quiz_check", module_slug=module.slug, attempt_id=attempt.public_id))
    return render_template(
        "learning/question.html",
        module=module,
        attempt=attempt,
        number=number,
        item=item,
        question=question,
        kind=REGISTRY[question["type"]],
        saved=saved,
        error=error,
        title=_("Question %(number)s", number=number),
    )


@bp.route("/<module_slug>/quiz/<attempt_id>/continue")
@roles_required(Role.TRAINEE)
def continue_attempt(module_slug: str, attempt_id: str):
    """Back to the first question left unanswered (the check page once every one has an answer)."""
    enrolment, module = enrolment_and_module(module_slug)
    attempt = attempt_or_404(enrolment, attempt_id)
    answered = quizzes.saved_answers(attempt)
    number = next((n for n, item in enumerate(attempt.layout, 1) if item["key"] not in answered), None)
    if number is None:
        return redirect(url_for(".quiz_check", module_slug=module.slug, attempt_id=attempt.public_id))
    return redirect(
        url_for(".question", module_slug=module.slug, attempt_id=attempt.public_id, number=number)
    )


@bp.route("/<module_slug>/quiz/<attempt_id>/check", methods=["GET", "POST"])
@roles_required(Role.TRAINEE)
def quiz_check(module_slug: str, attempt_id: str):
    enrolment, module = enrolment_and_module(module_slug)
    attempt = attempt_or_404(enrolment, attempt_id)
    if request.method == "POST":
        with refusals() as refused:
            quizzes.submit(attempt, current_user)
        return _finished(module, attempt, refused.message)
    quizzes.expire_if_due(attempt, utcnow())
    if attempt.submitted_at is not None:
        return _finished(module, attempt)
    answered = quizzes.saved_answers(attempt)
    return render_template(
        "learning/quiz_check.html",
        module=module,
        attempt=attempt,
        answered=answered,
        described={
            key: REGISTRY[attempt.quiz.bank[key]["type"]].describe(attempt.quiz.bank[key], value)
            for key, value in answered.items()
        },
        bank=attempt.quiz.bank,
        title=_("Check your answers"),
    )


@bp.route("/<module_slug>/quiz/<attempt_id>/review")
@roles_required(Role.TRAINEE)
def quiz_review(module_slug: str, attempt_id: str):
    enrolment, module = enrolment_and_module(module_slug)
    attempt = attempt_or_404(enrolment, attempt_id)
    if attempt.submitted_at is None:
        return redirect(url_for(".quiz_check", module_slug=module.slug, attempt_id=attempt.public_id))
    state = quizzes.state(enrolment, attempt.quiz)
    return render_template(
        "learning/quiz_review.html",
        module=module,
        attempt=attempt,
        state=state,
        rows=quizzes.review(attempt) if quizzes.feedback_allowed(state, attempt) else None,
        title=_("%(quiz)s: your result", quiz=attempt.quiz.title),
    )
