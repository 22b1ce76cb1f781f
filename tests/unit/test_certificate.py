"""The PDF certificate: one A4 landscape page, a QR code that scans, and the signed credential inside it."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import shutil
import subprocess
import unicodedata
from dataclasses import replace
from datetime import date

import pypdf
import pytest
import weasyprint
import zxingcpp
from PIL import Image

from app.accreditation import certificate
from app.accreditation import certificate_pdf as pdf_module
from app.accreditation.certificate import (
    ATTACHMENT_NAME,
    CERTIFICATES_DIR,
    CertificateData,
    CertificateReadError,
    embedded_credential,
    uk_long_date,
)
from app.accreditation.certificate_pdf import CertificateURLFetcher, RefusedURLError, render_certificate

VERIFY_URL = "https://imsa.example.org/verify/IMSA-7K4Q-9D2M-X"
CURRICULUM_HASH = hashlib.sha256(b"fictional curriculum content").hexdigest()
LONG_NAME = "Siân Ní Bhriain-Ōkāne Ålesund-Çelik Testperson-Þórsdóttir Wójcik"  # 64 characters


def _b64(value: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


# The shape of a real credential; the certificate never checks the signature, so a fake one will do.
JWS = ".".join((_b64({"alg": "ES256", "typ": "vc+jwt"}), _b64({"name": "Ada Testperson"}), _b64({"s": 1})))


def _data(**changes) -> CertificateData:
    data = CertificateData(
        holder_name="Ada Testperson",
        achievement_name="Accredited Independent Modern Slavery Advocate®",
        curriculum_version="2025.3",
        curriculum_hash=CURRICULUM_HASH,
        awarded_on=date(2026, 11, 30),
        valid_until=date(2029, 11, 30),
        code="IMSA-7K4Q-9D2M-X",
        issuer_name="IMSA® Model Hub",
        issuer_id="did:web:imsa.example.org",
        verify_url=VERIFY_URL,
    )
    return replace(data, **changes)


def _reader(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf))


def _text(pdf: bytes) -> str:
    return unicodedata.normalize("NFC", "\n".join(page.extract_text() for page in _reader(pdf).pages))


def _squashed(text: str) -> str:
    """Text without any whitespace, so a name wrapped over two lines still matches."""
    return "".join(unicodedata.normalize("NFC", text).split())


def _pdf_with_attachment(name: str, content: bytes) -> bytes:
    return weasyprint.HTML(string="<p>Not a certificate</p>").write_pdf(
        attachments=[weasyprint.Attachment(string=content, name=name)]
    )


@pytest.fixture(scope="module")
def certificate_pdf() -> bytes:
    return render_certificate(_data(), JWS)


def test_renders_one_a4_landscape_page_with_the_facts(certificate_pdf):
    """The certificate is one A4 landscape page and prints who, what, which version, when and the code."""
    reader = _reader(certificate_pdf)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(841.89, abs=1)
    assert float(box.height) == pytest.approx(595.28, abs=1)
    text = _text(certificate_pdf)
    for expected in (
        "Ada Testperson",
        "Accredited Independent Modern Slavery Advocate®",
        "IMSA-7K4Q-9D2M-X",
        "2025.3",
        CURRICULUM_HASH[:12],
        "30 November 2026",
        "30 November 2029",
        "IMSA® Model Hub",
        "did:web:imsa.example.org",
        "Open Badges 3.0",
    ):
        assert expected in text, f"{expected!r} is not on the certificate"
    assert CURRICULUM_HASH not in text  # only the short form is printed
    assert VERIFY_URL in _squashed(text)


def test_pdf_metadata_title_author_and_language(certificate_pdf):
    """The PDF says what it is (title in Welsh and English, issuer as author, Welsh first as its language)
    and is tagged for assistive technology."""
    reader = _reader(certificate_pdf)
    assert reader.metadata.title == (
        "Tystysgrif achrediad IMSA® / IMSA® accreditation certificate — Ada Testperson"
    )
    assert reader.metadata.author == "IMSA® Model Hub"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "cy"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root


def test_the_certificate_is_bilingual_welsh_first_on_one_page(certificate_pdf):
    """Every fixed text is in Welsh and in English on the one page, Welsh first, dates in both languages."""
    assert len(_reader(certificate_pdf).pages) == 1
    text = " ".join(_text(certificate_pdf).split()).casefold()  # some labels are set in capitals
    pairs = [
        ("Tystir bod", "This is to certify that"),
        ("wedi ennill", "has been awarded"),
        (
            "Eiriolwr Caethwasiaeth Fodern Annibynnol Achrededig®",
            "Accredited Independent Modern Slavery Advocate®",
        ),
        ("30 Tachwedd 2026", "30 November 2026"),
        ("30 Tachwedd 2029", "30 November 2029"),
        ("Cyhoeddwyd gan", "Issued by"),
        ("y gwiriad ar-lein", "the online verification"),
    ]
    for welsh, english in ((w.casefold(), e.casefold()) for w, e in pairs):
        assert welsh in text and english in text, (welsh, english)
        assert text.index(welsh) < text.index(english), f"{welsh!r} should come before {english!r}"


def test_the_banner_of_a_withdrawn_certificate_is_in_both_languages():
    pdf = render_certificate(_data(withdrawn=certificate.Withdrawal(revoked=True, on=date(2026, 12, 3))), JWS)
    text = " ".join(_text(pdf).split())
    assert "DIRYMWYD ar 3 Rhagfyr 2026 — nid yw’r dystysgrif hon yn ddilys mwyach" in text
    assert "REVOKED on 3 December 2026 — this certificate is no longer valid" in text


def test_dates_are_uk_long_dates_without_a_leading_zero():
    """Dates read the British way: "1 March 2027", never "01 March 2027" or "March 1, 2027"."""
    assert uk_long_date(date(2027, 3, 1)) == "1 March 2027"
    assert uk_long_date(date(2026, 11, 30)) == "30 November 2026"


def test_qr_code_decodes_to_the_verify_url(certificate_pdf, tmp_path):
    """The printed QR code, rasterised at 150 dpi, scans to the certificate's verification URL."""
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "pdftoppm is missing: install poppler-utils (make system-deps does)"
    source = tmp_path / "certificate.pdf"
    source.write_bytes(certificate_pdf)
    subprocess.run([pdftoppm, "-r", "150", "-png", str(source), str(tmp_path / "page")], check=True)
    [png] = sorted(tmp_path.glob("page*.png"))
    results = zxingcpp.read_barcodes(Image.open(png))
    assert [result.text for result in results] == [VERIFY_URL]


def test_embedded_credential_round_trips(certificate_pdf):
    """The signed credential attached to the PDF comes back out exactly as it went in."""
    assert list(_reader(certificate_pdf).attachments) == [ATTACHMENT_NAME]
    assert embedded_credential(certificate_pdf) == JWS


def test_same_award_renders_the_same_bytes(certificate_pdf):
    """Rendering is a pure function of its input: a cached certificate is the one a new render would give."""
    assert render_certificate(_data(), JWS) == certificate_pdf


# Each bad input is made on demand (from the good certificate where it needs one), not at import time.
BAD_INPUTS = {
    "empty": lambda good: b"",
    "random bytes": lambda good: os.urandom(4096),
    "PDF header then garbage": lambda good: b"%PDF-1.7\n" + os.urandom(2048),
    "PDF without attachment": lambda good: weasyprint.HTML(string="<p>Hello</p>").write_pdf(),
    "attachment is not a JWS": lambda good: _pdf_with_attachment(ATTACHMENT_NAME, b"not a credential"),
    "attachment has four parts": lambda good: _pdf_with_attachment(ATTACHMENT_NAME, (JWS + ".eHl6").encode()),
    "attachment is not ASCII": lambda good: _pdf_with_attachment(ATTACHMENT_NAME, "ä.b.c".encode()),
    "attachment is too large": lambda good: _pdf_with_attachment(
        ATTACHMENT_NAME, b"a." + b"b" * 70_000 + b".c"
    ),
    "credential under another name": lambda good: _pdf_with_attachment("credential.txt", JWS.encode()),
    "truncated certificate": lambda good: good[: len(good) // 2],
}


@pytest.mark.parametrize("label", BAD_INPUTS)
def test_embedded_credential_rejects_bad_input_with_a_read_error(label, certificate_pdf):
    """Anything that is not a readable certificate raises CertificateReadError, never another exception."""
    with pytest.raises(CertificateReadError) as raised:
        embedded_credential(BAD_INPUTS[label](certificate_pdf))
    assert str(raised.value)  # a plain-words reason for the person who uploaded the file


def test_a_long_name_with_diacritics_stays_on_one_page():
    """A 64-character name with diacritics wraps on the page and never spills onto a second page."""
    pdf = render_certificate(_data(holder_name=LONG_NAME), JWS)
    assert len(_reader(pdf).pages) == 1
    assert _squashed(LONG_NAME) in _squashed(_text(pdf))


def test_a_name_too_big_for_its_first_size_is_set_smaller(monkeypatch):
    """If a name does not fit at the size its length suggests, it is set smaller rather than spill over."""
    monkeypatch.setattr(pdf_module, "_NAME_SIZE_LIMITS", (10_000,) * 4)  # always try the largest size first
    name = " ".join(["Wwwwwwww Testperson"] * 6)  # 119 characters: too many lines at the largest size
    pdf = render_certificate(_data(holder_name=name), JWS)
    assert len(_reader(pdf).pages) == 1
    assert _squashed(name) in _squashed(_text(pdf))


def test_the_longest_allowed_name_fits_and_a_longer_one_is_refused():
    """A name of MAX_NAME_LENGTH wide letters fits on one page; a longer one is refused before rendering."""
    widest = "W" * certificate.MAX_NAME_LENGTH
    assert len(_reader(render_certificate(_data(holder_name=widest), JWS)).pages) == 1
    with pytest.raises(ValueError, match="longer than"):
        render_certificate(_data(holder_name=widest + "W"), JWS)


def test_content_that_cannot_fit_is_refused(monkeypatch):
    """If nothing fits on one page even at the smallest name size, rendering fails: never a two-page PDF."""
    monkeypatch.setattr(pdf_module, "_NAME_SIZE_LIMITS", (10_000,) * 4)  # start at the largest size
    monkeypatch.setattr(pdf_module, "_NAME_SIZES", ("name-l",))  # and have no smaller one to fall back to
    with pytest.raises(ValueError, match="one page"):
        render_certificate(_data(holder_name=" ".join(["Wwwwwwww Testperson"] * 6)), JWS)


def test_a_malformed_credential_is_refused():
    """Only a compact JWS is embedded, so embedded_credential can read back every certificate rendered."""
    with pytest.raises(ValueError, match="compact JWS"):
        render_certificate(_data(), "not-a-jws")


def test_holder_name_is_escaped():
    """A name containing markup is printed literally, never interpreted as HTML."""
    name = "<b>Ada</b> & Co"
    pdf = render_certificate(_data(holder_name=name), JWS)
    assert name in _text(pdf)
    assert _reader(pdf).metadata.title.endswith(f"IMSA® accreditation certificate — {name}")


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/logo.png",
        "https://example.org/font.woff2",
        "HTTPS://example.org/x.css",
        "ftp://example.org/x.png",
        "file:///etc/passwd",
        (CERTIFICATES_DIR / ".." / "pyproject.toml").as_uri(),
        "file://evil.example.org" + str(CERTIFICATES_DIR / "certificate.css"),
    ],
)
def test_url_fetcher_refuses_network_and_files_outside_certificates(url):
    """The renderer cannot be made to fetch anything from the network or read files outside certificates/."""
    with pytest.raises(RefusedURLError):
        CertificateURLFetcher().fetch(url)


def test_url_fetcher_allows_the_certificate_assets_and_data_urls():
    """The fetcher still opens what the template needs: its stylesheet, its assets and data: URLs."""
    fetcher = CertificateURLFetcher()
    for url in ((CERTIFICATES_DIR / "certificate.css").as_uri(), "data:text/plain,hello"):
        response = fetcher.fetch(url)
        try:
            assert response.read()
        finally:
            response.close()


def test_a_refused_url_stops_the_rendering():
    """An HTML page that asks for a network resource fails to render rather than silently fetching it."""
    html = weasyprint.HTML(
        string='<img src="https://example.org/tracker.png" alt="">',
        base_url=CERTIFICATES_DIR.as_uri() + "/",
        url_fetcher=CertificateURLFetcher(),
    )
    with pytest.raises(weasyprint.urls.FatalURLFetchingError):
        html.write_pdf()


def test_the_template_and_assets_exist():
    """The certificate's template, stylesheet and seal are in certificates/ where the renderer looks."""
    for name in ("template.html", "certificate.css", "assets/seal.svg"):
        assert (CERTIFICATES_DIR / name).is_file(), name
