"""The job queue for real: a SQLite queue file (or, on the PostgreSQL leg, a PostgreSQL database of its own),
a local SMTP server (aiosmtpd) that refuses when told to, and jobs run by ``drain`` (in this thread, skipping
the retry waits) or by a real consumer's worker threads. The rest of the suite runs jobs at once, where
they are queued (``IMSA_JOBS_IMMEDIATE``)."""

from __future__ import annotations

import logging
import socket
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from app.accreditation.keys import keystore
from app.accreditation.models import Credential, CredentialKind
from app.audit.models import AuditEvent
from app.auth.models import Role
from app.database import db
from app.jobs import QUEUED_AT, huey
from app.jobs.models import JobProgress
from app.jobs.schedule import Periodic, register_periodic
from app.learning.models import SubmissionStatus
from app.mail import services as mail
from app.mail.models import OutboxMessage
from tests.conftest import post_form, sign_in
from tests.factories import (
    add_piece,
    make_accreditation_version,
    make_assessed_version,
    make_cohort,
    make_enrolment,
    make_user,
)
from tests.integration.test_accreditation import complete_training


class RefusingSmtp:
    """An SMTP server's handler that answers ``451 try again later`` to the next ``refuse`` messages."""

    def __init__(self) -> None:
        self.refuse, self.attempts, self.received = 0, 0, []

    async def handle_DATA(self, server, session, envelope):
        self.attempts += 1
        if self.refuse:
            self.refuse -= 1
            return "451 4.3.0 Mailbox busy, try again later"
        self.received.append(envelope)
        return "250 2.0.0 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp():
    handler = RefusingSmtp()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


@pytest.fixture(scope="session")
def _pg_jobs_url(_server_database_url):
    """On PostgreSQL: a database of its own for the queue, beside this worker's test database."""
    if not _server_database_url:
        return None
    url = sa.make_url(_server_database_url)
    url = url.set(database=f"{url.database}_jobs")
    engine = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{url.database}"')
    engine.dispose()
    return url.render_as_string(hide_password=False)


@pytest.fixture
def queue_app(make_app, tmp_path, smtp, _pg_jobs_url):
    application = make_app(
        IMSA_JOBS_IMMEDIATE=False,
        IMSA_JOBS_URL=_pg_jobs_url or f"sqlite:///{tmp_path / 'jobs.sqlite3'}",
        IMSA_SMTP_HOST="127.0.0.1",
        IMSA_SMTP_PORT=smtp.port,
        IMSA_SMTP_STARTTLS=False,
    )
    with application.app_context():
        huey.flush()
        yield application
        huey.flush()
        db.session.remove()


@pytest.fixture
def client(queue_app):
    """A client of the queue's app (the suite's ``client`` would build an app that runs jobs at once)."""
    return queue_app.test_client()


@pytest.fixture
def logged(caplog):
    logger = logging.getLogger("imsa")
    logger.addHandler(caplog.handler)
    yield caplog
    logger.removeHandler(caplog.handler)


def drain(limit: int = 500) -> int:
    """Run queued jobs in this thread until none is left, running each retry at once instead of after its
    wait; the number of jobs run."""
    later = datetime.now(UTC).replace(tzinfo=None) + timedelta(days=1)
    ran = 0
    while ran < limit:
        task = huey.dequeue()
        if task is None:
            due = huey.read_schedule(later)
            if not due:
                break
            for retry in due:
                huey.enqueue(retry)
            continue
        huey.execute(task, timestamp=later)
        ran += 1
    db.session.expire_all()
    return ran


def run_one() -> None:
    task = huey.dequeue()
    assert task is not None
    huey.execute(task)
    db.session.expire_all()


def _message(recipient: str) -> OutboxMessage:
    return db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.recipient == recipient))


def test_a_message_refused_twice_arrives_on_the_third_attempt_and_the_outbox_shows_its_history(
    queue_app, smtp, client
):
    smtp.refuse = 2
    mail.send("ada@example.org", "Your invitation", "Open https://example.org/invitation/abc to start.")
    assert smtp.attempts == 0  # nothing is sent before the commit
    db.session.commit()
    message = _message("ada@example.org")
    assert (message.status, message.attempts, smtp.attempts) == ("queued", 0, 0)  # queued, not sent
    assert message.pending_body.startswith("Open https://") and "not kept" in message.body

    run_one()  # the first attempt: refused, and a retry is scheduled with a wait
    assert (message.status, message.attempts) == ("queued", 1) and "451" in message.last_error
    assert huey.pending_count() == 0 and huey.scheduled_count() == 1

    drain()
    assert (message.status, message.attempts, smtp.attempts) == ("sent", 3, 3)
    assert message.sent_at is not None and message.pending_body is None
    (envelope,) = smtp.received
    assert envelope.rcpt_tos == ["ada@example.org"] and b"invitation/abc" in envelope.content

    sign_in(client, make_user(Role.HUB_ADMIN))
    db.session.commit()
    page = client.get("/outbox/").get_data(as_text=True)
    assert "Sent" in page and "3 attempts" in page and "invitation/abc" not in page


def test_a_message_refused_every_time_fails_for_good_and_a_hub_admin_can_send_it_again(
    queue_app, smtp, client, logged
):
    smtp.refuse = 1000
    mail.send("bo@example.org", "Your result", "Your result is ready.")
    db.session.commit()
    assert drain() == 1 + mail.RETRIES
    message = _message("bo@example.org")
    assert (message.status, message.attempts) == ("failed", 1 + mail.RETRIES) and "451" in message.last_error
    assert message.pending_body == "Your result is ready."  # kept, so that it can be sent again
    (gave_up,) = [r for r in logged.records if r.name == "imsa.jobs" and r.levelno == logging.ERROR]
    assert "failed for good" in gave_up.getMessage() and gave_up.job == "app.mail.services.deliver"

    hub = make_user(Role.HUB_ADMIN)
    db.session.commit()
    sign_in(client, hub)
    page = client.get("/outbox/").get_data(as_text=True)
    assert "Failed" in page and "Send again" in page and "451" in page
    url = f"/outbox/{message.public_id}/retry"
    first, second = post_form(client, url), post_form(client, url)  # a double-click
    assert first.status_code == second.status_code == 302
    db.session.expire_all()
    assert message.status == "queued" and message.last_error is None
    retried = sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.action == "mail.retried")
    assert db.session.scalar(retried) == 1 and huey.pending_count() == 1

    smtp.refuse = 0
    drain()
    assert message.status == "sent" and len(smtp.received) == 1


def test_releasing_results_to_200_trainees_queues_their_mail_and_the_worker_sends_it(
    queue_app, smtp, client, tmp_path
):
    """The release request only writes the outbox and queues a job per message; a real consumer (two
    worker threads, as ``imsa jobs worker`` runs them) then delivers every one."""
    version = make_assessed_version(tmp_path)
    hub = make_user(Role.HUB_ADMIN)
    cohort = make_cohort(version, trainers=[make_user(Role.TRAINER)])
    assignment = version.modules[0].assignment
    for _ in range(200):
        add_piece(make_enrolment(cohort), assignment, SubmissionStatus.READY_FOR_RELEASE, "pass")
    sign_in(client, hub)
    url = f"/marking/assessments/{cohort.public_id}/{version.modules[0].slug}"
    response = post_form(client, url, {"action": "release"})
    assert response.status_code == 302
    assert smtp.attempts == 0  # the request sent nothing
    statuses = db.session.execute(
        sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)
    ).all()
    assert dict(statuses) == {"queued": 200} and huey.pending_count() == 200
    health = client.get("/healthz").json
    assert health["jobs_waiting"] == 200 and health["jobs_oldest_queued_seconds"] >= 0

    consumer = huey.create_consumer(workers=2, worker_type="thread", initial_delay=0.05, max_delay=0.2)
    consumer._set_signal_handlers = lambda: None  # leave pytest's own handlers alone
    consumer.start()
    try:
        deadline = time.monotonic() + 120
        while len(smtp.received) < 200 and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        consumer.stop(graceful=True)
    db.session.expire_all()
    assert len(smtp.received) == 200
    sent = sa.select(sa.func.count(OutboxMessage.id)).where(OutboxMessage.status == "sent")
    assert db.session.scalar(sent) == 200 and huey.pending_count() == 0


def test_healthz_reports_the_backlog_and_the_age_of_the_oldest_waiting_job(queue_app, client):
    assert client.get("/healthz").json["jobs_waiting"] == 0
    mail.deliver.task(1, **{QUEUED_AT: time.time() - 120})  # a job queued two minutes ago
    mail.deliver.enqueue(2)
    health = client.get("/healthz")
    assert health.status_code == 200 and health.json["job_queue"] == "ok"
    assert health.json["jobs_waiting"] == 2 and health.json["jobs_oldest_queued_seconds"] >= 120


def test_approving_a_whole_cohort_shows_its_progress_until_the_job_has_finished(queue_app, client, tmp_path):
    version = make_accreditation_version(tmp_path)
    trainer = make_user(Role.TRAINER)
    cohort = make_cohort(version, [trainer], name="Cohort 7")
    for enrolment in [make_enrolment(cohort) for _ in range(2)]:
        complete_training(enrolment, trainer)
    make_enrolment(cohort)  # not eligible
    hub = make_user(Role.HUB_ADMIN)
    db.session.commit()
    keystore().init()
    sign_in(client, hub)
    url = f"/accreditation/cohorts/{cohort.public_id}/approve-all"
    response = post_form(client, url, {"confirm": "y", "note": "Panel 7"})
    again = post_form(client, url, {"confirm": "y", "note": "Panel 7"})  # a double-click
    assert response.status_code == again.status_code == 302 and again.location == response.location
    assert db.session.scalar(sa.select(sa.func.count(JobProgress.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(Credential.id))) == 0  # the job has not run yet
    page = client.get(response.location).get_data(as_text=True)
    assert "In progress" in page and "0 of 2" in page and "data-progress-url" in page
    assert client.get(response.location + "?format=json").json == {
        "total": 2,
        "done": 0,
        "failed": 0,
        "finished": False,
    }

    drain()  # the approval job, then a certificate job for each credential it issued
    page = client.get(response.location).get_data(as_text=True)
    assert "Finished" in page and "2 of 2" in page and "data-progress-url" not in page
    awards = sa.select(sa.func.count(Credential.id)).where(Credential.kind == CredentialKind.AWARD)
    assert db.session.scalar(awards) == 2  # each with its transcript
    assert len(list((Path(queue_app.instance_path) / "certificates").glob("IMSA-*.pdf"))) == 2


def test_the_schedule_skips_an_entry_whose_function_is_not_in_this_build(app, caplog):
    logger = logging.getLogger("imsa")
    logger.addHandler(caplog.handler)
    try:
        names = register_periodic(
            (
                Periodic("missing", "app.no_such_module:run", {"hour": "3", "minute": "0"}),
                Periodic("health", "app.site.health:job_queue", {"hour": "4", "minute": "0"}),
            )
        )
    finally:
        logger.removeHandler(caplog.handler)
    assert names == ["health"]
    assert any("missing" in record.getMessage() for record in caplog.records)
    assert any(name.endswith("periodic.health.tick") for name in huey._registry._registry)
