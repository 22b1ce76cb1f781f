"""the job queue: each outbox message's delivery (status, attempts, last error, sent at) and job progress

Mail now goes out from a job per message, tried again on failure; the outbox row is its record. Messages
already in the outbox were delivered (or, by SMTP, tried once): they count as sent, or as outbox-only when
no mail server was set. ``job_progress`` is how far a long job (approving a whole cohort) has got.

Revision ID: 4e6a8c0d2f3b
Revises: 3d5f7b9c1e2a
Create Date: 2026-12-07 01:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4e6a8c0d2f3b'
down_revision = '3d5f7b9c1e2a'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_message') as batch:
        batch.add_column(sa.Column('status', sa.String(16), nullable=False, server_default='sent'))
        batch.add_column(sa.Column('attempts', sa.Integer(), nullable=False, server_default='0'))
        batch.add_column(sa.Column('last_error', sa.String(500), nullable=True))
        batch.add_column(sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('pending_body', sa.Text(), nullable=True))
        batch.create_index('ix_outbox_message_status', ['status'])
    outbox = sa.table('outbox_message', sa.column('delivered_by', sa.String()), sa.column('status', sa.String()))
    op.execute(sa.update(outbox).where(outbox.c.delivered_by == 'outbox').values(status='outbox'))
    op.create_table(
        'job_progress',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('public_id', sa.String(16), nullable=False),
        sa.Column('kind', sa.String(40), nullable=False),
        sa.Column('subject', sa.String(64), nullable=False),
        sa.Column('label', sa.String(200), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('done', sa.Integer(), nullable=False),
        sa.Column('failed', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('public_id'),
    )
    op.create_index('ix_job_progress_subject', 'job_progress', ['subject'])


def downgrade():
    op.drop_index('ix_job_progress_subject', table_name='job_progress')
    op.drop_table('job_progress')
    with op.batch_alter_table('outbox_message') as batch:
        batch.drop_index('ix_outbox_message_status')
        batch.drop_column('pending_body')
        batch.drop_column('sent_at')
        batch.drop_column('last_error')
        batch.drop_column('attempts')
        batch.drop_column('status')
