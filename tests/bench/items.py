"""Benchmark: the item statistics of the shipped M02 quiz (25 of its questions drawn per attempt) over
10,000 submitted attempts (5,000 trainees x 2), seeded with bulk inserts. Each trainee has an ability and
each question a difficulty, so the figures are realistic; answers are scored by the question types.
Prints the median time of the statistics' queries and of the whole page (target: under 200 ms). The page
reads the running tallies marking keeps, so the time does not grow with the number of attempts; the time
to rebuild the tallies from every answer (what the migration does once) is printed too."""

from __future__ import annotations

import random
import time
from pathlib import Path

import sqlalchemy as sa

from app.assessments.question_types import REGISTRY
from app.auth.models import Role, User
from app.cohorts.models import Enrolment
from app.database import db, utcnow
from app.learning import item_tallies, quizzes
from app.learning.models import QuizAnswer, QuizAttempt
from app.organisations.models import Nation
from app.reports import items
from tests.conftest import sign_in
from tests.factories import make_cohort, make_organisation, make_user, make_version
from tests.integration.test_quizzes import right_answer

TRAINEES = 5000  # x 2 attempts = 10,000


def _answers(question: dict, layout: dict) -> tuple[object, list]:
    """The right value, and wrong ones, for a question."""
    kind = REGISTRY[question["type"]]
    right = kind.parse(question, layout, right_answer(question, layout))
    if question["type"] in ("single_choice", "multiple_response"):
        wrong_keys = [str(k) for k in question["options"] if k not in right]
        wrong = wrong_keys if question["type"] == "single_choice" else [[k] for k in wrong_keys]
    elif question["type"] == "true_false":
        wrong = [not right]
    elif question["type"] == "matching":
        values = list(right.values())
        wrong = [dict(zip(right, values[1:] + values[:1], strict=True))]
    elif question["type"] == "ordering":
        wrong = [list(reversed(right))]
    else:
        wrong = ["not sure"]
    return right, wrong


def seed(cohort, quiz) -> None:
    rng = random.Random(15)
    now = utcnow()
    organisation = make_organisation("Bench Item Organisation")
    db.session.execute(
        sa.insert(User),
        [{"email": f"items-{n}@example.org", "name": f"Item Trainee {n:05d}"} for n in range(TRAINEES)],
    )
    user_ids = db.session.scalars(sa.select(User.id).where(User.email.like("items-%")).order_by(User.id))
    db.session.execute(
        sa.insert(Enrolment),
        [
            {
                "cohort_id": cohort.id,
                "user_id": uid,
                "organisation_id": organisation.id,
                "candidate_number": f"IT-{n:05d}",
                "nation": Nation.ENGLAND,
                "public_id": f"items{n:011d}",
            }
            for n, uid in enumerate(user_ids)
        ],
    )
    enrolments = db.session.scalars(sa.select(Enrolment.id).where(Enrolment.cohort_id == cohort.id)).all()
    bank = quiz.bank
    layout_rng = random.Random(1)
    values = {key: _answers(q, REGISTRY[q["type"]].layout(q, layout_rng, False)) for key, q in bank.items()}
    difficulty = {key: rng.uniform(-0.25, 0.25) for key in bank}
    attempts, marks = [], []
    for e in enrolments:
        ability = rng.random()
        for number in (1, 2):
            layout = quizzes.draw(quiz, rng.randrange(2**31))
            public_id = f"i{e:08d}{number}"
            scores = []
            for item in layout:
                key = item["key"]
                right, wrong = values[key]
                value = right if rng.random() < 0.3 + 0.55 * ability - difficulty[key] else rng.choice(wrong)
                score = REGISTRY[bank[key]["type"]].score(bank[key], value)
                scores.append(score)
                marks.append((public_id, key, value, score))
            percent = round(100 * sum(scores) / len(scores), 1)
            attempts.append(
                {
                    "enrolment_id": e,
                    "quiz_id": quiz.id,
                    "number": number,
                    "seed": number,
                    "layout": layout,
                    "started_at": now,
                    "submitted_at": now,
                    "score": percent,
                    "passed": percent >= quiz.pass_mark,
                    "public_id": public_id,
                }
            )
    for start in range(0, len(attempts), 5000):
        db.session.execute(sa.insert(QuizAttempt), attempts[start : start + 5000])
    ids = dict(db.session.execute(sa.select(QuizAttempt.public_id, QuizAttempt.id)).all())
    rows = [
        {"attempt_id": ids[p], "question_key": k, "response": {"value": v}, "score": s, "saved_at": now}
        for p, k, v, s in marks
    ]
    for start in range(0, len(rows), 10000):
        db.session.execute(sa.insert(QuizAnswer), rows[start : start + 10000])
    # Bulk inserts skip marking, which keeps the running tallies: work them out once, as the migration does.
    item_tallies.rebuild(quiz)
    db.session.commit()
    print(f"seeded {len(attempts):,} submitted attempts at {quiz.title}: {len(rows):,} answers")


def bench_items(tmp: Path, make_app, timed) -> None:
    app = make_app(tmp / "items.sqlite3")
    with app.app_context():
        db.create_all()
        version = make_version()  # the shipped curriculum
        module = next(m for m in version.modules if m.code == "M02")
        trainer = make_user(Role.TRAINER)
        cohort = make_cohort(version, trainers=[trainer])
        started = time.perf_counter()
        seed(cohort, module.quiz)
        print(f"(seeding took {time.perf_counter() - started:.1f} s)")
        started = time.perf_counter()
        item_tallies.rebuild(module.quiz)
        print(f"rebuilding the tallies from 250,000 answers: {time.perf_counter() - started:.2f} s (once)")
        data = items.statistics(module.quiz)
        print(f"{len(data.flagged)} of {len(data.items)} questions flagged; the first question's figures:")
        first = data.items[0]
        print(f"  {first.key}: {first.attempts} attempts, {first.facility:.2f}, {first.discrimination:.2f}")
        queries = timed(lambda: items.statistics(module.quiz), repeat=7)
        print(f"item statistics queries, 10,000 attempts   {queries * 1000:8.1f} ms median")
        hub = make_user(Role.HUB_ADMIN)
        url = f"/reports/items/{version.content_hash}/{module.slug}"
        for label, who in (
            ("item statistics page, Hub admin ", hub),
            ("item statistics page, trainer   ", trainer),
        ):
            client = app.test_client()
            sign_in(client, who)
            assert client.get(url).status_code == 200
            print(f"{label}          {timed(lambda c=client: c.get(url), repeat=7) * 1000:8.1f} ms median")
