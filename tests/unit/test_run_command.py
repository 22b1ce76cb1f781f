"""``imsa run`` (what ``make run`` calls) is one command for both: the server, and the job worker beside it,
stopped with it."""

from __future__ import annotations

import click
from click.testing import CliRunner

from app import cli


class FakeWorker:
    def __init__(self, args):
        self.args, self.stopped = args, False
        started.append(self)

    def terminate(self):
        self.stopped = True

    def wait(self, timeout=None):
        return 0


started: list[FakeWorker] = []


def _serve(monkeypatch, *args) -> list[str]:
    served = []

    @click.command()
    def fake_run(**options):
        served.append("served")
        assert not started or not started[-1].stopped  # the worker runs while the server does

    started.clear()
    monkeypatch.setattr(cli.subprocess, "Popen", FakeWorker)
    monkeypatch.setattr(cli, "run_command", fake_run)
    monkeypatch.setattr(cli.signal, "signal", lambda *_: None)
    result = CliRunner().invoke(cli.run_with_worker, list(args))
    assert result.exit_code == 0, result.output
    return served


def test_run_starts_the_job_worker_beside_the_server_and_stops_it_after(monkeypatch):
    assert _serve(monkeypatch, "--port", "5099") == ["served"]
    (worker,) = started
    assert worker.args[-2:] == ["jobs", "worker"] and worker.stopped


def test_run_without_the_worker_starts_none(monkeypatch):
    assert _serve(monkeypatch, "--no-worker") == ["served"]
    assert started == []
