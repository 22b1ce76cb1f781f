"""Where a credential stands: valid, suspended, revoked, expired or not yet valid, with the date and reason.

``decide`` is the one rule, a pure function over the facts: the public verifier (``app.verify``) applies it
to the bits of the published, signed status lists; ``standing`` applies it to the Hub's record, for the
holder's page and the certificate PDF. Revocation outranks suspension, and both outrank the dates.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

from app.accreditation.models import Credential
from app.database import utcnow
from app.templating import LONDON


class State(enum.StrEnum):
    # The same values as the verifier's verdicts, so a verdict is ``Verdict(decide(...))``.
    VALID = "valid"
    SUSPENDED = "suspended"
    REVOKED = "revoked"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"


LABELS = {
    State.VALID: "Valid",
    State.SUSPENDED: "Suspended",
    State.REVOKED: "Revoked",
    State.EXPIRED: "Expired",
    State.NOT_YET_VALID: "Not yet valid",
}


def decide(
    *, revoked: bool, suspended: bool, valid_from: datetime, valid_until: datetime, now: datetime
) -> State:
    """The state given the status flags and the signed validity window."""
    if revoked:
        return State.REVOKED
    if suspended:
        return State.SUSPENDED
    if now > valid_until:
        return State.EXPIRED
    if now < valid_from:
        return State.NOT_YET_VALID
    return State.VALID


@dataclass(frozen=True)
class Standing:
    """The answer pages and the certificate read: which state, since when, and why (as the Hub recorded)."""

    state: State
    since: datetime | None  # when it was revoked or suspended, or the date it expires or starts
    reason: str | None  # the reason the Hub gave for a revocation or suspension

    @property
    def label(self) -> str:
        return LABELS[self.state]

    @property
    def current(self) -> bool:
        """Valid now: the only state in which the holder is offered ways to share it."""
        return self.state is State.VALID

    @property
    def revoked(self) -> bool:
        return self.state is State.REVOKED

    @property
    def suspended(self) -> bool:
        return self.state is State.SUSPENDED

    @property
    def expired(self) -> bool:
        return self.state is State.EXPIRED

    @property
    def not_yet_valid(self) -> bool:
        return self.state is State.NOT_YET_VALID

    @property
    def withdrawn(self) -> bool:
        """Revoked or suspended by the Hub: the certificate PDF then says so across the page."""
        return self.state in (State.REVOKED, State.SUSPENDED)

    @property
    def since_day(self) -> date | None:
        """``since`` as a day in UK time, as every page shows dates."""
        return self.since.astimezone(LONDON).date() if self.since else None


def standing(credential: Credential, now: datetime | None = None) -> Standing:
    """Where ``credential`` stands by the Hub's record (which the published status lists are built from)."""
    state = decide(
        revoked=credential.revoked_at is not None,
        suspended=credential.suspended_at is not None,
        valid_from=credential.valid_from,
        valid_until=credential.valid_until,
        now=now or utcnow(),
    )
    if state is State.REVOKED:
        return Standing(state, credential.revoked_at, credential.revocation_reason)
    if state is State.SUSPENDED:
        return Standing(state, credential.suspended_at, credential.suspension_reason)
    if state is State.EXPIRED:
        return Standing(state, credential.valid_until, None)
    if state is State.NOT_YET_VALID:
        return Standing(state, credential.valid_from, None)
    return Standing(state, None, None)
