"""``imsa privacy``: the subject-access export, erasure and the retention schedule from the command line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from app.database import db, utcnow
from app.workdays import london_date


@click.group("privacy")
def privacy_cli() -> None:
    """Personal data: export, erase, retention."""


@privacy_cli.command("export")
@click.argument("email")
@click.option(
    "--out", type=click.Path(path_type=Path), help="Where to write the ZIP (default: ./<email>.zip)."
)
def export_command(email: str, out: Path | None) -> None:
    """Write a ZIP of everything held about the person with EMAIL."""
    from app.privacy.export import export_zip
    from app.privacy.lookups import person_by_email
    from app.refusal import Refused

    try:
        data = export_zip(person_by_email(email), None)
    except Refused as refused:
        raise click.ClickException(str(refused)) from None
    out = out or Path(f"{email.strip().lower()}.zip")
    out.write_bytes(data)
    db.session.commit()
    click.echo(f"written: {out} ({len(data)} bytes)")


@privacy_cli.command("erase")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def erase_command(email: str, yes: bool) -> None:
    """Pseudonymise the person with EMAIL everywhere, keeping only what must be kept."""
    from app.privacy.erasure import erase
    from app.privacy.lookups import person_by_email
    from app.refusal import Refused

    try:
        user = person_by_email(email)
        if not yes:
            click.confirm(f"Erase {user.name} <{user.email}>? This cannot be undone.", abort=True)
        erasure = erase(user, None)
    except Refused as refused:
        raise click.ClickException(str(refused)) from None
    db.session.commit()
    if erasure.already:
        click.echo(f"already erased: {erasure.pseudonym}")
        return
    click.echo(f"erased: now {erasure.pseudonym}")
    for what, count in erasure.removed.items():
        click.echo(f"  removed or changed: {what}: {count}")
    for what, why in erasure.kept.items():
        click.echo(f"  kept: {what}: {why}")


@privacy_cli.command("retention")
@click.option("--dry-run", is_flag=True, help="List what would be removed; change nothing.")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), help="Apply as on this day (default: today).")
def retention_command(dry_run: bool, today) -> None:
    """Apply the retention schedule (IMSA_RETENTION)."""
    from app.privacy.retention import apply_retention

    day: date = today.date() if today else london_date(utcnow())
    run = apply_retention(day, dry_run)
    if not dry_run:
        db.session.commit()
    verb = "would remove" if dry_run else "removed"
    for removal in run.removals:
        click.echo(f"{verb}: {removal.kind} {removal.subject} ({removal.detail}; since {removal.since})")
    click.echo(f"{verb}: {len(run.removals)} item{'s' if len(run.removals) != 1 else ''}")
