"""Expiry reminders: an email to the holder 90 and 30 days before their credential's ``validUntil``.

``send_expiry_reminders(today)`` is idempotent: each (credential, days) reminder is recorded once in
``credential_reminder`` (inserted with ``insert_once``), so running it twice a day, or on two workers,
sends each reminder once. A run that missed a day still sends the reminder late rather than never, until
the next one is due (a 90-day reminder is not sent once fewer than 30 days are left).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import render_template
from sqlalchemy.orm import aliased

from app.accreditation.models import Credential, CredentialKind, CredentialReminder
from app.auth.services import in_language_of
from app.database import db
from app.i18n import gettext as _
from app.learning.once import insert_once
from app.mail.services import send
from app.templating import LONDON
from app.urls import external_url

REMINDER_DAYS = (90, 30)


def due(valid_until: date, today: date) -> int | None:
    """The reminder due today for a credential valid until ``valid_until``: 90, 30, or None."""
    left = (valid_until - today).days
    if left < 0:
        return None
    for days, next_days in zip(REMINDER_DAYS, (*REMINDER_DAYS[1:], -1), strict=True):
        if next_days < left <= days:
            return days
    return None


def send_expiry_reminders(today: date) -> int:
    """Send each reminder due on ``today`` (a London date) that was not sent before; how many were sent."""
    horizon = datetime.combine(today + timedelta(days=max(REMINDER_DAYS) + 1), time(), LONDON)
    renewal = aliased(Credential)
    candidates = db.session.scalars(
        sa.select(Credential).where(
            Credential.kind == CredentialKind.AWARD,  # one reminder about the accreditation, not its records
            Credential.valid_until <= horizon,
            Credential.revoked_at.is_(None),
            Credential.suspended_at.is_(None),
            Credential.replaced_at.is_(None),
            ~sa.exists().where(renewal.renews_id == Credential.id),  # renewed: nothing to remind
        )
    )
    sent = 0
    for credential in candidates:
        days = due(credential.valid_until.astimezone(LONDON).date(), today)
        if days is None or not insert_once(
            CredentialReminder, ("credential_id", "days"), credential_id=credential.id, days=days
        ):
            continue
        holder = credential.holder
        with in_language_of(holder):
            send(
                holder.email,
                _("Your IMSA® accreditation expires in %(days)s days", days=days),
                render_template(
                    "accreditation/email/expiry_reminder.txt",
                    holder=holder,
                    credential=credential,
                    days=days,
                    until=credential.valid_until.astimezone(LONDON).date(),
                    url=external_url("accreditation.mine"),
                ),
            )
        sent += 1
    return sent
