"""accreditation: approvals, credentials, the hash-chained ledger, declarations, CPD, verification counts

Revision ID: f1815e77f168
Revises: c0h0a7e5e7a6
Create Date: 2026-11-30 08:30:23.151870

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f1815e77f168'
down_revision = 'c0h0a7e5e7a6'
branch_labels = None
depends_on = None


def upgrade():
    # Reviewed by hand: new tables only, so no data moves.
    op.create_table('ledger_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('action', sa.Enum('issue', 'suspend', 'reinstate', 'revoke', 'renew', name='ledgeraction', native_enum=False, length=32), nullable=False),
    sa.Column('credential_code', sa.String(length=24), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('previous_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_event')),
    sa.UniqueConstraint('hash', name=op.f('uq_ledger_event_hash')),
    sa.UniqueConstraint('sequence', name=op.f('uq_ledger_event_sequence'))
    )
    with op.batch_alter_table('ledger_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_event_credential_code'), ['credential_code'], unique=False)

    op.create_table('verification_count',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('verdict', sa.String(length=24), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_verification_count')),
    sa.UniqueConstraint('day', 'method', 'verdict', name=op.f('uq_verification_count_day_method_verdict'))
    )
    op.create_table('approval',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['approved_by_id'], ['user.id'], name=op.f('fk_approval_approved_by_id_user')),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolment.id'], name=op.f('fk_approval_enrolment_id_enrolment')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_approval')),
    sa.UniqueConstraint('enrolment_id', name=op.f('uq_approval_enrolment_id'))
    )
    op.create_table('declaration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolment.id'], name=op.f('fk_declaration_enrolment_id_enrolment')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_declaration')),
    sa.UniqueConstraint('enrolment_id', 'key', name=op.f('uq_declaration_enrolment_id_key'))
    )
    with op.batch_alter_table('declaration', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_declaration_enrolment_id'), ['enrolment_id'], unique=False)

    op.create_table('credential',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=24), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('subject_uuid', sa.String(length=36), nullable=False),
    sa.Column('holder_id', sa.Integer(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('curriculum_version_id', sa.Integer(), nullable=False),
    sa.Column('approval_id', sa.Integer(), nullable=True),
    sa.Column('renews_id', sa.Integer(), nullable=True),
    sa.Column('status_index', sa.Integer(), nullable=False),
    sa.Column('kid', sa.String(length=255), nullable=False),
    sa.Column('jws', sa.Text(), nullable=False),
    sa.Column('awarded_on', sa.Date(), nullable=False),
    sa.Column('valid_from', sa.DateTime(timezone=True), nullable=False),
    sa.Column('valid_until', sa.DateTime(timezone=True), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('suspended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('suspension_reason', sa.Text(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revocation_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['approval_id'], ['approval.id'], name=op.f('fk_credential_approval_id_approval')),
    sa.ForeignKeyConstraint(['curriculum_version_id'], ['curriculum_version.id'], name=op.f('fk_credential_curriculum_version_id_curriculum_version')),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolment.id'], name=op.f('fk_credential_enrolment_id_enrolment')),
    sa.ForeignKeyConstraint(['holder_id'], ['user.id'], name=op.f('fk_credential_holder_id_user')),
    sa.ForeignKeyConstraint(['issued_by_id'], ['user.id'], name=op.f('fk_credential_issued_by_id_user')),
    sa.ForeignKeyConstraint(['renews_id'], ['credential.id'], name=op.f('fk_credential_renews_id_credential')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credential')),
    sa.UniqueConstraint('code', name=op.f('uq_credential_code')),
    sa.UniqueConstraint('status_index', name=op.f('uq_credential_status_index')),
    sa.UniqueConstraint('uuid', name=op.f('uq_credential_uuid'))
    )
    with op.batch_alter_table('credential', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credential_enrolment_id'), ['enrolment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_credential_holder_id'), ['holder_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_credential_subject_uuid'), ['subject_uuid'], unique=False)

    op.create_table('cpd_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=16), nullable=False),
    sa.Column('credential_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('cpd', 'reflective_account', 'case_review', name='cpdkind', native_enum=False, length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=False),
    sa.Column('hours', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.Column('law_and_policy', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('logged_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['credential_id'], ['credential.id'], name=op.f('fk_cpd_entry_credential_id_credential')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cpd_entry')),
    sa.UniqueConstraint('public_id', name=op.f('uq_cpd_entry_public_id'))
    )
    with op.batch_alter_table('cpd_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cpd_entry_credential_id'), ['credential_id'], unique=False)



def downgrade():
    with op.batch_alter_table('cpd_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cpd_entry_credential_id'))

    op.drop_table('cpd_entry')
    with op.batch_alter_table('credential', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_credential_subject_uuid'))
        batch_op.drop_index(batch_op.f('ix_credential_holder_id'))
        batch_op.drop_index(batch_op.f('ix_credential_enrolment_id'))

    op.drop_table('credential')
    with op.batch_alter_table('declaration', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_declaration_enrolment_id'))

    op.drop_table('declaration')
    op.drop_table('approval')
    op.drop_table('verification_count')
    with op.batch_alter_table('ledger_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_event_credential_code'))

    op.drop_table('ledger_event')
