"""Module records and the transcript: smaller signed credentials beside the award.

A *module record* is an Open Badges 3.0 credential whose achievement is one module (with the curriculum
version and its hash), issued on the trainee's request once the module is passed with its results
released; withdrawn and deferred trainees can ask for theirs too, so no one leaves with nothing signed.
The *transcript* is a 1EdTech CLR 2.0 ``ClrCredential`` issued with the award: it lists the module
achievements and embeds the award credential. Both are signed like the award (VC-JWT, ES256), have their
own code and status index (so they can be suspended and revoked) and are recorded on the ledger.

A record is dated and lasts as long as an award would (the rule's ``validity_years``): the law and
practice a module teaches move on, so a verifier should not rely on an old pass for ever.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from app.accreditation import credentials, ledger, status
from app.accreditation.errors import AccreditationError
from app.accreditation.issuing import add_years, unused_code
from app.accreditation.keys import keystore
from app.accreditation.models import Credential, CredentialKind, LedgerAction
from app.audit.services import record
from app.auth.access import require_role
from app.auth.models import Role
from app.auth.policy import owns_enrolment
from app.cohorts.models import Enrolment
from app.database import db, utcnow
from app.i18n import gettext as _
from app.learning.once import insert_once
from app.learning.outcomes import ModuleState, outcomes
from app.learning.services import overview

CLR_CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
]
CLR_SCHEMA = {
    "id": "https://purl.imsglobal.org/spec/clr/v2p0/schema/json/clr_v2p0_clrcredential_schema.json",
    "type": "1EdTechJsonSchemaValidator2019",
}


class RecordRefused(AccreditationError):
    """A module record that cannot be issued (not the trainee's place, or the module not passed)."""


# --- what the documents say (pure)


@dataclass(frozen=True)
class Subject:
    """The learner and the issuer, as every record states them."""

    base_url: str
    issuer_id: str
    issuer_name: str
    subject_uuid: str
    holder_name: str
    email: str
    email_salt: str


@dataclass(frozen=True)
class Dates:
    credential_uuid: str
    valid_from: datetime
    valid_until: datetime
    status_index: int


def module_achievement(base_url: str, version_label: str, version_hash: str, module) -> dict:
    """The OB 3.0 Achievement for one module: its id is the award's alignment target for that module."""
    base = base_url.rstrip("/")
    url = f"{base}/achievements/{version_label}#{module.code}"
    return {
        "id": url,
        "type": ["Achievement"],
        "achievementType": "Course",
        "humanCode": module.code,
        "name": f"{module.code} {module.title}",
        "description": module.summary or module.title,
        "criteria": {
            "id": url,
            "narrative": (
                f"Passed module {module.code} of the IMSA® accredited training (curriculum "
                f"{version_label}): every lesson completed, and its quiz and assessed work passed "
                "where it has them, with the results released."
            ),
        },
        "version": version_label,
        "otherIdentifier": [
            {
                "type": "IdentifierEntry",
                "identifier": f"sha256:{version_hash}",
                "identifierType": "identifier",
            }
        ],
        "inLanguage": "en-GB",
    }


def _identifiers(subject: Subject) -> list[dict]:
    return [
        {
            "type": "IdentityObject",
            "identityType": "name",
            "hashed": False,
            "identityHash": subject.holder_name,
        },
        {
            "type": "IdentityObject",
            "identityType": "emailAddress",
            "hashed": True,
            "identityHash": credentials.email_hash(subject.email, subject.email_salt),
            "salt": subject.email_salt,
        },
    ]


def _envelope(subject: Subject, dates: Dates) -> dict:
    """The parts every signed record shares: id, issuer, dates and the revocation status entry."""
    base = subject.base_url.rstrip("/")
    return {
        "id": f"urn:uuid:{dates.credential_uuid}",
        "issuer": {"id": subject.issuer_id, "type": ["Profile"], "name": subject.issuer_name, "url": base},
        "validFrom": credentials.timestamp(dates.valid_from),
        "validUntil": credentials.timestamp(dates.valid_until),
        "credentialStatus": {
            "id": f"{base}/status/{credentials.REVOCATION_LIST}#{dates.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(dates.status_index),
            "statusListCredential": f"{base}/status/{credentials.REVOCATION_LIST}",
        },
    }


def build_module_record(subject: Subject, dates: Dates, achievement: dict) -> dict:
    """An OB 3.0 AchievementCredential for one module passed."""
    envelope = _envelope(subject, dates)
    return {
        "@context": credentials.CONTEXT,
        "id": envelope["id"],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"Module record: {achievement['name']}",
        "issuer": envelope["issuer"],
        "validFrom": envelope["validFrom"],
        "validUntil": envelope["validUntil"],
        "awardedDate": envelope["validFrom"],
        "credentialSubject": {
            "id": f"urn:uuid:{subject.subject_uuid}",
            "type": ["AchievementSubject"],
            "identifier": _identifiers(subject),
            "achievement": achievement,
            "result": [{"type": ["Result"], "status": "Completed"}],
        },
        "credentialStatus": envelope["credentialStatus"],
        "credentialSchema": [credentials.SCHEMA],
    }


def build_transcript(subject: Subject, dates: Dates, award: dict, modules: list[dict]) -> dict:
    """A CLR 2.0 ClrCredential: the award's achievement and each module's, each module a part of the
    award (``isChildOf``), and the award credential itself (as issued, without its JWT claims)."""
    envelope = _envelope(subject, dates)
    award_achievement = award["credentialSubject"]["achievement"]
    embedded = {key: value for key, value in award.items() if key not in {"iss", "jti", "sub", "nbf", "exp"}}
    return {
        "@context": CLR_CONTEXT,
        "id": envelope["id"],
        "type": ["VerifiableCredential", "ClrCredential"],
        "name": f"Transcript: {award['name']}",
        "description": "The modules behind an IMSA® accreditation, with the award credential itself.",
        "issuer": envelope["issuer"],
        "validFrom": envelope["validFrom"],
        "validUntil": envelope["validUntil"],
        "credentialSubject": {
            "id": f"urn:uuid:{subject.subject_uuid}",
            "type": ["ClrSubject"],
            "identifier": _identifiers(subject),
            "achievement": [award_achievement, *modules],
            "verifiableCredential": [embedded],
            "association": [
                {
                    "type": "Association",
                    "associationType": "isChildOf",
                    "sourceId": module["id"],
                    "targetId": award_achievement["id"],
                }
                for module in modules
            ],
        },
        "credentialStatus": envelope["credentialStatus"],
        "credentialSchema": [CLR_SCHEMA],
    }


# --- issuing


def passed_modules(enrolment: Enrolment) -> list:
    """The modules of ``enrolment`` passed with their results released, in curriculum order."""
    return [o.module for o in outcomes(enrolment, overview(enrolment)) if o.state is ModuleState.PASSED]


def module_records(enrolment: Enrolment) -> dict[str, Credential]:
    """The module records issued for ``enrolment``, by module code."""
    found = db.session.scalars(
        sa.select(Credential).where(
            Credential.enrolment_id == enrolment.id, Credential.kind == CredentialKind.MODULE
        )
    )
    return {c.module_code: c for c in found}


def transcripts_of(user) -> list[Credential]:
    return list(
        db.session.scalars(
            sa.select(Credential)
            .where(Credential.holder_id == user.id, Credential.kind == CredentialKind.TRANSCRIPT)
            .order_by(Credential.valid_from.desc())
        )
    )


def request_module_record(enrolment: Enrolment, module_code: str, actor) -> Credential:
    """Issue the signed record of one passed module to its trainee, once: a second request (a
    double-click, another tab) gets the record already issued."""
    require_role(actor, Role.TRAINEE)
    if not owns_enrolment(actor, enrolment):
        raise RecordRefused(_("Only the trainee can ask for their module records"), field="module")
    module = next((m for m in passed_modules(enrolment) if m.code == module_code), None)
    if module is None:
        raise RecordRefused(
            _("A module record can be issued once the module is passed and its results released"),
            field="module",
        )
    existing = module_records(enrolment).get(module_code)
    if existing is not None:
        return existing
    version = enrolment.cohort.curriculum_version
    achievement = module_achievement(
        current_app.config["IMSA_BASE_URL"], version.label, version.content_hash, module
    )
    values = _values(enrolment, CredentialKind.MODULE, actor, module_code=module_code)
    subject, dates = _subject(enrolment, values["subject_uuid"]), _dates(values)
    values.update(_sign(build_module_record(subject, dates, achievement)))
    if insert_once(Credential, ("enrolment_id", "module_code"), **values):
        ledger.append(
            LedgerAction.ISSUE,
            values["code"],
            actor,
            kind=CredentialKind.MODULE.value,
            module=module_code,
            enrolment=enrolment.public_id,
            version=version.label,
        )
        issued = module_records(enrolment)[module_code]
        record(actor, "credential.issued", issued, code=issued.code, kind="module", module=module_code)
        return issued
    return module_records(enrolment)[module_code]


def issue_transcript(award: Credential, actor) -> Credential:
    """The CLR transcript of ``award`` (just issued, in the caller's transaction), dated as the award."""
    enrolment = award.enrolment
    version = award.curriculum_version
    base = current_app.config["IMSA_BASE_URL"]
    modules = [
        module_achievement(base, version.label, version.content_hash, m) for m in passed_modules(enrolment)
    ]
    values = _values(enrolment, CredentialKind.TRANSCRIPT, actor, subject_uuid=award.subject_uuid)
    values.update(valid_from=award.valid_from, valid_until=award.valid_until)
    subject, dates = _subject(enrolment, award.subject_uuid), _dates(values)
    document = build_transcript(subject, dates, credentials.unverified_payload(award.jws), modules)
    transcript = Credential(**values, **_sign(document))
    db.session.add(transcript)
    db.session.flush()
    ledger.append(
        LedgerAction.ISSUE, transcript.code, actor, kind=CredentialKind.TRANSCRIPT.value, award=award.code
    )
    record(actor, "credential.issued", transcript, code=transcript.code, kind="transcript", award=award.code)
    return transcript


def _values(enrolment: Enrolment, kind: CredentialKind, actor, module_code=None, subject_uuid=None) -> dict:
    """The row of a new record, all but its signed form."""
    version = enrolment.cohort.curriculum_version
    now = utcnow().replace(microsecond=0)
    years = int(version.accreditation_rule.get("validity_years", 3))
    return {
        "code": unused_code(),
        "uuid": str(uuid.uuid4()),
        "subject_uuid": subject_uuid or _subject_uuid(enrolment),
        "holder_id": enrolment.user_id,
        "enrolment_id": enrolment.id,
        "curriculum_version_id": version.id,
        "status_index": status.new_index(),
        "awarded_on": now.date(),
        "valid_from": now,
        "valid_until": add_years(now, years),
        "issued_by_id": getattr(actor, "id", None),
        "kind": kind,
        "module_code": module_code,
    }


def _subject(enrolment: Enrolment, subject_uuid: str) -> Subject:
    store = keystore()
    return Subject(
        base_url=current_app.config["IMSA_BASE_URL"],
        issuer_id=store.did,
        issuer_name=current_app.config["IMSA_ISSUER_NAME"],
        subject_uuid=subject_uuid,
        holder_name=enrolment.user.name,
        email=enrolment.user.email,
        email_salt=secrets.token_hex(16),
    )


def _dates(values: dict) -> Dates:
    return Dates(values["uuid"], values["valid_from"], values["valid_until"], values["status_index"])


def _sign(document: dict) -> dict:
    """The row's ``kid`` and ``jws``: the document signed with the active key."""
    kid, key = keystore().signing_key()
    return {"kid": kid, "jws": credentials.sign(document, kid, key)}


def _subject_uuid(enrolment: Enrolment) -> str:
    """The learner's opaque id: the one on their earlier credentials, so records and award match."""
    found = db.session.scalar(
        sa.select(Credential.subject_uuid)
        .where(Credential.holder_id == enrolment.user_id)
        .order_by(Credential.id)
        .limit(1)
    )
    return found or str(uuid.uuid4())
