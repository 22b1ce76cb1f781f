"""Where a credential stands: valid, suspended, revoked, expired or not yet valid, with the date and reason.

``decide`` is the one rule, a pure function over the facts: the public verifier (``app.verify``) applies it
to the bits of the published, signed status lists; ``standing`` applies it to the Hub's record, for the
holder's page and the certificate PDF. Revocation outranks suspension, and both outrank the dates.

Two answers come from the Hub's record rather than the status lists, and say nothing about the holder:
*replaced* (re-issued under a corrected name: the old code never shows the old name) and *private* (the
holder turned their public page off, so a code lookup says so; their own file or a share link still
verifies in full). A revocation or suspension outranks both, so neither can hide one.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

from app.accreditation.models import Credential
from app.database import utcnow
from app.i18n import N_, gettext
from app.templating import LONDON


class State(enum.StrEnum):
    # The same values as the verifier's verdicts, so a verdict is ``Verdict(decide(...))``.
    VALID = "valid"
    SUSPENDED = "suspended"
    REVOKED = "revoked"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    REPLACED = "replaced"
    PRIVATE = "private"


LABELS = {
    State.VALID: N_("Valid"),
    State.SUSPENDED: N_("Suspended"),
    State.REVOKED: N_("Revoked"),
    State.EXPIRED: N_("Expired"),
    State.NOT_YET_VALID: N_("Not yet valid"),
    State.REPLACED: N_("Replaced"),
    State.PRIVATE: N_("Private"),
}

# The answers that show nobody's name, whatever the signed document says.
NAMELESS = frozenset({State.REPLACED, State.PRIVATE})


def decide(
    *,
    revoked: bool,
    suspended: bool,
    valid_from: datetime,
    valid_until: datetime,
    now: datetime,
    replaced: bool = False,
    private: bool = False,
) -> State:
    """The state given the status flags, the signed validity window, whether the credential was replaced
    by a re-issue, and whether the answer is for a code lookup of a holder who turned their page off."""
    if revoked:
        return State.REVOKED
    if suspended:
        return State.SUSPENDED
    if replaced:
        return State.REPLACED
    if private:
        return State.PRIVATE
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
        """In the page's language."""
        return gettext(LABELS[self.state])

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
    def replaced(self) -> bool:
        return self.state is State.REPLACED

    @property
    def withdrawn(self) -> bool:
        """Revoked or suspended by the Hub: the certificate PDF then says so across the page."""
        return self.state in (State.REVOKED, State.SUSPENDED)

    @property
    def since_day(self) -> date | None:
        """``since`` as a day in UK time, as every page shows dates."""
        return self.since.astimezone(LONDON).date() if self.since else None


def standing(credential: Credential, now: datetime | None = None) -> Standing:
    """Where ``credential`` stands by the Hub's record (which the published status lists are built from).

    This is the holder's and the Hub's view, so the holder's privacy choice does not enter it."""
    state = decide(
        revoked=credential.revoked_at is not None,
        suspended=credential.suspended_at is not None,
        valid_from=credential.valid_from,
        valid_until=credential.valid_until,
        now=now or utcnow(),
        replaced=credential.replaced_at is not None,
    )
    if state is State.REVOKED:
        return Standing(state, credential.revoked_at, credential.revocation_reason)
    if state is State.SUSPENDED:
        return Standing(state, credential.suspended_at, credential.suspension_reason)
    if state is State.REPLACED:
        return Standing(state, credential.replaced_at, None)
    if state is State.EXPIRED:
        return Standing(state, credential.valid_until, None)
    if state is State.NOT_YET_VALID:
        return Standing(state, credential.valid_from, None)
    return Standing(state, None, None)
