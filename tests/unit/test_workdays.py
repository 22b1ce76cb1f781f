"""Working days skip weekends and the bank holidays of England and Wales, so a window never ends on a day
the awarding body is closed."""

from __future__ import annotations

from datetime import UTC, date, datetime

from app.workdays import london_date, working_days_after, working_days_between


def test_a_weekday_window_skips_the_weekend():
    assert working_days_after(date(2026, 12, 4), 1) == date(2026, 12, 7)  # Friday → Monday


def test_christmas_and_the_boxing_day_substitute_do_not_count():
    # 25 December 2026 is a Friday; Boxing Day falls on Saturday, so Monday 28 December is the holiday.
    assert working_days_after(date(2026, 12, 24), 1) == date(2026, 12, 29)


def test_ten_working_days_over_easter_2027():
    # Good Friday 26 March and Easter Monday 29 March 2027.
    assert working_days_after(date(2027, 3, 22), 10) == date(2027, 4, 7)


def test_between_counts_the_days_a_window_has_used():
    assert working_days_between(date(2026, 12, 24), date(2026, 12, 29)) == 1
    assert working_days_between(date(2026, 12, 29), date(2026, 12, 24)) == 0


def test_a_late_evening_in_summer_is_the_next_day_in_london():
    assert london_date(datetime(2026, 7, 1, 23, 30)) == date(2026, 7, 2)
    assert london_date(datetime(2026, 12, 1, 23, 30, tzinfo=UTC)) == date(2026, 12, 1)
