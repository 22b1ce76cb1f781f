"""``imsa keys``, ``imsa credential`` and ``imsa ledger``: accreditation for scripts and operators.

Commands act with the server's own authority (actor None), and are recorded as "cli" in the ledger.
"""

from __future__ import annotations

import sys

import click
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

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
from app.i18n import N_, TranslatedGroup, translated_option
from app.i18n import gettext as _
from app.workdays import london_date

keys_cli = TranslatedGroup("keys", help=N_("The issuer's signing keys (ES256): make, rotate, list."))
credential_cli = TranslatedGroup("credential", help=N_("Issue, list, show, export and revoke credentials."))
ledger_cli = TranslatedGroup("ledger", help=N_("The hash-chained credential ledger."))


def _fail(message: str) -> None:
    click.echo(_("error: %(message)s", message=message), err=True)
    sys.exit(1)


@keys_cli.command("init")
def keys_init():
    """Make the first signing key (does nothing if one exists)."""
    made = keystore().init()
    click.echo(
        _("created key %(key)s", key=made)
        if made
        else _("a signing key already exists in %(folder)s", folder=keystore().folder)
    )


@keys_cli.command("rotate")
@click.confirmation_option(prompt=_l("Retire the active key and sign with a new one from now on?"))
def keys_rotate():
    """Sign with a new key from now on; the old public key stays published, so old credentials verify."""
    try:
        old, new = keystore().rotate()
    except SigningKeyMissing as error:
        _fail(str(error))
    click.echo(_("retired %(old)s (public key still published); now signing with %(new)s", old=old, new=new))


@keys_cli.command("list")
def keys_list():
    """Every published key: the active one first."""
    store = keystore()
    keys = store.public_keys()
    if not keys:
        _fail(_("no keys in %(folder)s: run `imsa keys init`", folder=store.folder))
    for key in keys:
        state = "active " if key.active else "retired"
        click.echo(f"{state}  {key.created_at:%Y-%m-%d}  {store.kid(key.thumbprint)}")


def credential_or_exit(code: str) -> Credential:
    """The credential with this code (as typed), or exit with an error."""
    found = by_typed_code(code)
    if found is None:
        _fail(_("no credential with code %(code)s", code=repr(code)))
    return found


@credential_cli.command("issue")
@click.argument("who", required=False)
@translated_option(
    "--cohort",
    "cohort_name",
    help=N_("Approve everyone eligible in this cohort (by name), with progress."),
)
@translated_option("--note", default="Approved from the command line.", help=N_("The approval note."))
def credential_issue(who, cohort_name, note):
    """Approve and issue for one enrolment (its public id, or the trainee's email), or a whole cohort.

    For a cohort, each award is committed on its own and its certificate PDF is rendered straight away.
    """
    if cohort_name:
        _issue_cohort(cohort_name, note)
        return
    if not who:
        _fail(_("give an enrolment (public id or email) or --cohort NAME"))
    enrolments = list(
        db.session.scalars(
            sa.select(Enrolment)
            .join(User, User.id == Enrolment.user_id)
            .where(sa.or_(Enrolment.public_id == who, sa.func.lower(User.email) == who.strip().lower()))
        )
    )
    if len(enrolments) != 1:
        _fail(
            _(
                "%(who)s matches %(count)s enrolments: give the enrolment's public id",
                who=repr(who),
                count=len(enrolments),
            )
        )
    try:
        credential = approve(enrolments[0], note, actor=None)
    except (AccreditationError, SigningKeyMissing) as error:
        _fail(str(error))
    db.session.commit()
    click.echo(credential.code)


def _issue_cohort(name: str, note: str) -> None:
    cohort = db.session.scalar(sa.select(Cohort).where(sa.func.lower(Cohort.name) == name.strip().lower()))
    if cohort is None:
        _fail(_("no cohort called %(name)s", name=repr(name)))
    eligible = eligible_in(cohort)
    if not eligible:
        click.echo(_("nobody in %(cohort)s is waiting for approval", cohort=cohort.name))
        return
    try:
        keystore().signing_key()
    except SigningKeyMissing as error:
        _fail(str(error))
    with click.progressbar(
        length=len(eligible), label=_("Issuing for %(cohort)s", cohort=cohort.name)
    ) as bar:
        issued = approve_cohort_committing_each(eligible, note, progress=lambda: bar.update(1))
    with click.progressbar(issued, label=_("Rendering certificates")) as bar:
        for credential in bar:
            certificate_pdf(credential)
    click.echo(_("issued %(issued)s of %(eligible)s", issued=len(issued), eligible=len(eligible)))
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
@translated_option("--reason", required=True, help=N_("Shown to anyone who checks the credential."))
@click.confirmation_option(prompt=_l("Revoking cannot be undone. Revoke?"))
def credential_revoke(code, reason):
    """Revoke a credential, with the reason anyone checking it will see."""
    credential = credential_or_exit(code)
    try:
        lifecycle.revoke(credential, reason, actor=None)
    except AccreditationError as error:
        _fail(str(error))
    db.session.commit()
    click.echo(_("revoked %(code)s", code=credential.code))


@ledger_cli.command("verify")
def ledger_verify():
    """Recompute the hash chain from the first event; name the first broken link."""
    report = ledger.verify()
    if report.intact:
        click.echo(_("ledger intact: %(count)s events", count=report.events))
        return
    _fail(_("ledger broken at event %(event)s: %(reason)s", event=report.broken_at, reason=report.reason))


@credential_cli.command("remind-expiry")
@translated_option(
    "--today",
    type=click.DateTime(["%Y-%m-%d"]),
    help=N_("The day to act as (default: today in London)."),
)
def credential_remind_expiry(today):
    """Email each holder whose credential expires in 90 or 30 days; each reminder is sent once."""
    day = today.date() if today else london_date(utcnow())
    sent = send_expiry_reminders(day)
    db.session.commit()
    click.echo(ngettext("sent %(num)s expiry reminder", "sent %(num)s expiry reminders", sent))
