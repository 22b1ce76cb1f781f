"""One lookup per resource of the trainee's pages: always within the signed-in trainee's own enrolment,
so another person's work is a 404, never a 403 that confirms it exists."""

from __future__ import annotations

from flask import abort

from app.cohorts.lookups import own_enrolment
from app.learning import quizzes, services


def enrolment_and_module(module_slug: str):
    """The signed-in trainee's current enrolment and the module of its curriculum, or 404."""
    enrolment = own_enrolment()
    module = services.module_in(enrolment, module_slug) if enrolment else None
    if module is None:
        abort(404)
    return enrolment, module


def assignment_or_404(module):
    if module.assignment is None:
        abort(404)
    return module.assignment


def quiz_or_404(module):
    if module.quiz is None:
        abort(404)
    return module.quiz


def attempt_or_404(enrolment, public_id: str):
    attempt = quizzes.attempt_for(enrolment, public_id)
    if attempt is None:
        abort(404)
    return attempt
