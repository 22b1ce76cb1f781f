"""appeals: a trainee's request for a review of a released mark, its reviewer and outcome

Revision ID: b2d6f8a0c3e5
Revises: a1c5e7d9b2f4
Create Date: 2026-12-07 00:40:00.000000

The review mark is a new value of mark.kind, a VARCHAR without a CHECK constraint: no change there.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b2d6f8a0c3e5'
down_revision = 'a1c5e7d9b2f4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'appeal',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('public_id', sa.String(length=16), nullable=False),
        sa.Column('submission_id', sa.Integer(), nullable=False),
        sa.Column('grounds', sa.Enum('procedure', 'rubric', 'circumstances', name='appealground', native_enum=False, length=32), nullable=False),
        sa.Column('statement', sa.Text(), nullable=False),
        sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decide_by', sa.Date(), nullable=False),
        sa.Column('status', sa.Enum('requested', 'assigned', 'upheld', 'not_upheld', 'referred', name='appealstatus', native_enum=False, length=32), nullable=False),
        sa.Column('reviewer_id', sa.Integer(), nullable=True),
        sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('reasons', sa.Text(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('previous_total', sa.Double(), nullable=True),
        sa.Column('previous_band', sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(['submission_id'], ['submission.id'], name=op.f('fk_appeal_submission_id_submission'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['reviewer_id'], ['user.id'], name=op.f('fk_appeal_reviewer_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_appeal')),
        sa.UniqueConstraint('public_id', name=op.f('uq_appeal_public_id')),
        sa.UniqueConstraint('submission_id', name=op.f('uq_appeal_submission_id')),
    )
    with op.batch_alter_table('appeal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appeal_reviewer_id'), ['reviewer_id'], unique=False)


def downgrade():
    with op.batch_alter_table('appeal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appeal_reviewer_id'))
    op.drop_table('appeal')
