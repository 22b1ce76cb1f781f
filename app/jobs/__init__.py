"""The durable job queue (huey): mail, certificate rendering, bulk approval and scheduled work run here,
in a worker process (``imsa jobs worker``, started by ``imsa run`` beside the web server), with retries.

Where the queue is kept (``IMSA_JOBS_URL``):

- empty (the default): a SQLite file, ``instance/jobs.sqlite3``, with no other service;
- ``postgresql://…``: a PostgreSQL database (huey's ``SqlStorage`` through peewee), e.g. a database of its
  own beside the platform's on the same server; its tables are huey's, not the platform's;
- ``redis://…``: Redis (the ``redis`` extra), when one is already run for the rate limits.

A job reads committed data only: ``enqueue_after_commit`` waits for the session's commit, like mail.
Each job runs in its own app context and transaction: it commits when it returns, rolls back when it
raises, and is tried again (``retries``, ``retry_delay`` seconds doubled each time by ``retry_backoff``).
When the last try fails the job's ``on_failure`` runs and the log says so at ERROR.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from huey import Huey
from huey.storage import MemoryStorage, SqliteStorage
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.database import db

log = logging.getLogger("imsa.jobs")

QUEUED_AT = "queued_at"  # every job's keyword: when it was queued, for the health check's oldest age
_AFTER_COMMIT = "imsa_jobs_after_commit"

huey = Huey("imsa", results=False, utc=True, storage_class=MemoryStorage)


class _State:
    app: Flask | None = None


class _SqliteStorage(SqliteStorage):
    """Tuned as the platform's own SQLite database is: WAL with ``synchronous=NORMAL``, so a commit does not
    wait for the disk (safe from corruption; a power cut could lose only the last jobs queued). Queuing
    the mail of a 200-trainee release is then 200 quick commits, not 200 fsyncs."""

    def _create_connection(self):
        connection = super()._create_connection()
        connection.execute("pragma synchronous=NORMAL")
        return connection


def storage_for(url: str, instance_path: str):
    """The huey storage ``IMSA_JOBS_URL`` names (see the module's docstring)."""
    if not url:
        return _SqliteStorage("imsa", filename=str(Path(instance_path) / "jobs.sqlite3"))
    parsed = sa.make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _SqliteStorage("imsa", filename=parsed.database)
    if backend == "postgresql":
        from huey.contrib.sql_huey import SqlStorage

        # peewee names psycopg 3 "psycopg3"; the driver the platform already installs.
        peewee_url = parsed.set(drivername="psycopg3").render_as_string(hide_password=False)
        return SqlStorage("imsa", database=peewee_url)
    if url.startswith(("redis://", "rediss://", "unix://")):
        from huey.storage import RedisStorage

        return RedisStorage("imsa", url=url)
    raise ValueError(f"IMSA_JOBS_URL must be empty, sqlite:///…, postgresql://… or redis://… (it is {url!r})")


def init_app(app: Flask) -> None:
    """Point the queue at this app's storage; with ``IMSA_JOBS_IMMEDIATE`` (most tests) a job runs at once,
    in the process that queues it, when the transaction that queued it commits."""
    immediate = bool(app.config["IMSA_JOBS_IMMEDIATE"])
    huey._immediate = immediate  # the flag only: the storage is set just below (the setter would make one)
    huey.storage = (
        MemoryStorage("imsa") if immediate else storage_for(app.config["IMSA_JOBS_URL"], app.instance_path)
    )
    _State.app = app
    app.extensions["imsa_jobs"] = huey


def _app() -> Flask:
    if has_app_context():
        return current_app._get_current_object()
    if _State.app is None:
        raise RuntimeError("no app: call app.jobs.init_app(app) first")
    return _State.app


class Job:
    """A function run by the queue; ``enqueue(...)`` or ``enqueue_after_commit(...)`` with plain values."""

    def __init__(self, task) -> None:
        self.task, self.name = task, task.task_class.__name__

    def enqueue(self, *args) -> None:
        self.task(*args, **{QUEUED_AT: time.time()})

    def enqueue_after_commit(self, *args) -> None:
        """Queue when the current transaction commits (never for one rolled back)."""
        db.session.info.setdefault(_AFTER_COMMIT, []).append((self, args))


def job(
    *,
    retries: int = 0,
    retry_delay: int = 0,
    retry_backoff: float = 2,
    on_failure: Callable | None = None,
    name: str | None = None,
) -> Callable[[Callable], Job]:
    """Make ``func`` a job; ``on_failure(*args, error=...)`` runs after the last try (its own transaction)."""

    def decorator(func: Callable) -> Job:
        job_name = name or f"{func.__module__}.{func.__name__}"

        def run(*args, task, **kwargs):
            kwargs.pop(QUEUED_AT, None)
            with _app().app_context():
                try:
                    result = func(*args, **kwargs)
                    db.session.commit()
                    return result
                except Exception as error:
                    db.session.rollback()
                    if not task.retries:
                        _failed_for_good(job_name, task, args, error, on_failure)
                    raise

        task = huey.task(
            retries=retries, retry_delay=retry_delay, retry_backoff=retry_backoff, context=True, name=job_name
        )(run)
        return Job(task)

    return decorator


def _failed_for_good(name: str, task, args: tuple, error: Exception, on_failure: Callable | None) -> None:
    log.error(
        "job %s failed for good: %s: %s",
        name,
        type(error).__name__,
        error,
        extra={"job": name, "job_id": task.id, "job_args": repr(args)[:200]},
    )
    if on_failure is None:
        return
    try:
        on_failure(*args, error=error)
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("job %s: recording its failure failed too", name, extra={"job": name})


class QueueUnavailable(Exception):
    """The queue's storage (SQLite file, PostgreSQL or Redis) did not answer."""


def backlog(sample: int = 200) -> tuple[int, float | None]:
    """How many jobs wait (queued, or scheduled to try again) and the age in seconds of the oldest of them
    (among the first ``sample`` of each kind; None when nothing waits)."""
    try:
        waiting = huey.pending_count() + huey.scheduled_count()
        tasks = (*huey.pending(sample), *huey.scheduled(sample)) if waiting else ()
    except Exception as error:  # each storage has its own errors: sqlite3, peewee, redis
        raise QueueUnavailable(f"{type(error).__name__}: {error}") from error
    if not waiting:
        return 0, None
    queued = [task.kwargs.get(QUEUED_AT) for task in tasks]
    times = [at for at in queued if at is not None]
    return waiting, (round(time.time() - min(times), 1) if times else None)


def run_worker(workers: int = 2) -> None:
    """Run the consumer in this process until it is stopped (SIGINT or SIGTERM): the ``imsa jobs worker``."""
    from app.jobs.schedule import register_periodic

    # huey's own lines (start-up, each attempt's traceback) go where the platform's go, in its format.
    consumer_log = logging.getLogger("huey")
    consumer_log.handlers[:] = logging.getLogger("imsa").handlers
    consumer_log.setLevel(logging.INFO)
    consumer_log.propagate = False
    register_periodic()
    consumer = huey.create_consumer(
        workers=workers, worker_type="thread", initial_delay=0.1, backoff=1.15, max_delay=2.0, periodic=True
    )
    consumer.run()


@event.listens_for(Session, "after_commit")
def _enqueue_pending(session: Session) -> None:
    for queued_job, args in session.info.pop(_AFTER_COMMIT, []):
        try:
            queued_job.enqueue(*args)
        except Exception:  # the data is saved; say loudly that its job was not queued
            log.exception("job %s could not be queued", queued_job.name, extra={"job": queued_job.name})


@event.listens_for(Session, "after_soft_rollback")
def _discard_pending(session: Session, previous_transaction) -> None:
    session.info.pop(_AFTER_COMMIT, None)
