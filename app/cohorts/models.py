from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.curriculum.models import CurriculumVersion
from app.database import UTCDateTime, db, new_public_id, str_enum, utcnow
from app.i18n import N_
from app.organisations.models import Nation, Organisation

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
    # How submitted work reaches a marker: "round_robin" (at submission, to the trainer with the least work;
    # what the cohort form offers first) or "manual" (a Hub admin allocates each piece; cohorts made before
    # the choice existed keep it). Either way the Hub's and lead's pages count what waits unallocated.
    allocation: Mapped[str] = mapped_column(sa.String(16), default="manual", server_default="manual")
    lead_trainer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    # Appointed by a Hub admin (app.assurance); a cohort with one needs its award board to ratify results
    # before credentials are issued.
    external_examiner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    curriculum_version: Mapped[CurriculumVersion] = relationship(lazy="joined")
    trainers: Mapped[list[User]] = relationship(secondary=cohort_trainer, order_by="User.name")
    lead_trainer: Mapped[User | None] = relationship(foreign_keys=[lead_trainer_id])
    external_examiner: Mapped[User | None] = relationship(foreign_keys=[external_examiner_id])
    enrolments: Mapped[list[Enrolment]] = relationship(back_populates="cohort")


class EnrolmentStatus(enum.StrEnum):
    """Where a trainee's place stands. Nothing is deleted when it changes: the history is kept."""

    ACTIVE = "active"
    DEFERRED = "deferred"  # paused; may be resumed in the same cohort
    WITHDRAWN = "withdrawn"
    TRANSFERRED = "transferred"  # moved to another cohort: see ``Enrolment.transferred_to``

    @property
    def label(self) -> str:
        """In English; pages translate it where shown (``_(status.label)``)."""
        return {
            "active": N_("Active"),
            "deferred": N_("Deferred"),
            "withdrawn": N_("Withdrawn"),
            "transferred": N_("Transferred"),
        }[self.value]


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
    # The UK nation the trainee works in (an organisation may work in several), for Hub reports.
    nation: Mapped[Nation] = mapped_column(str_enum(Nation))
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A transfer ends this enrolment and starts one in the other cohort; the two are linked both ways.
    transferred_from_id: Mapped[int | None] = mapped_column(sa.ForeignKey("enrolment.id"))

    cohort: Mapped[Cohort] = relationship(back_populates="enrolments", lazy="joined")
    user: Mapped[User] = relationship(lazy="joined")
    organisation: Mapped[Organisation] = relationship(lazy="joined")
    transferred_from: Mapped[Enrolment | None] = relationship(
        remote_side=[id], foreign_keys=[transferred_from_id], back_populates="transferred_to"
    )
    transferred_to: Mapped[Enrolment | None] = relationship(
        foreign_keys=[transferred_from_id], back_populates="transferred_from", uselist=False
    )


class ModuleSchedule(db.Model):
    """When one module opens for a cohort and when its work is due. Made with defaults when the cohort
    is created (see ``services.default_schedule``); a Hub admin may change the dates."""

    __tablename__ = "module_schedule"
    __table_args__ = (sa.UniqueConstraint("cohort_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[int] = mapped_column(sa.ForeignKey("module.id"))
    opens_on: Mapped[date]
    due_on: Mapped[date]

    cohort: Mapped[Cohort] = relationship()


class ContactNote(db.Model):
    """A trainer's note of contact with a trainee: who made it, when, and what was agreed.

    About the trainee's training only: nothing about survivors or casework belongs here.
    """

    __tablename__ = "contact_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(16), unique=True, default=new_public_id)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolment.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    contacted_on: Mapped[date]
    agreed: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User] = relationship(lazy="joined")


class AdjustmentPlan(db.Model):
    """A trainee's reasonable adjustments for one enrolment: extra time on timed quizzes, later deadlines,
    rest breaks and notes on format. It applies to every quiz and deadline of the enrolment, now and later.

    ``reason`` is sensitive (health, circumstances): only the Hub sees it, and the trainee may remove it.
    Markers are only told that an adjustment applies, never why.
    """

    __tablename__ = "adjustment_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolment.id", ondelete="CASCADE"), unique=True)
    extra_time_percent: Mapped[int] = mapped_column(default=0)
    extra_days: Mapped[int] = mapped_column(default=0)
    rest_breaks: Mapped[bool] = mapped_column(default=False)
    format_notes: Mapped[str] = mapped_column(sa.Text, default="")
    review_on: Mapped[date | None]
    reason: Mapped[str | None] = mapped_column(sa.Text)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


@sa.event.listens_for(Enrolment, "before_insert")
def _nation_defaults_to_the_organisations(_mapper, connection, enrolment: Enrolment) -> None:
    """An enrolment made without a nation (by older code or tests) takes its organisation's."""
    if enrolment.nation is None:
        if enrolment.organisation is not None:
            enrolment.nation = enrolment.organisation.nation
        else:
            enrolment.nation = connection.scalar(
                sa.select(Organisation.nation).where(Organisation.id == enrolment.organisation_id)
            )
