"""Open Badges 3.0 credentials (W3C VC Data Model 2.0), secured as compact JWS with ES256.

The payload is the credential itself plus the JWT claims the OB 3.0 "JSON Web Token Proof Format" asks
for (``iss``, ``jti``, ``sub``, ``nbf``, ``exp``); the header carries only ``alg``, ``kid`` and ``typ``.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from joserfc import jws
from joserfc.jwk import ECKey

CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
]
SCHEMA = {
    "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
    "type": "1EdTechJsonSchemaValidator2019",
}
REVOCATION_LIST, SUSPENSION_LIST = 1, 2


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
        "credentialStatus": {
            "id": f"{base}/status/{REVOCATION_LIST}#{award.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(award.status_index),
            "statusListCredential": f"{base}/status/{REVOCATION_LIST}",
        },
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
    return {
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


def parse_timestamp(stamp: str) -> datetime:
    return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def _epoch(stamp: str) -> int:
    return int(parse_timestamp(stamp).timestamp())
