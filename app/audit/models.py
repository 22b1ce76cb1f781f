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


class AuditRedaction(db.Model):
    """A recorded exception to the append-only audit trail, itself append-only.

    The database lets an audit event change in exactly two ways, and only when a row here says so first:
    ``redact`` sets the event's ``details`` to this row's ``details`` (personal text taken out on an
    erasure; who, what and when stay), and ``remove`` deletes a sign-in event past its retention period.
    So every change to the trail leaves this trace, and nothing else about an event can ever change.
    """

    __tablename__ = "audit_redaction"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(index=True)  # no foreign key: a removed event's trace stays
    kind: Mapped[str] = mapped_column(sa.String(8))  # redact | remove
    details: Mapped[dict | None] = mapped_column(sa.JSON)  # the event's details after a redaction
    reason: Mapped[str] = mapped_column(sa.String(120))  # e.g. "erasure of user 3FJ…", "retention"
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# Like the credential ledger, the audit trail refuses edits in the database itself, except the recorded
# redactions above (created here for `create_all`, and by migrations b7e1d2c4a9f0 and 5f7b9d1e3a4c;
# someone with full rights can still drop them).
_UNCHANGED = (
    "NEW.id = OLD.id AND NEW.occurred_at IS OLD.occurred_at AND NEW.actor_id IS OLD.actor_id "
    "AND NEW.action = OLD.action AND NEW.subject_type = OLD.subject_type AND NEW.subject_id = OLD.subject_id"
)
AUDIT_APPEND_ONLY = {
    "sqlite": [
        "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
        # EXISTS, never NULL: with no redaction recorded the condition is false, not unknown.
        f"WHEN NOT ({_UNCHANGED} AND EXISTS (SELECT 1 FROM audit_redaction r WHERE r.details = NEW.details "
        "AND r.id = (SELECT max(l.id) FROM audit_redaction l "
        "WHERE l.event_id = OLD.id AND l.kind = 'redact'))) "
        "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END",
        "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
        "WHEN NOT (OLD.action = 'auth.signed_in' AND EXISTS (SELECT 1 FROM audit_redaction r "
        "WHERE r.event_id = OLD.id AND r.kind = 'remove')) "
        "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END",
        "CREATE TRIGGER audit_redaction_no_update BEFORE UPDATE ON audit_redaction "
        "BEGIN SELECT RAISE(ABORT, 'audit redactions are append-only'); END",
        "CREATE TRIGGER audit_redaction_no_delete BEFORE DELETE ON audit_redaction "
        "BEGIN SELECT RAISE(ABORT, 'audit redactions are append-only'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.occurred_at IS NOT DISTINCT FROM OLD.occurred_at "
        "AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id AND NEW.action = OLD.action "
        "AND NEW.subject_type = OLD.subject_type AND NEW.subject_id = OLD.subject_id "
        "AND NEW.details::jsonb = (SELECT r.details::jsonb FROM audit_redaction r "
        "WHERE r.event_id = OLD.id AND r.kind = 'redact' ORDER BY r.id DESC LIMIT 1) "
        "THEN RETURN NEW; END IF; "
        "IF TG_OP = 'DELETE' AND OLD.action = 'auth.signed_in' AND EXISTS (SELECT 1 FROM audit_redaction r "
        "WHERE r.event_id = OLD.id AND r.kind = 'remove') THEN RETURN OLD; END IF; "
        "RAISE EXCEPTION 'the audit trail is append-only'; END $$",
        "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
        "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
        "CREATE OR REPLACE FUNCTION audit_redaction_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'audit redactions are append-only'; END $$",
        "CREATE TRIGGER audit_redaction_append_only BEFORE UPDATE OR DELETE ON audit_redaction "
        "FOR EACH ROW EXECUTE FUNCTION audit_redaction_append_only()",
    ],
}
# Once every table exists: the audit_event triggers read audit_redaction (no foreign key orders the two).
for _dialect, _statements in AUDIT_APPEND_ONLY.items():
    for _statement in _statements:
        sa.event.listen(db.metadata, "after_create", sa.DDL(_statement).execute_if(dialect=_dialect))
