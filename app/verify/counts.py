"""How often credentials are checked: a tally per day, way in and verdict, and nothing about who asked."""

from __future__ import annotations

from datetime import date

from sqlalchemy.dialects import postgresql, sqlite

from app.accreditation.models import VerificationCount
from app.database import db
from app.verify.verification import Verdict


def count(method: str, verdict: Verdict, day: date | None = None) -> None:
    """Add one to today's tally for this way in and verdict (an upsert: safe under concurrent requests).

    The tally is written in its own short transaction, apart from the request's, so every check is counted
    whatever the page answers: a lookup of an unknown code answers 404, which rolls the request back.
    """
    insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
    statement = insert(VerificationCount).values(
        day=day or date.today(), method=method, verdict=verdict.value, count=1
    )
    statement = statement.on_conflict_do_update(
        index_elements=["day", "method", "verdict"], set_={"count": VerificationCount.count + 1}
    )
    with db.engine.begin() as connection:
        connection.execute(statement)
