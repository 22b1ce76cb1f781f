"""Verifying a credential the way an outsider would: the signature against the published keys, the
validity window, and the published, signed status lists. The database's own columns are not consulted
for the verdict; only the reason and date of a revocation or suspension come from the record.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import orjson
import sqlalchemy as sa
from flask import current_app
from joserfc import jws
from joserfc.errors import JoseError

from app.accreditation import credentials, dataintegrity, standing, status
from app.accreditation.keys import keystore
from app.accreditation.models import Credential
from app.auth.models import User
from app.database import db
from app.i18n import N_, Deferred, catalogue
from app.i18n import Deferred as _l
from app.i18n import gettext as _
from app.templating import long_date

MAX_TOKEN_LENGTH = 65536
MAX_FILE_LENGTH = 262_144  # a credential file is a few kilobytes; read no more than this


class Verdict(enum.StrEnum):
    VALID = "valid"
    SUSPENDED = "suspended"
    REVOKED = "revoked"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    REPLACED = "replaced"
    PRIVATE = "private"
    NOT_FOUND = "not_found"
    SIGNATURE_INVALID = "signature_invalid"

    @property
    def label(self) -> str:
        """In the request's language (the API's ``status``; ``verdict`` is the value, never translated)."""
        return _(VERDICT_LABELS[self.value])


# Marked here, translated where shown.
VERDICT_LABELS = {
    "valid": N_("Valid"),
    "suspended": N_("Suspended"),
    "revoked": N_("Revoked"),
    "expired": N_("Expired"),
    "not_yet_valid": N_("Not yet valid"),
    "replaced": N_("Replaced"),
    "private": N_("Private"),
    "not_found": N_("Not found"),
    "signature_invalid": N_("Signature invalid"),
}


@dataclass(frozen=True)
class Check:
    """One step of a verification; its name and detail are translated when shown."""

    name: Deferred
    passed: bool
    detail: Deferred | str


@dataclass(frozen=True, slots=True)
class Stored:
    """What verification reads of a stored credential: its signed form and, for the page, the date and
    reason of a revocation or suspension (the database's columns never decide the verdict)."""

    uuid: str
    code: str
    jws: str
    revoked_at: datetime | None
    revocation_reason: str | None
    suspended_at: datetime | None
    suspension_reason: str | None
    replaced_at: datetime | None  # re-issued (a name change): the code answers Replaced
    public_page: bool  # the holder's choice: off, the code answers that the record is private
    holder_erased: bool  # erased at the holder's request: the name is no longer shown


_STORED = sa.select(
    Credential.uuid,
    Credential.code,
    Credential.jws,
    Credential.revoked_at,
    Credential.revocation_reason,
    Credential.suspended_at,
    Credential.suspension_reason,
    Credential.replaced_at,
    Credential.public_page,
    User.erased_at.is_not(None),
).join(User, User.id == Credential.holder_id)
_BY_CODE = _STORED.where(Credential.code == sa.bindparam("key"))
_BY_UUID = _STORED.where(Credential.uuid == sa.bindparam("key"))


def _record(statement, key: str) -> Stored | None:
    """One row by code or uuid, as plain values: a fifth of the cost of loading the ORM object."""
    row = db.session.connection().execute(statement, {"key": key}).first()
    return Stored(*row) if row else None


@dataclass
class Result:
    verdict: Verdict
    checks: list[Check] = field(default_factory=list)
    credential: dict | None = None  # the decoded payload, once its signature checks out
    jws: str | None = None
    found: Stored | None = None  # the stored row, when the caller had it or it has been looked up
    _uuid: str | None = None  # the credential's own id, to look its row up when a caller asks for it

    @property
    def record(self) -> Stored | None:
        """The stored row (for a revocation's reason and date, or the email check), looked up on first
        use: a valid credential checked by token needs no query at all."""
        if self.found is None and self._uuid is not None:
            self.found = _record(_BY_UUID, self._uuid)
            self._uuid = None
        return self.found

    @property
    def valid(self) -> bool:
        """Genuine and current: the only verdict on which a verifier may rely on the credential."""
        return self.verdict is Verdict.VALID

    @property
    def code(self) -> str | None:
        signed = (self.credential or {}).get("credentialSubject", {}).get("licenseNumber")
        return signed or (self.record.code if self.record is not None and self.credential else None)

    @property
    def record_label(self) -> str | None:
        """What a module record or transcript is ("Module record: M03 …", "Transcript"); None for an
        award. Read from the signed document."""
        kind = self._kind
        if kind == "transcript":
            return _("Transcript")
        if kind == "module":
            return _("Module record: %(module)s", module=self.achievement.get("name"))
        return None

    @property
    def _kind(self) -> str:
        if "ClrCredential" in (self.credential or {}).get("type", []):
            return "transcript"
        return "module" if self.achievement.get("humanCode") else "award"

    @property
    def summary(self) -> str:
        """The verdict in a sentence, for the page."""
        return _summary(self.verdict, self._kind, self.record)

    @property
    def name_withheld(self) -> bool:
        """The holder's data was erased at their request: the signed credential keeps the name as issued
        (and still verifies), but this platform no longer shows it."""
        return self.record is not None and self.record.holder_erased

    @property
    def holder_name(self) -> str | None:
        if self.name_withheld:
            return None
        for identity in (self.credential or {}).get("credentialSubject", {}).get("identifier", []):
            if identity.get("identityType") == "name" and not identity.get("hashed"):
                return identity.get("identityHash")
        return None

    @property
    def achievement(self) -> dict:
        """The achievement (a transcript's first, which is the award's)."""
        found = (self.credential or {}).get("credentialSubject", {}).get("achievement", {})
        return (found[0] if found else {}) if isinstance(found, list) else found

    def date_of(self, claim: str) -> date | None:
        """A date claim of the credential (``awardedDate``, ``validUntil``…) as a date, for display."""
        stamp = (self.credential or {}).get(claim)
        return credentials.parse_timestamp(stamp).date() if stamp else None

    def as_json(self) -> dict:
        """The API's answer: the verdict, each check, and the public facts of the credential."""
        translations = catalogue()  # once for the dozen texts below

        def text(value) -> str:
            return value.in_(translations) if isinstance(value, Deferred) else str(value)

        body: dict = {
            "verdict": self.verdict.value,
            "status": translations.ugettext(VERDICT_LABELS[self.verdict.value]),
            "checks": [
                {"name": text(c.name), "passed": c.passed, "detail": text(c.detail)} for c in self.checks
            ],
        }
        if self.credential:
            body["credential"] = {
                "code": self.code,
                "record": self.record_label,
                "holder": self.holder_name,
                "holderNameWithheld": self.name_withheld,
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


def _summary(verdict: Verdict, kind: str, record: Stored | None) -> str:
    """Whole sentences for each kind of record, so that each language can say them its own way (in
    Welsh the article and the mutations follow the noun)."""
    if verdict is Verdict.REPLACED:
        return _(
            "Replaced by a newer credential. Ask the holder for their current credential code, file or "
            "share link."
        )
    if verdict is Verdict.PRIVATE:
        return _(
            "This holder has made their record private: ask them to share their credential file or a "
            "share link."
        )
    if verdict is Verdict.NOT_FOUND:
        return _("No accreditation has this code. Check it was typed exactly as printed.")
    if verdict is Verdict.SIGNATURE_INVALID:
        return _("This is not a genuine IMSA® credential, or it has been altered. Do not rely on it.")
    return _standing_sentences(verdict, record)[kind]


def _standing_sentences(verdict: Verdict, record: Stored | None) -> dict[str, str]:
    """The sentence for a genuinely signed credential, by kind of record (award, module, transcript)."""
    revoked_at = record.revoked_at if record is not None else None
    suspended_at = record.suspended_at if record is not None else None
    if verdict is Verdict.VALID:
        return {
            "award": _("This IMSA® accreditation is genuine and current."),
            "module": _("This IMSA® module record is genuine and current."),
            "transcript": _("This IMSA® transcript is genuine and current."),
        }
    if verdict is Verdict.REVOKED and revoked_at is not None:
        on = long_date(revoked_at.date())
        return {
            "award": _("This accreditation was revoked on %(date)s. It is no longer held.", date=on),
            "module": _("This module record was revoked on %(date)s. It is no longer held.", date=on),
            "transcript": _("This transcript was revoked on %(date)s. It is no longer held.", date=on),
        }
    if verdict is Verdict.REVOKED:
        return {
            "award": _("This accreditation was revoked. It is no longer held."),
            "module": _("This module record was revoked. It is no longer held."),
            "transcript": _("This transcript was revoked. It is no longer held."),
        }
    if verdict is Verdict.SUSPENDED and suspended_at is not None:
        since = long_date(suspended_at.date())
        return {
            "award": _("This accreditation is suspended since %(date)s.", date=since),
            "module": _("This module record is suspended since %(date)s.", date=since),
            "transcript": _("This transcript is suspended since %(date)s.", date=since),
        }
    if verdict is Verdict.SUSPENDED:
        return {
            "award": _("This accreditation is suspended."),
            "module": _("This module record is suspended."),
            "transcript": _("This transcript is suspended."),
        }
    if verdict is Verdict.EXPIRED:
        return {
            "award": _("This accreditation has passed its expiry date."),
            "module": _("This module record has passed its expiry date."),
            "transcript": _("This transcript has passed its expiry date."),
        }
    return {
        "award": _("This accreditation is not valid yet."),
        "module": _("This module record is not valid yet."),
        "transcript": _("This transcript is not valid yet."),
    }


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
    return header, orjson.loads(found.payload)  # a third of json's time on a 6 kB credential


def _status_bits(list_number: int, key_set, head: tuple[int, str]) -> bytes:
    """The bitstring of the published status list, after checking the list's own signature.

    Checked once for each (list, ledger head) in each process, and kept until the head moves: every
    status change adds a ledger event in the same transaction, so a verification that reads the head
    first always sees the lists as they stand (keys are never withdrawn, so a list that verified once
    still does)."""
    checked = current_app.extensions.setdefault("imsa_checked_status_lists", {})
    bits = checked.get((list_number, head))
    if bits is None:
        _header, document = _decode(status.signed_list(list_number, head), key_set)
        bits = status.decode(document["credentialSubject"]["encodedList"])
        if len(checked) > 8:  # old heads are never asked for again
            checked.clear()
        checked[(list_number, head)] = bits
    return bits


def verify_token(
    token: str, now: datetime | None = None, record: Stored | None = None, private: bool = False
) -> Result:
    """The full check of one compact JWS (``record``: its row, when the caller has already found it;
    ``private``: the answer is for a code lookup of a holder who turned their public page off)."""
    now = now or datetime.now(UTC)
    if not _is_compact_jws(token):
        return _unsigned(token, _l("this is not a signed credential"))
    store = keystore()
    key_set = store.key_set()
    try:
        header, payload = _decode(token, key_set)
    except (JoseError, ValueError, UnicodeDecodeError):
        return _unsigned(token, _l("it was altered, or not signed by a key this issuer publishes"))
    checks = [
        Check(
            _l("Signature"),
            True,
            _l("signed with the issuer’s published key %(kid)s", kid=header.get("kid", "")),
        )
    ]
    problems = _consistency(header, payload, store.did)
    if problems:
        checks.append(Check(_l("Issuer and claims"), False, problems))
        return Result(Verdict.SIGNATURE_INVALID, checks, jws=token)
    result = _current(payload, checks, now, record, store, key_set, jws=token, private=private)
    if payload["credentialStatus"].get("statusPurpose") == "revocation":
        result.checks.append(Check(_l("Status entry"), True, _l(OLD_STATUS_NOTE)))
    return result


# Marked here, translated where it is shown.
OLD_STATUS_NOTE = N_(
    "issued before suspensions were named in the credential: it points only to the revocation list, so "
    "other verifiers reading this JWS see a revocation but not a suspension. This page checks both lists; "
    "the JSON-LD download of the same credential names both."
)


def verify_file(data: bytes) -> Result:
    """A downloaded credential file, either form: a compact JWS (``.jwt``) or JSON-LD (``.jsonld``)."""
    text = data.decode("utf-8", errors="replace").strip()
    if _is_compact_jws(text):
        return verify_token(text)
    try:
        document = json.loads(text)
    except ValueError:
        return _unsigned(text[:200], _l("this is not a signed credential"))
    return verify_document(document)


def verify_document(document, now: datetime | None = None) -> Result:
    """The full check of the JSON-LD form: its Data Integrity proof against our published Ed25519 keys,
    then the same issuer, status and date checks as for the JWS form."""
    now = now or datetime.now(UTC)
    store = keystore()
    try:
        proof = dataintegrity.verify(document, lambda method: _ed_public_key(store, method))
    except dataintegrity.ProofInvalid as refused:
        return Result(Verdict.SIGNATURE_INVALID, [Check(_l("Signature"), False, str(refused))])
    checks = [
        Check(
            _l("Signature"),
            True,
            _l("Data Integrity proof by the issuer’s key %(method)s", method=proof["verificationMethod"]),
        )
    ]
    problems = _document_consistency(document, store.did)
    if problems:
        checks.append(Check(_l("Issuer and claims"), False, problems))
        return Result(Verdict.SIGNATURE_INVALID, checks)
    payload = {k: v for k, v in document.items() if k != "proof"}
    return _current(payload, checks, now, None, store, store.key_set())


def _ed_public_key(store, method):
    found = store.ed_key(method) if isinstance(method, str) else None
    return found.key if found else None


def _document_consistency(document: dict, did: str) -> str:
    try:
        if document["issuer"]["id"] != did:
            return _("it was not issued by this platform")
        if "OpenBadgeCredential" not in document["type"]:
            return _("it is not an Open Badges credential")
        indices = {int(entry["statusListIndex"]) for entry in document["credentialStatus"]}
        if len(indices) != 1:
            return _("its status entries do not agree")
    except (KeyError, TypeError, ValueError, AttributeError):
        return _("it is missing parts every IMSA® credential has")
    return ""


def status_index(credential: dict) -> int:
    """The credential's index in both status lists (one entry in the JWS form, two in the JSON-LD one)."""
    entries = credential["credentialStatus"]
    entry = entries[0] if isinstance(entries, list) else entries
    return int(entry["statusListIndex"])


def _current(
    payload: dict,
    checks: list[Check],
    now: datetime,
    record: Stored | None,
    store,
    key_set,
    jws: str | None = None,
    private: bool = False,
) -> Result:
    """The verdict on a genuinely signed credential: the published status lists and the validity dates
    (``store`` and ``key_set``: the key store as the signature was checked against it)."""
    checks.append(
        Check(
            _l("Issuer"),
            True,
            _l("issued by %(name)s (%(did)s)", name=payload["issuer"].get("name"), did=store.did),
        )
    )
    uuid = payload["id"].removeprefix("urn:uuid:")
    if record is not None and record.uuid == uuid:
        result = Result(Verdict.VALID, checks, credential=payload, jws=jws, found=record)
    else:
        result = Result(Verdict.VALID, checks, credential=payload, jws=jws, _uuid=uuid)
    head = status.ledger_head()
    revoked, suspended = _status(status_index(payload), key_set, head)
    checks.append(
        Check(_l("Revocation"), not revoked, _l("revoked by the issuer") if revoked else _l("not revoked"))
    )
    checks.append(
        Check(
            _l("Suspension"),
            not suspended,
            _l("suspended by the issuer") if suspended else _l("not suspended"),
        )
    )
    valid_from = credentials.parse_timestamp(payload["validFrom"])
    valid_until = credentials.parse_timestamp(payload["validUntil"])
    in_window = valid_from <= now <= valid_until
    checks.append(Check(_l("Validity dates"), in_window, _window(valid_from, valid_until)))
    # The same rule as the holder's page and the certificate, applied to the published lists' bits.
    result.verdict = Verdict(
        standing.decide(
            revoked=revoked,
            suspended=suspended,
            valid_from=valid_from,
            valid_until=valid_until,
            now=now,
            replaced=_replaced(uuid, head),
            private=private,
        )
    )
    if result.verdict in standing.NAMELESS or private:
        # Neither answer shows who the credential was issued to, or under which name.
        result.credential = result.jws = None
    return result


def _window(valid_from: datetime, valid_until: datetime) -> Deferred:
    return _l("valid from %(start)s until %(end)s", start=valid_from.date(), end=valid_until.date())


def _unsigned(token: str, reason: Deferred) -> Result:
    return Result(Verdict.SIGNATURE_INVALID, [Check(_l("Signature"), False, reason)], jws=token)


def _replaced(uuid: str, head: tuple[int, str]) -> bool:
    """Whether the credential was re-issued under a new name. Every replacement adds a ledger event, so
    each process reads the replaced credentials once per ledger head, as it does the status lists, and a
    replacement is seen on the next check everywhere."""
    cache = current_app.extensions.setdefault("imsa_replaced_credentials", {})
    found = cache.get(head)
    if found is None:
        query = sa.select(Credential.uuid).where(Credential.replaced_at.is_not(None))
        found = frozenset(db.session.scalars(query))
        cache.clear()  # old heads are never asked for again
        cache[head] = found
    return uuid in found


def _status(index: int, key_set, head: tuple[int, str]) -> tuple[bool, bool]:
    """(revoked, suspended): the credential's bits in the published, signed status lists."""
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
        if not {"OpenBadgeCredential", "ClrCredential"} & set(payload["type"]):
            return _("it is not an Open Badges credential or a CLR transcript")
        int(payload["credentialStatus"]["statusListIndex"])
    except (KeyError, TypeError, ValueError, AttributeError):
        return _("it is missing parts every IMSA® credential has")
    return ""


def stored(code: str) -> Stored | None:
    """The stored credential with this code, as verification reads it."""
    return _record(_BY_CODE, code)


def verify_code(code: str | None, now: datetime | None = None) -> Result:
    """Find the credential by its (normalised) code and verify its signed form."""
    record = _record(_BY_CODE, code) if code else None
    if record is None:
        return Result(Verdict.NOT_FOUND, [Check(_l("Code"), False, _l("no credential has this code"))])
    result = verify_token(record.jws, now, record, private=not record.public_page)
    if result.record is None:
        result.found = record
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
