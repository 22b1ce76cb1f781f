"""The PDF certificate: a printable A4 page that carries the signed credential inside it.

This module holds what the certificate is: its data, its layout (``layout`` fills in
``certificates/template.html``: the holder's name, the award, a QR code linking to the public verification
page) and how to read it back: ``embedded_credential`` takes the signed credential (compact JWS, attached as
``imsa-credential.jwt``) out of an uploaded PDF, so a verifier can check a certificate without typing its
code. ``certificate_pdf`` turns the layout into PDF bytes with WeasyPrint.

The certificate is bilingual, Welsh first and English beside it (as the Welsh Language Standards ask of
what a funded service gives the public in Wales): every fixed text is in both languages, each marked with
its ``lang``, and the dates are printed in both. The achievement's name is the award's, in English, with its
Welsh name beside it (``WELSH_ACHIEVEMENT_NAMES``). The Welsh is for review by a Welsh translator (see
app/translations/GLOSSARY.md).

The PDF is WeasyPrint's ``pdf/ua-1`` variant: PDF 1.7, tagged (headings, table, the QR code as a figure
with alternative text, decoration as artifacts), with the document title shown and the language set. It
is not checked against PDF/UA with a validator, so call it tagged and accessible-minded, not certified.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date

import segno
from babel.dates import format_date
from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template
from markupsafe import Markup

from app.config import PROJECT_ROOT
from app.i18n import gettext as _

CERTIFICATES_DIR = (PROJECT_ROOT / "certificates").resolve()
ATTACHMENT_NAME = "imsa-credential.jwt"
ATTACHMENT_MEDIA_TYPE = "application/jwt"  # RFC 7519
MAX_JWS_BYTES = 64 * 1024
SHORT_HASH_LENGTH = 12
MAX_NAME_LENGTH = 300  # characters; far beyond any real name, and still fits (and renders fast) at 11pt

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
# The award's Welsh name, by its English name (the curriculum's award is written in English).
WELSH_ACHIEVEMENT_NAMES = {
    "Accredited Independent Modern Slavery Advocate®": "Eiriolwr Caethwasiaeth Fodern Annibynnol Achrededig®",
    "IMSA® accreditation": "Achrediad IMSA®",
}
_JWS_SHAPE = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
_AFTER_PATH_SLASH = re.compile(r"(?<=[^/]/)(?!/)")  # after each "/" of the path, not inside "https://"


def breakable_url(url: str) -> Markup:
    """The URL, escaped, to break across lines only after a "/" of its path (never inside "https://").

    Each part is kept whole when it is of a sensible length; a very long part may break anywhere.
    """
    parts = []
    for part in _AFTER_PATH_SLASH.split(url):
        css_class = "url-part" if len(part) <= 40 else "url-part-long"
        parts.append(Markup('<span class="{}">{}</span>').format(css_class, part))
    return Markup("<wbr>").join(parts)


_environment = Environment(
    loader=FileSystemLoader(CERTIFICATES_DIR),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_environment.filters["breakable_url"] = breakable_url


@dataclass(frozen=True)
class Withdrawal:
    """A revocation or suspension, stated across the certificate so a printed copy cannot pass as valid."""

    revoked: bool  # False: suspended
    on: date

    @property
    def word(self) -> str:
        return "REVOKED" if self.revoked else "SUSPENDED"

    @property
    def word_cy(self) -> str:
        return "DIRYMWYD" if self.revoked else "ATALIWYD"

    @property
    def statement_cy(self) -> str:
        """The banner in Welsh: ``DIRYMWYD ar 3 Rhagfyr 2026 — nid yw’r dystysgrif hon yn ddilys mwyach``."""
        consequence = (
            "nid yw’r dystysgrif hon yn ddilys mwyach"
            if self.revoked
            else "nid yw’r dystysgrif hon yn ddilys tra bo’r ataliad mewn grym"
        )
        return f"{self.word_cy} ar {welsh_long_date(self.on)} — {consequence}"

    @property
    def statement(self) -> str:
        """The banner's text, e.g. ``REVOKED on 3 December 2026 — this certificate is no longer valid``."""
        consequence = (
            "this certificate is no longer valid"
            if self.revoked
            else "this certificate is not valid while the suspension lasts"
        )
        return f"{self.word} on {uk_long_date(self.on)} — {consequence}"


@dataclass(frozen=True)
class CertificateData:
    """What the certificate shows; every field is printed, none is trusted as markup."""

    holder_name: str
    achievement_name: str  # e.g. "Accredited Independent Modern Slavery Advocate®"
    curriculum_version: str  # e.g. "2025.3"
    curriculum_hash: str  # full sha256 hex of the curriculum content; the page prints the first 12
    awarded_on: date
    valid_until: date
    code: str  # e.g. "IMSA-7K4Q-9D2M-X"
    issuer_name: str  # e.g. "IMSA® Model Hub"
    issuer_id: str  # e.g. "did:web:imsa.example.org"
    verify_url: str  # e.g. "https://imsa.example.org/verify/IMSA-7K4Q-9D2M-X"
    withdrawn: Withdrawal | None = None  # set when the Hub has revoked or suspended the credential


class CertificateReadError(ValueError):
    """An uploaded file is not a certificate we can read; the message says why in plain words."""


def _is_compact_jws(text: str) -> bool:
    return len(text) < MAX_JWS_BYTES and _JWS_SHAPE.fullmatch(text) is not None


def uk_long_date(day: date) -> str:
    """``30 November 2026``: day without a leading zero, English month name whatever the locale."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def welsh_long_date(day: date) -> str:
    """``30 Tachwedd 2026``: the same form in Welsh (CLDR month names)."""
    return format_date(day, "d MMMM y", locale="cy")


def _qr_data_uri(url: str) -> str:
    qr = segno.make(url, error="m")
    return qr.svg_data_uri(scale=1, border=0, dark="#000", light=None, omitsize=True)


def layout(data: CertificateData, credential_jws: str) -> tuple[Template, dict[str, object]]:
    """The certificate's template and what it shows (see ``certificate_pdf.render_certificate``).

    Raises ValueError if credential_jws is not a compact JWS or the holder's name is longer than
    MAX_NAME_LENGTH.
    """
    if not _is_compact_jws(credential_jws):
        raise ValueError("credential_jws is not a compact JWS (three base64url parts separated by dots)")
    if len(data.holder_name) > MAX_NAME_LENGTH:
        raise ValueError(f"The holder's name is longer than {MAX_NAME_LENGTH} characters: too long to print")
    context = {
        "c": data,
        "title": f"Tystysgrif achrediad IMSA® / IMSA® accreditation certificate — {data.holder_name}"
        + (f" ({data.withdrawn.word_cy} / {data.withdrawn.word})" if data.withdrawn else ""),
        "achievement_name_cy": WELSH_ACHIEVEMENT_NAMES.get(data.achievement_name),
        "short_hash": data.curriculum_hash[:SHORT_HASH_LENGTH],
        "awarded": uk_long_date(data.awarded_on),
        "valid_until": uk_long_date(data.valid_until),
        "awarded_cy": welsh_long_date(data.awarded_on),
        "valid_until_cy": welsh_long_date(data.valid_until),
        "qr_uri": _qr_data_uri(data.verify_url),
    }
    return _environment.get_template("template.html"), context


def embedded_credential(pdf: bytes) -> str:
    """The compact JWS embedded in a certificate PDF. Raises CertificateReadError (not a PDF, damaged, no
    attached credential, attachment not a compact JWS shape) — never any other exception for bad input."""
    if not pdf:
        raise CertificateReadError(_("The file is empty."))
    if b"%PDF-" not in bytes(pdf[:1024]):  # the header may follow a little junk, as readers allow
        raise CertificateReadError(_("The file is not a PDF."))
    from pypdf import PdfReader  # imported on use: most processes never read an uploaded PDF

    try:
        reader = PdfReader(io.BytesIO(pdf))
        if reader.is_encrypted:
            raise CertificateReadError(_("The PDF is password-protected, so its credential cannot be read."))
        contents = reader.attachments.get(ATTACHMENT_NAME)
    except CertificateReadError:
        raise
    except Exception as error:  # pypdf raises many kinds of error for damaged files
        raise CertificateReadError(_("The PDF is damaged or incomplete, so it cannot be read.")) from error
    if not contents:
        raise CertificateReadError(_("The PDF does not carry an IMSA digital credential."))
    content = bytes(contents[0])
    if len(content) >= MAX_JWS_BYTES:
        raise CertificateReadError(_("The credential attached to the PDF is too large to be genuine."))
    try:
        text = content.decode("ascii").strip()
    except UnicodeDecodeError as error:
        raise CertificateReadError(
            _("The credential attached to the PDF is not in the expected form.")
        ) from error
    if not _is_compact_jws(text):
        raise CertificateReadError(_("The credential attached to the PDF is not in the expected form."))
    return text
