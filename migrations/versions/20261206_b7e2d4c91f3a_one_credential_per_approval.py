"""one credential per approval: a unique key on credential.approval_id

Revision ID: b7e2d4c91f3a
Revises: c4d8e2f1a7b3
Create Date: 2026-12-06 22:30:00.000000

The other "only one" rules that double-clicks and two tabs race on already have their unique keys (one
draft or submission per enrolment, assignment and attempt; one attempt number per enrolment and quiz; one
answer per attempt and question; one lesson row per enrolment and lesson; one approval per enrolment; one
mark of each kind per piece). This adds the last: an approval issues exactly one credential (renewals
carry no approval, and NULLs never collide).

No existing rows can break the upgrade: an approval is only ever created by ``services.approve``, which
issues its one credential in the same transaction, and ``approval.enrolment_id`` has been unique since the
accreditation revision, so a second approval (and the credential issued with it) could never commit.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b7e2d4c91f3a'
down_revision = 'c4d8e2f1a7b3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('credential', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_credential_approval_id'), ['approval_id'])


def downgrade():
    with op.batch_alter_table('credential', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_credential_approval_id'), type_='unique')
