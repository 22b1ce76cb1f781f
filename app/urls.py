"""Absolute links for emails, always built from ``IMSA_BASE_URL``.

Never from the request's Host header: a forged Host would otherwise put an attacker's address into
password reset and invitation emails.
"""

from __future__ import annotations

from flask import current_app, has_request_context, url_for


def external_url(endpoint: str, **values) -> str:
    base = current_app.config["IMSA_BASE_URL"].rstrip("/")
    if has_request_context():
        return base + url_for(endpoint, **values)
    with current_app.test_request_context():
        return base + url_for(endpoint, **values)
