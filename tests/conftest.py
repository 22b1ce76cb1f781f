"""Fixtures: ``app``, ``client``, ``runner`` (as in the Flask tutorial) on a real database.

The database is SQLite in a temporary folder by default; set ``IMSA_TEST_DATABASE_URL`` to run the same
tests on PostgreSQL (``.ci/run`` does). Every test starts from an empty schema, made cheaply: on SQLite a
copy of a file holding the empty schema (made once per test process), on PostgreSQL a TRUNCATE of every
table of the schema made once per process. Under pytest-xdist each worker has its own PostgreSQL database.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import os
import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import g, has_app_context
from flask.testing import FlaskClient

from app import create_app
from app.config import TestConfig
from app.database import db

PG_URL = os.environ.get("IMSA_TEST_DATABASE_URL")


def _read_each_curriculum_tree_once() -> None:
    """A curriculum tree is read, validated and rendered once per test process, not by every test and
    fixture that loads the same files (the shipped one takes seconds, the factories' small one a fifth of a
    second, and most tests load one). Loading is a function of the files only: the memo is keyed by the
    folders' layout and every file's content, and each caller gets its own deep copy. A tree with problems
    is loaded afresh every time (so its ``CurriculumInvalid`` is raised as before)."""
    from app.curriculum import loader, services

    real = loader.load_tree
    memo: dict = {}

    def fingerprint(content_dir: Path, assessments_dir: Path | None) -> tuple:
        root = content_dir.parent  # the loader reports paths relative to it
        key: list = [date.today()]
        for folder in (content_dir, assessments_dir):
            if folder is None:
                key.append(None)
                continue
            key.append(str(folder.relative_to(root)) if folder.is_relative_to(root) else str(folder))
            for path in sorted(folder.rglob("*")):
                name = path.relative_to(folder).as_posix()
                key.append((name, hashlib.blake2b(path.read_bytes()).digest() if path.is_file() else None))
        return tuple(key)

    @functools.wraps(real)
    def load_tree(content_dir, assessments_dir=None):
        folders = Path(content_dir).resolve(), Path(assessments_dir).resolve() if assessments_dir else None
        key = fingerprint(*folders)
        if key not in memo:
            loaded = real(content_dir, assessments_dir)
            if len(memo) >= 32:
                memo.clear()
            memo[key] = loaded
        return copy.deepcopy(memo[key])

    loader.load_tree = services.load_tree = load_tree


def pytest_configure(config) -> None:
    _read_each_curriculum_tree_once()  # in test runs only, not in the benchmarks that import this file


def _reset_database() -> None:
    db.drop_all()
    with db.engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))


def _sqlite_path(url: str) -> Path:
    return Path(sa.make_url(url).database)


def _copy_sqlite(source: Path, target: Path) -> None:
    """Copy one SQLite database into another file, page by page (safe whatever the journal mode)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


@pytest.fixture(scope="session")
def _server_database_url():
    """PostgreSQL: the test database, one per pytest-xdist worker (made here, empty); None on SQLite."""
    if not PG_URL:
        return None
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return PG_URL
    url = sa.make_url(PG_URL)
    name = f"{url.database}_{worker}"
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


class _Schema:
    """The empty schema of this test process: a SQLite file to copy, or the tables made once in PostgreSQL.

    ``pristine`` says the PostgreSQL database holds exactly the models' tables (made by ``create_all``), so
    emptying them is enough; a test that builds the schema another way (Alembic) clears it, and the next
    test drops everything and creates the schema again, as every test used to.
    """

    def __init__(self, template: Path | None, server_url: str | None) -> None:
        self.template, self.server_url, self.pristine = template, server_url, False
        self.generation = 0  # how many times the PostgreSQL database was emptied (a SharedWorld checks it)

    def empty_sqlite(self, url: str) -> None:
        _copy_sqlite(self.template, _sqlite_path(url))

    def empty_server(self, create_schema: bool) -> None:
        """On PostgreSQL, in an app context: empty the tables, or rebuild them if anything else changed."""
        self.generation += 1
        tables = set(db.metadata.tables)
        if create_schema and self.pristine and set(sa.inspect(db.engine).get_table_names()) == tables:
            names = ", ".join(f'"{name}"' for name in sorted(tables))
            with db.engine.begin() as connection:
                connection.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
            return
        _reset_database()
        if create_schema:
            db.create_all()
        self.pristine = create_schema


@pytest.fixture(scope="session")
def _schema(tmp_path_factory, _server_database_url) -> _Schema:
    if _server_database_url:
        return _Schema(None, _server_database_url)
    template = tmp_path_factory.mktemp("schema") / "schema.sqlite3"
    application = create_app(TestConfig(f"sqlite:///{template}"))
    application.instance_path = str(template.parent / "instance")
    with application.app_context():
        db.create_all()
        db.session.remove()
        db.engine.dispose()
    return _Schema(template, None)


@pytest.fixture
def database_url(tmp_path, _server_database_url) -> str:
    return _server_database_url or f"sqlite:///{tmp_path / 'test.sqlite3'}"


def build_app(
    database_url: str, instance_path: Path, schema: _Schema, create_schema: bool = True, **overrides
):
    """An app on ``database_url`` whose database is emptied to the bare schema (or to nothing)."""
    config = TestConfig(database_url)
    for key, value in overrides.items():
        setattr(config, key, value)
    on_sqlite = database_url.startswith("sqlite")
    first = on_sqlite and not _sqlite_path(database_url).exists()
    if first and create_schema:
        schema.empty_sqlite(database_url)  # a new file: a copy of the empty schema
    application = create_app(config)
    application.test_client_class = Client
    application.instance_path = str(instance_path)
    with application.app_context():
        if not on_sqlite:
            schema.empty_server(create_schema)
        elif not first:  # a second app in one test: as before, drop and create
            _reset_database()
            if create_schema:
                db.create_all()
    return application


@pytest.fixture
def make_app(database_url, tmp_path, _schema):
    """Build an app on the test database; keyword arguments override config values."""
    made = []

    def _make(create_schema: bool = True, **overrides):
        application = build_app(database_url, tmp_path / "instance", _schema, create_schema, **overrides)
        made.append(application)
        return application

    yield _make
    for application in made:
        with application.app_context():
            db.session.remove()
            db.engine.dispose()


class SharedWorld:
    """An app and a database seeded once and shared by many tests (e.g. a whole module's), each of which
    still starts from the seeded state: ``use()`` puts the database back as seeded if anything wrote to it
    since (or, on PostgreSQL, if another test emptied the database in between), and resets the rate limits.

    On SQLite the seeded database is kept as a file and copied back; on PostgreSQL its rows are kept and
    reinserted after a TRUNCATE, with the id sequences set as they were. ``data`` is what ``seed`` returned:
    plain values (ids), since records do not outlive the session they were loaded in.
    """

    WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER", "TRUNCATE")

    def __init__(self, folder: Path, schema: _Schema, seed: Callable[[], object], **overrides) -> None:
        self.schema = schema
        url = schema.server_url or f"sqlite:///{folder / 'world.sqlite3'}"
        self.app = build_app(url, folder / "instance", schema, **overrides)
        with self.app.app_context():
            self.data = seed()
            db.session.commit()
            db.session.remove()
            self.engine = db.engine
            if schema.server_url:
                with db.engine.connect() as connection:
                    self.rows = {
                        table: [row._asdict() for row in connection.execute(table.select())]
                        for table in db.metadata.sorted_tables
                    }
                self.generation = schema.generation
            else:
                db.engine.dispose()
                self.live, self.seeded = _sqlite_path(url), folder / "seeded.sqlite3"
                _copy_sqlite(self.live, self.seeded)
        self.dirty = False
        sa.event.listen(self.engine, "before_cursor_execute", self._watch)

    def _watch(self, _connection, _cursor, statement: str, *_args) -> None:
        if statement.lstrip().upper().startswith(self.WRITES):
            self.dirty = True

    def _restore(self) -> None:
        if self.schema.server_url is None:
            db.engine.dispose()
            _copy_sqlite(self.seeded, self.live)
        else:
            self.schema.empty_server(create_schema=True)
            with db.engine.begin() as connection:
                for table, rows in self.rows.items():
                    if rows:
                        connection.execute(table.insert(), rows)
                for table in self.rows:
                    key = list(table.primary_key)
                    if len(key) == 1 and key[0].autoincrement is not False and key[0].type.python_type is int:
                        connection.exec_driver_sql(
                            f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', '{key[0].name}'), "
                            f'coalesce(max("{key[0].name}"), 1), max("{key[0].name}") IS NOT NULL) '
                            f'FROM "{table.name}"'
                        )
            self.generation = self.schema.generation
        self.dirty = False

    @contextmanager
    def use(self) -> Iterator:
        """The shared app, in an app context, on the seeded database."""
        from app.extensions import limiter

        with self.app.app_context():
            if self.dirty or (self.schema.server_url and self.generation != self.schema.generation):
                self._restore()
            limiter.reset()
            try:
                yield self.app
            finally:
                db.session.remove()

    def close(self) -> None:
        sa.event.remove(self.engine, "before_cursor_execute", self._watch)
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(scope="module")
def make_shared_world(tmp_path_factory, _schema):
    """Build a SharedWorld (see there) from a ``seed`` function; it lasts for the module."""
    worlds: list[SharedWorld] = []

    def _make(seed: Callable[[], object], **overrides) -> SharedWorld:
        world = SharedWorld(tmp_path_factory.mktemp("world"), _schema, seed, **overrides)
        worlds.append(world)
        return world

    yield _make
    for world in worlds:
        world.close()


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
    """Sign ``user`` in on ``client`` through the session, as the sign-in form does once the password is
    right: Flask-Login's ``login_user`` stores the user's session token (``User.get_id``), marks the
    session fresh and records its identifier. The password is checked as the form checks it, so a test
    that signs in with a changed password still tests it. Tests of signing in itself use the form
    (``sign_in_with_form``)."""
    from flask_login.utils import _create_identifier

    from app.auth.services import password_hasher

    if not user.session_token:
        db.session.flush()
    assert user.is_active and user.password_hash, f"{user.email} cannot sign in (no active account)"
    assert password_hasher(client.application.config).verify(user.password_hash, password)
    with client.application.test_request_context(environ_base=client.environ_base):
        identifier = _create_identifier()  # from the address and browser of the client's requests
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        session["_id"] = identifier


def prefer_welsh(user):
    """``user`` has chosen Cymraeg, as the invitation asks once: their pages and emails are in Welsh."""
    user.language = "cy"
    db.session.commit()
    return user


def in_welsh(response) -> str:
    """The response's page, once it has answered 200 and says it is in Welsh (``<html lang="cy"``)."""
    assert response.status_code == 200, (response.status_code, response.request.path)
    page = response.get_data(as_text=True)
    assert '<html lang="cy"' in page, response.request.path
    return page


def welsh_page(client, url: str) -> str:
    return in_welsh(client.get(url))


def sign_in_with_form(client, user, password: str = "a-long-test-password") -> None:
    """Sign in as a person does: the sign-in form, with its CSRF token."""
    response = post_form(client, "/sign-in", {"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
