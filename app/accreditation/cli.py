"""``imsa keys``, ``imsa credential`` and ``imsa ledger``: accreditation for scripts and operators.

Commands act with the server's own authority (actor None), and are recorded as "cli" in the ledger.
"""

from __future__ import annotations

import sys

import click
import sqlalchemy as sa

from app.accreditation import ledger, lifecycle
from app.accreditation.approval import approve, eligible_in
from app.accreditation.certificate_files import certificate_pdf
from app.accreditation.errors import AccreditationError
from app.accreditation.keys import SigningKeyMissing, keystore
from app.accreditation.lookups import by_typed_code
from app.accreditation.models import Credential
from app.accreditation.reminders import send_expiry_reminders
from app.auth.models import User
from app.cohorts.models import Cohort, Enrolment
from app.database import db, utcnow
from app.workdays import london_date

keys_cli = click.Group("keys", help="The issuer's signing keys (ES256): make, rotate, list.")
credential_cli = click.Group("credential", help="Issue, list, show, export and revoke credentials.")
ledger_cli = click.Group("ledger", help="The hash-chained credential ledger.")


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


@keys_cli.command("init")
def keys_init():
    """Make the first signing key (does nothing if one exists)."""
    made = keystore().init()
    click.echo(f"created key {made}" if made else f"a signing key already exists in {keystore().folder}")


@keys_cli.command("rotate")
@click.confirmation_option(prompt="Retire the active key and sign with a new one from now on?")
def keys_rotate():
    """Sign with a new key from now on; the old public key stays published, so old credentials verify."""
    try:
        old, new = keystore().rotate()
    except SigningKeyMissing as error:
        _fail(str(error))
    click.echo(f"retired {old} (public key still published); now signing with {new}")


@keys_cli.command("list")
def keys_list():
    """Every published key: the active one first."""
    store = keystore()
    keys = store.public_keys()
    if not keys:
        _fail(f"no keys in {store.folder}: run `imsa keys init`")
    for key in keys:
        state = "active " if key.active else "retired"
        click.echo(f"{state}  {key.created_at:%Y-%m-%d}  {store.kid(key.thumbprint)}")


def credential_or_exit(code: str) -> Credential:
    """The credential with this code (as typed), or exit with an error."""
    found = by_typed_code(code)
    if found is None:
        _fail(f"no credential with code {code!r}")
    return found


@credential_cli.command("issue")
@click.argument("who", required=False)
@click.option(
    "--cohort", "cohort_name", help="Approve everyone eligible in this cohort (by name), with progress."
)
@click.option("--note", default="Approved from the command line.", help="The approval note.")
def credential_issue(who, cohort_name, note):
    """Approve and issue for one enrolment (its public id, or the trainee's email), or a whole cohort.

    For a cohort, each award is committed on its own and its certificate PDF is rendered straight away.
    """
    if cohort_name:
        _issue_cohort(cohort_name, note)
        return
    if not who:
        _fail("give an enrolment (public id or email) or --cohort NAME")
    enrolments = list(
        db.session.scalars(
            sa.select(Enrolment)
            .join(User, User.id == Enrolment.user_id)
            .where(sa.or_(Enrolment.public_id == who, sa.func.lower(User.email) == who.strip().lower()))
        )
    )
    if len(enrolments) != 1:
        _fail(f"{who!r} matches {len(enrolments)} enrolments: give the enrolment's public id")
    try:
        credential = approve(enrolments[0], note, actor=None)
    except (AccreditationError, SigningKeyMissing) as error:
        _fail(str(error))
    db.session.commit()
    click.echo(credential.code)


def _issue_cohort(name: str, note: str) -> None:
    cohort = db.session.scalar(sa.select(Cohort).where(sa.func.lower(Cohort.name) == name.strip().lower()))
    if cohort is None:
        _fail(f"no cohort called {name!r}")
    eligible = eligible_in(cohort)
    if not eligible:
        click.echo(f"nobody in {cohort.name} is waiting for approval")
        return
    try:
        keystore().signing_key()
    except SigningKeyMissing as error:
        _fail(str(error))
    with click.progressbar(length=len(eligible), label=f"Issuing for {cohort.name}") as bar:
        issued = approve_cohort_committing_each(eligible, note, progress=lambda: bar.update(1))
    with click.progressbar(issued, label="Rendering certificates") as bar:
        for credential in bar:
            certificate_pdf(credential)
    click.echo(f"issued {len(issued)} of {len(eligible)}")
    for credential in issued:
        click.echo(f"{credential.code}  {credential.holder.name}")


def approve_cohort_committing_each(eligible: list[Enrolment], note: str, progress) -> list[Credential]:
    """Approve each of ``eligible``, committing each award on its own, so one refusal undoes no other and
    an interrupted run keeps what it issued; ``progress()`` is called after each."""
    issued = []
    for enrolment in eligible:
        try:
            credential = approve(enrolment, note, actor=None)
        except AccreditationError:
            db.session.rollback()
        else:
            db.session.commit()
            issued.append(credential)
        progress()
    return issued


@credential_cli.command("list")
def credential_list():
    """Every credential, newest first, with its recorded state."""
    for credential in db.session.scalars(sa.select(Credential).order_by(Credential.valid_from.desc())):
        until = f"{credential.valid_until:%Y-%m-%d}"
        click.echo(
            f"{credential.code}  {credential.recorded_state:<9}  until {until}  {credential.holder.name}"
        )


@credential_cli.command("export")
@click.argument("code")
def credential_export(code):
    """Print the signed credential (compact JWS), e.g. to check it with other tools."""
    click.echo(credential_or_exit(code).jws)


@credential_cli.command("revoke")
@click.argument("code")
@click.option("--reason", required=True, help="Shown to anyone who checks the credential.")
@click.confirmation_option(prompt="Revoking cannot be undone. Revoke?")
def credential_revoke(code, reason):
    """Revoke a credential, with the reason anyone checking it will see."""
    credential = credential_or_exit(code)
    try:
        lifecycle.revoke(credential, reason, actor=None)
    except AccreditationError as error:
        _fail(str(error))
    db.session.commit()
    click.echo(f"revoked {credential.code}")


@ledger_cli.command("verify")
def ledger_verify():
    """Recompute the hash chain from the first event; name the first broken link."""
    report = ledger.verify()
    if report.intact:
        click.echo(f"ledger intact: {report.events} events")
        return
    _fail(f"ledger broken at event {report.broken_at}: {report.reason}")


@credential_cli.command("remind-expiry")
@click.option(
    "--today", type=click.DateTime(["%Y-%m-%d"]), help="The day to act as (default: today in London)."
)
def credential_remind_expiry(today):
    """Email each holder whose credential expires in 90 or 30 days; each reminder is sent once."""
    day = today.date() if today else london_date(utcnow())
    sent = send_expiry_reminders(day)
    db.session.commit()
    click.echo(f"sent {sent} expiry reminder{'s' if sent != 1 else ''}")
