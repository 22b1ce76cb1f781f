from __future__ import annotations

import re

from app.assessments.question_types.base import InvalidAnswer, QuestionType, one_value, question_type
from app.i18n import N_
from app.i18n import gettext as _

MAX_LENGTH = 200


_TYPOGRAPHY = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"}
)
# Stripped from the ends only: "Article 4." is "article 4", but "189(1)(c)" keeps its brackets.
_END_PUNCTUATION = " .,;:!?'\""


def normalise(text: str) -> str:
    """Case, curly or straight quotes and dashes, punctuation at either end, and repeated spaces do not
    matter."""
    return re.sub(r"\s+", " ", text.translate(_TYPOGRAPHY)).strip(_END_PUNCTUATION).casefold()


@question_type
class ShortText(QuestionType):
    name = "short_text"
    label = N_("Type a short answer")
    fields = frozenset({"accepted"})

    def check(self, question, problem):
        accepted = question.get("accepted")
        if not isinstance(accepted, list) or not accepted:
            problem("accepted", "`accepted` must list at least one accepted answer")
        elif not all(isinstance(a, str) and a.strip() for a in accepted):
            problem("accepted", "every accepted answer must be text")

    def parse(self, question, layout, form):
        value = one_value(form)
        if not value.strip():
            raise InvalidAnswer(_("Type your answer"))
        if len(value) > MAX_LENGTH:
            raise InvalidAnswer(_("Your answer must be %(count)s characters or fewer", count=MAX_LENGTH))
        return value.strip()

    def score(self, question, response):
        if not isinstance(response, str):
            return 0.0
        return 1.0 if normalise(response) in {normalise(a) for a in question["accepted"]} else 0.0

    def correct_answer(self, question):
        return " or ".join(question["accepted"])

    def describe(self, question, response):
        return response or ""
