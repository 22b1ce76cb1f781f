from __future__ import annotations

from app.assessments.question_types.base import (
    InvalidAnswer,
    QuestionType,
    check_options,
    one_value,
    option_layout,
    question_type,
)
from app.i18n import N_
from app.i18n import gettext as _


@question_type
class SingleChoice(QuestionType):
    name = "single_choice"
    label = N_("Choose one answer")
    fields = frozenset({"options", "answer"})

    def check(self, question, problem):
        options = check_options(question, problem, minimum=2)
        if options is not None and str(question.get("answer")) not in options:
            problem("answer", "`answer` must be one of the option keys")

    layout = staticmethod(option_layout)

    def parse(self, question, layout, form):
        value = one_value(form)
        if value not in {str(k) for k in question["options"]}:
            raise InvalidAnswer(_("Choose one of the answers shown"))
        return value

    def score(self, question, response):
        return 1.0 if response is not None and response == str(question["answer"]) else 0.0

    def correct_answer(self, question):
        return question["options"][str(question["answer"])]

    def describe(self, question, response):
        return question["options"].get(response, "") if response is not None else ""
