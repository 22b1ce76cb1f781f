"""cohort allocation: round robin at submission, or by hand (what existing cohorts do)

Revision ID: d5e9f3a2b8c4
Revises: b7e2d4c91f3a
Create Date: 2026-12-06 22:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd5e9f3a2b8c4'
down_revision = 'b7e2d4c91f3a'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cohort', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('allocation', sa.String(length=16), server_default='manual', nullable=False)
        )


def downgrade():
    with op.batch_alter_table('cohort', schema=None) as batch_op:
        batch_op.drop_column('allocation')
