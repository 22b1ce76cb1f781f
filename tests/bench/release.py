"""Benchmark: releasing results to 200 trainees. The request writes the outbox and queues a job per
message (a real SQLite queue, a local SMTP server); the figures are the page's time, median of 3, and
how long a worker (two threads) then takes to deliver all 200. Target: the page in under a second."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import sqlalchemy as sa
from aiosmtpd.controller import Controller

from app.database import db
from app.jobs import huey
from app.learning.models import Submission, SubmissionStatus
from app.mail.models import OutboxMessage
from tests.conftest import csrf_token, sign_in
from tests.factories import add_piece, make_assessed_version, make_cohort, make_enrolment, make_user

TRAINEES = 200


class _Accept:
    def __init__(self) -> None:
        self.received = 0

    async def handle_DATA(self, server, session, envelope):
        self.received += 1
        return "250 OK"


def _deliver_all(handler: _Accept) -> float:
    consumer = huey.create_consumer(workers=2, worker_type="thread", initial_delay=0.05, max_delay=0.2)
    consumer._set_signal_handlers = lambda: None
    start = time.perf_counter()
    consumer.start()
    try:
        while handler.received < TRAINEES and time.perf_counter() - start < 300:
            time.sleep(0.05)
    finally:
        consumer.stop(graceful=True)
    return time.perf_counter() - start


def bench_release(tmp: Path, make_app) -> None:
    from app.auth.models import Role

    handler = _Accept()
    server = Controller(handler, hostname="127.0.0.1", port=8765)
    server.start()
    try:
        app = make_app(tmp / "release.sqlite3")
        app.config.update(
            IMSA_JOBS_IMMEDIATE=False,
            IMSA_JOBS_URL=f"sqlite:///{tmp / 'release-jobs.sqlite3'}",
            IMSA_SMTP_HOST="127.0.0.1",
            IMSA_SMTP_PORT=8765,
            IMSA_SMTP_STARTTLS=False,
        )
        from app import jobs

        jobs.init_app(app)
        with app.app_context():
            db.create_all()
            version = make_assessed_version(tmp / "release")
            hub = make_user(Role.HUB_ADMIN)
            cohort = make_cohort(version, trainers=[make_user(Role.TRAINER)])
            assignment = version.modules[0].assignment
            for _ in range(TRAINEES):
                add_piece(make_enrolment(cohort), assignment, SubmissionStatus.READY_FOR_RELEASE, "pass")
            client = app.test_client()
            sign_in(client, hub)
            url = f"/marking/assessments/{cohort.public_id}/{version.modules[0].slug}"
            pages, deliveries = [], []
            for _ in range(3):
                db.session.execute(
                    sa.update(Submission).values(
                        status=SubmissionStatus.READY_FOR_RELEASE, released_at=None, resubmission_due_on=None
                    )
                )
                db.session.execute(sa.delete(OutboxMessage))
                db.session.commit()
                handler.received = 0
                start = time.perf_counter()
                response = client.post(url, data={"csrf_token": csrf_token(client), "action": "release"})
                pages.append(time.perf_counter() - start)
                assert response.status_code == 302 and huey.pending_count() == TRAINEES
                deliveries.append(_deliver_all(handler))
    finally:
        server.stop()
    print(
        f"release to {TRAINEES} trainees: page {statistics.median(pages) * 1000:8.1f} ms median (under 1 s?)"
    )
    print(
        f"  then {TRAINEES} emails delivered by the worker in {statistics.median(deliveries):.1f} s (median)"
    )
