"""Bitstring status lists (W3C Bitstring Status List v1.0): list 1 for revocation, list 2 for suspension.

Each credential has a random index, never reused, into lists of 131,072 bits. A list is published as a
signed ``BitstringStatusListCredential``; its ``encodedList`` is the GZIP-compressed bitstring, base64url
without padding, with the multibase prefix ``u``. Bit 0 is the most significant bit of the first byte.
The credential's own status entry names list 1 (revocation), as OB 3.0 expects; the suspension list at
the same index is this platform's addition, checked by its own verifier.
"""

from __future__ import annotations

import base64
import gzip
import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import current_app

from app.accreditation import credentials
from app.accreditation.keys import keystore
from app.accreditation.models import Credential, LedgerEvent
from app.database import db

LIST_SIZE = 131_072  # the minimum the specification sets, so one index tells nothing about the others
PURPOSES = {credentials.REVOCATION_LIST: "revocation", credentials.SUSPENSION_LIST: "suspension"}


class StatusListFull(RuntimeError):
    """Every index of the list has been used."""


def encode(indices: set[int], size: int = LIST_SIZE) -> str:
    bits = bytearray(size // 8)
    for index in indices:
        bits[index // 8] |= 0x80 >> (index % 8)
    return "u" + base64.urlsafe_b64encode(gzip.compress(bytes(bits), mtime=0)).decode().rstrip("=")


def decode(encoded: str) -> bytes:
    if not encoded.startswith("u"):
        raise ValueError("encodedList must be multibase base64url (prefix u)")
    data = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))


def bit(bitstring: bytes, index: int) -> bool:
    return bool(bitstring[index // 8] & (0x80 >> (index % 8)))


def new_index() -> int:
    """A random index no credential has had; the unique constraint backs this up under concurrency."""
    used = db.session.scalar(sa.select(sa.func.count(Credential.id))) or 0
    if used >= LIST_SIZE:
        raise StatusListFull("the status list has no free index left: a second list is needed")
    while True:
        index = secrets.randbelow(LIST_SIZE)
        if db.session.scalar(sa.select(Credential.id).where(Credential.status_index == index)) is None:
            return index


def _set_indices(list_number: int) -> set[int]:
    if list_number == credentials.REVOCATION_LIST:
        condition = Credential.revoked_at.is_not(None)
    else:
        condition = sa.and_(Credential.suspended_at.is_not(None), Credential.revoked_at.is_(None))
    return set(db.session.scalars(sa.select(Credential.status_index).where(condition)))


_TABLE = LedgerEvent.__table__
_HEAD = (
    f"SELECT {_TABLE.c.sequence.name}, {_TABLE.c.hash.name} FROM {_TABLE.name} "
    f"ORDER BY {_TABLE.c.sequence.name} DESC LIMIT 1"
)


def ledger_head() -> tuple[int, str]:
    """The newest ledger event's number and hash: every status change adds an event in the same
    transaction, so it versions the lists (the hash too, so a database restored to an earlier head
    that then took other events is never taken for the one cached before).

    Read on every check and never cached, since it is what tells each process that its cached lists
    are out of date: one lookup on the (unique, indexed) sequence, sent straight to the driver on the
    session's own connection, which costs a fifth of an ORM query."""
    cursor = db.session.connection().connection.cursor()
    try:
        cursor.execute(_HEAD)
        row = cursor.fetchone()
    finally:
        cursor.close()
    return (row[0], row[1]) if row else (0, "")


def signed_list(list_number: int, head: tuple[int, str] | None = None) -> str:
    """The published status list credential (compact JWS), re-signed only when the ledger has moved on."""
    if list_number not in PURPOSES:
        raise LookupError(list_number)
    store = keystore()
    head = ledger_head() if head is None else head
    cache = current_app.extensions.setdefault("imsa_status_lists", {})
    key = (list_number, head, store.active_thumbprint())
    if key not in cache:
        if len(cache) > 8:  # old heads are never asked for again
            cache.clear()
        cache[key] = _sign_list(list_number, store)
    return cache[key]


def _sign_list(list_number: int, store) -> str:
    base = current_app.config["IMSA_BASE_URL"].rstrip("/")
    url = f"{base}/status/{list_number}"
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": store.did,
        "validFrom": credentials.timestamp(datetime.now(UTC)),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": PURPOSES[list_number],
            "encodedList": encode(_set_indices(list_number)),
        },
    }
    kid, key = store.signing_key()
    return credentials.sign(document, kid, key)
