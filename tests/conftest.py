"""Fixtures: ``app``, ``client``, ``runner`` (as in the Flask tutorial) on a real database.

The database is SQLite in a temporary folder by default; set ``IMSA_TEST_DATABASE_URL`` to run the same
tests on PostgreSQL (``.ci/run`` does). Every test starts from an empty schema.
"""

from __future__ import annotations

import os
import re

import pytest
import sqlalchemy as sa
from flask import g, has_app_context
from flask.testing import FlaskClient

from app import create_app
from app.config import TestConfig
from app.database import db

PG_URL = os.environ.get("IMSA_TEST_DATABASE_URL")


def _reset_database() -> None:
    db.drop_all()
    with db.engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture
def database_url(tmp_path) -> str:
    return PG_URL or f"sqlite:///{tmp_path / 'test.sqlite3'}"


@pytest.fixture
def make_app(database_url, tmp_path):
    """Build an app on the test database; keyword arguments override config values."""
    made = []

    def _make(create_schema: bool = True, **overrides):
        config = TestConfig(database_url)
        for key, value in overrides.items():
            setattr(config, key, value)
        application = create_app(config)
        application.test_client_class = Client
        application.instance_path = str(tmp_path / "instance")
        with application.app_context():
            _reset_database()
            if create_schema:
                db.create_all()
        made.append(application)
        return application

    yield _make
    for application in made:
        with application.app_context():
            db.session.remove()
            _reset_database()
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    application = make_app()
    with application.app_context():
        yield application
        db.session.remove()


class Client(FlaskClient):
    """A test client whose requests each start with an empty ``g``, as in production.

    Tests keep one app context open (to use ``db.session`` directly) and Flask reuses it for requests,
    so per-context caches (Flask-Login's user, Flask-WTF's CSRF token) would leak between requests.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            for key in list(g):
                g.pop(key)
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def csrf_token(client, **kwargs) -> str:
    """The session's CSRF token, read from any HTML page as a browser would."""
    page = client.get("/this-page-does-not-exist", **kwargs)
    return CSRF_META.search(page.get_data(as_text=True)).group(1)


def post_form(client, url: str, data: dict | None = None, **kwargs):
    """POST a form the way the browser does, with its CSRF token."""
    return client.post(url, data={"csrf_token": csrf_token(client), **(data or {})}, **kwargs)


def sign_in(client, user, password: str = "a-long-test-password") -> None:
    response = post_form(client, "/sign-in", {"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
