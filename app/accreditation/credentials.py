"""Open Badges 3.0 credentials (W3C VC Data Model 2.0), in two forms holding the same statements.

The JWS form (VC-JWT, ES256) is what is stored: its payload is the credential itself plus the JWT claims
the OB 3.0 "JSON Web Token Proof Format" asks for (``iss``, ``jti``, ``sub``, ``nbf``, ``exp``); the header
carries only ``alg``, ``kid`` and ``typ``. The JSON-LD form (``linked_data``) is derived from it: the same
credential without the JWT claims, with both status entries, and an embedded Data Integrity proof
(``eddsa-rdfc-2022``), which is what the Learner Credential Wallet and the DCC verifier read.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from joserfc import jws
from joserfc.jwk import ECKey

from app.accreditation import dataintegrity

CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
]
SCHEMA = {
    "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
    "type": "1EdTechJsonSchemaValidator2019",
}
REVOCATION_LIST, SUSPENSION_LIST, MESSAGE_LIST = 1, 2, 3
# The JWS form's one status entry (OB 3.0's schema allows one): two bits per credential on list 3.
STATUS_SIZE = 2
STATUS_VALID, STATUS_REVOKED, STATUS_SUSPENDED = 0, 1, 2
STATUS_MESSAGES = [
    {"status": "0x0", "message": "valid"},
    {"status": "0x1", "message": "revoked"},
    {"status": "0x2", "message": "suspended"},
]


def timestamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def email_hash(email: str, salt: str) -> str:
    """OB 3.0 IdentityHash of an email address: ``sha256$`` + hex of sha256(address + salt).

    The address is lower-cased and trimmed first, so "Ada@Example.org " confirms the same holder.
    """
    digest = hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()
    return f"sha256${digest}"


@dataclass(frozen=True)
class Award:
    """Everything a credential states, gathered by the issuing service."""

    base_url: str
    issuer_id: str
    issuer_name: str
    credential_uuid: str
    subject_uuid: str
    code: str
    holder_name: str
    email_salt: str
    email: str
    award_name: str
    criteria: str
    curriculum_label: str
    curriculum_hash: str
    modules: list[tuple[str, str]]  # (code, title)
    awarded: datetime
    valid_from: datetime
    valid_until: datetime
    status_index: int
    renews_code: str | None = None
    image: str | None = None  # the seal, as a data: URI (OB 3.0 allows one as an Image's id)


def build(award: Award) -> dict:
    """The credential as a JSON-ready dict (also the JWT payload)."""
    base = award.base_url.rstrip("/")
    achievement_url = f"{base}/achievements/{award.curriculum_label}"
    credential = {
        "@context": CONTEXT,
        "id": f"urn:uuid:{award.credential_uuid}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": award.award_name,
        "issuer": {"id": award.issuer_id, "type": ["Profile"], "name": award.issuer_name, "url": base},
        "validFrom": timestamp(award.valid_from),
        "validUntil": timestamp(award.valid_until),
        "awardedDate": timestamp(award.awarded),
        "credentialSubject": {
            "id": f"urn:uuid:{award.subject_uuid}",
            "type": ["AchievementSubject"],
            "licenseNumber": award.code,
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": False,
                    "identityHash": award.holder_name,
                },
                {
                    "type": "IdentityObject",
                    "identityType": "emailAddress",
                    "hashed": True,
                    "identityHash": email_hash(award.email, award.email_salt),
                    "salt": award.email_salt,
                },
            ],
            "achievement": _achievement(award, achievement_url),
        },
        "credentialStatus": message_entry(base, award.status_index),
        "credentialSchema": [SCHEMA],
    }
    if award.renews_code:
        credential["evidence"] = [
            {
                "id": f"{base}/verify/{award.renews_code}",
                "type": ["Evidence"],
                "name": f"Renewal of credential {award.renews_code}",
                "description": "This credential renews an earlier accreditation of the same holder.",
            }
        ]
    return credential


def _achievement(award: Award, achievement_url: str) -> dict:
    """The OB 3.0 Achievement: what the award is, its criteria, and the modules it aligns to."""
    achievement = {
        "id": achievement_url,
        "type": ["Achievement"],
        "achievementType": "Certification",
        "name": award.award_name,
        "description": (
            "Accreditation as an Independent Modern Slavery Advocate (IMSA®): an advocate who works "
            "alongside survivors of modern slavery and human trafficking."
        ),
        "criteria": {"id": achievement_url, "narrative": award.criteria},
        "version": award.curriculum_label,
        "otherIdentifier": [
            {
                "type": "IdentifierEntry",
                "identifier": f"sha256:{award.curriculum_hash}",
                "identifierType": "identifier",
            }
        ],
        "alignment": [
            {
                "type": ["Alignment"],
                "targetCode": code,
                "targetName": title,
                "targetType": "ext:Module",
                "targetUrl": f"{achievement_url}#{code}",
            }
            for code, title in award.modules
        ],
        "inLanguage": "en-GB",
        # OB 3.0 names and descriptions are plain strings (no language maps): the Welsh edition of the
        # achievement is a Related achievement in another language, as the spec intends `related` for.
        "related": [
            {
                "id": f"{achievement_url}?lang=cy",
                "type": ["Related"],
                "inLanguage": "cy",
                "version": award.curriculum_label,
            }
        ],
    }
    if award.image:
        achievement["image"] = {"id": award.image, "type": "Image", "caption": "The IMSA® seal"}
    return achievement


def status_entry(base_url: str, list_number: int, index: int) -> dict:
    base = base_url.rstrip("/")
    purpose = "revocation" if list_number == REVOCATION_LIST else "suspension"
    return {
        "id": f"{base}/status/{list_number}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": f"{base}/status/{list_number}",
    }


def message_entry(base_url: str, index: int) -> dict:
    """The JWS form's single status entry: one 2-bit value on list 3 saying valid, revoked or suspended.

    The OB 3.0 schema allows one ``credentialStatus`` object, so revocation and suspension share one
    entry, as Bitstring Status List's ``message`` purpose provides (``statusSize`` 2, ``statusMessage``).
    """
    base = base_url.rstrip("/")
    return {
        "id": f"{base}/status/{MESSAGE_LIST}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "message",
        "statusListIndex": str(index),
        "statusListCredential": f"{base}/status/{MESSAGE_LIST}",
        "statusSize": STATUS_SIZE,
        "statusMessage": STATUS_MESSAGES,
    }


def linked_data_status(base_url: str, index: int) -> list[dict]:
    """Both status entries of the JSON-LD form, each naming the Data Integrity copy of its list.

    VC 2.0 and Bitstring Status List allow several entries, one per purpose; verifiers that read them
    (the DCC verifier, Digital Bazaar's) report the credential as not valid when either bit is set.
    """
    base = base_url.rstrip("/")
    entries = []
    for list_number in (REVOCATION_LIST, SUSPENSION_LIST):
        entry = status_entry(base, list_number, index)
        entry["id"] = f"{base}/status/{list_number}/ld#{index}"
        entry["statusListCredential"] = f"{base}/status/{list_number}/ld"
        entries.append(entry)
    return entries


JWT_CLAIMS = ("iss", "jti", "sub", "nbf", "exp")


def linked_data(payload: dict, base_url: str, verification_method: str, key: Ed25519PrivateKey) -> dict:
    """The JSON-LD form of a credential from its JWS payload: same statements, a Data Integrity proof.

    The proof's ``created`` is the credential's ``validFrom`` and Ed25519 signatures are deterministic,
    so the same key always gives the same file.
    """
    credential = {k: v for k, v in payload.items() if k not in JWT_CLAIMS}
    index = int(payload["credentialStatus"]["statusListIndex"])
    credential["credentialStatus"] = linked_data_status(base_url, index)
    return dataintegrity.sign(credential, verification_method, key, created=payload["validFrom"], as_set=True)


def jwt_claims(credential: dict) -> dict:
    """The registered JWT claims OB 3.0 adds to the payload, derived from the credential itself."""
    issuer = credential["issuer"]
    claims = {
        "iss": issuer["id"] if isinstance(issuer, dict) else issuer,
        "jti": credential["id"],
        "sub": credential["credentialSubject"]["id"],
        "nbf": _epoch(credential["validFrom"]),
    }
    if "validUntil" in credential:
        claims["exp"] = _epoch(credential["validUntil"])
    return claims


def sign(payload: dict, kid: str, key: ECKey) -> str:
    """Compact JWS of a credential (plus its JWT claims) with ES256 under ``kid``."""
    body = {**payload, **jwt_claims(payload)}
    header = {"alg": "ES256", "kid": kid, "typ": "JWT"}
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    return jws.serialize_compact(header, data, key, algorithms=["ES256"])


def unverified_payload(token: str) -> dict:
    """The payload of a JWS we issued, for display and download only: never for a verdict."""
    body = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


@functools.lru_cache(maxsize=4096)
@functools.lru_cache(maxsize=4096)
def parse_timestamp(stamp: str) -> datetime:
    """``2026-01-31T09:30:00Z`` as an aware datetime (remembered: every check reads the same few)."""
    return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def _epoch(stamp: str) -> int:
    return int(parse_timestamp(stamp).timestamp())
