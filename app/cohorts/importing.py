"""Bulk enrolment from a CSV file (``name,email,organisation,nation``).

``preview`` reads the file and reports every bad row with its line number, writing nothing.
``import_trainees`` checks the file again and, only if every row is good, enrols everyone and queues
their invitations in the caller's transaction: the caller commits once, so a file is never half imported
(and invitations are only sent after the commit, by the mail outbox).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email

from app.audit.services import record
from app.auth.access import require_role
from app.auth.models import Role, User
from app.auth.services import normalise_email
from app.cohorts.models import Cohort, Enrolment
from app.cohorts.services import invite_trainee
from app.database import db
from app.organisations.models import Nation, Organisation

HEADER = ("name", "email", "organisation", "nation")
MAX_ROWS = 5000
MAX_NAME = 120


@dataclass(frozen=True)
class Problem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"Line {self.line}: {self.message}"


@dataclass(frozen=True)
class GoodRow:
    line: int
    name: str
    email: str
    organisation: Organisation
    nation: Nation
    existing_account: bool


@dataclass
class Preview:
    rows: list[GoodRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.problems


class ImportRefused(Exception):
    """The file has problems; nothing was written."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s) in the file; nothing was imported")
        self.problems = problems


def parse_nation(text: str) -> Nation | None:
    key = " ".join(text.replace("_", " ").replace("-", " ").split()).lower()
    return next((n for n in Nation if n.label.lower() == key), None)


def _email_problem(email: str) -> str | None:
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return f"“{email}” is not a valid email address"
    return None


def preview(cohort: Cohort, text: str) -> Preview:
    """Check every row; write nothing."""
    result = Preview()
    text = text.lstrip("\ufeff")
    if not text.strip():
        result.problems.append(Problem(1, f"the file is empty: the first line must be {','.join(HEADER)}"))
        return result
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except csv.Error as error:
        result.problems.append(Problem(1, f"the file cannot be read as CSV ({error})"))
        return result
    if tuple(h.strip().lower() for h in header) != HEADER:
        result.problems.append(
            Problem(1, "the first line must be the header name,email,organisation,nation (in that order)")
        )
        return result
    raw: list[tuple[int, list[str]]] = []
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue  # blank lines are ignored
            raw.append((reader.line_num, values))
    except csv.Error as error:
        result.problems.append(Problem(reader.line_num, f"this line cannot be read as CSV ({error})"))
        return result
    if len(raw) > MAX_ROWS:
        too_many = f"the file has {len(raw):,} rows; import at most {MAX_ROWS:,} at once"
        result.problems.append(Problem(1, too_many))
        return result
    if not raw:
        result.problems.append(Problem(1, "the file has a header but no trainees"))
        return result

    organisations = {o.name.strip().lower(): o for o in db.session.scalars(sa.select(Organisation))}
    emails = {normalise_email(v[1]) for _line, v in raw if len(v) > 1 and v[1].strip()}
    accounts = (
        {u.email: u for u in db.session.scalars(sa.select(User).where(User.email.in_(emails)))}
        if emails
        else {}
    )
    enrolled = (
        set(
            db.session.scalars(
                sa.select(User.email)
                .join(Enrolment, Enrolment.user_id == User.id)
                .where(Enrolment.cohort_id == cohort.id, User.email.in_(emails))
            )
        )
        if emails
        else set()
    )
    first_seen: dict[str, int] = {}
    for line, values in raw:
        reasons: list[str] = []
        if len(values) != len(HEADER):
            result.problems.append(
                Problem(line, f"has {len(values)} values; each row needs 4: {', '.join(HEADER)}")
            )
            continue
        name, email, org_name, nation_text = (v.strip() for v in values)
        missing = [
            label
            for label, value in zip(HEADER, (name, email, org_name, nation_text), strict=True)
            if not value
        ]
        if missing:
            reasons.append(f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing")
        if len(name) > MAX_NAME:
            reasons.append(f"the name is longer than {MAX_NAME} characters")
        email = normalise_email(email)
        if email:
            problem = _email_problem(email)
            if problem:
                reasons.append(problem)
            elif email in first_seen:
                reasons.append(f"{email} is also on line {first_seen[email]}")
            else:
                first_seen[email] = line
                if email in enrolled:
                    reasons.append(f"{email} is already enrolled in this cohort")
                account = accounts.get(email)
                if account is not None and account.roles - {Role.TRAINEE}:
                    reasons.append(
                        f"{email} belongs to a staff account; invite them to the cohort on their own"
                    )
        organisation = organisations.get(org_name.lower()) if org_name else None
        if org_name and organisation is None:
            reasons.append(f"there is no host organisation called “{org_name}” (add it first)")
        nation = parse_nation(nation_text) if nation_text else None
        if nation_text and nation is None:
            reasons.append(f"“{nation_text}” is not a UK nation: use {', '.join(n.label for n in Nation)}")
        if reasons:
            result.problems.append(Problem(line, "; ".join(reasons)))
        else:
            result.rows.append(GoodRow(line, name, email, organisation, nation, email in accounts))
    return result


def import_trainees(
    cohort: Cohort, text: str, actor, on_row: Callable[[GoodRow], None] | None = None
) -> list[Enrolment]:
    """Check the file again and enrol every row, or raise ``ImportRefused`` having written nothing.

    Adds to the caller's transaction; the caller commits (then the invitations are sent) or rolls back.
    """
    require_role(actor, Role.HUB_ADMIN)
    checked = preview(cohort, text)
    if checked.problems or not checked.rows:
        raise ImportRefused(checked.problems or [Problem(1, "the file has no trainees")])
    enrolments = []
    for row in checked.rows:
        enrolments.append(
            invite_trainee(cohort, row.email, row.name, row.organisation, actor, nation=row.nation)
        )
        if on_row is not None:
            on_row(row)
    record(actor, "cohort.trainees_imported", cohort, count=len(enrolments))
    return enrolments
