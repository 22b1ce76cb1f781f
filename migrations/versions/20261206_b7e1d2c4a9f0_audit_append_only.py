"""audit trail append-only: triggers refuse UPDATE and DELETE on audit_event

Revision ID: b7e1d2c4a9f0
Revises: a93a796c5043
Create Date: 2026-12-06 22:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b7e1d2c4a9f0'
down_revision = 'a93a796c5043'
branch_labels = None
depends_on = None

# Written out here rather than imported from the models, so this revision never changes with them.
TRIGGERS = {
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
DROPS = {
    "sqlite": ["DROP TRIGGER audit_event_no_update", "DROP TRIGGER audit_event_no_delete"],
    "postgresql": [
        "DROP TRIGGER audit_event_append_only ON audit_event",
        "DROP FUNCTION audit_event_append_only()",
    ],
}


def upgrade():
    for statement in TRIGGERS.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade():
    for statement in DROPS.get(op.get_bind().dialect.name, []):
        op.execute(statement)
