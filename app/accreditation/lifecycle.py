"""A credential's life after issue: suspension, reinstatement and revocation, each an event on the ledger
(which flips its bit in the published status list). Expiry needs no event: the signed dates say it."""

from __future__ import annotations

from app.accreditation import ledger
from app.accreditation.errors import AccreditationError
from app.accreditation.models import Credential, LedgerAction
from app.audit.services import record
from app.auth.access import require_role
from app.auth.models import Role
from app.database import utcnow
from app.i18n import gettext as _


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise AccreditationError(_("Give the reason (it is shown to anyone who checks the credential)"))
    return reason


def _not_replaced(credential: Credential) -> None:
    if credential.replaced_at:
        raise AccreditationError(_("This credential was replaced by a re-issue: change the current one"))


def suspend(credential: Credential, reason: str, actor) -> Credential:
    require_role(actor, Role.HUB_ADMIN)
    reason = _reason(reason)
    if credential.revoked_at:
        raise AccreditationError(_("A revoked credential cannot be suspended"))
    _not_replaced(credential)
    if credential.suspended_at:
        raise AccreditationError(_("This credential is already suspended"))
    credential.suspended_at, credential.suspension_reason = utcnow(), reason
    ledger.append(LedgerAction.SUSPEND, credential.code, actor, reason=reason)
    record(actor, "credential.suspended", credential, reason=reason)
    return credential


def reinstate(credential: Credential, note: str, actor) -> Credential:
    require_role(actor, Role.HUB_ADMIN)
    if credential.revoked_at or not credential.suspended_at:
        raise AccreditationError(_("Only a suspended credential can be reinstated"))
    credential.suspended_at = credential.suspension_reason = None
    ledger.append(LedgerAction.REINSTATE, credential.code, actor, note=note.strip())
    record(actor, "credential.reinstated", credential, note=note.strip())
    return credential


def revoke(credential: Credential, reason: str, actor) -> Credential:
    require_role(actor, Role.HUB_ADMIN)
    reason = _reason(reason)
    if credential.revoked_at:
        raise AccreditationError(_("This credential is already revoked"))
    _not_replaced(credential)
    credential.revoked_at, credential.revocation_reason = utcnow(), reason
    ledger.append(LedgerAction.REVOKE, credential.code, actor, reason=reason)
    record(actor, "credential.revoked", credential, reason=reason)
    return credential
