"""The special-consideration window, a pure rule: a request may be made before the assessment and up to
five working days (England and Wales, Europe/London) after it, checked over every day around the
boundary, across weekends and bank holidays."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.marking.consideration import WINDOW_WORKING_DAYS, in_window, window_closes
from app.workdays import is_working_day


def _working_days_after(start: date, end: date) -> int:
    """Counted independently of the rule: the working days after ``start`` up to ``end``."""
    return sum(is_working_day(start + timedelta(days=n)) for n in range(1, (end - start).days + 1))


@pytest.mark.parametrize(
    ("assessed", "closes"),
    [
        (date(2027, 3, 1), date(2027, 3, 8)),  # a Monday: the next Monday
        (date(2027, 3, 5), date(2027, 3, 12)),  # a Friday: over one weekend
        (date(2027, 3, 6), date(2027, 3, 12)),  # a Saturday counts from the Monday after
        (date(2027, 3, 24), date(2027, 4, 2)),  # Good Friday 26 March and Easter Monday 29 March skipped
        (date(2026, 12, 23), date(2027, 1, 4)),  # Christmas, Boxing Day (Monday 28th) and New Year skipped
    ],
)
def test_the_window_closes_five_working_days_after_the_assessment(assessed, closes):
    assert WINDOW_WORKING_DAYS == 5
    assert window_closes(assessed) == closes


@pytest.mark.parametrize("assessed", [date(2027, 3, 1) + timedelta(days=n) for n in range(40)])
def test_a_request_is_in_time_on_every_day_up_to_the_fifth_working_day_and_never_after(assessed):
    for offset in range(-5, 20):
        today = assessed + timedelta(days=offset)
        counted = _working_days_after(assessed, today)  # 0 on and before the assessment's day
        # Open until the end of the fifth working day: not over the weekend or bank holiday after it.
        expected = counted < WINDOW_WORKING_DAYS or (counted == WINDOW_WORKING_DAYS and is_working_day(today))
        assert in_window(assessed, today) is expected, (assessed, today)


def test_before_any_attempt_there_is_no_date_and_a_request_is_always_in_time():
    assert in_window(None, date(2030, 1, 1))
