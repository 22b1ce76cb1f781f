from __future__ import annotations

from app.auth.models import User
from app.auth.services import user_by_email
from app.refusal import Refused


class NoSuchPerson(Refused):
    pass


def person_by_email(email: str, after: str = "") -> User:
    """The account with this email (an erased person is found by their pseudonymous address only)."""
    user = user_by_email(email or "")
    if user is None:
        raise NoSuchPerson(f"No account has this email address.{after}", field="email")
    return user
