"""The mail backend: SMTP when ``IMSA_SMTP_HOST`` is set, otherwise the in-app outbox and the log.

Every message is a row in the outbox. With SMTP, a job per message (``deliver``) sends it once the
transaction that wrote it commits, so a link in an email always points at something that was really saved;
a refused or unreachable server is tried again with growing waits, and the row records each attempt, the
last error and, after the last try, that it failed (a Hub admin can queue it again).
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app

from app.database import db, utcnow
from app.jobs import job
from app.mail.models import FAILED, OUTBOX_ONLY, QUEUED, SENT, OutboxMessage

log = logging.getLogger("imsa.mail")

# Tries after the first, and the first wait in seconds (doubled each time): 1, 2, 4, 8 and 16 minutes.
RETRIES, RETRY_DELAY = 5, 60


def send(recipient: str, subject: str, body: str) -> OutboxMessage:
    """Write the email to the outbox and, with SMTP, queue its delivery for when the transaction commits."""
    via_smtp = bool(current_app.config["IMSA_SMTP_HOST"])
    message = OutboxMessage(
        recipient=recipient,
        subject=subject,
        # With SMTP the body (which may hold a sign-in link) is not kept where staff can read it.
        body="(Delivered by SMTP; the text is not kept.)" if via_smtp else body,
        delivered_by="smtp" if via_smtp else "outbox",
        status=QUEUED if via_smtp else OUTBOX_ONLY,
        attempts=0,
        pending_body=body if via_smtp else None,
    )
    db.session.add(message)
    if via_smtp:
        db.session.flush()
        deliver.enqueue_after_commit(message.id)
    else:
        log.info("mail to outbox", extra={"recipient": recipient, "subject": subject})
    return message


def outbox(limit: int = 200) -> list[OutboxMessage]:
    return list(db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)))


def _smtp_send(recipient: str, subject: str, body: str) -> None:
    config = current_app.config
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = config["IMSA_MAIL_FROM"], recipient, subject
    message.set_content(body)
    with smtplib.SMTP(config["IMSA_SMTP_HOST"], config["IMSA_SMTP_PORT"], timeout=20) as client:
        if config["IMSA_SMTP_STARTTLS"]:
            client.starttls()
        if config["IMSA_SMTP_USER"]:
            client.login(config["IMSA_SMTP_USER"], config["IMSA_SMTP_PASSWORD"])
        client.send_message(message)


def _mark_failed(message_id: int, error: Exception) -> None:
    """After the last try: the row says so, keeping the text so that a Hub admin can queue it again."""
    db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.id == message_id).values(status=FAILED))


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:500]


@job(retries=RETRIES, retry_delay=RETRY_DELAY, retry_backoff=2, on_failure=_mark_failed)
def deliver(message_id: int) -> None:
    """Send one queued message by SMTP; raise (so the queue tries again) when the server does not take it."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.status != QUEUED:
        return  # sent already (a retry queued twice), or no longer wanted
    attempt = message.attempts + 1
    try:
        _smtp_send(message.recipient, message.subject, message.pending_body or "")
    except (OSError, smtplib.SMTPException) as error:
        message.attempts, message.last_error = attempt, _describe(error)
        db.session.commit()  # the attempt stays on record when the job is rolled back by the raise
        log.warning(
            "mail delivery failed (attempt %d): %s",
            attempt,
            message.last_error,
            extra={"recipient": message.recipient, "subject": message.subject},
        )
        raise
    message.attempts, message.status, message.sent_at, message.pending_body = attempt, SENT, utcnow(), None
    log.info("mail sent by smtp", extra={"recipient": message.recipient, "subject": message.subject})


def retry(message: OutboxMessage) -> bool:
    """Queue a failed message again (a Hub admin's button); False when it is not failed (a second click)."""
    changed = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message.id, OutboxMessage.status == FAILED)
        .values(status=QUEUED, last_error=None)
    )
    db.session.refresh(message)
    if changed.rowcount != 1:
        return False
    deliver.enqueue_after_commit(message.id)
    return True


def by_public_id(public_id: str) -> OutboxMessage | None:
    return db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.public_id == public_id))
