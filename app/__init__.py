"""The IMSA® training and accreditation platform."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app.config import Config, load_secret_key


def create_app(config: Config | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    config = config or Config()
    app.config.from_object(config)
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = load_secret_key(instance)
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'imsa.sqlite3'}"
    _refuse_per_process_rate_limits(app.config)
    if app.config["IMSA_BEHIND_PROXY"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

    from app.observability import configure_logging

    configure_logging(app)
    _init_extensions(app)

    from app.errors import init_errors
    from app.i18n import init_i18n
    from app.security import init_security
    from app.templating import init_templating

    init_i18n(app)
    init_security(app)
    init_errors(app)
    init_templating(app)
    _register_blueprints(app)
    _run_every_view_in_a_transaction(app)

    from app.cli import register_commands

    register_commands(app)
    _check_every_view_declares_access(app)
    if app.config["IMSA_WARM_CERTIFICATES"] and gunicorn_workers() is not None:
        _warm_certificates()
    return app


def _warm_certificates() -> None:
    """A served worker renders a made-up certificate as it starts (WeasyPrint, fonts and template), so the
    first person to download a certificate does not wait seconds for it."""
    log = logging.getLogger("imsa.certificates")
    try:
        from app.accreditation.certificate_pdf import warm_up

        log.info("certificate rendering warmed up in %.2f s", warm_up())
    except Exception:  # a broken renderer must not stop the worker serving everything else
        log.exception("the certificate renderer could not be warmed up; the first certificate will say why")


def gunicorn_workers() -> int | None:
    """The number of worker processes gunicorn is configured with, when gunicorn is loading this app.

    Read from gunicorn's own settings (command line, ``GUNICORN_CMD_ARGS``, config file and
    ``WEB_CONCURRENCY``, already merged): the arbiter or worker that imports the app is on the call stack.
    """
    if "gunicorn" not in sys.modules:
        return None
    from gunicorn.config import Config as GunicornConfig

    frame = sys._getframe(1)
    while frame is not None:
        settings = getattr(frame.f_locals.get("self"), "cfg", None)
        if isinstance(settings, GunicornConfig):
            return settings.workers
        frame = frame.f_back
    return None


def _refuse_per_process_rate_limits(config) -> None:
    """The memory store counts in each process alone: with several gunicorn workers every limit would be
    multiplied by their number (and depend on which worker answers), so the app refuses to start."""
    if not config.get("RATELIMIT_ENABLED", True):
        return
    if not str(config.get("RATELIMIT_STORAGE_URI", "memory://")).startswith("memory://"):
        return
    workers = gunicorn_workers()
    if workers is not None and workers > 1:
        raise RuntimeError(
            f"gunicorn runs {workers} worker processes but the rate limits are counted in memory "
            "(IMSA_RATELIMIT_STORAGE_URL=memory://), so each worker would count alone. Set "
            "IMSA_RATELIMIT_STORAGE_URL to a shared store, e.g. redis://redis.internal:6379/0, or run "
            "one worker (--workers 1 --threads N)."
        )


def _init_extensions(app: Flask) -> None:
    from flask_babel import gettext

    from app.auth.services import user_for_session
    from app.extensions import csrf, db, limiter, login_manager, migrate
    from app.i18n import N_

    db.init_app(app)
    migrate.init_app(app, db)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = N_("Sign in to see this page.")
    login_manager.localize_callback = gettext  # flashed in the page's language
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(user_for_session)

    from app import jobs

    jobs.init_app(app)

    # Import every model so metadata (and Alembic autogenerate) sees the whole schema.
    from app import models  # noqa: F401

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            _tune_sqlite(db.engine)


def _tune_sqlite(engine: sa.Engine) -> None:
    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")  # readers do not wait for the writer
        # Safe from corruption in WAL mode; only the last commits before a power cut could be lost.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


def _register_blueprints(app: Flask) -> None:
    from app.accreditation import bp as accreditation_bp
    from app.admin import bp as admin_bp
    from app.assurance import bp as assurance_bp
    from app.auth import bp as auth_bp
    from app.cohorts import bp as cohorts_bp
    from app.curriculum import bp as curriculum_bp
    from app.learning import bp as learning_bp
    from app.marking import bp as marking_bp
    from app.organisations import bp as organisations_bp
    from app.privacy import bp as privacy_bp
    from app.reports import bp as reports_bp
    from app.site import bp as site_bp
    from app.verify import bp as verify_bp

    for blueprint in (
        site_bp,
        auth_bp,
        learning_bp,
        marking_bp,
        cohorts_bp,
        reports_bp,
        organisations_bp,
        curriculum_bp,
        admin_bp,
        privacy_bp,
        assurance_bp,
        accreditation_bp,
        verify_bp,
    ):
        app.register_blueprint(blueprint)


def _run_every_view_in_a_transaction(app: Flask) -> None:
    from app.web import transaction

    for endpoint, view in app.view_functions.items():
        if endpoint != "static":
            app.view_functions[endpoint] = transaction(view)


def _check_every_view_declares_access(app: Flask) -> None:
    missing = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint != "static" and not hasattr(view, "access")
    ]
    if missing:
        raise RuntimeError(
            f"views without an access rule (see app/auth/access.py): {', '.join(sorted(missing))}"
        )
