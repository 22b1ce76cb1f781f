from __future__ import annotations

from app.assessments.question_types.base import InvalidAnswer, QuestionType, question_type
from app.i18n import N_
from app.i18n import gettext as _


@question_type
class Matching(QuestionType):
    """Match each prompt to a response. Partial credit: the share of prompts matched correctly.

    Form fields are ``match-<n>`` for the n-th prompt (as laid out), valued with the response's index in
    the attempt's response order, so neither names nor values reveal the pairing.
    """

    name = "matching"
    label = N_("Match each item")
    fields = frozenset({"pairs"})

    def check(self, question, problem):
        pairs = question.get("pairs")
        if not isinstance(pairs, dict) or len(pairs) < 2:
            problem("pairs", "`pairs` must map at least 2 prompts to their matching responses")
        elif not all(
            isinstance(k, str) and isinstance(v, str) and k.strip() and v.strip() for k, v in pairs.items()
        ):
            problem("pairs", "every prompt and response must be text")
        elif len(set(pairs.values())) != len(pairs):
            problem("pairs", "each prompt needs a different response")

    def layout(self, question, rng, shuffle):
        prompts = list(question["pairs"])
        responses = list(question["pairs"].values())
        if shuffle:
            rng.shuffle(prompts)
        rng.shuffle(responses)  # always: in file order every prompt would sit beside its answer
        return {"prompts": prompts, "responses": responses}

    def parse(self, question, layout, form):
        chosen = {}
        for n, prompt in enumerate(layout["prompts"]):
            values = form.getlist(f"match-{n}")
            if len(values) != 1 or not values[0].isdigit() or int(values[0]) >= len(layout["responses"]):
                raise InvalidAnswer(_("Choose a match for every item"))
            chosen[prompt] = layout["responses"][int(values[0])]
        return chosen

    def score(self, question, response):
        if not isinstance(response, dict):
            return 0.0
        pairs = question["pairs"]
        return sum(1 for prompt, answer in pairs.items() if response.get(prompt) == answer) / len(pairs)

    def correct_answer(self, question):
        return "; ".join(f"{p} → {r}" for p, r in question["pairs"].items())

    def describe(self, question, response):
        return "; ".join(f"{p} → {r}" for p, r in (response or {}).items())
