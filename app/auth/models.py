from __future__ import annotations

import enum
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import UTCDateTime, db, new_public_id, str_enum, utcnow
from app.i18n import N_


class Role(enum.StrEnum):
    TRAINEE = "trainee"
    TRAINER = "trainer"
    HUB_ADMIN = "hub_admin"
    ORG_MANAGER = "org_manager"
    # Independent of the Hub and its trainers: reads a sample of a cohort's marking, never marks.
    EXTERNAL_EXAMINER = "external_examiner"

    @property
    def label(self) -> str:
        """The role's name in English (as CSV exports and audit details keep it); pages show ``_(label)``."""
        return {
            "trainee": N_("Trainee IMSA®"),
            "trainer": N_("Trainer"),
            "hub_admin": N_("Hub admin"),
            "org_manager": N_("Organisation manager"),
            "external_examiner": N_("External examiner"),
        }[self.value]


class User(UserMixin, db.Model):
    """A person with an account. Accounts exist only by invitation; there is no self-registration."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(16), unique=True, default=new_public_id)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    # Rotated when the password changes, which signs the person out everywhere else.
    session_token: Mapped[str] = mapped_column(
        sa.String(43), unique=True, default=lambda: secrets.token_urlsafe(32)
    )
    is_active_account: Mapped[bool] = mapped_column(default=False)
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_signed_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the person's data was erased at their request: name and email are then pseudonyms.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The language pages and emails are in ("en-GB" or "cy", see app/i18n.py); None until asked.
    language: Mapped[str | None] = mapped_column(sa.String(8))

    role_grants: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    organisation = relationship("Organisation", lazy="joined")

    @property
    def roles(self) -> set[Role]:
        return {grant.role for grant in self.role_grants}

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    # Flask-Login
    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.is_active_account

    def get_id(self) -> str:
        return self.session_token


class UserRole(db.Model):
    __tablename__ = "user_role"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[Role] = mapped_column(str_enum(Role), primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_grants")


class Invitation(db.Model):
    """A single-use, expiring link that lets an invited person set their password.

    Only a SHA-256 of the token is stored: a copy of the database cannot be used to accept one.
    """

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class PasswordReset(db.Model):
    """A single-use, short-lived password reset link (stored as a SHA-256 of its token)."""

    __tablename__ = "password_reset"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when another of the person's links changed the password: an older email can no longer be used.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
