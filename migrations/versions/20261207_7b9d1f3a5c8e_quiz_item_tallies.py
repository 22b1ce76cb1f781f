"""quiz item tallies: running sums behind the item statistics, per quiz, cohort and question

Two tables the statistics page reads instead of every answer ever given: ``quiz_item_tally`` (n, Σx, Σx²,
Σy, Σy², Σxy per question and cohort) and ``quiz_option_tally`` (how often each option was chosen). They
are filled in here from the answers of every submitted attempt that is not voided; from now on marking
adds to them and voiding takes away.

Revision ID: 7b9d1f3a5c8e
Revises: f8b0d2e4a6c9
Create Date: 2026-12-07 01:40:00.000000

"""
from collections import defaultdict
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7b9d1f3a5c8e'
down_revision = 'f8b0d2e4a6c9'
branch_labels = None
depends_on = None

CHOICE_TYPES = {'single_choice', 'multiple_response', 'true_false'}


def _tables():
    op.create_table(
        'quiz_item_tally',
        sa.Column('quiz_id', sa.Integer(), sa.ForeignKey('quiz.id', ondelete='CASCADE'), primary_key=True),
        sa.Column('cohort_id', sa.Integer(), sa.ForeignKey('cohort.id', ondelete='CASCADE'), primary_key=True),
        sa.Column('question_key', sa.String(80), primary_key=True),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.Column('sx', sa.Double(), nullable=False),
        sa.Column('sxx', sa.Double(), nullable=False),
        sa.Column('sy', sa.Double(), nullable=False),
        sa.Column('syy', sa.Double(), nullable=False),
        sa.Column('sxy', sa.Double(), nullable=False),
    )
    op.create_table(
        'quiz_option_tally',
        sa.Column('quiz_id', sa.Integer(), sa.ForeignKey('quiz.id', ondelete='CASCADE'), primary_key=True),
        sa.Column('cohort_id', sa.Integer(), sa.ForeignKey('cohort.id', ondelete='CASCADE'), primary_key=True),
        sa.Column('question_key', sa.String(80), primary_key=True),
        sa.Column('option', sa.String(80), primary_key=True),
        sa.Column('chosen', sa.Integer(), nullable=False),
    )


def _chosen(value):
    chosen = value if isinstance(value, list) else [] if value is None else [value]
    return [json.dumps(o) if isinstance(o, bool) else str(o) for o in chosen]


def upgrade():
    _tables()
    bind = op.get_bind()
    quiz = sa.table('quiz', sa.column('id', sa.Integer()), sa.column('questions', sa.JSON()))
    choice_keys = {
        quiz_id: {q['key'] for q in questions or [] if q.get('type') in CHOICE_TYPES}
        for quiz_id, questions in bind.execute(sa.select(quiz.c.id, quiz.c.questions))
    }
    rows = bind.execute(sa.text(
        'SELECT a.quiz_id, e.cohort_id, qa.attempt_id, qa.question_key, qa.response, qa.score '
        'FROM quiz_answer qa JOIN quiz_attempt a ON a.id = qa.attempt_id JOIN enrolment e ON e.id = a.enrolment_id '
        'WHERE a.submitted_at IS NOT NULL AND a.voided_at IS NULL'
    )).all()
    totals = defaultdict(float)
    for _quiz, _cohort, attempt_id, _key, _response, score in rows:
        totals[attempt_id] += score or 0.0
    sums = defaultdict(lambda: [0, 0.0, 0.0, 0.0, 0.0, 0.0])
    chosen = defaultdict(int)
    for quiz_id, cohort_id, attempt_id, key, response, score in rows:
        x = score or 0.0
        y = totals[attempt_id] - x
        for n, value in enumerate((1, x, x * x, y, y * y, x * y)):
            sums[quiz_id, cohort_id, key][n] += value
        if key in choice_keys.get(quiz_id, ()):
            if isinstance(response, str):  # the JSON column comes back as text from a raw query
                response = json.loads(response)
            for option in _chosen((response or {}).get('value')):
                chosen[quiz_id, cohort_id, key, option] += 1
    item = sa.table('quiz_item_tally', *(sa.column(c) for c in
                    ('quiz_id', 'cohort_id', 'question_key', 'n', 'sx', 'sxx', 'sy', 'syy', 'sxy')))
    option = sa.table('quiz_option_tally', *(sa.column(c) for c in
                      ('quiz_id', 'cohort_id', 'question_key', 'option', 'chosen')))
    if sums:
        bind.execute(sa.insert(item), [
            dict(zip(('quiz_id', 'cohort_id', 'question_key'), k), n=int(v[0]), sx=v[1], sxx=v[2], sy=v[3],
                 syy=v[4], sxy=v[5])
            for k, v in sums.items()
        ])
    if chosen:
        bind.execute(sa.insert(option), [
            dict(zip(('quiz_id', 'cohort_id', 'question_key', 'option'), k), chosen=c) for k, c in chosen.items()
        ])


def downgrade():
    op.drop_table('quiz_option_tally')
    op.drop_table('quiz_item_tally')
