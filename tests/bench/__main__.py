"""Benchmarks, run on demand with `make bench`: they print figures and ratios, and assert nothing.

- loading: validating and rendering the shipped curriculum, and a tree ten times its size;
- dashboard: a trainee's dashboard with 2 modules and with 22 (its cost should not grow per module).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from app import create_app
from app.config import PROJECT_ROOT, TestConfig
from app.curriculum.loader import load_tree
from app.database import db
from tests.conftest import Client, sign_in
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


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        bench_loading(Path(folder))
        bench_dashboard(Path(folder))
