from __future__ import annotations

from app.auth.models import User
from app.auth.services import user_by_email
from app.i18n import gettext as _
from app.refusal import Refused


class NoSuchPerson(Refused):
    pass


def person_by_email(email: str, after: str = "") -> User:
    """The account with this email (an erased person is found by their pseudonymous address only);
    ``after``: a sentence to add to the refusal."""
    user = user_by_email(email or "")
    if user is None:
        message = _("No account has this email address.")
        raise NoSuchPerson(f"{message} {after}" if after else message, field="email")
    return user
