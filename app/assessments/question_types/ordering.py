from __future__ import annotations

from app.assessments.question_types.base import InvalidAnswer, QuestionType, question_type
from app.i18n import N_
from app.i18n import gettext as _


@question_type
class Ordering(QuestionType):
    """Put items in order. Scores 1 only when the whole order is right.

    Each item (in the attempt's shown order) gets a ``position-<n>`` field holding its place, 1 to N.
    """

    name = "ordering"
    label = N_("Put these in order")
    fields = frozenset({"items"})

    def check(self, question, problem):
        items = question.get("items")
        if not isinstance(items, list) or len(items) < 3:
            problem("items", "`items` must list at least 3 items, in the correct order")
        elif not all(isinstance(i, str) and i.strip() for i in items) or len(set(items)) != len(items):
            problem("items", "every item must be different text")

    def layout(self, question, rng, shuffle):
        shown = list(question["items"])
        while shown == question["items"]:  # always shuffled: the file order is the answer
            rng.shuffle(shown)
        return {"items": shown}

    def parse(self, question, layout, form):
        shown = layout["items"]
        places = []
        for n in range(len(shown)):
            values = form.getlist(f"position-{n}")
            if len(values) != 1 or not values[0].isdigit():
                raise InvalidAnswer(_("Give every item a place"))
            places.append(int(values[0]))
        if sorted(places) != list(range(1, len(shown) + 1)):
            raise InvalidAnswer(_("Use each place from 1 to %(count)s once", count=len(shown)))
        return [item for _, item in sorted(zip(places, shown, strict=True))]

    def score(self, question, response):
        return 1.0 if response == question["items"] else 0.0

    def correct_answer(self, question):
        return " → ".join(question["items"])

    def describe(self, question, response):
        return " → ".join(response or [])
