"""Each question type: what counts as an answer, and how it scores (partial credit included)."""

from __future__ import annotations

import random

import pytest
from werkzeug.datastructures import MultiDict

from app.assessments.question_types import REGISTRY, InvalidAnswer

SINGLE = {"key": "s", "type": "single_choice", "options": {"a": "A", "b": "B", "c": "C"}, "answer": "b"}
MULTIPLE = {
    "key": "m",
    "type": "multiple_response",
    "options": {"a": "A", "b": "B", "c": "C", "d": "D"},
    "answer": ["a", "b"],
}
TRUE_FALSE = {"key": "t", "type": "true_false", "answer": False}
SHORT = {"key": "x", "type": "short_text", "accepted": ["Forced labour", "forced or compulsory labour"]}
MATCHING = {
    "key": "p",
    "type": "matching",
    "pairs": {"Wales": "Cardiff", "Scotland": "Edinburgh", "NI": "Belfast"},
}
ORDERING = {"key": "o", "type": "ordering", "items": ["one", "two", "three", "four"]}


def layout(question, seed=1):
    return REGISTRY[question["type"]].layout(question, random.Random(seed), True)


def answer(question, lay, **fields):
    form = MultiDict()
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            form.add(name, item)
    kind = REGISTRY[question["type"]]
    return kind.score(question, kind.parse(question, lay, form))


def test_single_choice_scores_the_right_option_only():
    lay = layout(SINGLE)
    assert sorted(lay["options"]) == ["a", "b", "c"]
    assert answer(SINGLE, lay, answer="b") == 1
    assert answer(SINGLE, lay, answer="a") == 0


@pytest.mark.parametrize(
    "chosen, expected",
    [
        (["a", "b"], 1.0),  # both right
        (["a"], 0.5),  # one of two right
        (["a", "c"], 0.0),  # one right, one wrong: +1/2 - 1/2
        (["a", "b", "c"], 0.5),  # both right, one wrong
        (["c", "d"], 0.0),  # never below zero
        (["a", "b", "c", "d"], 0.0),
    ],
)
def test_multiple_response_partial_credit(chosen, expected):
    assert answer(MULTIPLE, layout(MULTIPLE), answer=chosen) == pytest.approx(expected)


def test_true_false():
    assert answer(TRUE_FALSE, {}, answer="false") == 1
    assert answer(TRUE_FALSE, {}, answer="true") == 0


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("forced labour", 1),
        ("  FORCED   Labour ", 1),
        ("Forced or compulsory  labour", 1),
        ("Forced labour.", 1),
        ("\u201cForced labour\u201d", 1),
        ("forced labour!", 1),
        ("forced-labour", 0),
        ("labour", 0),
    ],
)
def test_short_text_ignores_case_spaces_quotes_and_end_punctuation(typed, expected):
    assert answer(SHORT, {}, answer=typed) == expected


def test_short_text_keeps_brackets_that_carry_meaning():
    section = {"key": "x", "type": "short_text", "accepted": ["189(1)(c)"]}
    assert answer(section, {}, answer="189(1)(c).") == 1
    assert answer(section, {}, answer="189(1)") == 0


def test_matching_gives_credit_per_correct_pair():
    lay = layout(MATCHING)
    index = {response: str(n) for n, response in enumerate(lay["responses"])}
    pairs = MATCHING["pairs"]
    all_right = {f"match-{n}": index[pairs[prompt]] for n, prompt in enumerate(lay["prompts"])}
    assert answer(MATCHING, lay, **all_right) == 1
    prompts = lay["prompts"]
    swapped = dict(all_right)
    swapped["match-0"], swapped["match-1"] = index[pairs[prompts[1]]], index[pairs[prompts[0]]]
    assert answer(MATCHING, lay, **swapped) == pytest.approx(1 / 3)


def test_ordering_needs_the_whole_order_and_is_never_shown_in_order():
    for seed in range(20):
        assert layout(ORDERING, seed)["items"] != ORDERING["items"]
    lay = layout(ORDERING)
    right = {f"position-{n}": str(ORDERING["items"].index(item) + 1) for n, item in enumerate(lay["items"])}
    assert answer(ORDERING, lay, **right) == 1
    wrong = dict(right)
    wrong["position-0"], wrong["position-1"] = right["position-1"], right["position-0"]
    assert answer(ORDERING, lay, **wrong) == 0


@pytest.mark.parametrize(
    "question, fields",
    [
        (SINGLE, {}),
        (SINGLE, {"answer": "z"}),
        (SINGLE, {"answer": ["a", "b"]}),
        (MULTIPLE, {}),
        (MULTIPLE, {"answer": ["a", "a"]}),
        (MULTIPLE, {"answer": ["a", "nope"]}),
        (TRUE_FALSE, {"answer": "maybe"}),
        (SHORT, {"answer": "   "}),
        (SHORT, {"answer": "x" * 201}),
        (MATCHING, {"match-0": "0"}),
        (MATCHING, {"match-0": "9", "match-1": "0", "match-2": "1"}),
        (MATCHING, {"match-0": "-1", "match-1": "0", "match-2": "1"}),
        (ORDERING, {"position-0": "1", "position-1": "1", "position-2": "2", "position-3": "3"}),
        (ORDERING, {"position-0": "1"}),
        (ORDERING, {"position-0": "one", "position-1": "2", "position-2": "3", "position-3": "4"}),
    ],
)
def test_malformed_answers_are_refused_with_a_message(question, fields):
    with pytest.raises(InvalidAnswer) as refused:
        answer(
            question,
            layout(question) if question is not TRUE_FALSE and question is not SHORT else {},
            **fields,
        )
    assert str(refused.value)


def test_unanswered_questions_score_nothing():
    for question in (SINGLE, MULTIPLE, TRUE_FALSE, SHORT, MATCHING, ORDERING):
        assert REGISTRY[question["type"]].score(question, None) == 0


def test_every_type_has_a_template():
    from app.config import PROJECT_ROOT

    folder = PROJECT_ROOT / "app/learning/templates/learning/questions"
    assert {p.stem for p in folder.glob("*.html")} == set(REGISTRY)
