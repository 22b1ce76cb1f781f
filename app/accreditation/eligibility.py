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
from app.learning.models import PortfolioEntry, Submission, SubmissionStatus
from app.learning.outcomes import outcomes
from app.learning.portfolio import totals
from app.learning.services import overview
from app.marking import integrity

DISCUSSION_KIND = "professional_discussion"

DECLARATIONS = {
    "code_of_conduct": "I have read and will follow the IMSA® code of conduct.",
    "data_protection_training": "I have completed data protection training in the last 12 months.",
    "safeguarding_training": (
        "I have completed safeguarding training (adults and children) in the last 12 months."
    ),
    "employer_dbs_check": (
        "My employer has completed an enhanced criminal record check for my role "
        "(DBS in England and Wales, PVG in Scotland, AccessNI in Northern Ireland)."
    ),
}


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
    """Every requirement of the rule for ``enrolment``, with a fixed number of queries."""
    rule = enrolment.cohort.curriculum_version.accreditation_rule
    requires = rule.get("requires", {})
    by_code = {o.module.code: o for o in outcomes(enrolment, overview(enrolment))}
    result: list[Requirement] = []

    for code in requires.get("modules_passed", []):
        outcome = by_code.get(code)
        if outcome is None:
            result.append(Requirement(f"{code} passed", False, f"{code} is not in this curriculum version"))
            continue
        evidence = "Passed" if outcome.passed else "Still to do: " + "; ".join(outcome.outstanding)
        result.append(Requirement(f"{code} {outcome.module.title} passed", outcome.passed, evidence))

    final = by_code.get(requires.get("portfolio") or requires.get("capstone") or "")
    if final is not None:
        result.extend(_final_module(enrolment, final.module, requires))

    confirmed = {
        d.key: d.confirmed_at
        for d in db.session.scalars(sa.select(Declaration).where(Declaration.enrolment_id == enrolment.id))
    }
    for key in requires.get("declarations", []):
        moment = confirmed.get(key)
        evidence = f"Confirmed on {moment:%-d %B %Y}" if moment else "Not yet confirmed by the trainee"
        result.append(Requirement(f"Declaration: {DECLARATIONS.get(key, key)}", moment is not None, evidence))

    if integrity.award_held(enrolment.id):
        result.append(
            Requirement(
                "No academic-integrity case open",
                False,
                "A case about this trainee's work is open: the award waits for its outcome",
            )
        )

    months = rule.get("complete_within_months")
    if months:
        deadline = add_months(enrolment.cohort.starts_on, months)
        today = today or date.today()
        result.append(
            Requirement(
                f"Completed within {months} months of the cohort start",
                today <= deadline,
                f"Deadline {deadline:%-d %B %Y}",
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
            unit = "hours" if total.requirement.unit == "hours" else "items"
            evidence = f"{total.verified:g} of {total.requirement.minimum} {unit} verified"
            if total.waiting:
                evidence += f" ({total.waiting:g} waiting for review)"
            result.append(Requirement(f"Portfolio: {total.requirement.title}", total.met, evidence))
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
            evidence = f"Released at {latest.result_band.title()} on {latest.released_at:%-d %B %Y}"
        elif latest is None or latest.status is SubmissionStatus.DRAFT:
            evidence = "Not submitted yet"
        else:
            evidence = f"{latest.status.label}" + (
                f" ({latest.result_band.title()})" if latest.result_band else ""
            )
        result.append(Requirement(f"Capstone: {module.assignment.title}", passed, evidence))
    if requires.get("professional_discussion"):
        discussion = [t for t in portfolio_totals if DISCUSSION_KIND in t.requirement.kinds]
        met = bool(discussion) and all(t.met for t in discussion)
        evidence = "Verified by a trainer" if met else "Not yet verified"
        result.append(Requirement("Structured professional discussion passed", met, evidence))
    return result
