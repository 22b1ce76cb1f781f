"""Hub reports across cohorts: enrolments, module completion and pass rates, time to complete and marking
turnaround, split by organisation kind and nation. An organisation manager gets the same for their own
organisation's trainees only.

Everything comes from the same aggregate queries as the progress matrix (``learning.outcomes.collect``)
plus one for marking turnaround and one for accreditations issued, however many trainees there are.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from app.accreditation.models import Credential, CredentialKind
from app.auth.models import Role, User
from app.cohorts.models import Cohort, Enrolment, EnrolmentStatus
from app.csv_export import to_csv
from app.curriculum.models import Assignment, Module
from app.database import db
from app.i18n import N_
from app.learning.models import Submission, SubmissionStatus
from app.learning.outcomes import Detail, ModuleState, collect, no_gc_pauses
from app.marking.queue import TURNAROUND_WORKING_DAYS
from app.organisations.models import Nation, Organisation, OrganisationKind
from app.reports.due_process import figures as due_process_figures
from app.reports.progress import enrolments_for_progress
from app.reports.wording import Phrase
from app.templating import LONDON
from app.workdays import working_days_after


@dataclass
class Table:
    """A report table. Its title, columns and note are English (marked with ``N_``, or a ``Phrase``): the
    CSV file keeps them; the page shows them with the ``shown`` filter."""

    key: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    # Which column the bar chart draws (by index), with the label column first; None: no chart.
    chart: int | None = None
    chart_unit: str = ""
    note: str = ""

    def csv(self) -> str:
        return to_csv(self.columns, self.rows)

    @property
    def bars(self) -> list[tuple[str, float]]:
        return [(str(row[0]), float(row[self.chart] or 0)) for row in self.rows] if self.chart else []

    @property
    def chart_max(self) -> float:
        if self.chart_unit == "%":
            return 100.0
        return max([value for _label, value in self.bars] + [1.0])


@dataclass
class Report:
    tables: list[Table]
    trainees: int
    cohorts: list[Cohort]
    organisation: Organisation | None  # set for an organisation manager's report

    def table(self, key: str) -> Table | None:
        return next((t for t in self.tables if t.key == key), None)


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def _days(later, earlier) -> float:
    return (later - earlier).total_seconds() / 86400


def scope_for(viewer: User | None) -> list:
    """Which enrolments the viewer's report covers: all for a Hub admin (or the command line, ``None``),
    only their own organisation's for anyone else (an organisation manager)."""
    if viewer is None or viewer.has_role(Role.HUB_ADMIN):
        return []
    return [Enrolment.organisation_id == (viewer.organisation_id or -1)]


def cohorts_in(where: list) -> list[Cohort]:
    return list(
        db.session.scalars(
            sa.select(Cohort)
            .where(Cohort.id.in_(sa.select(Enrolment.cohort_id).where(*where)))
            .order_by(Cohort.starts_on.desc(), Cohort.name)
        )
    )


def build(
    viewer: User | None,
    today: date,
    cohort: str | None = None,
    kind: str | None = None,
    nation: str | None = None,
) -> Report:
    base = scope_for(viewer)
    cohorts = cohorts_in(base)
    where = list(base)
    if cohort:
        where.append(Enrolment.cohort_id.in_(sa.select(Cohort.id).where(Cohort.public_id == cohort)))
    if kind in {k.value for k in OrganisationKind}:
        where.append(
            Enrolment.organisation_id.in_(
                sa.select(Organisation.id).where(Organisation.kind == OrganisationKind(kind))
            )
        )
    if nation in {n.value for n in Nation}:
        where.append(Enrolment.nation == Nation(nation))
    with no_gc_pauses():  # thousands of small objects, no cycles: see collect
        enrolments = enrolments_for_progress(where)
        found = collect(enrolments, today, Detail.REPORTS, where=where)
        # A transfer ends one place and starts another: count the person once, in their current place.
        counted = [p for p in found.values() if p.enrolment.status is not EnrolmentStatus.TRANSFERRED]
        # Each label worked out once, not for every trainee in every table.
        nations = {n: n.label for n in Nation}
        kinds = {k: k.label for k in OrganisationKind}

        def nation(e) -> str:
            return nations[e.nation]

        def kind_of(e) -> str:
            return kinds[e.organisation.kind]

        tables = [
            _enrolments_by(enrolments, "nation", N_("Enrolments by nation"), nation),
            _enrolments_by(enrolments, "kind", N_("Enrolments by organisation kind"), kind_of),
            _modules(counted),
            _outcomes_by(counted, "outcomes_nation", N_("Outcomes by nation"), nation),
            _outcomes_by(counted, "outcomes_kind", N_("Outcomes by organisation kind"), kind_of),
            _turnaround(where),
            *_accreditations(where, today),
            # Due process is the Hub's own business: an organisation's few cases could point at a person.
            *(_due_process(where) if not base else []),
        ]
    organisation = None if not base else viewer.organisation
    return Report(tables, len(counted), cohorts, organisation)


STATUS_ORDER = list(EnrolmentStatus)


def _enrolments_by(enrolments: list[Enrolment], key: str, title: str, group) -> Table:
    counts: dict[str, dict[EnrolmentStatus, int]] = defaultdict(lambda: dict.fromkeys(STATUS_ORDER, 0))
    for e in enrolments:
        counts[group(e)][e.status] += 1
    table = Table(
        key, title, [N_("Group"), *[s.label for s in STATUS_ORDER], N_("Total")], chart=len(STATUS_ORDER) + 1
    )
    for name in sorted(counts):
        row = counts[name]
        table.rows.append([name, *[row[s] for s in STATUS_ORDER], sum(row.values())])
    table.note = N_(
        "Every place, including withdrawn and transferred ones (a transfer counts in both cohorts)."
    )
    return table


def _modules(counted) -> Table:
    """Completion (every lesson done) and pass rates by module code, across curriculum versions."""
    by_code: dict[str, dict] = {}
    # Each curriculum version's modules as (id, its row), read once rather than for every trainee.
    rows_of: dict[int, list[tuple[int, dict]]] = {}
    passed = ModuleState.PASSED
    for progress in counted:
        version = progress.enrolment.cohort.curriculum_version_id
        if version not in rows_of:
            rows_of[version] = [
                (
                    module.id,
                    by_code.setdefault(
                        module.code,
                        {"title": module.title, "trainees": 0, "completed": 0, "passed": 0, "days": []},
                    ),
                )
                for module in progress.modules
            ]
        facts, assessments = progress.facts, progress.assessments
        for module_id, row in rows_of[version]:
            fact = facts[module_id]
            row["trainees"] += 1
            if fact.lessons_total and fact.lessons_completed == fact.lessons_total:
                row["completed"] += 1
            if assessments[module_id].state is passed:
                row["passed"] += 1
                if fact.passed_at and fact.first_activity:
                    row["days"].append(max(0.0, _days(fact.passed_at, fact.first_activity)))
    table = Table(
        "modules",
        N_("Completion and pass rates by module"),
        [
            N_("Module"),
            N_("Title"),
            N_("Trainees"),
            N_("Lessons all done"),
            N_("Completion rate (%)"),
            N_("Passed"),
            N_("Pass rate (%)"),
            N_("Median days to pass"),
        ],
        chart=6,
        chart_unit="%",
        note=N_("Days to pass: from the first thing done in the module to its last requirement being met."),
    )
    for code in sorted(by_code):
        r = by_code[code]
        table.rows.append(
            [
                code,
                r["title"],
                r["trainees"],
                r["completed"],
                _percent(r["completed"], r["trainees"]),
                r["passed"],
                _percent(r["passed"], r["trainees"]),
                _median(r["days"]),
            ]
        )
    return table


def _outcomes_by(counted, key: str, title: str, group) -> Table:
    """Per group: trainees, modules passed, the whole course completed, and time to complete it."""
    rows: dict[str, dict] = defaultdict(
        lambda: {"trainees": 0, "cells": 0, "passed": 0, "done": 0, "days": []}
    )
    for progress in counted:
        row = rows[group(progress.enrolment)]
        row["trainees"] += 1
        row["cells"] += len(progress.modules)
        row["passed"] += progress.passed
        if progress.modules and progress.passed == len(progress.modules):
            row["done"] += 1
            last = max((f.passed_at for f in progress.facts.values() if f.passed_at), default=None)
            if last:
                row["days"].append(max(0.0, _days(last, progress.enrolment.enrolled_at)))
    table = Table(
        key,
        title,
        [
            N_("Group"),
            N_("Trainees"),
            N_("Modules passed"),
            N_("Module pass rate (%)"),
            N_("Completed the course"),
            N_("Median days to complete"),
        ],
        chart=3,
        chart_unit="%",
        note=N_(
            "Module pass rate: modules passed out of every trainee's modules. Days to complete: from "
            "enrolment to the last module passed, for those who have passed every module."
        ),
    )
    for name in sorted(rows):
        r = rows[name]
        table.rows.append(
            [
                name,
                r["trainees"],
                r["passed"],
                _percent(r["passed"], r["cells"]),
                r["done"],
                _median(r["days"]),
            ]
        )
    return table


def _turnaround(where: list) -> Table:
    """Submission to first mark, and to release, by module code, against the 15-working-day target."""
    pieces = (
        db.session.connection()
        .execute(
            sa.select(Module.code, Submission.submitted_at, Submission.marked_at, Submission.released_at)
            .join(Assignment, Assignment.id == Submission.assignment_id)
            .join(Module, Module.id == Assignment.module_id)
            .join(Enrolment, Enrolment.id == Submission.enrolment_id)
            .where(*where, Submission.status != SubmissionStatus.DRAFT, Submission.submitted_at.is_not(None))
        )
        .all()
    )
    by_code: dict[str, dict] = defaultdict(lambda: {"pieces": 0, "marked": [], "released": [], "on_time": 0})
    targets: dict[date, date] = {}  # the target date per submission day, worked out once per day
    for code, submitted, marked, released in pieces:
        row = by_code[code]
        row["pieces"] += 1
        if marked:
            row["marked"].append(_days(marked, submitted))
            day = submitted.astimezone(LONDON).date()
            if day not in targets:
                targets[day] = working_days_after(day, TURNAROUND_WORKING_DAYS)
            target = targets[day]
            if marked.astimezone(LONDON).date() <= target:
                row["on_time"] += 1
        if released:
            row["released"].append(_days(released, submitted))
    table = Table(
        "turnaround",
        N_("Marking turnaround by module"),
        [
            N_("Module"),
            N_("Pieces submitted"),
            N_("Marked"),
            N_("Median days to first mark"),
            Phrase(N_("Marked within %(days)s working days (%%)"), days=TURNAROUND_WORKING_DAYS),
            N_("Median days to release"),
        ],
        chart=3,
        chart_unit=" days",
    )
    for code in sorted(by_code):
        r = by_code[code]
        table.rows.append(
            [
                code,
                r["pieces"],
                len(r["marked"]),
                _median(r["marked"]),
                _percent(r["on_time"], len(r["marked"])),
                _median(r["released"]),
            ]
        )
    return table


def _accreditations(where: list, today: date) -> list[Table]:
    """Credentials issued to the trainees in scope, by nation and by organisation kind, as the Hub
    recorded them (first awards and renewals; current, suspended, revoked or expired today)."""
    rows = (
        db.session.connection()
        .execute(
            sa.select(
                Enrolment.nation,
                Organisation.kind,
                Credential.renews_id,
                Credential.suspended_at,
                Credential.revoked_at,
                Credential.valid_until,
            )
            .join(Enrolment, Enrolment.id == Credential.enrolment_id)
            .join(Organisation, Organisation.id == Enrolment.organisation_id)
            .where(*where, Credential.kind == CredentialKind.AWARD)
        )
        .all()
    )
    columns = [
        N_("Accredited (first awards)"),
        N_("Renewals"),
        N_("Current"),
        N_("Suspended"),
        N_("Revoked"),
        N_("Expired"),
    ]
    tables = []
    for key, title, label, group in (
        (
            "accreditations_nation",
            N_("Accreditations issued by nation"),
            N_("Nation"),
            lambda r: Nation(r[0]).label,
        ),
        (
            "accreditations_kind",
            N_("Accreditations issued by organisation kind"),
            N_("Organisation kind"),
            lambda r: OrganisationKind(r[1]).label,
        ),
    ):
        counts: dict[str, list[int]] = defaultdict(lambda: [0] * len(columns))
        for row in rows:
            _nation, _kind, renews_id, suspended_at, revoked_at, valid_until = row
            line = counts[group(row)]
            line[1 if renews_id else 0] += 1
            if revoked_at:
                line[4] += 1
            elif suspended_at:
                line[3] += 1
            elif valid_until.date() < today:
                line[5] += 1
            else:
                line[2] += 1
        table = Table(
            key, title, [label, *columns], chart=1, note=N_("Suspended and revoked as recorded by the Hub.")
        )
        table.rows = [[name, *counts[name]] for name in sorted(counts)]
        tables.append(table)
    return tables


def _due_process(where: list) -> list[Table]:
    """Adjustments, special consideration, appeals and integrity cases by cohort: counts and turnaround."""
    rows = due_process_figures(where)
    median = N_("Median working days to decision")
    adjustments = Table(
        "adjustments",
        N_("Reasonable adjustments by cohort"),
        [N_("Cohort"), N_("Plans"), N_("With extra time on quizzes"), N_("With extended deadlines")],
        [[r.cohort, r.adjustment_plans, r.with_extra_time, r.with_extra_days] for r in rows],
    )
    consideration = Table(
        "consideration",
        N_("Special consideration by cohort"),
        [N_("Cohort"), N_("Requests"), N_("Granted"), N_("Not granted"), N_("Waiting"), median],
        [
            [
                r.cohort,
                r.consideration.total,
                sum(n for k, n in r.consideration.by_outcome.items() if k != "refused"),
                r.consideration.by_outcome.get("refused", 0),
                r.consideration.open,
                r.consideration.median_days,
            ]
            for r in rows
        ],
    )
    appeals = Table(
        "appeals",
        N_("Appeals (reviews of marking) by cohort"),
        [
            N_("Cohort"),
            N_("Requests"),
            N_("Upheld"),
            N_("Not upheld"),
            N_("Referred to the board"),
            N_("Open"),
            median,
        ],
        [
            [
                r.cohort,
                r.appeals.total,
                r.appeals.by_outcome.get("upheld", 0),
                r.appeals.by_outcome.get("not_upheld", 0),
                r.appeals.by_outcome.get("referred", 0),
                r.appeals.open,
                r.appeals.median_days,
            ]
            for r in rows
        ],
    )
    integrity = Table(
        "integrity",
        N_("Academic-integrity cases by cohort"),
        [N_("Cohort"), N_("Cases"), N_("Cleared"), N_("Upheld"), N_("Open or with the board"), median],
        [
            [
                r.cohort,
                r.integrity.total,
                r.integrity.by_outcome.get("cleared", 0),
                sum(n for k, n in r.integrity.by_outcome.items() if k.startswith("upheld")),
                r.integrity.open,
                r.integrity.median_days,
            ]
            for r in rows
        ],
        note=N_("Counts only: no names, reasons or statements. Working days: England and Wales."),
    )
    return [adjustments, consideration, appeals, integrity]
