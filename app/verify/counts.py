"""How often credentials are checked: a tally per day, way in and verdict, and nothing about who asked.

A check adds one to a tally in the process's memory; the tallies are written in one short transaction
of their own, apart from the request's, at most every ``IMSA_VERIFY_COUNT_SECONDS`` (and when the process
exits). So a verification writes nothing to the database on its way, a lookup of an unknown code (a 404,
which rolls the request back) is still counted, and a database that refuses writes for a while loses no
count: the tallies wait for the next flush. Each upsert adds, so any number of processes can flush.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
import weakref
from collections import Counter
from datetime import date

import sqlalchemy as sa
from flask import Flask, current_app
from sqlalchemy.dialects import postgresql, sqlite

from app.accreditation.models import VerificationCount
from app.database import db
from app.verify.verification import Verdict

log = logging.getLogger("imsa.verify")
_TALLIES: weakref.WeakSet[Tally] = weakref.WeakSet()  # every app's, written when the process exits


class Tally:
    """One app's unwritten counts in this process."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.lock = threading.Lock()
        self.pending: Counter[tuple[date, str, str]] = Counter()
        self.flushed_at = time.monotonic()
        _TALLIES.add(self)

    def add(self, key: tuple[date, str, str]) -> bool:
        """Count one; True when the tallies are due to be written."""
        with self.lock:
            self.pending[key] += 1
            return time.monotonic() - self.flushed_at >= self.app.config["IMSA_VERIFY_COUNT_SECONDS"]

    def take(self) -> Counter:
        with self.lock:
            batch, self.pending = self.pending, Counter()
            self.flushed_at = time.monotonic()
            return batch

    def give_back(self, batch: Counter) -> None:
        with self.lock:
            self.pending.update(batch)


@atexit.register
def _flush_at_exit() -> None:
    for tally in list(_TALLIES):
        if tally.pending:
            with tally.app.app_context():
                flush()


def _tally() -> Tally:
    tally = current_app.extensions.get("imsa_verification_tally")
    if tally is None:
        tally = current_app.extensions.setdefault(
            "imsa_verification_tally", Tally(current_app._get_current_object())
        )
    return tally


def count(method: str, verdict: Verdict, day: date | None = None) -> None:
    """Add one to today's tally for this way in and verdict; write the tallies if they are due."""
    if _tally().add((day or date.today(), method, verdict.value)):
        flush()


def flush() -> None:
    """Write this process's tallies (one upsert per day, way in and verdict). If the database refuses,
    the tallies are kept for the next flush and the request goes on: a count is never worth an error page."""
    tally = _tally()
    batch = tally.take()
    if not batch:
        return
    insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
    try:
        with db.engine.begin() as connection:
            for (day, method, verdict), added in sorted(batch.items()):  # one order: no deadlocks
                statement = insert(VerificationCount).values(
                    day=day, method=method, verdict=verdict, count=added
                )
                connection.execute(
                    statement.on_conflict_do_update(
                        index_elements=["day", "method", "verdict"],
                        set_={"count": VerificationCount.count + added},
                    )
                )
    except sa.exc.SQLAlchemyError:
        tally.give_back(batch)
        log.exception("the verification counts could not be written; they are kept for the next try")
