"""Whether an enrolment meets the accreditation rule of its curriculum version, requirement by requirement.

The rule is data (``accreditation`` in ``course_content/curriculum.yaml``, frozen with the version), so a
cohort is always judged by the rule it studied under. Each requirement is shown met or not, with the
evidence, to the trainee and to the Hub; nothing here is stored until the Hub approves.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

import sqlalchemy as sa

from app.accreditation.models import Declaration
from app.cohorts.models import Enrolment
from app.database import db
from app.i18n import N_
from app.i18n import gettext as _
from app.learning.models import PortfolioEntry, Submission, SubmissionStatus
from app.learning.outcomes import outcomes
from app.learning.portfolio import totals
from app.learning.services import overview
from app.marking import integrity
from app.templating import long_date
from app.workdays import london_date

DISCUSSION_KIND = "professional_discussion"

# In English as recorded with each confirmation; ``declaration_text`` shows one in the page's language.
DECLARATIONS = {
    "code_of_conduct": N_("I have read and will follow the IMSA® code of conduct."),
    "data_protection_training": N_("I have completed data protection training in the last 12 months."),
    "safeguarding_training": N_(
        "I have completed safeguarding training (adults and children) in the last 12 months."
    ),
    "employer_dbs_check": N_(
        "My employer has completed an enhanced criminal record check for my role "
        "(DBS in England and Wales, PVG in Scotland, AccessNI in Northern Ireland)."
    ),
}


def declaration_text(key: str) -> str:
    return _(DECLARATIONS[key]) if key in DECLARATIONS else key


@dataclass(frozen=True)
class Requirement:
    label: str
    met: bool
    evidence: str


@dataclass(frozen=True)
class Eligibility:
    requirements: list[Requirement]

    @property
    def eligible(self) -> bool:
        return bool(self.requirements) and all(r.met for r in self.requirements)

    @property
    def outstanding(self) -> int:
        return sum(not r.met for r in self.requirements)

    def as_json(self) -> list[dict]:
        return [asdict(r) for r in self.requirements]


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def evaluate(enrolment: Enrolment, today: date | None = None) -> Eligibility:
    """Every requirement of the rule for ``enrolment``, with a fixed number of queries, worded in the
    current language (evaluate under ``force_locale`` of English for a record that is kept)."""
    rule = enrolment.cohort.curriculum_version.accreditation_rule
    requires = rule.get("requires", {})
    by_code = {o.module.code: o for o in outcomes(enrolment, overview(enrolment))}
    result: list[Requirement] = []

    for code in requires.get("modules_passed", []):
        outcome = by_code.get(code)
        if outcome is None:
            missing = _("%(code)s is not in this curriculum version", code=code)
            result.append(Requirement(_("%(code)s passed", code=code), False, missing))
            continue
        if outcome.passed:
            evidence = _("Passed")
        else:
            evidence = _("Still to do: %(what)s", what="; ".join(outcome.outstanding))
        label = _("%(code)s %(title)s passed", code=code, title=outcome.module.title)
        result.append(Requirement(label, outcome.passed, evidence))

    final = by_code.get(requires.get("portfolio") or requires.get("capstone") or "")
    if final is not None:
        result.extend(_final_module(enrolment, final.module, requires))

    confirmed = {
        d.key: d.confirmed_at
        for d in db.session.scalars(sa.select(Declaration).where(Declaration.enrolment_id == enrolment.id))
    }
    for key in requires.get("declarations", []):
        moment = confirmed.get(key)
        if moment:
            evidence = _("Confirmed on %(date)s", date=long_date(london_date(moment)))
        else:
            evidence = _("Not yet confirmed by the trainee")
        label = _("Declaration: %(declaration)s", declaration=declaration_text(key))
        result.append(Requirement(label, moment is not None, evidence))

    if integrity.award_held(enrolment.id):
        result.append(
            Requirement(
                _("No academic-integrity case open"),
                False,
                _("A case about this trainee's work is open: the award waits for its outcome"),
            )
        )

    months = rule.get("complete_within_months")
    if months:
        deadline = add_months(enrolment.cohort.starts_on, months)
        today = today or date.today()
        result.append(
            Requirement(
                _("Completed within %(months)s months of the cohort start", months=months),
                today <= deadline,
                _("Deadline %(date)s", date=long_date(deadline)),
            )
        )
    return Eligibility(result)


def _final_module(enrolment: Enrolment, module, requires: dict) -> list[Requirement]:
    result = []
    logged = list(
        db.session.scalars(
            sa.select(PortfolioEntry).where(
                PortfolioEntry.enrolment_id == enrolment.id, PortfolioEntry.module_id == module.id
            )
        )
    )
    portfolio_totals = totals(module, logged)
    if requires.get("portfolio"):
        for total in portfolio_totals:
            if DISCUSSION_KIND in total.requirement.kinds:
                continue
            counts = {"verified": f"{total.verified:g}", "minimum": total.requirement.minimum}
            if total.requirement.unit == "hours":
                evidence = _("%(verified)s of %(minimum)s hours verified", **counts)
            else:
                evidence = _("%(verified)s of %(minimum)s items verified", **counts)
            if total.waiting:
                evidence += " " + _("(%(waiting)s waiting for review)", waiting=f"{total.waiting:g}")
            label = _("Portfolio: %(title)s", title=total.requirement.title)
            result.append(Requirement(label, total.met, evidence))
    if requires.get("capstone") and module.assignment:
        latest = db.session.scalar(
            sa.select(Submission)
            .where(Submission.enrolment_id == enrolment.id, Submission.assignment_id == module.assignment.id)
            .order_by(Submission.attempt.desc())
            .limit(1)
        )
        passed = (
            latest is not None
            and latest.status is SubmissionStatus.RELEASED
            and latest.result_band not in (None, "fail")
        )
        if passed:
            evidence = _(
                "Released at %(band)s on %(date)s",
                band=latest.result_band.title(),
                date=long_date(london_date(latest.released_at)),
            )
        elif latest is None or latest.status is SubmissionStatus.DRAFT:
            evidence = _("Not submitted yet")
        else:
            evidence = f"{latest.status.label}" + (
                f" ({latest.result_band.title()})" if latest.result_band else ""
            )
        result.append(Requirement(_("Capstone: %(title)s", title=module.assignment.title), passed, evidence))
    if requires.get("professional_discussion"):
        discussion = [t for t in portfolio_totals if DISCUSSION_KIND in t.requirement.kinds]
        met = bool(discussion) and all(t.met for t in discussion)
        evidence = _("Verified by a trainer") if met else _("Not yet verified")
        result.append(Requirement(_("Structured professional discussion passed"), met, evidence))
    return result
