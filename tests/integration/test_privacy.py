"""Personal data: the subject-access export, erasure (pseudonymised everywhere, the credential kept and
still verifying, the audit trail recording it) and the retention schedule, applied with a fixed clock."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from app.assurance.models import AwardBoard
from app.audit.models import AuditEvent, AuditRedaction
from app.audit.services import record
from app.auth.models import Role
from app.cohorts.models import ContactNote, EnrolmentStatus
from app.database import db
from app.learning.models import Submission
from app.mail.models import OutboxMessage
from app.privacy import erasure as erasing
from app.privacy import files
from app.privacy.export import export_zip
from app.privacy.lookups import NoSuchPerson, person_by_email
from app.privacy.retention import apply_retention, is_due, months_before
from app.verify.verification import Verdict, verify_code
from tests.conftest import post_form, sign_in
from tests.factories import make_assessed_version, make_cohort, make_credential, make_enrolment, make_user
from tests.integration.test_accreditation import independent_verify

NAME, EMAIL = "Adaeze Fictional-Holder", "adaeze.holder@example.org"
ESSAY = "My reflective essay on the National Referral Mechanism, written in my own words."
ATTACHMENT = b"%PDF-1.4 an attached appendix"


@pytest.fixture
def holder(app, tmp_path):
    """A credential holder whose name and email have been copied about: work, notes, mail, audit."""
    trainee = make_user(Role.TRAINEE, name=NAME, email=EMAIL)
    credential = make_credential(tmp_path, holder=trainee)
    piece = db.session.scalars(
        sa.select(Submission).where(Submission.enrolment_id == credential.enrolment_id)
    ).first()
    digest = hashlib.sha256(ATTACHMENT).hexdigest()
    files.upload(digest).parent.mkdir(parents=True, exist_ok=True)
    files.upload(digest).write_bytes(ATTACHMENT)
    piece.text = ESSAY
    piece.attachment_name, piece.attachment_sha256 = "appendix.pdf", digest
    piece.attachment_size, piece.attachment_type = len(ATTACHMENT), "pdf"
    trainer = credential.enrolment.cohort.trainers[0]
    db.session.add(
        ContactNote(
            enrolment_id=credential.enrolment_id,
            author_id=trainer.id,
            contacted_on=date(2026, 3, 2),
            agreed=f"Spoke with {NAME}; agreed a new draft date.",
        )
    )
    db.session.add(
        OutboxMessage(
            recipient=EMAIL,
            subject="Your result",
            body=f"Dear {NAME},\nYour work is marked.",
            delivered_by="outbox",
        )
    )
    record(None, "user.invited", trainee, email=EMAIL, name=NAME)
    record(trainee, "auth.signed_in", trainee)
    db.session.commit()
    return trainee, credential, piece


def test_the_export_holds_the_persons_submission_text_and_attachment_with_a_readable_index(holder):
    trainee, credential, piece = holder
    archive = zipfile.ZipFile(io.BytesIO(export_zip(trainee, make_user(Role.HUB_ADMIN))))
    names = set(archive.namelist())
    assert archive.read(f"submissions/{piece.public_id}/text.txt").decode() == ESSAY
    assert archive.read(f"submissions/{piece.public_id}/appendix.pdf") == ATTACHMENT
    readme = archive.read("README.txt").decode()
    assert NAME in readme and "submissions.json" in readme
    assert {
        "account.json",
        "enrolments.json",
        "credentials.json",
        "contact_notes.json",
        "audit_events.json",
    } <= names
    assert archive.read(f"credentials/{credential.code}.jws").decode() == credential.jws
    submissions = json.loads(archive.read("submissions.json"))
    assert submissions[0]["marks"] is not None  # released: marks and feedback included
    assert json.loads(archive.read("account.json"))["email"] == EMAIL
    assert "password_hash" not in json.loads(archive.read("account.json"))
    assert "Spoke with" in archive.read("contact_notes.json").decode()
    db.session.commit()
    assert (
        db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "privacy.exported")).subject_id
        == trainee.public_id
    )


def _found_anywhere(*needles: str) -> list[str]:
    """Every table.column whose text (JSON included) contains one of ``needles``, case-insensitive."""
    found = []
    for table in db.metadata.sorted_tables:
        for column in erasing.text_columns(table):
            text = sa.func.lower(sa.cast(column, sa.Text))
            for needle in needles:
                hit = (
                    sa.select(sa.func.count())
                    .select_from(table)
                    .where(text.contains(needle.lower(), autoescape=True))
                )
                if db.session.scalar(hit):
                    found.append(f"{table.name}.{column.name}: {needle}")
    return found


def test_after_erasure_the_name_and_email_are_nowhere_and_the_credential_still_verifies(holder, client):
    trainee, credential, piece = holder
    assert _found_anywhere(NAME, EMAIL)  # the scan finds them before
    hub = make_user(Role.HUB_ADMIN)
    result = erasing.erase(trainee, hub)
    db.session.commit()

    assert _found_anywhere(NAME, EMAIL) == []
    assert not files.upload(hashlib.sha256(ATTACHMENT).hexdigest()).exists()
    assert set(result.kept) == {"credential", "ledger", "results", "audit"}
    # The credential: the signed file as issued, still verifying, its page no longer naming the holder.
    assert independent_verify(client, credential.jws)["credentialSubject"]["licenseNumber"] == credential.code
    verified = verify_code(credential.code)
    assert verified.verdict is Verdict.VALID and verified.name_withheld and verified.holder_name is None
    page = client.get(f"/verify/{credential.code}").get_data(as_text=True)
    assert NAME not in page and "withheld at their request" in page
    # The audit trail records the erasure, and each redaction of an event.
    erased = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "privacy.erased"))
    assert erased.actor_id == hub.id and erased.subject_id == trainee.public_id
    redactions = db.session.scalars(sa.select(AuditRedaction).where(AuditRedaction.kind == "redact")).all()
    assert redactions and all(r.reason == f"erasure of user {trainee.public_id}" for r in redactions)
    assert db.session.get(Submission, piece.id).result_band == "pass"  # results kept


def test_erasing_twice_changes_nothing_the_second_time(holder):
    trainee, _, _ = holder
    hub = make_user(Role.HUB_ADMIN)
    erasing.erase(trainee, hub)
    db.session.commit()
    again = erasing.erase(trainee, hub)
    db.session.commit()
    assert again.already
    assert db.session.scalar(sa.select(sa.func.count()).where(AuditEvent.action == "privacy.erased")) == 1


def test_only_a_hub_admin_may_erase_and_not_themselves(holder):
    trainee, _, _ = holder
    with pytest.raises(erasing.ErasureRefused) as refused:
        erasing.erase(trainee, make_user(Role.TRAINER))
    assert refused.value.field == "email"
    hub = make_user(Role.HUB_ADMIN)
    with pytest.raises(erasing.ErasureRefused) as refused:
        erasing.erase(hub, hub)
    assert refused.value.field == "email"
    with pytest.raises(NoSuchPerson) as missing:
        person_by_email("nobody@example.org")
    assert missing.value.field == "email"


def test_the_audit_trail_still_refuses_any_change_not_recorded_as_a_redaction(holder):
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "user.invited"))
    changes = (
        sa.update(AuditEvent).where(AuditEvent.id == event.id).values(details={}),
        sa.delete(AuditEvent).where(AuditEvent.id == event.id),
    )
    for statement in changes:
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            db.session.execute(statement)
        db.session.rollback()
    # A recorded redaction allows only its own details, and never another column.
    db.session.add(AuditRedaction(event_id=event.id, kind="redact", details={"email": "x"}, reason="test"))
    db.session.flush()
    with pytest.raises(sa.exc.DatabaseError, match="append-only"):
        db.session.execute(sa.update(AuditEvent).where(AuditEvent.id == event.id).values(action="other"))
    db.session.rollback()
    # A removal is allowed for sign-in events only; and redactions themselves are append-only.
    db.session.add(AuditRedaction(event_id=event.id, kind="remove", reason="test"))
    db.session.flush()
    with pytest.raises(sa.exc.DatabaseError, match="append-only"):
        db.session.execute(sa.delete(AuditEvent).where(AuditEvent.id == event.id))
    db.session.rollback()
    db.session.add(AuditRedaction(event_id=event.id, kind="remove", reason="test"))
    db.session.commit()
    with pytest.raises(sa.exc.DatabaseError, match="append-only"):
        db.session.execute(sa.delete(AuditRedaction))
    db.session.rollback()


# --- The retention schedule --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 3, 31), 1, date(2026, 2, 28)),
        (date(2024, 3, 31), 1, date(2024, 2, 29)),
        (date(2026, 1, 15), 12, date(2025, 1, 15)),
        (date(2026, 1, 15), 24, date(2024, 1, 15)),
        (date(2026, 1, 15), 0, date(2026, 1, 15)),
        (date(2026, 1, 31), 13, date(2024, 12, 31)),
    ],
)
def test_months_before_counts_calendar_months(day, months, expected):
    assert months_before(day, months) == expected


@pytest.mark.parametrize("since", [None, date(2025, 1, 14), date(2025, 1, 15), date(2025, 1, 16)])
@pytest.mark.parametrize("months", [0, 12])
def test_a_thing_is_due_on_the_day_its_period_ends_and_after(since, months):
    today = date(2026, 1, 15)
    expected = since is not None and since <= (today if months == 0 else date(2025, 1, 15))
    assert is_due(since, months, today) is expected


TODAY = date(2027, 6, 15)
SCHEDULE = {
    "submission_months_after_board": 24,
    "contact_note_months_after_end": 12,
    "sign_in_event_months": 12,
}


@pytest.fixture
def scheduled(app, tmp_path):
    """Two cohorts' work and notes on either side of the schedule's cut-offs, as on ``TODAY``."""
    app.config["IMSA_RETENTION"] = SCHEDULE
    version = make_assessed_version(tmp_path)
    trainer = make_user(Role.TRAINER)
    assignment = next(m.assignment for m in version.modules if m.assignment)
    old, recent = make_cohort(version, [trainer]), make_cohort(version, [trainer])
    db.session.add(AwardBoard(cohort_id=old.id, met_on=date(2025, 6, 15), attendees="The board", results=[]))
    db.session.add(
        AwardBoard(cohort_id=recent.id, met_on=date(2025, 6, 16), attendees="The board", results=[])
    )
    due_enrolment, kept_enrolment = make_enrolment(old), make_enrolment(recent)
    withdrawn = make_enrolment(recent)
    withdrawn.status = EnrolmentStatus.WITHDRAWN
    withdrawn.status_changed_at = datetime(2026, 6, 15, 11, tzinfo=UTC)
    still_active = make_enrolment(make_cohort(version, [trainer]))
    pieces = {
        name: Submission(enrolment_id=e.id, assignment_id=assignment.id, text=f"Work of {name}.")
        for name, e in (("due", due_enrolment), ("kept", kept_enrolment), ("active", still_active))
    }
    db.session.add_all(pieces.values())
    notes = {
        name: ContactNote(
            enrolment_id=e.id, author_id=trainer.id, contacted_on=date(2026, 1, 5), agreed="Agreed."
        )
        for name, e in (("due", withdrawn), ("kept", still_active), ("board", due_enrolment))
    }
    db.session.add_all(notes.values())
    person = make_user()
    for when in (datetime(2026, 6, 14, 22, tzinfo=UTC), datetime(2026, 6, 15, 23, 30, tzinfo=UTC)):
        db.session.add(
            AuditEvent(
                occurred_at=when,
                actor_id=person.id,
                action="auth.signed_in",
                subject_type="User",
                subject_id=person.public_id,
                details={},
            )
        )
    db.session.commit()
    return pieces, notes, person


def _state(pieces, notes):
    db.session.expire_all()
    texts = {name: db.session.get(Submission, p.id).text for name, p in pieces.items()}
    left = {name for name, n in notes.items() if db.session.get(ContactNote, n.id) is not None}
    sign_ins = db.session.scalar(sa.select(sa.func.count()).where(AuditEvent.action == "auth.signed_in"))
    return texts, left, sign_ins


def test_the_retention_dry_run_lists_exactly_what_the_real_run_then_removes(scheduled):
    pieces, notes, person = scheduled
    before = _state(pieces, notes)
    dry = apply_retention(TODAY, dry_run=True)
    db.session.commit()
    assert _state(pieces, notes) == before  # a dry run changes nothing
    assert {(r.kind, r.subject) for r in dry.removals} == {
        ("submission", pieces["due"].public_id),  # board 2025-06-15 + 24 months = today
        ("contact_note", notes["due"].public_id),  # withdrawn 2026-06-15 + 12 months = today
        ("contact_note", notes["board"].public_id),  # its cohort's board, 24 months ago
        ("sign_in_events", person.public_id),
    }
    assert next(r for r in dry.removals if r.kind == "sign_in_events").detail == "1 sign-in events"

    real = apply_retention(TODAY, dry_run=False)
    db.session.commit()
    assert real.removals == dry.removals
    texts, left, sign_ins = _state(pieces, notes)
    assert texts == {"due": "", "kept": "Work of kept.", "active": "Work of active."}
    assert left == {"kept"}
    assert sign_ins == 1  # 2026-06-15 23:30 UTC is 16 June in London: not yet due
    assert db.session.scalar(sa.select(sa.func.count()).where(AuditRedaction.kind == "remove")) == 1
    actions = set(db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.action.like("privacy.%"))))
    assert actions == {
        "privacy.retention_applied",
        "privacy.contact_note_removed",
        "privacy.sign_in_events_removed",
    }
    assert apply_retention(TODAY, dry_run=False).removals == []  # nothing twice


def test_the_retention_command_has_a_dry_run(scheduled, runner):
    result = runner.invoke(args=["privacy", "retention", "--dry-run", "--today", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    assert "would remove: 4 items" in result.output
    assert (
        "removed: 4 items"
        in runner.invoke(args=["privacy", "retention", "--today", TODAY.isoformat()]).output
    )


# --- The Hub page -----------------------------------------------------------------------------------------


def test_a_hub_admin_downloads_an_export_and_erases_from_the_page_double_click_safe(holder, client):
    trainee, _, _ = holder
    sign_in(client, make_user(Role.HUB_ADMIN))
    assert "Personal data requests" in client.get("/privacy/").get_data(as_text=True)
    download = post_form(client, "/privacy/export", {"export-email": EMAIL})
    assert download.mimetype == "application/zip"
    assert zipfile.ZipFile(io.BytesIO(download.data)).read("README.txt")
    unconfirmed = post_form(client, "/privacy/erase", {"erase-email": EMAIL})
    assert (
        "cannot be undone" in unconfirmed.get_data(as_text=True)
        and db.session.get(type(trainee), trainee.id).erased_at is None
    )
    first = post_form(client, "/privacy/erase", {"erase-email": EMAIL, "erase-confirm": "y"})
    assert first.status_code == 200 and "Personal data erased" in first.get_data(as_text=True)
    again = post_form(
        client, "/privacy/erase", {"erase-email": EMAIL, "erase-confirm": "y"}
    )  # a double-click
    assert again.status_code == 200 and "the erasure is done" in again.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).where(AuditEvent.action == "privacy.erased")) == 1


def test_the_commands_export_and_erase_and_say_what_was_kept(holder, runner, tmp_path):
    out = tmp_path / "export.zip"
    exported = runner.invoke(args=["privacy", "export", EMAIL, "--out", str(out)])
    assert exported.exit_code == 0, exported.output
    assert "README.txt" in zipfile.ZipFile(out).namelist()
    erased = runner.invoke(args=["privacy", "erase", EMAIL, "--yes"])
    assert erased.exit_code == 0, erased.output
    assert "kept: credential:" in erased.output and "kept: ledger:" in erased.output
    missing = runner.invoke(args=["privacy", "erase", EMAIL, "--yes"])
    assert missing.exit_code != 0 and "No account" in missing.output
