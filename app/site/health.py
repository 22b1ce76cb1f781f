"""What ``/healthz`` checks: that the database and the folders the app writes to accept a write, and that
the job queue answers (with its backlog and the age of its oldest waiting job).

Load balancers poll it every few seconds, so each check is one round trip to the database or one tiny file,
and nothing is kept: the database write is rolled back and the file is deleted.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app

from app import jobs
from app.auth.models import User
from app.database import db


def database() -> None:
    """The database answers and accepts a write: ``UPDATE user SET id = id`` matching no row, rolled back.

    It has to be a write to a real table. SQLite grants ``BEGIN IMMEDIATE`` on a database it could only open
    read-only (a read-only file, or a ``mode=ro`` URI) and refuses only the first write, with "attempt to
    write a readonly database"; in a read-only folder every statement fails (it cannot make the -wal and
    -shm files), and a lock held past ``busy_timeout`` fails as "database is locked". PostgreSQL refuses any
    UPDATE of a table in a read-only transaction before it runs, whatever it would match: a hot standby, or
    ``default_transaction_read_only``, which managed services turn on when the server's storage is full.
    As no row matches, nothing is written: no WAL frame on SQLite, no transaction id on PostgreSQL.

    A rolled-back write never reaches the disk, so this cannot see a full disk by itself. For SQLite the
    database's own folder is checked as a folder (``database_folder``, or ``instance_folder`` when the
    database is in it): that is where the -wal file grows, so a full disk there fails every commit.
    PostgreSQL stops accepting connections when it cannot write its WAL, which fails this check's connection.
    """
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text("SET LOCAL statement_timeout = '2s'"))  # never wait behind a migration
        connection.execute(sa.update(User).where(sa.false()).values(id=User.id))
        connection.rollback()


def folder_accepts_a_write(folder: Path) -> None:
    """Create, write, fsync and delete a small file: a read-only or full file system fails (EROFS, ENOSPC).

    The folder is made first if it is missing, as ``create_app`` does at start-up.
    """
    folder.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=".healthz-", dir=folder)
    try:
        os.write(handle, b"healthz\n")
        os.fsync(handle)  # a disk that is full only shows it when the data has to go somewhere
    finally:
        os.close(handle)
        os.unlink(name)


def sqlite_folder(url: sa.URL) -> Path | None:
    """The folder of a SQLite database file (also from a ``file:…?mode=ro`` URI); None for anything else."""
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    path = urlsplit(url.database).path if url.database.startswith("file:") else url.database
    return Path(path).resolve().parent


def job_queue() -> dict:
    """The queue answers: how many jobs wait and how long the oldest has waited (seconds, or None).

    A backlog is reported, not failed: a burst (results released to a large cohort) is normal, and the
    worker catches up; alert on ``jobs_oldest_queued_seconds`` growing instead.
    """
    waiting, oldest = jobs.backlog()
    return {"jobs_waiting": waiting, "jobs_oldest_queued_seconds": oldest}


def checks() -> dict[str, Callable[[], dict | None]]:
    """Each check by name, in the order they run."""
    instance = Path(current_app.instance_path).resolve()
    found = {
        "database": database,
        "instance_folder": lambda: folder_accepts_a_write(instance),
        "job_queue": job_queue,
    }
    folder = sqlite_folder(db.engine.url)
    if folder is not None and folder != instance:
        found["database_folder"] = lambda: folder_accepts_a_write(folder)
    return found


def run() -> tuple[dict[str, Exception | None], dict]:
    """Every check's result (None when it passed, else the error it raised) and the figures checks report."""
    results: dict[str, Exception | None] = {}
    figures: dict = {}
    for name, check in checks().items():
        try:
            figures.update(check() or {})
        except (sa.exc.SQLAlchemyError, OSError, jobs.QueueUnavailable) as error:
            results[name] = error
        else:
            results[name] = None
    return results, figures


def describe(error: Exception) -> str:
    """The error for the log: the driver's own message, without SQLAlchemy's statement and links."""
    original = getattr(error, "orig", None) or error
    return f"{type(original).__name__}: {original}".strip()
