"""Bitstring status lists (W3C Bitstring Status List v1.0): list 1 for revocation, list 2 for suspension,
list 3 (``message``, two bits each: 0 valid, 1 revoked, 2 suspended) for both at once.

Each credential has a random index, never reused, into lists of 131,072 entries. A list is published as a
signed ``BitstringStatusListCredential``; its ``encodedList`` is the GZIP-compressed bitstring, base64url
without padding, with the multibase prefix ``u``. Bit 0 is the most significant bit of the first byte;
entry ``i`` of a list of ``size``-bit entries is bits ``i*size`` to ``i*size + size - 1``, most
significant first. The JWS form's one status entry names list 3 (OB 3.0's schema allows one entry); the
JSON-LD form names lists 1 and 2, which is what Data Integrity verifiers read. Credentials issued before
list 3 name list 1 only; every list is kept up to date for all of them.
"""

from __future__ import annotations

import base64
import gzip
import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import current_app

from app.accreditation import credentials, dataintegrity
from app.accreditation.keys import keystore
from app.accreditation.models import Credential, LedgerEvent
from app.database import db

LIST_SIZE = 131_072  # the minimum the specification sets, so one index tells nothing about the others
PURPOSES = {
    credentials.REVOCATION_LIST: "revocation",
    credentials.SUSPENSION_LIST: "suspension",
    credentials.MESSAGE_LIST: "message",
}


class StatusListFull(RuntimeError):
    """Every index of the list has been used."""


def encode(indices: set[int], size: int = LIST_SIZE) -> str:
    bits = bytearray(size // 8)
    for index in indices:
        bits[index // 8] |= 0x80 >> (index % 8)
    return "u" + base64.urlsafe_b64encode(gzip.compress(bytes(bits), mtime=0)).decode().rstrip("=")


def encode_values(values: dict[int, int], status_size: int, size: int = LIST_SIZE) -> str:
    """A list of ``status_size``-bit entries: ``values`` maps an index to its value (others are 0)."""
    bits = set()
    for index, state in values.items():
        for offset in range(status_size):
            if state >> (status_size - 1 - offset) & 1:
                bits.add(index * status_size + offset)
    return encode(bits, size * status_size)


def value(bitstring: bytes, index: int, status_size: int) -> int:
    """The ``status_size``-bit entry at ``index``."""
    found = 0
    for offset in range(status_size):
        found = found << 1 | bit(bitstring, index * status_size + offset)
    return found


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


def _encoded_list(list_number: int) -> str:
    if list_number != credentials.MESSAGE_LIST:
        return encode(_set_indices(list_number))
    values = dict.fromkeys(_set_indices(credentials.SUSPENSION_LIST), credentials.STATUS_SUSPENDED)
    values.update(dict.fromkeys(_set_indices(credentials.REVOCATION_LIST), credentials.STATUS_REVOKED))
    return encode_values(values, credentials.STATUS_SIZE)


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


def linked_data_list(list_number: int, head: int | None = None) -> dict:
    """The same status list as a JSON-LD credential with a Data Integrity proof, for the JSON-LD form of
    credentials (Data Integrity verifiers do not read a JWS list). Only lists 1 and 2: that form names
    no other."""
    if list_number not in (credentials.REVOCATION_LIST, credentials.SUSPENSION_LIST):
        raise LookupError(list_number)
    store = keystore()
    head = ledger_head() if head is None else head
    cache = current_app.extensions.setdefault("imsa_status_lists_ld", {})
    key = (list_number, head, store.active_thumbprint())
    if key not in cache:
        if len(cache) > 8:
            cache.clear()
        base = current_app.config["IMSA_BASE_URL"].rstrip("/")
        document = _list_document(list_number, store, f"{base}/status/{list_number}/ld")
        method, private = store.ed_signing_key()
        cache[key] = dataintegrity.sign(document, method, private, created=document["validFrom"])
    return cache[key]


def _sign_list(list_number: int, store) -> str:
    base = current_app.config["IMSA_BASE_URL"].rstrip("/")
    document = _list_document(list_number, store, f"{base}/status/{list_number}")
    kid, key = store.signing_key()
    return credentials.sign(document, kid, key)


def _list_document(list_number: int, store, url: str) -> dict:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": store.did,
        "validFrom": credentials.timestamp(datetime.now(UTC)),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": PURPOSES[list_number],
            "encodedList": _encoded_list(list_number),
        },
    }
