"""Due-process figures by cohort: reasonable adjustments, special consideration, appeals and integrity cases.
Counts and turnaround only (working days from request to decision, England and Wales calendar): no names,
no reasons, nothing a statement said. Shared by the Hub's reports and the assurance pack."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa

from app.cohorts.models import AdjustmentPlan, Cohort, Enrolment
from app.database import db
from app.learning.models import Submission
from app.marking.models import Appeal, ConsiderationRequest, IntegrityCase
from app.workdays import london_date, working_days_between


@dataclass
class Process:
    """One process's figures for one cohort."""

    total: int = 0
    by_outcome: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    open: int = 0
    turnaround: list[int] = field(default_factory=list)  # working days, request to decision

    @property
    def median_days(self) -> float | None:
        return round(statistics.median(self.turnaround), 1) if self.turnaround else None

    def as_dict(self) -> dict:
        return {
            "total": self.total,
            "open": self.open,
            "outcomes": dict(sorted(self.by_outcome.items())),
            "median_working_days_to_decision": self.median_days,
        }


@dataclass
class CohortFigures:
    cohort: str
    adjustment_plans: int = 0
    with_extra_time: int = 0
    with_extra_days: int = 0
    consideration: Process = field(default_factory=Process)
    appeals: Process = field(default_factory=Process)
    integrity: Process = field(default_factory=Process)

    def as_dict(self) -> dict:
        return {
            "reasonable_adjustments": {
                "plans": self.adjustment_plans,
                "with_extra_time": self.with_extra_time,
                "with_extra_days": self.with_extra_days,
            },
            "special_consideration": self.consideration.as_dict(),
            "appeals": self.appeals.as_dict(),
            "integrity_cases": self.integrity.as_dict(),
        }


def _add(process: Process, outcome: str | None, opened, decided) -> None:
    process.total += 1
    if decided is None:
        process.open += 1
        return
    process.by_outcome[outcome or "decided"] += 1
    process.turnaround.append(working_days_between(london_date(opened), london_date(decided)))


def figures(where: list) -> list[CohortFigures]:
    """Per cohort with any enrolment matching ``where`` (enrolment conditions), newest cohort first.
    Four small queries, one per process, whatever the number of cohorts."""
    cohorts = db.session.execute(
        sa.select(Cohort.id, Cohort.name)
        .where(Cohort.id.in_(sa.select(Enrolment.cohort_id).where(*where)))
        .order_by(Cohort.starts_on.desc(), Cohort.name)
    ).all()
    found = {cohort_id: CohortFigures(name) for cohort_id, name in cohorts}
    in_scope = sa.select(Enrolment.id).where(*where)

    plans = db.session.execute(
        sa.select(
            Enrolment.cohort_id,
            sa.func.count(),
            sa.func.count().filter(AdjustmentPlan.extra_time_percent > 0),
            sa.func.count().filter(AdjustmentPlan.extra_days > 0),
        )
        .join(Enrolment, Enrolment.id == AdjustmentPlan.enrolment_id)
        .where(AdjustmentPlan.enrolment_id.in_(in_scope))
        .group_by(Enrolment.cohort_id)
    )
    for cohort_id, count, extra_time, extra_days in plans:
        row = found[cohort_id]
        row.adjustment_plans, row.with_extra_time, row.with_extra_days = count, extra_time, extra_days

    for cohort_id, status, outcome, opened, decided in db.session.execute(
        sa.select(
            Enrolment.cohort_id,
            ConsiderationRequest.status,
            ConsiderationRequest.outcome,
            ConsiderationRequest.requested_at,
            ConsiderationRequest.decided_at,
        )
        .join(Enrolment, Enrolment.id == ConsiderationRequest.enrolment_id)
        .where(ConsiderationRequest.enrolment_id.in_(in_scope))
    ):
        label = (outcome.value if outcome else status.value) if decided else None
        _add(found[cohort_id].consideration, label, opened, decided)

    for cohort_id, status, opened, decided in db.session.execute(
        sa.select(Enrolment.cohort_id, Appeal.status, Appeal.requested_at, Appeal.decided_at)
        .join(Submission, Submission.id == Appeal.submission_id)
        .join(Enrolment, Enrolment.id == Submission.enrolment_id)
        .where(Submission.enrolment_id.in_(in_scope))
    ):
        _add(found[cohort_id].appeals, status.value, opened, None if status.is_open else decided)

    for cohort_id, outcome, penalty, opened, decided in db.session.execute(
        sa.select(
            Enrolment.cohort_id,
            IntegrityCase.outcome,
            IntegrityCase.penalty,
            IntegrityCase.opened_at,
            IntegrityCase.decided_at,
        )
        .join(Enrolment, Enrolment.id == IntegrityCase.enrolment_id)
        .where(IntegrityCase.enrolment_id.in_(in_scope))
    ):
        # A case referred to the board stays open until the board's decision is recorded.
        still_open = outcome is None or outcome.value == "referred"
        label = None if still_open else (f"upheld: {penalty.value}" if penalty else outcome.value)
        _add(found[cohort_id].integrity, label, opened, None if still_open else decided)
    return list(found.values())
