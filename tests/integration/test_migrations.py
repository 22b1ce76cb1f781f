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
