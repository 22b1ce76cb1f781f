"""Error pages in the site's look, for people; JSON for /healthz-style callers is not needed yet."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError

from app.auth.access import PermissionDenied
from app.database import db

log = logging.getLogger("imsa.errors")

TITLES = {
    400: "There was a problem with your request",
    403: "You do not have access to this page",
    404: "Page not found",
    405: "That action is not allowed here",
    413: "The file is too large",
    429: "Too many attempts",
    500: "Sorry, there is a problem with the service",
}


def _page(status: int, message: str | None = None):
    return render_template("errors/error.html", status=status, title=TITLES[status], message=message), status


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
            "The form had expired or came from somewhere else, so nothing was saved. "
            "Go back, reload the page and try again.",
        )

    @app.errorhandler(429)
    def _limited(error):
        return _page(
            429, f"You have tried too many times. Wait a minute and try again ({error.description})."
        )

    @app.errorhandler(500)
    def _server_error(error):
        db.session.rollback()
        log.error("unhandled error", exc_info=getattr(error, "original_exception", None))
        return _page(500, "Nothing you entered has been saved. Try again later.")
