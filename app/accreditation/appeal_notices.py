"""What an upheld appeal means for accreditation, told to the Hub on the appeal's page.

The marking layer cannot look at credentials (it sits below accreditation), so it asks through the
``appeals.consequences`` signal and this module answers: a credential issued on the old mark is the Hub's
to review (suspend, revoke or leave); a trainee who is now eligible, or no longer, is named with where to go.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import ngettext

from app.accreditation import approval
from app.accreditation.eligibility import evaluate
from app.accreditation.models import Credential, CredentialKind
from app.database import db
from app.i18n import gettext as _
from app.marking.appeals import Notice, consequences
from app.marking.models import Appeal, AppealStatus
from app.templating import long_date


@consequences.connect
def accreditation_notice(appeal: Appeal) -> Notice | None:
    if appeal.status is not AppealStatus.UPHELD:
        return None
    enrolment = appeal.submission.enrolment
    credential = db.session.scalar(
        sa.select(Credential)
        .where(
            Credential.enrolment_id == enrolment.id,
            Credential.kind == CredentialKind.AWARD,
            Credential.revoked_at.is_(None),
        )
        .order_by(Credential.id.desc())
        .limit(1)
    )
    check = evaluate(enrolment)
    if credential is None and not check.requirements:
        return None  # this curriculum version awards no credential
    if credential is not None:
        awarded = long_date(credential.awarded_on)
        if check.eligible:
            text = _(
                "Credential %(code)s was issued on %(date)s. With the new mark %(name)s still meets the "
                "accreditation rule: review the credential, and suspend or revoke it if it no longer stands.",
                code=credential.code,
                date=awarded,
                name=enrolment.user.name,
            )
        else:
            text = _(
                "Credential %(code)s was issued on %(date)s. With the new mark %(name)s no longer meets the "
                "accreditation rule: review the credential, and suspend or revoke it if it no longer stands.",
                code=credential.code,
                date=awarded,
                name=enrolment.user.name,
            )
        return Notice(
            text, _("Review the credential"), ("accreditation.credential", {"code": credential.code})
        )
    if approval.approval_for(enrolment) is None and check.eligible:
        return Notice(
            _(
                "With the new mark %(name)s now meets the accreditation rule and is waiting for the Hub's "
                "approval.",
                name=enrolment.user.name,
            ),
            _("Review for approval"),
            ("accreditation.eligibility", {"public_id": enrolment.public_id}),
        )
    return Notice(
        ngettext(
            "%(name)s has no credential for this cohort and does not meet the accreditation rule yet "
            "(%(num)s requirement outstanding): nothing to do now.",
            "%(name)s has no credential for this cohort and does not meet the accreditation rule yet "
            "(%(num)s requirements outstanding): nothing to do now.",
            check.outstanding,
            name=enrolment.user.name,
        ),
        _("See the accreditation check"),
        ("accreditation.eligibility", {"public_id": enrolment.public_id}),
    )
