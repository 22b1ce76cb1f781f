"""The small interface every question type implements.

A question is a plain dict as loaded from ``quiz.yaml`` (after validation): ``key``, ``type``,
``stem_html``, ``explanation_html``, ``source`` and the type's own fields. A response is what the trainee
answered, as JSON-safe data; it is only ever built by ``parse`` from submitted form data.
"""

from __future__ import annotations

import random
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any, ClassVar

from werkzeug.datastructures import MultiDict

from app.i18n import gettext as _
from app.refusal import Refused

Problem = Callable[[str, str], None]  # (field, message) -> records a loader problem


class InvalidAnswer(Refused):
    """The submitted answer is not a possible answer to this question; the message tells the trainee."""


class QuestionType(ABC):
    name: ClassVar[str]
    label: ClassVar[str]
    fields: ClassVar[frozenset[str]]  # the type's own keys in quiz.yaml

    @abstractmethod
    def check(self, question: dict, problem: Problem) -> None:
        """Report anything wrong with the question's own fields (loader validation)."""

    def layout(self, question: dict, rng: random.Random, shuffle: bool) -> dict:
        """How this attempt shows the question (e.g. option order); stored with the attempt. No answers."""
        return {}

    @abstractmethod
    def parse(self, question: dict, layout: dict, form: MultiDict) -> Any:
        """The response from submitted form fields, or ``InvalidAnswer`` when it is not a possible answer."""

    @abstractmethod
    def score(self, question: dict, response: Any) -> float:
        """From 0 to 1. ``response`` is None for a question left unanswered."""

    @abstractmethod
    def correct_answer(self, question: dict) -> str:
        """The right answer in words, for the review."""

    @abstractmethod
    def describe(self, question: dict, response: Any) -> str:
        """The trainee's own answer in words, for the review."""


REGISTRY: dict[str, QuestionType] = {}


def question_type(cls: type[QuestionType]) -> type[QuestionType]:
    REGISTRY[cls.name] = cls()
    return cls


# --- helpers shared by the option-based types


def check_options(question: dict, problem: Problem, minimum: int) -> dict[str, str] | None:
    options = question.get("options")
    if not isinstance(options, dict) or len(options) < minimum:
        problem("options", f"`options` must map at least {minimum} option keys to their text")
        return None
    if not all(isinstance(v, str) and v.strip() for v in options.values()):
        problem("options", "every option needs its text")
        return None
    return {str(k): v for k, v in options.items()}


def option_layout(question: dict, rng: random.Random, shuffle: bool) -> dict:
    keys = [str(k) for k in question["options"]]
    if shuffle:
        rng.shuffle(keys)
    return {"options": keys}


def one_value(form: MultiDict, name: str = "answer") -> str:
    values = form.getlist(name)
    if len(values) != 1 or not isinstance(values[0], str):
        raise InvalidAnswer(_("Choose one answer"))
    return values[0]
