"""The ``imsa`` command: everything ``flask`` offers (``run``, ``db``, ``shell``) plus the platform's
own groups. Commands are grouped by domain: ``curriculum``, ``user``, ``keys``, ``credential``, ``ledger``
(the last three in ``app/accreditation/cli.py``), and ``init`` / ``demo`` to set up.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup

from app.database import db


def _create_app() -> Flask:
    from app import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def main() -> None:
    """IMSA® training platform."""


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
user_cli = click.Group("user", help="Accounts from the command line (for the first Hub admin).")


@curriculum_cli.command("validate")
@_content_options
def curriculum_validate(content_dir, assessments_dir):
    """Check the curriculum files; print every problem with its file and line."""
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
    # Not an error (the content is still valid), but trainees are warned on these pages: say so here too.
    for module in loaded.modules:
        for lesson in module.lessons:
            if lesson.review_due and lesson.review_due < date.today():
                due = lesson.review_due
                click.echo(f"warning: {lesson.source_path}: its legal review was due on {due}", err=True)


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
    from app.curriculum.review import REVIEW_FILE, render, review_items

    content, assessments = _dirs(content_dir, assessments_dir)
    text = render(review_items(content, assessments))
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
    type=click.Choice(["trainee", "trainer", "hub_admin", "org_manager"]),
)
def user_invite(email, name, roles):
    """Invite a person (e.g. the first Hub admin) and print their invitation link."""
    from app.auth import services
    from app.auth.models import Role
    from app.mail.services import outbox

    user = services.invite(email, name, {Role(r) for r in roles}, actor=None)
    db.session.commit()
    click.echo(f"invited {user.email}; the email is in the outbox:")
    click.echo(outbox(limit=1)[0].body)


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


def register_commands(app: Flask) -> None:
    from app.accreditation.cli import credential_cli, keys_cli, ledger_cli

    for command in (
        curriculum_cli,
        user_cli,
        init_command,
        demo_command,
        keys_cli,
        credential_cli,
        ledger_cli,
    ):
        app.cli.add_command(command)
