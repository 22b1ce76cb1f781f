from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.database import UTCDateTime, db, new_public_id, str_enum, utcnow
from app.learning.models import Submission


class MarkKind(enum.StrEnum):
    FIRST = "first"  # the allocated marker's
    SECOND = "second"  # the moderator's, marked blind to the first
    AGREED = "agreed"  # settles a disagreement, with a rationale

    @property
    def label(self) -> str:
        return {"first": "First mark", "second": "Second mark", "agreed": "Agreed mark"}[self.value]


class Mark(db.Model):
    """One marker's marking of one piece against the rubric. All three kinds are kept.

    ``criteria`` is ``{criterion key: {"band": …, "mark": 0–100, "feedback_html": …}}``. ``version``
    guards against two people saving over each other (optimistic concurrency).
    """

    __tablename__ = "mark"
    __table_args__ = (sa.UniqueConstraint("submission_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submission.id", ondelete="CASCADE"), index=True)
    kind: Mapped[MarkKind] = mapped_column(str_enum(MarkKind))
    marker_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    criteria: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    feedback_html: Mapped[str] = mapped_column(sa.Text, default="")
    feedback_markdown: Mapped[str] = mapped_column(sa.Text, default="")
    rationale: Mapped[str | None] = mapped_column(sa.Text)
    total: Mapped[float | None]
    band: Mapped[str | None] = mapped_column(sa.String(16))
    version: Mapped[int] = mapped_column(default=1)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    marker: Mapped[User] = relationship()

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012  (SQLAlchemy's declarative form)


class CaseKind(enum.StrEnum):
    PLAGIARISM = "plagiarism"
    COLLUSION = "collusion"
    FABRICATION = "fabrication"
    IDENTIFYING_DETAILS = "identifying_details"

    @property
    def label(self) -> str:
        return {
            "plagiarism": "Suspected plagiarism",
            "collusion": "Suspected collusion",
            "fabrication": "Suspected fabrication",
            "identifying_details": "Identifying details of a survivor or anyone else",
        }[self.value]


class CaseOutcome(enum.StrEnum):
    CLEARED = "cleared"
    UPHELD = "upheld"
    REFERRED = "referred"  # to the accreditation board: still open until the board's decision is recorded

    @property
    def label(self) -> str:
        return {
            "cleared": "Cleared",
            "upheld": "Upheld, with a penalty",
            "referred": "Referred to the accreditation board",
        }[self.value]


class Penalty(enum.StrEnum):
    """The penalties an upheld case may carry (see ``app.marking.integrity``)."""

    FORMAL_WARNING = "formal_warning"
    RESUBMISSION_REQUIRED = "resubmission_required"
    MARK_REDUCED_TO_FAIL = "mark_reduced_to_fail"

    @property
    def label(self) -> str:
        return {
            "formal_warning": "Formal warning: the mark stands",
            "resubmission_required": "Resubmission required, capped as any resubmission",
            "mark_reduced_to_fail": "Mark reduced to Fail, with no resubmission",
        }[self.value]


class IntegrityCase(db.Model):
    """An academic-integrity case on one submitted piece. While it is undecided (or referred to the board)
    it holds the piece's release and the trainee's award."""

    __tablename__ = "integrity_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(16), unique=True, default=new_public_id)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submission.id", ondelete="CASCADE"), index=True)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolment.id", ondelete="CASCADE"), index=True)
    # The piece's id while the case holds it, else NULL: its uniqueness allows one open case per piece, so
    # the same case opened twice at once (a double-click) is opened once.
    held_submission_id: Mapped[int | None] = mapped_column(unique=True)
    kind: Mapped[CaseKind] = mapped_column(str_enum(CaseKind))
    statement: Mapped[str] = mapped_column(sa.Text)
    opened_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    response: Mapped[str | None] = mapped_column(sa.Text)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[CaseOutcome | None] = mapped_column(str_enum(CaseOutcome))
    penalty: Mapped[Penalty | None] = mapped_column(str_enum(Penalty))
    reasons: Mapped[str | None] = mapped_column(sa.Text)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    opened_by: Mapped[User | None] = relationship(foreign_keys=[opened_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def is_open(self) -> bool:
        return self.outcome in (None, CaseOutcome.REFERRED)


class SimilaritySignature(db.Model):
    """The MinHash signature of one submitted text, kept so that a check compares a new submission with
    thousands of earlier ones without hashing them again. ``brief`` is the module code: the same brief
    across curriculum versions and cohorts."""

    __tablename__ = "similarity_signature"

    submission_id: Mapped[int] = mapped_column(
        sa.ForeignKey("submission.id", ondelete="CASCADE"), primary_key=True
    )
    brief: Mapped[str] = mapped_column(sa.String(16), index=True)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolment.id", ondelete="CASCADE"))
    hashvalues: Mapped[bytes] = mapped_column(sa.LargeBinary)  # NUM_PERM unsigned 64-bit integers
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SimilarityMatch(db.Model):
    """An earlier submission that a new one resembles above the threshold, with the overlapping passages
    (``passages``: a list of strings) and the share of the new text's shingles found in the earlier one."""

    __tablename__ = "similarity_match"
    __table_args__ = (sa.UniqueConstraint("submission_id", "earlier_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submission.id", ondelete="CASCADE"), index=True)
    earlier_id: Mapped[int] = mapped_column(sa.ForeignKey("submission.id", ondelete="CASCADE"))
    estimate: Mapped[float]  # MinHash estimate of the Jaccard similarity
    overlap: Mapped[float]  # exact share of this submission's shingles that are in the earlier one
    passages: Mapped[list] = mapped_column(sa.JSON, default=list)

    earlier: Mapped[Submission] = relationship(foreign_keys=[earlier_id])
