"""The public verification pages and API, and the Hub's and holder's accreditation pages."""

from __future__ import annotations

import io
import json

import pytest
import sqlalchemy as sa

from app import create_app
from app.accreditation.certificate import embedded_credential
from app.accreditation.certificate_files import certificate_data
from app.accreditation.certificate_pdf import render_certificate
from app.accreditation.declarations import confirmed_declarations
from app.accreditation.lifecycle import reinstate, revoke, suspend
from app.accreditation.models import Credential, CredentialKind, VerificationCount
from app.auth.models import Role
from app.config import TestConfig as AppConfig
from app.database import db
from app.demo import complete_training
from tests.conftest import Client, csrf_token, post_form, sign_in
from tests.factories import (
    make_accreditation_version,
    make_cohort,
    make_credential,
    make_enrolment,
    make_user,
)


@pytest.fixture
def credential(app, tmp_path):
    return make_credential(tmp_path)


def _page(response) -> str:
    return response.get_data(as_text=True)


def test_typed_codes_are_forgiven_and_land_on_the_canonical_page(client, credential):
    """Lower case, spaces and O-for-0 style slips redirect to the credential's own page."""
    typed = credential.code.lower().replace("-", " ").replace("0", "o")
    response = post_form(client, "/verify", {"form": "code", "code-code": typed})
    assert response.status_code == 302 and response.location.endswith(f"/verify/{credential.code}?via=code")
    page = _page(client.get(response.location))
    assert "Valid" in page and credential.holder.name in page and credential.holder.email not in page
    assert client.get(f"/verify/{credential.code.lower()}").status_code == 301


def test_a_mistyped_code_says_what_to_fix_and_keeps_what_was_typed(client, credential):
    """A wrong check character is caught on the form, with the typed text kept."""
    wrong = credential.code[:-1] + ("A" if credential.code[-1] != "A" else "B")
    response = post_form(client, "/verify", {"form": "code", "code-code": wrong})
    page = _page(response)
    assert response.status_code == 400 and "not a valid credential code" in page and wrong in page


def test_an_unknown_code_is_not_found(client, credential):
    """A well-formed code nobody holds says Not found (404), with no details."""
    response = client.get("/verify/IMSA-0000-0000-0")
    assert response.status_code == 404 and "Not found" in _page(response)


def test_the_page_shows_the_verdict_details_and_downloads(client, credential):
    """Name, achievement, version, dates, issuer, the checks, and the .jwt / JSON / PDF downloads."""
    page = _page(client.get(f"/verify/{credential.code}"))
    for text in (
        "Accredited Independent Modern Slavery Advocate",
        credential.curriculum_version.label,
        "Signature",
        "Revocation",
        "Validity dates",
        "did:web:",
    ):
        assert text in page
    assert client.get(f"/verify/{credential.code}/credential.jwt").get_data(as_text=True) == credential.jws
    decoded = json.loads(client.get(f"/verify/{credential.code}/credential.json").get_data(as_text=True))
    assert decoded["credentialSubject"]["licenseNumber"] == credential.code
    pdf = client.get(f"/verify/{credential.code}/certificate.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")


def test_the_email_box_checks_the_salted_hash(client, credential):
    """The right address (any case) matches; another does not; nothing is stored."""
    url = f"/verify/{credential.code}"
    assert "Match:" in _page(post_form(client, url, {"email": credential.holder.email.upper()}))
    assert "No match:" in _page(post_form(client, url, {"email": "someone.else@example.org"}))


def test_the_public_result_sets_no_cookie_and_the_email_check_needs_no_session(app, credential):
    """Whoever checks a credential gets no cookie (no session, so no CSRF token to keep); the email check
    works from a fresh browser all the same."""
    client = app.test_client(use_cookies=False)
    page = client.get(f"/verify/{credential.code}")
    assert page.status_code == 200 and "Set-Cookie" not in page.headers
    checked = client.post(f"/verify/{credential.code}", data={"email": credential.holder.email})
    assert "Match:" in _page(checked) and "Set-Cookie" not in checked.headers


def test_an_uploaded_certificate_is_checked_by_its_embedded_credential(client, credential):
    """The real PDF verifies; a PDF whose embedded credential was swapped for a forged one does not."""
    pdf = client.get(f"/verify/{credential.code}/certificate.pdf").data

    def upload(data: bytes, name: str = "certificate.pdf"):
        return client.post(
            "/verify",
            data={
                "csrf_token": csrf_token(client),
                "form": "upload",
                "upload-certificate": (io.BytesIO(data), name),
            },
            content_type="multipart/form-data",
        )

    assert "This IMSA® accreditation is genuine and current" in _page(upload(pdf))
    header, body, signature = credential.jws.split(".")
    forged = f"{header}.{body}.{signature[::-1]}"
    assert embedded_credential(pdf) == credential.jws
    forged_pdf = render_certificate(certificate_data(credential), forged)
    assert "Signature invalid" in _page(upload(forged_pdf))
    refused = upload(b"not a pdf at all")
    assert refused.status_code == 400 and "There is a problem" in _page(refused)


def test_the_json_api_gives_the_same_verdict(client, credential):
    """GET by code and POST of the JWS (raw or JSON) agree with the page; OpenAPI describes them."""
    by_code = client.get(f"/api/v1/verify/{credential.code}").get_json()
    assert by_code["verdict"] == "valid" and by_code["credential"]["code"] == credential.code
    raw = client.post("/api/v1/verify", data=credential.jws, content_type="application/jwt").get_json()
    wrapped = client.post("/api/v1/verify", json={"credential": credential.jws}).get_json()
    assert raw == wrapped == by_code
    assert client.post("/api/v1/verify", data="").status_code == 400
    assert client.get("/api/v1/verify/IMSA-0000-0000-0").get_json()["verdict"] == "not_found"
    revoke(credential, "Issued in error.", make_user(Role.HUB_ADMIN))
    db.session.commit()
    revoked = client.get(f"/api/v1/verify/{credential.code}").get_json()
    assert revoked["verdict"] == "revoked" and revoked["revoked"]["reason"] == "Issued in error."
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.") and set(document["paths"]) == {
        "/api/v1/verify/{code}",
        "/api/v1/verify",
    }


def test_verification_events_are_counted_without_addresses(client, credential):
    """Each check adds to a per-day tally by way in and verdict; the table has no address column."""
    client.get(f"/verify/{credential.code}")
    client.get(f"/api/v1/verify/{credential.code}")
    client.get("/api/v1/verify/IMSA-0000-0000-0")
    tallies = {(c.method, c.verdict): c.count for c in db.session.scalars(sa.select(VerificationCount))}
    assert tallies == {("qr", "valid"): 1, ("api", "valid"): 1, ("api", "not_found"): 1}
    assert not {"ip", "address", "remote_addr"} & set(VerificationCount.__table__.columns.keys())


def test_lookups_are_rate_limited(make_app, tmp_path):
    """Past the limit an address gets 429 instead of another lookup."""
    app = make_app(IMSA_VERIFY_LIMIT="3 per minute", RATELIMIT_ENABLED=True)
    with app.app_context():
        client = app.test_client()
        statuses = [client.get("/api/v1/verify/IMSA-0000-0000-0").status_code for _ in range(4)]
        db.session.remove()
    assert statuses == [404, 404, 404, 429]


def test_hub_approves_through_the_page_after_confirming(client, app, tmp_path):
    """Without the confirmation box nothing is issued and the note is kept; with it, a credential."""
    version = make_accreditation_version(tmp_path)
    trainer = make_user(Role.TRAINER)
    enrolment = make_enrolment(make_cohort(version, [trainer]))
    complete_training(enrolment, trainer)
    from app.accreditation.keys import keystore

    keystore().init()
    db.session.commit()
    sign_in(client, make_user(Role.HUB_ADMIN))
    assert enrolment.user.name in _page(client.get("/accreditation/"))
    url = f"/accreditation/enrolments/{enrolment.public_id}"
    response = post_form(client, url, {"note": "Panel of 3 March"})
    assert response.status_code == 200 and "Confirm that you have checked" in _page(response)
    assert "Panel of 3 March" in _page(response)
    assert db.session.scalar(sa.select(sa.func.count(Credential.id))) == 0
    response = post_form(client, url, {"note": "Panel of 3 March", "confirm": "y"})
    assert response.status_code == 302
    awards = sa.select(sa.func.count(Credential.id)).where(Credential.kind == CredentialKind.AWARD)
    assert db.session.scalar(awards) == 1


def test_hub_revokes_only_with_a_reason_and_confirmation(client, credential):
    """The revoke form says what is missing and keeps the reason; confirmed, the verdict flips."""
    sign_in(client, make_user(Role.HUB_ADMIN))
    url = f"/accreditation/credentials/{credential.code}/revoke"
    response = post_form(client, url, {"revoke-reason": "Issued in error."})
    assert response.status_code == 400 and "Confirm that you mean to revoke" in _page(response)
    assert "Issued in error." in _page(response) and credential.revoked_at is None
    response = post_form(client, url, {"revoke-reason": "Issued in error.", "revoke-confirm": "y"})
    assert response.status_code == 302
    assert "Revoked" in _page(client.get(f"/verify/{credential.code}"))


def test_the_holder_page_offers_the_downloads_share_link_and_linkedin(client, credential):
    """The holder sees their code, PDF and badge downloads, a share link and an Add to LinkedIn link."""
    sign_in(client, credential.holder)
    page = _page(client.get("/accreditation/mine"))
    assert credential.code in page and f"/verify/{credential.code}/certificate.pdf" in page
    assert f"/verify/{credential.code}/credential.jwt" in page
    assert "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME" in page
    assert f"http://localhost/verify/{credential.code}" in page


def test_cpd_form_keeps_what_was_typed_and_is_only_for_the_holder(client, credential):
    """A bad hours value is explained next to the field and the title kept; others get 404."""
    sign_in(client, credential.holder)
    url = f"/accreditation/mine/{credential.code}/cpd"
    data = {
        "cpd-kind": "cpd",
        "cpd-title": "Reading the updated statutory guidance",
        "cpd-completed_on": "2026-11-01",
        "cpd-hours": "1.3",
    }
    response = post_form(client, url, data)
    assert response.status_code == 400
    assert "quarter hours" in _page(response) and "Reading the updated statutory guidance" in _page(response)
    assert post_form(client, url, {**data, "cpd-hours": "1.5"}).status_code == 302
    other = make_user(Role.TRAINEE)
    client.post("/sign-out", data={"csrf_token": csrf_token(client)})
    sign_in(client, other)
    assert post_form(client, url, {**data, "cpd-hours": "2"}).status_code == 404


def test_declarations_are_made_by_the_trainee(client, app, tmp_path):
    """The trainee sees what is outstanding and confirms declarations; they count at once."""
    version = make_accreditation_version(tmp_path)
    enrolment = make_enrolment(make_cohort(version))
    sign_in(client, enrolment.user)
    page = _page(client.get("/accreditation/mine"))
    assert "Your progress towards accreditation" in page and "code of conduct" in page
    assert post_form(client, "/accreditation/mine/declarations", {}).status_code == 400
    response = post_form(
        client, "/accreditation/mine/declarations", {"declare-declarations": "code_of_conduct"}
    )
    assert response.status_code == 302
    assert confirmed_declarations(enrolment) == {"code_of_conduct"}


def test_public_key_documents(client, credential):
    """did.json lists every key under assertionMethod (P-256 keys as JWKs, which jwks.json mirrors, and
    their Ed25519 partners as Multikeys); both are cacheable."""
    did = client.get("/.well-known/did.json")
    jwks = client.get("/.well-known/jwks.json").get_json()
    assert did.get_json()["id"].startswith("did:web:localhost")
    methods = did.get_json()["verificationMethod"]
    assert [m["id"] for m in methods if m["type"] == "JsonWebKey2020"] == [k["kid"] for k in jwks["keys"]]
    assert [m["id"] for m in methods if m["type"] == "Multikey"] == [
        k["kid"] + "-ed25519" for k in jwks["keys"]
    ]
    assert did.get_json()["assertionMethod"] == [m["id"] for m in methods]
    assert "public" in did.headers["Cache-Control"]
    assert client.get("/status/4").status_code == 404
    assert client.get(f"/achievements/{credential.curriculum_version.label}").status_code == 200


@pytest.fixture
def second_instance(app):
    """Another app on the same database and key folder, as a second worker or server would be."""
    other = create_app(AppConfig(app.config["SQLALCHEMY_DATABASE_URI"]))
    other.config["IMSA_SIGNING_KEY_DIR"] = app.config["IMSA_SIGNING_KEY_DIR"]
    other.instance_path = app.instance_path
    other.test_client_class = Client
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_status_change_is_seen_at_once_by_every_app_instance(app, second_instance, credential):
    """Two app instances on one database (two workers, or two servers): each caches the verified status
    lists, yet a suspension, reinstatement or revocation made through one is the verdict of the very next
    check on the other, by code and by token, on the page and in the API."""
    here, there = app.test_client(), second_instance.test_client()
    hub = make_user(Role.HUB_ADMIN)
    code, token = credential.code, credential.jws

    def verdicts() -> set[str]:
        answers = set()
        for client in (here, there):
            answers.add(client.get(f"/api/v1/verify/{code}").get_json()["verdict"])
            answers.add(client.post("/api/v1/verify", json={"credential": token}).get_json()["verdict"])
            page = _page(client.get(f"/verify/{code}"))
            answers.add(page[page.index("<title>") + 7 : page.index(":")].strip().lower())
        return answers

    assert verdicts() == {"valid"}  # both instances have now cached the lists at this ledger head
    for change, expected in (
        (lambda: suspend(credential, "Under review by the Hub.", hub), {"suspended"}),
        (lambda: reinstate(credential, "Review closed.", hub), {"valid"}),
        (lambda: revoke(credential, "Issued in error.", hub), {"revoked"}),
    ):
        change()
        db.session.commit()
        assert verdicts() == expected


def test_status_lists_and_key_documents_answer_304_until_they_change(
    app, client, second_instance, credential
):
    """The status list's ETag holds while the ledger head stands (in every worker, though each signs its
    own copy) and changes with a revocation; the DID document and JWKS are tagged by their bytes."""
    listed = client.get("/status/1")
    tag = listed.headers["ETag"]
    assert listed.headers["Cache-Control"] == "public, max-age=60" and tag.startswith('W/"')
    elsewhere = second_instance.test_client().get("/status/1", headers={"If-None-Match": tag})
    assert elsewhere.status_code == 304 and not elsewhere.data
    revoke(credential, "Issued in error.", make_user(Role.HUB_ADMIN))
    db.session.commit()
    changed = client.get("/status/1", headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag
    for url in ("/.well-known/did.json", "/.well-known/jwks.json"):
        first = client.get(url)
        again = second_instance.test_client().get(url, headers={"If-None-Match": first.headers["ETag"]})
        assert "public" in first.headers["Cache-Control"] and again.status_code == 304


def test_a_served_worker_warms_the_certificate_renderer_and_starts_even_if_it_fails(monkeypatch, caplog):
    """The warm-up renders a made-up certificate (a real PDF, thrown away); if the renderer is broken the
    worker still starts, and the log says why."""
    import app as application
    from app.accreditation import certificate_pdf

    assert certificate_pdf.warm_up() > 0

    def broken() -> float:
        raise OSError("no fonts")

    monkeypatch.setattr(certificate_pdf, "warm_up", broken)
    application._warm_certificates()
    assert "could not be warmed up" in caplog.text
