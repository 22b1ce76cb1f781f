"""``imsa credential show``: a credential checked from the command line as an outsider would check it.

It joins accreditation's ``credential`` group from here, the verifier's layer, because accreditation never
imports the verifier.
"""

from __future__ import annotations

import json

import click

from app.accreditation.cli import credential_cli, credential_or_exit
from app.i18n import gettext as _
from app.verify.verification import verify_token


@credential_cli.command("show")
@click.argument("code")
def credential_show(code):
    """Verify a credential as an outsider would, and print the verdict and its decoded payload."""
    result = verify_token(credential_or_exit(code).jws)
    click.echo(f"{result.verdict.label}")
    for check in result.checks:
        found = {"check": check.name, "detail": check.detail}
        click.echo(
            _("  ok  %(check)s: %(detail)s", **found)
            if check.passed
            else _("  NO  %(check)s: %(detail)s", **found)
        )
    click.echo(json.dumps(result.credential, indent=2, ensure_ascii=False))
