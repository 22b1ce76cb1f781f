"""Honest legal currency (issue #15): review records in reviews.yaml, the state on the lesson page, the
Hub's page grouped by state and module, and withholding long-overdue questions from new quiz draws."""

from __future__ import annotations

import pytest

from app.audit.models import AuditEvent
from app.auth.models import Role
from app.curriculum import services
from app.curriculum.loader import CurriculumInvalid, load_tree
from app.curriculum.models import QuestionWithholding
from app.database import db
from app.learning.quizzes import draw
from tests.conftest import post_form, sign_in
from tests.factories import make_cohort, make_enrolment, make_user, write_assessments, write_curriculum

BANK_SIZE = 6  # questions in the factory bank (tests/factories.py QUIZ_YAML)
RECORD = """\
lessons:
  m01-module-1/lessons/01-lesson-1.md:
    source_checks:
      - date: 2026-12-03
        by: content team (automated session)
        sources: [legislation.gov.uk]
        statements: the example section
        whole_lesson: true
"""


def _tree(tmp_path, reviews: str | None = None, overdue: bool = True, **assessments):
    content = write_curriculum(tmp_path)
    if overdue:
        for path in content.rglob("*.md"):
            path.write_text(path.read_text().replace("review_due: 2099-07-31", "review_due: 2026-07-31"))
    folder = write_assessments(content, **assessments)
    if reviews is not None:
        (content / "reviews.yaml").write_text(reviews)
    return content, folder


def _published(content, assessments):
    version = services.load(content, assessments).version
    services.publish(version)
    db.session.commit()
    return version


def test_a_record_for_a_lesson_that_does_not_exist_is_a_problem_at_its_line(app, tmp_path):
    content, folder = _tree(tmp_path, RECORD.replace("01-lesson-1.md", "09-no-such-lesson.md"))
    with pytest.raises(CurriculumInvalid) as invalid:
        load_tree(content, folder)
    assert [str(p) for p in invalid.value.problems] == [
        "course_content/reviews.yaml:2: no lesson file `m01-module-1/lessons/09-no-such-lesson.md` in the "
        "curriculum: rename or remove this record"
    ]


def test_a_check_without_its_sources_or_with_a_future_date_is_refused_on_its_line(app, tmp_path):
    broken = RECORD.replace("date: 2026-12-03", "date: 2999-01-01").replace(
        "sources: [legislation.gov.uk]", "sources: []"
    )
    content, folder = _tree(tmp_path, broken)
    with pytest.raises(CurriculumInvalid) as invalid:
        load_tree(content, folder)
    messages = [str(p) for p in invalid.value.problems]
    assert messages[0].startswith("course_content/reviews.yaml:4: `date` is in the future")
    assert messages[1].startswith("course_content/reviews.yaml:6: `sources` must list each source")


def test_the_lesson_page_says_what_was_checked_against_what_and_that_sign_off_is_pending(client, tmp_path):
    content, folder = _tree(tmp_path, RECORD)
    version = _published(content, folder)
    enrolment = make_enrolment(make_cohort(version))
    sign_in(client, enrolment.user)
    checked = client.get("/learn/m01-module-1/lesson-1").get_data(as_text=True)
    assert "Source-checked on 3 December 2026 against legislation.gov.uk; expert sign-off pending." in checked
    assert "Review overdue" not in checked
    overdue = client.get("/learn/m01-module-1/lesson-2").get_data(as_text=True)
    assert "Review overdue" in overdue and "was due for a legal review on 31 July 2026" in overdue


def test_a_lesson_with_a_content_note_offers_exit_this_page_and_a_heavy_one_ends_with_aftercare(
    client, tmp_path
):
    content, folder = _tree(tmp_path)
    lesson = content / "m01-module-1" / "lessons" / "01-lesson-1.md"
    lesson.write_text(
        lesson.read_text().replace(
            "title: Lesson 1.1\n", "title: Lesson 1.1\ncontent_note: Hard.\naftercare: true\n"
        )
    )
    version = _published(content, folder)
    sign_in(client, make_enrolment(make_cohort(version)).user)
    heavy = client.get("/learn/m01-module-1/lesson-1").get_data(as_text=True)
    assert 'data-module="govuk-exit-this-page"' in heavy and "Look after yourself" in heavy
    assert "employee assistance programme" in heavy
    plain = client.get("/learn/m01-module-1/lesson-2").get_data(as_text=True)
    assert "govuk-exit-this-page" not in plain and "Look after yourself" not in plain


def _bank_with_overdue_questions(tmp_path, drawn: int = 5):
    """The factory bank with one question past its review date since 2026-02-28."""
    content, folder = _tree(tmp_path, overdue=False, drawn=drawn)
    bank = folder / "m01-module-1" / "quiz.yaml"
    bank.write_text(bank.read_text().replace("review_due: 2099-07-31", "review_due: 2026-02-28"))
    return _published(content, folder)


def test_the_hub_sees_how_many_questions_would_be_withheld_before_turning_it_on(client, tmp_path):
    version = _bank_with_overdue_questions(tmp_path)
    sign_in(client, make_user(Role.HUB_ADMIN))
    page = client.get("/curriculum/review-due").get_data(as_text=True)
    assert "Off" in page and "With 90 days, <strong>1 question</strong> would be left out" in page
    assert "Withhold these 1 question (90 days)" in page
    assert "With 365 days, <strong>0 questions</strong>" in client.get(
        "/curriculum/review-due?overdue_days=365"
    ).get_data(as_text=True)
    assert services.withholding(version) is None  # seeing the count changes nothing


def test_turning_withholding_on_leaves_overdue_questions_out_of_new_draws_and_is_recorded(client, tmp_path):
    version = _bank_with_overdue_questions(tmp_path)
    admin = make_user(Role.HUB_ADMIN)
    sign_in(client, admin)
    response = post_form(
        client, f"/curriculum/{version.content_hash}/withholding", {"action": "on", "overdue_days": "90"}
    )
    assert response.status_code == 302
    quiz = version.modules[0].quiz
    assert services.withheld_from_draws(quiz) == {"q-single"}
    drawn = {q["key"] for seed in range(20) for q in draw(quiz, seed, frozenset({"q-single"}))}
    assert "q-single" not in drawn
    assert db.session.scalar(
        db.select(AuditEvent.action).where(AuditEvent.action == "curriculum.withholding_on")
    )
    post_form(client, f"/curriculum/{version.content_hash}/withholding", {"action": "off"})
    assert services.withholding(version) is None and services.withheld_from_draws(quiz) == set()


def test_withholding_is_refused_on_its_field_when_a_bank_would_be_too_small_for_an_attempt(app, tmp_path):
    version = _bank_with_overdue_questions(tmp_path, drawn=BANK_SIZE)  # every question is needed
    with pytest.raises(services.WithholdingRefused) as refused:
        services.set_withholding(version, 0, make_user(Role.HUB_ADMIN))
    assert refused.value.field == "overdue_days"
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(QuestionWithholding.id))) == 0


def test_a_typed_period_that_is_not_a_number_is_shown_on_the_field_with_what_was_typed(client, tmp_path):
    _bank_with_overdue_questions(tmp_path)
    sign_in(client, make_user(Role.HUB_ADMIN))
    page = client.get("/curriculum/review-due?overdue_days=ninety").get_data(as_text=True)
    assert "Enter the number of days as a whole number" in page and 'value="ninety"' in page


def test_validate_says_which_lessons_are_partly_checked_and_which_are_overdue(runner, tmp_path):
    content, _ = _tree(tmp_path, RECORD.replace("whole_lesson: true", "whole_lesson: false"))
    result = runner.invoke(args=["curriculum", "validate", "--content", str(content)])
    assert result.exit_code == 0
    lesson = "course_content/m01-module-1/lessons/01-lesson-1.md"
    assert f"warning: {lesson}: some statements source-checked on 2026-12-03; the rest" in result.output
    assert (
        "warning: course_content/m01-module-1/lessons/02-lesson-2.md: its legal review was due on 2026-07-31"
        in (result.output)
    )


def test_turning_withholding_on_twice_records_it_once(client, tmp_path):
    version = _bank_with_overdue_questions(tmp_path)
    sign_in(client, make_user(Role.HUB_ADMIN))
    for _ in range(2):
        post_form(
            client, f"/curriculum/{version.content_hash}/withholding", {"action": "on", "overdue_days": "90"}
        )
    events = db.select(db.func.count(AuditEvent.id)).where(AuditEvent.action == "curriculum.withholding_on")
    assert db.session.scalar(events) == 1
