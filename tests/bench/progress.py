"""Benchmark: the progress matrix and the Hub report with 1,000 trainees x 11 modules (the shipped
curriculum), each with lesson progress, quiz attempts, written work with marks, and portfolio evidence.
Seeded with bulk inserts; prints the median server time of each page (target: under 300 ms)."""

from __future__ import annotations

import random
import time
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from app.auth.models import Role, User
from app.cohorts.models import Enrolment
from app.database import db, utcnow
from app.learning.models import (
    EvidenceStatus,
    LessonProgress,
    PortfolioEntry,
    QuizAttempt,
    Submission,
    SubmissionStatus,
)
from app.marking.models import Mark, MarkKind
from app.organisations.models import Nation
from tests.conftest import sign_in
from tests.factories import make_cohort, make_organisation, make_user, make_version

TRAINEES = 1000


def seed(cohort, version, organisations, count: int = TRAINEES) -> None:
    rng = random.Random(6)
    now = utcnow()
    marker = make_user(Role.TRAINER)
    db.session.execute(
        sa.insert(User),
        [{"email": f"bench-{n}@example.org", "name": f"Bench Trainee {n:04d}"} for n in range(count)],
    )
    user_ids = db.session.scalars(
        sa.select(User.id).where(User.email.like("bench-%")).order_by(User.id)
    ).all()
    nations = list(Nation)
    db.session.execute(
        sa.insert(Enrolment),
        [
            {
                "cohort_id": cohort.id,
                "user_id": uid,
                "organisation_id": organisations[n % len(organisations)].id,
                "candidate_number": f"BN-{n:05d}",
                "nation": nations[n % 4],
                "public_id": f"bench{n:011d}",
            }
            for n, uid in enumerate(user_ids)
        ],
    )
    enrolments = db.session.scalars(sa.select(Enrolment.id).where(Enrolment.cohort_id == cohort.id)).all()
    lessons, attempts, pieces, evidence = [], [], [], []
    for e in enrolments:
        reached = rng.randint(0, len(version.modules))  # modules this trainee has got to
        for m in version.modules[:reached]:
            when = now - timedelta(days=rng.randint(0, 60))
            for lesson in m.lessons:
                lessons.append(
                    {"enrolment_id": e, "lesson_id": lesson.id, "first_opened_at": when, "completed_at": when}
                )
            if m.quiz:
                for number in (1, 2):
                    passed = number == 2 or rng.random() < 0.7
                    attempts.append(
                        {
                            "enrolment_id": e,
                            "quiz_id": m.quiz.id,
                            "number": number,
                            "seed": number,
                            "layout": [],
                            "started_at": when,
                            "submitted_at": when,
                            "score": 85.0 if passed else 50.0,
                            "passed": passed,
                            "public_id": f"q{e:07d}{m.position:02d}{number}",
                        }
                    )
                    if passed:
                        break
            if m.assignment:
                status = rng.choice(
                    [SubmissionStatus.RELEASED] * 3 + [SubmissionStatus.IN_MARKING, SubmissionStatus.REFERRED]
                )
                pieces.append(
                    {
                        "enrolment_id": e,
                        "assignment_id": m.assignment.id,
                        "attempt": 1,
                        "status": status,
                        "text": "Bench work.",
                        "word_count": 2,
                        "revision": 1,
                        "submitted_at": when,
                        "marked_at": when + timedelta(days=5),
                        "released_at": None
                        if status is SubmissionStatus.IN_MARKING
                        else when + timedelta(days=9),
                        "result_band": None
                        if status is SubmissionStatus.IN_MARKING
                        else ("fail" if status is SubmissionStatus.REFERRED else "pass"),
                        "result_total": 55.0,
                        "marker_id": marker.id,
                        "public_id": f"s{e:07d}{m.position:02d}",
                    }
                )
            for requirement in m.portfolio_requirements:
                for k in range(3):
                    evidence.append(
                        {
                            "enrolment_id": e,
                            "module_id": m.id,
                            "kind": requirement.kinds[0],
                            "occurred_on": when.date(),
                            "hours": 5,
                            "description": "Bench evidence in general terms.",
                            "status": EvidenceStatus.VERIFIED,
                            "created_at": when,
                            "public_id": f"p{e:07d}{requirement.id:03d}{k}",
                        }
                    )
    for model, rows in (
        (LessonProgress, lessons),
        (QuizAttempt, attempts),
        (Submission, pieces),
        (PortfolioEntry, evidence),
    ):
        for start in range(0, len(rows), 5000):
            db.session.execute(sa.insert(model), rows[start : start + 5000])
    marked = db.session.execute(
        sa.select(Submission.id, Submission.marked_at).where(Submission.marked_at.is_not(None))
    )
    db.session.execute(
        sa.insert(Mark),
        [
            {
                "submission_id": sid,
                "kind": MarkKind.FIRST,
                "marker_id": marker.id,
                "criteria": {},
                "total": 55.0,
                "band": "pass",
                "saved_at": at,
                "completed_at": at,
            }
            for sid, at in marked
        ],
    )
    db.session.commit()
    print(
        f"seeded {len(enrolments)} trainees x {len(version.modules)} modules: {len(lessons):,} lesson rows, "
        f"{len(attempts):,} quiz attempts, {len(pieces):,} marked pieces, {len(evidence):,} evidence items"
    )


def bench_progress(tmp: Path, make_app, timed) -> None:
    app = make_app(tmp / "progress.sqlite3")
    with app.app_context():
        db.create_all()
        version = make_version()  # the shipped curriculum: 11 modules
        trainer = make_user(Role.TRAINER)
        cohort = make_cohort(version, trainers=[trainer])
        organisations = [make_organisation(f"Bench Organisation {n}") for n in range(8)]
        started = time.perf_counter()
        seed(cohort, version, organisations)
        print(f"(seeding took {time.perf_counter() - started:.1f} s)")
        hub = make_user(Role.HUB_ADMIN)
        for label, who, url in (
            ("progress matrix, 1,000 x 11", trainer, f"/cohorts/{cohort.public_id}/progress"),
            (
                "matrix filtered to one org  ",
                trainer,
                f"/cohorts/{cohort.public_id}/progress?organisation={organisations[0].public_id}",
            ),
            ("Hub report, 1,000 trainees  ", hub, "/reports/"),
        ):
            client = app.test_client()
            sign_in(client, who)
            assert client.get(url).status_code == 200
            print(f"{label}  {timed(lambda c=client, u=url: c.get(u), repeat=7) * 1000:8.1f} ms median")
