"""The refusal every accreditation service raises."""

from __future__ import annotations

from app.refusal import Refused


class AccreditationError(Refused):
    """A change that cannot be made; the message says why, in words for the person who asked."""

    def __str__(self) -> str:
        # The text form (the CLI's error line, logs) names the field; pages read ``field`` and ``message``.
        return f"{self.field}: {self.message}" if self.field else self.message
