"""The Hub's approval: who is waiting, and approving one trainee or a whole cohort (which issues the
credential). Changes are made in the caller's transaction; the caller commits."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import force_locale, ngettext

from app.accreditation.eligibility import Eligibility, evaluate
from app.accreditation.errors import AccreditationError
from app.accreditation.issuing import issue
from app.accreditation.models import Approval, Credential
from app.accreditation.records import issue_transcript
from app.assurance.services import ratification_outstanding
from app.audit.services import record
from app.auth.access import require_role
from app.auth.models import Role
from app.cohorts.models import Enrolment, EnrolmentStatus
from app.curriculum.models import Assignment, CurriculumVersion, Module, VersionStatus
from app.database import db
from app.i18n import ENGLISH, babel_locale
from app.i18n import gettext as _
from app.learning.models import Submission, SubmissionStatus
from app.learning.once import insert_once
from app.marking import integrity


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
    """Record the Hub's decision and issue the credential (and its transcript), in one transaction.

    Two approvals at once (a double-click) race on the enrolment's unique key: one records the approval
    and issues the credential; the other is told the trainee is already approved, as a later one would be.
    """
    require_role(actor, Role.HUB_ADMIN)
    already = AccreditationError(_("This trainee has already been approved for accreditation"))
    if db.session.scalar(sa.select(Approval.id).where(Approval.enrolment_id == enrolment.id)):
        raise already
    if integrity.award_held(enrolment.id):
        raise AccreditationError(
            _(
                "An academic-integrity case about this trainee's work is open: the award waits for its "
                "outcome. Nothing was recorded."
            ),
            field="integrity",
        )
    with force_locale(babel_locale(ENGLISH)):  # the evidence is kept with the approval, in English
        check = evaluate(enrolment)
    if not check.eligible:
        raise AccreditationError(
            ngettext(
                "Not eligible yet: %(num)s requirement not met. Nothing was recorded.",
                "Not eligible yet: %(num)s requirements not met. Nothing was recorded.",
                check.outstanding,
            )
        )
    if ratification_outstanding(enrolment.cohort):
        raise AccreditationError(
            _(
                "This cohort's award board has not ratified its results yet: credentials can be issued once "
                "it has. Nothing was recorded."
            ),
            field="ratification",
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
    credential = issue(enrolment, actor, approval=approval)
    issue_transcript(credential, actor)  # the modules behind the award, issued with it
    return credential


def eligible_in(cohort) -> list[Enrolment]:
    """The enrolments of ``cohort`` in the approval queue."""
    return [enrolment for enrolment, _check in approval_queue() if enrolment.cohort_id == cohort.id]


def approval_for(enrolment: Enrolment) -> Approval | None:
    return db.session.scalar(sa.select(Approval).where(Approval.enrolment_id == enrolment.id))
