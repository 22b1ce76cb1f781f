"""Honest holder and verifier pages: a credential that is not valid says so, with the date and reason, on
the holder's page and across its certificate PDF; a valid one asks the verifier to check the person."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pypdf
import pytest

from app.accreditation.certificate import embedded_credential
from app.accreditation.lifecycle import reinstate, revoke, suspend
from app.accreditation.standing import State, decide, standing
from app.auth.models import Role
from app.database import db, utcnow
from app.templating import LONDON
from tests.conftest import csrf_token, sign_in
from tests.factories import make_credential, make_user

SUSPENSION = "Under review after a complaint about practice."
REVOCATION = "Issued in error: the practice hours were double counted."


@pytest.fixture
def credential(app, tmp_path):
    return make_credential(tmp_path)


@pytest.fixture
def hub(app):
    return make_user(Role.HUB_ADMIN)


def _page(response) -> str:
    return response.get_data(as_text=True)


def _text(pdf: bytes) -> str:
    """The PDF's text as a screen reader or ``pdftotext`` would find it."""
    return " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def _day(moment) -> str:
    day = moment.astimezone(LONDON)
    return f"{day.day} {day:%B %Y}"


def test_the_rule_ranks_revocation_then_suspension_then_the_dates():
    """decide() over every combination: the verifier and the holder's page share it."""
    app_now = utcnow()
    start, end = app_now - timedelta(days=1), app_now + timedelta(days=1)
    for revoked in (False, True):
        for suspended in (False, True):
            for now, in_dates in ((app_now, State.VALID), (end + timedelta(1), State.EXPIRED),
                                  (start - timedelta(1), State.NOT_YET_VALID)):  # fmt: skip
                found = decide(
                    revoked=revoked, suspended=suspended, valid_from=start, valid_until=end, now=now
                )
                expected = State.REVOKED if revoked else State.SUSPENDED if suspended else in_dates
                assert found is expected


def test_a_suspended_holder_sees_the_date_and_reason_and_no_way_to_share(client, credential, hub):
    suspend(credential, SUSPENSION, hub)
    db.session.commit()
    sign_in(client, credential.holder)
    page = _page(client.get("/accreditation/mine"))
    assert "Suspended" in page and SUSPENSION in page
    assert f"suspended on {_day(credential.suspended_at)}" in page
    assert "contact the IMSA® Model Hub" in page
    assert "linkedin.com" not in page and "Copy link" not in page and "Share it" not in page
    assert "genuine and current" not in page
    assert f"/verify/{credential.code}/certificate.pdf" in page  # the certificate, which says so


def test_a_revoked_holder_sees_the_date_and_reason_and_no_way_to_share(client, credential, hub):
    revoke(credential, REVOCATION, hub)
    db.session.commit()
    sign_in(client, credential.holder)
    page = _page(client.get("/accreditation/mine"))
    assert "Revoked" in page and REVOCATION in page and "permanent" in page
    assert f"revoked on {_day(credential.revoked_at)}" in page
    assert "linkedin.com" not in page and "Copy link" not in page and "Share it" not in page
    assert "Log CPD" not in page


def test_an_expired_holder_is_told_so_and_offered_no_share_link(client, credential):
    credential.valid_until = credential.valid_from + timedelta(days=1)
    credential.valid_from -= timedelta(days=400)
    credential.valid_until -= timedelta(days=300)
    db.session.commit()
    sign_in(client, credential.holder)
    page = _page(client.get("/accreditation/mine"))
    assert "Expired" in page and f"expired on {_day(credential.valid_until)}" in page
    assert "linkedin.com" not in page and "Share it" not in page


def test_a_valid_holder_still_has_the_share_link_and_linkedin(client, credential):
    sign_in(client, credential.holder)
    page = _page(client.get("/accreditation/mine"))
    assert "Share it" in page and "linkedin.com/profile/add" in page and 'govuk-tag--green">Valid<' in page


def test_the_pdf_of_a_revoked_credential_says_so_and_a_reinstated_one_is_clean(client, credential, hub):
    """Public and holder downloads both carry the banner; suspension, reinstatement and revocation
    each give the right file at once; the embedded signed credential never changes."""
    url = f"/verify/{credential.code}/certificate.pdf"
    clean = client.get(url).data
    assert "no longer valid" not in _text(clean) and "SUSPENDED" not in _text(clean)

    suspend(credential, SUSPENSION, hub)
    db.session.commit()
    suspended = client.get(url).data
    assert f"SUSPENDED on {_day(credential.suspended_at)}" in _text(suspended)
    assert embedded_credential(suspended) == credential.jws

    reinstate(credential, "Review closed.", hub)
    db.session.commit()
    assert client.get(url).data == clean  # the clean file again, at once

    revoke(credential, REVOCATION, hub)
    db.session.commit()
    banner = f"REVOKED on {_day(credential.revoked_at)} — this certificate is no longer valid"
    public = client.get(url).data
    assert banner in _text(public).replace("\n", " ")
    assert embedded_credential(public) == credential.jws
    pypdf_title = pypdf.PdfReader(io.BytesIO(public)).metadata.title
    assert pypdf_title.endswith("(DIRYMWYD / REVOKED)")

    # The holder downloads from the link on their page: the same banner.
    sign_in(client, credential.holder)
    page = _page(client.get("/accreditation/mine"))
    assert url in page
    assert banner in _text(client.get(url).data).replace("\n", " ")


def test_the_cache_keys_on_the_status(app, credential, hub):
    from app.accreditation.certificate_files import cache_name, certificate_pdf

    certificate_pdf(credential)
    clean_name = cache_name(credential)
    suspend(credential, SUSPENSION, hub)
    db.session.commit()
    certificate_pdf(credential)
    assert cache_name(credential) != clean_name and "suspended" in cache_name(credential)
    folder = Path(app.instance_path) / "certificates"
    assert {p.name for p in folder.glob("*.pdf")} == {clean_name, cache_name(credential)}
    reinstate(credential, "", hub)
    db.session.commit()
    assert cache_name(credential) == clean_name
    assert standing(credential).current


def _upload(client, pdf: bytes):
    return client.post(
        "/verify",
        data={
            "csrf_token": csrf_token(client),
            "form": "upload",
            "upload-certificate": (io.BytesIO(pdf), "certificate.pdf"),
        },
        content_type="multipart/form-data",
    )


def test_an_uploaded_certificate_shows_the_name_and_asks_to_check_the_person(client, credential):
    pdf = client.get(f"/verify/{credential.code}/certificate.pdf").data
    page = _page(_upload(client, pdf))
    name = credential.holder.name
    assert f'<span class="govuk-caption-m">Issued to</span> {name}</h2>' in page
    assert "Check this is the person in front of you" in page and "photo ID" in page
    assert "the certificate has been edited" in page  # for an uploaded PDF: compare the printed name


def test_a_code_check_shows_the_name_and_the_guidance_but_not_for_a_revoked_one(client, credential, hub):
    page = _page(client.get(f"/verify/{credential.code}"))
    assert "Check this is the person in front of you" in page and credential.holder.name in page
    assert "the certificate has been edited" not in page
    revoke(credential, REVOCATION, hub)
    db.session.commit()
    page = _page(client.get(f"/verify/{credential.code}"))
    assert "Revoked" in page and credential.holder.name in page
    assert "Check this is the person in front of you" not in page
