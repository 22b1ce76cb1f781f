"""Jinja filters shared by every page: dates are stored in UTC and shown in UK time, in the page's
language (Flask-Babel's locale; its timezone is Europe/London)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date
from flask import Flask, has_app_context
from flask_babel import get_locale, gettext

LONDON = ZoneInfo("Europe/London")


def long_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(LONDON)
        return gettext("%(date)s at %(time)s", date=_day(value.date()), time=f"{value:%H:%M}")
    return _day(value)


def _day(value: date) -> str:
    """7 December 2026, 7 Rhagfyr 2026: CLDR month names in the page's language (English outside an app)."""
    return _written_day(value, (get_locale() if has_app_context() else None) or "en_GB")


@lru_cache(maxsize=4096)
def _written_day(value: date, locale) -> str:
    """Babel builds the pattern and looks the month up anew each time; the same few dates are shown all
    day (an award date, a validity date), so each is written once per language."""
    return format_date(value, "d MMMM y", locale=locale)


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
    return gettext("%(time)s (UK time)", time=f"{value.astimezone(LONDON):%H:%M}")


def today_in_london() -> date:
    return datetime.now(LONDON).date()


def init_templating(app: Flask) -> None:
    app.add_template_filter(long_date)
    app.add_template_filter(time_of_day)
    app.add_template_filter(number)
    app.add_template_filter(minutes)
    app.add_template_global(today_in_london, "today")
