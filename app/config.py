"""Configuration, read once from the environment.

Every setting has a safe default for running on one machine with SQLite; production sets
``DATABASE_URL``, ``IMSA_SECRET_KEY`` and ``IMSA_RATELIMIT_STORAGE_URL`` (see README).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import argon2

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Password hashing (argon2id): the defaults are argon2-cffi's, RFC 9106's low-memory choice. A deployment may
# raise them; it may not lower them below OWASP's minimum (19 MiB, two passes), so a typo cannot make stolen
# hashes cheap to crack. Only the tests (TestConfig) use cheaper ones.
ARGON2_DEFAULTS = {  # memory in KiB: 65536, 3 passes, 4 lanes in argon2-cffi 25
    "time_cost": argon2.DEFAULT_TIME_COST,
    "memory_cost": argon2.DEFAULT_MEMORY_COST,
    "parallelism": argon2.DEFAULT_PARALLELISM,
}
ARGON2_MINIMUMS = {"time_cost": 2, "memory_cost": 19456, "parallelism": 1}


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _argon2(name: str) -> int:
    """One argon2 parameter from ``IMSA_ARGON2_<NAME>``: its default, or a value no lower than the minimum."""
    variable = f"IMSA_ARGON2_{name.upper()}"
    value = int(os.environ.get(variable, ARGON2_DEFAULTS[name]))
    if value < ARGON2_MINIMUMS[name]:
        raise ValueError(f"{variable} must be at least {ARGON2_MINIMUMS[name]} (it is {value})")
    return value


def load_secret_key(instance_path: Path) -> str:
    """The secret key from ``IMSA_SECRET_KEY``, or one generated once into the instance folder.

    Several app servers behind a load balancer must share one key: set the variable there.
    """
    from_env = os.environ.get("IMSA_SECRET_KEY")
    if from_env:
        return from_env
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return key_file.read_text().strip()


# Months, the defaults of ``IMSA_RETENTION``. Submitted work stays long enough for an appeal, a complaint
# to the awarding body and an external examiner's later sample; contact notes for a year after the
# enrolment ends; sign-in events for a year (enough to look into a misused account).
RETENTION_DEFAULTS = {
    "submission_months_after_board": 24,  # assignment text and attachments, after the award board
    "contact_note_months_after_end": 12,  # trainers' contact notes, after the enrolment ends
    "sign_in_event_months": 12,  # sign-in events of the audit trail
}


class Config:
    """Settings for a running platform, from ``IMSA_*`` variables and ``DATABASE_URL``."""

    def __init__(self) -> None:
        env = os.environ
        self.SQLALCHEMY_DATABASE_URI = env.get("DATABASE_URL", "")  # empty: SQLite in the instance folder
        self.IMSA_CONTENT_DIR = env.get("IMSA_CONTENT_DIR", str(PROJECT_ROOT / "course_content"))
        self.IMSA_ASSESSMENTS_DIR = env.get("IMSA_ASSESSMENTS_DIR", str(PROJECT_ROOT / "assessments"))
        self.IMSA_BASE_URL = env.get("IMSA_BASE_URL", "http://127.0.0.1:5000")
        # The private signing key's folder (empty: `instance/keys`); never inside the web root or the repo.
        self.IMSA_SIGNING_KEY_DIR = env.get("IMSA_SIGNING_KEY_DIR", "")
        self.IMSA_ISSUER_NAME = env.get("IMSA_ISSUER_NAME", "IMSA® Model Hub")
        # LinkedIn's numeric id of the issuer's company page: the add-to-profile link then names it.
        self.IMSA_LINKEDIN_ORGANIZATION_ID = env.get("IMSA_LINKEDIN_ORGANIZATION_ID", "")
        self.IMSA_VERIFY_LIMIT = env.get("IMSA_VERIFY_LIMIT", "30 per minute;300 per hour")  # per address
        # How long each process keeps the daily verification counts in memory before writing them.
        self.IMSA_VERIFY_COUNT_SECONDS = float(env.get("IMSA_VERIFY_COUNT_SECONDS", "10"))
        # Each gunicorn worker renders a made-up certificate as it starts, so no download pays for that.
        self.IMSA_WARM_CERTIFICATES = _bool("IMSA_WARM_CERTIFICATES", True)
        self.IMSA_MAIL_FROM = env.get("IMSA_MAIL_FROM", "IMSA training <no-reply@imsa.invalid>")
        self.IMSA_SMTP_HOST = env.get("IMSA_SMTP_HOST", "")
        self.IMSA_SMTP_PORT = int(env.get("IMSA_SMTP_PORT", "587"))
        self.IMSA_SMTP_USER = env.get("IMSA_SMTP_USER", "")
        self.IMSA_SMTP_PASSWORD = env.get("IMSA_SMTP_PASSWORD", "")
        self.IMSA_SMTP_STARTTLS = _bool("IMSA_SMTP_STARTTLS", True)
        # The job queue's storage: empty for instance/jobs.sqlite3, or postgresql://… or redis://… (see
        # app/jobs). IMSA_JOBS_IMMEDIATE runs each job at once in the process that queues it (tests only).
        self.IMSA_JOBS_URL = env.get("IMSA_JOBS_URL", "")
        self.IMSA_JOBS_IMMEDIATE = _bool("IMSA_JOBS_IMMEDIATE")
        self.IMSA_INVITATION_DAYS = int(env.get("IMSA_INVITATION_DAYS", "14"))
        self.IMSA_RESET_HOURS = int(env.get("IMSA_RESET_HOURS", "2"))
        self.IMSA_BEHIND_PROXY = _bool("IMSA_BEHIND_PROXY")
        self.IMSA_LOG_JSON = _bool("IMSA_LOG_JSON", True)
        self.IMSA_INACTIVE_DAYS = int(env.get("IMSA_INACTIVE_DAYS", "14"))
        # How long personal data is kept (see app/privacy/retention.py); each is IMSA_RETENTION_<KEY>.
        self.IMSA_RETENTION = {
            key: int(env.get(f"IMSA_RETENTION_{key.upper()}", default))
            for key, default in RETENTION_DEFAULTS.items()
        }
        # The similarity check flags an earlier submission of the same brief whose estimated Jaccard
        # similarity (word 5-gram shingles, MinHash) with the new one is at least this (0 to 1).
        self.IMSA_SIMILARITY_THRESHOLD = float(env.get("IMSA_SIMILARITY_THRESHOLD", "0.3"))
        self.RATELIMIT_STORAGE_URI = env.get("IMSA_RATELIMIT_STORAGE_URL", "memory://")
        self.RATELIMIT_ENABLED = _bool("IMSA_RATELIMIT_ENABLED", True)
        self.IMSA_SIGN_IN_LIMIT = env.get("IMSA_SIGN_IN_LIMIT", "5 per minute;30 per hour")  # per account
        self.IMSA_SIGN_IN_ADDRESS_LIMIT = env.get("IMSA_SIGN_IN_ADDRESS_LIMIT", "60 per minute;600 per hour")
        self.IMSA_ARGON2_TIME_COST = _argon2("time_cost")
        self.IMSA_ARGON2_MEMORY_COST = _argon2("memory_cost")  # KiB
        self.IMSA_ARGON2_PARALLELISM = _argon2("parallelism")
        # A server's connection can drop between requests (a restart, an idle timeout): test it before use.
        # A SQLite file has nothing to drop, and the test would be a query on every request.
        server = not self.SQLALCHEMY_DATABASE_URI.startswith("sqlite") and bool(self.SQLALCHEMY_DATABASE_URI)
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": server}
        # Connections each worker process keeps (and may add for bursts): workers × (both) must stay under
        # PostgreSQL's max_connections. Unset: SQLAlchemy's 5 and 10.
        for setting, option in (("IMSA_DB_POOL_SIZE", "pool_size"), ("IMSA_DB_MAX_OVERFLOW", "max_overflow")):
            if env.get(setting):
                self.SQLALCHEMY_ENGINE_OPTIONS[option] = int(env[setting])
        self.SESSION_COOKIE_SECURE = _bool("IMSA_SECURE_COOKIES")
        self.REMEMBER_COOKIE_SECURE = self.SESSION_COOKIE_SECURE

    SECRET_KEY: str | None = None  # filled by create_app from the environment or instance folder
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = 14 * 24 * 3600
    PERMANENT_SESSION_LIFETIME = 12 * 3600
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    RATELIMIT_HEADERS_ENABLED = True
    TESTING = False


class TestConfig(Config):
    """Tests: a database URL given by the test run (SQLite file or PostgreSQL), quiet logs."""

    def __init__(self, database_url: str, instance_path: str | None = None) -> None:
        super().__init__()
        self.SQLALCHEMY_DATABASE_URI = database_url
        self.SECRET_KEY = "test-secret-key-not-for-production"
        self.TESTING = True
        self.IMSA_LOG_JSON = False
        self.RATELIMIT_STORAGE_URI = "memory://"
        self.IMSA_SMTP_HOST = ""
        self.IMSA_BASE_URL = "http://localhost"
        self.IMSA_VERIFY_COUNT_SECONDS = 0  # tests read the counts straight after each check
        self.IMSA_WARM_CERTIFICATES = False
        # Jobs run when the request that queued them commits; the queue's own tests use a real queue.
        self.IMSA_JOBS_IMMEDIATE = True
        # Cheap hashing: thousands of test accounts are made and signed in. Never for a running platform.
        self.IMSA_ARGON2_TIME_COST = 1
        self.IMSA_ARGON2_MEMORY_COST = 8
        self.IMSA_ARGON2_PARALLELISM = 1
