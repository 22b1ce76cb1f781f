"""Benchmarks, run on demand with `make bench`: they print figures and ratios, and assert nothing.

- loading: validating and rendering the shipped curriculum, and a tree ten times its size;
- dashboard: a trainee's dashboard with 2 modules and with 22 (its cost should not grow per module);
- quiz marking: marking one 25-question attempt of the shipped M02 quiz;
- quiz burst: 100 trainees each submitting an M02 attempt through the app, one after another;
- accreditation: signing, verifying, certificate PDFs, the verify page and API under gunicorn;
- progress: the progress matrix and the Hub report with 1,000 trainees x 11 modules (tests/bench/progress.py).
- similarity: the similarity check of one submission against 5,000 earlier ones (tests/bench/similarity.py).
- item statistics: a quiz's question statistics over 10,000 submitted attempts (tests/bench/items.py).
- release: releasing results to 200 trainees (mail queued) and the worker delivering it (release.py).
"""

from __future__ import annotations

import logging
import statistics
import tempfile
import time
from pathlib import Path

from app import create_app
from app.config import PROJECT_ROOT, TestConfig
from app.curriculum.loader import load_tree
from app.database import db
from tests.bench.accreditation import bench_accreditation
from tests.conftest import Client, csrf_token, sign_in
from tests.factories import make_cohort, make_enrolment, make_version, write_curriculum


def timed(function, repeat: int = 5) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def bench_loading(tmp: Path) -> None:
    shipped = timed(lambda: load_tree(PROJECT_ROOT / "course_content"))
    big = write_curriculum(tmp / "big", modules=22, lessons=10)
    large = timed(lambda: load_tree(big), repeat=3)
    print(f"load shipped curriculum      {shipped * 1000:8.1f} ms")
    print(f"load 22 modules x 10 lessons {large * 1000:8.1f} ms  ({large / shipped:.1f}x)")


def bench_dashboard(tmp: Path) -> None:
    results = {}
    for modules in (2, 22):
        app = create_app(TestConfig(f"sqlite:///{tmp / f'bench{modules}.sqlite3'}"))
        app.test_client_class = Client
        with app.app_context():
            db.create_all()
            version = make_version(tmp / f"tree{modules}", modules=modules, lessons=6, version=f"b.{modules}")
            enrolment = make_enrolment(make_cohort(version))
            client = app.test_client()
            sign_in(client, enrolment.user)
            results[modules] = timed(lambda client=client: client.get("/learn/"), repeat=20)
    print(f"dashboard, 2 modules         {results[2] * 1000:8.1f} ms")
    print(f"dashboard, 22 modules        {results[22] * 1000:8.1f} ms  ({results[22] / results[2]:.1f}x)")


def _app(path: Path):
    config = TestConfig(f"sqlite:///{path}")
    config.RATELIMIT_ENABLED = (
        False  # 100 sign-ins from one address in a few seconds is the bench, not an attack
    )
    app = create_app(config)
    app.test_client_class = Client
    return app


def bench_quiz(tmp: Path) -> None:
    from app.assessments.question_types import REGISTRY
    from app.learning import quizzes
    from tests.integration.test_quizzes import right_answer

    app = _app(tmp / "quiz.sqlite3")
    with app.app_context():
        db.create_all()
        version = make_version()  # the shipped curriculum: M02's quiz draws 25 questions
        quiz = next(m.quiz for m in version.modules if m.code == "M02")
        cohort = make_cohort(version)
        layout = quizzes.draw(quiz, seed=7)
        answers = {
            item["key"]: REGISTRY[quiz.bank[item["key"]]["type"]].parse(
                quiz.bank[item["key"]], item["layout"], right_answer(quiz.bank[item["key"]], item["layout"])
            )
            for item in layout
        }
        marking = timed(lambda: quizzes.score_answers(quiz, layout, answers), repeat=200)
        print(f"mark a {len(layout)}-question attempt  {marking * 1e6:8.1f} µs")

        trainees = [make_enrolment(cohort) for _ in range(100)]
        module_slug = next(m.slug for m in version.modules if m.code == "M02")
        durations = []
        for enrolment in trainees:
            client = app.test_client()
            sign_in(client, enrolment.user)
            token = csrf_token(client)
            client.post(f"/learn/{module_slug}/quiz/start", data={"csrf_token": token})
            attempt = quizzes.attempts(enrolment, quiz)[0]
            for number, item in enumerate(attempt.layout, start=1):
                form = right_answer(quiz.bank[item["key"]], item["layout"])
                form.add("csrf_token", token)
                form.add("question_key", item["key"])
                client.post(f"/learn/{module_slug}/quiz/{attempt.public_id}/{number}", data=form)
            start = time.perf_counter()
            client.post(f"/learn/{module_slug}/quiz/{attempt.public_id}/check", data={"csrf_token": token})
            durations.append(time.perf_counter() - start)
        durations.sort()
        print(
            f"100-trainee burst: submit     {statistics.median(durations) * 1000:8.1f} ms median, "
            f"{durations[94] * 1000:.1f} ms p95, {sum(durations):.2f} s in all"
        )


if __name__ == "__main__":
    # Thousands of requests are made: their access-log lines would bury the figures.
    logging.getLogger("imsa.request").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as folder:
        bench_loading(Path(folder))
        bench_dashboard(Path(folder))
        bench_quiz(Path(folder))
        bench_accreditation(Path(folder))
        from tests.bench.progress import bench_progress

        bench_progress(Path(folder), _app, timed)
        from tests.bench.similarity import bench_similarity

        bench_similarity(Path(folder), _app, timed)

        from tests.bench.items import bench_items

        bench_items(Path(folder), _app, timed)

        from tests.bench.release import bench_release

        bench_release(Path(folder), _app)
