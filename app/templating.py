"""Jinja filters shared by every page: dates are stored in UTC and shown in UK time."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
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


def number(value) -> str:
    """1.50 -> "1.5", 3.00 -> "3": quantities such as hours without trailing zeros."""
    return f"{Decimal(str(value)).normalize():f}"


def minutes(value) -> str:
    """A number of minutes as people write it: 30, 37½, 40.2."""
    whole, part = int(value), value - int(value)
    if part == 0:
        return str(whole)
    if part == Fraction(1, 2):
        return f"{whole}½"
    return f"{float(value):.1f}"


def time_of_day(value: datetime) -> str:
    return f"{value.astimezone(LONDON):%H:%M} (UK time)"


def today_in_london() -> date:
    return datetime.now(LONDON).date()


def init_templating(app: Flask) -> None:
    app.add_template_filter(long_date)
    app.add_template_filter(time_of_day)
    app.add_template_filter(number)
    app.add_template_filter(minutes)
    app.add_template_global(today_in_london, "today")
