"""Legal currency: the state of a lesson or question from its review date and its recorded reviews,
over every combination, and the sentence a page shows for each."""

from datetime import date, timedelta
from itertools import product

import pytest

from app.curriculum.currency import RECHECK_AFTER, Currency, Record, SignOff, SourceCheck, currency, describe

TODAY = date(2026, 12, 7)
RECENT, STALE = TODAY - timedelta(days=10), TODAY - RECHECK_AFTER - timedelta(days=1)
DUES = {"none": None, "past": date(2026, 7, 31), "future": date(2027, 6, 30)}
CHECKS = {"none": None, "recent": RECENT, "stale": STALE}
SIGN_OFFS = {
    "none": None,
    "before check": RECENT - timedelta(days=5),
    "after check": RECENT + timedelta(days=2),
    "stale": STALE - timedelta(days=1),
}


def _record(check_on, whole, sign_on) -> Record:
    checks = (
        (SourceCheck(check_on, "content team", ("legislation.gov.uk",), "NHS charging", whole),)
        if check_on
        else ()
    )
    return Record(checks, SignOff(sign_on, "a subject expert") if sign_on else None)


def expected(due, check_on, whole, sign_on) -> Currency:
    fresh = lambda day: day is not None and day + RECHECK_AFTER >= TODAY  # noqa: E731
    if fresh(sign_on) and (check_on is None or sign_on >= check_on):
        return Currency.SIGNED_OFF
    past = due is not None and due < TODAY
    if fresh(check_on):
        return Currency.SOURCE_CHECKED if whole or not past else Currency.PARTLY_CHECKED
    return Currency.OVERDUE if past else Currency.IN_DATE


@pytest.mark.parametrize(
    ("due", "check", "whole", "sign"), list(product(DUES, CHECKS, (True, False), SIGN_OFFS))
)
def test_every_combination_of_review_date_check_and_sign_off_has_one_state(due, check, whole, sign):
    record = _record(CHECKS[check], whole, SIGN_OFFS[sign])
    state = currency(DUES[due], record, TODAY)
    assert state is expected(DUES[due], CHECKS[check], whole, SIGN_OFFS[sign])
    if state is not Currency.IN_DATE or DUES[due]:
        assert describe(state, DUES[due], date(2026, 1, 31), record)


def test_a_sign_off_older_than_the_latest_check_does_not_count():
    record = _record(RECENT, True, RECENT - timedelta(days=1))
    assert currency(DUES["past"], record, TODAY) is Currency.SOURCE_CHECKED


def test_a_partial_check_of_an_overdue_lesson_says_what_was_checked_and_that_the_rest_is_due():
    record = _record(RECENT, False, None)
    sentence = describe(Currency.PARTLY_CHECKED, DUES["past"], date(2026, 1, 31), record)
    assert sentence.startswith("Some statements (NHS charging) were source-checked on 27 November 2026")
    assert (
        "legislation.gov.uk; expert sign-off pending" in sentence
        and "due for a legal review on 31 July 2026" in sentence
    )


def test_a_source_checked_item_says_against_what_and_that_sign_off_is_pending():
    sentence = describe(Currency.SOURCE_CHECKED, DUES["past"], None, _record(date(2026, 12, 3), True, None))
    assert (
        sentence == "Source-checked on 3 December 2026 against legislation.gov.uk; expert sign-off pending."
    )


def test_an_overdue_item_says_when_it_was_last_checked():
    sentence = describe(Currency.OVERDUE, DUES["past"], date(2026, 1, 31), Record())
    assert sentence.startswith(
        "This content was last checked on 31 January 2026 and was due for a legal review on 31 July 2026"
    )


def test_a_record_survives_storage_as_json():
    record = _record(RECENT, False, RECENT + timedelta(days=1))
    assert Record.from_json(record.as_json()) == record and Record.from_json(None) == Record()
