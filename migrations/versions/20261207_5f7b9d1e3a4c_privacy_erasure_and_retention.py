"""privacy: user.erased_at, the audit_redaction table, and audit triggers that allow only recorded redactions

The audit trail stays append-only except in two ways, each allowed only after an append-only
``audit_redaction`` row says so: an erasure may replace an event's ``details`` with the recorded redacted
copy, and the retention schedule may delete a sign-in event.

Revision ID: 5f7b9d1e3a4c
Revises: 7b9d1f3a5c8e
Create Date: 2026-12-07 01:15:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5f7b9d1e3a4c'
down_revision = '7b9d1f3a5c8e'
branch_labels = None
depends_on = None

# Written out here rather than imported from the models, so this revision never changes with them.
_UNCHANGED = (
    "NEW.id = OLD.id AND NEW.occurred_at IS OLD.occurred_at AND NEW.actor_id IS OLD.actor_id "
    "AND NEW.action = OLD.action AND NEW.subject_type = OLD.subject_type AND NEW.subject_id = OLD.subject_id"
)
TRIGGERS = {
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
        "WHERE r.event_id = OLD.id AND r.kind = 'redact' ORDER BY r.id DESC LIMIT 1) THEN RETURN NEW; END IF; "
        "IF TG_OP = 'DELETE' AND OLD.action = 'auth.signed_in' AND EXISTS (SELECT 1 FROM audit_redaction r "
        "WHERE r.event_id = OLD.id AND r.kind = 'remove') THEN RETURN OLD; END IF; "
        "RAISE EXCEPTION 'the audit trail is append-only'; END $$",
        "CREATE OR REPLACE FUNCTION audit_redaction_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'audit redactions are append-only'; END $$",
        "CREATE TRIGGER audit_redaction_append_only BEFORE UPDATE OR DELETE ON audit_redaction "
        "FOR EACH ROW EXECUTE FUNCTION audit_redaction_append_only()",
    ],
}
# The revision before: no exception at all.
STRICT = {
    "sqlite": [
        "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
        "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END",
        "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
        "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END $$",
    ],
}


def _drop_event_triggers(dialect: str) -> None:
    # On PostgreSQL the trigger stays and its function is replaced.
    if dialect == "sqlite":
        op.execute("DROP TRIGGER audit_event_no_update")
        op.execute("DROP TRIGGER audit_event_no_delete")


def upgrade():
    dialect = op.get_bind().dialect.name
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        'audit_redaction',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('details', sa.JSON(), nullable=True),
        sa.Column('reason', sa.String(length=120), nullable=False),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_redaction')),
    )
    with op.batch_alter_table('audit_redaction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_redaction_event_id'), ['event_id'], unique=False)
    _drop_event_triggers(dialect)
    for statement in TRIGGERS.get(dialect, []):
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER audit_redaction_no_update")
        op.execute("DROP TRIGGER audit_redaction_no_delete")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER audit_redaction_append_only ON audit_redaction")
        op.execute("DROP FUNCTION audit_redaction_append_only()")
    _drop_event_triggers(dialect)
    for statement in STRICT.get(dialect, []):
        op.execute(statement)
    with op.batch_alter_table('audit_redaction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_redaction_event_id'))
    op.drop_table('audit_redaction')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
