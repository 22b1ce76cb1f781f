"""`imsa backup` and `imsa restore`: one archive (database, encrypted keys, ledger head, uploaded files, a
manifest of SHA-256 hashes) taken while the platform writes, restored into an empty instance; and every
bad backup refused with nothing changed. On the PostgreSQL leg of `.ci/run` the same tests use pg_dump and
pg_restore (the restored instance gets a database of its own)."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import stamp, upgrade

from app import backup
from app.accreditation import ledger, lifecycle
from app.accreditation.keys import keystore
from app.accreditation.models import Credential, CredentialKind
from app.auth.models import Role
from app.database import db, utcnow
from app.learning.assignments import upload_folder
from app.learning.models import Submission, SubmissionStatus
from app.verify.verification import verify_code
from tests.conftest import build_app
from tests.factories import make_cohort, make_credential, make_enrolment, make_user

PASSPHRASE = "correct horse battery staple"


def _submit(enrolment_id: int, assignment_id: int, text: str) -> None:
    db.session.add(
        Submission(
            enrolment_id=enrolment_id,
            assignment_id=assignment_id,
            status=SubmissionStatus.SUBMITTED,
            text=text,
            word_count=len(text.split()),
            revision=1,
            submitted_at=utcnow(),
            sha256=hashlib.sha256(text.encode()).hexdigest(),
        )
    )


@pytest.fixture
def live(app, tmp_path):
    """A platform in use: a schema revision, an issued credential with a few ledger events, an attachment,
    special-consideration evidence, and a cohort whose trainees are about to submit."""
    stamp()  # the models' schema is the newest revision's
    credential = make_credential(tmp_path / "content")
    hub = make_user(Role.HUB_ADMIN)
    lifecycle.suspend(credential, "Under review.", hub)
    db.session.commit()
    lifecycle.reinstate(credential, "", hub)
    db.session.commit()
    attachment = b"%PDF-1.7 a trainee's work"
    (upload_folder() / hashlib.sha256(attachment).hexdigest()).write_bytes(attachment)
    evidence = Path(app.instance_path) / "consideration"
    evidence.mkdir()
    (evidence / hashlib.sha256(b"a letter").hexdigest()).write_bytes(b"a letter")
    version = credential.enrolment.cohort.curriculum_version
    assignment = next(m.assignment for m in version.modules if m.assignment)
    cohort = make_cohort(version)
    enrolments = [make_enrolment(cohort).id for _ in range(40)]
    db.session.commit()
    return {"code": credential.code, "assignment": assignment.id, "enrolments": enrolments}


@pytest.fixture
def empty_instance(tmp_path, _schema, _server_database_url):
    """Another instance, as `imsa init` leaves one: the schema and nothing else (its own database)."""
    made = []

    def _make(name: str = "restored"):
        if _server_database_url:
            url = sa.make_url(_server_database_url)
            url = url.set(database=f"{url.database}_{name}")
            server = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
            with server.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')
                connection.exec_driver_sql(f'CREATE DATABASE "{url.database}"')
            server.dispose()
            database_url = url.render_as_string(hide_password=False)
        else:
            database_url = f"sqlite:///{tmp_path / f'{name}.sqlite3'}"
        application = build_app(database_url, tmp_path / f"{name}-instance", _schema, create_schema=False)
        with application.app_context():
            db.create_all()
            stamp()
            db.session.remove()
        made.append(application)
        return application

    yield _make
    for application in made:
        with application.app_context():
            db.session.remove()
            url = db.engine.url
            db.engine.dispose()
        if url.get_backend_name() == "postgresql":
            server = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
            with server.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')
            server.dispose()


def _state(application) -> dict:
    """What a restore could change: every table's rows, the key folder, the ledger head, the files."""
    with application.app_context():
        with db.engine.connect() as connection:
            tables = sa.inspect(connection).get_table_names()
            rows = {t: connection.exec_driver_sql(f'SELECT count(*) FROM "{t}"').scalar() for t in tables}
        instance = Path(application.instance_path)
        files = sorted(str(p.relative_to(instance)) for p in instance.rglob("*") if p.is_file())
        head = ledger.signed_head_token()
        db.session.remove()
    return {"rows": rows, "files": files, "head": head}


def test_a_backup_taken_while_trainees_submit_restores_every_receipt_the_ledger_and_the_keys(
    app, live, empty_instance, tmp_path
):
    archive = tmp_path / "backups" / "imsa.tar"
    db.session.commit()
    done = threading.Event()
    written: list[int] = []

    def trainees_submit():
        with app.app_context():
            for number, enrolment_id in enumerate(live["enrolments"]):
                _submit(enrolment_id, live["assignment"], f"Submission {number}: my reflection on the case.")
                db.session.commit()
                written.append(number)
                if done.is_set() and number > len(live["enrolments"]) // 2:
                    break
            db.session.remove()

    writer = threading.Thread(target=trainees_submit)
    writer.start()
    while len(written) < 5:
        threading.Event().wait(0.01)
    receipts = sa.select(Submission.public_id, Submission.sha256)
    before = dict(db.session.execute(receipts).all())
    db.session.commit()
    # On a loaded machine the writer can stall; the backup starts once it is writing again, so the
    # archive is taken with its writes under way (and the test does not depend on thread scheduling).
    seen = len(written)
    while len(written) <= seen and writer.is_alive():
        threading.Event().wait(0.01)
    manifest = backup.create(archive, PASSPHRASE)
    done.set()
    writer.join(timeout=60)
    assert manifest["schema_revision"] and manifest["database"] == db.engine.dialect.name
    stored = dict(db.session.execute(receipts).all())

    restored = empty_instance()
    with restored.app_context():
        report = backup.restore(archive, PASSPHRASE)
        # The award, its transcript, a suspension and a reinstatement.
        assert report.ledger.intact and report.ledger.events == 4
        found = dict(db.session.execute(receipts).all())
        assert before.items() <= found.items()  # every receipt hash from before the backup began
        assert found.items() <= stored.items()  # and nothing that was not stored
        assert len(found) > len(before)  # (the writer wrote after the receipts were first read)
        assert verify_code(live["code"]).valid  # the restored keys verify the credential issued before
        awards = sa.select(Credential.code).where(Credential.kind == CredentialKind.AWARD)
        assert db.session.scalar(awards) == live["code"]
        instance = Path(restored.instance_path)
        assert {p.parent.name for p in instance.glob("*/*") if p.parent.name != "keys"} >= {
            "uploads",
            "consideration",
        }
        for path in [*instance.glob("uploads/*"), *instance.glob("consideration/*")]:
            assert hashlib.sha256(path.read_bytes()).hexdigest() == path.name
        assert keystore().active_thumbprint()
        db.session.remove()


def test_restore_and_backup_commands_report_the_ledger(app, live, empty_instance, tmp_path):
    archive = tmp_path / "imsa.tar"
    env = {"IMSA_BACKUP_PASSPHRASE": PASSPHRASE}
    made = app.test_cli_runner().invoke(args=["backup", str(archive)], env=env)
    assert made.exit_code == 0, made.output
    again = app.test_cli_runner().invoke(args=["backup", str(archive)], env=env)
    assert again.exit_code == 1 and "already exists" in again.output
    restored = empty_instance()
    with restored.app_context():
        checked = restored.test_cli_runner().invoke(args=["restore", "--check", str(archive)], env=env)
        assert checked.exit_code == 0 and "backup intact" in checked.output
        result = restored.test_cli_runner().invoke(args=["restore", str(archive)], env=env)
        assert result.exit_code == 0, result.output
        assert "ledger intact: 4 events" in result.output
        db.session.remove()


def test_a_live_database_is_not_replaced_without_force(app, live, tmp_path):
    archive = tmp_path / "imsa.tar"
    count = sa.select(sa.func.count(Submission.id))
    at_backup = db.session.scalar(count)
    backup.create(archive, PASSPHRASE)
    db.session.commit()
    _submit(live["enrolments"][0], live["assignment"], "Written after the backup.")
    db.session.commit()
    before = _state(app)
    with pytest.raises(backup.BackupRefused) as refused:
        backup.restore(archive, PASSPHRASE)
    assert refused.value.field == "database"
    assert _state(app) == before
    report = backup.restore(archive, PASSPHRASE, force=True)
    assert report.ledger.intact and report.keys_set_aside is not None
    assert db.session.scalar(count) == at_backup  # the submission written after the backup is gone


@pytest.fixture
def archive(app, live, tmp_path) -> Path:
    path = tmp_path / "imsa.tar"
    backup.create(path, PASSPHRASE)
    db.session.remove()
    return path


def _refused(empty_instance, archive: Path, passphrase: str = PASSPHRASE) -> str:
    """Restore into an empty instance: refused, the instance left as it was; returns the refusal's field."""
    target = empty_instance()
    before = _state(target)
    with target.app_context(), pytest.raises(backup.BackupRefused) as refused:
        backup.restore(archive, passphrase)
    assert _state(target) == before
    return refused.value.field


def test_a_changed_byte_anywhere_in_the_archive_is_refused(archive, empty_instance):
    data = archive.read_bytes()
    size = len(data)
    # The manifest's header and data, the database, the secrets, the MAC itself and the final padding.
    for offset in (0, 150, 600, 1100, size // 3, size // 2, size - 1600, size - 1030, size - 10, size - 1):
        changed = bytearray(data)
        changed[offset] ^= 0x01
        archive.write_bytes(bytes(changed))
        assert _refused(empty_instance, archive) == "file", offset
    archive.write_bytes(data)
    assert backup.check(archive, PASSPHRASE)["format"] == backup.FORMAT  # unchanged, it is accepted


@pytest.mark.parametrize("keep", [0.5, 0.99, 512])
def test_a_truncated_archive_is_refused(archive, empty_instance, keep):
    data = archive.read_bytes()
    archive.write_bytes(data[: int(len(data) * keep) if keep < 1 else keep])
    assert _refused(empty_instance, archive) == "file"


def test_a_file_that_is_not_a_backup_is_refused(archive, empty_instance):
    archive.write_bytes(b"not a backup at all\n" * 100)
    assert _refused(empty_instance, archive) == "file"


def test_a_wrong_passphrase_is_refused(archive, empty_instance):
    assert _refused(empty_instance, archive, "not the passphrase it was made with") == "passphrase"


def test_a_backup_from_a_newer_schema_is_refused(app, live, empty_instance, tmp_path):
    db.session.execute(sa.text("UPDATE alembic_version SET version_num = 'ffffffffffff'"))
    db.session.commit()
    path = tmp_path / "newer.tar"
    assert backup.create(path, PASSPHRASE)["schema_revision"] == "ffffffffffff"
    assert _refused(empty_instance, path) == "file"


def test_a_short_passphrase_is_refused_and_nothing_is_written(app, live, tmp_path):
    with pytest.raises(backup.BackupRefused) as refused:
        backup.create(tmp_path / "imsa.tar", "short")
    assert refused.value.field == "passphrase" and not (tmp_path / "imsa.tar").exists()


def test_a_backup_from_an_older_schema_is_restored_and_upgraded(make_app, empty_instance, tmp_path):
    older = "e5a9c1d3f6b8"  # a revision before the newest
    app = make_app(create_schema=False)
    with app.app_context():
        upgrade(revision=older)
        keystore().init()
        path = tmp_path / "older.tar"
        assert backup.create(path, PASSPHRASE)["schema_revision"] == older
        db.session.remove()
    restored = empty_instance()
    with restored.app_context():
        report = backup.restore(path, PASSPHRASE)
        assert report.upgraded_from == older and report.ledger.intact
        with db.engine.connect() as connection:
            revision = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        assert revision == backup.known_revisions()[1]
        db.session.remove()


def test_the_signing_keys_are_only_in_the_archive_encrypted(archive, app):
    data = archive.read_bytes()
    private = (keystore().folder / f"{keystore().active_thumbprint()}.pem").read_bytes()
    assert b"PRIVATE KEY" not in data and private not in data


def test_backup_asks_for_the_passphrase_twice_without_showing_it(app, live, tmp_path):
    path = tmp_path / "asked.tar"
    typed = f"{PASSPHRASE}\n{PASSPHRASE}\n"
    result = app.test_cli_runner().invoke(
        args=["backup", str(path)], input=typed, env={"IMSA_BACKUP_PASSPHRASE": ""}
    )
    assert result.exit_code == 0, result.output
    assert "Repeat for confirmation" in result.output and PASSPHRASE not in result.output
    assert backup.check(path, PASSPHRASE)["files"]
