"""``imsa privacy``: the subject-access export, erasure and the retention schedule from the command line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from flask_babel import ngettext

from app.database import db, utcnow
from app.i18n import N_, TranslatedGroup, translated_option
from app.i18n import gettext as _
from app.workdays import london_date


@click.group("privacy", cls=TranslatedGroup, help=N_("Personal data: export, erase, retention."))
def privacy_cli() -> None:
    pass


@privacy_cli.command("export")
@click.argument("email")
@translated_option(
    "--out",
    type=click.Path(path_type=Path),
    help=N_("Where to write the ZIP (default: ./<email>.zip)."),
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
    click.echo(_("written: %(file)s (%(size)s bytes)", file=out, size=len(data)))


@privacy_cli.command("erase")
@click.argument("email")
@translated_option("--yes", is_flag=True, help=N_("Do not ask for confirmation."))
def erase_command(email: str, yes: bool) -> None:
    """Pseudonymise the person with EMAIL everywhere, keeping only what must be kept."""
    from app.privacy.erasure import erase
    from app.privacy.lookups import person_by_email
    from app.refusal import Refused

    try:
        user = person_by_email(email)
        if not yes:
            click.confirm(
                _("Erase %(name)s <%(email)s>? This cannot be undone.", name=user.name, email=user.email),
                abort=True,
            )
        erasure = erase(user, None)
    except Refused as refused:
        raise click.ClickException(str(refused)) from None
    db.session.commit()
    if erasure.already:
        click.echo(_("already erased: %(pseudonym)s", pseudonym=erasure.pseudonym))
        return
    click.echo(_("erased: now %(pseudonym)s", pseudonym=erasure.pseudonym))
    for what, count in erasure.removed.items():
        click.echo(_("  removed or changed: %(what)s: %(count)s", what=what, count=count))
    for what, why in erasure.kept.items():
        click.echo(_("  kept: %(what)s: %(why)s", what=what, why=why))


@privacy_cli.command("retention")
@translated_option("--dry-run", is_flag=True, help=N_("List what would be removed; change nothing."))
@translated_option(
    "--today",
    type=click.DateTime(["%Y-%m-%d"]),
    help=N_("Apply as on this day (default: today)."),
)
def retention_command(dry_run: bool, today) -> None:
    """Apply the retention schedule (IMSA_RETENTION)."""
    from app.privacy.retention import apply_retention

    day: date = today.date() if today else london_date(utcnow())
    run = apply_retention(day, dry_run)
    if not dry_run:
        db.session.commit()
    for removal in run.removals:
        found = {
            "kind": removal.kind,
            "subject": removal.subject,
            "detail": removal.detail,
            "since": removal.since,
        }
        if dry_run:
            click.echo(_("would remove: %(kind)s %(subject)s (%(detail)s; since %(since)s)", **found))
        else:
            click.echo(_("removed: %(kind)s %(subject)s (%(detail)s; since %(since)s)", **found))
    count = len(run.removals)
    if dry_run:
        click.echo(ngettext("would remove: %(num)s item", "would remove: %(num)s items", count))
    else:
        click.echo(ngettext("removed: %(num)s item", "removed: %(num)s items", count))
