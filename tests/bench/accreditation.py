"""Accreditation benchmarks: they print figures and ratios, and assert nothing.

- signing: ES256-signing one realistic Open Badges 3.0 credential (the shipped curriculum's 11 modules);
- verification: the full check of a stored credential (signature, issuer, both signed status lists,
  dates) by token and by code, on a real database of issued credentials;
- certificates: rendering the PDF with WeasyPrint once warm, and serving it from the instance cache;
- verify page and API: ``GET /verify/<code>`` and ``GET /api/v1/verify/<code>`` under gunicorn, as ratios to
  a minimal Flask page served the same way (measured before and after them: the mean is the baseline);
- the rate limiter's storage: what one verify request's limits cost in the default ``memory://`` store.

Every figure is printed with its target, and each ratio comes from figures taken in the same run
(the machine is shared, so only ratios within one run compare).

Run alone with ``.venv/bin/python -m tests.bench.accreditation``; ``make bench`` runs it with the others.
"""

from __future__ import annotations

import http.client
import itertools
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

from joserfc import jws

from app import create_app
from app.accreditation import credentials
from app.accreditation.approval import approve
from app.accreditation.certificate_files import certificate_data, certificate_pdf
from app.accreditation.certificate_pdf import render_certificate
from app.accreditation.issuing import criteria_narrative
from app.accreditation.keys import KeyStore, keystore
from app.accreditation.lifecycle import revoke
from app.auth.models import Role
from app.config import PROJECT_ROOT, TestConfig
from app.database import db, utcnow
from app.demo import complete_training
from app.verify import verification
from tests.factories import make_cohort, make_enrolment, make_user, make_version

BASE_URL = "https://imsa.example.org"
CREDENTIALS = 10  # issued to as many trainees; one of them is then revoked, so the revocation list has a bit
WORKERS = ["-w", "2", "--threads", "1", "-k", "sync"]  # the same for the real app and the minimal one
CLIENT_THREADS = 8
LOAD_SECONDS = 5.0
WARM_SECONDS = 1.0


def per_second(function, seconds: float = 2.0, at_least: int = 3) -> float:
    """Calls per second of ``function``, run back to back for ``seconds`` (at least ``at_least`` times)."""
    calls = 0
    start = time.perf_counter()
    while True:
        function()
        calls += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds and calls >= at_least:
            return calls / elapsed


def _app(tmp: Path):
    config = TestConfig(f"sqlite:///{tmp / 'accreditation.sqlite3'}")
    config.IMSA_BASE_URL = BASE_URL
    config.IMSA_SIGNING_KEY_DIR = str(tmp / "instance" / "keys")
    app = create_app(config)
    app.instance_path = str(tmp / "instance")
    return app


def _issue(count: int) -> list:
    """``count`` credentials, issued the real way: training completed, then approved by the Hub."""
    version = make_version()  # the shipped curriculum, as a real award names it
    cohort = make_cohort(version)
    reviewer = make_user(Role.TRAINER)
    keystore().init()
    issued = []
    for _ in range(count):
        enrolment = make_enrolment(cohort)
        complete_training(enrolment, reviewer)
        issued.append(approve(enrolment, "bench", actor=None))
        db.session.commit()
    revoke(issued.pop(), "Revoked for the bench", actor=None)
    db.session.commit()
    return issued


def bench_signing(tmp: Path, credential) -> None:
    store = KeyStore(tmp / "signing-keys", BASE_URL)
    store.init()
    kid, key = store.signing_key()
    version = credential.curriculum_version
    now = utcnow().replace(microsecond=0)
    award = credentials.Award(
        base_url=BASE_URL,
        issuer_id=store.did,
        issuer_name="IMSA® Model Hub",
        credential_uuid=str(uuid.uuid4()),
        subject_uuid=str(uuid.uuid4()),
        code=credential.code,
        holder_name="Alex Exampleworth",
        email_salt=secrets.token_hex(16),
        email="alex.exampleworth@example.org",
        award_name=version.accreditation_rule.get("award", "IMSA® accreditation"),
        criteria=criteria_narrative(version),
        curriculum_label=version.label,
        curriculum_hash=version.content_hash,
        modules=[(m.code, m.title) for m in version.modules],
        awarded=now,
        valid_from=now,
        valid_until=now + timedelta(days=3 * 365),
        status_index=12345,
    )
    payload = credentials.build(award)
    token = credentials.sign(payload, kid, key)
    rate = per_second(lambda: credentials.sign(payload, kid, key))
    print(f"  (one {len(version.modules)}-module credential: a {len(token):,}-character compact JWS)")
    print(f"credentials signed           {rate:8.0f} /s")


def interleaved(functions: list, seconds: float = 4.0, slice_seconds: float = 0.1) -> list[float]:
    """Calls per second of each function, run in turns of ``slice_seconds`` for ``seconds`` in all, so that
    the load other processes put on the machine falls on each of them alike."""
    calls, spent = [0] * len(functions), [0.0] * len(functions)
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        for number, function in enumerate(functions):
            start = time.perf_counter()
            while (elapsed := time.perf_counter() - start) < slice_seconds:
                function()
                calls[number] += 1
            spent[number] += elapsed
    return [c / s for c, s in zip(calls, spent, strict=True)]


def bench_verification(issued: list) -> None:
    tokens = [c.jws for c in issued]
    codes = [c.code for c in issued]
    verdicts = [verification.verify_token(t).verdict for t in tokens]  # warms the status-list cache
    if any(v is not verification.Verdict.VALID for v in verdicts):
        print(f"  (unexpected verdicts: {sorted({v.value for v in verdicts})})")
    turn = itertools.count()
    key_set = keystore().key_set()
    by_token, by_code, signature = interleaved(
        [
            lambda: verification.verify_token(tokens[next(turn) % len(tokens)]),
            lambda: verification.verify_code(codes[next(turn) % len(codes)]),
            lambda: jws.deserialize_compact(tokens[next(turn) % len(tokens)], key_set, algorithms=["ES256"]),
        ]
    )
    print(
        "  (full check: signature, issuer, both signed status lists, dates, the ledger head read each time;"
        " lists verified once per ledger head; the three measured in turns)"
    )
    print(f"verifications (token)        {by_token:8.0f} /s  (target >= 5,000 /s)")
    print(f"verifications (by code)      {by_code:8.0f} /s  ({by_code / by_token:.2f}x by token)")
    print(
        f"  one ES256 signature check  {signature:8.0f} /s  "
        f"(a full verification costs {signature / by_token:.2f} of them; target <= 1.6)"
    )


def bench_rate_limit_storage() -> None:
    """What the verify routes' limits cost per request in the default store (a shared store, e.g. Redis,
    adds one network round trip per limit on top)."""
    from limits import parse_many
    from limits.storage import MemoryStorage
    from limits.strategies import FixedWindowRateLimiter

    limits = parse_many(TestConfig("sqlite://").IMSA_VERIFY_LIMIT)
    limiter = FixedWindowRateLimiter(MemoryStorage())
    addresses = itertools.cycle([f"198.51.100.{n}" for n in range(200)])

    def one_request() -> None:
        address = next(addresses)
        for limit in limits:
            limiter.hit(limit, "verify.by_code", address)

    rate = per_second(one_request, seconds=1.0)
    print(
        f"rate limits, memory://       {1e6 / rate:8.1f} µs per request "
        f"({len(limits)} limits; a shared store adds a round trip each)"
    )


# A fresh process, as a newly started worker: what importing WeasyPrint and warming up cost (paid at
# start-up), then what the first real certificate costs after that (paid by the first person to ask).
_COLD_START = """
import dataclasses, sys, time
start = time.perf_counter()
from app.accreditation import certificate_pdf
imported = time.perf_counter() - start
warmed = certificate_pdf.warm_up()
data = dataclasses.replace(certificate_pdf._SAMPLE, holder_name="Sam Firstrequest", code=sys.argv[1])
start = time.perf_counter()
certificate_pdf.render_certificate(data, sys.argv[2])
print(imported, warmed, time.perf_counter() - start)
"""


def bench_certificates(credential) -> None:
    data = certificate_data(credential)
    cold = subprocess.run(
        [sys.executable, "-c", _COLD_START, credential.code, credential.jws],
        capture_output=True,
        text=True,
        check=True,
        cwd=PROJECT_ROOT,
    )
    imported, warmed, first = (float(figure) for figure in cold.stdout.split())
    print(
        f"  (a new worker: importing the renderer {imported:.2f} s and the warm-up render {warmed:.2f} s, "
        "both at start-up)"
    )
    print(f"first certificate render     {first:8.2f} s   (after the worker's warm-up; target < 1 s)")
    warm = per_second(lambda: render_certificate(data, credential.jws), seconds=3.0)
    start = time.perf_counter()
    certificate_pdf(credential)  # renders and writes instance/certificates/<code>.pdf
    cold = time.perf_counter() - start
    cached = per_second(lambda: certificate_pdf(credential), seconds=1.0)
    print("  (WeasyPrint, one A4 page with QR code and embedded credential)")
    print(f"PDF renders (warm)           {warm:8.1f} /s  ({1000 / warm:.0f} ms each)")
    print(f"PDF from the cache           {cached:8.0f} /s  ({cached / warm:.0f}x; filling it: {cold:.2f} s)")


# --- Under a real server -------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port: int, path: str, timeout: float = 5.0) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def _serve(target: str, env: dict, log: Path, check_path: str) -> tuple[subprocess.Popen, int]:
    """Start gunicorn on a free port and wait until ``check_path`` answers 200."""
    port = _free_port()
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        *WORKERS,
        "-b",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "--chdir",
        str(PROJECT_ROOT),
        target,
    ]
    with log.open("wb") as handle:
        server = subprocess.Popen(command, env=env, stdout=handle, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            break
        try:
            if _get(port, check_path) == 200:
                return server, port
        except OSError:
            pass
        time.sleep(0.1)
    _stop(server)
    tail = log.read_text(errors="replace")[-2000:]
    raise RuntimeError(f"gunicorn did not serve {target} on port {port}:\n{tail}")


def _stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _load(port: int, paths: list[str], seconds: float) -> tuple[float, int]:
    """(successful requests per second, failures) from CLIENT_THREADS threads, each on its own connection
    (kept alive when the server allows it; gunicorn's sync workers close it after every response)."""
    done, failed = [0] * CLIENT_THREADS, [0] * CLIENT_THREADS
    start_line = threading.Barrier(CLIENT_THREADS + 1)
    stop_at = [0.0]

    def client(number: int) -> None:
        connection = None
        start_line.wait()
        turn = number
        while time.perf_counter() < stop_at[0]:
            if connection is None:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                connection.request("GET", paths[turn % len(paths)])
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                failed[number] += 1
                connection.close()
                connection = None
                continue
            turn += 1
            if response.status == 200:
                done[number] += 1
            else:
                failed[number] += 1
            if response.will_close:
                connection.close()
                connection = None
        if connection is not None:
            connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENT_THREADS)]
    for thread in threads:
        thread.start()
    start = time.perf_counter()
    stop_at[0] = start + seconds
    start_line.wait()
    for thread in threads:
        thread.join()
    return sum(done) / (time.perf_counter() - start), sum(failed)


def _throughput(target: str, env: dict, log: Path, paths: list[str]) -> tuple[float, int]:
    server, port = _serve(target, env, log, paths[0])
    try:
        _load(port, paths, WARM_SECONDS)  # every worker imports, connects and fills its caches first
        return _load(port, paths, LOAD_SECONDS)
    finally:
        _stop(server)


def bench_verify_page(tmp: Path, codes: list[str]) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp / 'accreditation.sqlite3'}",
        "IMSA_BASE_URL": BASE_URL,
        "IMSA_SIGNING_KEY_DIR": str(tmp / "instance" / "keys"),
        "IMSA_RATELIMIT_ENABLED": "0",  # the verify pages are limited per address; the bench is one address
        "IMSA_LOG_JSON": "0",
        "IMSA_SECRET_KEY": "bench-secret-key-not-for-production",
        "IMSA_BENCH_INSTANCE": str(tmp / "instance"),
    }
    pages = [f"/verify/{code}" for code in codes]  # canonical codes: no redirect to follow
    answers = [f"/api/v1/verify/{code}" for code in codes]
    minimal_target = ("tests.bench.wsgi_targets:minimal_app()", tmp / "gunicorn-minimal.log", ["/"])
    before, failed_before = _throughput(minimal_target[0], env, minimal_target[1], minimal_target[2])
    server, port = _serve(
        "tests.bench.wsgi_targets:accreditation_app()", env, tmp / "gunicorn-app.log", pages[0]
    )
    try:
        _load(port, pages + answers, WARM_SECONDS)  # every worker imports, connects and fills its caches
        verify, verify_failed = _load(port, pages, LOAD_SECONDS)
        api, api_failed = _load(port, answers, LOAD_SECONDS)
    finally:
        _stop(server)
    after, failed_after = _throughput(minimal_target[0], env, minimal_target[1], minimal_target[2])
    minimal = (before + after) / 2
    failed = failed_before + verify_failed + api_failed + failed_after
    print(
        f"  (gunicorn {' '.join(WORKERS)}, {CLIENT_THREADS} client threads for {LOAD_SECONDS:.0f} s each, "
        f"on {os.cpu_count()} CPUs shared with the client{f', {failed} failed' if failed else ''})"
    )
    print(
        f"minimal Flask page           {minimal:8.0f} req/s  ({before:.0f} before the app, {after:.0f} after)"
    )
    print(
        f"GET /verify/<code>           {verify:8.0f} req/s  ({verify / minimal:.2f}x the minimal page; "
        "target >= 0.5x)"
    )
    print(
        f"GET /api/v1/verify/<code>    {api:8.0f} req/s  ({api / minimal:.2f}x the minimal page; "
        "target >= 0.6x)"
    )


def bench_accreditation(tmp: Path) -> None:
    app = _app(tmp)
    with app.app_context():
        db.create_all()
        issued = _issue(CREDENTIALS)
        bench_signing(tmp, issued[0])
        bench_verification(issued)
        bench_rate_limit_storage()
        bench_certificates(issued[0])
        codes = [c.code for c in issued]
        db.session.remove()
        db.engine.dispose()
    bench_verify_page(tmp, codes)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        bench_accreditation(Path(folder))


if __name__ == "__main__":
    main()
