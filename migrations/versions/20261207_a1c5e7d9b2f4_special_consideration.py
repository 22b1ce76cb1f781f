"""special consideration: the trainee's request and the Hub's decision; a quiz attempt can be voided

Revision ID: a1c5e7d9b2f4
Revises: d4f8b0c2e5a7
Create Date: 2026-12-07 00:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a1c5e7d9b2f4'
down_revision = 'd4f8b0c2e5a7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('quiz_attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('voided_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('voided_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_quiz_attempt_voided_by_id_user'), 'user', ['voided_by_id'], ['id']
        )
    op.create_table(
        'consideration_request',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('public_id', sa.String(length=16), nullable=False),
        sa.Column('enrolment_id', sa.Integer(), nullable=False),
        sa.Column('quiz_id', sa.Integer(), nullable=True),
        sa.Column('assignment_id', sa.Integer(), nullable=True),
        sa.Column('attempt_id', sa.Integer(), nullable=True),
        sa.Column('open_key', sa.String(length=40), nullable=True),
        sa.Column('occurred_on', sa.Date(), nullable=False),
        sa.Column('statement', sa.Text(), nullable=False),
        sa.Column('evidence_name', sa.String(length=200), nullable=True),
        sa.Column('evidence_sha256', sa.String(length=64), nullable=True),
        sa.Column('evidence_size', sa.Integer(), nullable=True),
        sa.Column('evidence_type', sa.String(length=8), nullable=True),
        sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            'status',
            sa.Enum('open', 'granted', 'refused', name='considerationstatus', native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column(
            'outcome',
            sa.Enum(
                'extension',
                'void_attempt',
                'uncapped_resubmission',
                'board_note',
                name='considerationoutcome',
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column('decision_reasons', sa.Text(), nullable=True),
        sa.Column('new_due_on', sa.Date(), nullable=True),
        sa.Column('board_note', sa.Text(), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['enrolment_id'], ['enrolment.id'], name=op.f('fk_consideration_request_enrolment_id_enrolment'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['quiz_id'], ['quiz.id'], name=op.f('fk_consideration_request_quiz_id_quiz')),
        sa.ForeignKeyConstraint(['assignment_id'], ['assignment.id'], name=op.f('fk_consideration_request_assignment_id_assignment')),
        sa.ForeignKeyConstraint(['attempt_id'], ['quiz_attempt.id'], name=op.f('fk_consideration_request_attempt_id_quiz_attempt')),
        sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_consideration_request_decided_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_consideration_request')),
        sa.UniqueConstraint('public_id', name=op.f('uq_consideration_request_public_id')),
        sa.UniqueConstraint('enrolment_id', 'open_key', name=op.f('uq_consideration_request_enrolment_id_open_key')),
    )
    with op.batch_alter_table('consideration_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consideration_request_enrolment_id'), ['enrolment_id'], unique=False)


def downgrade():
    with op.batch_alter_table('consideration_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consideration_request_enrolment_id'))
    op.drop_table('consideration_request')
    with op.batch_alter_table('quiz_attempt', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_quiz_attempt_voided_by_id_user'), type_='foreignkey')
        batch_op.drop_column('voided_by_id')
        batch_op.drop_column('voided_at')
