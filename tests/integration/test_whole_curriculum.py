"""The shipped curriculum, served: a trainee can open every module and lesson and start every quiz."""

from app.auth.models import Role
from app.learning import quizzes
from tests.conftest import post_form, sign_in
from tests.factories import make_cohort, make_enrolment, make_user, make_version


def test_every_page_of_the_curriculum_opens_and_every_quiz_starts(client):
    version = make_version()
    enrolment = make_enrolment(make_cohort(version), make_user(Role.TRAINEE))
    sign_in(client, enrolment.user)
    dashboard = client.get("/learn/").get_data(as_text=True)
    for module in version.modules:
        assert f"{module.code}: {module.title}" in dashboard
        assert client.get(f"/learn/{module.slug}").status_code == 200, module.slug
        for lesson in module.lessons:
            page = client.get(f"/learn/{module.slug}/{lesson.slug}")
            assert page.status_code == 200 and lesson.title in page.get_data(as_text=True), lesson.source_path
        if module.quiz:
            post_form(client, f"/learn/{module.slug}/quiz/start")
            attempt = quizzes.attempts(enrolment, module.quiz)[0]
            base = f"/learn/{module.slug}/quiz/{attempt.public_id}"
            for number in range(1, len(attempt.layout) + 1):
                assert client.get(f"{base}/{number}").status_code == 200
        if module.assignment:
            assert client.get(f"/learn/{module.slug}/assignment").status_code == 200
        if module.portfolio_requirements:
            assert client.get(f"/learn/{module.slug}/portfolio").status_code == 200
