"""languages: a person's language for pages and emails, and the language a curriculum version is in

``user.language`` stays empty until the person chooses (the English / Cymraeg switch, or when accepting
an invitation). Every curriculum version loaded so far is in English.

Revision ID: 6a8c0e2f4b5d
Revises: 4e6a8c0d2f3b
Create Date: 2026-12-07 01:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6a8c0e2f4b5d'
down_revision = '4e6a8c0d2f3b'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), nullable=True))
    with op.batch_alter_table('curriculum_version', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('language', sa.String(length=8), server_default='en-GB', nullable=False)
        )


def downgrade():
    with op.batch_alter_table('curriculum_version', schema=None) as batch_op:
        batch_op.drop_column('language')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('language')
