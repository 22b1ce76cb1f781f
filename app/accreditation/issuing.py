"""Issuing a credential: the signed Open Badges document, its code and status index, and the ledger event.

Approval (a first award) and renewal (the next one) both issue through ``issue``, in the caller's
transaction.
"""

from __future__ import annotations

import base64
import functools
import secrets
import uuid
from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from app.accreditation import codes, credentials, ledger, status
from app.accreditation.keys import keystore
from app.accreditation.models import Approval, Credential, LedgerAction
from app.audit.services import record
from app.cohorts.models import Enrolment
from app.config import PROJECT_ROOT
from app.database import db, utcnow


def issue(
    enrolment: Enrolment,
    actor,
    approval: Approval | None = None,
    renews: Credential | None = None,
    now: datetime | None = None,
    replaces: Credential | None = None,
) -> Credential:
    """Sign and add the credential for ``enrolment`` (``renews``: the one it follows on from;
    ``replaces``: the one it re-issues under the holder's current name, keeping its award and dates)."""
    version = enrolment.cohort.curriculum_version
    rule = version.accreditation_rule
    store = keystore()
    kid, key = store.signing_key()
    now = (now or utcnow()).replace(microsecond=0)
    code = unused_code()
    awarded = now
    if replaces is not None:
        valid_from, subject_uuid = replaces.valid_from, replaces.subject_uuid
        awarded = credentials.parse_timestamp(credentials.unverified_payload(replaces.jws)["awardedDate"])
    elif renews is not None:
        valid_from, subject_uuid = max(now, renews.valid_until), renews.subject_uuid
    else:
        valid_from, subject_uuid = now, str(uuid.uuid4())
    if replaces is not None:
        valid_until = replaces.valid_until
    else:
        valid_until = add_years(valid_from, int(rule.get("validity_years", 3)))
    credential = Credential(
        code=code,
        uuid=str(uuid.uuid4()),
        subject_uuid=subject_uuid,
        holder=enrolment.user,
        enrolment_id=enrolment.id,
        curriculum_version_id=version.id,
        approval=approval,
        renews=renews,
        replaces=replaces,
        public_page=replaces.public_page if replaces is not None else True,
        status_index=status.new_index(),
        kid=kid,
        awarded_on=awarded.date(),
        valid_from=valid_from,
        valid_until=valid_until,
        issued_by_id=getattr(actor, "id", None),
    )
    award = _award(credential, version, did=store.did, awarded=awarded)
    credential.jws = credentials.sign(credentials.build(award), kid, key)
    db.session.add(credential)
    if replaces is not None:
        # Not the name, old or new: the ledger is permanent and a name change can be a safety matter.
        ledger.append(LedgerAction.REPLACE, code, actor, replaces=replaces.code, why="name change")
    elif renews is None:
        ledger.append(
            LedgerAction.ISSUE,
            code,
            actor,
            enrolment=enrolment.public_id,
            version=version.label,
            valid_until=credentials.timestamp(valid_until),
        )
    else:
        ledger.append(
            LedgerAction.RENEW,
            code,
            actor,
            renews=renews.code,
            valid_until=credentials.timestamp(valid_until),
        )
    record(
        actor,
        "credential.issued",
        credential,
        code=code,
        renews=renews.code if renews else None,
        **({"replaces": replaces.code} if replaces else {}),
    )
    return credential


def _award(credential: Credential, version, did: str, awarded: datetime) -> credentials.Award:
    """Everything the signed document states about ``credential``."""
    holder, renews = credential.holder, credential.renews
    return credentials.Award(
        base_url=current_app.config["IMSA_BASE_URL"],
        issuer_id=did,
        issuer_name=current_app.config["IMSA_ISSUER_NAME"],
        credential_uuid=credential.uuid,
        subject_uuid=credential.subject_uuid,
        code=credential.code,
        holder_name=holder.name,
        email_salt=secrets.token_hex(16),
        email=holder.email,
        award_name=version.accreditation_rule.get("award", "IMSA® accreditation"),
        criteria=criteria_narrative(version),
        curriculum_label=version.label,
        curriculum_hash=version.content_hash,
        modules=[(m.code, m.title) for m in version.modules],
        awarded=awarded,
        valid_from=credential.valid_from,
        valid_until=credential.valid_until,
        status_index=credential.status_index,
        renews_code=renews.code if renews else None,
        image=seal_image(),
    )


@functools.cache
def seal_image() -> str:
    """The seal as a PNG data URI, for the achievement's image (the PNG is rendered from ``seal.svg``)."""
    png = (PROJECT_ROOT / "certificates" / "assets" / "seal.png").read_bytes()
    return "data:image/png;base64," + base64.b64encode(png).decode()


def criteria_narrative(version) -> str:
    """What a holder of this version's award has done, in one sentence for the credential and its page."""
    rule = version.accreditation_rule
    requires = rule.get("requires", {})
    parts = [f"Completed the IMSA® accredited training (curriculum {version.label})"]
    if requires.get("modules_passed"):
        parts.append(f"passed modules {', '.join(requires['modules_passed'])}")
    if requires.get("portfolio"):
        parts.append(f"met every requirement of the {requires['portfolio']} supervised-practice portfolio")
    if requires.get("capstone"):
        parts.append("passed the capstone case study")
    if requires.get("professional_discussion"):
        parts.append("passed a structured professional discussion")
    if requires.get("declarations"):
        parts.append("made the required professional declarations")
    return "; ".join(parts) + ". Approved by the IMSA® Model Hub."


def unused_code() -> str:
    """A new credential code no credential has (module records and transcripts draw theirs here too)."""
    while True:
        code = codes.new_code()
        if db.session.scalar(sa.select(Credential.id).where(Credential.code == code)) is None:
            return code


def add_years(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + years, day=28)


def linked_data_credential(credential: Credential) -> dict:
    """The JSON-LD form of ``credential`` with a Data Integrity proof by the active Ed25519 key.

    It is derived from the stored JWS on each request rather than stored: it states the same things, and
    a credential issued before this form existed gets one too (signed by today's key, which the DID
    document publishes, as it publishes every earlier one).
    """
    method, key = keystore().ed_signing_key()
    payload = credentials.unverified_payload(credential.jws)
    return credentials.linked_data(payload, current_app.config["IMSA_BASE_URL"], method, key)
