from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.database import UTCDateTime, db, utcnow


class AuditEvent(db.Model):
    """One state change: who did what to which record, and when. Rows are only ever added."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(64), index=True)
    subject_type: Mapped[str] = mapped_column(sa.String(64))
    subject_id: Mapped[str] = mapped_column(sa.String(64))
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)


# Like the credential ledger, the audit trail refuses edits in the database itself (created here for
# `create_all`, and by migration b7e1d2c4a9f0; someone with full rights can still drop them).
AUDIT_APPEND_ONLY = {
    "sqlite": [
        "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
        "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END",
        "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
        "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END $$",
        "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
        "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
    ],
}
for _dialect, _statements in AUDIT_APPEND_ONLY.items():
    for _statement in _statements:
        sa.event.listen(AuditEvent.__table__, "after_create", sa.DDL(_statement).execute_if(dialect=_dialect))
