from __future__ import annotations

from flask import abort

from app.mail.models import OutboxMessage
from app.mail.services import by_public_id


def message_or_404(public_id: str) -> OutboxMessage:
    message = by_public_id(public_id)
    if message is None:
        abort(404)
    return message
