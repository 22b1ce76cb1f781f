"""review records and the aftercare flag on lessons (source checks and expert sign-off, from reviews.yaml); per-curriculum
setting to withhold quiz questions whose legal review is long overdue from new draws

Revision ID: e5a9c1d3f6b8
Revises: c3e7a9b1d4f6
Create Date: 2026-12-07 00:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5a9c1d3f6b8'
down_revision = 'c3e7a9b1d4f6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('lesson') as batch:
        batch.add_column(sa.Column('review', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('aftercare', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        'question_withholding',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version_id', sa.Integer(), nullable=False),
        sa.Column('overdue_days', sa.Integer(), nullable=False),
        sa.Column('set_by_id', sa.Integer(), nullable=True),
        sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['version_id'], ['curriculum_version.id'], name=op.f('fk_question_withholding_version_id_curriculum_version'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['set_by_id'], ['user.id'], name=op.f('fk_question_withholding_set_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_question_withholding')),
        sa.UniqueConstraint('version_id', name=op.f('uq_question_withholding_version_id')),
    )


def downgrade():
    op.drop_table('question_withholding')
    with op.batch_alter_table('lesson') as batch:
        batch.drop_column('aftercare')
        batch.drop_column('review')
