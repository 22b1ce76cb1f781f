from __future__ import annotations

from app.assessments.question_types.base import InvalidAnswer, QuestionType, one_value, question_type
from app.i18n import N_
from app.i18n import gettext as _


@question_type
class TrueFalse(QuestionType):
    name = "true_false"
    label = N_("True or false")
    fields = frozenset({"answer"})

    def check(self, question, problem):
        if not isinstance(question.get("answer"), bool):
            problem("answer", "`answer` must be true or false")

    def parse(self, question, layout, form):
        value = one_value(form)
        if value not in {"true", "false"}:
            raise InvalidAnswer(_("Choose true or false"))
        return value == "true"

    def score(self, question, response):
        return 1.0 if response is not None and response is question["answer"] else 0.0

    def correct_answer(self, question):
        return "True" if question["answer"] else "False"

    def describe(self, question, response):
        return "" if response is None else ("True" if response else "False")
