"""The appeal rules as pure functions: the review window and the decision deadline in London working
days, at their boundaries, and the independence rule for reviewers over every combination."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

import pytest

from app.marking.appeals import decide_by, may_review, window_closes_on, within_window


def test_the_window_is_ten_working_days_after_release_over_christmas():
    # Released Friday 18 December 2026: 25 and 28 December are bank holidays, so the window ends on 6 January.
    released = datetime(2026, 12, 18, 10, 0, tzinfo=UTC)
    assert window_closes_on(released) == date(2027, 1, 6)


def test_the_last_day_of_the_window_is_in_and_the_next_morning_is_out():
    released = datetime(2026, 12, 18, 10, 0, tzinfo=UTC)
    assert within_window(released, datetime(2027, 1, 6, 23, 59, tzinfo=UTC))
    assert not within_window(released, datetime(2027, 1, 7, 0, 0, tzinfo=UTC))
    assert within_window(released, released)


def test_the_window_counts_london_dates_in_summer():
    # 23:30 UTC on 30 June is 00:30 on 1 July in London: the window runs from 1 July.
    released = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    assert window_closes_on(released) == date(2026, 7, 15)
    # 23:30 UTC on 15 July is already 16 July in London: too late, though it is still the 15th in UTC.
    assert within_window(released, datetime(2026, 7, 15, 22, 59, tzinfo=UTC))
    assert not within_window(released, datetime(2026, 7, 15, 23, 30, tzinfo=UTC))


def test_the_window_skips_easter():
    # Good Friday 26 March and Easter Monday 29 March 2027.
    assert window_closes_on(datetime(2027, 3, 24, 9, 0, tzinfo=UTC)) == date(2027, 4, 9)


def test_an_appeal_is_decided_within_fifteen_working_days_of_the_request():
    assert decide_by(datetime(2026, 12, 18, 10, 0, tzinfo=UTC)) == date(2027, 1, 13)
    assert decide_by(datetime(2026, 12, 7, 10, 0, tzinfo=UTC)) == date(2026, 12, 30)


MARKER, MODERATOR, AGREED_BY, OTHER = 1, 2, 3, 4


@pytest.mark.parametrize(
    ("first", "second", "agreed"),
    list(itertools.product((MARKER, None), (MODERATOR, None), (AGREED_BY, None))),
)
@pytest.mark.parametrize("person", [MARKER, MODERATOR, AGREED_BY, OTHER])
def test_only_someone_who_took_no_part_in_marking_may_review(first, second, agreed, person):
    marked_by = [first, second, agreed]
    assert may_review(person, marked_by) is (person not in marked_by)


def test_an_unmarked_piece_may_be_reviewed_by_anyone():
    assert may_review(MARKER, [None, None])
    assert may_review(MARKER, [])
