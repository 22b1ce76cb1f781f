"""Verifying a credential the way an outsider would: the signature against the published keys, the
validity window, and the published, signed status lists. The database's own columns are not consulted
for the verdict; only the reason and date of a revocation or suspension come from the record.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from joserfc import jws
from joserfc.errors import JoseError
from sqlalchemy.orm import lazyload

from app.accreditation import credentials, standing, status
from app.accreditation.keys import keystore
from app.accreditation.models import Credential
from app.database import db
from app.templating import long_date

MAX_TOKEN_LENGTH = 65536


class Verdict(enum.StrEnum):
    VALID = "valid"
    SUSPENDED = "suspended"
    REVOKED = "revoked"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    NOT_FOUND = "not_found"
    SIGNATURE_INVALID = "signature_invalid"

    @property
    def label(self) -> str:
        """In the request's language (the API's ``status``; ``verdict`` is the value, never translated)."""
        return {
            "valid": _("Valid"),
            "suspended": _("Suspended"),
            "revoked": _("Revoked"),
            "expired": _("Expired"),
            "not_yet_valid": _("Not yet valid"),
            "not_found": _("Not found"),
            "signature_invalid": _("Signature invalid"),
        }[self.value]


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    detail: str


@dataclass
class Result:
    verdict: Verdict
    checks: list[Check] = field(default_factory=list)
    credential: dict | None = None  # the decoded payload, once its signature checks out
    jws: str | None = None
    record: Credential | None = None

    @property
    def valid(self) -> bool:
        """Genuine and current: the only verdict on which a verifier may rely on the credential."""
        return self.verdict is Verdict.VALID

    @property
    def code(self) -> str | None:
        return (self.credential or {}).get("credentialSubject", {}).get("licenseNumber")

    @property
    def holder_name(self) -> str | None:
        for identity in (self.credential or {}).get("credentialSubject", {}).get("identifier", []):
            if identity.get("identityType") == "name" and not identity.get("hashed"):
                return identity.get("identityHash")
        return None

    @property
    def achievement(self) -> dict:
        return (self.credential or {}).get("credentialSubject", {}).get("achievement", {})

    def date_of(self, claim: str) -> date | None:
        """A date claim of the credential (``awardedDate``, ``validUntil``…) as a date, for display."""
        stamp = (self.credential or {}).get(claim)
        return credentials.parse_timestamp(stamp).date() if stamp else None

    def as_json(self) -> dict:
        """The API's answer: the verdict, each check, and the public facts of the credential."""
        body: dict = {
            "verdict": self.verdict.value,
            "status": self.verdict.label,
            "checks": [{"name": c.name, "passed": c.passed, "detail": c.detail} for c in self.checks],
        }
        if self.credential:
            body["credential"] = {
                "code": self.code,
                "holder": self.holder_name,
                "achievement": self.achievement.get("name"),
                "curriculumVersion": self.achievement.get("version"),
                "issuer": self.credential.get("issuer", {}).get("name"),
                "issuerId": self.credential.get("issuer", {}).get("id"),
                "awardedDate": self.credential.get("awardedDate"),
                "validFrom": self.credential.get("validFrom"),
                "validUntil": self.credential.get("validUntil"),
            }
        if self.record is not None and self.verdict is Verdict.REVOKED:
            body["revoked"] = {
                "at": credentials.timestamp(self.record.revoked_at),
                "reason": self.record.revocation_reason,
            }
        if self.record is not None and self.verdict is Verdict.SUSPENDED:
            body["suspended"] = {
                "at": credentials.timestamp(self.record.suspended_at),
                "reason": self.record.suspension_reason,
            }
        return body


def _is_compact_jws(token: str) -> bool:
    """Whether ``token`` has the shape of a compact JWS (three parts), before anything is decoded."""
    token = token.strip()
    return token.count(".") == 2 and len(token) <= MAX_TOKEN_LENGTH


def _decode(token: str, key_set) -> tuple[dict, dict]:
    """(header, payload) of a compact JWS signed by one of our published keys; raises JoseError or
    ValueError."""
    found = jws.deserialize_compact(token.strip(), key_set, algorithms=["ES256"])
    header = found.headers()
    if set(header) - {"alg", "kid", "typ", "jwk"}:
        raise ValueError("unexpected header fields")
    return header, json.loads(found.payload)


def _status_bits(list_number: int, key_set, head: int) -> bytes:
    """The bitstring of the published status list, after checking the list's own signature (once for
    each version of the list: keys are never withdrawn, so a list that verified once still does)."""
    token = status.signed_list(list_number, head)
    checked = current_app.extensions.setdefault("imsa_checked_status_lists", {})
    if token not in checked:
        _header, document = _decode(token, key_set)
        if len(checked) > 8:
            checked.clear()
        checked[token] = status.decode(document["credentialSubject"]["encodedList"])
    return checked[token]


def _record(condition) -> Credential | None:
    # Only the credential's own columns are shown; its holder and curriculum are not needed here.
    return db.session.scalar(sa.select(Credential).where(condition).options(lazyload("*")))


def verify_token(token: str, now: datetime | None = None, record: Credential | None = None) -> Result:
    """The full check of one compact JWS (``record``: its row, when the caller has already found it)."""
    now = now or datetime.now(UTC)
    if not _is_compact_jws(token):
        return _unsigned(token, _("this is not a signed credential"))
    store = keystore()
    key_set = store.key_set()
    try:
        header, payload = _decode(token, key_set)
    except (JoseError, ValueError, UnicodeDecodeError):
        return _unsigned(token, _("it was altered, or not signed by a key this issuer publishes"))
    checks = [
        Check(
            _("Signature"),
            True,
            _("signed with the issuer’s published key %(kid)s", kid=header.get("kid", "")),
        )
    ]
    problems = _consistency(header, payload, store.did)
    if problems:
        checks.append(Check(_("Issuer and claims"), False, problems))
        return Result(Verdict.SIGNATURE_INVALID, checks, jws=token)
    checks.append(
        Check(
            _("Issuer"),
            True,
            _("issued by %(name)s (%(did)s)", name=payload["issuer"].get("name"), did=store.did),
        )
    )
    uuid = payload["id"].removeprefix("urn:uuid:")
    if record is None or record.uuid != uuid:
        record = _record(Credential.uuid == uuid)
    result = Result(Verdict.VALID, checks, credential=payload, jws=token, record=record)
    revoked, suspended = _status(int(payload["credentialStatus"]["statusListIndex"]), key_set)
    checks.append(
        Check(_("Revocation"), not revoked, _("revoked by the issuer") if revoked else _("not revoked"))
    )
    checks.append(
        Check(
            _("Suspension"),
            not suspended,
            _("suspended by the issuer") if suspended else _("not suspended"),
        )
    )
    valid_from = credentials.parse_timestamp(payload["validFrom"])
    valid_until = credentials.parse_timestamp(payload["validUntil"])
    in_window = valid_from <= now <= valid_until
    checks.append(
        Check(
            _("Validity dates"),
            in_window,
            _(
                "valid from %(start)s until %(end)s",
                start=long_date(valid_from.date()),
                end=long_date(valid_until.date()),
            ),
        )
    )
    # The same rule as the holder's page and the certificate, applied to the published lists' bits.
    result.verdict = Verdict(
        standing.decide(
            revoked=revoked, suspended=suspended, valid_from=valid_from, valid_until=valid_until, now=now
        )
    )
    return result


def _unsigned(token: str, reason: str) -> Result:
    return Result(Verdict.SIGNATURE_INVALID, [Check(_("Signature"), False, reason)], jws=token)


def _status(index: int, key_set) -> tuple[bool, bool]:
    """(revoked, suspended): the credential's bits in the published, signed status lists."""
    head = status.ledger_head()
    revoked = status.bit(_status_bits(credentials.REVOCATION_LIST, key_set, head), index)
    suspended = status.bit(_status_bits(credentials.SUSPENSION_LIST, key_set, head), index)
    return revoked, suspended


def _consistency(header: dict, payload: dict, did: str) -> str:
    """What is wrong with a correctly signed token's claims, or an empty string."""
    try:
        if header.get("typ") != "JWT" or header.get("alg") != "ES256":
            return _("the header is not an ES256 JWT header")
        if payload["iss"] != did or payload["issuer"]["id"] != did:
            return _("it was not issued by this platform")
        if payload["jti"] != payload["id"] or payload["sub"] != payload["credentialSubject"]["id"]:
            return _("its JWT claims do not match the credential")
        if payload["nbf"] != int(credentials.parse_timestamp(payload["validFrom"]).timestamp()):
            return _("its JWT claims do not match the credential")
        if payload.get("exp") != int(credentials.parse_timestamp(payload["validUntil"]).timestamp()):
            return _("its JWT claims do not match the credential")
        if "OpenBadgeCredential" not in payload["type"]:
            return _("it is not an Open Badges credential")
        int(payload["credentialStatus"]["statusListIndex"])
    except (KeyError, TypeError, ValueError, AttributeError):
        return _("it is missing parts every IMSA® credential has")
    return ""


def verify_code(code: str | None, now: datetime | None = None) -> Result:
    """Find the credential by its (normalised) code and verify its signed form."""
    record = _record(Credential.code == code) if code else None
    if record is None:
        return Result(Verdict.NOT_FOUND, [Check(_("Code"), False, _("no credential has this code"))])
    result = verify_token(record.jws, now, record)
    if result.record is None:
        result.record = record
    return result


def email_matches(result: Result, email: str) -> bool:
    """Whether ``email`` is the address the credential was issued to (by its salted hash)."""
    if not result.credential or result.verdict is Verdict.SIGNATURE_INVALID:
        return False
    for identity in result.credential["credentialSubject"].get("identifier", []):
        if identity.get("identityType") == "emailAddress" and identity.get("hashed"):
            expected = credentials.email_hash(email, identity.get("salt", ""))
            return identity.get("identityHash", "").lower() == expected.lower()
    return False
