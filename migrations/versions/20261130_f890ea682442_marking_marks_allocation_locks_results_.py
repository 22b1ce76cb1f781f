"""marking: marks, allocation, locks, results; cohort marking settings

Revision ID: f890ea682442
Revises: 768c190c5a0d
Create Date: 2026-11-30 06:46:42.713878

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f890ea682442'
down_revision = '768c190c5a0d'
branch_labels = None
depends_on = None


def upgrade():
    # Reviewed by hand: marks (first, second, agreed), allocation, locks and results of written work,
    # moderation settings of assignments, and each cohort's marking settings (issue #4).
    op.create_table('mark',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('first', 'second', 'agreed', name='markkind', native_enum=False, length=32), nullable=False),
    sa.Column('marker_id', sa.Integer(), nullable=False),
    sa.Column('criteria', sa.JSON(), nullable=False),
    sa.Column('feedback_html', sa.Text(), nullable=False),
    sa.Column('feedback_markdown', sa.Text(), nullable=False),
    sa.Column('rationale', sa.Text(), nullable=True),
    sa.Column('total', sa.Double(), nullable=True),
    sa.Column('band', sa.String(length=16), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['marker_id'], ['user.id'], name=op.f('fk_mark_marker_id_user')),
    sa.ForeignKeyConstraint(['submission_id'], ['submission.id'], name=op.f('fk_mark_submission_id_submission'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mark')),
    sa.UniqueConstraint('submission_id', 'kind', name=op.f('uq_mark_submission_id_kind'))
    )
    with op.batch_alter_table('mark', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mark_marker_id'), ['marker_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mark_submission_id'), ['submission_id'], unique=False)

    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('moderation', sa.JSON(), nullable=True))

    with op.batch_alter_table('cohort', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymous_marking', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('lead_trainer_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_cohort_lead_trainer_id_user'), 'user', ['lead_trainer_id'], ['id'])

    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.add_column(sa.Column('marker_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('moderator_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('locked_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('marked_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('result_total', sa.Double(), nullable=True))
        batch_op.add_column(sa.Column('result_band', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('released_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('resubmission_due_on', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_submission_marker_id'), ['marker_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_submission_moderator_id'), ['moderator_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_submission_marker_id_user'), 'user', ['marker_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_submission_locked_by_id_user'), 'user', ['locked_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_submission_moderator_id_user'), 'user', ['moderator_id'], ['id'])



def downgrade():
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_submission_moderator_id_user'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_submission_locked_by_id_user'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_submission_marker_id_user'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_submission_moderator_id'))
        batch_op.drop_index(batch_op.f('ix_submission_marker_id'))
        batch_op.drop_column('resubmission_due_on')
        batch_op.drop_column('released_at')
        batch_op.drop_column('result_band')
        batch_op.drop_column('result_total')
        batch_op.drop_column('marked_at')
        batch_op.drop_column('locked_until')
        batch_op.drop_column('locked_by_id')
        batch_op.drop_column('moderator_id')
        batch_op.drop_column('marker_id')

    with op.batch_alter_table('cohort', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_cohort_lead_trainer_id_user'), type_='foreignkey')
        batch_op.drop_column('lead_trainer_id')
        batch_op.drop_column('anonymous_marking')

    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_column('moderation')

    with op.batch_alter_table('mark', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mark_submission_id'))
        batch_op.drop_index(batch_op.f('ix_mark_marker_id'))

    op.drop_table('mark')
