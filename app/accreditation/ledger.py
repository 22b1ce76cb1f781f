"""The credential ledger: every issue, suspension, reinstatement, revocation and renewal, hash-chained.

Each event's ``hash`` is SHA-256 over its canonical JSON (sequence, time, action, code, actor, details)
and the previous event's hash, so editing, deleting or reordering any event breaks every link after it.

Deleting the *last* events breaks no link, so the head is also kept outside the database: after every
commit that moved it, the head (sequence and hash) is signed with the issuer's key and written to
``instance/ledger-head.jws``, and published at ``/ledger/head.jws`` for anyone to keep a copy. ``verify``
checks the chain still reaches the signed head.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from joserfc import jws
from joserfc.errors import JoseError
from sqlalchemy import event as orm_event
from sqlalchemy.orm import Session

from app.accreditation.keys import SigningKeyMissing, keystore
from app.accreditation.models import LedgerAction, LedgerEvent
from app.database import db, utcnow
from app.i18n import gettext as _

GENESIS = "0" * 64
HEAD_FILE = "ledger-head.jws"
_MOVED = "imsa_ledger_head"
log = logging.getLogger("imsa.ledger")


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
    db.session.info[_MOVED] = (event.sequence, event.hash)  # signed once the commit has stored it
    return event


# --- the signed head, kept outside the database


@dataclass(frozen=True)
class Head:
    sequence: int
    hash: str


def head_path() -> Path:
    return Path(current_app.instance_path) / HEAD_FILE


def signed_head_token() -> str | None:
    """The signed head as published (a compact JWS), or None before the first event."""
    path = head_path()
    return path.read_text().strip() if path.exists() else None


def signed_head() -> Head | None:
    """The head the issuer last signed, checked against the published keys; None if there is none."""
    token = signed_head_token()
    if token is None:
        return None
    found = jws.deserialize_compact(token, keystore().key_set(), algorithms=["ES256"])
    claims = json.loads(found.payload)
    return Head(int(claims["sequence"]), str(claims["hash"]))


def _sign_head(sequence: int, hash_: str) -> None:
    current = _readable_head()
    if current is not None and current.sequence >= sequence:
        return  # another worker already signed a later head
    kid, key = keystore().signing_key()
    payload = json.dumps({"sequence": sequence, "hash": hash_, "signed_at": utcnow().isoformat()})
    token = jws.serialize_compact({"alg": "ES256", "kid": kid}, payload.encode(), key, algorithms=["ES256"])
    path = head_path()
    partial = path.with_suffix(".partial")
    partial.write_text(token + "\n")
    os.replace(partial, path)  # readers see the old head or the new one, never half a file


def _readable_head() -> Head | None:
    try:
        return signed_head()
    except (JoseError, ValueError, KeyError):
        return None  # unreadable: the next head replaces it, and verify reports it meanwhile


@orm_event.listens_for(Session, "after_commit")
def _publish_head(session: Session) -> None:
    moved = session.info.pop(_MOVED, None)
    if moved is None:
        return
    try:
        _sign_head(*moved)
    except (OSError, SigningKeyMissing):
        log.exception("the signed ledger head could not be written; `imsa ledger verify` will say so")


@orm_event.listens_for(Session, "after_soft_rollback")
def _forget_head(session: Session, previous_transaction) -> None:
    session.info.pop(_MOVED, None)


@dataclass(frozen=True)
class ChainReport:
    events: int
    broken_at: int | None = None  # the sequence number of the first event that does not check out
    reason: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def verify() -> ChainReport:
    """Recompute every link from the first event, reading in batches, then check that the chain still
    reaches the head the issuer signed (so deleting the last events is caught too)."""
    head = _readable_head()
    if head is None and signed_head_token() is not None:
        return ChainReport(0, 0, _("the signed ledger head does not verify against the published keys"))
    previous, expected, count = GENESIS, 1, 0
    for event in db.session.scalars(
        sa.select(LedgerEvent).order_by(LedgerEvent.sequence).execution_options(yield_per=1000)
    ):
        count += 1
        if event.sequence != expected:
            reason = _(
                "expected event %(expected)s, found %(found)s", expected=expected, found=event.sequence
            )
            return ChainReport(count, event.sequence, reason)
        if event.previous_hash != previous:
            reason = _("it does not point to the hash of the event before it")
            return ChainReport(count, event.sequence, reason)
        if _digest(event) != event.hash:
            return ChainReport(count, event.sequence, _("its contents do not match its hash (it was edited)"))
        if head is not None and event.sequence == head.sequence and event.hash != head.hash:
            return ChainReport(count, event.sequence, _("it is not the event the issuer signed as the head"))
        previous, expected = event.hash, expected + 1
    if head is not None and count < head.sequence:
        reason = _(
            "it is missing: the issuer signed event %(head)s as the head (deleted)", head=head.sequence
        )
        return ChainReport(count, count + 1, reason)
    return ChainReport(count)


def events_for(code: str) -> list[LedgerEvent]:
    return list(
        db.session.scalars(
            sa.select(LedgerEvent).where(LedgerEvent.credential_code == code).order_by(LedgerEvent.sequence)
        )
    )
