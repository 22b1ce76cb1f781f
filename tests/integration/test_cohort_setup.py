"""Cohort set-up: the module schedule, bulk enrolment from CSV (preview, then all or nothing), withdraw /
defer / transfer keeping history, and the `imsa cohort` commands."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.auth.models import Invitation, Role, User
from app.cohorts import importing
from app.cohorts import services as cohorts
from app.cohorts.models import Enrolment, EnrolmentStatus, ModuleSchedule
from app.database import db
from app.learning import assignments
from app.learning.models import Submission
from app.learning.models import SubmissionStatus as S
from app.mail.models import OutboxMessage
from app.organisations.models import Nation
from tests.conftest import post_form, sign_in
from tests.factories import (
    add_piece,
    make_assessed_version,
    make_cohort,
    make_enrolment,
    make_organisation,
    make_user,
    make_version,
)

# --- the module schedule


def test_a_new_cohort_gets_a_default_schedule_from_its_start_and_study_hours(app, tmp_path):
    """Modules open one after another at 10 study hours a week; work is due the assignment's due_days after
    opening, or (without an assignment) when the next module opens."""
    version = make_assessed_version(tmp_path)  # two modules of 10 study hours; M01's assignment: 14 days
    cohort = make_cohort(version)
    rows = {r.module_id: r for r in db.session.scalars(sa.select(ModuleSchedule))}
    m1, m2 = version.modules
    assert (rows[m1.id].opens_on, rows[m1.id].due_on) == (date(2025, 9, 1), date(2025, 9, 15))
    assert (rows[m2.id].opens_on, rows[m2.id].due_on) == (date(2025, 9, 8), date(2025, 9, 15))
    assert cohorts.module_dates(cohort, m1.id) == (date(2025, 9, 1), date(2025, 9, 15))


def test_the_hub_admin_edits_the_schedule_and_due_dates_follow_it(app, tmp_path):
    """The assignment page's due date comes from the schedule, so editing the schedule moves it."""
    version = make_assessed_version(tmp_path)
    cohort = make_cohort(version)
    enrolment = make_enrolment(cohort)
    m1, m2 = version.modules
    client = app.test_client()
    sign_in(client, make_user(Role.HUB_ADMIN))
    form = {
        f"opens-{m1.id}": "2026-01-05",
        f"due-{m1.id}": "2026-02-20",
        f"opens-{m2.id}": "2026-02-23",
        f"due-{m2.id}": "2026-03-20",
    }
    response = post_form(client, f"/cohorts/{cohort.public_id}/schedule", form, follow_redirects=True)
    assert "The schedule has been saved" in response.get_data(as_text=True)
    assert assignments.due_on(enrolment, m1.assignment) == date(2026, 2, 20)
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "cohort.schedule_changed"))


def test_a_schedule_with_a_due_date_before_opening_is_refused_and_keeps_what_was_typed(app, tmp_path):
    """Each bad date is named, and the typed values stay in the form."""
    version = make_assessed_version(tmp_path)
    cohort = make_cohort(version)
    m1, m2 = version.modules
    client = app.test_client()
    sign_in(client, make_user(Role.HUB_ADMIN))
    body = post_form(
        client,
        f"/cohorts/{cohort.public_id}/schedule",
        {f"opens-{m1.id}": "2026-03-01", f"due-{m1.id}": "2026-02-01", f"opens-{m2.id}": "not a date"},
    ).get_data(as_text=True)
    assert "M01: the due date must be on or after the opening date" in body
    assert "M02: enter a real opening date" in body
    assert 'value="2026-02-01"' in body and 'value="not a date"' in body
    assert cohorts.module_dates(cohort, m1.id)[1] == date(2025, 9, 15)


def test_the_migration_gives_existing_cohorts_the_default_schedule_and_nations(make_app, tmp_path):
    """Cohorts and enrolments made before this revision get a schedule and their organisation's nation."""
    from flask_migrate import downgrade, upgrade

    app = make_app(create_schema=False)
    with app.app_context():
        upgrade()
        cohort = make_cohort(make_version(tmp_path))
        make_enrolment(cohort)
        db.session.remove()
        downgrade(revision="f890ea682442")
        upgrade()
        with db.engine.connect() as connection:
            schedule = connection.exec_driver_sql(
                "SELECT opens_on, due_on FROM module_schedule ORDER BY opens_on"
            ).all()
            nation = connection.exec_driver_sql("SELECT nation FROM enrolment").scalar()
        assert [tuple(map(str, row)) for row in schedule] == [
            ("2025-09-01", "2025-09-08"),
            ("2025-09-08", "2025-09-15"),
        ]
        assert nation == "wales"


# --- bulk enrolment from CSV


@pytest.fixture
def setup(app, tmp_path):
    cohort = make_cohort(make_version(tmp_path), name="Cohort CSV")
    make_organisation("Harbour Example Trust")
    make_organisation("Hillside Fictional Project")
    hub = make_user(Role.HUB_ADMIN)
    return cohort, hub


GOOD = (
    "name,email,organisation,nation\n"
    "Alex Fictional,alex@example.org,Harbour Example Trust,England\n"
    "Bryn Sample,bryn@example.org,hillside fictional project,wales\n"
)


def _counts():
    return [
        db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (User, Enrolment, Invitation, OutboxMessage, AuditEvent)
    ]


def test_the_preview_reports_every_bad_row_with_its_line_and_writes_nothing(setup):
    """Every kind of bad row is named with its line; nothing is written while checking."""
    cohort, _hub = setup
    staff = make_user(Role.TRAINER, email="staff@example.org")
    already = make_enrolment(cohort, make_user(Role.TRAINEE, email="already@example.org"))
    text = (
        "name,email,organisation,nation\n"  # 1
        "Alex Fictional,alex@example.org,Harbour Example Trust,England\n"  # 2 good
        ",nomail@example.org,Harbour Example Trust,England\n"  # 3 missing name
        "Cara,not-an-email,Harbour Example Trust,Scotland\n"  # 4 bad email
        "Alex Again,ALEX@example.org,Harbour Example Trust,England\n"  # 5 duplicate
        "Dee,dee@example.org,No Such Organisation,England\n"  # 6 unknown organisation
        "Eli,eli@example.org,Harbour Example Trust,Atlantis\n"  # 7 unknown nation
        f"Fay,{already.user.email},Harbour Example Trust,England\n"  # 8 already enrolled
        f"Gus,{staff.email},Harbour Example Trust,England\n"  # 9 staff account
        "Hal,hal@example.org,Harbour Example Trust\n"  # 10 three values
        "\n"  # 11 blank: ignored
        "Ivy Example,ivy@example.org,Hillside Fictional Project,Northern Ireland\n"  # 12 good
    )
    before = _counts()
    checked = importing.preview(cohort, text)
    assert _counts() == before
    assert [r.line for r in checked.rows] == [2, 12]
    assert checked.rows[1].nation is Nation.NORTHERN_IRELAND
    messages = {p.line: p.message for p in checked.problems}
    assert sorted(messages) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert messages[3] == "name is missing"
    assert "is not a valid email address" in messages[4]
    assert messages[5] == "alex@example.org is also on line 2"
    assert "no host organisation called “No Such Organisation”" in messages[6]
    assert "“Atlantis” is not a UK nation" in messages[7]
    assert "already enrolled in this cohort" in messages[8]
    assert "belongs to a staff account" in messages[9]
    assert "has 3 values" in messages[10]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        ("email,name,organisation,nation\nA,a@example.org,X,England\n", "the first line must be the header"),
        ("name,email,organisation,nation\n", "the file has a header but no trainees"),
    ],
)
def test_a_file_that_is_not_a_trainee_list_is_refused_at_line_1(setup, text, message):
    """An empty file, a wrong header, or no rows: one clear problem at line 1."""
    checked = importing.preview(setup[0], text)
    assert checked.problems[0].line == 1 and message in checked.problems[0].message and not checked.ok


def test_control_characters_are_refused_at_their_line_and_never_reach_the_database(setup):
    """A NUL (PostgreSQL refuses it; SQLite stored it) or any other C0 control but tab, a quoted line break
    included, refuses its row with its line; the other rows are still checked, and nothing is written."""
    cohort, hub = setup
    text = (
        "name,email,organisation,nation\n"  # 1
        "Alex Fictional,alex@example.org,Harbour Example Trust,England\n"  # 2 good
        "Bryn Sample,bryn\x00@example.org,Harbour Example Trust,Wales\n"  # 3 NUL in the email
        "Cara\x07 Example,cara@example.org,Harbour Example Trust,Scotland\n"  # 4 BEL in the name
        '"Dee\nExample",dee@example.org,Harbour Example Trust,England\n'  # 5-6 a line break in the name
        "Eli,not-an-email,Harbour Example Trust,England\n"  # 7 bad email: still found, at its own line
        "Fay\tExample,fay@example.org,Harbour Example Trust\x1f,England\n"  # 8 tab is fine; U+001F is not
        "Gus\tExample,gus@example.org,Harbour Example Trust,England\n"  # 9 good: a tab is not refused
    )
    before = _counts()
    checked = importing.preview(cohort, text)
    assert _counts() == before
    assert [r.line for r in checked.rows] == [2, 9]
    messages = {p.line: p.message for p in checked.problems}
    assert sorted(messages) == [3, 4, 5, 7, 8]
    assert messages[3] == "the email contains a control character (U+0000): remove it"
    assert messages[4] == "the name contains a control character (U+0007): remove it"
    assert messages[5] == "the name contains a control character (U+000A): remove it"
    assert "is not a valid email address" in messages[7]
    assert messages[8] == "the organisation contains a control character (U+001F): remove it"
    with pytest.raises(importing.ImportRefused) as refused:
        importing.import_trainees(cohort, text, hub)
    db.session.rollback()
    assert [p.line for p in refused.value.problems] == [3, 4, 5, 7, 8]
    assert _counts() == before


@pytest.mark.parametrize(
    ("bad_row", "line"),
    [
        ('"Cara Example,cara@example.org,Harbour Example Trust,Scotland\n', 4),  # never closed
        ('Cara Example,"cara@example.org"x,Harbour Example Trust,Scotland\n', 4),  # text after the quote
    ],
)
def test_a_quoting_error_is_reported_at_the_line_of_its_row(setup, bad_row, line):
    """A bad quote is an error at the line its row starts on (an unclosed one runs to the end of the
    file), counting the lines of a quoted value that runs over several; nothing is imported."""
    text = (
        "name,email,organisation,nation\n"  # 1
        '"Alex, Fictional",alex@example.org,Harbour Example Trust,England\n'  # 2 good: a quoted comma
        "Bryn Sample,bryn@example.org,Harbour Example Trust,Wales\n"  # 3 good
        + bad_row  # 4
        + "Dee Example,dee@example.org,Harbour Example Trust,England\n"  # 5
        "Eli Example,eli@example.org,Harbour Example Trust,England\n"  # 6
    )
    checked = importing.preview(setup[0], text)
    assert [p.line for p in checked.problems] == [line] and not checked.ok
    assert "cannot be read as CSV" in checked.problems[0].message


def test_a_row_after_a_value_over_several_lines_keeps_its_own_line(setup):
    """Rows are named by the line they start on, so a quoted value running over lines does not shift the
    line numbers of the rows after it."""
    text = (
        "name,email,organisation,nation\n"  # 1
        '"Alex\r\nFictional",alex@example.org,Harbour Example Trust,England\n'  # 2-3
        "Bryn,bryn@,Harbour Example Trust,Wales\n"  # 4
    )
    messages = {p.line: p.message for p in importing.preview(setup[0], text).problems}
    assert sorted(messages) == [2, 4]
    assert "control character (U+000D)" in messages[2] and "“bryn@” is not a valid email" in messages[4]


def test_confirming_enrols_everyone_and_sends_invitations_after_commit(setup):
    """A good file enrols every row with its nation and queues one invitation each, sent on commit."""
    cohort, hub = setup
    enrolled = importing.import_trainees(cohort, GOOD, hub)
    db.session.commit()
    assert [(e.user.email, e.nation) for e in enrolled] == [
        ("alex@example.org", Nation.ENGLAND),
        ("bryn@example.org", Nation.WALES),
    ]
    assert sorted(m.recipient for m in db.session.scalars(sa.select(OutboxMessage))) == [
        "alex@example.org",
        "bryn@example.org",
    ]
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "cohort.trainees_imported"))


def test_the_import_never_writes_half_a_file(setup, monkeypatch):
    """If enrolling fails part way (here: on the second row), the whole import is rolled back: no people,
    no enrolments, no invitations, no emails, no audit events."""
    cohort, hub = setup
    before = _counts()
    real = importing.invite_trainee
    calls = []

    def failing(*args, **kwargs):
        calls.append(args)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return real(*args, **kwargs)

    monkeypatch.setattr(importing, "invite_trainee", failing)
    with pytest.raises(RuntimeError):
        importing.import_trainees(cohort, GOOD, hub)
    db.session.rollback()
    assert _counts() == before


def test_a_file_with_a_bad_row_imports_nothing(setup):
    """import_trainees re-checks the file: one bad row and nothing is written."""
    cohort, hub = setup
    before = _counts()
    with pytest.raises(importing.ImportRefused) as refused:
        importing.import_trainees(cohort, GOOD + "Bad,bad,Harbour Example Trust,England\n", hub)
    db.session.rollback()
    assert [p.line for p in refused.value.problems] == [4]
    assert _counts() == before


def test_the_import_page_previews_then_confirms_the_same_content(setup, app):
    """Upload, see the problems with line numbers (nothing saved), fix in the box, check again, confirm:
    the confirm button posts exactly what was checked."""
    import io

    cohort, hub = setup
    client = app.test_client()
    sign_in(client, hub)
    from tests.conftest import csrf_token

    url = f"/cohorts/{cohort.public_id}/import"
    bad = GOOD + "Cy,cy@example.org,Nowhere Org,England\nDi,di@,Harbour Example Trust,Wales\n"
    response = client.post(
        url,
        data={
            "csrf_token": csrf_token(client),
            "action": "preview",
            "upload": (io.BytesIO(bad.encode()), "trainees.csv"),
        },
        content_type="multipart/form-data",
    )
    body = response.get_data(as_text=True)
    assert "2 rows cannot be imported" in body and "Line 4:" in body and "Line 5:" in body
    assert "Nothing has been saved" in body and "Cy,cy@example.org,Nowhere Org,England" in body  # kept
    assert "Enrol 2 trainees" not in body
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Enrolment)) == 0
    body = post_form(client, url, {"action": "preview", "rows": GOOD}).get_data(as_text=True)
    assert "Every row is ready" in body and "Enrol 2 trainees and send invitations" in body
    response = post_form(client, url, {"action": "confirm", "rows": GOOD}, follow_redirects=True)
    assert "2 trainees enrolled in Cohort CSV; invitations have been sent." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Enrolment)) == 2
    again = post_form(client, url, {"action": "confirm", "rows": GOOD}).get_data(as_text=True)
    assert "already enrolled in this cohort" in again  # re-checked at confirm time


# --- withdraw, defer, resume, transfer


def test_withdraw_defer_and_resume_keep_the_history(app, tmp_path):
    """Each change is audited with its reason; nothing the trainee did is deleted."""
    version = make_assessed_version(tmp_path)
    enrolment = make_enrolment(make_cohort(version))
    piece = add_piece(enrolment, version.modules[0].assignment, S.SUBMITTED)
    hub = make_user(Role.HUB_ADMIN)
    client = app.test_client()
    sign_in(client, hub)
    url = f"/cohorts/trainees/{enrolment.public_id}/status"
    post_form(client, url, {"move": "defer", "reason": "Parental leave until March"})
    assert enrolment.status is EnrolmentStatus.DEFERRED
    body = post_form(client, url, {"move": "defer", "reason": "Again"}).get_data(as_text=True)
    assert "cannot be changed that way" in body
    post_form(client, url, {"move": "resume", "reason": "Back from leave"})
    post_form(client, url, {"move": "withdraw", "reason": "Left the role"})
    assert enrolment.status is EnrolmentStatus.WITHDRAWN
    assert db.session.get(Submission, piece.id) is not None
    actions = db.session.scalars(
        sa.select(AuditEvent.action)
        .where(AuditEvent.subject_id == enrolment.public_id)
        .order_by(AuditEvent.id)
    ).all()
    assert actions[-3:] == ["enrolment.deferred", "enrolment.resumed", "enrolment.withdrawn"]
    record = client.get(f"/cohorts/trainees/{enrolment.public_id}").get_data(as_text=True)
    assert "Deferred" in record and "Resumed" in record and "Withdrawn" in record


def test_a_reason_is_required(app, tmp_path):
    """A status change without a reason says what to fix."""
    enrolment = make_enrolment(make_cohort(make_version(tmp_path)))
    client = app.test_client()
    sign_in(client, make_user(Role.HUB_ADMIN))
    body = post_form(client, f"/cohorts/trainees/{enrolment.public_id}/status", {"move": "defer"}).get_data(
        as_text=True
    )
    assert "Give a reason" in body and enrolment.status is EnrolmentStatus.ACTIVE


def test_a_transfer_ends_one_place_and_starts_another_linked_both_ways(app, tmp_path):
    """The old enrolment keeps its work and is marked transferred; the new one, in the other cohort, links
    back; both records show the link."""
    version = make_assessed_version(tmp_path)
    old_cohort, new_cohort = make_cohort(version, name="Cohort Old"), make_cohort(version, name="Cohort New")
    enrolment = make_enrolment(old_cohort)
    enrolment.nation = Nation.SCOTLAND
    db.session.commit()
    piece = add_piece(enrolment, version.modules[0].assignment, S.RELEASED, band="pass")
    hub = make_user(Role.HUB_ADMIN)
    client = app.test_client()
    sign_in(client, hub)
    response = post_form(
        client,
        f"/cohorts/trainees/{enrolment.public_id}/transfer",
        {"cohort": new_cohort.public_id, "reason": "Moved to the later cohort after a break"},
        follow_redirects=True,
    )
    body = response.get_data(as_text=True)
    assert "has moved to Cohort New" in body and "Transferred from" in body
    new = db.session.scalar(sa.select(Enrolment).where(Enrolment.cohort_id == new_cohort.id))
    assert enrolment.status is EnrolmentStatus.TRANSFERRED and new.transferred_from_id == enrolment.id
    assert new.nation is Nation.SCOTLAND and new.candidate_number != enrolment.candidate_number
    assert db.session.get(Submission, piece.id).enrolment_id == enrolment.id  # the work stays
    old_record = client.get(f"/cohorts/trainees/{enrolment.public_id}").get_data(as_text=True)
    assert "Transferred to" in old_record and "Pass (55)" in old_record
    with pytest.raises(cohorts.CohortError):
        cohorts.transfer(new, old_cohort, "Back again", hub)  # already has a place there


def test_only_hub_admins_change_places(app, tmp_path):
    """Services check the role too: a trainer cannot withdraw or transfer."""
    trainer = make_user(Role.TRAINER)
    enrolment = make_enrolment(make_cohort(make_version(tmp_path), trainers=[trainer]))
    with pytest.raises(cohorts.PermissionDenied):
        cohorts.change_status(enrolment, "withdraw", "No", trainer)


# --- the command line


def test_cli_creates_a_cohort(runner, tmp_path):
    """`imsa cohort create` pins a version, adds trainers and the default schedule."""
    version = make_version(tmp_path)
    trainer = make_user(Role.TRAINER, email="tutor@example.org")
    result = runner.invoke(
        args=[
            "cohort",
            "create",
            "Cohort CLI",
            "--starts",
            "2026-01-12",
            "--version",
            version.label,
            "--trainer",
            "tutor@example.org",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "created: Cohort CLI" in result.output and "2026-01-12 to 2028-01-12" in result.output
    cohort = cohorts.by_public_id(result.output.split("(")[1].split(")")[0])
    assert cohort.trainers == [trainer] and len(cohorts.schedule(cohort)) == 2
    again = runner.invoke(
        args=["cohort", "create", "cohort cli", "--starts", "2026-01-12", "--version", version.label]
    )
    assert again.exit_code == 1 and "already exists" in again.output


def test_cli_import_names_bad_lines_writes_nothing_then_imports(setup, runner, tmp_path):
    """`imsa cohort import` reports FILE:LINE for each bad row and writes nothing; --dry-run only checks;
    a good file is enrolled with a progress bar."""
    cohort, _hub = setup
    bad = tmp_path / "bad.csv"
    bad.write_text(GOOD + "Zed,zed@,Harbour Example Trust,England\n")
    result = runner.invoke(args=["cohort", "import", cohort.name, str(bad)])
    assert result.exit_code == 1
    assert f"error: {bad}:4: “zed@” is not a valid email address" in result.output
    assert "nothing was imported" in result.output
    good = tmp_path / "good.csv"
    good.write_text(GOOD)
    dry = runner.invoke(args=["cohort", "import", cohort.public_id, str(good), "--dry-run"])
    assert dry.exit_code == 0 and "2 trainee(s) would be enrolled" in dry.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Enrolment)) == 0
    done = runner.invoke(args=["cohort", "import", cohort.name, str(good)])
    assert done.exit_code == 0, done.output
    assert "Enrolling" in done.output and "enrolled: 2 trainee(s) in Cohort CSV" in done.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Enrolment)) == 2


def test_cli_import_refuses_a_nul_byte_at_file_and_line(setup, runner, tmp_path):
    """A NUL byte in the CSV is named as FILE:LINE like any bad row, and nothing is written."""
    cohort, _hub = setup
    bad = tmp_path / "nul.csv"
    bad.write_text(GOOD + "Zed\x00,zed@example.org,Harbour Example Trust,England\n")
    before = _counts()
    result = runner.invoke(args=["cohort", "import", cohort.name, str(bad)])
    assert result.exit_code == 1
    assert f"error: {bad}:4: the name contains a control character (U+0000): remove it" in result.output
    assert "nothing was imported" in result.output
    assert _counts() == before


def test_cli_report_prints_a_table_or_csv(setup, runner):
    """`imsa cohort report` prints the same tables as the Reports page, as text or CSV."""
    cohort, hub = setup
    importing.import_trainees(cohort, GOOD, hub)
    db.session.commit()
    text = runner.invoke(args=["cohort", "report", "--table", "nation"])
    assert text.exit_code == 0 and "Enrolments by nation" in text.output and "England" in text.output
    as_csv = runner.invoke(args=["cohort", "report", "--table", "modules", "--format", "csv"])
    assert as_csv.output.splitlines()[0].startswith("Module,Title,Trainees")
    assert as_csv.output.splitlines()[1].startswith("M01,Module 1,2,")
