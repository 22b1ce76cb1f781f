from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from app.curriculum.currency import LABELS, Currency, Record, currency, describe
from app.database import UTCDateTime, db, str_enum, utcnow


class VersionStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class CurriculumVersion(db.Model):
    """One loaded copy of ``course_content/`` + ``assessments/``, identified by its content hash.

    A published version is frozen (see ``_refuse_changes_to_published``): a changed tree is loaded as a
    new version. Cohorts, progress, marks and credentials point at the version they were earned under.
    """

    __tablename__ = "curriculum_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(sa.String(32), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    content_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # {relative path: sha256 of the file} for every file of the tree, for `imsa curriculum diff`.
    manifest: Mapped[dict] = mapped_column(sa.JSON)
    accreditation_rule: Mapped[dict] = mapped_column(sa.JSON)
    # The language the content is written in (BCP 47): a Welsh version is loaded as a version of its own.
    language: Mapped[str] = mapped_column(sa.String(8), default="en-GB", server_default="en-GB")
    status: Mapped[VersionStatus] = mapped_column(str_enum(VersionStatus), default=VersionStatus.DRAFT)
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    modules: Mapped[list[Module]] = relationship(
        back_populates="version", order_by="Module.position", cascade="all, delete-orphan"
    )

    @property
    def short_hash(self) -> str:
        return self.content_hash[:12]

    @property
    def is_published(self) -> bool:
        return self.status is VersionStatus.PUBLISHED


class Module(db.Model):
    __tablename__ = "module"
    __table_args__ = (sa.UniqueConstraint("version_id", "slug"), sa.UniqueConstraint("version_id", "code"))

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("curriculum_version.id", ondelete="CASCADE"))
    position: Mapped[int]
    slug: Mapped[str] = mapped_column(sa.String(80))
    code: Mapped[str] = mapped_column(sa.String(16))
    title: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.Text)
    study_hours: Mapped[int]
    learning_outcomes: Mapped[list] = mapped_column(sa.JSON)
    content_note: Mapped[str | None] = mapped_column(sa.Text)
    intro_html: Mapped[str] = mapped_column(sa.Text)
    content_hash: Mapped[str] = mapped_column(sa.String(64))

    version: Mapped[CurriculumVersion] = relationship(back_populates="modules")
    lessons: Mapped[list[Lesson]] = relationship(
        back_populates="module", order_by="Lesson.position", cascade="all, delete-orphan"
    )
    quiz: Mapped[Quiz | None] = relationship(back_populates="module", cascade="all, delete-orphan")
    assignment: Mapped[Assignment | None] = relationship(
        back_populates="module", cascade="all, delete-orphan"
    )
    portfolio_requirements: Mapped[list[PortfolioRequirement]] = relationship(
        back_populates="module", order_by="PortfolioRequirement.position", cascade="all, delete-orphan"
    )


class Lesson(db.Model):
    __tablename__ = "lesson"
    __table_args__ = (sa.UniqueConstraint("module_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(sa.ForeignKey("module.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    slug: Mapped[str] = mapped_column(sa.String(80))
    title: Mapped[str] = mapped_column(sa.String(200))
    content_note: Mapped[str | None] = mapped_column(sa.Text)
    law_as_at: Mapped[date | None]
    review_due: Mapped[date | None]
    html: Mapped[str] = mapped_column(sa.Text)
    word_count: Mapped[int]
    source_path: Mapped[str] = mapped_column(sa.String(300))
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    # Its record from reviews.yaml (app.curriculum.currency.Record.as_json); None: nothing recorded.
    review: Mapped[dict | None] = mapped_column(sa.JSON)
    aftercare: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    module: Mapped[Module] = relationship(back_populates="lessons")

    @property
    def reading_minutes(self) -> int:
        return max(1, round(self.word_count / 200))

    def currency(self, today: date) -> tuple[Currency, str, str]:
        """Its legal-review state today, the state's label and the sentence the page shows."""
        record = Record.from_json(self.review)
        state = currency(self.review_due, record, today)
        return state, LABELS[state], describe(state, self.review_due, self.law_as_at, record)


class Feedback(enum.StrEnum):
    AFTER_EACH_ATTEMPT = "after_each_attempt"
    AFTER_FINAL_ATTEMPT = "after_final_attempt"
    AFTER_PASSING = "after_passing"


class Quiz(db.Model):
    """A module's server-marked quiz: its rules and its question bank (validated dicts, see
    ``app.assessments.question_types``), as loaded from ``quiz.yaml``."""

    __tablename__ = "quiz"

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(sa.ForeignKey("module.id", ondelete="CASCADE"), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    pass_mark: Mapped[int]
    attempts: Mapped[int]
    questions_per_attempt: Mapped[int]
    time_limit_minutes: Mapped[int | None]
    shuffle: Mapped[bool]
    feedback: Mapped[Feedback] = mapped_column(str_enum(Feedback))
    cooling_off_days: Mapped[int]
    questions: Mapped[list] = mapped_column(sa.JSON)

    module: Mapped[Module] = relationship(back_populates="quiz")

    @property
    def bank(self) -> dict[str, dict]:
        return {q["key"]: q for q in self.questions}


class Assignment(db.Model):
    """A module's written assignment: brief, limits and rubric, as loaded from ``assignment.yaml``."""

    __tablename__ = "assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(sa.ForeignKey("module.id", ondelete="CASCADE"), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    brief_html: Mapped[str] = mapped_column(sa.Text)
    word_limit: Mapped[int]
    due_days: Mapped[int]
    anonymisation_declaration: Mapped[bool]
    criteria: Mapped[list] = mapped_column(sa.JSON)  # [{key, title, weight, gateway, bands}]
    thresholds: Mapped[dict] = mapped_column(sa.JSON)  # {pass, merit, distinction}
    resubmission: Mapped[dict] = mapped_column(sa.JSON)  # {allowed, capped_at}
    # {sample_percent, minimum, threshold_marks}; None (loaded before it existed) means the defaults.
    moderation: Mapped[dict | None] = mapped_column(sa.JSON)

    module: Mapped[Module] = relationship(back_populates="assignment")


class PortfolioRequirement(db.Model):
    """One countable evidence requirement of the supervised-practice portfolio."""

    __tablename__ = "portfolio_requirement"
    __table_args__ = (sa.UniqueConstraint("module_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(sa.ForeignKey("module.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    key: Mapped[str] = mapped_column(sa.String(80))
    title: Mapped[str] = mapped_column(sa.String(200))
    unit: Mapped[str] = mapped_column(sa.String(16))  # hours | items
    minimum: Mapped[int]
    kinds: Mapped[list] = mapped_column(sa.JSON)
    description: Mapped[str] = mapped_column(sa.Text)

    module: Mapped[Module] = relationship(back_populates="portfolio_requirements")


class QuestionWithholding(db.Model):
    """A curriculum's setting (off when there is no row): quiz questions whose legal review is overdue by
    more than ``overdue_days`` are left out of new draws. An operational setting, not content, so it may
    change on a published version; set by ``services.set_withholding``."""

    __tablename__ = "question_withholding"
    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("curriculum_version.id", ondelete="CASCADE"), unique=True
    )
    overdue_days: Mapped[int]
    set_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PublishedVersionError(RuntimeError):
    """Raised on any attempt to change or delete a published curriculum version or its content."""


def _version_of(obj) -> CurriculumVersion | None:
    if isinstance(obj, CurriculumVersion):
        return obj
    if isinstance(obj, Module):
        return obj.version
    if isinstance(obj, (Lesson, Quiz, Assignment, PortfolioRequirement)):
        return obj.module.version if obj.module else None
    return None


def _was_published(version: CurriculumVersion) -> bool:
    history = inspect(version).attrs.status.history
    if history.deleted:  # status changed in this flush: what was it before?
        return history.deleted[0] == VersionStatus.PUBLISHED
    return version.status == VersionStatus.PUBLISHED


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_published(session: Session, flush_context, instances) -> None:
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        version = _version_of(obj)
        if version is None or version in session.new or not _was_published(version):
            continue
        if obj not in session.dirty or session.is_modified(obj, include_collections=False):
            raise PublishedVersionError(
                f"curriculum version {version.label} ({version.short_hash}) is published and cannot be "
                "changed; load the changed files as a new version"
            )
