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

from app.accreditation import credentials, dataintegrity
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


def ledger_head() -> int:
    """The newest ledger event's number: every status change adds one, so it versions the lists."""
    return db.session.scalar(sa.select(sa.func.max(LedgerEvent.sequence))) or 0


def signed_list(list_number: int, head: int | None = None) -> str:
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
    credentials (Data Integrity verifiers do not read a JWS list)."""
    if list_number not in PURPOSES:
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
            "encodedList": encode(_set_indices(list_number)),
        },
    }
