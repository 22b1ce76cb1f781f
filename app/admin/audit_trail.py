"""The audit trail as a record the Hub can read: filter events by who, what, subject and date; export CSV."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.auth.models import User
from app.csv_export import to_csv
from app.database import db
from app.i18n import gettext as _
from app.templating import LONDON

PAGE_SIZE = 100


@dataclass(frozen=True)
class Filters:
    who: str = ""  # part of a name or an email address; "cli" for the command line
    action: str = ""  # an action or its prefix, e.g. "marking." or "credential.revoked"
    subject: str = ""  # a record's public id or code
    date_from: date | None = None
    date_to: date | None = None

    @classmethod
    def from_args(cls, args) -> tuple[Filters, dict[str, str]]:
        """The filters from a query string, and a message per date field that is not a real date."""
        problems, dates = {}, {}
        for name in ("date_from", "date_to"):
            raw = args.get(name, "").strip()
            try:
                dates[name] = date.fromisoformat(raw) if raw else None
            except ValueError:
                problems[name] = _("Enter a real date, for example 2026-12-01")
                dates[name] = None
        text = {k: args.get(k, "").strip()[:200] for k in ("who", "action", "subject")}
        return cls(**text, **dates), problems


@dataclass(frozen=True)
class Row:
    event: AuditEvent
    actor: str  # the person's name and email, or "Command line" (in English: the CSV keeps it so)

    @property
    def by_command_line(self) -> bool:
        return self.event.actor_id is None


def _query(filters: Filters) -> sa.Select:
    query = sa.select(AuditEvent, User).outerjoin(User, User.id == AuditEvent.actor_id)
    if filters.who.lower() == "cli":
        query = query.where(AuditEvent.actor_id.is_(None))
    elif filters.who:
        pattern = f"%{filters.who.lower()}%"
        query = query.where(sa.or_(sa.func.lower(User.name).like(pattern), User.email.like(pattern)))
    if filters.action:
        query = query.where(AuditEvent.action.startswith(filters.action, autoescape=True))
    if filters.subject:
        query = query.where(AuditEvent.subject_id == filters.subject)
    if filters.date_from:
        query = query.where(AuditEvent.occurred_at >= _london_midnight(filters.date_from))
    if filters.date_to:
        query = query.where(AuditEvent.occurred_at < _london_midnight(filters.date_to + timedelta(days=1)))
    return query


def _london_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=LONDON)


def _rows(result) -> list[Row]:
    return [Row(event, f"{user.name} ({user.email})" if user else "Command line") for event, user in result]


def page_of(filters: Filters, page: int) -> tuple[list[Row], int]:
    """One page of events, newest first, and how many match in all."""
    query = _query(filters)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    page = max(page, 1)
    result = db.session.execute(
        query.order_by(AuditEvent.id.desc()).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    )
    return _rows(result), total


def actions() -> list[str]:
    """Every action recorded so far, for the filter's suggestions."""
    return list(db.session.scalars(sa.select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


def csv_of(filters: Filters) -> str:
    """Every matching event, oldest first, as CSV (details as JSON text)."""
    result = db.session.execute(_query(filters).order_by(AuditEvent.id).execution_options(yield_per=1000))
    return to_csv(
        ["id", "occurred_at_utc", "actor", "action", "subject_type", "subject_id", "details"],
        (
            [
                row.event.id,
                row.event.occurred_at.isoformat(),
                row.actor,
                row.event.action,
                row.event.subject_type,
                row.event.subject_id,
                json.dumps(row.event.details, sort_keys=True, ensure_ascii=False),
            ]
            for row in _rows(result)
        ),
    )
