"""Curriculum versions: stored once per content hash, frozen when published, managed from the CLI."""

from __future__ import annotations

import pytest

from app.curriculum import services
from app.curriculum.currency import Currency
from app.curriculum.models import CurriculumVersion, Lesson, Module, PublishedVersionError
from app.database import db
from tests.factories import make_version, write_assessments, write_curriculum


def test_loading_the_same_tree_twice_stores_one_version(app, tmp_path):
    content = write_curriculum(tmp_path)
    first = services.load(content, None)
    db.session.commit()
    second = services.load(content, None)
    assert first.created and not second.created
    assert second.version.id == first.version.id
    assert db.session.scalar(db.select(db.func.count(CurriculumVersion.id))) == 1


def test_a_published_version_cannot_be_edited(app, tmp_path):
    version = make_version(tmp_path)
    lesson = version.modules[0].lessons[0]
    lesson.html = "<p>quietly changed</p>"
    with pytest.raises(PublishedVersionError):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(Lesson, lesson.id).html != "<p>quietly changed</p>"


@pytest.mark.parametrize("target", ["version", "module", "lesson"])
def test_a_published_version_and_its_content_cannot_be_deleted(app, tmp_path, target):
    version = make_version(tmp_path)
    obj = {"version": version, "module": version.modules[0], "lesson": version.modules[0].lessons[0]}[target]
    db.session.delete(obj)
    with pytest.raises(PublishedVersionError):
        db.session.flush()
    db.session.rollback()


def test_nothing_can_be_added_to_a_published_version(app, tmp_path):
    version = make_version(tmp_path)
    module = version.modules[0]
    db.session.add(
        Lesson(
            module=module,
            position=99,
            slug="sneaky",
            title="Sneaky",
            html="",
            word_count=0,
            source_path="x",
            content_hash="0" * 64,
        )
    )
    with pytest.raises(PublishedVersionError):
        db.session.flush()
    db.session.rollback()


def test_a_draft_can_be_replaced_but_a_changed_published_label_is_refused(app, tmp_path):
    content = write_curriculum(tmp_path)
    draft = services.load(content, None).version
    db.session.commit()
    lesson = content / "m01-module-1" / "lessons" / "01-lesson-1.md"
    lesson.write_text(lesson.read_text() + "\nMore text.\n")
    replacement = services.load(content, None).version
    db.session.commit()
    assert replacement.content_hash != draft.content_hash
    assert db.session.scalar(db.select(db.func.count(CurriculumVersion.id))) == 1

    services.publish(replacement)
    db.session.commit()
    lesson.write_text(lesson.read_text() + "\nEven more.\n")
    with pytest.raises(services.VersionConflict, match=r"change `version` in curriculum\.yaml"):
        services.load(content, None)
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(Module.id))) == 2


def test_cli_validate_names_file_and_line_and_exits_non_zero(runner, tmp_path):
    content = write_curriculum(tmp_path)
    module = content / "m02-module-2" / "module.md"
    module.write_text(module.read_text().replace("study_hours: 10", "study_hours: lots"))
    result = runner.invoke(args=["curriculum", "validate", "--content", str(content)])
    assert result.exit_code == 1
    assert (
        "error: course_content/m02-module-2/module.md:5: `study_hours` must be a whole number"
        in result.output
    )


def test_cli_load_publish_and_diff(runner, tmp_path):
    content = write_curriculum(tmp_path)
    loaded = runner.invoke(args=["curriculum", "load", "--content", str(content)])
    assert loaded.exit_code == 0 and "loaded: curriculum test.1 (draft)" in loaded.output
    published = runner.invoke(args=["curriculum", "publish", "test.1"])
    assert published.exit_code == 0 and "published" in published.output
    assert "no changes" in runner.invoke(args=["curriculum", "diff", "--content", str(content)]).output

    (content / "m01-module-1" / "lessons" / "03-lesson-3.md").write_text(
        "---\ntitle: New\n---\nNew lesson.\n"
    )
    lesson = content / "m02-module-2" / "lessons" / "01-lesson-1.md"
    lesson.write_text(lesson.read_text() + "\nChanged.\n")
    diff = runner.invoke(args=["curriculum", "diff", "--content", str(content)]).output
    assert "+ course_content/m01-module-1/lessons/03-lesson-3.md" in diff
    assert "~ course_content/m02-module-2/lessons/01-lesson-1.md" in diff

    refused = runner.invoke(args=["curriculum", "load", "--content", str(content)])
    assert refused.exit_code == 1 and "is published with other content" in refused.output


def test_cli_load_of_a_broken_tree_stores_nothing(runner, tmp_path):
    content = write_curriculum(tmp_path)
    (content / "m01-module-1" / "module.md").write_text("---\ncode: [\n---\n")
    result = runner.invoke(args=["curriculum", "load", "--content", str(content)])
    assert result.exit_code == 1 and "nothing was loaded" in result.output
    assert db.session.scalar(db.select(db.func.count(CurriculumVersion.id))) == 0


def test_hub_admin_publishes_a_draft_from_the_web(app, client, tmp_path):
    from app.auth.models import Role
    from tests.conftest import post_form, sign_in
    from tests.factories import make_user

    version = make_version(tmp_path, publish=False)
    sign_in(client, make_user(Role.HUB_ADMIN))
    assert "Draft" in client.get("/curriculum/").get_data(as_text=True)
    response = post_form(client, f"/curriculum/{version.content_hash}/publish", follow_redirects=True)
    assert "is published and can no longer change" in response.get_data(as_text=True)
    db.session.refresh(version)
    assert version.is_published


def test_cli_validate_warns_about_lessons_past_their_legal_review(runner, tmp_path):
    content = write_curriculum(tmp_path)
    lesson = content / "m01-module-1" / "lessons" / "02-lesson-2.md"
    lesson.write_text(lesson.read_text().replace("review_due: 2099-07-31", "review_due: 2026-02-28"))
    result = runner.invoke(args=["curriculum", "validate", "--content", str(content)])
    assert result.exit_code == 0
    path = "course_content/m01-module-1/lessons/02-lesson-2.md"
    expected = f"warning: {path}: its legal review was due on 2026-02-28"
    assert expected in result.output


def test_hub_admins_see_content_due_for_legal_review(client, tmp_path):
    from app.auth.models import Role
    from tests.conftest import sign_in
    from tests.factories import make_assessed_version, make_user

    content = write_curriculum(tmp_path / "tree", version="due.1")
    lesson = content / "m02-module-2" / "lessons" / "01-lesson-1.md"
    lesson.write_text(lesson.read_text().replace("review_due: 2099-07-31", "review_due: 2026-02-28"))
    version = services.load(content, None).version
    services.publish(version)
    make_assessed_version(tmp_path / "other", version="due.2")  # its questions are due in 2099
    db.session.commit()
    grouped = services.review_overview(version).by_state()
    assert [(state, [i.name for i in items]) for state, _, items in grouped] == [
        (Currency.OVERDUE, ["Lesson 2.1"]),
        (Currency.IN_DATE, ["Lesson 1.1", "Lesson 1.2", "Lesson 2.2"]),
    ]
    sign_in(client, make_user(Role.HUB_ADMIN))
    page = client.get("/curriculum/review-due").get_data(as_text=True)
    assert "Lesson: Lesson 2.1" in page and "Review overdue: 1 item" in page and "In date: 3 items" in page
    assert "was due for a legal review on 28 February 2026" in page


@pytest.mark.parametrize(
    ("file", "find", "replace", "first", "again"),
    [
        (
            "course_content/curriculum.yaml",
            "title: Test curriculum\n",
            "title: Test curriculum\ntitle: Two\n",
            2,
            3,
        ),
        (
            "course_content/m01-module-1/module.md",
            "study_hours: 10\n",
            "study_hours: 10\nstudy_hours: 12\n",
            5,
            6,
        ),
        (
            "course_content/m01-module-1/lessons/01-lesson-1.md",
            "law_as_at: 2026-01-31\n",
            "law_as_at: 2026-01-31\nlaw_as_at: 2026-02-28\n",
            3,
            4,
        ),
        (  # nested in a question of the bank
            "assessments/m01-module-1/quiz.yaml",
            '    stem: "This is true."\n',
            '    stem: "This is true."\n    stem: "This is false."\n',
            27,
            28,
        ),
        (  # both on one line, in a flow mapping
            "assessments/m01-module-1/assignment.yaml",
            'fail: "Wrong.", ',
            'fail: "Wrong.", fail: "Also wrong.", ',
            12,
            12,
        ),
    ],
)
def test_cli_validate_reports_a_duplicate_key_at_both_of_its_lines(
    runner, tmp_path, file, find, replace, first, again
):
    """YAML would quietly keep the last of two equal keys; the loader refuses it, naming both lines."""
    content = write_curriculum(tmp_path)
    write_assessments(content)
    path = tmp_path / file
    assert find in path.read_text()
    path.write_text(path.read_text().replace(find, replace, 1))
    result = runner.invoke(args=["curriculum", "validate", "--content", str(content)])
    assert result.exit_code == 1
    key = find.strip().split(":")[0].strip('"')
    assert (
        f"error: {file}:{again}: duplicate key `{key}`: it is also given at {file}:{first}" in result.output
    )


def test_cli_validate_passes_the_test_tree_with_its_assessments(runner, tmp_path):
    """The trees the duplicate-key cases start from are valid as written."""
    content = write_curriculum(tmp_path)
    write_assessments(content)
    result = runner.invoke(args=["curriculum", "validate", "--content", str(content)])
    assert result.exit_code == 0 and "ok: curriculum test.1" in result.output


def test_cli_validate_prints_each_banks_longest_key_share_and_fails_a_bank_whose_key_is_always_longest(
    runner, tmp_path
):
    content = write_curriculum(tmp_path)
    bank = write_assessments(content) / "m01-module-1" / "quiz.yaml"
    fine = runner.invoke(args=["curriculum", "validate", "--content", str(content)])
    assert fine.exit_code == 0
    assert "lint: assessments/m01-module-1/quiz.yaml: the key is the longest option in 0 of 1" in fine.output

    bank.write_text(bank.read_text().replace('a: "Right"', 'a: "Right, and the longest"'))
    result = runner.invoke(args=["curriculum", "validate", "--content", str(content)])
    assert result.exit_code == 1
    assert (
        "error: assessments/m01-module-1/quiz.yaml:8: the key is the longest option in 100%" in result.output
    )
