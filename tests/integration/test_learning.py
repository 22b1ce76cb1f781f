"""The trainee's journey: modules and lessons, marking lessons complete, progress kept."""

from __future__ import annotations

import sqlalchemy as sa

from app.auth.models import Role
from app.database import db
from app.learning.models import LessonProgress
from tests.conftest import post_form, sign_in
from tests.factories import make_cohort, make_enrolment, make_user, make_version


def _trainee_in_cohort(tmp_path, **tree):
    version = make_version(tmp_path, **tree)
    enrolment = make_enrolment(make_cohort(version))
    return enrolment, version


def test_the_dashboard_lists_modules_with_status_and_overall_progress(client, tmp_path):
    enrolment, _version = _trainee_in_cohort(tmp_path, modules=2, lessons=2)
    sign_in(client, enrolment.user)
    body = client.get("/learn/").get_data(as_text=True)
    assert "M01: Module 1" in body and "M02: Module 2" in body
    assert "You have completed 0 of 4 lessons (0%)" in body
    assert body.count("Not started") == 2


def test_opening_a_lesson_puts_its_module_in_progress(client, tmp_path):
    enrolment, _version = _trainee_in_cohort(tmp_path)
    sign_in(client, enrolment.user)
    page = client.get("/learn/m01-module-1/lesson-1")
    assert page.status_code == 200 and "Lesson 1.1" in page.get_data(as_text=True)
    assert "In progress" in client.get("/learn/").get_data(as_text=True)


def test_marking_lessons_complete_is_kept_after_signing_out_and_in(client, tmp_path):
    enrolment, _version = _trainee_in_cohort(tmp_path, modules=1, lessons=2)
    user = enrolment.user
    sign_in(client, user)
    response = post_form(client, "/learn/m01-module-1/lesson-1/complete", {"completed": "yes"})
    assert response.location == "/learn/m01-module-1/lesson-2"  # on to the next lesson
    post_form(client, "/learn/m01-module-1/lesson-2/complete", {"completed": "yes"})
    post_form(client, "/sign-out")
    sign_in(client, user)
    body = client.get("/learn/").get_data(as_text=True)
    assert "You have completed 2 of 2 lessons (100%)" in body
    assert "Passed" in body  # a module with only lessons is passed when they are done


def test_a_lesson_can_be_marked_not_complete_again(client, tmp_path):
    enrolment, _ = _trainee_in_cohort(tmp_path)
    sign_in(client, enrolment.user)
    post_form(client, "/learn/m01-module-1/lesson-1/complete", {"completed": "yes"})
    post_form(client, "/learn/m01-module-1/lesson-1/complete", {"completed": "no"})
    assert db.session.scalar(sa.select(LessonProgress.completed_at)) is None


def test_progress_belongs_to_the_trainee_who_made_it(app, tmp_path):
    enrolment, _version = _trainee_in_cohort(tmp_path)
    other = make_enrolment(enrolment.cohort)
    first, second = app.test_client(), app.test_client()
    sign_in(first, enrolment.user)
    sign_in(second, other.user)
    post_form(first, "/learn/m01-module-1/lesson-1/complete", {"completed": "yes"})
    assert "0 of 4 lessons" in second.get("/learn/").get_data(as_text=True)
    assert "1 of 4 lessons" in first.get("/learn/").get_data(as_text=True)


def test_a_lesson_from_another_curriculum_version_is_not_found(client, tmp_path):
    enrolment, _ = _trainee_in_cohort(tmp_path / "a")
    sign_in(client, enrolment.user)
    assert client.get("/learn/m09-not-here").status_code == 404
    assert client.get("/learn/m01-module-1/no-such-lesson").status_code == 404


def test_the_lesson_page_shows_content_note_reading_time_and_navigation(client, tmp_path):
    enrolment, version = _trainee_in_cohort(tmp_path, lessons=3)
    lesson = version.modules[0].lessons[1]
    sign_in(client, enrolment.user)
    body = client.get(f"/learn/m01-module-1/{lesson.slug}").get_data(as_text=True)
    assert "Lesson 2 of 3" in body and "About 1 minute to read" in body
    assert 'rel="prev"' in body and 'rel="next"' in body
    assert "Law and guidance as at 31 January 2026" in body


def test_the_dashboard_takes_a_fixed_number_of_queries_however_many_modules(app, tmp_path):
    counts = []
    for size in (2, 6):
        enrolment, _ = _trainee_in_cohort(
            tmp_path / str(size), modules=size, lessons=3, version=f"test.{size}"
        )
        client = app.test_client()
        sign_in(client, enrolment.user)
        statements: list[str] = []

        def listener(*args, statements=statements):
            statements.append(args[2])

        sa.event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get("/learn/").status_code == 200
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listener)
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def test_trainees_without_an_enrolment_see_a_helpful_message(client):
    sign_in(client, make_user(Role.TRAINEE))
    assert "You are not enrolled in a cohort yet" in client.get("/learn/").get_data(as_text=True)
