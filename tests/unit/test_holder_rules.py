"""The pure rules behind holder controls: what verify answers (replaced, private) and when reminders fall."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

from app.accreditation.reminders import due
from app.accreditation.standing import NAMELESS, State, decide

NOW = datetime(2027, 6, 1, 12, tzinfo=UTC)
START, END = NOW - timedelta(days=1), NOW + timedelta(days=1)
DATES = {NOW: State.VALID, END + timedelta(1): State.EXPIRED, START - timedelta(1): State.NOT_YET_VALID}


def test_revocation_then_suspension_then_replacement_then_privacy_then_the_dates_over_every_combination():
    """Neither a replacement nor the holder's privacy can hide a revocation or suspension, and a
    replacement is said whether or not the holder's page is private."""
    for revoked, suspended, replaced, private, now in itertools.product(
        (False, True), (False, True), (False, True), (False, True), DATES
    ):
        found = decide(
            revoked=revoked,
            suspended=suspended,
            valid_from=START,
            valid_until=END,
            now=now,
            replaced=replaced,
            private=private,
        )
        if revoked:
            expected = State.REVOKED
        elif suspended:
            expected = State.SUSPENDED
        elif replaced:
            expected = State.REPLACED
        elif private:
            expected = State.PRIVATE
        else:
            expected = DATES[now]
        assert found is expected, (revoked, suspended, replaced, private, now)


def test_only_replaced_and_private_are_the_nameless_answers():
    assert {State.REPLACED, State.PRIVATE} == NAMELESS


def test_a_reminder_falls_due_at_90_then_at_30_days_and_never_after_expiry():
    until = date(2027, 12, 31)
    expected = {}
    for left in range(-5, 200):
        expected[left] = 90 if 30 < left <= 90 else 30 if 0 <= left <= 30 else None
    for left, days in expected.items():
        assert due(until, until - timedelta(days=left)) == days, left
