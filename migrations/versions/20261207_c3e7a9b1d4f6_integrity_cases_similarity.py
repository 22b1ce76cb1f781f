"""academic-integrity cases; similarity signatures and matches of submitted work

Revision ID: c3e7a9b1d4f6
Revises: b2d6f8a0c3e5
Create Date: 2026-12-07 00:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3e7a9b1d4f6'
down_revision = 'b2d6f8a0c3e5'
branch_labels = None
depends_on = None


def _enum(*values):
    return sa.Enum(*values, native_enum=False, length=32)


def upgrade():
    op.create_table(
        'integrity_case',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('public_id', sa.String(length=16), nullable=False),
        sa.Column('submission_id', sa.Integer(), nullable=False),
        sa.Column('enrolment_id', sa.Integer(), nullable=False),
        sa.Column('held_submission_id', sa.Integer(), nullable=True),
        sa.Column('kind', _enum('plagiarism', 'collusion', 'fabrication', 'identifying_details'), nullable=False),
        sa.Column('statement', sa.Text(), nullable=False),
        sa.Column('opened_by_id', sa.Integer(), nullable=True),
        sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('response', sa.Text(), nullable=True),
        sa.Column('responded_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('outcome', _enum('cleared', 'upheld', 'referred'), nullable=True),
        sa.Column('penalty', _enum('formal_warning', 'resubmission_required', 'mark_reduced_to_fail'), nullable=True),
        sa.Column('reasons', sa.Text(), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['submission_id'], ['submission.id'], name=op.f('fk_integrity_case_submission_id_submission'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['enrolment_id'], ['enrolment.id'], name=op.f('fk_integrity_case_enrolment_id_enrolment'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['opened_by_id'], ['user.id'], name=op.f('fk_integrity_case_opened_by_id_user')),
        sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_integrity_case_decided_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_integrity_case')),
        sa.UniqueConstraint('public_id', name=op.f('uq_integrity_case_public_id')),
        sa.UniqueConstraint('held_submission_id', name=op.f('uq_integrity_case_held_submission_id')),
    )
    op.create_index(op.f('ix_integrity_case_submission_id'), 'integrity_case', ['submission_id'])
    op.create_index(op.f('ix_integrity_case_enrolment_id'), 'integrity_case', ['enrolment_id'])
    op.create_table(
        'similarity_signature',
        sa.Column('submission_id', sa.Integer(), nullable=False),
        sa.Column('brief', sa.String(length=16), nullable=False),
        sa.Column('enrolment_id', sa.Integer(), nullable=False),
        sa.Column('hashvalues', sa.LargeBinary(), nullable=False),
        sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['submission_id'], ['submission.id'], name=op.f('fk_similarity_signature_submission_id_submission'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['enrolment_id'], ['enrolment.id'], name=op.f('fk_similarity_signature_enrolment_id_enrolment'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('submission_id', name=op.f('pk_similarity_signature')),
    )
    op.create_index(op.f('ix_similarity_signature_brief'), 'similarity_signature', ['brief'])
    op.create_table(
        'similarity_match',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('submission_id', sa.Integer(), nullable=False),
        sa.Column('earlier_id', sa.Integer(), nullable=False),
        sa.Column('estimate', sa.Double(), nullable=False),
        sa.Column('overlap', sa.Double(), nullable=False),
        sa.Column('passages', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['submission_id'], ['submission.id'], name=op.f('fk_similarity_match_submission_id_submission'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['earlier_id'], ['submission.id'], name=op.f('fk_similarity_match_earlier_id_submission'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_similarity_match')),
        sa.UniqueConstraint('submission_id', 'earlier_id', name=op.f('uq_similarity_match_submission_id_earlier_id')),
    )
    op.create_index(op.f('ix_similarity_match_submission_id'), 'similarity_match', ['submission_id'])


def downgrade():
    op.drop_table('similarity_match')
    op.drop_table('similarity_signature')
    op.drop_table('integrity_case')
