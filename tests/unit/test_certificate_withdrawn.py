"""A revoked or suspended certificate: the banner is in the tagged text, first, and still one page."""

from __future__ import annotations

import io
from datetime import date

import pypdf
import pytest

from app.accreditation import certificate
from app.accreditation.certificate import Withdrawal
from app.accreditation.certificate_pdf import render_certificate
from tests.unit.test_certificate import JWS, _data

ON = date(2026, 12, 3)


@pytest.mark.parametrize(
    ("revoked", "statement"),
    [
        (True, "REVOKED on 3 December 2026 — this certificate is no longer valid"),
        (False, "SUSPENDED on 3 December 2026 — this certificate is not valid while the suspension lasts"),
    ],
)
def test_the_banner_is_the_first_text_and_the_widest_name_still_fits(revoked, statement):
    assert Withdrawal(revoked, ON).statement == statement
    widest = "W" * certificate.MAX_NAME_LENGTH
    reader = pypdf.PdfReader(
        io.BytesIO(render_certificate(_data(holder_name=widest, withdrawn=Withdrawal(revoked, ON)), JWS))
    )
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    withdrawal = Withdrawal(revoked, ON)
    # Welsh first, then English: the banner is the first text in both languages.
    assert text.replace("\n", " ").startswith(f"{withdrawal.statement_cy} {statement}")
    assert reader.metadata.title.endswith(f"({withdrawal.word_cy} / {withdrawal.word})")


def test_a_valid_certificate_has_no_banner():
    reader = pypdf.PdfReader(io.BytesIO(render_certificate(_data(), JWS)))
    assert (
        "REVOKED" not in reader.pages[0].extract_text() and "SUSPENDED" not in reader.pages[0].extract_text()
    )
