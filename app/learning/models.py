from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.cohorts.models import Enrolment
from app.curriculum.models import Assignment, Quiz
from app.database import UTCDateTime, db, new_public_id, str_enum, utcnow
from app.i18n import N_


class LessonProgress(db.Model):
    """A trainee's progress through one lesson: first opened, and (once they say so) completed."""

    __tablename__ = "lesson_progress"
    __table_args__ = (sa.UniqueConstraint("enrolment_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolment.id", ondelete="CASCADE"), index=True)
    lesson_id: Mapped[int] = mapped_column(sa.ForeignKey("lesson.id"), index=True)
    first_opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class QuizAttempt(db.Model):
    """One go at a module's quiz. The questions and their layout are drawn on the server from ``seed``
    when the attempt starts and kept, so the same attempt always shows the same questions."""

    __tablename__ = "quiz_attempt"
    __table_args__ = (sa.UniqueConstraint("enrolment_id", "quiz_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(16), unique=True, default=new_public_id)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolment.id", ondelete="CASCADE"), index=True)
    quiz_id: Mapped[int] = mapped_column(sa.ForeignKey("quiz.id"), index=True)
    number: Mapped[int]  # 1, 2, 3 … within the enrolment
    seed: Mapped[int] = mapped_column(sa.BigInteger)
    layout: Mapped[list] = mapped_column(sa.JSON)  # [{"key": question key, "layout": {...}}] in shown order
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    score: Mapped[float | None]  # percent, once marked
    passed: Mapped[bool | None]
    # Voided by a granted special-consideration request: kept, but no longer counts towards the limit.
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    quiz: Mapped[Quiz] = relationship(lazy="joined")
    enrolment: Mapped[Enrolment] = relationship()
    answers: Mapped[list[QuizAnswer]] = relationship(back_populates="attempt", cascade="all, delete-orphan")

    @property
    def question_keys(self) -> list[str]:
        return [item["key"] for item in self.layout]


class QuizAnswer(db.Model):
    """The trainee's answer to one question of an attempt, saved as they go."""

    __tablename__ = "quiz_answer"
    __table_args__ = (sa.UniqueConstraint("attempt_id", "question_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(sa.ForeignKey("quiz_attempt.id", ondelete="CASCADE"), index=True)
    question_key: Mapped[str] = mapped_column(sa.String(80))
    response: Mapped[dict] = mapped_column(sa.JSON)  # {"value": what parse() returned}
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    score: Mapped[float | None]  # 0–1, once marked

    attempt: Mapped[QuizAttempt] = relationship(back_populates="answers")


class QuizItemTally(db.Model):
    """Running sums for one question of a quiz in one cohort, over its submitted attempts that count:
    n, Σx, Σx², Σy, Σy², Σxy, where x is the attempt's score on the question and y the rest of the attempt.
    Added to when an attempt is marked and taken away when it is voided (``app.learning.item_tallies``), so
    the item statistics read a few rows per question instead of every answer ever given."""

    __tablename__ = "quiz_item_tally"

    quiz_id: Mapped[int] = mapped_column(sa.ForeignKey("quiz.id", ondelete="CASCADE"), primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohort.id", ondelete="CASCADE"), primary_key=True)
    question_key: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    n: Mapped[int] = mapped_column(default=0)
    sx: Mapped[float] = mapped_column(default=0.0)
    sxx: Mapped[float] = mapped_column(default=0.0)
    sy: Mapped[float] = mapped_column(default=0.0)
    syy: Mapped[float] = mapped_column(default=0.0)
    sxy: Mapped[float] = mapped_column(default=0.0)


class QuizOptionTally(db.Model):
    """How many counted attempts in a cohort chose each option of a choice question."""

    __tablename__ = "quiz_option_tally"

    quiz_id: Mapped[int] = mapped_column(sa.ForeignKey("quiz.id", ondelete="CASCADE"), primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohort.id", ondelete="CASCADE"), primary_key=True)
    question_key: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    option: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    chosen: Mapped[int] = mapped_column(default=0)


class SubmissionStatus(enum.StrEnum):
    """Where a piece of written work is. The moves between them are in ``app.marking.workflow``."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_MARKING = "in_marking"
    MARKED = "marked"
    IN_MODERATION = "in_moderation"
    READY_FOR_RELEASE = "ready_for_release"
    RELEASED = "released"
    REFERRED = "referred"  # released as Refer: the trainee may resubmit

    @property
    def label(self) -> str:
        """In English (an approval's stored evidence names it), marked for translation: a page shows
        ``gettext(status.label)``."""
        return {
            "draft": N_("Draft"),
            "submitted": N_("Submitted"),
            "in_marking": N_("In marking"),
            "marked": N_("Marked"),
            "in_moderation": N_("In moderation"),
            "ready_for_release": N_("Ready for release"),
            "released": N_("Released"),
            "referred": N_("Referred"),
        }[self.value]


class Submission(db.Model):
    """A trainee's written work for an assignment: a draft until submitted, then read-only.

    ``attempt`` is 1 for the first submission and 2 for a resubmission. ``sha256`` is the hash of
    exactly the submitted text (UTF-8); an attachment has its own hash.
    """

    __tablename__ = "submission"
    __table_args__ = (sa.UniqueConstraint("enrolment_id", "assignment_id", "attempt"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(16), unique=True, default=new_public_id)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolment.id", ondelete="CASCADE"), index=True)
    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey("assignment.id"), index=True)
    attempt: Mapped[int] = mapped_column(default=1)
    status: Mapped[SubmissionStatus] = mapped_column(
        str_enum(SubmissionStatus), default=SubmissionStatus.DRAFT
    )
    text: Mapped[str] = mapped_column(sa.Text, default="")
    word_count: Mapped[int] = mapped_column(default=0)
    # Increases with every saved draft, so an older tab cannot overwrite newer text unnoticed.
    revision: Mapped[int] = mapped_column(default=0)
    draft_saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    anonymisation_confirmed: Mapped[bool] = mapped_column(default=False)
    attachment_name: Mapped[str | None] = mapped_column(sa.String(200))
    attachment_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    attachment_size: Mapped[int | None]
    attachment_type: Mapped[str | None] = mapped_column(sa.String(8))  # pdf | docx
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sha256: Mapped[str | None] = mapped_column(sa.String(64))
    due_on: Mapped[date | None]  # the due date that applied when submitted
    late: Mapped[bool] = mapped_column(default=False)
    # Marking (see app.marking): who marks and second-marks it, who is working on it now, and the result.
    marker_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    moderator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    locked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    marked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    result_total: Mapped[float | None]
    result_band: Mapped[str | None] = mapped_column(sa.String(16))
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resubmission_due_on: Mapped[date | None]
    # Set when a marker returned the work because it could identify someone: what to change, for the trainee.
    returned_note: Mapped[str | None] = mapped_column(sa.Text)

    assignment: Mapped[Assignment] = relationship(lazy="joined")
    enrolment: Mapped[Enrolment] = relationship()
    marker: Mapped[User | None] = relationship(foreign_keys=[marker_id])
    moderator: Mapped[User | None] = relationship(foreign_keys=[moderator_id])
    locked_by: Mapped[User | None] = relationship(foreign_keys=[locked_by_id])


class Extension(db.Model):
    """A later due date for one trainee and one assignment, granted by a trainer or Hub admin."""

    __tablename__ = "extension"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolment.id", ondelete="CASCADE"), index=True)
    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey("assignment.id"))
    due_on: Mapped[date]
    reason: Mapped[str] = mapped_column(sa.Text)
    granted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class QuizAllowance(db.Model):
    """One more attempt at a quiz for one trainee, allowed by a trainer or Hub admin with a reason; it may
    also lift the cooling-off period, so the attempt can start at once."""

    __tablename__ = "quiz_allowance"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolment.id", ondelete="CASCADE"), index=True)
    quiz_id: Mapped[int] = mapped_column(sa.ForeignKey("quiz.id"))
    lifts_cooling_off: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str] = mapped_column(sa.Text)
    granted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class EvidenceStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    VERIFIED = "verified"
    RETURNED = "returned"

    @property
    def label(self) -> str:
        """In English, marked for translation: a page shows ``gettext(status.label)``."""
        return {
            "submitted": N_("Waiting for review"),
            "verified": N_("Verified"),
            "returned": N_("Returned"),
        }[self.value]


class PortfolioEntry(db.Model):
    """One item of supervised-practice evidence, described in general terms (never identifying anyone)."""

    __tablename__ = "portfolio_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(16), unique=True, default=new_public_id)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolment.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[int] = mapped_column(sa.ForeignKey("module.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    occurred_on: Mapped[date]
    hours: Mapped[Decimal | None] = mapped_column(sa.Numeric(6, 2))
    description: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[EvidenceStatus] = mapped_column(str_enum(EvidenceStatus), default=EvidenceStatus.SUBMITTED)
    reviewer_comment: Mapped[str | None] = mapped_column(sa.Text)
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    enrolment: Mapped[Enrolment] = relationship()
