"""quiz allowances: another attempt allowed by a trainer, with a reason, optionally lifting cooling-off

Revision ID: c4d8e2f1a7b3
Revises: b7e1d2c4a9f0
Create Date: 2026-12-06 22:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4d8e2f1a7b3'
down_revision = 'b7e1d2c4a9f0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'quiz_allowance',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('enrolment_id', sa.Integer(), nullable=False),
        sa.Column('quiz_id', sa.Integer(), nullable=False),
        sa.Column('lifts_cooling_off', sa.Boolean(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('granted_by_id', sa.Integer(), nullable=True),
        sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['enrolment_id'], ['enrolment.id'], name=op.f('fk_quiz_allowance_enrolment_id_enrolment'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['granted_by_id'], ['user.id'], name=op.f('fk_quiz_allowance_granted_by_id_user')),
        sa.ForeignKeyConstraint(['quiz_id'], ['quiz.id'], name=op.f('fk_quiz_allowance_quiz_id_quiz')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_allowance')),
    )
    with op.batch_alter_table('quiz_allowance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_allowance_enrolment_id'), ['enrolment_id'], unique=False)


def downgrade():
    with op.batch_alter_table('quiz_allowance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_allowance_enrolment_id'))
    op.drop_table('quiz_allowance')
