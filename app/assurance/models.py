from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.database import UTCDateTime, db, new_public_id, str_enum, utcnow
from app.i18n import N_


class Judgement(enum.StrEnum):
    """The external examiner's overall judgement of a cohort's marking: a fixed list, so the board and
    the assurance pack can read it."""

    APPROPRIATE = "appropriate"
    CONCERNS = "concerns"

    @property
    def label(self) -> str:
        """In English (as the assurance pack keeps it); pages translate it where shown."""
        return {
            "appropriate": N_("Standards are appropriate"),
            "concerns": N_("Concerns raised"),
        }[self.value]


class SampleAddition(db.Model):
    """A piece the examiner added to the sample beyond the rule (every Fail and Distinction plus n per
    marker)."""

    __tablename__ = "examiner_sample_addition"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    submission_id: Mapped[int] = mapped_column(
        sa.ForeignKey("submission.id", ondelete="CASCADE"), unique=True
    )
    added_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ExaminerReport(db.Model):
    """The external examiner's report on a cohort (one per cohort), and the Hub's recorded response.

    ``module_comments`` is ``{module code: comment}`` for every module with written work.
    """

    __tablename__ = "examiner_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(16), unique=True, default=new_public_id)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohort.id", ondelete="CASCADE"), unique=True)
    examiner_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    module_comments: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    judgement: Mapped[Judgement] = mapped_column(str_enum(Judgement))
    overall_comments: Mapped[str] = mapped_column(sa.Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    hub_response: Mapped[str | None] = mapped_column(sa.Text)
    responded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    examiner: Mapped[User] = relationship(foreign_keys=[examiner_id])
    responded_by: Mapped[User | None] = relationship(foreign_keys=[responded_by_id])


class AwardBoard(db.Model):
    """The award board's decision for a cohort (one per cohort): who met, when, the examiner's report it
    considered, the results it ratified (a snapshot, so later changes cannot rewrite what was decided)
    and any changes it made.

    ``results`` is ``[{"piece", "candidate", "module", "attempt", "band", "total", "status"}]``.
    """

    __tablename__ = "award_board"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(16), unique=True, default=new_public_id)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohort.id", ondelete="CASCADE"), unique=True)
    met_on: Mapped[date]
    attendees: Mapped[str] = mapped_column(sa.Text)
    report_id: Mapped[int | None] = mapped_column(sa.ForeignKey("examiner_report.id"))
    results: Mapped[list] = mapped_column(sa.JSON, default=list)
    changes: Mapped[str] = mapped_column(sa.Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    report: Mapped[ExaminerReport | None] = relationship()
    decided_by: Mapped[User | None] = relationship()
