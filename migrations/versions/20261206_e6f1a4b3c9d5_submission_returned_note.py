"""submission returned for anonymisation: the marker's note to the trainee

Revision ID: e6f1a4b3c9d5
Revises: 5e7a1d0c9b42
Create Date: 2026-12-06 23:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e6f1a4b3c9d5'
down_revision = '5e7a1d0c9b42'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.add_column(sa.Column('returned_note', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.drop_column('returned_note')
