"""Who may use what. Every view declares its access with one of these decorators; ``create_app``
refuses to start if a view has none, and the access test walks the URL map against the same table.

Service functions check permissions again with ``require_role``: routes are not the only callers.
"""

from __future__ import annotations

from functools import wraps

from flask import abort, redirect, request, url_for
from flask_login import current_user

from app.auth.models import Role

PUBLIC = "public"
SIGNED_IN = "signed_in"


class PermissionDenied(Exception):
    """The acting person may not make this change (shown to them as 403)."""


def require_role(actor, *roles: Role) -> None:
    """Raise ``PermissionDenied`` unless ``actor`` holds one of ``roles``.

    ``actor`` is None only for the ``imsa`` command line, which runs with the server's own authority.
    """
    if actor is not None and not actor.has_role(*roles):
        raise PermissionDenied(f"this needs the role {' or '.join(r.label for r in roles)}")


def public(view):
    """Anyone, signed in or not."""
    view.access = PUBLIC
    return view


def signed_in(view):
    """Any signed-in person; the view itself narrows to the person's own records."""
    return _guard(view, SIGNED_IN, roles=())


def roles_required(*roles: Role):
    """Signed-in people holding at least one of ``roles``."""

    def decorator(view):
        return _guard(view, frozenset(roles), roles=roles)

    return decorator


def _guard(view, access, roles):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
        if roles and not current_user.has_role(*roles):
            abort(403)
        return view(*args, **kwargs)

    wrapper.access = access
    return wrapper
