from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.database import UTCDateTime, db, new_public_id, utcnow

QUEUED, SENT, FAILED, OUTBOX_ONLY = "queued", "sent", "failed", "outbox"


class OutboxMessage(db.Model):
    """An email the platform sent, and how its delivery went. Without SMTP this outbox is the only delivery:
    Hub admins read it. With SMTP a job per message delivers it, trying again on failure."""

    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(16), unique=True, default=new_public_id)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    recipient: Mapped[str] = mapped_column(sa.String(254), index=True)
    subject: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    delivered_by: Mapped[str] = mapped_column(sa.String(16))  # "smtp" or "outbox"
    # queued → sent, or failed (after the last try; a Hub admin may queue it again); "outbox" without SMTP.
    status: Mapped[str] = mapped_column(sa.String(16), default=OUTBOX_ONLY, server_default=SENT, index=True)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(sa.String(500))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The text to send by SMTP, kept only until it is sent (it may hold a sign-in link); never shown.
    pending_body: Mapped[str | None] = mapped_column(sa.Text)
