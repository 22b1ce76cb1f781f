"""The supervised-practice portfolio: evidence items logged by the trainee, verified by a trainer,
counted against the module's requirements."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from babel.lists import format_list
from flask import has_request_context
from flask_babel import get_locale

from app.audit.services import record
from app.auth import policy
from app.auth.access import PermissionDenied
from app.cohorts.models import Enrolment
from app.curriculum.models import Module, PortfolioRequirement
from app.database import db, utcnow
from app.i18n import N_
from app.i18n import gettext as _
from app.learning.models import EvidenceStatus, PortfolioEntry
from app.learning.services import check_own
from app.refusal import Refused

# What must never be in a description: anything that could identify a survivor. Deliberately broad;
# a false alarm costs a rewording, a miss could cost someone their safety.
IDENTIFIER_CHECKS = [
    (re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b"), N_("a date (such as a date of birth)")),
    (re.compile(r"\b(born|d\.?o\.?b\.?|date of birth)\b", re.I), N_("a date of birth")),
    (
        re.compile(
            r"\b\d{1,2}(st|nd|rd|th)?\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{4}\b",
            re.I,
        ),
        N_("a date (such as a date of birth)"),
    ),
    (re.compile(r"\bNRM\b[^.\n]{0,20}\d", re.I), N_("an NRM reference")),
    (
        re.compile(r"\b(?=[A-Z0-9/-]*\d)(?=[A-Z0-9/-]*[A-Z])[A-Z0-9][A-Z0-9/-]{6,}\b"),
        N_("a reference number"),
    ),
    (
        re.compile(r"\b[A-CEGHJ-PR-TW-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b", re.I),
        N_("a National Insurance number"),
    ),
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+"), N_("an email address")),
    (re.compile(r"(\+44\s?|\b0)\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}\b"), N_("a phone number")),
    (re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.I), N_("a postcode")),
]
MIN_DESCRIPTION, MAX_DESCRIPTION = 20, 1000


class EvidenceRefused(Refused):
    """The entry cannot be saved; ``field`` says which form field to fix."""


def identifying_details(text: str) -> list[str]:
    """What in ``text`` looks like it could identify someone (empty when nothing does), in English."""
    return sorted({label for pattern, label in IDENTIFIER_CHECKS if pattern.search(text)})


def in_words(details: list[str]) -> str:
    """Identifying details found, as a list in the page's language: "a date and a phone number"."""
    locale = (get_locale() if has_request_context() else None) or "en_GB"
    return format_list([_(detail) for detail in details], locale=locale)


def kinds(module: Module) -> list[str]:
    """The evidence kinds the module's requirements count, in the order first named."""
    seen: dict[str, None] = {}
    for requirement in module.portfolio_requirements:
        seen.update(dict.fromkeys(requirement.kinds))
    return list(seen)


def _counts_hours(module: Module, kind: str) -> bool:
    return any(r.unit == "hours" and kind in r.kinds for r in module.portfolio_requirements)


def log_entry(
    enrolment: Enrolment,
    module: Module,
    kind: str,
    occurred_on: date,
    hours: Decimal | None,
    description: str,
    actor,
    today: date | None = None,
) -> PortfolioEntry:
    check_own(enrolment, actor)
    today = today or utcnow().date()
    if kind not in kinds(module):
        raise EvidenceRefused(_("Choose the kind of evidence"), field="kind")
    if occurred_on > today:
        raise EvidenceRefused(_("The date must be today or in the past"), field="occurred_on")
    if _counts_hours(module, kind):
        if hours is None or not Decimal("0.25") <= hours <= Decimal("24"):
            raise EvidenceRefused(_("Enter the hours, from 0.25 to 24, for example 1.5"), field="hours")
    else:
        hours = None
    description = description.strip()
    if not MIN_DESCRIPTION <= len(description) <= MAX_DESCRIPTION:
        raise EvidenceRefused(
            _(
                "Describe the work in %(least)s to %(most)s characters",
                least=MIN_DESCRIPTION,
                most=MAX_DESCRIPTION,
            ),
            field="description",
        )
    found = identifying_details(description)
    if found:
        raise EvidenceRefused(
            _(
                "Remove anything that could identify someone: this looks like it includes %(found)s",
                found=in_words(found),
            ),
            field="description",
        )
    entry = PortfolioEntry(
        enrolment=enrolment,
        module_id=module.id,
        kind=kind,
        occurred_on=occurred_on,
        hours=hours,
        description=description,
    )
    db.session.add(entry)
    record(actor, "portfolio.entry_logged", entry, kind=kind, hours=str(hours) if hours is not None else None)
    return entry


def review_entry(entry: PortfolioEntry, verified: bool, comment: str, actor) -> PortfolioEntry:
    """A trainer verifies an entry, or returns it to the trainee with a comment saying why."""
    if not policy.is_cohort_staff(actor, entry.enrolment.cohort):
        raise PermissionDenied("only this cohort's trainers and Hub admins review portfolio evidence")
    comment = comment.strip()
    if not verified and not comment:
        raise EvidenceRefused(
            _("Say why the entry is being returned, so the trainee can put it right"), field="comment"
        )
    entry.status = EvidenceStatus.VERIFIED if verified else EvidenceStatus.RETURNED
    entry.reviewer_comment = comment or None
    entry.reviewed_by_id, entry.reviewed_at = actor.id, utcnow()
    record(actor, f"portfolio.entry_{entry.status.value}", entry, comment=comment or None)
    return entry


def entries(enrolment: Enrolment, module: Module) -> list[PortfolioEntry]:
    return list(
        db.session.scalars(
            sa.select(PortfolioEntry)
            .where(PortfolioEntry.enrolment_id == enrolment.id, PortfolioEntry.module_id == module.id)
            .order_by(PortfolioEntry.occurred_on.desc(), PortfolioEntry.id.desc())
        )
    )


@dataclass(frozen=True)
class Total:
    requirement: PortfolioRequirement
    verified: Decimal
    waiting: Decimal

    @property
    def met(self) -> bool:
        return self.verified >= self.requirement.minimum


# What was logged for one module, summed: {(kind, status): (items, hours)}.
EvidenceSums = dict[tuple[str, EvidenceStatus], tuple[int, Decimal]]


def sums_of(logged: list[PortfolioEntry]) -> EvidenceSums:
    sums: EvidenceSums = {}
    for entry in logged:
        items, hours = sums.get((entry.kind, entry.status), (0, Decimal(0)))
        sums[(entry.kind, entry.status)] = (items + 1, hours + (entry.hours or Decimal(0)))
    return sums


def totals_from_sums(module: Module, sums: EvidenceSums) -> list[Total]:
    """Each requirement's verified and waiting totals (hours, or a count of items), from summed evidence
    (so a whole cohort's totals can come from one GROUP BY query)."""
    result = []
    for requirement in module.portfolio_requirements:
        found = {EvidenceStatus.VERIFIED: Decimal(0), EvidenceStatus.SUBMITTED: Decimal(0)}
        for kind in requirement.kinds:
            for status in found:
                items, hours = sums.get((kind, status), (0, Decimal(0)))
                found[status] += Decimal(str(hours or 0)) if requirement.unit == "hours" else items
        result.append(Total(requirement, found[EvidenceStatus.VERIFIED], found[EvidenceStatus.SUBMITTED]))
    return result


def totals(module: Module, logged: list[PortfolioEntry]) -> list[Total]:
    """Each requirement's verified and waiting totals (hours, or a count of items)."""
    return totals_from_sums(module, sums_of(logged))


def waiting_for_review(reviewer, cohort_ids: list[int]) -> list[PortfolioEntry]:
    if not cohort_ids:
        return []
    return list(
        db.session.scalars(
            sa.select(PortfolioEntry)
            .join(Enrolment, Enrolment.id == PortfolioEntry.enrolment_id)
            .where(Enrolment.cohort_id.in_(cohort_ids), PortfolioEntry.status == EvidenceStatus.SUBMITTED)
            .order_by(PortfolioEntry.created_at)
        )
    )


def entry_by_public_id(public_id: str) -> PortfolioEntry | None:
    return db.session.scalar(sa.select(PortfolioEntry).where(PortfolioEntry.public_id == public_id))
