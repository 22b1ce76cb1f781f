"""Benchmark: the similarity check of one submission against 5,000 earlier submissions of the same brief
(across 10 cohorts), each of 400 words with its stored signature. Prints the median time of the whole
check (load the signatures, compare, the exact overlap of the top matches, store the result; target:
under 200 ms) and of the numpy comparison alone."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import sqlalchemy as sa

from app.auth.models import Role, User
from app.cohorts.models import Enrolment
from app.database import db, utcnow
from app.learning.models import Submission, SubmissionStatus
from app.marking import similarity
from app.marking.models import SimilaritySignature
from app.organisations.models import Nation
from tests.factories import make_assessed_version, make_cohort, make_enrolment, make_organisation, make_user
from tests.integration.test_similarity import copying, essay

EARLIER = 5000
WORDS = 400


def seed(assignment, cohorts, organisation) -> list[str]:
    db.session.execute(
        sa.insert(User),
        [{"email": f"sim-{n}@example.org", "name": f"Similarity Trainee {n:04d}"} for n in range(EARLIER)],
    )
    user_ids = db.session.scalars(sa.select(User.id).where(User.email.like("sim-%")).order_by(User.id)).all()
    db.session.execute(
        sa.insert(Enrolment),
        [
            {
                "cohort_id": cohorts[n % len(cohorts)].id,
                "user_id": uid,
                "organisation_id": organisation.id,
                "candidate_number": f"SM-{n:05d}",
                "nation": Nation.ENGLAND,
                "public_id": f"simil{n:011d}",
            }
            for n, uid in enumerate(user_ids)
        ],
    )
    enrolments = db.session.scalars(
        sa.select(Enrolment.id).where(Enrolment.public_id.like("simil%")).order_by(Enrolment.id)
    ).all()
    texts = [essay(n, WORDS) for n in range(EARLIER)]
    now = utcnow()
    db.session.execute(
        sa.insert(Submission),
        [
            {
                "enrolment_id": eid,
                "assignment_id": assignment.id,
                "status": SubmissionStatus.SUBMITTED,
                "text": text,
                "word_count": WORDS,
                "submitted_at": now,
                "public_id": f"simsub{n:010d}",
            }
            for n, (eid, text) in enumerate(zip(enrolments, texts, strict=True))
        ],
    )
    pieces = db.session.execute(
        sa.select(Submission.id, Submission.enrolment_id).where(Submission.public_id.like("simsub%"))
    ).all()
    brief = assignment.module.code
    db.session.execute(
        sa.insert(SimilaritySignature),
        [
            {
                "submission_id": piece.id,
                "brief": brief,
                "enrolment_id": piece.enrolment_id,
                "hashvalues": similarity.signature(texts[n]).tobytes(),
                "computed_at": now,
            }
            for n, piece in enumerate(pieces)
        ],
    )
    db.session.commit()
    return texts


def bench_similarity(tmp: Path, make_app, timed) -> None:
    app = make_app(tmp / "similarity.sqlite3")
    with app.app_context():
        db.create_all()
        version = make_assessed_version(tmp / "similarity", word_limit=WORDS)
        trainer = make_user(Role.TRAINER)
        cohorts = [make_cohort(version, trainers=[trainer]) for _ in range(10)]
        assignment = version.modules[0].assignment
        started = time.perf_counter()
        texts = seed(assignment, cohorts, make_organisation("Similarity Bench Organisation"))
        print(f"(seeding 5,000 signed submissions took {time.perf_counter() - started:.1f} s)")
        enrolment = make_enrolment(make_cohort(version, trainers=[trainer]))
        piece = Submission(
            enrolment_id=enrolment.id,
            assignment_id=assignment.id,
            status=SubmissionStatus.SUBMITTED,
            text=copying(texts[1234], 0.6, seed=99_999),
            word_count=WORDS,
        )
        db.session.add(piece)
        db.session.commit()
        matches = similarity.check(piece)
        assert matches and db.session.get(Submission, matches[0].earlier_id).public_id == "simsub0000001234"
        whole = timed(lambda: similarity.check(piece), repeat=9)
        values = similarity.signature(piece.text)
        _ids, matrix = similarity._earlier_signatures(piece, assignment.module.code)
        compare = timed(lambda: np.argsort(-similarity.estimates(values, matrix)), repeat=50)
        db.session.rollback()
        print(f"similarity check vs 5,000    {whole * 1000:8.1f} ms median (target under 200 ms)")
        print(f"  of which the comparison    {compare * 1000:8.1f} ms")
