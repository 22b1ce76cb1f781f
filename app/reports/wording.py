"""Words the reports show on a page and also write to CSV files: English in the file (machine-read, the same
for everyone), in the page's language on the page.

A constant marked with ``N_`` is shown with the ``shown`` filter (``{{ table.title|shown }}``): Python's
gettext, which, unlike the templates' ``_``, leaves a ``%`` in the English alone ("Pass rate (%)"). Words
made up of a marked message and values (a risk naming its days and date) are a ``Phrase``: the string
itself is the English, so CSV files, the command line and comparisons read it unchanged, and ``shown``
says it in the page's language.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext

from app.templating import long_date


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
