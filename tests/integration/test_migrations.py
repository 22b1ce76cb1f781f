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


def test_the_unanswered_questions_of_earlier_attempts_are_filled_in_scoring_0(make_app, tmp_path):
    """f8b0d2e4a6c9: a submitted attempt from before has a row for every question it drew."""
    from flask_migrate import downgrade

    from app.learning.models import QuizAnswer
    from tests.factories import add_quiz_attempt, make_assessed_version, make_cohort, make_enrolment

    app = make_app(create_schema=False)
    with app.app_context():
        upgrade()
        quiz = make_assessed_version(tmp_path).modules[0].quiz
        enrolment = make_enrolment(make_cohort(quiz.module.version))
        attempt = add_quiz_attempt(enrolment, quiz, passed=False)
        attempt.layout = [{"key": key, "layout": {}} for key in ("q-single", "q-true", "q-short")]
        db.session.add(QuizAnswer(attempt_id=attempt.id, question_key="q-single", response={"value": "a"}))
        add_quiz_attempt(enrolment, quiz, passed=None, number=2).layout = [{"key": "q-true", "layout": {}}]
        db.session.commit()
        attempt_id = attempt.id
        db.session.remove()
        downgrade(revision="f7a2b5c4d0e6")
        upgrade()
        rows = db.session.execute(
            sa.select(QuizAnswer.attempt_id, QuizAnswer.question_key, QuizAnswer.response, QuizAnswer.score)
        ).all()
        assert sorted(rows) == [
            (attempt_id, "q-short", {"value": None}, 0.0),
            (attempt_id, "q-single", {"value": "a"}, None),
            (attempt_id, "q-true", {"value": None}, 0.0),
        ]  # the attempt still in progress is left alone
