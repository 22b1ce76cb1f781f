"""The one type of a refusal a person is shown.

A service raises ``Refused(message, field=...)`` when a change cannot be made; ``field`` names the form field
the person should fix (``None``: the page as a whole). Views put it on the field or the page with the helpers
in ``app/web.py``: nothing anywhere reads the message's wording to decide what to do.
"""

from __future__ import annotations


class Refused(Exception):
    """This change cannot be made now; the message says why in plain words."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message
