"""reasonable-adjustment plans: extra quiz time, later deadlines, rest breaks, format notes, review date

Revision ID: f7a2b5c4d0e6
Revises: e6f1a4b3c9d5
Create Date: 2026-12-06 23:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f7a2b5c4d0e6'
down_revision = 'e6f1a4b3c9d5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'adjustment_plan',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('enrolment_id', sa.Integer(), nullable=False),
        sa.Column('extra_time_percent', sa.Integer(), nullable=False),
        sa.Column('extra_days', sa.Integer(), nullable=False),
        sa.Column('rest_breaks', sa.Boolean(), nullable=False),
        sa.Column('format_notes', sa.Text(), nullable=False),
        sa.Column('review_on', sa.Date(), nullable=True),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['enrolment_id'], ['enrolment.id'], name=op.f('fk_adjustment_plan_enrolment_id_enrolment'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_adjustment_plan_updated_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_adjustment_plan')),
        sa.UniqueConstraint('enrolment_id', name=op.f('uq_adjustment_plan_enrolment_id')),
    )


def downgrade():
    op.drop_table('adjustment_plan')
