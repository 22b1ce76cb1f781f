from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.database import UTCDateTime, db, str_enum, utcnow


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
