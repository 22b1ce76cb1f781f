"""Rendering the certificate with WeasyPrint: kept apart from ``certificate.py`` because importing
WeasyPrint takes about a second, which only a process that renders a certificate should pay.

Rendering never touches the network: the URL fetcher given to WeasyPrint only opens ``data:`` URLs and
files inside the ``certificates/`` folder, and any other fetch stops the rendering.
"""

from __future__ import annotations

from bisect import bisect_left
from datetime import UTC, datetime, time
from pathlib import Path
from time import perf_counter
from urllib.parse import urlsplit
from urllib.request import url2pathname

import weasyprint
from jinja2 import Template
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from app.accreditation.certificate import (
    ATTACHMENT_MEDIA_TYPE,
    ATTACHMENT_NAME,
    CERTIFICATES_DIR,
    CertificateData,
    layout,
)

_PDF_OPTIONS = {"pdf_variant": "pdf/ua-1"}  # tagged PDF 1.7 with UA metadata: see certificate.py

# Sizes for the holder's name, largest first. The first guess goes by length; a name that still does not
# fit on the page (very wide letters, say) is set one size smaller until it does.
_NAME_SIZES = ("name-l", "name-m", "name-s", "name-xs", "name-xxs")
_NAME_SIZE_LIMITS = (26, 40, 70, 150)  # the longest name given each size, by character count


def _first_name_size(name: str) -> int:
    """Index into _NAME_SIZES of the largest size a name of this length is likely to fit at."""
    return bisect_left(_NAME_SIZE_LIMITS, len(name))


class RefusedURLError(ValueError):
    """The certificate tried to load something from outside ``certificates/`` (or from the network)."""


class CertificateURLFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that opens only ``data:`` URLs and files inside ``certificates/``.

    ``fail_on_errors`` is on, so a refused or missing resource stops the rendering rather than
    producing a certificate with a hole in it.
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"data", "file"}, allow_redirects=False, fail_on_errors=True)

    def fetch(self, url, headers=None):
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            parts = urlsplit(url)
            if parts.netloc not in ("", "localhost"):
                raise RefusedURLError(f"Refused to fetch a file from another host: {url}")
            path = Path(url2pathname(parts.path)).resolve()
            if not path.is_relative_to(CERTIFICATES_DIR):
                raise RefusedURLError(f"Refused to fetch a file outside the certificates folder: {url}")
            return super().fetch(path.as_uri(), headers)
        raise RefusedURLError(f"Refused to fetch {url!r}: certificates never load anything from the network")


def render_certificate(data: CertificateData, credential_jws: str) -> bytes:
    """The certificate as PDF bytes: A4 landscape, with a QR code (segno, SVG) linking to data.verify_url and
    the signed credential (compact JWS text) embedded as the attached file ATTACHMENT_NAME.

    Always exactly one page: a long name is set smaller. Raises ValueError if credential_jws is not a compact
    JWS, if the holder's name is longer than MAX_NAME_LENGTH, or if even so nothing fits on one page.
    """
    template, context = layout(data, credential_jws)
    try:
        return _render(template, context, data, credential_jws)
    except FatalURLFetchingError as error:  # a BaseException in WeasyPrint: make it an ordinary error
        raise RuntimeError(f"The certificate template needs a resource it may not load: {error}") from error


def _render(
    template: Template, context: dict[str, object], data: CertificateData, credential_jws: str
) -> bytes:
    fetcher = CertificateURLFetcher()
    base_url = CERTIFICATES_DIR.as_uri() + "/"
    for name_size in _NAME_SIZES[_first_name_size(data.holder_name) :]:
        html = template.render(context, name_size=name_size)
        document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(**_PDF_OPTIONS)
        if len(document.pages) == 1:
            break
    else:
        raise ValueError("The certificate does not fit on one page, even with the holder's name set small")
    # Fixed dates keep the output a pure function of the input: the same award renders the same bytes.
    stamp = datetime.combine(data.awarded_on, time(), tzinfo=UTC)
    attachment = weasyprint.Attachment(
        url=f"data:{ATTACHMENT_MEDIA_TYPE},{credential_jws}",  # a data: URL carries the media type
        name=ATTACHMENT_NAME,
        description="Signed digital credential (Open Badges 3.0, compact JWS)",
        created=stamp,
        modified=stamp,
        url_fetcher=fetcher,
    )
    return document.write_pdf(attachments=[attachment], **_PDF_OPTIONS)


_SAMPLE = CertificateData(
    holder_name="Alex Exampleworth",
    achievement_name="IMSA® accreditation",
    curriculum_version="0.0",
    curriculum_hash="0" * 64,
    awarded_on=datetime(2026, 1, 1, tzinfo=UTC).date(),
    valid_until=datetime(2029, 1, 1, tzinfo=UTC).date(),
    code="IMSA-0000-0000-0",
    issuer_name="IMSA® Model Hub",
    issuer_id="did:web:example.org",
    verify_url="https://example.org/verify/IMSA-0000-0000-0",
)


def warm_up() -> float:
    """Render a made-up certificate and throw it away, so that loading the fonts, WeasyPrint's style
    sheets and the template is paid when a worker starts, not by the first person to download a
    certificate. Returns the seconds it took."""
    start = perf_counter()
    render_certificate(_SAMPLE, "e30.e30.AA")
    return perf_counter() - start
