"""The shipped curriculum, checked as content: complete, sourced, dated and consistent (issue #7)."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from app.config import PROJECT_ROOT
from app.curriculum.loader import load_tree
from app.curriculum.review import REVIEW_FILE, recorded_reviews, render, review_items

CONTENT, ASSESSMENTS = PROJECT_ROOT / "course_content", PROJECT_ROOT / "assessments"
TREE = load_tree(CONTENT, ASSESSMENTS)
MODULES = {m.code: m for m in TREE.modules}
QUESTIONS = [(m.code, q) for m in TREE.modules if m.assessments.quiz for q in m.assessments.quiz["questions"]]


def test_every_module_has_outcomes_lessons_and_an_assessment():
    for module in TREE.modules:
        assert module.learning_outcomes, module.code
        assert 3 <= len(module.lessons) <= 6 or module.code in ("M01", "M02"), module.code
        assessed = module.assessments
        assert assessed.quiz or assessed.assignment or assessed.portfolio, module.code


def test_no_lesson_is_under_500_words():
    short = [(ls.source_path, ls.word_count) for m in TREE.modules for ls in m.lessons if ls.word_count < 500]
    assert short == []


def test_lessons_that_state_law_say_when_it_was_true():
    for module in TREE.modules:
        for lesson in module.lessons:
            if "legislation.gov.uk" in lesson.html:
                assert lesson.law_as_at and lesson.review_due, lesson.source_path


@pytest.mark.parametrize("code, question", QUESTIONS, ids=[q["key"] for _, q in QUESTIONS])
def test_every_question_has_an_explanation_a_source_and_dates(code, question):
    assert question["explanation_html"].strip() and question["source_html"].strip()
    assert question["law_as_at"] and question["review_due"], question["key"]


def test_quiz_banks_are_at_least_twice_the_draw_and_never_repeat_a_question():
    for module in TREE.modules:
        quiz = module.assessments.quiz
        if not quiz:
            continue
        assert len(quiz["questions"]) >= max(20, 2 * quiz["questions_per_attempt"]), module.code
        stems = Counter(re.sub(r"\W+", " ", q["stem_html"]).strip().lower() for q in quiz["questions"])
        assert [s for s, n in stems.items() if n > 1] == [], module.code


def test_every_rubric_adds_up_to_100():
    for module in TREE.modules:
        if module.assessments.assignment:
            assert sum(c["weight"] for c in module.assessments.assignment["criteria"]) == 100, module.code


def test_every_internal_link_resolves():
    for module in TREE.modules:
        for page in [module.intro_html, *(ls.html for ls in module.lessons)]:
            ids = set(re.findall(r'id="([^"]+)"', page))
            for target in re.findall(r'href="#([^"]+)"', page):
                assert target in ids, (module.code, target)
            for href in re.findall(r'href="(?!https?:|mailto:|#)([^"]+)"', page):
                pytest.fail(f"{module.code}: a relative link ({href}) cannot be resolved from a lesson page")


def test_the_accreditation_rule_names_real_modules():
    rule = TREE.accreditation_rule
    for code in rule["requires"]["modules_passed"]:
        assert code in MODULES, code
    assert rule["validity_years"] == 3
    assert MODULES[rule["requires"]["portfolio"]].assessments.portfolio


def test_the_review_list_is_up_to_date():
    """Every hedged statement is listed for the subject experts (run `imsa curriculum review-list`)."""
    expected = render(review_items(CONTENT, ASSESSMENTS), recorded_reviews(CONTENT))
    assert (CONTENT / REVIEW_FILE).read_text(encoding="utf-8") == expected
