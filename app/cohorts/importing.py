"""Bulk enrolment from a CSV file (``name,email,organisation,nation``).

The problems are written in the page's language (English at the command line); the header's column names
and the nations' names stay in English in them, as the file must have them.

``preview`` reads the file and reports every bad row with its line number, writing nothing.
``import_trainees`` checks the file again and, only if every row is good, enrols everyone and queues
their invitations in the caller's transaction: the caller commits once, so a file is never half imported
(and invitations are only sent after the commit, by the mail outbox).
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_babel import ngettext

from app.audit.services import record
from app.auth.access import require_role
from app.auth.models import Role, User
from app.auth.services import normalise_email
from app.cohorts.models import Cohort, Enrolment
from app.cohorts.services import invite_trainee
from app.database import db
from app.i18n import gettext as _
from app.organisations.models import Nation, Organisation

HEADER = ("name", "email", "organisation", "nation")
MAX_ROWS = 5000
MAX_NAME = 120
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0a-\x1f]")  # C0 controls, except tab


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
        return _("“%(email)s” is not a valid email address", email=email)
    return None


def preview(cohort: Cohort, text: str) -> Preview:
    """Check every row; write nothing."""
    result = Preview()
    rows, stop = _read_rows(text)
    if stop is not None:
        result.problems.append(stop)
        return result
    readable: list[tuple[int, tuple[str, ...]]] = []
    for line, values in rows:
        problem = _unreadable(values)
        if problem:
            result.problems.append(Problem(line, problem))
        else:
            readable.append((line, tuple(v.strip() for v in values)))
    known = _Known.of(cohort, {normalise_email(fields[1]) for _line, fields in readable if fields[1]})
    first_seen: dict[str, int] = {}
    for line, fields in readable:
        checked = _check_row(line, fields, known, first_seen)
        (result.rows if isinstance(checked, GoodRow) else result.problems).append(checked)
    result.problems.sort(key=lambda p: p.line)
    return result


def _read_rows(text: str) -> tuple[list[tuple[int, list[str]]], Problem | None]:
    """The file's non-blank rows after the header, each with the line it starts on; or the one problem
    that stops the whole file from being read."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        return [], Problem(
            1, _("the file is empty: the first line must be %(header)s", header=",".join(HEADER))
        )
    # Strict: a stray or unclosed quote is an error, not a row quietly merged with the lines after it.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except csv.Error as error:
        return [], Problem(1, _("the file cannot be read as CSV (%(error)s)", error=error))
    if tuple(h.strip().lower() for h in header) != HEADER:
        return [], Problem(
            1, _("the first line must be the header %(header)s (in that order)", header=",".join(HEADER))
        )
    rows: list[tuple[int, list[str]]] = []
    start = reader.line_num + 1  # a quoted value may run over several lines: a row is named by its first
    try:
        for values in reader:
            if any(v.strip() for v in values):  # blank lines are ignored
                rows.append((start, values))
            start = reader.line_num + 1
    except csv.Error as error:
        return [], Problem(
            start, _("this line cannot be read as CSV (%(error)s): is a quote left open?", error=error)
        )
    if len(rows) > MAX_ROWS:
        return [], Problem(
            1,
            _(
                "the file has %(rows)s rows; import at most %(most)s at once",
                rows=f"{len(rows):,}",
                most=f"{MAX_ROWS:,}",
            ),
        )
    if not rows:
        return [], Problem(1, _("the file has a header but no trainees"))
    return rows, None


def _unreadable(values: list[str]) -> str | None:
    """Why a row cannot be checked at all: the wrong number of values, or a control character.

    Control characters are refused before anything is looked up: a NUL byte is refused by PostgreSQL, and
    none belongs in a name, an address or an organisation's name (a quoted line break included).
    """
    if len(values) != len(HEADER):
        return _(
            "has %(count)s values; each row needs 4: %(columns)s",
            count=len(values),
            columns=", ".join(HEADER),
        )
    for label, value in zip(HEADER, values, strict=True):
        if found := CONTROL_CHARACTER.search(value):
            return _(
                "the %(column)s contains a control character (%(character)s): remove it",
                column=label,
                character=f"U+{ord(found.group()):04X}",
            )
    return None


@dataclass(frozen=True)
class _Known:
    """What the database already holds about the file's organisations and people (three queries)."""

    organisations: dict[str, Organisation]
    accounts: dict[str, User]
    enrolled: set[str]

    @classmethod
    def of(cls, cohort: Cohort, emails: set[str]) -> _Known:
        organisations = {o.name.strip().lower(): o for o in db.session.scalars(sa.select(Organisation))}
        if not emails:
            return cls(organisations, {}, set())
        accounts = {u.email: u for u in db.session.scalars(sa.select(User).where(User.email.in_(emails)))}
        enrolled = set(
            db.session.scalars(
                sa.select(User.email)
                .join(Enrolment, Enrolment.user_id == User.id)
                .where(Enrolment.cohort_id == cohort.id, User.email.in_(emails))
            )
        )
        return cls(organisations, accounts, enrolled)


def _check_row(
    line: int, fields: tuple[str, ...], known: _Known, first_seen: dict[str, int]
) -> GoodRow | Problem:
    """One row's values, each checked: the good row, or every reason it is not."""
    name, email, org_name, nation_text = fields
    reasons: list[str] = []
    missing = [label for label, value in zip(HEADER, fields, strict=True) if not value]
    if missing:
        reasons.append(
            ngettext(
                "%(columns)s is missing", "%(columns)s are missing", len(missing), columns=_listed(missing)
            )
        )
    if len(name) > MAX_NAME:
        reasons.append(_("the name is longer than %(most)s characters", most=MAX_NAME))
    email = normalise_email(email)
    if email:
        reasons.extend(_email_reasons(email, line, known, first_seen))
    organisation = known.organisations.get(org_name.lower()) if org_name else None
    if org_name and organisation is None:
        reasons.append(_("there is no host organisation called “%(name)s” (add it first)", name=org_name))
    nation = parse_nation(nation_text) if nation_text else None
    if nation_text and nation is None:
        nations = ", ".join(n.label for n in Nation)
        reasons.append(
            _("“%(value)s” is not a UK nation: use %(nations)s", value=nation_text, nations=nations)
        )
    if reasons:
        return Problem(line, "; ".join(reasons))
    return GoodRow(line, name, email, organisation, nation, email in known.accounts)


def _listed(columns: list[str]) -> str:
    """The columns named in a sentence ("name and email"), the names as the header has them."""
    return functools.reduce(
        lambda listed, column: _("%(listed)s and %(column)s", listed=listed, column=column), columns
    )


def _email_reasons(email: str, line: int, known: _Known, first_seen: dict[str, int]) -> list[str]:
    """A valid address, on no earlier line of the file, not yet in the cohort and not a staff account."""
    problem = _email_problem(email)
    if problem:
        return [problem]
    if email in first_seen:
        return [_("%(email)s is also on line %(line)s", email=email, line=first_seen[email])]
    first_seen[email] = line
    reasons = []
    if email in known.enrolled:
        reasons.append(_("%(email)s is already enrolled in this cohort", email=email))
    account = known.accounts.get(email)
    if account is not None and account.roles - {Role.TRAINEE}:
        reasons.append(
            _("%(email)s belongs to a staff account; invite them to the cohort on their own", email=email)
        )
    return reasons


def import_trainees(
    cohort: Cohort, text: str, actor, on_row: Callable[[GoodRow], None] | None = None
) -> list[Enrolment]:
    """Check the file again and enrol every row, or raise ``ImportRefused`` having written nothing.

    Adds to the caller's transaction; the caller commits (then the invitations are sent) or rolls back.
    """
    require_role(actor, Role.HUB_ADMIN)
    checked = preview(cohort, text)
    if checked.problems or not checked.rows:
        raise ImportRefused(checked.problems or [Problem(1, _("the file has no trainees"))])
    enrolments = []
    for row in checked.rows:
        enrolments.append(
            invite_trainee(cohort, row.email, row.name, row.organisation, actor, nation=row.nation)
        )
        if on_row is not None:
            on_row(row)
    record(actor, "cohort.trainees_imported", cohort, count=len(enrolments))
    return enrolments
