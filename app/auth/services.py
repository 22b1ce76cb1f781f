"""Accounts: invitations, signing in, password resets. Each change writes its audit event in the
caller's transaction; routes and the CLI commit."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from datetime import timedelta
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, render_template
from flask_babel import force_locale

from app.audit.services import record
from app.auth import policy
from app.auth.access import PermissionDenied, require_role
from app.auth.models import Invitation, PasswordReset, Role, User, UserRole
from app.database import db, utcnow
from app.i18n import ENGLISH, LANGUAGES, babel_locale
from app.i18n import gettext as _
from app.mail.services import send
from app.urls import external_url

MIN_PASSWORD_LENGTH = 12


def password_hasher(config: Mapping[str, Any] | None = None) -> PasswordHasher:
    """The argon2 hasher with the parameters of ``config`` (by default the current app's config)."""
    config = current_app.config if config is None else config
    return _hasher_with(
        config["IMSA_ARGON2_TIME_COST"], config["IMSA_ARGON2_MEMORY_COST"], config["IMSA_ARGON2_PARALLELISM"]
    )


@cache
def _hasher_with(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


@cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    """Verified against when no account matches, so an unknown email takes as long as a wrong password.
    Made on first use: hashing is deliberately slow, and every `imsa` command starts the app."""
    return hasher.hash("no account has this password")


class TokenInvalid(Exception):
    """An invitation or reset link that cannot be used; the message says why, in plain words."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, _token_hash(token)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def set_password(user: User, password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"passwords must be at least {MIN_PASSWORD_LENGTH} characters")
    user.password_hash = password_hasher().hash(password)
    user.session_token = secrets.token_urlsafe(32)  # signs out every other session


def user_by_email(email: str) -> User | None:
    return db.session.scalar(db.select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None (without saying which part was wrong)."""
    user = user_by_email(email)
    hasher = password_hasher()
    stored = user.password_hash if user and user.password_hash else _dummy_hash(hasher)
    try:
        hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.is_active or user.password_hash is None:
        return None
    if hasher.check_needs_rehash(stored):
        user.password_hash = hasher.hash(password)
    user.last_signed_in_at = utcnow()
    record(user, "auth.signed_in", user)
    return user


def end_sessions(user: User) -> None:
    """Sign ``user`` out everywhere: every session and remember-me cookie names the old ``session_token``
    (``User.get_id``), so a copy of one, taken at any time before, no longer finds the account."""
    user.session_token = secrets.token_urlsafe(32)


def grant_roles(user: User, roles: set[Role]) -> None:
    """Grant ``roles``; when that changes what the person holds, their sessions end (they sign in again)."""
    new = roles - user.roles
    for role in new:
        user.role_grants.append(UserRole(role=role))
    if new:
        end_sessions(user)


def sign_out(user: User) -> None:
    """The person signs out: this session ends, and with it every other one (one version per account)."""
    end_sessions(user)
    record(user, "auth.signed_out", user)


def sign_out_everywhere(user: User, actor) -> None:
    """End every session of ``user`` on every device, at their own request (or the server's)."""
    if not policy.may_end_sessions_of(actor, user):
        raise PermissionDenied("only the account holder can sign their account out everywhere")
    end_sessions(user)
    record(actor, "auth.signed_out_everywhere", user)


def set_language(user: User, language: str) -> None:
    """The person's own choice of language for pages and the emails the platform sends them."""
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}")
    if user.language == language:
        return
    user.language = language
    record(user, "auth.language_chosen", user, language=language)


def invite(
    email: str, name: str, roles: set[Role], actor, organisation=None, language: str | None = None
) -> User:
    """Create (or find) the account for ``email``, grant ``roles`` and email a single-use invitation.

    ``language`` is the person's language, when the inviter knows it (a new account only): the
    invitation is written in it. Emails go out in the recipient's stored language, English until chosen.

    A person who has already accepted an invitation is only granted the roles and told by email.
    A person still waiting gets a fresh link; older links stop working.
    """
    require_role(actor, Role.HUB_ADMIN)
    user = user_by_email(email)
    if user is None:
        user = User(
            email=normalise_email(email), name=name.strip(), organisation=organisation, language=language
        )
        db.session.add(user)
    grant_roles(user, roles)
    record(actor, "auth.roles_granted", user, roles=sorted(r.value for r in roles))
    if user.is_active:
        with in_language_of(user):
            send(
                user.email,
                _("You have a new role on IMSA® training"),
                render_template("auth/email/roles_granted.txt", user=user, roles=roles),
            )
        return user
    now = utcnow()
    pending = db.select(Invitation).where(
        Invitation.user_id == user.id, Invitation.accepted_at.is_(None), Invitation.withdrawn_at.is_(None)
    )
    for old in db.session.scalars(pending):
        old.withdrawn_at = now
    token, token_hash = _new_token()
    days = current_app.config["IMSA_INVITATION_DAYS"]
    invitation = Invitation(
        user=user,
        token_hash=token_hash,
        invited_by_id=getattr(actor, "id", None),
        expires_at=now + timedelta(days=days),
    )
    db.session.add(invitation)
    record(actor, "auth.invited", user, expires_at=invitation.expires_at.isoformat())
    with in_language_of(user):
        send(
            user.email,
            _("Your invitation to IMSA® training"),
            render_template(
                "auth/email/invitation.txt",
                user=user,
                days=days,
                link=external_url("auth.accept_invitation", token=token),
            ),
        )
    return user


def in_language_of(user: User):
    """Render what is sent to ``user`` in their stored language (English until they choose)."""
    return force_locale(babel_locale(user.language or ENGLISH))


def invitation_for(token: str) -> Invitation:
    invitation = db.session.scalar(db.select(Invitation).where(Invitation.token_hash == _token_hash(token)))
    if invitation is None or invitation.withdrawn_at is not None:
        raise TokenInvalid(_("This invitation link is not valid. It may have been replaced by a newer one."))
    if invitation.accepted_at is not None:
        raise TokenInvalid(_("This invitation has already been used. Sign in with your email and password."))
    if invitation.expires_at <= utcnow():
        raise TokenInvalid(_("This invitation has expired. Ask the IMSA Model Hub to send you a new one."))
    return invitation


def accept_invitation(token: str, name: str, password: str, language: str | None = None) -> User:
    invitation = invitation_for(token)
    user = invitation.user
    user.name = name.strip()
    if language is not None:
        set_language(user, language)
    set_password(user, password)
    user.is_active_account = True
    invitation.accepted_at = utcnow()
    record(user, "auth.invitation_accepted", user)
    return user


def request_password_reset(email: str) -> None:
    """Email a reset link if an active account has this email; say nothing either way."""
    user = user_by_email(email)
    if user is None or not user.is_active:
        return
    token, token_hash = _new_token()
    hours = current_app.config["IMSA_RESET_HOURS"]
    db.session.add(
        PasswordReset(user=user, token_hash=token_hash, expires_at=utcnow() + timedelta(hours=hours))
    )
    record(None, "auth.password_reset_requested", user)
    with in_language_of(user):
        send(
            user.email,
            _("Reset your IMSA® training password"),
            render_template(
                "auth/email/password_reset.txt",
                user=user,
                hours=hours,
                link=external_url("auth.reset_password", token=token),
            ),
        )


def reset_for(token: str) -> PasswordReset:
    reset = db.session.scalar(db.select(PasswordReset).where(PasswordReset.token_hash == _token_hash(token)))
    if reset is not None and reset.withdrawn_at is not None:
        raise TokenInvalid(
            _(
                "This password reset link was replaced: the password was changed with another link. "
                "Sign in, or ask for a new link."
            )
        )
    if reset is None or reset.used_at is not None or reset.expires_at <= utcnow() or not reset.user.is_active:
        raise TokenInvalid(
            _("This password reset link has expired or has already been used. Ask for a new one.")
        )
    return reset


def reset_password(token: str, password: str) -> User:
    """Set the new password; every other unused link for the person is withdrawn with it."""
    reset = reset_for(token)
    set_password(reset.user, password)
    now = utcnow()
    others = db.select(PasswordReset).where(
        PasswordReset.user_id == reset.user_id,
        PasswordReset.id != reset.id,
        PasswordReset.used_at.is_(None),
        PasswordReset.withdrawn_at.is_(None),
    )
    withdrawn = 0
    for other in db.session.scalars(others):
        other.withdrawn_at = now
        withdrawn += 1
    reset.used_at = now
    record(reset.user, "auth.password_reset", reset.user, links_withdrawn=withdrawn)
    return reset.user


def user_for_session(session_token: str) -> User | None:
    return db.session.scalar(db.select(User).where(User.session_token == session_token))


def all_people() -> list[User]:
    return list(db.session.scalars(db.select(User).order_by(User.name)))
