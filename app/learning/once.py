"""Writes that two requests can make at the same moment (a double-click, two tabs) with exactly one winner.

Each is a single statement whose own condition decides, so it behaves the same on SQLite and PostgreSQL:

* ``insert_once``: ``INSERT … ON CONFLICT (unique key) DO NOTHING``; the caller re-reads the row either way.
  Not a SAVEPOINT: pysqlite starts no transaction for one, so releasing a savepoint taken before the
  request's first write commits it there and then, outside the request's transaction.
* ``update_if``: ``UPDATE … WHERE id = :id AND <the state the change starts from>``; the row count says
  whether this request made the change. The object is refreshed, so it shows what is stored now.

PostgreSQL makes the second statement wait for the first request's transaction and then re-checks its
condition against the committed row; SQLite makes it wait for the write lock (``busy_timeout``), after
which it sees the committed row.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from app.database import db

_INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


def _insert(model):
    return _INSERTS[db.session.get_bind().dialect.name](model.__table__)


def insert_once(model, unique: tuple[str, ...], **values) -> bool:
    """Insert the row unless one with the same ``unique`` key exists (or is being committed by another
    request). True when this call inserted it; Python-side column defaults apply as usual.

    Decided by ``RETURNING id``, not the row count: SQLAlchemy adds RETURNING to an INSERT on PostgreSQL,
    and the driver then reports no row count."""
    table = model.__table__
    statement = (
        _insert(model)
        .values(**values)
        .on_conflict_do_nothing(index_elements=list(unique))
        .returning(table.c.id)
    )
    return db.session.execute(statement).scalar_one_or_none() is not None


def upsert(model, unique: tuple[str, ...], **values) -> None:
    """Insert the row, or update the one with the same ``unique`` key to ``values``, in one statement."""
    statement = _insert(model).values(**values)
    changed = {name: statement.excluded[name] for name in values if name not in unique}
    db.session.execute(statement.on_conflict_do_update(index_elements=list(unique), set_=changed))


def update_if(obj, *conditions, **values) -> bool:
    """Update ``obj``'s row to ``values`` only where ``conditions`` still hold; True when it did."""
    if obj.id is None:
        db.session.flush()  # a row added in this transaction gets its id before the UPDATE names it
    table = type(obj).__table__
    result = db.session.execute(sa.update(table).where(table.c.id == obj.id, *conditions).values(**values))
    db.session.refresh(obj)
    return result.rowcount == 1
