"""The Alembic revisions build the same schema as the models, from an empty database."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from app.database import db


def test_migrations_upgrade_an_empty_database_to_head_matching_the_models(make_app):
    app = make_app(create_schema=False)
    with app.app_context():
        assert sa.inspect(db.engine).get_table_names() == []
        upgrade()
        tables = set(sa.inspect(db.engine).get_table_names())
        assert {"user", "enrolment", "curriculum_version", "lesson_progress", "audit_event"} <= tables
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        assert differences == [], f"models and migrations differ: {differences}"
        upgrade()  # running it again is harmless


def test_upgrading_a_database_that_holds_data_keeps_it(make_app, tmp_path):
    """Each revision runs on a database already in use, not just an empty one (SQLite rebuilds tables)."""
    from flask_migrate import downgrade

    from app.auth.models import Role
    from tests.factories import make_cohort, make_enrolment, make_user, make_version

    app = make_app(create_schema=False)
    with app.app_context():
        upgrade()
        enrolment = make_enrolment(make_cohort(make_version(tmp_path), trainers=[make_user(Role.TRAINER)]))
        candidate = enrolment.candidate_number
        db.session.remove()
        downgrade(revision="768c190c5a0d")  # before the marking revision, which rebuilds `cohort`
        upgrade()
        with db.engine.connect() as connection:
            count = connection.exec_driver_sql("SELECT count(*) FROM enrolment").scalar()
            kept = connection.exec_driver_sql("SELECT candidate_number FROM enrolment").scalar()
        assert (count, kept) == (1, candidate)
