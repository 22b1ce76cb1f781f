"""Structured logging: one JSON object per line on stderr, with the request id when there is one."""

from __future__ import annotations

import json
import logging
import secrets
import time

from flask import Flask, g, has_request_context, request

_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}
# URL parts that are secrets in themselves (invitation and password reset links): never written to a log.
SECRET_VIEW_ARGS = ("token",)
REDACTED = "<redacted>"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if has_request_context():
            entry["request_id"] = g.get("request_id")
        entry.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def logged_path() -> str:
    """The request's path with every secret segment (``SECRET_VIEW_ARGS``) replaced by ``<redacted>``."""
    secrets_in_path = {
        value for name, value in (request.view_args or {}).items() if name in SECRET_VIEW_ARGS and value
    }
    if not secrets_in_path:
        return request.path
    return "/".join(REDACTED if part in secrets_in_path else part for part in request.path.split("/"))


def configure_logging(app: Flask) -> None:
    handler = logging.StreamHandler()
    if app.config["IMSA_LOG_JSON"]:
        handler.setFormatter(JsonFormatter())
    root = logging.getLogger("imsa")
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    root.propagate = False
    access = logging.getLogger("imsa.request")

    @app.before_request
    def _start() -> None:
        g.request_id = request.headers.get("X-Request-Id", "")[:64] or secrets.token_hex(8)
        g.started = time.perf_counter()

    @app.after_request
    def _log(response):
        if request.endpoint != "static":
            ms = round((time.perf_counter() - g.get("started", time.perf_counter())) * 1000, 1)
            fields = {
                "method": request.method,
                "path": logged_path(),
                "status": response.status_code,
                "ms": ms,
            }
            # The message reads well in plain logs; JSON logs carry the same as separate fields.
            access.info("%(method)s %(path)s %(status)s %(ms)s ms", fields, extra=fields)
        response.headers["X-Request-Id"] = g.get("request_id", "")
        return response
