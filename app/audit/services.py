"""The audit trail. ``record`` adds to the caller's transaction, so the event and the change
it describes are committed (or rolled back) together."""

from __future__ import annotations

from typing import Any

from app.audit.models import AuditEvent
from app.database import db


def record(actor, action: str, subject, **details: Any) -> AuditEvent:
    """Add an event about ``subject`` (a model with ``public_id`` or ``id``) by ``actor`` (None: the CLI)."""
    if subject.id is None:  # a new record gets its id first, so the event can name it
        db.session.add(subject)
        db.session.flush()
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        subject_type=type(subject).__name__,
        subject_id=str(getattr(subject, "public_id", None) or subject.id),
        details=details,
    )
    db.session.add(event)
    return event


def events_for(subject) -> list[AuditEvent]:
    subject_id = str(getattr(subject, "public_id", None) or subject.id)
    return list(
        db.session.scalars(
            db.select(AuditEvent)
            .where(AuditEvent.subject_type == type(subject).__name__, AuditEvent.subject_id == subject_id)
            .order_by(AuditEvent.id)
        )
    )
