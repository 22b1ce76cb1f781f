"""The loader on assessment files: the shipped ones are sound; broken ones are reported with file and line."""

from __future__ import annotations

import pytest

from app.config import PROJECT_ROOT
from app.curriculum.assessment_files import MAX_YAML_BYTES
from app.curriculum.loader import CurriculumInvalid, load_tree
from tests.factories import write_assessments, write_curriculum


def problems(content, assessments) -> list[str]:
    with pytest.raises(CurriculumInvalid) as caught:
        load_tree(content, assessments)
    return [str(p) for p in caught.value.problems]


def test_the_shipped_quizzes_have_banks_of_at_least_twice_the_draw_with_sources():
    loaded = load_tree(PROJECT_ROOT / "course_content", PROJECT_ROOT / "assessments")
    for code in ("M01", "M02"):
        module = next(m for m in loaded.modules if m.code == code)
        quiz = module.assessments.quiz
        assert len(quiz["questions"]) >= 2 * quiz["questions_per_attempt"], code
        assert all(q["explanation_html"] and q["source_html"] for q in quiz["questions"])
        assert {q["type"] for q in quiz["questions"]} >= {"single_choice", "multiple_response", "true_false"}
        assert module.assessments.assignment["anonymisation_declaration"]


def test_a_valid_set_loads(tmp_path):
    content = write_curriculum(tmp_path)
    module = load_tree(content, write_assessments(content)).modules[0]
    assert len(module.assessments.quiz["questions"]) == 6
    assert [c["key"] for c in module.assessments.assignment["criteria"]] == ["accuracy", "clarity"]
    assert module.assessments.assignment["thresholds"] == {"pass": 50, "merit": 60, "distinction": 70}
    assert [r["key"] for r in module.assessments.portfolio] == ["practice-hours", "supervision"]


def _break(tmp_path, name, find, replace):
    content = write_curriculum(tmp_path)
    assessments = write_assessments(content)
    path = assessments / "m01-module-1" / name
    text = path.read_text()
    assert find in text
    path.write_text(text.replace(find, replace, 1))
    return problems(content, assessments)


@pytest.mark.parametrize(
    "name, find, replace, expected",
    [
        (
            "quiz.yaml",
            "pass_mark: 75",
            "pass_mark: 175",
            "quiz.yaml:2: `pass_mark` must be a whole number from 1 to 100",
        ),
        (
            "quiz.yaml",
            "questions_per_attempt: 6",
            "questions_per_attempt: 60",
            "quiz.yaml:4: `questions_per_attempt` is 60 but the bank has only 6 questions",
        ),
        (
            "quiz.yaml",
            "feedback: after_each_attempt",
            "feedback: sometimes",
            "quiz.yaml:6: `feedback` must be one of",
        ),
        (
            "quiz.yaml",
            "    answer: a\n",
            "    answer: z\n",
            "quiz.yaml:13: `answer` must be one of the option keys",
        ),
        ("quiz.yaml", "type: true_false", "type: essay", "quiz.yaml:26: `type` must be one of"),
        ("quiz.yaml", "key: q-true", "key: q-single", "quiz.yaml:25: key `q-single` is also used on line 9"),
        ("quiz.yaml", "    accepted: [", "    acepted: [", "quiz.yaml:34: unknown key `acepted`"),
        (
            "quiz.yaml",
            "    items: [First, Second, Third, Fourth]",
            "    items: [First, Second]",
            "quiz.yaml:46: `items` must list at least 3 items",
        ),
        (
            "quiz.yaml",
            "review_due: 2099-07-31",
            "review_due: 2020-01-01",
            "quiz.yaml:17: `review_due` must be after",
        ),
        ("quiz.yaml", 'options: {a: "Right"', 'options: {a: "Right"]', "quiz.yaml:12: invalid YAML"),
        (
            "assignment.yaml",
            "weight: 60",
            "weight: 50",
            "assignment.yaml:7: criterion weights add up to 90, not 100",
        ),
        (
            "assignment.yaml",
            "word_limit: 100",
            "word_limit: lots",
            "assignment.yaml:3: `word_limit` must be a whole",
        ),
        ("assignment.yaml", 'fail: "Wrong.", ', "", "assignment.yaml:12: `bands` must describe each band"),
        (
            "portfolio.yaml",
            "unit: hours",
            "unit: minutes",
            "portfolio.yaml:4: `unit` must be one of: hours, items",
        ),
    ],
)
def test_broken_assessment_files_are_reported_at_their_line(tmp_path, name, find, replace, expected):
    found = _break(tmp_path, name, find, replace)
    assert any(p.startswith("assessments/m01-module-1/") and expected in p for p in found), found


def test_assessments_for_a_module_not_in_the_curriculum_are_reported(tmp_path):
    content = write_curriculum(tmp_path)
    assessments = write_assessments(content, module="m09-not-listed")
    assert (
        "assessments/m09-not-listed:1: `m09-not-listed` is not a module folder listed in curriculum.yaml"
        in (problems(content, assessments))
    )


def test_an_oversized_assessment_file_is_refused_with_the_limit(tmp_path):
    """A YAML file over the size limit is refused before it is parsed."""
    content = write_curriculum(tmp_path)
    assessments = write_assessments(content)
    quiz = assessments / "m01-module-1" / "quiz.yaml"
    with quiz.open("a") as padding:
        padding.write("#" * MAX_YAML_BYTES + "\n")
    size = quiz.stat().st_size
    assert problems(content, assessments) == [
        f"assessments/m01-module-1/quiz.yaml:1: the file is {size:,} bytes; quiz.yaml may be at most 1024 KiB"
    ]
