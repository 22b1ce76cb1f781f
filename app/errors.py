"""Error pages in the site's look, for people; JSON for the machine-readable paths when storage fails."""

from __future__ import annotations

import contextlib
import errno
import logging
import os
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, Response, current_app, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError

from app.auth.access import PermissionDenied
from app.database import db
from app.i18n import N_, current_language
from app.i18n import gettext as _

log = logging.getLogger("imsa.errors")

TITLES = {
    400: _l("There was a problem with your request"),
    403: _l("You do not have access to this page"),
    404: _l("Page not found"),
    405: _l("That action is not allowed here"),
    413: _l("The file is too large"),
    429: _l("Too many attempts"),
    500: _l("Sorry, there is a problem with the service"),
    503: _l("Sorry, the service is unavailable"),
}

UNAVAILABLE = N_(
    "The service cannot save anything right now, so nothing you entered has been saved. Try again later."
)

# Paths that answer machines (the verification API, status lists, DID document and JWKS): JSON errors there.
JSON_PATHS = ("/api/", "/status/", "/.well-known/")

# A file system that is read-only, full or over quota, wherever the file was.
STORAGE_ERRNOS = {errno.EROFS, errno.ENOSPC, errno.EDQUOT}

# PostgreSQL's "cannot execute … in a read-only transaction" (a standby, or default_transaction_read_only):
# psycopg raises it as an InternalError, not an OperationalError.
READ_ONLY_SQLSTATE = "25006"


def _page(status: int, message: str | None = None):
    return render_template("errors/error.html", status=status, title=TITLES[status], message=message), status


def cannot_write_database(error: sa.exc.DBAPIError) -> bool:
    """The database is unreachable or will not take a write: read-only, disk full, locked, I/O errors.

    Every OperationalError counts: on SQLite that is "attempt to write a readonly database", "database or
    disk is full", "database is locked", "disk I/O error" and "unable to open database file"; on PostgreSQL
    a lost connection, a full disk (SQLSTATE 53100) and the like. Constraint and programming errors do not.
    """
    if isinstance(error, sa.exc.OperationalError):
        return True
    original = error.orig
    return getattr(original, "sqlstate", None) == READ_ONLY_SQLSTATE


def cannot_write_files(error: OSError) -> bool:
    """A file system that will not take a write, or any failure inside the instance folder."""
    if error.errno in STORAGE_ERRNOS:
        return True
    instance = Path(os.path.abspath(current_app.instance_path))
    names = [
        name for name in (error.filename, error.filename2) if isinstance(name, str | bytes | os.PathLike)
    ]
    return any(Path(os.path.abspath(os.fsdecode(name))).is_relative_to(instance) for name in names)


def _unavailable(error: Exception):
    """503: logged once here; a page (or JSON for machines) saying nothing was saved."""
    with contextlib.suppress(sa.exc.SQLAlchemyError):  # a connection that is gone cannot roll back
        db.session.rollback()
    log.error("storage unavailable: %s", request.path, exc_info=error)
    if request.path.startswith(JSON_PATHS):
        return jsonify({"error": _(UNAVAILABLE)}), 503
    try:
        return _page(503, _(UNAVAILABLE))
    except (sa.exc.SQLAlchemyError, OSError):
        # The page could not be drawn either (the signed-in person is read from the database for the
        # header): the same words, plainly.
        title = TITLES[503]
        lang = current_language()
        body = (
            f"<!doctype html><html lang={lang}><title>{title}</title><h1>{title}</h1><p>{_(UNAVAILABLE)}</p>"
        )
        return Response(body, 503, mimetype="text/html")


def init_errors(app: Flask) -> None:
    for status in (400, 404, 405, 413):
        app.register_error_handler(status, lambda error, status=status: _page(status))

    @app.errorhandler(403)
    def _forbidden(error):
        return _page(403)

    @app.errorhandler(PermissionDenied)
    def _denied(error):
        db.session.rollback()
        return _page(403)

    @app.errorhandler(CSRFError)
    def _csrf(error):
        return _page(
            400,
            _(
                "The form had expired or came from somewhere else, so nothing was saved. "
                "Go back, reload the page and try again."
            ),
        )

    @app.errorhandler(429)
    def _limited(error):
        return _page(
            429,
            _(
                "You have tried too many times. Wait a minute and try again (%(limit)s).",
                limit=error.description,
            ),
        )

    @app.errorhandler(sa.exc.DBAPIError)
    def _database_error(error):
        if not cannot_write_database(error):
            raise error  # the usual 500
        return _unavailable(error)

    @app.errorhandler(OSError)
    def _file_error(error):
        if not cannot_write_files(error):
            raise error
        return _unavailable(error)

    @app.errorhandler(500)
    def _server_error(error):
        db.session.rollback()
        log.error("unhandled error", exc_info=getattr(error, "original_exception", None))
        return _page(500, _("Nothing you entered has been saved. Try again later."))
