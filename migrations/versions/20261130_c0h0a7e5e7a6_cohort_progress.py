"""cohort progress: module schedules, enrolment nation and status history, contact notes

Revision ID: c0h0a7e5e7a6
Revises: f890ea682442
Create Date: 2026-11-30 08:29:09.366889

"""
from datetime import timedelta

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c0h0a7e5e7a6'
down_revision = 'f890ea682442'
branch_labels = None
depends_on = None

STUDY_HOURS_PER_WEEK = 10  # as app.cohorts.services.STUDY_HOURS_PER_WEEK when this revision was written


def upgrade():
    # Reviewed by hand (issue #6): each cohort's module schedule, the nation each trainee works in,
    # deferral and transfer of enrolments, and trainers' contact notes.
    op.create_table('module_schedule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('opens_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_module_schedule_cohort_id_cohort'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['module_id'], ['module.id'], name=op.f('fk_module_schedule_module_id_module')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_module_schedule')),
    sa.UniqueConstraint('cohort_id', 'module_id', name=op.f('uq_module_schedule_cohort_id_module_id'))
    )
    with op.batch_alter_table('module_schedule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_module_schedule_cohort_id'), ['cohort_id'], unique=False)

    op.create_table('contact_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=16), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('contacted_on', sa.Date(), nullable=False),
    sa.Column('agreed', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_contact_note_author_id_user')),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolment.id'], name=op.f('fk_contact_note_enrolment_id_enrolment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_note')),
    sa.UniqueConstraint('public_id', name=op.f('uq_contact_note_public_id'))
    )
    with op.batch_alter_table('contact_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_note_enrolment_id'), ['enrolment_id'], unique=False)

    # The nation starts as the host organisation's, then is NOT NULL.
    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('nation', sa.Enum('england', 'scotland', 'wales', 'northern_ireland', name='nation', native_enum=False, length=32), nullable=True))
        batch_op.add_column(sa.Column('status_changed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('transferred_from_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_enrolment_transferred_from_id_enrolment'), 'enrolment', ['transferred_from_id'], ['id'])
    op.execute(
        "UPDATE enrolment SET nation = "
        "(SELECT organisation.nation FROM organisation WHERE organisation.id = enrolment.organisation_id)"
    )
    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.alter_column('nation', existing_type=sa.Enum('england', 'scotland', 'wales', 'northern_ireland', name='nation', native_enum=False, length=32), nullable=False)

    _schedule_existing_cohorts()


def _schedule_existing_cohorts():
    """Existing cohorts get the default schedule (the same rule as ``services.default_schedule``)."""
    bind = op.get_bind()
    cohort = sa.table('cohort', sa.column('id', sa.Integer), sa.column('curriculum_version_id', sa.Integer),
                      sa.column('starts_on', sa.Date))
    module = sa.table('module', sa.column('id', sa.Integer), sa.column('version_id', sa.Integer),
                      sa.column('position', sa.Integer), sa.column('study_hours', sa.Integer))
    assignment = sa.table('assignment', sa.column('module_id', sa.Integer), sa.column('due_days', sa.Integer))
    schedule = sa.table('module_schedule', sa.column('cohort_id', sa.Integer), sa.column('module_id', sa.Integer),
                        sa.column('opens_on', sa.Date), sa.column('due_on', sa.Date))
    rows = []
    for cohort_id, version_id, starts_on in bind.execute(sa.select(cohort.c.id, cohort.c.curriculum_version_id, cohort.c.starts_on)):
        hours_before = 0
        modules = bind.execute(
            sa.select(module.c.id, module.c.study_hours, assignment.c.due_days)
            .select_from(module.outerjoin(assignment, assignment.c.module_id == module.c.id))
            .where(module.c.version_id == version_id)
            .order_by(module.c.position)
        )
        for module_id, study_hours, due_days in modules:
            opens = starts_on + timedelta(weeks=hours_before / STUDY_HOURS_PER_WEEK)
            hours_before += study_hours
            due = (opens + timedelta(days=due_days) if due_days is not None
                   else starts_on + timedelta(weeks=hours_before / STUDY_HOURS_PER_WEEK))
            rows.append({'cohort_id': cohort_id, 'module_id': module_id, 'opens_on': opens, 'due_on': due})
    if rows:
        op.bulk_insert(schedule, rows)


def downgrade():
    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_enrolment_transferred_from_id_enrolment'), type_='foreignkey')
        batch_op.drop_column('transferred_from_id')
        batch_op.drop_column('status_changed_at')
        batch_op.drop_column('nation')

    with op.batch_alter_table('contact_note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_note_enrolment_id'))

    op.drop_table('contact_note')
    with op.batch_alter_table('module_schedule', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_module_schedule_cohort_id'))

    op.drop_table('module_schedule')
