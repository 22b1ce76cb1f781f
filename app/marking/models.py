from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.cohorts.models import Enrolment
from app.curriculum.models import Assignment, Quiz
from app.database import UTCDateTime, db, new_public_id, str_enum, utcnow
from app.i18n import N_, gettext
from app.learning.models import QuizAttempt, Submission


class MarkKind(enum.StrEnum):
    FIRST = "first"  # the allocated marker's
    SECOND = "second"  # the moderator's, marked blind to the first
    AGREED = "agreed"  # settles a disagreement, with a rationale
    REVIEW = "review"  # an upheld appeal's new mark, by a reviewer who did not mark the piece

    @property
    def label(self) -> str:
        """English, as stored and recorded; pages show ``_(kind.label)``."""
        return {
            "first": N_("First mark"),
            "second": N_("Second mark"),
            "agreed": N_("Agreed mark"),
            "review": N_("Review mark"),
        }[self.value]


class Mark(db.Model):
    """One marker's marking of one piece against the rubric. Every kind is kept.

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


class ConsiderationStatus(enum.StrEnum):
    OPEN = "open"
    GRANTED = "granted"
    REFUSED = "refused"

    @property
    def label(self) -> str:
        labels = {
            "open": N_("Waiting for a decision"),
            "granted": N_("Granted"),
            "refused": N_("Not granted"),
        }
        return gettext(labels[self.value])


class ConsiderationOutcome(enum.StrEnum):
    """What a granted request does. The moves are in ``app.marking.consideration``."""

    EXTENSION = "extension"  # a later due date for the assignment
    VOID_ATTEMPT = "void_attempt"  # the quiz attempt no longer counts towards the limit
    UNCAPPED_RESUBMISSION = "uncapped_resubmission"  # the resubmission is not capped at Pass
    BOARD_NOTE = "board_note"  # a note for the awarding board, nothing else changes

    @property
    def label(self) -> str:
        labels = {
            "extension": N_("An extension"),
            "void_attempt": N_("The quiz attempt is voided"),
            "uncapped_resubmission": N_("A resubmission not capped at Pass"),
            "board_note": N_("A note for the awarding board"),
        }
        return gettext(labels[self.value])


# The assessment a request for special consideration is about, by kind: "M03 quiz: <title>".
ASSESSMENT_TITLES = {
    "quiz": N_("%(code)s quiz: %(title)s"),
    "assignment": N_("%(code)s assignment: %(title)s"),
}


class ConsiderationRequest(db.Model):
    """A trainee's request for special consideration on one assessment (a quiz or an assignment), and the
    Hub's decision. ``statement`` and the evidence file are for the Hub admins who decide, never markers.

    ``open_key`` names the assessment while the request waits for a decision and is cleared when it is
    decided: its unique key with the enrolment allows one open request per assessment, and makes the same
    request sent twice (a double-click) one row.
    """

    __tablename__ = "consideration_request"
    __table_args__ = (sa.UniqueConstraint("enrolment_id", "open_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(16), unique=True, default=new_public_id)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolment.id", ondelete="CASCADE"), index=True)
    quiz_id: Mapped[int | None] = mapped_column(sa.ForeignKey("quiz.id"))
    assignment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("assignment.id"))
    attempt_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("quiz_attempt.id")
    )  # the attempt it is about
    open_key: Mapped[str | None] = mapped_column(sa.String(40))
    occurred_on: Mapped[date]
    statement: Mapped[str] = mapped_column(sa.Text)
    evidence_name: Mapped[str | None] = mapped_column(sa.String(200))
    evidence_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    evidence_size: Mapped[int | None]
    evidence_type: Mapped[str | None] = mapped_column(sa.String(8))  # pdf | docx
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[ConsiderationStatus] = mapped_column(
        str_enum(ConsiderationStatus), default=ConsiderationStatus.OPEN
    )
    outcome: Mapped[ConsiderationOutcome | None] = mapped_column(str_enum(ConsiderationOutcome))
    decision_reasons: Mapped[str | None] = mapped_column(sa.Text)  # the trainee sees these
    new_due_on: Mapped[date | None]  # the extension's date, when that is the outcome
    board_note: Mapped[str | None] = mapped_column(sa.Text)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    enrolment: Mapped[Enrolment] = relationship()
    quiz: Mapped[Quiz | None] = relationship()
    assignment: Mapped[Assignment | None] = relationship()
    attempt: Mapped[QuizAttempt | None] = relationship()
    decided_by: Mapped[User | None] = relationship()

    @property
    def assessment_title(self) -> str:
        """In the language being shown (the curriculum's title stays as written)."""
        work = self.quiz or self.assignment
        kind = "quiz" if self.quiz else "assignment"
        return gettext(ASSESSMENT_TITLES[kind], code=work.module.code, title=work.title)


class AppealGround(enum.StrEnum):
    """The grounds on which a released mark may be reviewed (and no others)."""

    PROCEDURE = "procedure"
    RUBRIC = "rubric"
    CIRCUMSTANCES = "circumstances"

    @property
    def label(self) -> str:
        labels = {
            "procedure": N_("There was an error in how the work was marked or moderated"),
            "rubric": N_("The marking is not in line with the rubric"),
            "circumstances": N_("There were circumstances that could not be made known in time"),
        }
        return gettext(labels[self.value])


class AppealStatus(enum.StrEnum):
    REQUESTED = "requested"
    ASSIGNED = "assigned"
    UPHELD = "upheld"  # the mark changed: the review mark decides
    NOT_UPHELD = "not_upheld"
    REFERRED = "referred"  # to the awarding board

    @property
    def label(self) -> str:
        labels = {
            "requested": N_("Waiting for a reviewer"),
            "assigned": N_("With the reviewer"),
            "upheld": N_("Upheld: mark changed"),
            "not_upheld": N_("Not upheld"),
            "referred": N_("Referred to the board"),
        }
        return gettext(labels[self.value])

    @property
    def is_open(self) -> bool:
        return self in (AppealStatus.REQUESTED, AppealStatus.ASSIGNED)


class Appeal(db.Model):
    """A trainee's request for a review of a released mark, and its outcome. One per piece: the unique key
    also makes a double-clicked request one request."""

    __tablename__ = "appeal"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(16), unique=True, default=new_public_id)
    submission_id: Mapped[int] = mapped_column(
        sa.ForeignKey("submission.id", ondelete="CASCADE"), unique=True
    )
    grounds: Mapped[AppealGround] = mapped_column(str_enum(AppealGround))
    statement: Mapped[str] = mapped_column(sa.Text)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decide_by: Mapped[date]  # working days after the request, Europe/London
    status: Mapped[AppealStatus] = mapped_column(str_enum(AppealStatus), default=AppealStatus.REQUESTED)
    reviewer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reasons: Mapped[str | None] = mapped_column(sa.Text)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The result before the review, so the history shows what changed.
    previous_total: Mapped[float | None]
    previous_band: Mapped[str | None] = mapped_column(sa.String(16))

    submission: Mapped[Submission] = relationship()
    reviewer: Mapped[User | None] = relationship()


class CaseKind(enum.StrEnum):
    PLAGIARISM = "plagiarism"
    COLLUSION = "collusion"
    FABRICATION = "fabrication"
    IDENTIFYING_DETAILS = "identifying_details"

    @property
    def label(self) -> str:
        labels = {
            "plagiarism": N_("Suspected plagiarism"),
            "collusion": N_("Suspected collusion"),
            "fabrication": N_("Suspected fabrication"),
            "identifying_details": N_("Identifying details of a survivor or anyone else"),
        }
        return gettext(labels[self.value])


class CaseOutcome(enum.StrEnum):
    CLEARED = "cleared"
    UPHELD = "upheld"
    REFERRED = "referred"  # to the accreditation board: still open until the board's decision is recorded

    @property
    def label(self) -> str:
        labels = {
            "cleared": N_("Cleared"),
            "upheld": N_("Upheld, with a penalty"),
            "referred": N_("Referred to the accreditation board"),
        }
        return gettext(labels[self.value])


class Penalty(enum.StrEnum):
    """The penalties an upheld case may carry (see ``app.marking.integrity``)."""

    FORMAL_WARNING = "formal_warning"
    RESUBMISSION_REQUIRED = "resubmission_required"
    MARK_REDUCED_TO_FAIL = "mark_reduced_to_fail"

    @property
    def label(self) -> str:
        labels = {
            "formal_warning": N_("Formal warning: the mark stands"),
            "resubmission_required": N_("Resubmission required, capped as any resubmission"),
            "mark_reduced_to_fail": N_("Mark reduced to Fail, with no resubmission"),
        }
        return gettext(labels[self.value])


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
