"""password_reset.withdrawn_at: a successful reset withdraws every other unused link for the person

Revision ID: 5e7a1d0c9b42
Revises: d5e9f3a2b8c4
Create Date: 2026-12-06 22:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e7a1d0c9b42'
down_revision = 'd5e9f3a2b8c4'
branch_labels = None
depends_on = None


def upgrade():
    # Written by hand: one nullable timestamp, as `invitation.withdrawn_at` (UTC, timezone-aware).
    with op.batch_alter_table('password_reset', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('password_reset', schema=None) as batch_op:
        batch_op.drop_column('withdrawn_at')
