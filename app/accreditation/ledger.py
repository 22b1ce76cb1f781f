"""The credential ledger: every issue, suspension, reinstatement, revocation and renewal, hash-chained.

Each event's ``hash`` is SHA-256 over its canonical JSON (sequence, time, action, code, actor, details)
and the previous event's hash, so editing, deleting or reordering any event breaks every link after it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import sqlalchemy as sa

from app.accreditation.models import LedgerAction, LedgerEvent
from app.database import db, utcnow

GENESIS = "0" * 64


def _digest(event: LedgerEvent) -> str:
    canonical = json.dumps(
        {
            "sequence": event.sequence,
            "occurred_at": event.occurred_at.isoformat(),
            "action": str(event.action),
            "credential": event.credential_code,
            "actor": event.actor,
            "details": event.details,
            "previous": event.previous_hash,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def append(action: LedgerAction, credential_code: str, actor, **details) -> LedgerEvent:
    """Add an event to the caller's transaction. The head row is locked (on PostgreSQL) so two
    writers cannot both chain to it; the unique sequence backs that up everywhere."""
    head = db.session.scalar(
        sa.select(LedgerEvent).order_by(LedgerEvent.sequence.desc()).limit(1).with_for_update()
    )
    event = LedgerEvent(
        sequence=(head.sequence + 1) if head else 1,
        occurred_at=utcnow().replace(microsecond=0),  # what every database stores exactly
        action=action,
        credential_code=credential_code,
        actor=getattr(actor, "public_id", None) or "cli",
        details=details,
        previous_hash=head.hash if head else GENESIS,
    )
    event.hash = _digest(event)
    db.session.add(event)
    return event


@dataclass(frozen=True)
class ChainReport:
    events: int
    broken_at: int | None = None  # the sequence number of the first event that does not check out
    reason: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def verify() -> ChainReport:
    """Recompute every link from the first event, reading in batches."""
    previous, expected, count = GENESIS, 1, 0
    for event in db.session.scalars(
        sa.select(LedgerEvent).order_by(LedgerEvent.sequence).execution_options(yield_per=1000)
    ):
        count += 1
        if event.sequence != expected:
            return ChainReport(count, event.sequence, f"expected event {expected}, found {event.sequence}")
        if event.previous_hash != previous:
            return ChainReport(count, event.sequence, "it does not point to the hash of the event before it")
        if _digest(event) != event.hash:
            return ChainReport(count, event.sequence, "its contents do not match its hash (it was edited)")
        previous, expected = event.hash, expected + 1
    return ChainReport(count)


def events_for(code: str) -> list[LedgerEvent]:
    return list(
        db.session.scalars(
            sa.select(LedgerEvent).where(LedgerEvent.credential_code == code).order_by(LedgerEvent.sequence)
        )
    )
