"""Every state change of accreditation: declarations, approval and issue, suspension, reinstatement,
revocation, renewal and CPD. Each checks permission, writes the audit trail and (for credentials) the
ledger in the caller's transaction; the caller commits."""

from __future__ import annotations

import functools
import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from app.accreditation import codes, credentials, ledger, status
from app.accreditation.certificate import CERTIFICATES_DIR, CertificateData, render_certificate
from app.accreditation.eligibility import DECLARATIONS, Eligibility, Requirement, evaluate
from app.accreditation.keys import keystore
from app.accreditation.models import (
    Approval,
    CpdEntry,
    CpdKind,
    Credential,
    Declaration,
    LedgerAction,
)
from app.audit.services import record
from app.auth.access import PermissionDenied, require_role
from app.auth.models import Role
from app.cohorts.models import Enrolment, EnrolmentStatus
from app.curriculum.models import Assignment, CurriculumVersion, Module, VersionStatus
from app.database import db, utcnow
from app.learning.models import Submission, SubmissionStatus
from app.learning.once import insert_once
from app.refusal import Refused

RENEWAL_OPENS_DAYS = 180  # a holder may renew in the last six months of validity (or the grace period)


class AccreditationError(Refused):
    """A change that cannot be made; the message says why, in words for the person who asked."""


# --- Declarations -----------------------------------------------------------------------------------


def confirm_declarations(enrolment: Enrolment, keys: list[str], actor) -> list[Declaration]:
    if actor is not None and actor.id != enrolment.user_id:
        raise PermissionDenied("only the trainee can make their own declarations")
    wanted = enrolment.cohort.curriculum_version.accreditation_rule.get("requires", {}).get(
        "declarations", []
    )
    unknown = set(keys) - set(wanted)
    if unknown:
        raise AccreditationError(f"Unknown declaration: {', '.join(sorted(unknown))}")
    existing = set(
        db.session.scalars(sa.select(Declaration.key).where(Declaration.enrolment_id == enrolment.id))
    )
    made = [Declaration(enrolment_id=enrolment.id, key=key) for key in keys if key not in existing]
    for declaration in made:
        db.session.add(declaration)
        record(
            actor,
            "declaration.confirmed",
            enrolment,
            key=declaration.key,
            text=DECLARATIONS.get(declaration.key),
        )
    return made


# --- Approval and issue -------------------------------------------------------------------------------


def approval_queue() -> list[tuple[Enrolment, Eligibility]]:
    """Active enrolments not yet approved whose every requirement is met, longest-waiting first.

    Candidates are narrowed in SQL to enrolments whose capstone has been released at a pass (no one is
    eligible before that), so the whole rule is evaluated only for the few at the very end of the course.
    """
    candidates = db.session.scalars(
        sa.select(Enrolment)
        .where(
            Enrolment.status == EnrolmentStatus.ACTIVE,
            Enrolment.id.not_in(sa.select(Approval.enrolment_id)),
            Enrolment.id.in_(_capstone_passed()),
        )
        .order_by(Enrolment.enrolled_at)
    )
    queue = []
    for enrolment in candidates:
        check = evaluate(enrolment)
        if check.eligible:
            queue.append((enrolment, check))
    return queue


def _capstone_passed() -> sa.Select:
    """Enrolment ids with a released, passed piece for the capstone module of their version's rule (any
    released piece where a rule names no capstone)."""
    released = sa.select(Submission.enrolment_id).where(Submission.status == SubmissionStatus.RELEASED)
    capstones = [
        sa.and_(Module.version_id == version.id, Module.code == code)
        for version in db.session.scalars(
            sa.select(CurriculumVersion).where(CurriculumVersion.status == VersionStatus.PUBLISHED)
        )
        if (code := (version.accreditation_rule.get("requires") or {}).get("capstone"))
    ]
    if not capstones:
        return released
    return (
        released.join(Assignment, Assignment.id == Submission.assignment_id)
        .join(Module, Module.id == Assignment.module_id)
        .where(Submission.result_band != "fail", sa.or_(*capstones))
    )


def approve(enrolment: Enrolment, note: str, actor) -> Credential:
    """Record the Hub's decision and issue the credential, in one transaction.

    Two approvals at once (a double-click) race on the enrolment's unique key: one records the approval
    and issues the credential; the other is told the trainee is already approved, as a later one would be.
    """
    require_role(actor, Role.HUB_ADMIN)
    already = AccreditationError("This trainee has already been approved for accreditation")
    if db.session.scalar(sa.select(Approval.id).where(Approval.enrolment_id == enrolment.id)):
        raise already
    check = evaluate(enrolment)
    if not check.eligible:
        raise AccreditationError(
            f"Not eligible yet: {check.outstanding} requirement{'s' if check.outstanding != 1 else ''} "
            "not met. Nothing was recorded."
        )
    approved = insert_once(
        Approval,
        ("enrolment_id",),
        enrolment_id=enrolment.id,
        approved_by_id=getattr(actor, "id", None),
        note=note.strip(),
        evidence=check.as_json(),
    )
    if not approved:
        raise already
    approval = db.session.scalar(sa.select(Approval).where(Approval.enrolment_id == enrolment.id))
    record(actor, "accreditation.approved", enrolment, note=approval.note)
    return _issue(enrolment, actor, approval=approval)


def _issue(
    enrolment: Enrolment,
    actor,
    approval: Approval | None = None,
    renews: Credential | None = None,
    now: datetime | None = None,
) -> Credential:
    version = enrolment.cohort.curriculum_version
    rule = version.accreditation_rule
    store = keystore()
    kid, key = store.signing_key()
    now = (now or utcnow()).replace(microsecond=0)
    code = _unused_code()
    if renews is not None:
        valid_from, subject_uuid = max(now, renews.valid_until), renews.subject_uuid
    else:
        valid_from, subject_uuid = now, str(uuid.uuid4())
    valid_until = _add_years(valid_from, int(rule.get("validity_years", 3)))
    holder = enrolment.user
    credential = Credential(
        code=code,
        uuid=str(uuid.uuid4()),
        subject_uuid=subject_uuid,
        holder=holder,
        enrolment_id=enrolment.id,
        curriculum_version_id=version.id,
        approval=approval,
        renews=renews,
        status_index=status.new_index(),
        kid=kid,
        awarded_on=now.date(),
        valid_from=valid_from,
        valid_until=valid_until,
        issued_by_id=getattr(actor, "id", None),
    )
    award = credentials.Award(
        base_url=current_app.config["IMSA_BASE_URL"],
        issuer_id=store.did,
        issuer_name=current_app.config["IMSA_ISSUER_NAME"],
        credential_uuid=credential.uuid,
        subject_uuid=subject_uuid,
        code=code,
        holder_name=holder.name,
        email_salt=secrets.token_hex(16),
        email=holder.email,
        award_name=rule.get("award", "IMSA® accreditation"),
        criteria=criteria_narrative(version),
        curriculum_label=version.label,
        curriculum_hash=version.content_hash,
        modules=[(m.code, m.title) for m in version.modules],
        awarded=now,
        valid_from=valid_from,
        valid_until=valid_until,
        status_index=credential.status_index,
        renews_code=renews.code if renews else None,
    )
    credential.jws = credentials.sign(credentials.build(award), kid, key)
    db.session.add(credential)
    if renews is None:
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
    record(actor, "credential.issued", credential, code=code, renews=renews.code if renews else None)
    return credential


def criteria_narrative(version) -> str:
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


def _unused_code() -> str:
    while True:
        code = codes.new_code()
        if db.session.scalar(sa.select(Credential.id).where(Credential.code == code)) is None:
            return code


def _add_years(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + years, day=28)


# --- Status changes -------------------------------------------------------------------------------------


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise AccreditationError("Give the reason (it is shown to anyone who checks the credential)")
    return reason


def suspend(credential: Credential, reason: str, actor) -> Credential:
    require_role(actor, Role.HUB_ADMIN)
    reason = _reason(reason)
    if credential.revoked_at:
        raise AccreditationError("A revoked credential cannot be suspended")
    if credential.suspended_at:
        raise AccreditationError("This credential is already suspended")
    credential.suspended_at, credential.suspension_reason = utcnow(), reason
    ledger.append(LedgerAction.SUSPEND, credential.code, actor, reason=reason)
    record(actor, "credential.suspended", credential, reason=reason)
    return credential


def reinstate(credential: Credential, note: str, actor) -> Credential:
    require_role(actor, Role.HUB_ADMIN)
    if credential.revoked_at or not credential.suspended_at:
        raise AccreditationError("Only a suspended credential can be reinstated")
    credential.suspended_at = credential.suspension_reason = None
    ledger.append(LedgerAction.REINSTATE, credential.code, actor, note=note.strip())
    record(actor, "credential.reinstated", credential, note=note.strip())
    return credential


def revoke(credential: Credential, reason: str, actor) -> Credential:
    require_role(actor, Role.HUB_ADMIN)
    reason = _reason(reason)
    if credential.revoked_at:
        raise AccreditationError("This credential is already revoked")
    credential.revoked_at, credential.revocation_reason = utcnow(), reason
    ledger.append(LedgerAction.REVOKE, credential.code, actor, reason=reason)
    record(actor, "credential.revoked", credential, reason=reason)
    return credential


# --- CPD and renewal -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CpdDraft:
    kind: str
    title: str
    completed_on: date | None
    hours: str
    law_and_policy: bool


def log_cpd(credential: Credential, draft: CpdDraft, actor) -> CpdEntry:
    """Add a CPD record; raises ``AccreditationError`` naming the field to fix."""
    if actor is not None and actor.id != credential.holder_id:
        raise PermissionDenied("only the holder logs their own CPD")
    try:
        kind = CpdKind(draft.kind)
    except ValueError:
        raise AccreditationError("kind: choose what kind of activity this was") from None
    title = draft.title.strip()
    if not 3 <= len(title) <= 200:
        raise AccreditationError("title: say in a few words what the activity was (up to 200 characters)")
    if draft.completed_on is None or draft.completed_on > date.today():
        raise AccreditationError("completed_on: give the date you completed it (not in the future)")
    try:
        hours = Decimal(draft.hours.strip() or "0")
    except InvalidOperation:
        raise AccreditationError("hours: give the hours as a number, like 1.5") from None
    if not Decimal(0) <= hours <= Decimal(100) or (hours * 4) % 1:
        raise AccreditationError("hours: give hours between 0 and 100, in quarter hours (like 1.5)")
    entry = CpdEntry(
        credential_id=credential.id,
        kind=kind,
        title=title,
        completed_on=draft.completed_on,
        hours=hours,
        law_and_policy=draft.law_and_policy,
    )
    db.session.add(entry)
    record(actor, "cpd.logged", entry, kind=kind.value, hours=str(hours))
    return entry


def cpd_entries(credential: Credential) -> list[CpdEntry]:
    return list(
        db.session.scalars(
            sa.select(CpdEntry)
            .where(CpdEntry.credential_id == credential.id)
            .order_by(CpdEntry.completed_on.desc())
        )
    )


def renewal_check(
    credential: Credential, supervisor_endorsed: bool = False, today: date | None = None
) -> Eligibility:
    """The rule's renewal requirements for this credential, met or not, with the evidence."""
    rule = credential.curriculum_version.accreditation_rule
    needs = rule.get("renewal", {})
    today = today or date.today()
    entries = cpd_entries(credential)
    hours = sum((e.hours for e in entries), Decimal(0))
    result = []
    opens = credential.valid_until.date() - timedelta(days=RENEWAL_OPENS_DAYS)
    closes = credential.valid_until.date() + timedelta(days=int(rule.get("grace_days", 0)))
    result.append(
        Requirement(
            "Within the renewal window",
            opens <= today <= closes and not credential.revoked_at,
            f"Renewal is open from {opens:%-d %B %Y} to {closes:%-d %B %Y}",
        )
    )
    if "cpd_hours_total" in needs:
        result.append(
            Requirement(
                f"{needs['cpd_hours_total']} hours of CPD",
                hours >= needs["cpd_hours_total"],
                f"{hours:g} hours logged",
            )
        )
    for key, kind in (
        ("reflective_accounts", CpdKind.REFLECTIVE_ACCOUNT),
        ("case_reviews", CpdKind.CASE_REVIEW),
    ):
        if key in needs:
            count = sum(e.kind is kind for e in entries)
            result.append(
                Requirement(f"{needs[key]} × {kind.label.lower()}", count >= needs[key], f"{count} logged")
            )
    if needs.get("supervisor_endorsement"):
        result.append(
            Requirement(
                "Supervisor's endorsement seen by the Hub",
                supervisor_endorsed,
                "Confirmed by the Hub admin" if supervisor_endorsed else "To be confirmed by the Hub admin",
            )
        )
    return Eligibility(result)


def renew(credential: Credential, supervisor_endorsed: bool, actor) -> Credential:
    """Issue the next credential, linked to ``credential``, when the renewal requirements are met."""
    require_role(actor, Role.HUB_ADMIN)
    if db.session.scalar(sa.select(Credential.id).where(Credential.renews_id == credential.id)):
        raise AccreditationError("This credential has already been renewed")
    check = renewal_check(credential, supervisor_endorsed)
    if not check.eligible:
        raise AccreditationError(
            f"Renewal requirements not met ({check.outstanding} outstanding). Nothing was recorded."
        )
    return _issue(credential.enrolment, actor, renews=credential)


# --- Lookups --------------------------------------------------------------------------------------------


def by_code(code: str) -> Credential | None:
    return db.session.scalar(sa.select(Credential).where(Credential.code == code))


def by_typed_code(typed: str) -> Credential | None:
    """The credential for a code as someone typed or linked it (see ``codes.normalise``)."""
    canonical = codes.normalise(typed)
    return by_code(canonical) if canonical else None


def for_holder(user) -> list[Credential]:
    return list(
        db.session.scalars(
            sa.select(Credential)
            .where(Credential.holder_id == user.id)
            .order_by(Credential.valid_from.desc())
        )
    )


# --- Certificates ---------------------------------------------------------------------------------------


def certificate_data(credential: Credential) -> CertificateData:
    issued = credentials.unverified_payload(credential.jws)
    base = current_app.config["IMSA_BASE_URL"].rstrip("/")
    # The name as signed, so the printed name and the embedded credential can never disagree.
    name = next(
        i["identityHash"] for i in issued["credentialSubject"]["identifier"] if i["identityType"] == "name"
    )
    return CertificateData(
        holder_name=name,
        achievement_name=issued["credentialSubject"]["achievement"]["name"],
        curriculum_version=credential.curriculum_version.label,
        curriculum_hash=credential.curriculum_version.content_hash,
        awarded_on=credential.awarded_on,
        valid_until=credential.valid_until.date(),
        code=credential.code,
        issuer_name=issued["issuer"]["name"],
        issuer_id=issued["issuer"]["id"],
        verify_url=f"{base}/verify/{credential.code}",
    )


@functools.cache
def design_fingerprint() -> str:
    """A short hash of the certificate design's files, read once per process."""
    digest = hashlib.sha256()
    for path in sorted(p for p in CERTIFICATES_DIR.rglob("*") if p.is_file()):
        digest.update(path.relative_to(CERTIFICATES_DIR).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def certificate_pdf(credential: Credential) -> bytes:
    """The certificate PDF, rendered once per credential and design, and kept in the instance folder.

    What it states never changes after issue (status is checked online), so only a change to the
    design in ``certificates/`` makes a new file.
    """
    folder = Path(current_app.instance_path) / "certificates"
    path = folder / f"{credential.code}-{design_fingerprint()}.pdf"
    if path.exists():
        return path.read_bytes()
    pdf = render_certificate(certificate_data(credential), credential.jws)
    folder.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{secrets.token_hex(4)}.tmp")
    partial.write_bytes(pdf)
    partial.replace(path)  # atomic: a concurrent reader sees no half-written file
    return pdf


def published_version(label: str) -> CurriculumVersion | None:
    return db.session.scalar(
        sa.select(CurriculumVersion).where(
            CurriculumVersion.label == label, CurriculumVersion.status == VersionStatus.PUBLISHED
        )
    )


def all_credentials() -> list[Credential]:
    return list(db.session.scalars(sa.select(Credential).order_by(Credential.valid_from.desc())))


def approval_for(enrolment: Enrolment) -> Approval | None:
    return db.session.scalar(sa.select(Approval).where(Approval.enrolment_id == enrolment.id))


def renewed_by(credential: Credential) -> Credential | None:
    return db.session.scalar(sa.select(Credential).where(Credential.renews_id == credential.id))


def confirmed_declarations(enrolment: Enrolment) -> set[str]:
    return set(db.session.scalars(sa.select(Declaration.key).where(Declaration.enrolment_id == enrolment.id)))


def approve_all(cohort, note: str, actor, progress=None) -> list[Credential]:
    """Approve every eligible trainee of ``cohort``, committing each award on its own so one failure
    does not undo the others; ``progress`` (if given) is called after each with (done, total)."""
    require_role(actor, Role.HUB_ADMIN)
    eligible = [enrolment for enrolment, _check in approval_queue() if enrolment.cohort_id == cohort.id]
    issued = []
    for done, enrolment in enumerate(eligible, start=1):
        try:
            issued.append(approve(enrolment, note, actor))
            db.session.commit()
        except AccreditationError:
            db.session.rollback()
        if progress:
            progress(done, len(eligible))
    return issued
