"""App factories for the accreditation bench to serve with gunicorn (``tests.bench.wsgi_targets:name()``).

The real app is configured from the environment the bench sets for the subprocess (``DATABASE_URL``,
``IMSA_BASE_URL``, ``IMSA_SIGNING_KEY_DIR``, ``IMSA_RATELIMIT_ENABLED=0``…); ``IMSA_BENCH_INSTANCE``
moves its instance folder into the bench's temporary folder.
"""

from __future__ import annotations

import os

from flask import Flask


def accreditation_app() -> Flask:
    from app import create_app

    application = create_app()
    if os.environ.get("IMSA_BENCH_INSTANCE"):
        application.instance_path = os.environ["IMSA_BENCH_INSTANCE"]
    return application


def minimal_app() -> Flask:
    """The baseline: one route returning a small HTML page, served the same way as the real app."""
    application = Flask(__name__)

    @application.route("/")
    def index():
        return "<!DOCTYPE html><html lang='en'><title>Minimal</title><p>Hello.</p></html>"

    return application
