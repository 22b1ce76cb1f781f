"""Jinja filters shared by every page: dates are stored in UTC and shown in UK time."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Flask

LONDON = ZoneInfo("Europe/London")


def long_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(LONDON)
        return f"{value.day} {value:%B %Y} at {value:%H:%M}"
    return f"{value.day} {value:%B %Y}"


def today_in_london() -> date:
    return datetime.now(LONDON).date()


def init_templating(app: Flask) -> None:
    app.add_template_filter(long_date)
    app.add_template_global(today_in_london, "today")
