"""The curriculum loader: valid trees load and hash; broken files are reported with file and line."""

from __future__ import annotations

import pytest

from app.config import PROJECT_ROOT
from app.curriculum.loader import MAX_MARKDOWN_BYTES, CurriculumInvalid, load_tree
from tests.factories import write_curriculum


def problems_of(content) -> list[str]:
    with pytest.raises(CurriculumInvalid) as caught:
        load_tree(content)
    return [str(p) for p in caught.value.problems]


def test_the_shipped_curriculum_is_valid_and_has_m01_and_m02():
    loaded = load_tree(PROJECT_ROOT / "course_content", PROJECT_ROOT / "assessments")
    assert [m.code for m in loaded.modules][:2] == ["M01", "M02"]
    assert all(m.lessons for m in loaded.modules)  # the content itself is checked in test_content.py


def test_a_valid_tree_loads_in_order_with_rendered_html(tmp_path):
    loaded = load_tree(write_curriculum(tmp_path, modules=2, lessons=3))
    assert [m.code for m in loaded.modules] == ["M01", "M02"]
    lesson = loaded.modules[0].lessons[0]
    assert (lesson.slug, lesson.position, lesson.title) == ("lesson-1", 1, "Lesson 1.1")
    assert '<h2 id="section">Section</h2>' in lesson.html
    assert 'class="footnote"' in lesson.html


def test_the_hash_changes_when_any_file_changes(tmp_path):
    content = write_curriculum(tmp_path)
    before = load_tree(content).content_hash
    assert load_tree(content).content_hash == before
    lesson = content / "m02-module-2" / "lessons" / "02-lesson-2.md"
    lesson.write_text(lesson.read_text().replace("Text of", "Changed text of"))
    assert load_tree(content).content_hash != before


def test_invalid_yaml_names_the_file_and_line(tmp_path):
    content = write_curriculum(tmp_path)
    module = content / "m01-module-1" / "module.md"
    module.write_text(module.read_text().replace("study_hours: 10", "study_hours: [10"))
    assert any(
        p.startswith("course_content/m01-module-1/module.md:") and "invalid YAML" in p
        for p in problems_of(content)
    )


@pytest.mark.parametrize(
    ("find", "replace", "expected"),
    [
        ("study_hours: 10", "study_hours: ten", "module.md:5: `study_hours` must be a whole number"),
        ("code: M01", "code: Module1", "module.md:2: `code` must look like M01"),
        ("summary: What module 1 is about.\n", "", "module.md:2: `summary` is required"),
        ("study_hours: 10", "study_hours: 10\ncolour: blue", "module.md:6: unknown key `colour`"),
        ("  - Explain topic 1.", "  - 42", "module.md:6: `learning_outcomes` must be a list"),
    ],
)
def test_module_front_matter_problems_are_reported_at_their_line(tmp_path, find, replace, expected):
    content = write_curriculum(tmp_path)
    module = content / "m01-module-1" / "module.md"
    module.write_text(module.read_text().replace(find, replace))
    problems = problems_of(content)
    assert any(p.startswith("course_content/m01-module-1/") and expected in p for p in problems), problems


@pytest.mark.parametrize(
    ("find", "replace", "expected"),
    [
        ("law_as_at: 2026-01-31", "law_as_at: 31/01/2026", "01-lesson-1.md:3: `law_as_at` must be a date"),
        ("review_due: 2099-07-31\n", "", "01-lesson-1.md:3: `review_due` is required when `law_as_at`"),
        ("review_due: 2099-07-31", "review_due: 2020-01-01", "01-lesson-1.md:4: `review_due` must be after"),
        ("## Section", "# Section", "01-lesson-1.md:6: use `##` for sections"),
        ("title: Lesson 1.1", "title: ''", "01-lesson-1.md:2: `title` must be non-empty text"),
    ],
)
def test_lesson_problems_are_reported_at_their_line(tmp_path, find, replace, expected):
    content = write_curriculum(tmp_path)
    lesson = content / "m01-module-1" / "lessons" / "01-lesson-1.md"
    lesson.write_text(lesson.read_text().replace(find, replace))
    problems = problems_of(content)
    assert any(expected in p for p in problems), problems


def test_missing_front_matter_and_badly_named_lessons_are_reported(tmp_path):
    content = write_curriculum(tmp_path)
    lessons = content / "m02-module-2" / "lessons"
    (lessons / "01-lesson-1.md").write_text("No front matter here.\n")
    (lessons / "Third Lesson.md").write_text("---\ntitle: x\n---\nText\n")
    problems = problems_of(content)
    assert (
        "course_content/m02-module-2/lessons/01-lesson-1.md:1: the file must start with YAML front matter"
        in " ".join(problems)
    )
    assert any("Third Lesson.md:1: lesson files are named NN-slug.md" in p for p in problems)


def test_a_module_listed_but_missing_is_reported_on_its_curriculum_yaml_line(tmp_path):
    content = write_curriculum(tmp_path)
    yaml_file = content / "curriculum.yaml"
    yaml_file.write_text(
        yaml_file.read_text().replace("  - m02-module-2\n", "  - m02-module-2\n  - m03-missing\n")
    )
    assert "course_content/curriculum.yaml:6: module folder `m03-missing` does not exist" in problems_of(
        content
    )


def test_every_problem_is_reported_at_once_not_just_the_first(tmp_path):
    content = write_curriculum(tmp_path)
    for folder in ("m01-module-1", "m02-module-2"):
        module = content / folder / "module.md"
        module.write_text(module.read_text().replace("study_hours: 10", "study_hours: -1"))
    assert len(problems_of(content)) == 2


def test_scripts_in_lesson_markdown_are_removed_when_loaded(tmp_path):
    content = write_curriculum(tmp_path)
    lesson = content / "m01-module-1" / "lessons" / "01-lesson-1.md"
    lesson.write_text(lesson.read_text() + '\n<script>steal()</script>\n\n<img src=x onerror="steal()">\n')
    html = load_tree(content).modules[0].lessons[0].html
    assert "<script" not in html and "onerror" not in html and "<img" not in html


def test_an_oversized_lesson_is_refused_with_the_limit(tmp_path):
    """A lesson over the size limit (a pasted export, a binary) is refused before it is rendered."""
    content = write_curriculum(tmp_path)
    lesson = content / "m01-module-1" / "lessons" / "01-lesson-1.md"
    text = lesson.read_text()
    lesson.write_text(text + "x" * (MAX_MARKDOWN_BYTES - len(text.encode()) + 1))
    assert problems_of(content) == [
        "course_content/m01-module-1/lessons/01-lesson-1.md:1: "
        f"the file is {MAX_MARKDOWN_BYTES + 1:,} bytes; a lesson may be at most 256 KiB"
    ]


def test_a_duplicate_key_is_reported_even_when_the_values_agree(tmp_path):
    """Whatever the values, a key given twice is a mistake: the later line names the earlier."""
    content = write_curriculum(tmp_path)
    module = content / "m02-module-2" / "module.md"
    module.write_text(module.read_text().replace("code: M02\n", "code: M02\ncode: M02\n"))
    assert problems_of(content) == [
        "course_content/m02-module-2/module.md:3: duplicate key `code`: it is also given at "
        "course_content/m02-module-2/module.md:2"
    ]
