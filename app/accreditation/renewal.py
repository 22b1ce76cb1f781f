"""CPD and renewal: the holder logs continuing professional development; when the rule's renewal
requirements are met, the Hub issues the next credential, linked to the one it renews."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa

from app.accreditation.eligibility import Eligibility, Requirement
from app.accreditation.errors import AccreditationError
from app.accreditation.issuing import issue
from app.accreditation.models import CpdEntry, CpdKind, Credential
from app.audit.services import record
from app.auth.access import PermissionDenied, require_role
from app.auth.models import Role
from app.database import db
from app.i18n import gettext as _
from app.templating import long_date

RENEWAL_OPENS_DAYS = 180  # a holder may renew in the last six months of validity (or the grace period)


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
        raise AccreditationError(_("choose what kind of activity this was"), field="kind") from None
    title = draft.title.strip()
    if not 3 <= len(title) <= 200:
        raise AccreditationError(
            _("say in a few words what the activity was (up to 200 characters)"), field="title"
        )
    if draft.completed_on is None or draft.completed_on > date.today():
        raise AccreditationError(
            _("give the date you completed it (not in the future)"), field="completed_on"
        )
    hours = _hours(draft.hours)
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


def _hours(typed: str) -> Decimal:
    try:
        hours = Decimal(typed.strip() or "0")
    except InvalidOperation:
        raise AccreditationError(_("give the hours as a number, like 1.5"), field="hours") from None
    if not Decimal(0) <= hours <= Decimal(100) or (hours * 4) % 1:
        raise AccreditationError(
            _("give hours between 0 and 100, in quarter hours (like 1.5)"), field="hours"
        )
    return hours


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
    """The rule's renewal requirements for this credential, met or not, with the evidence (worded in the
    current language: nothing here is kept)."""
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
            _("Within the renewal window"),
            opens <= today <= closes and not credential.revoked_at and not credential.replaced_at,
            _(
                "Renewal is open from %(opens)s to %(closes)s",
                opens=long_date(opens),
                closes=long_date(closes),
            ),
        )
    )
    if "cpd_hours_total" in needs:
        result.append(
            Requirement(
                _("%(hours)s hours of CPD", hours=needs["cpd_hours_total"]),
                hours >= needs["cpd_hours_total"],
                _("%(hours)s hours logged", hours=f"{hours:g}"),
            )
        )
    for key, kind in (
        ("reflective_accounts", CpdKind.REFLECTIVE_ACCOUNT),
        ("case_reviews", CpdKind.CASE_REVIEW),
    ):
        if key in needs:
            count = sum(e.kind is kind for e in entries)
            result.append(
                Requirement(
                    f"{needs[key]} × {kind.label.lower()}",
                    count >= needs[key],
                    _("%(count)s logged", count=count),
                )
            )
    if needs.get("supervisor_endorsement"):
        result.append(
            Requirement(
                _("Supervisor's endorsement seen by the Hub"),
                supervisor_endorsed,
                _("Confirmed by the Hub admin")
                if supervisor_endorsed
                else _("To be confirmed by the Hub admin"),
            )
        )
    return Eligibility(result)


def renew(credential: Credential, supervisor_endorsed: bool, actor) -> Credential:
    """Issue the next credential, linked to ``credential``, when the renewal requirements are met."""
    require_role(actor, Role.HUB_ADMIN)
    if renewed_by(credential) is not None:
        raise AccreditationError(_("This credential has already been renewed"))
    check = renewal_check(credential, supervisor_endorsed)
    if not check.eligible:
        raise AccreditationError(
            _(
                "Renewal requirements not met (%(outstanding)s outstanding). Nothing was recorded.",
                outstanding=check.outstanding,
            )
        )
    return issue(credential.enrolment, actor, renews=credential)


def renewed_by(credential: Credential) -> Credential | None:
    return db.session.scalar(sa.select(Credential).where(Credential.renews_id == credential.id))
