"""ledger append-only: triggers refuse UPDATE and DELETE on ledger_event

Revision ID: a93a796c5043
Revises: f1815e77f168
Create Date: 2026-11-30 09:40:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a93a796c5043'
down_revision = 'f1815e77f168'
branch_labels = None
depends_on = None

# Written out here rather than imported from the models, so this revision never changes with them.
TRIGGERS = {
    "sqlite": [
        "CREATE TRIGGER ledger_event_no_update BEFORE UPDATE ON ledger_event "
        "BEGIN SELECT RAISE(ABORT, 'the credential ledger is append-only'); END",
        "CREATE TRIGGER ledger_event_no_delete BEFORE DELETE ON ledger_event "
        "BEGIN SELECT RAISE(ABORT, 'the credential ledger is append-only'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION ledger_event_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'the credential ledger is append-only'; END $$",
        "CREATE TRIGGER ledger_event_append_only BEFORE UPDATE OR DELETE ON ledger_event "
        "FOR EACH ROW EXECUTE FUNCTION ledger_event_append_only()",
    ],
}
DROPS = {
    "sqlite": ["DROP TRIGGER ledger_event_no_update", "DROP TRIGGER ledger_event_no_delete"],
    "postgresql": [
        "DROP TRIGGER ledger_event_append_only ON ledger_event",
        "DROP FUNCTION ledger_event_append_only()",
    ],
}


def upgrade():
    for statement in TRIGGERS.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade():
    for statement in DROPS.get(op.get_bind().dialect.name, []):
        op.execute(statement)
