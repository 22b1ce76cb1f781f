"""The outbox's one change: a Hub admin queues a message that failed for good to be sent again."""

from __future__ import annotations

from app.audit.services import record
from app.auth.access import require_role
from app.auth.models import Role
from app.mail import services as mail
from app.mail.models import OutboxMessage


def retry(message: OutboxMessage, actor) -> bool:
    """Queue ``message`` again if it failed; False (and nothing recorded) when it is not failed, e.g. the
    second of a double-click, or a message that was sent meanwhile."""
    require_role(actor, Role.HUB_ADMIN)
    if not mail.retry(message):
        return False
    record(actor, "mail.retried", message, recipient=message.recipient)
    return True
