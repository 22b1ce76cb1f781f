"""The result page, drawn once for each thing it can show.

Most checks come from employers following a QR code: nobody signed in, no message waiting, a GET. For
them the page is a function of what verification found (the verdict, each check's text, the signed
credential and the stored reason for a revocation or suspension), the language and the address asked
for, and of nothing else. Drawing it is over a third of the request, so each process keeps the drawn page
under exactly those values and draws it again when any of them differs. Verification itself runs on
every request (signature, status lists, dates): a status change gives a new verdict and check texts, so
a new key, and the new page shows at once on every worker. Signed-in people, pages with a form's answer
on them and share links are always drawn afresh.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, get_flashed_messages, request
from flask_login import current_user

from app.i18n import Deferred, catalogue, current_language
from app.verify.verification import Result

KEPT = 256  # pages kept per process: about 8 kB each, and its key holds the signed credential (7–11 kB)


def the_same_for_everyone(share, email_form, email_checked) -> bool:
    """Whether this request's page shows nothing about the person asking."""
    return (
        request.method == "GET"
        and share is None
        and email_checked is None
        and not email_form.errors
        and not current_user.is_authenticated
        and not get_flashed_messages()  # kept for this request: the page drawn shows the same list
    )


def key(result: Result, method: str, status_code: int) -> tuple:
    """Every value the result page reads (see the module docstring)."""
    translations = catalogue()

    def text(value) -> str:
        return value.in_(translations) if isinstance(value, Deferred) else str(value)

    return (
        current_language(),
        request.full_path,
        method,
        status_code,
        result.verdict,
        result.jws if result.credential else None,
        result.record,
        tuple((text(c.name), c.passed, text(c.detail)) for c in result.checks),
    )


def drawn(page_key: tuple, draw: Callable[[], str]) -> str:
    """The page kept under ``page_key``, drawn by ``draw`` the first time it is asked for."""
    kept = current_app.extensions.setdefault("imsa_verify_pages", {})
    page = kept.get(page_key)
    if page is None:
        page = draw()
        if len(kept) >= KEPT:  # a burst of new codes or addresses only costs the redraws
            kept.clear()
        kept[page_key] = page
    return page
