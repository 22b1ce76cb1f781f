"""external examiner and award board: the cohort's examiner, sample additions, the examiner's report
(and the Hub's response), the award board's decision. The new role value needs no change: roles are
stored as VARCHAR(32) without a CHECK constraint.

Revision ID: d4f8b0c2e5a7
Revises: f7a2b5c4d0e6
Create Date: 2026-12-07 00:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4f8b0c2e5a7'
down_revision = 'f7a2b5c4d0e6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cohort', schema=None) as batch_op:
        batch_op.add_column(sa.Column('external_examiner_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_cohort_external_examiner_id_user'), 'user', ['external_examiner_id'], ['id']
        )
    op.create_table(
        'examiner_sample_addition',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cohort_id', sa.Integer(), nullable=False),
        sa.Column('submission_id', sa.Integer(), nullable=False),
        sa.Column('added_by_id', sa.Integer(), nullable=False),
        sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_examiner_sample_addition_cohort_id_cohort'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['submission_id'], ['submission.id'], name=op.f('fk_examiner_sample_addition_submission_id_submission'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['added_by_id'], ['user.id'], name=op.f('fk_examiner_sample_addition_added_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_examiner_sample_addition')),
        sa.UniqueConstraint('submission_id', name=op.f('uq_examiner_sample_addition_submission_id')),
    )
    with op.batch_alter_table('examiner_sample_addition', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_examiner_sample_addition_cohort_id'), ['cohort_id'], unique=False)
    op.create_table(
        'examiner_report',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('public_id', sa.String(length=16), nullable=False),
        sa.Column('cohort_id', sa.Integer(), nullable=False),
        sa.Column('examiner_id', sa.Integer(), nullable=False),
        sa.Column('module_comments', sa.JSON(), nullable=False),
        sa.Column('judgement', sa.Enum('appropriate', 'concerns', name='judgement', native_enum=False, length=32), nullable=False),
        sa.Column('overall_comments', sa.Text(), nullable=False),
        sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('hub_response', sa.Text(), nullable=True),
        sa.Column('responded_by_id', sa.Integer(), nullable=True),
        sa.Column('responded_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_examiner_report_cohort_id_cohort'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['examiner_id'], ['user.id'], name=op.f('fk_examiner_report_examiner_id_user')),
        sa.ForeignKeyConstraint(['responded_by_id'], ['user.id'], name=op.f('fk_examiner_report_responded_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_examiner_report')),
        sa.UniqueConstraint('cohort_id', name=op.f('uq_examiner_report_cohort_id')),
        sa.UniqueConstraint('public_id', name=op.f('uq_examiner_report_public_id')),
    )
    op.create_table(
        'award_board',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('public_id', sa.String(length=16), nullable=False),
        sa.Column('cohort_id', sa.Integer(), nullable=False),
        sa.Column('met_on', sa.Date(), nullable=False),
        sa.Column('attendees', sa.Text(), nullable=False),
        sa.Column('report_id', sa.Integer(), nullable=True),
        sa.Column('results', sa.JSON(), nullable=False),
        sa.Column('changes', sa.Text(), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_award_board_cohort_id_cohort'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['report_id'], ['examiner_report.id'], name=op.f('fk_award_board_report_id_examiner_report')),
        sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_award_board_decided_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_award_board')),
        sa.UniqueConstraint('cohort_id', name=op.f('uq_award_board_cohort_id')),
        sa.UniqueConstraint('public_id', name=op.f('uq_award_board_public_id')),
    )


def downgrade():
    op.drop_table('award_board')
    op.drop_table('examiner_report')
    with op.batch_alter_table('examiner_sample_addition', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_examiner_sample_addition_cohort_id'))
    op.drop_table('examiner_sample_addition')
    with op.batch_alter_table('cohort', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_cohort_external_examiner_id_user'), type_='foreignkey')
        batch_op.drop_column('external_examiner_id')
