"""The ``imsa`` command: everything ``flask`` offers (``run``, ``db``, ``shell``) plus the platform's
own groups. Commands are grouped by domain: ``curriculum``, ``user``, ``cohort``, ``keys``, ``credential``,
``ledger`` (the last three in ``app/accreditation/cli.py``), ``privacy`` (``app/privacy/cli.py``), ``pack``,
``jobs`` (the queue's worker), ``init`` / ``demo`` to set up, and ``backup`` / ``restore``
(``app/backup.py``). ``run`` is Flask's, and also starts the job worker beside the server.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, run_command

from app.database import db


def _create_app() -> Flask:
    from app import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def main() -> None:
    """IMSA® training platform."""


@click.command(
    "run",
    params=[
        *run_command.params,
        click.Option(["--worker/--no-worker"], default=True, help="Also run the job queue's worker."),
    ],
)
@click.pass_context
def run_with_worker(ctx, worker: bool, **options):
    """Serve the platform with the development server, and run the job worker beside it (one command).

    The worker is its own process (``imsa jobs worker``), stopped when the server stops. In production run
    the two yourself (README): gunicorn for the web, ``imsa jobs worker`` for the queue.
    """
    # With --reload the server restarts itself in a child process; only the first process starts a worker.
    spawned = None
    if worker and os.environ.get("WERKZEUG_RUN_MAIN") != "true":
        # Stopped by a service manager (SIGTERM), stop the worker too, as for Ctrl-C.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        spawned = subprocess.Popen(
            [sys.executable, "-c", "from app.cli import main; main()", "jobs", "worker"]
        )
    try:
        ctx.invoke(run_command, **options)
    finally:
        if spawned is not None:
            spawned.terminate()
            try:
                spawned.wait(timeout=15)
            except subprocess.TimeoutExpired:
                spawned.kill()


main.add_command(run_with_worker, "run")


def _content_options(command):
    command = click.option(
        "--assessments",
        "assessments_dir",
        type=click.Path(file_okay=False, path_type=Path),
        help="Assessments folder (default: beside --content, else IMSA_ASSESSMENTS_DIR or ./assessments).",
    )(command)
    return click.option(
        "--content",
        "content_dir",
        type=click.Path(file_okay=False, path_type=Path),
        help="Course content folder (default: IMSA_CONTENT_DIR or ./course_content).",
    )(command)


def _dirs(content_dir: Path | None, assessments_dir: Path | None) -> tuple[Path, Path]:
    """The folders to read. A --content folder without --assessments pairs with its sibling
    ``assessments/``, as in the repository's own layout."""
    if content_dir and not assessments_dir:
        return content_dir, content_dir.parent / "assessments"
    return (
        content_dir or Path(current_app.config["IMSA_CONTENT_DIR"]),
        assessments_dir or Path(current_app.config["IMSA_ASSESSMENTS_DIR"]),
    )


curriculum_cli = click.Group("curriculum", help="Validate, load, publish and compare curriculum versions.")
jobs_cli = click.Group("jobs", help="The job queue: run its worker, see what waits.")
user_cli = click.Group("user", help="Accounts from the command line (for the first Hub admin).")
cohort_cli = click.Group("cohort", help="Create cohorts, enrol trainees from a CSV file, print reports.")


@curriculum_cli.command("validate")
@_content_options
def curriculum_validate(content_dir, assessments_dir):
    """Check the curriculum files; print every problem with its file and line."""
    from app.curriculum.currency import Currency, Record, currency
    from app.curriculum.loader import CurriculumInvalid, load_tree

    try:
        loaded = load_tree(*_dirs(content_dir, assessments_dir))
    except CurriculumInvalid as invalid:
        for problem in invalid.problems:
            click.echo(f"error: {problem}", err=True)
        click.echo(f"{len(invalid.problems)} problem(s) found; nothing was loaded.", err=True)
        sys.exit(1)
    lessons = sum(len(m.lessons) for m in loaded.modules)
    click.echo(
        f"ok: curriculum {loaded.label}, {len(loaded.modules)} modules, {lessons} lessons, "
        f"sha256 {loaded.content_hash}"
    )
    # Not an error (the content is still valid), but trainees see the state on these pages: say so here too.
    for module in loaded.modules:
        for lesson in module.lessons:
            record = Record.from_json(lesson.review)
            state = currency(lesson.review_due, record, date.today())
            if state is Currency.OVERDUE:
                due = lesson.review_due
                click.echo(f"warning: {lesson.source_path}: its legal review was due on {due}", err=True)
            elif state is Currency.PARTLY_CHECKED:
                checked = record.latest_check.on
                click.echo(
                    f"warning: {lesson.source_path}: some statements source-checked on {checked}; "
                    f"the rest of its legal review was due on {lesson.review_due}",
                    err=True,
                )
    _lint_items(*_dirs(content_dir, assessments_dir))


def _lint_items(content: Path, assessments: Path) -> None:
    """The item-writing lint over the quiz banks: the longest-key share of every bank, then each finding."""
    from app.curriculum.item_lint import lint_banks

    shares, findings = lint_banks(assessments, content.resolve().parent)
    for share in shares:
        click.echo(f"lint: {share}")
    for finding in findings:
        click.echo(str(finding), err=True)
    errors = sum(f.level == "error" for f in findings)
    if errors:
        click.echo(f"{errors} item-writing error(s) found.", err=True)
        sys.exit(1)


@curriculum_cli.command("load")
@_content_options
@click.option("--publish", is_flag=True, help="Publish the version straight away (freezes it).")
def curriculum_load(content_dir, assessments_dir, publish):
    """Validate and store the curriculum as a draft version (a no-op when nothing changed)."""
    from app.curriculum import services
    from app.curriculum.loader import CurriculumInvalid

    try:
        result = services.load(*_dirs(content_dir, assessments_dir))
        if publish:
            services.publish(result.version)
        db.session.commit()
    except CurriculumInvalid as invalid:
        db.session.rollback()
        for problem in invalid.problems:
            click.echo(f"error: {problem}", err=True)
        click.echo(f"{len(invalid.problems)} problem(s) found; nothing was loaded.", err=True)
        sys.exit(1)
    except services.VersionConflict as conflict:
        db.session.rollback()
        click.echo(f"error: {conflict}", err=True)
        sys.exit(1)
    version = result.version
    state = "published" if version.is_published else "draft"
    verb = "loaded" if result.created else "already loaded"
    click.echo(f"{verb}: curriculum {version.label} ({state}), sha256 {version.content_hash}")


@curriculum_cli.command("publish")
@click.argument("version")
def curriculum_publish(version):
    """Publish VERSION (a label like 2025.1, or a content hash or its prefix)."""
    from app.curriculum import services

    found = services.find_version(version)
    if found is None:
        click.echo(f"error: no curriculum version matches {version!r}", err=True)
        sys.exit(1)
    services.publish(found)
    db.session.commit()
    click.echo(f"published: curriculum {found.label}, sha256 {found.content_hash}")


@curriculum_cli.command("diff")
@click.argument("version", required=False)
@_content_options
def curriculum_diff(version, content_dir, assessments_dir):
    """Show which files differ between the tree on disk and VERSION (default: the newest stored)."""
    from app.curriculum import services

    stored = services.find_version(version) if version else next(iter(services.versions()), None)
    if stored is None:
        click.echo("error: no stored curriculum version to compare with", err=True)
        sys.exit(1)
    result = services.diff(stored, *_dirs(content_dir, assessments_dir))
    click.echo(f"comparing the files on disk with curriculum {stored.label} ({stored.short_hash})")
    if result.unchanged:
        click.echo("no changes")
        return
    for mark, paths in (("+", result.added), ("-", result.removed), ("~", result.changed)):
        for path in paths:
            click.echo(f"  {mark} {path}")
    click.echo(f"loading these files would make a new version, sha256 {result.content_hash}")


@curriculum_cli.command("review-list")
@_content_options
@click.option("--check", is_flag=True, help="Only check that REVIEW.md is up to date (exit 1 if not).")
def curriculum_review_list(content_dir, assessments_dir, check):
    """Write course_content/REVIEW.md: every statement marked for review, with where and by when."""
    from app.curriculum.review import REVIEW_FILE, recorded_reviews, render, review_items

    content, assessments = _dirs(content_dir, assessments_dir)
    text = render(review_items(content, assessments), recorded_reviews(content))
    target = content / REVIEW_FILE
    if check:
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            click.echo(f"error: {target} is out of date; run `imsa curriculum review-list`", err=True)
            sys.exit(1)
        click.echo(f"{target} is up to date")
        return
    target.write_text(text, encoding="utf-8")
    click.echo(f"wrote {target} ({text.count(chr(10) + '- **')} statements)")


@user_cli.command("invite")
@click.argument("email")
@click.argument("name")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice(["trainee", "trainer", "hub_admin", "org_manager", "external_examiner"]),
)
@click.option(
    "--language",
    type=click.Choice(["en-GB", "cy"]),
    default=None,
    help="The person's language, when known: the invitation (and later emails) are written in it.",
)
def user_invite(email, name, roles, language):
    """Invite a person (e.g. the first Hub admin) and print their invitation link."""
    from app.auth import services
    from app.auth.models import Role
    from app.mail.services import outbox

    user = services.invite(email, name, {Role(r) for r in roles}, actor=None, language=language)
    db.session.commit()
    click.echo(f"invited {user.email}; the email is in the outbox:")
    click.echo(outbox(limit=1)[0].body)


def _find_cohort(name_or_id: str):
    from app.cohorts.models import Cohort

    found = db.session.scalar(
        db.select(Cohort).where(
            db.or_(db.func.lower(Cohort.name) == name_or_id.strip().lower(), Cohort.public_id == name_or_id)
        )
    )
    if found is None:
        click.echo(f"error: no cohort called {name_or_id!r}", err=True)
        sys.exit(1)
    return found


@cohort_cli.command("create")
@click.argument("name")
@click.option("--starts", type=click.DateTime(["%Y-%m-%d"]), required=True, help="Start date, YYYY-MM-DD.")
@click.option(
    "--ends", type=click.DateTime(["%Y-%m-%d"]), help="End date (default: two years after the start)."
)
@click.option(
    "--version", "version_label", required=True, help="A published curriculum version (label or hash)."
)
@click.option("--trainer", "trainer_emails", multiple=True, help="A trainer's email (repeat for more).")
@click.option("--named-marking", is_flag=True, help="Markers see names (default: candidate numbers).")
def cohort_create(name, starts, ends, version_label, trainer_emails, named_marking):
    """Create cohort NAME following a published curriculum version, with its default module schedule."""
    from datetime import timedelta

    from app.auth.services import user_by_email
    from app.cohorts import services
    from app.curriculum.services import find_version

    version = find_version(version_label)
    if version is None:
        click.echo(f"error: no curriculum version matches {version_label!r}", err=True)
        sys.exit(1)
    trainers = []
    for email in trainer_emails:
        trainer = user_by_email(email)
        if trainer is None:
            click.echo(f"error: no one has the email {email}", err=True)
            sys.exit(1)
        trainers.append(trainer)
    starts_on = starts.date()
    ends_on = ends.date() if ends else starts_on + timedelta(days=730)
    try:
        cohort = services.create_cohort(
            name, version, starts_on, ends_on, trainers, actor=None, anonymous_marking=not named_marking
        )
    except services.CohortError as problem:
        db.session.rollback()
        click.echo(f"error: {problem}", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(
        f"created: {cohort.name} ({cohort.public_id}), curriculum {version.label}, {starts_on} to {ends_on}"
    )


@cohort_cli.command("staff")
@click.argument("cohort")
@click.option("--add", "added", multiple=True, help="A trainer's email to add (repeat for more).")
@click.option("--remove", "removed", multiple=True, help="A trainer's email to remove (repeat for more).")
@click.option("--lead", help="The lead trainer's email (one of the cohort's trainers).")
@click.option("--no-lead", is_flag=True, help="The cohort has no lead trainer.")
def cohort_staff(cohort, added, removed, lead, no_lead):
    """Change COHORT's trainers and lead trainer; with no options, list them."""
    from app.auth.services import user_by_email
    from app.cohorts import services

    found = _find_cohort(cohort)

    def person(email):
        user = user_by_email(email)
        if user is None:
            click.echo(f"error: no one has the email {email}", err=True)
            sys.exit(1)
        return user

    if added or removed or lead or no_lead:
        gone = {person(e).id for e in removed}
        trainers = [t for t in found.trainers if t.id not in gone]
        trainers += [u for u in map(person, added) if u not in trainers]
        new_lead = None if no_lead else person(lead) if lead else found.lead_trainer
        if new_lead is not None and new_lead.id in gone:
            new_lead = None  # a removed lead stops leading
        try:
            services.change_staff(found, trainers, new_lead, actor=None)
        except services.CohortError as problem:
            db.session.rollback()
            click.echo(f"error: {problem}", err=True)
            sys.exit(1)
        db.session.commit()
    for trainer in found.trainers:
        mark = " (lead)" if found.lead_trainer_id == trainer.id else ""
        click.echo(f"{trainer.email}\t{trainer.name}{mark}")
    if len(found.trainers) < 2:
        click.echo("warning: second marking needs at least two trainers", err=True)


@cohort_cli.command("import")
@click.argument("cohort")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Only check the file; write nothing.")
def cohort_import(cohort, file, dry_run):
    """Enrol trainees from FILE (CSV: name,email,organisation,nation) into COHORT and invite them.

    Every bad row is reported as FILE:LINE: reason, and then nothing is written at all.
    """
    from app.cohorts import importing

    found = _find_cohort(cohort)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        click.echo(f"error: {file}: the file is not UTF-8 text", err=True)
        sys.exit(1)
    checked = importing.preview(found, text)
    for problem in checked.problems:
        click.echo(f"error: {file}:{problem.line}: {problem.message}", err=True)
    if checked.problems:
        click.echo(f"{len(checked.problems)} bad row(s); nothing was imported.", err=True)
        sys.exit(1)
    if dry_run:
        click.echo(
            f"ok: {len(checked.rows)} trainee(s) would be enrolled in {found.name} (dry run: nothing written)"
        )
        return
    try:
        with click.progressbar(length=len(checked.rows), label="Enrolling", file=sys.stderr) as bar:
            enrolled = importing.import_trainees(found, text, actor=None, on_row=lambda _row: bar.update(1))
        db.session.commit()
    except importing.ImportRefused as refused:
        db.session.rollback()
        for problem in refused.problems:
            click.echo(f"error: {file}:{problem.line}: {problem.message}", err=True)
        sys.exit(1)
    except Exception:
        db.session.rollback()
        click.echo("error: the import failed part way; nothing was written", err=True)
        raise
    click.echo(f"enrolled: {len(enrolled)} trainee(s) in {found.name}; invitations sent")


@cohort_cli.command("report")
@click.option("--cohort", "cohort_name", help="Only this cohort (name or id).")
@click.option(
    "--table",
    default="modules",
    show_default=True,
    type=click.Choice(["nation", "kind", "modules", "outcomes_nation", "outcomes_kind", "turnaround"]),
)
@click.option("--format", "fmt", type=click.Choice(["text", "csv"]), default="text", show_default=True)
def cohort_report(cohort_name, table, fmt):
    """Print a Hub report table (the same figures as the Reports page)."""
    from app.reports import hub as reports
    from app.templating import today_in_london

    cohort = _find_cohort(cohort_name).public_id if cohort_name else None
    data = reports.build(None, today_in_london(), cohort=cohort).table(table)
    if fmt == "csv":
        click.echo(data.csv(), nl=False)
        return
    rows = [data.columns] + [["–" if v is None else str(v) for v in row] for row in data.rows]
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(data.columns))]
    click.echo(data.title)
    for row in rows:
        click.echo("  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())


@click.command("init")
def init_command():
    """Create or upgrade the database to the newest schema and make the signing key (safe to run again)."""
    from flask_migrate import upgrade

    from app.accreditation.keys import keystore

    upgrade()
    click.echo(f"database ready: {db.engine.url.render_as_string(hide_password=True)}")
    made = keystore().init()
    click.echo(f"signing key {'created' if made else 'present'}: {keystore().folder}")


@click.command("demo")
@click.option("--force", is_flag=True, help="Allow demo data on a database that is not SQLite.")
def demo_command(force):
    """Add demo people, an organisation and Cohort 1 (safe to run again). Never on production data."""
    from app.demo import DEMO_PASSWORD, create_demo_data, demo_credentials

    if db.engine.dialect.name != "sqlite" and not force:
        click.echo(
            "error: demo data is for a local SQLite database; use --force to add it here anyway", err=True
        )
        sys.exit(1)
    people = create_demo_data()
    db.session.commit()
    click.echo(f"Demo sign-ins (fictional people; password for all: {DEMO_PASSWORD})")
    for role, user in people:
        click.echo(f"  {role:<22} {user.email}")
    for credential in demo_credentials():
        base = current_app.config["IMSA_BASE_URL"].rstrip("/")
        click.echo(f"Try verification: {base}/verify/{credential.code}  (code {credential.code})")


@cohort_cli.command("sign-submissions")
def cohort_sign_submissions():
    """Give every submitted text without one a similarity signature (work submitted before the similarity
    check existed), so that new submissions are compared with it. Safe to run again."""
    from app.marking import similarity

    signed = similarity.sign_unsigned()
    db.session.commit()
    click.echo(f"signed: {signed} submission{'s' if signed != 1 else ''}")


pack_cli = click.Group("pack", help="A cohort's signed assurance pack: build it, check it.")


@pack_cli.command("build")
@click.argument("cohort")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def pack_build(cohort, file):
    """Write COHORT's signed assurance pack (a ZIP) to FILE."""
    from app.reports import assurance_pack

    data = assurance_pack.build(_find_cohort(cohort), None)
    db.session.commit()  # the building is audited
    file.write_bytes(data)
    click.echo(f"wrote {file} ({len(data):,} bytes)")


@pack_cli.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--key",
    "key_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The issuer's public key (PEM), to check away from the platform; default: this platform's keys.",
)
def pack_verify(file, key_file):
    """Check a pack: the manifest's signature by the issuer's key, every file's SHA-256, nothing added."""
    from app.reports import assurance_pack, sealed_zip

    trusted = [key_file.read_bytes()] if key_file else assurance_pack.trusted_keys()
    report = sealed_zip.check(file.read_bytes(), trusted)
    if not report.ok:
        for problem in report.problems:
            click.echo(f"problem: {problem}", err=True)
        raise click.ClickException(f"{file} does not verify")
    click.echo(f"{file} verifies: {len(report.files)} files, signed by the issuer")


def _passphrase(confirm: bool) -> str:
    """``IMSA_BACKUP_PASSPHRASE``, or asked for without echoing it (twice when making a backup)."""
    return os.environ.get("IMSA_BACKUP_PASSPHRASE") or click.prompt(
        "Backup passphrase", hide_input=True, confirmation_prompt=confirm
    )


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(file):
    """Write a backup of this instance to FILE (a new file): the database, the signing keys (encrypted with
    the passphrase from IMSA_BACKUP_PASSPHRASE, or asked for), the ledger head and the uploaded files."""
    from app import backup

    try:
        manifest = backup.create(file, _passphrase(confirm=True))
    except backup.BackupRefused as refused:
        click.echo(f"error: {refused}", err=True)
        sys.exit(1)
    click.echo(
        f"backup written: {file} ({manifest['database']}, schema {manifest['schema_revision']}, "
        f"{len(manifest['files'])} files)"
    )


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
@click.option(
    "--check", "check_only", is_flag=True, help="Check the backup and the passphrase; restore nothing."
)
def restore_command(file, force, check_only):
    """Restore a backup made by `imsa backup` into this instance, then verify the ledger. Every byte is
    checked before anything is changed; a database holding data is replaced only with --force."""
    from app import backup

    passphrase = _passphrase(confirm=False)
    try:
        if check_only:
            manifest = backup.check(file, passphrase)
            click.echo(f"backup intact: made {manifest['created_at']}, schema {manifest['schema_revision']}")
            return
        report = backup.restore(file, passphrase, force=force)
    except backup.BackupRefused as refused:
        click.echo(f"error: {refused} (nothing was changed)", err=True)
        sys.exit(1)
    click.echo(f"restored: {file} (made {report.manifest['created_at']})")
    if report.upgraded_from:
        click.echo(f"schema upgraded from {report.upgraded_from}")
    if report.keys_set_aside:
        click.echo(f"the key folder that was there is kept in {report.keys_set_aside}")
    if not report.ledger.intact:
        click.echo(
            f"error: ledger broken at event {report.ledger.broken_at}: {report.ledger.reason}", err=True
        )
        sys.exit(1)
    click.echo(f"ledger intact: {report.ledger.events} events")


@jobs_cli.command("worker")
@click.option("--workers", default=2, show_default=True, help="Jobs run at once (threads).")
def jobs_worker(workers):
    """Run queued jobs (mail, certificates, bulk approval) and the scheduled ones until stopped."""
    from app import jobs

    if current_app.config["IMSA_JOBS_IMMEDIATE"]:
        raise click.UsageError(
            "IMSA_JOBS_IMMEDIATE is set: jobs run where they are queued, there is no queue"
        )
    jobs.run_worker(workers)


@jobs_cli.command("status")
def jobs_status():
    """How many jobs wait, and how long the oldest has waited."""
    from app import jobs

    waiting, oldest = jobs.backlog()
    click.echo(f"waiting: {waiting}" + (f", oldest queued {oldest:.0f} s ago" if oldest is not None else ""))


def register_commands(app: Flask) -> None:
    from app.accreditation.cli import credential_cli, keys_cli, ledger_cli
    from app.privacy.cli import privacy_cli
    from app.verify import cli as _verify_cli  # noqa: F401  (adds `imsa credential show`)

    for command in (
        curriculum_cli,
        user_cli,
        cohort_cli,
        jobs_cli,
        init_command,
        demo_command,
        keys_cli,
        credential_cli,
        ledger_cli,
        pack_cli,
        privacy_cli,
        backup_command,
        restore_command,
    ):
        app.cli.add_command(command)
