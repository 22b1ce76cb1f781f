"""credentials: module records and transcripts beside awards (kind, module_code)

Every credential so far is an award, which the server default says. A module record names its module;
one per module per enrolment (NULL module codes, the awards and transcripts, are never equal).

Revision ID: 2c4e6a8b0d1f
Revises: 5f7b9d1e3a4c
Create Date: 2026-12-07 01:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2c4e6a8b0d1f'
down_revision = '5f7b9d1e3a4c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('credential', schema=None) as batch:
        batch.add_column(sa.Column(
            'kind',
            sa.Enum('award', 'module', 'transcript', name='credentialkind', native_enum=False, length=32),
            server_default='award',
            nullable=False,
        ))
        batch.add_column(sa.Column('module_code', sa.String(length=16), nullable=True))
        batch.create_unique_constraint(
            batch.f('uq_credential_enrolment_id_module_code'), ['enrolment_id', 'module_code']
        )


def downgrade():
    with op.batch_alter_table('credential', schema=None) as batch:
        batch.drop_constraint(batch.f('uq_credential_enrolment_id_module_code'), type_='unique')
        batch.drop_column('module_code')
        batch.drop_column('kind')
