"""/healthz tells the truth, and public pages answer 503 (never 500) when storage will not take a write.

Tests run as root here, and root ignores file permissions: a ``chmod``-ed database or folder stays writable
for root, so it would prove nothing. Instead each failure is made so that root cannot write either:

- a read-only database: every new connection is opened the way SQLite opens a file it may not write
  (``mode=ro``: reads work, the first write fails with "attempt to write a readonly database", exactly as
  for a non-root process and a ``chmod 444`` file), or on PostgreSQL with
  ``default_transaction_read_only=on`` (what a standby or a managed server whose storage is full does);
  the fixture proves each time that writes really fail and reads still work;
- an unreachable database: connections to a missing SQLite file (``mode=ro`` does not create it) or to a
  closed PostgreSQL port;
- an instance folder that cannot be written: the instance path names a regular file, so nothing can be made
  inside it, whoever asks (ENOTDIR/EEXIST).
"""

from __future__ import annotations

import logging
import re
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.accreditation.models import VerificationCount
from app.auth.access import public
from app.auth.models import Role, User
from app.database import db
from app.errors import UNAVAILABLE
from app.web import transaction
from tests.conftest import PG_URL, post_form, sign_in
from tests.factories import make_credential, make_user

READ_ONLY = re.compile(r"read-?only", re.IGNORECASE)


@pytest.fixture
def code(app, tmp_path) -> str:
    """An issued credential's code (a string: the tests empty the session, which detaches objects)."""
    return make_credential(tmp_path).code


@pytest.fixture
def logged(app, caplog):
    """The platform's log records (the ``imsa`` logger does not pass them on to the root logger)."""
    logger = logging.getLogger("imsa")
    logger.addHandler(caplog.handler)
    yield caplog
    logger.removeHandler(caplog.handler)


def _records(caplog, name: str) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == name]


@contextmanager
def _connections(change):
    """Open every new connection as ``change(cargs, cparams)`` says, with an empty pool before and after."""
    engine = db.engine

    def _do_connect(dialect, connection_record, cargs, cparams):
        change(cargs, cparams)

    db.session.remove()
    engine.dispose()
    sa.event.listen(engine, "do_connect", _do_connect)
    try:
        yield
    finally:
        db.session.remove()
        sa.event.remove(engine, "do_connect", _do_connect)
        engine.dispose()


def _read_only(cargs, cparams) -> None:
    if db.engine.dialect.name == "sqlite":
        cargs[0] = Path(cargs[0]).resolve().as_uri() + "?mode=ro"
        cparams["uri"] = True
    else:
        cparams["options"] = "-c default_transaction_read_only=on"


def _unreachable(cargs, cparams) -> None:
    if db.engine.dialect.name == "sqlite":
        cargs[0] = (Path(cargs[0]).resolve().parent / "missing" / "gone.sqlite3").as_uri() + "?mode=ro"
        cparams["uri"] = True
    else:
        cparams.update(host="127.0.0.1", port=1, connect_timeout=2)  # nothing listens on port 1


@contextmanager
def read_only_database():
    with _connections(_read_only):
        with db.engine.connect() as connection:  # the approach really refuses writes, and only writes
            assert connection.scalar(sa.select(sa.func.count(User.id))) is not None
            with pytest.raises(sa.exc.DBAPIError, match=READ_ONLY):
                connection.execute(sa.update(User).values(name=User.name))
            connection.rollback()
        yield


@contextmanager
def unreachable_database():
    with _connections(_unreachable):
        with pytest.raises(sa.exc.OperationalError), db.engine.connect():
            pass
        yield


@pytest.fixture
def unwritable_instance_folder(app, tmp_path):
    """The instance path names a regular file; the signing keys stay readable in their own folder."""
    app.config["IMSA_SIGNING_KEY_DIR"] = str(Path(app.instance_path) / "keys")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("the instance path names this file, so nothing can be created inside it\n")
    app.instance_path = str(blocker)
    return blocker


def _all_ok(app) -> dict:
    """Every check passing: the database's own folder is checked too when a SQLite file lives elsewhere."""
    expected = {
        "status": "ok",
        "database": "ok",
        "instance_folder": "ok",
        "job_queue": "ok",
        "jobs_waiting": 0,
        "jobs_oldest_queued_seconds": None,
    }
    if not PG_URL:  # the test database is in tmp_path, the instance folder in tmp_path/instance
        expected["database_folder"] = "ok"
    return expected


def test_a_healthy_app_answers_200_with_every_check_ok(app, client, logged):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == _all_ok(app)
    assert list(Path(app.instance_path).glob(".healthz-*")) == []  # the test file is deleted
    assert _records(logged, "imsa.health") == []


def test_healthz_is_503_naming_the_database_when_it_refuses_writes(client, logged):
    with read_only_database():
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "unavailable" and response.json["failed"] == ["database"]
    assert response.json["database"] == "failed" and response.json["instance_folder"] == "ok"
    (warning,) = _records(logged, "imsa.health")
    assert warning.levelno == logging.WARNING and warning.check == "database"
    assert "database" in warning.getMessage() and READ_ONLY.search(warning.getMessage())


def test_healthz_is_503_naming_the_database_when_it_cannot_be_reached(client, logged):
    with unreachable_database():
        response = client.get("/healthz")
    assert response.status_code == 503 and response.json["failed"] == ["database"]
    (warning,) = _records(logged, "imsa.health")
    assert warning.check == "database" and "OperationalError" in warning.getMessage()


def test_healthz_is_503_naming_the_instance_folder_when_it_cannot_be_written(
    client, unwritable_instance_folder, logged
):
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json["failed"] == ["instance_folder"]
    assert response.json["database"] == "ok" and response.json["instance_folder"] == "failed"
    (warning,) = _records(logged, "imsa.health")
    assert warning.check == "instance_folder" and "instance_folder" in warning.getMessage()
    assert "Error" in warning.getMessage()  # the OSError's class and message are in the log
    assert unwritable_instance_folder.is_file()


def test_verification_keeps_answering_on_a_read_only_database_and_counts_later(client, code, logged):
    """The verify page and API only read (their daily counts wait in memory), so a database that refuses
    writes does not stop them; the counts are written once it takes writes again, none lost."""
    counted = sa.select(sa.func.coalesce(sa.func.sum(VerificationCount.count), 0))
    before = db.session.scalar(counted)
    with read_only_database():
        page = client.get(f"/verify/{code}")
        api = client.get(f"/api/v1/verify/{code}")
        status_list = client.get("/status/1")
        status_json = client.get("/status/1?format=json")
        start = client.get("/verify")
    assert page.status_code == 200 and "Valid" in page.get_data(as_text=True)
    assert api.status_code == 200 and api.json["verdict"] == "valid"
    assert status_list.status_code == 200 and status_list.mimetype == "application/vc+jwt"
    assert status_json.status_code == 200 and status_json.json["credentialSubject"]["encodedList"]
    assert start.status_code == 200
    refused = _records(logged, "imsa.verify")
    assert refused and all(READ_ONLY.search(str(record.exc_info[1])) for record in refused)
    assert not _records(logged, "imsa.errors")
    db.session.rollback()
    assert db.session.scalar(counted) == before
    client.get("/api/v1/verify/IMSA-0000-0000-0")  # the next check writes what was kept, and itself
    db.session.rollback()
    assert db.session.scalar(counted) == before + 3


def test_a_form_posted_to_a_read_only_database_says_nothing_was_saved(client, logged):
    email = make_user(Role.TRAINEE).email
    db.session.commit()
    with read_only_database():
        response = post_form(client, "/sign-in", {"email": email, "password": "a-long-test-password"})
    assert response.status_code == 503 and UNAVAILABLE in response.get_data(as_text=True)


def test_public_pages_answer_503_when_the_database_cannot_be_reached(client, code, logged):
    """For a signed-in person the header cannot be drawn (it reads the person), so the page is plain."""
    with unreachable_database():
        anonymous = client.get(f"/verify/{code}")
        api = client.get(f"/api/v1/verify/{code}")
    sign_in(client, make_user(Role.TRAINEE))
    with unreachable_database():
        signed_in = client.get(f"/verify/{code}")
        status_list = client.get("/status/1")
    assert anonymous.status_code == 503 and "IMSA® training" in anonymous.get_data(as_text=True)
    assert api.status_code == 503 and api.json == {"error": UNAVAILABLE}
    assert signed_in.status_code == 503 and UNAVAILABLE in signed_in.get_data(as_text=True)
    assert status_list.status_code == 503 and status_list.json == {"error": UNAVAILABLE}


def test_public_pages_answer_503_when_the_instance_folder_cannot_be_written(
    client, code, unwritable_instance_folder, logged
):
    """The verify page needs no file; the certificate is cached in the instance folder, so it says 503."""
    page = client.get(f"/verify/{code}")
    pdf = client.get(f"/verify/{code}/certificate.pdf")
    assert page.status_code == 200 and "Valid" in page.get_data(as_text=True)
    assert pdf.status_code == 503 and UNAVAILABLE in pdf.get_data(as_text=True)
    (error,) = _records(logged, "imsa.errors")
    assert isinstance(error.exc_info[1], OSError)


def test_other_database_and_file_errors_are_still_500(make_app):
    """Only storage that will not take a write is a 503: a broken constraint or a missing file is a bug."""
    app = make_app()
    app.testing = False  # let the 500 handler answer, as in production

    @public
    def duplicate():
        db.session.add_all(
            [User(email="same@example.org", name="A"), User(email="same@example.org", name="B")]
        )
        db.session.flush()

    @public
    def missing_file():
        return Path("/nonexistent-imsa-folder/file.txt").read_text()

    app.add_url_rule("/duplicate", view_func=transaction(duplicate))
    app.add_url_rule("/missing-file", view_func=transaction(missing_file))
    client = app.test_client()
    for url in ("/duplicate", "/missing-file"):
        response = client.get(url)
        assert response.status_code == 500, url
        assert "Sorry, there is a problem with the service" in response.get_data(as_text=True)


@pytest.mark.skipif(
    bool(PG_URL),
    reason="a test cannot fill PostgreSQL's disk; SQLite's max_page_count gives its real 'disk is full'",
)
def test_a_full_sqlite_database_answers_503(app, logged):
    """SQLite refuses to grow past max_page_count with the same SQLITE_FULL a full disk gives."""

    def _no_more_pages(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        pages = cursor.execute("PRAGMA page_count").fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count = {pages}")
        cursor.close()

    @public
    def grow():
        db.session.execute(sa.text("CREATE TABLE filler (x)"))  # a new table needs a new page
        return "grown"

    app.add_url_rule("/grow", view_func=transaction(grow))
    db.session.remove()
    db.engine.dispose()
    sa.event.listen(db.engine, "connect", _no_more_pages)
    try:
        response = app.test_client().get("/grow")
    finally:
        sa.event.remove(db.engine, "connect", _no_more_pages)
        db.session.remove()
        db.engine.dispose()
    assert response.status_code == 503 and UNAVAILABLE in response.get_data(as_text=True)
    (error,) = _records(logged, "imsa.errors")
    assert "database or disk is full" in str(error.exc_info[1])
