"""The progress matrix (trainees x modules) and at-risk flags, for one cohort.

Computed by a fixed number of aggregate queries (``learning.outcomes.collect``) however many trainees the
cohort has, then assembled here; the rules for each cell are the same ones the trainee's own pages use.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from types import SimpleNamespace

import sqlalchemy as sa
from flask import current_app
from markupsafe import Markup, escape

from app.auth.models import User
from app.cohorts.models import Cohort, ContactNote, Enrolment, EnrolmentStatus
from app.csv_export import to_csv
from app.curriculum.models import Module
from app.database import db
from app.i18n import N_, gettext
from app.learning.outcomes import Detail, ModuleState, TraineeProgress, collect, no_gc_pauses
from app.organisations.models import Nation, Organisation
from app.reports.wording import InLanguage, Phrase
from app.templating import LONDON

DEFAULT_INACTIVE_DAYS = 14

# The matrix's status filter: a module state somewhere in the row, at risk, or the enrolment's status.
STATUS_FILTERS = {
    "at_risk": N_("At risk"),
    "overdue": N_("Has an overdue module"),
    "referred": N_("Has a referred module"),
    "awaiting_marking": N_("Has work awaiting marking"),
    **{s.value: s.label for s in EnrolmentStatus},
}
CELL = {state: (state.value, state.label) for state in ModuleState}
# The matrix's cells as HTML, built once per language (the state names are marked in wording.py).
CELL_HTML = InLanguage(
    lambda: {
        state: Markup(
            f'<td class="govuk-table__cell imsa-cell imsa-cell--{state.value}">'
            f"{escape(gettext(state.label))}</td>"
        )
        for state in ModuleState
    }
)
SORTS = {
    "name": N_("Name"),
    "organisation": N_("Organisation"),
    "passed": N_("Modules passed (most first)"),
    "risk": N_("At risk first"),
    "activity": N_("Last activity (longest ago first)"),
}


def inactive_days() -> int:
    return int(current_app.config.get("IMSA_INACTIVE_DAYS") or DEFAULT_INACTIVE_DAYS)


def risks(
    progress: TraineeProgress, today: date, inactive_after: int, codes: dict[int, str] | None = None
) -> list[str]:
    """Why this trainee needs a trainer's attention (empty when they do not). Only active enrolments.
    ``codes``: module codes by id, when the caller has them for a whole cohort."""
    enrolment = progress.enrolment
    if enrolment.status is not EnrolmentStatus.ACTIVE or today < enrolment.cohort.starts_on:
        return []
    reasons = []
    codes = codes or {m.id: m.code for m in progress.modules}
    if progress.last_activity is not None:
        last = progress.last_activity.astimezone(LONDON).date()
        idle = (today - last).days
        if idle >= inactive_after:
            reasons.append(
                Phrase(N_("No activity for %(days)s days (last on %(date)s)"), days=idle, date=last)
            )
    else:
        since = max(enrolment.enrolled_at.astimezone(LONDON).date(), enrolment.cohort.starts_on)
        idle = (today - since).days
        if idle >= inactive_after:
            reasons.append(
                Phrase(N_("No activity since the course started for them, %(days)s days ago"), days=idle)
            )
    overdue, exhausted, referred = [], [], []
    for m, a in progress.assessments.items():  # one pass: read for every trainee of a cohort
        if a.state is ModuleState.OVERDUE:
            overdue.append(codes[m])
        elif a.state is ModuleState.REFERRED:
            referred.append(codes[m])
        if a.quiz_exhausted:
            exhausted.append(codes[m])
    if overdue:
        reasons.append(
            Phrase(N_("Behind the cohort schedule: %(modules)s overdue"), modules=", ".join(overdue))
        )
    if exhausted:
        reasons.append(Phrase(N_("Failed the final quiz attempt: %(modules)s"), modules=", ".join(exhausted)))
    if referred:
        reasons.append(
            Phrase(N_("Written assignment referred or not passed: %(modules)s"), modules=", ".join(referred))
        )
    return reasons


@dataclass
class Row:
    progress: TraineeProgress
    risks: list[str]
    last_contact: date | None

    @property
    def enrolment(self) -> EnrolmentRow:
        return self.progress.enrolment

    @property
    def cells(self) -> list[tuple[str, str]]:
        """(state value, label) for each module, in order: what the matrix row shows."""
        found = self.progress.assessments
        return [CELL[found[m.id].state] for m in self.progress.modules]

    @property
    def cells_html(self) -> Markup:
        """The row's module cells as HTML, built once per row (11,000 cells through Jinja are slow)."""
        found, cells = self.progress.assessments, CELL_HTML.here()
        return Markup("").join(cells[found[m.id].state] for m in self.progress.modules)

    def has_state(self, state: ModuleState) -> bool:
        return any(a.state is state for a in self.progress.assessments.values())


PER_PAGE = 100


@dataclass
class Matrix:
    cohort: Cohort
    modules: list[Module]
    rows: list[Row]  # every row the filters let through, sorted (pass rates and CSV use them all)
    total_enrolled: int
    organisations: list[Organisation] = field(default_factory=list)
    page: int = 1

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.rows) // PER_PAGE))

    @property
    def page_rows(self) -> list[Row]:
        """The rows shown on this page of the table."""
        start = (self.page - 1) * PER_PAGE
        return self.rows[start : start + PER_PAGE]

    def pass_rate(self, module: Module) -> tuple[int, int]:
        """(passed, trainees shown) for one module's column."""
        return self._passed.get(module.id, 0), len(self.rows)

    @cached_property
    def _passed(self) -> dict[int, int]:
        """Trainees shown who passed each module, counted in one pass over the rows."""
        passed: dict[int, int] = defaultdict(int)
        for row in self.rows:
            for module_id, assessment in row.progress.assessments.items():
                if assessment.state is ModuleState.PASSED:
                    passed[module_id] += 1
        return passed

    @property
    def at_risk(self) -> int:
        return sum(1 for r in self.rows if r.risks)


@dataclass(slots=True)
class EnrolmentRow:
    """What the progress pages read of an enrolment, loaded as plain rows: a thousand ORM objects with
    their people would cost more than all the aggregate queries together."""

    id: int
    public_id: str
    cohort_id: int
    organisation_id: int
    candidate_number: str
    status: EnrolmentStatus
    nation: Nation
    enrolled_at: datetime
    user: SimpleNamespace
    cohort: Cohort
    organisation: Organisation


def enrolments_for_progress(where) -> list[EnrolmentRow]:
    """The enrolments matching ``where`` with their person's name, cohort and organisation: 3 queries.
    Plain rows on the Core connection, read by position: a thousand of them, for every report."""
    rows = (
        db.session.connection()
        .execute(
            sa.select(
                Enrolment.id,
                Enrolment.public_id,
                Enrolment.cohort_id,
                Enrolment.organisation_id,
                Enrolment.candidate_number,
                Enrolment.status,
                Enrolment.nation,
                Enrolment.enrolled_at,
                User.name,
                User.email,
                User.public_id.label("user_public_id"),
            )
            .join(User, User.id == Enrolment.user_id)
            .where(*where)
            .order_by(User.name, Enrolment.id)
        )
        .all()
    )
    cohort_ids = {r[2] for r in rows}
    organisation_ids = {r[3] for r in rows}
    cohorts = {c.id: c for c in db.session.scalars(sa.select(Cohort).where(Cohort.id.in_(cohort_ids)))}
    organisations = {
        o.id: o
        for o in db.session.scalars(sa.select(Organisation).where(Organisation.id.in_(organisation_ids)))
    }
    return [
        EnrolmentRow(
            *row,
            SimpleNamespace(name=name, email=email, public_id=user_public_id),
            cohorts[row[2]],
            organisations[row[3]],
        )
        for *row, name, email, user_public_id in rows
    ]


def last_contacts(enrolment_ids: list[int], scope) -> dict[int, date]:
    if not enrolment_ids:
        return {}
    return dict(
        db.session.execute(
            sa.select(ContactNote.enrolment_id, sa.func.max(ContactNote.contacted_on))
            .where(ContactNote.enrolment_id.in_(scope))
            .group_by(ContactNote.enrolment_id)
        ).all()
    )


def matrix(
    cohort: Cohort,
    today: date,
    organisation: str | None = None,
    nation: str | None = None,
    status: str | None = None,
    sort: str = "name",
    organisation_id: int | None = None,
    page: int = 1,
) -> Matrix:
    """The cohort's matrix, filtered (organisation public id, nation, ``STATUS_FILTERS`` key) and sorted."""
    where = [Enrolment.cohort_id == cohort.id]
    total = db.session.scalar(sa.select(sa.func.count(Enrolment.id)).where(*where))
    organisations = list(
        db.session.scalars(
            sa.select(Organisation)
            .where(Organisation.id.in_(sa.select(Enrolment.organisation_id).where(*where)))
            .order_by(Organisation.name)
        )
    )
    if organisation_id is not None:
        where.append(Enrolment.organisation_id == organisation_id)
    if organisation:
        where.append(
            Enrolment.organisation_id.in_(
                sa.select(Organisation.id).where(Organisation.public_id == organisation)
            )
        )
    if nation in {n.value for n in Nation}:
        where.append(Enrolment.nation == Nation(nation))
    if status in {s.value for s in EnrolmentStatus}:
        where.append(Enrolment.status == EnrolmentStatus(status))
    with no_gc_pauses():  # thousands of small objects, no cycles: see collect
        enrolments = enrolments_for_progress(where)
        found = collect(enrolments, today, Detail.STATES, where=where)
        scope = sa.select(Enrolment.id).where(*where)
        contacts = last_contacts([e.id for e in enrolments], scope)
        after = inactive_days()
        modules = next(iter(found.values())).modules if found else _modules(cohort)
        codes = {m.id: m.code for m in modules}  # one cohort, one curriculum: read once, not per row
        rows = [
            Row(found[e.id], risks(found[e.id], today, after, codes), contacts.get(e.id)) for e in enrolments
        ]
    if status == "at_risk":
        rows = [r for r in rows if r.risks]
    elif status in {"overdue", "referred", "awaiting_marking"}:
        rows = [r for r in rows if r.has_state(ModuleState(status))]
    rows = sort_rows(rows, sort)
    pages = max(1, -(-len(rows) // PER_PAGE))
    return Matrix(cohort, modules, rows, total, organisations, page=min(max(page, 1), pages))


def _modules(cohort: Cohort) -> list[Module]:
    from app.learning.outcomes import modules_of

    return modules_of({cohort.curriculum_version_id}).get(cohort.curriculum_version_id, [])


def sort_rows(rows: list[Row], sort: str) -> list[Row]:
    if sort == "organisation":
        return sorted(
            rows, key=lambda r: (r.enrolment.organisation.name.lower(), r.enrolment.user.name.lower())
        )
    if sort == "passed":
        return sorted(rows, key=lambda r: (-r.progress.passed, r.enrolment.user.name.lower()))
    if sort == "risk":
        return sorted(rows, key=lambda r: (-len(r.risks), r.enrolment.user.name.lower()))
    if sort == "activity":
        oldest = date.min.isoformat()
        return sorted(
            rows,
            key=lambda r: (
                r.progress.last_activity.isoformat() if r.progress.last_activity else oldest,
                r.enrolment.user.name.lower(),
            ),
        )
    return rows  # by name, as loaded


def matrix_csv(data: Matrix, names: bool = True) -> str:
    """The matrix as CSV; with ``names`` False (anonymous marking) the name column is left empty."""
    header = [
        "name",
        "candidate_number",
        "organisation",
        "nation",
        "enrolment_status",
        *[m.code for m in data.modules],
        "modules_passed",
        "at_risk",
        "last_activity",
    ]
    rows = [
        [
            row.enrolment.user.name if names else "",
            row.enrolment.candidate_number,
            row.enrolment.organisation.name,
            row.enrolment.nation.label,
            row.enrolment.status.value,
            *[row.progress.state(m.id).value for m in data.modules],
            row.progress.passed,
            "; ".join(row.risks),
            row.progress.last_activity.astimezone(LONDON).date().isoformat()
            if row.progress.last_activity
            else "",
        ]
        for row in data.rows
    ]
    pass_rates = [f"{data.pass_rate(m)[0]}/{data.pass_rate(m)[1]}" for m in data.modules]
    rows.append(["pass rate", "", "", "", "", *pass_rates, "", "", ""])
    return to_csv(header, rows)
