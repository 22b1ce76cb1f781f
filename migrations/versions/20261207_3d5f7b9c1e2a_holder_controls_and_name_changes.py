"""holder controls and name changes: a re-issue replaces a credential, the public page can be turned
off, share links, name change requests and expiry reminders

Revision ID: 3d5f7b9c1e2a
Revises: 2c4e6a8b0d1f
Create Date: 2026-12-07 01:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3d5f7b9c1e2a'
down_revision = '2c4e6a8b0d1f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('credential', schema=None) as batch_op:
        batch_op.add_column(sa.Column('replaces_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('replaced_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('public_page', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.create_foreign_key(
            batch_op.f('fk_credential_replaces_id_credential'), 'credential', ['replaces_id'], ['id']
        )
        batch_op.create_unique_constraint(batch_op.f('uq_credential_replaces_id'), ['replaces_id'])
    op.create_table(
        'name_change_request',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('public_id', sa.String(length=16), nullable=False),
        sa.Column('credential_id', sa.Integer(), nullable=False),
        sa.Column('new_name', sa.String(length=200), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('status', sa.Enum('pending', 'approved', 'refused', name='namechangestatus', native_enum=False, length=32), nullable=False),
        sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('decision_note', sa.Text(), nullable=False),
        sa.Column('new_credential_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['credential_id'], ['credential.id'], name=op.f('fk_name_change_request_credential_id_credential')),
        sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_name_change_request_decided_by_id_user')),
        sa.ForeignKeyConstraint(['new_credential_id'], ['credential.id'], name=op.f('fk_name_change_request_new_credential_id_credential')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_name_change_request')),
        sa.UniqueConstraint('public_id', name=op.f('uq_name_change_request_public_id')),
    )
    with op.batch_alter_table('name_change_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_name_change_request_credential_id'), ['credential_id'], unique=False)
    op.create_table(
        'share_link',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=64), nullable=False),
        sa.Column('credential_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['credential_id'], ['credential.id'], name=op.f('fk_share_link_credential_id_credential')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_share_link')),
        sa.UniqueConstraint('token', name=op.f('uq_share_link_token')),
    )
    with op.batch_alter_table('share_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_share_link_credential_id'), ['credential_id'], unique=False)
    op.create_table(
        'credential_reminder',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('credential_id', sa.Integer(), nullable=False),
        sa.Column('days', sa.Integer(), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['credential_id'], ['credential.id'], name=op.f('fk_credential_reminder_credential_id_credential')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_credential_reminder')),
        sa.UniqueConstraint('credential_id', 'days', name=op.f('uq_credential_reminder_credential_id_days')),
    )


def downgrade():
    op.drop_table('credential_reminder')
    with op.batch_alter_table('share_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_share_link_credential_id'))
    op.drop_table('share_link')
    with op.batch_alter_table('name_change_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_name_change_request_credential_id'))
    op.drop_table('name_change_request')
    with op.batch_alter_table('credential', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_credential_replaces_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_credential_replaces_id_credential'), type_='foreignkey')
        batch_op.drop_column('public_page')
        batch_op.drop_column('replaced_at')
        batch_op.drop_column('replaces_id')
