"""The mail backend: SMTP when ``IMSA_SMTP_HOST`` is set, otherwise the in-app outbox and the log.

Messages are queued on the database session and delivered only after it commits, so a link in an
email always points at something that was really saved.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.database import db
from app.mail.models import OutboxMessage

log = logging.getLogger("imsa.mail")

_PENDING = "imsa_pending_mail"


def send(recipient: str, subject: str, body: str) -> OutboxMessage:
    """Queue an email for delivery when the current transaction commits."""
    config = current_app.config
    via_smtp = bool(config["IMSA_SMTP_HOST"])
    message = OutboxMessage(
        recipient=recipient,
        subject=subject,
        # With SMTP the body (which may hold a sign-in link) is not kept where staff can read it.
        body="(Delivered by SMTP; the text is not kept.)" if via_smtp else body,
        delivered_by="smtp" if via_smtp else "outbox",
    )
    db.session.add(message)
    smtp = None
    if via_smtp:
        smtp = {key: config[f"IMSA_SMTP_{key}"] for key in ("HOST", "PORT", "USER", "PASSWORD", "STARTTLS")}
    db.session.info.setdefault(_PENDING, []).append(
        (recipient, subject, body, config["IMSA_MAIL_FROM"], smtp)
    )
    return message


def outbox(limit: int = 200) -> list[OutboxMessage]:
    return list(db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)))


def _deliver(recipient, subject, body, sender, smtp) -> None:
    if smtp is None:
        log.info("mail to outbox", extra={"recipient": recipient, "subject": subject})
        return
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, recipient, subject
    message.set_content(body)
    try:
        with smtplib.SMTP(smtp["HOST"], smtp["PORT"], timeout=20) as client:
            if smtp["STARTTLS"]:
                client.starttls()
            if smtp["USER"]:
                client.login(smtp["USER"], smtp["PASSWORD"])
            client.send_message(message)
        log.info("mail sent by smtp", extra={"recipient": recipient, "subject": subject})
    except (OSError, smtplib.SMTPException):
        log.exception("mail delivery failed", extra={"recipient": recipient, "subject": subject})


@event.listens_for(Session, "after_commit")
def _deliver_pending(session: Session) -> None:
    for item in session.info.pop(_PENDING, []):
        _deliver(*item)


@event.listens_for(Session, "after_soft_rollback")
def _discard_pending(session: Session, previous_transaction) -> None:
    session.info.pop(_PENDING, None)
