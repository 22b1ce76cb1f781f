"""Words the reports show on a page and also write to CSV files: English in the file (machine-read, the same
for everyone), in the page's language on the page.

A constant marked with ``N_`` is shown with the ``shown`` filter (``{{ table.title|shown }}``): Python's
gettext, which, unlike the templates' ``_``, leaves a ``%`` in the English alone ("Pass rate (%)"). Words
made up of a marked message and values (a risk naming its days and date) are a ``Phrase``: the string
itself is the English, so CSV files, the command line and comparisons read it unchanged, and ``shown``
says it in the page's language.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import date

from app.i18n import N_, current_language, gettext
from app.templating import long_date

# Labels of lower packages' enums that the report pages show with ``shown`` (marked here for extraction;
# the enums keep their English labels for CSV files and comparisons).
ENUM_LABELS = (
    *(N_("England"), N_("Scotland"), N_("Wales"), N_("Northern Ireland")),
    *(N_("NGO"), N_("Local authority"), N_("Faith group"), N_("Community group"), N_("Other")),
    *(N_("Active"), N_("Deferred"), N_("Withdrawn"), N_("Transferred")),
    *(N_("Not started"), N_("In progress"), N_("Awaiting marking"), N_("Passed"), N_("Referred")),
    N_("Overdue"),
    *(N_("In marking"), N_("In moderation"), N_("Released")),
)


def _english(value) -> object:
    return f"{value.day} {value:%B %Y}" if isinstance(value, date) else value


class Phrase(str):
    """A marked message (``N_``) with its values: the English as a string, ``shown`` for the page. Dates
    are written "18 May 2026" in English and with the page's month names when shown."""

    message: str
    values: dict

    def __new__(cls, message: str, **values) -> Phrase:
        english = message % {k: _english(v) for k, v in values.items()} if values else message
        phrase = super().__new__(cls, english)
        phrase.message, phrase.values = message, values
        return phrase

    @property
    def shown(self) -> str:
        values = {k: long_date(v) if isinstance(v, date) else v for k, v in self.values.items()}
        return gettext(self.message, **values)


def shown(value) -> str:
    """A Phrase, or a constant marked with ``N_``, in the page's language."""
    if isinstance(value, Phrase):
        return value.shown
    return gettext(value) if value else ""


class InLanguage(Mapping):
    """A lookup table built once for each language it is read in (``make`` runs under that language): the
    matrix's cells are HTML made once, not per cell, and still say the page's language."""

    def __init__(self, make: Callable[[], dict]) -> None:
        self._make, self._built = make, {}

    def here(self) -> dict:
        """The table in the language being shown: a caller reading many entries looks it up once."""
        language = current_language()
        if language not in self._built:
            self._built[language] = self._make()
        return self._built[language]

    def __getitem__(self, key):
        return self.here()[key]

    def __iter__(self) -> Iterator:
        return iter(self.here())

    def __len__(self) -> int:
        return len(self.here())
