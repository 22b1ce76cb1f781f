"""The item-writing lint: what it flags in a quiz bank, and where (file:line)."""

import textwrap

from app.curriculum.item_lint import lint_bank


def _bank(*questions: str) -> str:
    return "title: Test\npass_mark: 80\nattempts: 3\nquestions_per_attempt: 1\nquestions:\n" + "".join(
        textwrap.indent(textwrap.dedent(q), "  ") for q in questions
    )


def _single(key: str, stem: str, options: dict[str, str], answer: str = "a") -> str:
    lines = [f"- key: {key}\n", "  type: single_choice\n", f'  stem: "{stem}"\n', "  options:\n"]
    lines += [f'    {k}: "{v}"\n' for k, v in options.items()]
    return "".join([*lines, f"  answer: {answer}\n"])


LONGEST_KEY = {"a": "The long and careful right answer", "b": "Short one", "c": "Another", "d": "Nope"}
BALANCED = {
    "a": "The right answer here",
    "b": "A wrong answer, as long",
    "c": "Another wrong one",
    "d": "x" * 20,
}


def test_a_bank_whose_key_is_always_the_longest_option_is_an_error_at_its_questions_line():
    text = _bank(*(_single(f"q{n}", f"Question {n}?", LONGEST_KEY) for n in range(4)))
    share, findings = lint_bank("assessments/m01/quiz.yaml", text, {})
    assert (share.single_choice, share.longest_key) == (4, 4)
    errors = [str(f) for f in findings if f.level == "error"]
    assert len(errors) == 1
    assert errors[0].startswith("error: assessments/m01/quiz.yaml:5: the key is the longest option in 100%")


def test_a_share_above_35_percent_warns_and_at_or_below_it_is_quiet():
    warned = _bank(
        *(_single(f"q{n}", f"Question {n}?", LONGEST_KEY if n < 2 else BALANCED) for n in range(5))
    )
    share, findings = lint_bank("b.yaml", warned, {})
    assert share.share == 0.4
    assert [f.level for f in findings if "longest option in" in f.message] == ["warning"]
    quiet = _bank(*(_single(f"q{n}", f"Question {n}?", LONGEST_KEY if n < 1 else BALANCED) for n in range(3)))
    assert not [f for f in lint_bank("b.yaml", quiet, {})[1] if "longest option in" in f.message]


def test_a_key_tied_for_longest_is_not_counted_as_the_longest():
    tied = {"a": "Same length A", "b": "Same length B", "c": "Short"}
    share, _ = lint_bank("b.yaml", _bank(_single("q", "Which?", tied)), {})
    assert share.longest_key == 0


def test_an_option_much_longer_than_the_others_is_flagged_on_its_own_line():
    options = {"a": "Yes", "b": "No", "c": "A very much longer option that stands right out from the rest"}
    _, findings = lint_bank("b.yaml", _bank(_single("q", "Which?", options)), {})
    assert any(f.line == 12 and "option `c`" in f.message for f in findings)


def test_all_or_none_of_the_above_is_flagged():
    options = {"a": "First option text", "b": "Second option text", "c": "None of the above"}
    _, findings = lint_bank("b.yaml", _bank(_single("q", "Which?", options)), {})
    assert any("none of the above" in f.message.lower() and f.line == 12 for f in findings)


def test_a_negative_question_needs_emphasis_but_a_negative_in_the_story_does_not():
    flagged = _single("q1", "Which of these is not a ground?", BALANCED)
    emphasised = _single("q2", "Which of these is **not** a ground?", BALANCED)
    capitals = _single("q3", "Which of these is NOT a reason?", BALANCED)
    story = _single("q4", "Sam could not leave. What should the IMSA do first?", BALANCED)
    _, findings = lint_bank("b.yaml", _bank(flagged, emphasised, capitals, story), {})
    negatives = [f for f in findings if "negatively worded" in f.message]
    assert [(f.path, f.line) for f in negatives] == [("b.yaml", 8)]


def test_a_stem_asked_twice_is_flagged_with_where_it_was_first_asked_even_in_another_bank():
    seen: dict[str, str] = {}
    lint_bank("one.yaml", _bank(_single("q1", "What is the NRM?", BALANCED)), seen)
    _, findings = lint_bank("two.yaml", _bank(_single("q1", "What is the  NRM ?", BALANCED)), seen)
    assert any(str(f) == "warning: two.yaml:8: the same stem is asked at one.yaml:8" for f in findings)
