"""Legal currency: what was checked, by whom, against which source and when, and what that makes a lesson's
or question's state today.

A review is a recorded act, kept in ``course_content/reviews.yaml`` (format in ``course_content/README.md``)
apart from the lessons and question banks: a **source check** by the content team (a statement read
against its source) and, separately, a **subject-expert sign-off**. The loader stores each record with its
lesson or question; ``currency`` turns a record, the file's ``review_due`` and today into one state, and
``describe`` says it in one plain sentence for the page.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta

from app.i18n import N_
from app.i18n import gettext as _
from app.templating import long_date

# A check or sign-off counts for this long; after it, the content is due again.
RECHECK_AFTER = timedelta(days=183)


class Currency(enum.StrEnum):
    SIGNED_OFF = "signed_off"  # a subject expert signed it off after the latest source check
    SOURCE_CHECKED = "source_checked"  # checked against its sources; expert sign-off pending
    PARTLY_CHECKED = "partly_checked"  # some statements checked; the rest is past its review date
    OVERDUE = "overdue"  # past its review date, nothing recorded since
    IN_DATE = "in_date"  # within its review date (or no legal content dated)


# English (marked for the pages, which show them with ``gettext``).
LABELS = {
    Currency.OVERDUE: N_("Review overdue"),
    Currency.PARTLY_CHECKED: N_("Partly source-checked, sign-off pending"),
    Currency.SOURCE_CHECKED: N_("Source-checked, sign-off pending"),
    Currency.SIGNED_OFF: N_("Signed off by a subject expert"),
    Currency.IN_DATE: N_("In date"),
}
# The order the Hub sees them: what needs action first.
ORDER = [
    Currency.OVERDUE,
    Currency.PARTLY_CHECKED,
    Currency.SOURCE_CHECKED,
    Currency.SIGNED_OFF,
    Currency.IN_DATE,
]


@dataclass(frozen=True)
class SourceCheck:
    on: date
    by: str
    sources: tuple[str, ...]
    statements: str  # what was checked, in a few words
    whole: bool  # the check covered every legal statement of the lesson (a question is always whole)


@dataclass(frozen=True)
class SignOff:
    on: date
    by: str


@dataclass(frozen=True)
class Record:
    checks: tuple[SourceCheck, ...] = ()
    sign_off: SignOff | None = None

    @property
    def latest_check(self) -> SourceCheck | None:
        return max(self.checks, key=lambda c: c.on, default=None)

    def as_json(self) -> dict:
        return {
            "checks": [
                {
                    "on": c.on.isoformat(),
                    "by": c.by,
                    "sources": list(c.sources),
                    "statements": c.statements,
                    "whole": c.whole,
                }
                for c in self.checks
            ],
            "sign_off": {"on": self.sign_off.on.isoformat(), "by": self.sign_off.by}
            if self.sign_off
            else None,
        }

    @classmethod
    def from_json(cls, data: dict | None) -> Record:
        if not data:
            return cls()
        checks = tuple(
            SourceCheck(
                date.fromisoformat(c["on"]), c["by"], tuple(c["sources"]), c["statements"], c["whole"]
            )
            for c in data.get("checks", [])
        )
        sign = data.get("sign_off")
        return cls(checks, SignOff(date.fromisoformat(sign["on"]), sign["by"]) if sign else None)


def _fresh(on: date | None, today: date) -> bool:
    return on is not None and on + RECHECK_AFTER >= today


def currency(review_due: date | None, record: Record, today: date) -> Currency:
    """The state of one lesson or question today.

    A sign-off counts only if it is no older than the latest source check; a check or sign-off counts for
    ``RECHECK_AFTER`` (after that only the file's own ``review_due`` speaks). A check of some statements
    leaves the lesson partly checked once its own review date has passed, because the rest is then overdue.
    """
    check = record.latest_check
    sign = record.sign_off
    if sign and _fresh(sign.on, today) and (check is None or sign.on >= check.on):
        return Currency.SIGNED_OFF
    past_due = review_due is not None and review_due < today
    if check and _fresh(check.on, today):
        return Currency.SOURCE_CHECKED if check.whole or not past_due else Currency.PARTLY_CHECKED
    return Currency.OVERDUE if past_due else Currency.IN_DATE


def _long(day: date) -> str:
    """The date in the page's language ("3 December 2026"; English outside a page)."""
    return long_date(day)


def _sources(check: SourceCheck) -> str:
    return " and ".join(check.sources)


def describe(state: Currency, review_due: date | None, law_as_at: date | None, record: Record) -> str:
    """One plain sentence for the page, saying what was checked, against what and when (in the page's
    language: whole sentences, so each reads naturally when translated)."""
    check, sign = record.latest_check, record.sign_off
    if state is Currency.SIGNED_OFF:
        if check:
            return _(
                "Source-checked on %(checked)s against %(sources)s; signed off by a subject expert on "
                "%(signed)s.",
                checked=_long(check.on),
                sources=_sources(check),
                signed=_long(sign.on),
            )
        return _("Signed off by a subject expert on %(signed)s.", signed=_long(sign.on))
    if state is Currency.SOURCE_CHECKED:
        return _(
            "Source-checked on %(checked)s against %(sources)s; expert sign-off pending.",
            checked=_long(check.on),
            sources=_sources(check),
        )
    if state is Currency.PARTLY_CHECKED:
        return _(
            "Some statements (%(statements)s) were source-checked on %(checked)s against %(sources)s; expert "
            "sign-off pending. The rest was due for a legal review on %(due)s: check anything you rely on "
            "against the sources given.",
            statements=check.statements,
            checked=_long(check.on),
            sources=_sources(check),
            due=_long(review_due),
        )
    if state is Currency.OVERDUE:
        return _overdue(check.on if check else law_as_at, review_due)
    if law_as_at and review_due:
        return _(
            "Law and guidance as at %(law)s; next review due by %(due)s.",
            law=_long(law_as_at),
            due=_long(review_due),
        )
    return ""


def _overdue(last: date | None, review_due: date | None) -> str:
    if last and review_due:
        return _(
            "This content was last checked on %(checked)s and was due for a legal review on %(due)s. Check "
            "anything you rely on against the sources given.",
            checked=_long(last),
            due=_long(review_due),
        )
    if last:
        return _(
            "This content was last checked on %(checked)s and is due for a legal review. Check anything you "
            "rely on against the sources given.",
            checked=_long(last),
        )
    if review_due:
        return _(
            "This content was due for a legal review on %(due)s. Check anything you rely on against the "
            "sources given.",
            due=_long(review_due),
        )
    return _("This content is due for a legal review. Check anything you rely on against the sources given.")
