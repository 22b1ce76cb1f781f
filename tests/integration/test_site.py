"""The site's frame: health check, error pages in the site's look, the start page."""

from app.auth.access import public
from app.auth.models import Role
from tests.conftest import PG_URL, sign_in
from tests.factories import make_user


def test_healthz_reports_the_database(client):
    """Every check by name (the SQLite test database lives outside the instance folder, so its folder is
    checked too) and the job queue's figures; tests/integration/test_health.py covers each failure."""
    response = client.get("/healthz")
    expected = {
        "status": "ok",
        "database": "ok",
        "instance_folder": "ok",
        "job_queue": "ok",
        "jobs_waiting": 0,
        "jobs_oldest_queued_seconds": None,
    }
    if not PG_URL:
        expected["database_folder"] = "ok"
    assert response.status_code == 200 and response.json == expected


def test_unknown_pages_get_a_helpful_404_in_the_site_look(client):
    response = client.get("/no-such-page")
    body = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Page not found" in body and "IMSA® training" in body and "Go to the start page" in body


def test_a_crash_shows_a_500_page_that_says_nothing_was_saved(make_app):
    app = make_app()
    app.testing = False  # let the error handler answer, as in production

    @public
    def explode():
        raise RuntimeError("boom")

    app.add_url_rule("/explode", view_func=explode)
    response = app.test_client().get("/explode")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in body and "boom" not in body


def test_the_start_page_sends_each_person_to_their_work(client):
    sign_in(client, make_user(Role.HUB_ADMIN))
    assert client.get("/").location == "/cohorts/"


def test_people_without_a_cohort_are_told_what_happens_next(client):
    sign_in(client, make_user(Role.TRAINEE))
    page = client.get("/", follow_redirects=True)
    assert "You are not enrolled in a cohort yet" in page.get_data(as_text=True)
