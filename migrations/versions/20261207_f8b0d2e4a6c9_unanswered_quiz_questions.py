"""quiz answers: every question drawn in a submitted attempt has its score on record (the item statistics)

An attempt is now marked with a row, scoring 0 and answer null, for each question drawn but left
unanswered. This fills in those rows for the attempts submitted before: the questions each attempt drew are
in its ``layout``. Data only; the schema does not change.

Revision ID: f8b0d2e4a6c9
Revises: e5a9c1d3f6b8
Create Date: 2026-12-07 00:55:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f8b0d2e4a6c9'
down_revision = 'e5a9c1d3f6b8'
branch_labels = None
depends_on = None

attempt = sa.table(
    'quiz_attempt',
    sa.column('id', sa.Integer()),
    sa.column('layout', sa.JSON()),
    sa.column('submitted_at', sa.DateTime(timezone=True)),
)
answer = sa.table(
    'quiz_answer',
    sa.column('attempt_id', sa.Integer()),
    sa.column('question_key', sa.String(80)),
    sa.column('response', sa.JSON()),
    sa.column('saved_at', sa.DateTime(timezone=True)),
    sa.column('score', sa.Float()),
)


def upgrade():
    bind = op.get_bind()
    answered: dict[int, set[str]] = {}
    for attempt_id, key in bind.execute(sa.select(answer.c.attempt_id, answer.c.question_key)):
        answered.setdefault(attempt_id, set()).add(key)
    rows = [
        {'attempt_id': attempt_id, 'question_key': item['key'], 'response': {'value': None},
         'saved_at': submitted_at, 'score': 0.0}
        for attempt_id, layout, submitted_at in bind.execute(
            sa.select(attempt.c.id, attempt.c.layout, attempt.c.submitted_at).where(
                attempt.c.submitted_at.is_not(None)
            )
        )
        for item in layout or []
        if item['key'] not in answered.get(attempt_id, set())
    ]
    for start in range(0, len(rows), 5000):
        bind.execute(sa.insert(answer), rows[start:start + 5000])


def downgrade():
    # The rows added stand for unanswered questions, which scored 0 either way; removing them (and any
    # recorded since) restores the earlier shape.
    bind = op.get_bind()
    bind.execute(sa.delete(answer).where(sa.cast(answer.c.response, sa.Text) == '{"value": null}'))
