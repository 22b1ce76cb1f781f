"""The holder's controls over who can see their credential: the public verify-by-code page on or off,
and share links that show the full verdict to whoever has the link, until they expire or are revoked.

The signed file and the certificate PDF are the holder's to hand out and verify in full whatever these
say: a name in a file the holder chose to share is shown to whoever checks it.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.accreditation.errors import AccreditationError
from app.accreditation.models import Credential, ShareLink
from app.audit.services import record
from app.auth.access import PermissionDenied
from app.auth.policy import holds_credential
from app.database import db, utcnow
from app.i18n import gettext as _
from app.learning.once import update_if

SHARE_DAYS = (7, 30, 90)
DOUBLE_CLICK_SECONDS = 10


def set_public_page(credential: Credential, public: bool, actor) -> Credential:
    """Turn the public verify-by-code page on or off. Setting it to what it already is changes nothing."""
    if not holds_credential(actor, credential):
        raise PermissionDenied("only the holder chooses who can look their credential up")
    if update_if(credential, Credential.public_page != public, public_page=public):
        record(actor, "credential.public_page", credential, public=public)
    return credential


def create_share_link(
    credential: Credential, days: int | str, actor, now: datetime | None = None
) -> ShareLink:
    if not holds_credential(actor, credential):
        raise PermissionDenied("only the holder shares their credential")
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = 0
    if days not in SHARE_DAYS:
        raise AccreditationError(_("Choose how long the link should work"), field="days")
    if credential.revoked_at or credential.replaced_at:
        raise AccreditationError(_("Only your current credential can be shared"), field="days")
    now = now or utcnow()
    repeat = _just_made(credential, days, now)
    if repeat is not None:
        return repeat  # a double click makes one link
    link = ShareLink(
        token=secrets.token_urlsafe(24),
        credential=credential,
        created_at=now,
        expires_at=now + timedelta(days),
    )
    db.session.add(link)
    record(actor, "credential.share_link_created", credential, days=days)
    return link


def _just_made(credential: Credential, days: int, now: datetime) -> ShareLink | None:
    since = now - timedelta(seconds=DOUBLE_CLICK_SECONDS)
    recent = db.session.scalars(
        sa.select(ShareLink).where(
            ShareLink.credential_id == credential.id,
            ShareLink.created_at >= since,
            ShareLink.revoked_at.is_(None),
        )
    )
    return next((link for link in recent if link.expires_at - link.created_at == timedelta(days)), None)


def revoke_share_link(link: ShareLink, actor) -> ShareLink:
    """Stop a share link working. Revoking one already revoked changes nothing (a double click)."""
    if not holds_credential(actor, link.credential):
        raise PermissionDenied("only the holder revokes their share links")
    if update_if(link, ShareLink.revoked_at.is_(None), revoked_at=utcnow()):
        record(actor, "credential.share_link_revoked", link.credential)
    return link


def share_links(credential: Credential) -> list[ShareLink]:
    """The links still working, newest first."""
    return list(
        db.session.scalars(
            sa.select(ShareLink)
            .where(
                ShareLink.credential_id == credential.id,
                ShareLink.revoked_at.is_(None),
                ShareLink.expires_at > utcnow(),
            )
            .order_by(ShareLink.created_at.desc())
        )
    )


def link_works(link: ShareLink, now: datetime | None = None) -> bool:
    """A share link shows the credential while it is neither revoked nor past its expiry."""
    return link.revoked_at is None and (now or utcnow()) <= link.expires_at
