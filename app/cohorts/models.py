from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.curriculum.models import CurriculumVersion
from app.database import UTCDateTime, db, new_public_id, str_enum, utcnow
from app.organisations.models import Organisation

cohort_trainer = sa.Table(
    "cohort_trainer",
    db.metadata,
    sa.Column("cohort_id", sa.ForeignKey("cohort.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
)


class Cohort(db.Model):
    """A group of trainees studying together, pinned to one published curriculum version."""

    __tablename__ = "cohort"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(16), unique=True, default=new_public_id)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    curriculum_version_id: Mapped[int] = mapped_column(sa.ForeignKey("curriculum_version.id"))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Markers see candidate numbers, not names, until results are released.
    anonymous_marking: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    lead_trainer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    curriculum_version: Mapped[CurriculumVersion] = relationship(lazy="joined")
    trainers: Mapped[list[User]] = relationship(secondary=cohort_trainer, order_by="User.name")
    lead_trainer: Mapped[User | None] = relationship(foreign_keys=[lead_trainer_id])
    enrolments: Mapped[list[Enrolment]] = relationship(back_populates="cohort")


class EnrolmentStatus(enum.StrEnum):
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return self.value.title()


class Enrolment(db.Model):
    """A trainee's place in a cohort, employed by a host organisation.

    The candidate number stands in for the trainee's name wherever marking is anonymous.
    """

    __tablename__ = "enrolment"
    __table_args__ = (sa.UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(16), unique=True, default=new_public_id)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohort.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    candidate_number: Mapped[str] = mapped_column(sa.String(16), unique=True)
    status: Mapped[EnrolmentStatus] = mapped_column(str_enum(EnrolmentStatus), default=EnrolmentStatus.ACTIVE)
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    cohort: Mapped[Cohort] = relationship(back_populates="enrolments", lazy="joined")
    user: Mapped[User] = relationship(lazy="joined")
    organisation: Mapped[Organisation] = relationship(lazy="joined")
