from __future__ import annotations

from app.assessments.question_types.base import (
    InvalidAnswer,
    QuestionType,
    check_options,
    option_layout,
    question_type,
)
from app.i18n import N_
from app.i18n import gettext as _


@question_type
class MultipleResponse(QuestionType):
    """Choose all that apply. Partial credit: each correct option chosen scores +1/k and each wrong
    option chosen -1/k, where k is the number of correct options; the score never goes below 0."""

    name = "multiple_response"
    label = N_("Choose all that apply")
    fields = frozenset({"options", "answer"})

    def check(self, question, problem):
        options = check_options(question, problem, minimum=3)
        answer = question.get("answer")
        if options is None:
            return
        if not isinstance(answer, list) or not answer:
            problem("answer", "`answer` must be a list of one or more option keys")
        elif not {str(a) for a in answer} <= set(options) or len(set(map(str, answer))) != len(answer):
            problem("answer", "every `answer` must be a different one of the option keys")

    layout = staticmethod(option_layout)

    def parse(self, question, layout, form):
        chosen = form.getlist("answer")
        options = {str(k) for k in question["options"]}
        if not chosen:
            raise InvalidAnswer(_("Choose at least one answer"))
        if not all(isinstance(c, str) and c in options for c in chosen) or len(set(chosen)) != len(chosen):
            raise InvalidAnswer(_("Choose from the answers shown"))
        return sorted(chosen)

    def score(self, question, response):
        if not isinstance(response, list) or not all(isinstance(c, str) for c in response):
            return 0.0  # unanswered, or not a list of option keys
        correct = {str(a) for a in question["answer"]}
        chosen = set(response)
        raw = (len(chosen & correct) - len(chosen - correct)) / len(correct)
        return max(0.0, raw)

    def correct_answer(self, question):
        return "; ".join(question["options"][str(a)] for a in question["answer"])

    def describe(self, question, response):
        return "; ".join(question["options"][c] for c in response or [] if c in question["options"])
