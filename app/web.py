"""The request's transaction and how a refusal reaches the page.

Every view runs inside ``transaction`` (``create_app`` wraps them all, so none can forget): the session is
committed when the view returns a response below 400 and rolled back when it raises or answers with an error.
Routes never commit or roll back themselves. A view that shows a refusal on its own page catches it with
``refusals()``, which rolls back everything the request had written before the page is drawn: a refused
change leaves nothing half-written.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlsplit

from flask import flash, make_response, url_for

from app.database import db
from app.refusal import Refused


def transaction(view):
    """Commit what ``view`` changed when it succeeds; roll back when it raises or answers with an error."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        try:
            response = make_response(view(*args, **kwargs))
        except BaseException:
            db.session.rollback()
            raise
        if response.status_code < 400:
            db.session.commit()
        else:
            db.session.rollback()
        return response

    return wrapper


def safe_redirect_target(target: str | None, fallback: str = "site.home") -> str:
    """``target`` if it is a path on this site, else the URL of the ``fallback`` endpoint.

    For every ``next=`` and ``back=`` a request carries: a crafted link must never send someone to another
    site. Only a relative path starting with one ``/`` passes; ``//host``, ``/\\host`` (browsers read a
    backslash as a slash), any scheme (``https:``, ``javascript:``), any host and any control character
    are refused.
    """
    if (
        not target
        or not target.startswith("/")
        or target.startswith("//")
        or any(character == "\\" or ord(character) < 32 for character in target)
    ):
        return url_for(fallback)
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return url_for(fallback)
    return target


@dataclass
class Outcome:
    """What ``refusals()`` caught: ``refused`` is None when the change went through."""

    refused: Refused | None = None

    def __bool__(self) -> bool:
        return self.refused is not None

    @property
    def message(self) -> str | None:
        return self.refused.message if self.refused else None

    @property
    def field(self) -> str | None:
        return self.refused.field if self.refused else None

    def onto(self, form, default_field: str | None = None) -> None:
        """Put the refusal on its form field (or ``default_field``), else on the form's error summary."""
        if self.refused is None:
            return
        name = self.refused.field or default_field
        if name and name in form:
            form[name].errors = [*form[name].errors, self.refused.message]
        else:
            form.form_errors.append(self.refused.message)

    def flash(self) -> None:
        if self.refused is not None:
            flash(self.refused.message, "info")


@contextmanager
def refusals() -> Iterator[Outcome]:
    """Catch a ``Refused`` from the block, roll back what the request wrote, and hand it to the view."""
    outcome = Outcome()
    try:
        yield outcome
    except Refused as refusal:
        db.session.rollback()
        outcome.refused = refusal
