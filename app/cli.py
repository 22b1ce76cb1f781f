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
from flask_babel import force_locale, ngettext

from app.database import db
from app.i18n import (
    LANGUAGES,
    N_,
    TranslatedGroup,
    TranslatedOption,
    babel_locale,
    language_tag,
    translated_option,
)
from app.i18n import gettext as _


def _create_app() -> Flask:
    from app import create_app

    return create_app()


def _language(_ctx, _param, value: str | None) -> str | None:
    if value is None:
        return None
    tag = language_tag(value)
    if tag is None:
        raise click.BadParameter(_("choose one of %(languages)s", languages=", ".join(LANGUAGES)))
    return tag


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
@click.option(
    "--lang",
    "language",
    envvar="IMSA_LANG",
    show_envvar=True,
    metavar="en-GB|cy",
    callback=_language,
    # Read before any language is chosen, so it says it in both.
    help="The language of the commands' messages (default: English). "
    "Iaith negeseuon y gorchmynion (diofyn: Saesneg).",
)
@click.pass_context
def main(ctx: click.Context, language: str | None) -> None:
    """IMSA® training platform.

    Commands write their messages, and their options' help, in English, or in Welsh (Cymraeg) with --lang
    cy or IMSA_LANG=cy (for example `imsa --lang cy cohort create --help`). What is meant for other
    programs is the same in every language: JSON, CSV, listings, codes, hashes and exit codes.
    """
    # The app context of a platform command is pushed before this runs (FlaskGroup.get_command), and the
    # language holds in it until the command ends.
    if language:
        ctx.with_resource(force_locale(babel_locale(language)))


@click.command(
    "run",
    params=[
        *run_command.params,
        TranslatedOption(["--worker/--no-worker"], default=True, help=N_("Also run the job queue's worker.")),
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
    command = translated_option(
        "--assessments",
        "assessments_dir",
        type=click.Path(file_okay=False, path_type=Path),
        help=N_(
            "Assessments folder (default: beside --content, else IMSA_ASSESSMENTS_DIR or ./assessments)."
        ),
    )(command)
    return translated_option(
        "--content",
        "content_dir",
        type=click.Path(file_okay=False, path_type=Path),
        help=N_("Course content folder (default: IMSA_CONTENT_DIR or ./course_content)."),
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


curriculum_cli = TranslatedGroup(
    "curriculum", help=N_("Validate, load, publish and compare curriculum versions.")
)
jobs_cli = TranslatedGroup("jobs", help=N_("The job queue: run its worker, see what waits."))
user_cli = TranslatedGroup("user", help=N_("Accounts from the command line (for the first Hub admin)."))
cohort_cli = TranslatedGroup(
    "cohort", help=N_("Create cohorts, enrol trainees from a CSV file, print reports.")
)


def _error(message) -> None:
    """``error: message`` on standard error, in the command's language."""
    click.echo(_("error: %(message)s", message=message), err=True)


def _problems_found(problems) -> None:
    for problem in problems:
        _error(problem)
    click.echo(_("%(count)s problem(s) found; nothing was loaded.", count=len(problems)), err=True)


@curriculum_cli.command("validate")
@_content_options
def curriculum_validate(content_dir, assessments_dir):
    """Check the curriculum files; print every problem with its file and line."""
    from app.curriculum.currency import Currency, Record, currency
    from app.curriculum.loader import CurriculumInvalid, load_tree

    try:
        loaded = load_tree(*_dirs(content_dir, assessments_dir))
    except CurriculumInvalid as invalid:
        _problems_found(invalid.problems)
        sys.exit(1)
    lessons = sum(len(m.lessons) for m in loaded.modules)
    click.echo(
        _(
            "ok: curriculum %(label)s, %(modules)s modules, %(lessons)s lessons, sha256 %(hash)s",
            label=loaded.label,
            modules=len(loaded.modules),
            lessons=lessons,
            hash=loaded.content_hash,
        )
    )
    # Not an error (the content is still valid), but trainees see the state on these pages: say so here too.
    for module in loaded.modules:
        for lesson in module.lessons:
            record = Record.from_json(lesson.review)
            state = currency(lesson.review_due, record, date.today())
            if state is Currency.OVERDUE:
                click.echo(
                    _(
                        "warning: %(path)s: its legal review was due on %(date)s",
                        path=lesson.source_path,
                        date=lesson.review_due,
                    ),
                    err=True,
                )
            elif state is Currency.PARTLY_CHECKED:
                click.echo(
                    _(
                        "warning: %(path)s: some statements source-checked on %(checked)s; "
                        "the rest of its legal review was due on %(date)s",
                        path=lesson.source_path,
                        checked=record.latest_check.on,
                        date=lesson.review_due,
                    ),
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
        click.echo(_("%(count)s item-writing error(s) found.", count=errors), err=True)
        sys.exit(1)


@curriculum_cli.command("load")
@_content_options
@translated_option(
    "--publish",
    is_flag=True,
    help=N_("Publish the version straight away (freezes it)."),
)
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
        _problems_found(invalid.problems)
        sys.exit(1)
    except services.VersionConflict as conflict:
        db.session.rollback()
        _error(conflict)
        sys.exit(1)
    version = result.version
    click.echo(
        _(
            "%(verb)s: curriculum %(label)s (%(state)s), sha256 %(hash)s",
            verb=_("loaded") if result.created else _("already loaded"),
            label=version.label,
            state=_("published") if version.is_published else _("draft"),
            hash=version.content_hash,
        )
    )


@curriculum_cli.command("publish")
@click.argument("version")
def curriculum_publish(version):
    """Publish VERSION (a label like 2025.1, or a content hash or its prefix)."""
    from app.curriculum import services

    found = services.find_version(version)
    if found is None:
        _error(_("no curriculum version matches %(version)s", version=repr(version)))
        sys.exit(1)
    services.publish(found)
    db.session.commit()
    click.echo(
        _("published: curriculum %(label)s, sha256 %(hash)s", label=found.label, hash=found.content_hash)
    )


@curriculum_cli.command("diff")
@click.argument("version", required=False)
@_content_options
def curriculum_diff(version, content_dir, assessments_dir):
    """Show which files differ between the tree on disk and VERSION (default: the newest stored)."""
    from app.curriculum import services

    stored = services.find_version(version) if version else next(iter(services.versions()), None)
    if stored is None:
        _error(_("no stored curriculum version to compare with"))
        sys.exit(1)
    result = services.diff(stored, *_dirs(content_dir, assessments_dir))
    click.echo(
        _(
            "comparing the files on disk with curriculum %(label)s (%(hash)s)",
            label=stored.label,
            hash=stored.short_hash,
        )
    )
    if result.unchanged:
        click.echo(_("no changes"))
        return
    for mark, paths in (("+", result.added), ("-", result.removed), ("~", result.changed)):
        for path in paths:
            click.echo(f"  {mark} {path}")
    click.echo(_("loading these files would make a new version, sha256 %(hash)s", hash=result.content_hash))


@curriculum_cli.command("review-list")
@_content_options
@translated_option(
    "--check",
    is_flag=True,
    help=N_("Only check that REVIEW.md is up to date (exit 1 if not)."),
)
def curriculum_review_list(content_dir, assessments_dir, check):
    """Write course_content/REVIEW.md: every statement marked for review, with where and by when."""
    from app.curriculum.review import REVIEW_FILE, recorded_reviews, render, review_items

    content, assessments = _dirs(content_dir, assessments_dir)
    text = render(review_items(content, assessments), recorded_reviews(content))
    target = content / REVIEW_FILE
    if check:
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            _error(_("%(file)s is out of date; run `imsa curriculum review-list`", file=target))
            sys.exit(1)
        click.echo(_("%(file)s is up to date", file=target))
        return
    target.write_text(text, encoding="utf-8")
    click.echo(_("wrote %(file)s (%(count)s statements)", file=target, count=text.count("\n- **")))


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
@translated_option(
    "--language",
    type=click.Choice(["en-GB", "cy"]),
    default=None,
    help=N_("The person's language, when known: the invitation (and later emails) are written in it."),
)
def user_invite(email, name, roles, language):
    """Invite a person (e.g. the first Hub admin) and print their invitation link."""
    from app.auth import services
    from app.auth.models import Role
    from app.mail.services import outbox

    user = services.invite(email, name, {Role(r) for r in roles}, actor=None, language=language)
    db.session.commit()
    click.echo(_("invited %(email)s; the email is in the outbox:", email=user.email))
    click.echo(outbox(limit=1)[0].body)


def _find_cohort(name_or_id: str):
    from app.cohorts.models import Cohort

    found = db.session.scalar(
        db.select(Cohort).where(
            db.or_(db.func.lower(Cohort.name) == name_or_id.strip().lower(), Cohort.public_id == name_or_id)
        )
    )
    if found is None:
        _error(_("no cohort called %(name)s", name=repr(name_or_id)))
        sys.exit(1)
    return found


@cohort_cli.command("create")
@click.argument("name")
@translated_option(
    "--starts",
    type=click.DateTime(["%Y-%m-%d"]),
    required=True,
    help=N_("Start date, YYYY-MM-DD."),
)
@translated_option(
    "--ends",
    type=click.DateTime(["%Y-%m-%d"]),
    help=N_("End date (default: two years after the start)."),
)
@translated_option(
    "--version",
    "version_label",
    required=True,
    help=N_("A published curriculum version (label or hash)."),
)
@translated_option(
    "--trainer",
    "trainer_emails",
    multiple=True,
    help=N_("A trainer's email (repeat for more)."),
)
@translated_option(
    "--named-marking",
    is_flag=True,
    help=N_("Markers see names (default: candidate numbers)."),
)
def cohort_create(name, starts, ends, version_label, trainer_emails, named_marking):
    """Create cohort NAME following a published curriculum version, with its default module schedule."""
    from datetime import timedelta

    from app.auth.services import user_by_email
    from app.cohorts import services
    from app.curriculum.services import find_version

    version = find_version(version_label)
    if version is None:
        _error(_("no curriculum version matches %(version)s", version=repr(version_label)))
        sys.exit(1)
    trainers = []
    for email in trainer_emails:
        trainer = user_by_email(email)
        if trainer is None:
            _error(_("no one has the email %(email)s", email=email))
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
        _error(problem)
        sys.exit(1)
    db.session.commit()
    click.echo(
        _(
            "created: %(name)s (%(id)s), curriculum %(label)s, %(start)s to %(end)s",
            name=cohort.name,
            id=cohort.public_id,
            label=version.label,
            start=starts_on,
            end=ends_on,
        )
    )


@cohort_cli.command("staff")
@click.argument("cohort")
@translated_option(
    "--add",
    "added",
    multiple=True,
    help=N_("A trainer's email to add (repeat for more)."),
)
@translated_option(
    "--remove",
    "removed",
    multiple=True,
    help=N_("A trainer's email to remove (repeat for more)."),
)
@translated_option("--lead", help=N_("The lead trainer's email (one of the cohort's trainers)."))
@translated_option("--no-lead", is_flag=True, help=N_("The cohort has no lead trainer."))
def cohort_staff(cohort, added, removed, lead, no_lead):
    """Change COHORT's trainers and lead trainer; with no options, list them."""
    from app.auth.services import user_by_email
    from app.cohorts import services

    found = _find_cohort(cohort)

    def person(email):
        user = user_by_email(email)
        if user is None:
            _error(_("no one has the email %(email)s", email=email))
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
            _error(problem)
            sys.exit(1)
        db.session.commit()
    for trainer in found.trainers:
        mark = _(" (lead)") if found.lead_trainer_id == trainer.id else ""
        click.echo(f"{trainer.email}\t{trainer.name}{mark}")
    if len(found.trainers) < 2:
        click.echo(_("warning: second marking needs at least two trainers"), err=True)


@cohort_cli.command("import")
@click.argument("cohort")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@translated_option("--dry-run", is_flag=True, help=N_("Only check the file; write nothing."))
def cohort_import(cohort, file, dry_run):
    """Enrol trainees from FILE (CSV: name,email,organisation,nation) into COHORT and invite them.

    Every bad row is reported as FILE:LINE: reason, and then nothing is written at all.
    """
    from app.cohorts import importing

    found = _find_cohort(cohort)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        _error(_("%(file)s: the file is not UTF-8 text", file=file))
        sys.exit(1)
    checked = importing.preview(found, text)
    for problem in checked.problems:
        _error(f"{file}:{problem.line}: {problem.message}")
    if checked.problems:
        click.echo(_("%(count)s bad row(s); nothing was imported.", count=len(checked.problems)), err=True)
        sys.exit(1)
    if dry_run:
        click.echo(
            _(
                "ok: %(count)s trainee(s) would be enrolled in %(cohort)s (dry run: nothing written)",
                count=len(checked.rows),
                cohort=found.name,
            )
        )
        return
    try:
        with click.progressbar(length=len(checked.rows), label=_("Enrolling"), file=sys.stderr) as bar:
            enrolled = importing.import_trainees(found, text, actor=None, on_row=lambda _row: bar.update(1))
        db.session.commit()
    except importing.ImportRefused as refused:
        db.session.rollback()
        for problem in refused.problems:
            _error(f"{file}:{problem.line}: {problem.message}")
        sys.exit(1)
    except Exception:
        db.session.rollback()
        _error(_("the import failed part way; nothing was written"))
        raise
    click.echo(
        _(
            "enrolled: %(count)s trainee(s) in %(cohort)s; invitations sent",
            count=len(enrolled),
            cohort=found.name,
        )
    )


@cohort_cli.command("report")
@translated_option("--cohort", "cohort_name", help=N_("Only this cohort (name or id)."))
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
    click.echo(_("database ready: %(url)s", url=db.engine.url.render_as_string(hide_password=True)))
    made = keystore().init()
    folder = keystore().folder
    click.echo(
        _("signing key created: %(folder)s", folder=folder)
        if made
        else _("signing key present: %(folder)s", folder=folder)
    )


@click.command("demo")
@translated_option(
    "--force",
    is_flag=True,
    help=N_("Allow demo data on a database that is not SQLite."),
)
def demo_command(force):
    """Add demo people, an organisation and Cohort 1 (safe to run again). Never on production data."""
    from app.demo import DEMO_PASSWORD, create_demo_data, demo_credentials

    if db.engine.dialect.name != "sqlite" and not force:
        _error(_("demo data is for a local SQLite database; use --force to add it here anyway"))
        sys.exit(1)
    people = create_demo_data()
    db.session.commit()
    click.echo(_("Demo sign-ins (fictional people; password for all: %(password)s)", password=DEMO_PASSWORD))
    for role, user in people:
        click.echo(f"  {role:<22} {user.email}")
    for credential in demo_credentials():
        base = current_app.config["IMSA_BASE_URL"].rstrip("/")
        click.echo(
            _(
                "Try verification: %(url)s  (code %(code)s)",
                url=f"{base}/verify/{credential.code}",
                code=credential.code,
            )
        )


@cohort_cli.command("sign-submissions")
def cohort_sign_submissions():
    """Give every submitted text without one a similarity signature (work submitted before the similarity
    check existed), so that new submissions are compared with it. Safe to run again."""
    from app.marking import similarity

    signed = similarity.sign_unsigned()
    db.session.commit()
    click.echo(ngettext("signed: %(num)s submission", "signed: %(num)s submissions", signed))


pack_cli = TranslatedGroup("pack", help=N_("A cohort's signed assurance pack: build it, check it."))


@pack_cli.command("build")
@click.argument("cohort")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def pack_build(cohort, file):
    """Write COHORT's signed assurance pack (a ZIP) to FILE."""
    from app.reports import assurance_pack

    data = assurance_pack.build(_find_cohort(cohort), None)
    db.session.commit()  # the building is audited
    file.write_bytes(data)
    click.echo(_("wrote %(file)s (%(size)s bytes)", file=file, size=f"{len(data):,}"))


@pack_cli.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@translated_option(
    "--key",
    "key_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help=N_("The issuer's public key (PEM), to check away from the platform; default: this platform's keys."),
)
def pack_verify(file, key_file):
    """Check a pack: the manifest's signature by the issuer's key, every file's SHA-256, nothing added."""
    from app.reports import assurance_pack, sealed_zip

    trusted = [key_file.read_bytes()] if key_file else assurance_pack.trusted_keys()
    report = sealed_zip.check(file.read_bytes(), trusted)
    if not report.ok:
        for problem in report.problems:
            click.echo(_("problem: %(message)s", message=problem), err=True)
        raise click.ClickException(_("%(file)s does not verify", file=file))
    click.echo(
        _("%(file)s verifies: %(count)s files, signed by the issuer", file=file, count=len(report.files))
    )


def _passphrase(confirm: bool) -> str:
    """``IMSA_BACKUP_PASSPHRASE``, or asked for without echoing it (twice when making a backup)."""
    return os.environ.get("IMSA_BACKUP_PASSPHRASE") or click.prompt(
        _("Backup passphrase"), hide_input=True, confirmation_prompt=confirm
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
        _error(refused)
        sys.exit(1)
    click.echo(
        _(
            "backup written: %(file)s (%(database)s, schema %(revision)s, %(count)s files)",
            file=file,
            database=manifest["database"],
            revision=manifest["schema_revision"],
            count=len(manifest["files"]),
        )
    )


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@translated_option("--force", is_flag=True, help=N_("Replace a database that already holds data."))
@translated_option(
    "--check",
    "check_only",
    is_flag=True,
    help=N_("Check the backup and the passphrase; restore nothing."),
)
def restore_command(file, force, check_only):
    """Restore a backup made by `imsa backup` into this instance, then verify the ledger. Every byte is
    checked before anything is changed; a database holding data is replaced only with --force."""
    from app import backup

    passphrase = _passphrase(confirm=False)
    try:
        if check_only:
            manifest = backup.check(file, passphrase)
            click.echo(
                _(
                    "backup intact: made %(made)s, schema %(revision)s",
                    made=manifest["created_at"],
                    revision=manifest["schema_revision"],
                )
            )
            return
        report = backup.restore(file, passphrase, force=force)
    except backup.BackupRefused as refused:
        _error(_("%(reason)s (nothing was changed)", reason=refused))
        sys.exit(1)
    click.echo(_("restored: %(file)s (made %(made)s)", file=file, made=report.manifest["created_at"]))
    if report.upgraded_from:
        click.echo(_("schema upgraded from %(revision)s", revision=report.upgraded_from))
    if report.keys_set_aside:
        click.echo(_("the key folder that was there is kept in %(folder)s", folder=report.keys_set_aside))
    if not report.ledger.intact:
        _error(
            _(
                "ledger broken at event %(event)s: %(reason)s",
                event=report.ledger.broken_at,
                reason=report.ledger.reason,
            )
        )
        sys.exit(1)
    click.echo(_("ledger intact: %(count)s events", count=report.ledger.events))


@jobs_cli.command("worker")
@translated_option("--workers", default=2, show_default=True, help=N_("Jobs run at once (threads)."))
def jobs_worker(workers):
    """Run queued jobs (mail, certificates, bulk approval) and the scheduled ones until stopped."""
    from app import jobs

    if current_app.config["IMSA_JOBS_IMMEDIATE"]:
        raise click.UsageError(
            _("IMSA_JOBS_IMMEDIATE is set: jobs run where they are queued, there is no queue")
        )
    jobs.run_worker(workers)


@jobs_cli.command("status")
def jobs_status():
    """How many jobs wait, and how long the oldest has waited."""
    from app import jobs

    waiting, oldest = jobs.backlog()
    if oldest is None:
        click.echo(_("waiting: %(count)s", count=waiting))
    else:
        click.echo(
            _("waiting: %(count)s, oldest queued %(seconds)s s ago", count=waiting, seconds=f"{oldest:.0f}")
        )


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
