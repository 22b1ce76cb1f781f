"""Module records (OB 3.0, one per passed module) and the transcript (CLR 2.0, issued with the award):
issued once, open to withdrawn trainees, checked independently (jwcrypto + the 1EdTech schemas), and
suspended, revoked or altered ones reported as such."""

from __future__ import annotations

import base64
import json

import pytest
import sqlalchemy as sa
from jsonschema import Draft4Validator, Draft201909Validator
from jwcrypto.common import JWException

from app.accreditation import credentials, records
from app.accreditation.lifecycle import revoke, suspend
from app.accreditation.models import Credential, CredentialKind, LedgerEvent
from app.auth.models import Role
from app.cohorts.models import EnrolmentStatus
from app.config import PROJECT_ROOT
from app.database import db
from app.demo import complete_training
from app.verify.verification import Verdict, verify_code, verify_token
from tests.conftest import post_form, sign_in
from tests.factories import (
    make_accreditation_version,
    make_cohort,
    make_credential,
    make_enrolment,
    make_user,
)
from tests.integration.test_accreditation import SCHEMA as OB_SCHEMA
from tests.integration.test_accreditation import independent_verify

# The CLR 2.0 ClrCredential schema as 1EdTech's public validator ships it (see tests/data/README.md).
CLR_SCHEMA = json.loads((PROJECT_ROOT / "tests/data/clr_v2p0_clrcredential_schema.json").read_text())


def clr_schema_errors(payload: dict) -> list[str]:
    """What the CLR 2.0 schema reports, less the four places where that copy predates the VC 2.0
    update (which OB 3.0.3, whose schema we also ship, already has): it asks for ``issuanceDate`` (VC
    1.1's ``validFrom``), allows only ``id`` and ``type`` in a status entry (a ``BitstringStatusListEntry``
    has three more), does not know the identity type ``name``, and names a ``Related`` achievement's
    language ``@language`` without a ``type`` (OB 3.0.3 has ``type`` and ``inLanguage``, as the award's
    Welsh edition is named). Every other rule applies."""
    found = []
    for error in Draft4Validator(CLR_SCHEMA).iter_errors(payload):
        path = list(error.path)
        renamed = error.validator == "required" and "'issuanceDate'" in error.message
        status_entry = error.validator == "additionalProperties" and path[-1:] == ["credentialStatus"]
        name_identity = path[-1:] == ["identityType"] and error.instance == "name"
        related = error.validator == "additionalProperties" and path[-2:-1] == ["related"]
        related = related and set(error.instance) <= {"id", "type", "inLanguage", "version"}
        if not (renamed or status_entry or name_identity or related):
            found.append(f"{path}: {error.message}")
    return found


@pytest.fixture
def trained(app, tmp_path):
    """An enrolment that has passed every module (not yet approved)."""
    version = make_accreditation_version(tmp_path)
    trainer = make_user(Role.TRAINER)
    enrolment = make_enrolment(make_cohort(version, [trainer]))
    complete_training(enrolment, trainer)
    db.session.commit()
    from app.accreditation.keys import keystore

    keystore().init()
    return enrolment


def _tamper(token: str) -> str:
    """The token with its holder's name changed and the signature kept."""
    header, body, signature = token.split(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    payload["credentialSubject"]["identifier"][0]["identityHash"] = "Someone Else"
    changed = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")
    return f"{header}.{changed}.{signature}"


def _module_record(enrolment, code="M01"):
    issued = records.request_module_record(enrolment, code, enrolment.user)
    db.session.commit()
    return issued


def _transcript(tmp_path):
    award = make_credential(tmp_path)
    transcript = db.session.scalar(
        sa.select(Credential).where(
            Credential.enrolment_id == award.enrolment_id, Credential.kind == CredentialKind.TRANSCRIPT
        )
    )
    return award, transcript


# --- module records


def test_a_module_record_is_issued_once_however_often_it_is_asked_for(trained):
    first = _module_record(trained)
    again = _module_record(trained)
    assert again.id == first.id and first.kind is CredentialKind.MODULE and first.module_code == "M01"
    events = db.session.scalars(sa.select(LedgerEvent).where(LedgerEvent.credential_code == first.code)).all()
    assert [e.details["kind"] for e in events] == ["module"]
    assert verify_code(first.code).verdict is Verdict.VALID


def test_a_module_not_yet_passed_is_refused_on_the_module_field(app, tmp_path):
    version = make_accreditation_version(tmp_path)
    enrolment = make_enrolment(make_cohort(version, [make_user(Role.TRAINER)]))
    with pytest.raises(records.RecordRefused) as refused:
        records.request_module_record(enrolment, "M01", enrolment.user)
    assert refused.value.field == "module"


def test_only_the_trainee_can_ask_for_their_module_record(client, trained):
    other = make_user(Role.TRAINEE)
    with pytest.raises(records.RecordRefused) as refused:
        records.request_module_record(trained, "M01", other)
    assert refused.value.field == "module"
    sign_in(client, other)
    response = post_form(client, f"/accreditation/records/{trained.public_id}/M01")
    assert response.status_code == 404


def test_a_withdrawn_trainee_gets_and_checks_their_module_record_from_the_page(client, trained):
    trained.status = EnrolmentStatus.WITHDRAWN
    db.session.commit()
    sign_in(client, trained.user)
    page = client.get("/accreditation/records").get_data(as_text=True)
    assert "Get a signed record of M01" in page and "Withdrawn" in page
    response = post_form(client, f"/accreditation/records/{trained.public_id}/M01")
    assert response.status_code == 302
    post_form(client, f"/accreditation/records/{trained.public_id}/M01")  # a double-click
    issued = records.module_records(trained)
    assert list(issued) == ["M01"]
    code = issued["M01"].code
    page = client.get("/accreditation/records").get_data(as_text=True)
    assert code in page and "Download M01 record (.jwt)" in page
    token = client.get(f"/verify/{code}/credential.jwt").get_data(as_text=True)
    assert verify_token(token).verdict is Verdict.VALID
    shown = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "Module record: M01" in shown and "Certificate (PDF)" not in shown
    assert client.get(f"/verify/{code}/certificate.pdf").status_code == 404


def test_a_module_record_passes_the_jose_check_and_the_open_badges_schema(client, trained):
    issued = _module_record(trained)
    payload = independent_verify(client, issued.jws)
    errors = sorted(Draft201909Validator(OB_SCHEMA).iter_errors(payload), key=str)
    assert not errors, [e.message for e in errors]
    achievement = payload["credentialSubject"]["achievement"]
    version = trained.cohort.curriculum_version
    assert achievement["humanCode"] == "M01" and achievement["version"] == version.label
    assert achievement["otherIdentifier"][0]["identifier"] == f"sha256:{version.content_hash}"
    assert payload["credentialStatus"]["statusListIndex"] == str(issued.status_index)


# --- the transcript


def test_the_award_comes_with_a_clr_transcript_of_its_modules(client, app, tmp_path):
    award, transcript = _transcript(tmp_path)
    assert transcript is not None and transcript.subject_uuid == award.subject_uuid
    payload = independent_verify(client, transcript.jws)
    assert clr_schema_errors(payload) == [], clr_schema_errors(payload)
    assert payload["type"] == ["VerifiableCredential", "ClrCredential"]
    subject = payload["credentialSubject"]
    assert [a.get("humanCode") for a in subject["achievement"]] == [None, "M01", "M02"]
    assert subject["verifiableCredential"][0]["credentialSubject"]["licenseNumber"] == award.code
    assert {a["associationType"] for a in subject["association"]} == {"isChildOf"}
    result = verify_code(transcript.code)
    assert result.verdict is Verdict.VALID and result.record_label == "Transcript"
    sign_in(client, award.holder)
    assert transcript.code in client.get("/accreditation/records").get_data(as_text=True)
    held = client.get("/accreditation/mine").get_data(as_text=True)
    assert award.code in held and transcript.code not in held  # the award page lists awards only


def test_the_clr_schema_check_catches_a_transcript_missing_its_records(client, app, tmp_path):
    """The schema check is not vacuous: a transcript without its credentials fails it."""
    _award, transcript = _transcript(tmp_path)
    payload = credentials.unverified_payload(transcript.jws)
    del payload["credentialSubject"]["verifiableCredential"]
    assert clr_schema_errors(payload)


# --- suspended, revoked, altered: each kind


@pytest.fixture(params=["module", "transcript"])
def issued(request, app, tmp_path):
    if request.param == "module":
        return _module_record(request.getfixturevalue("trained"))
    return _transcript(tmp_path)[1]


def test_a_suspended_record_is_reported_suspended_not_valid(client, issued):
    suspend(issued, "Under review by the Hub.", make_user(Role.HUB_ADMIN))
    db.session.commit()
    assert verify_code(issued.code).verdict is Verdict.SUSPENDED
    assert "Suspended" in client.get(f"/verify/{issued.code}").get_data(as_text=True)


def test_a_revoked_record_is_reported_revoked(client, issued):
    revoke(issued, "Issued in error.", make_user(Role.HUB_ADMIN))
    db.session.commit()
    assert verify_code(issued.code).verdict is Verdict.REVOKED
    assert client.get(f"/api/v1/verify/{issued.code}").get_json()["verdict"] == "revoked"


def test_a_record_with_a_changed_field_fails_the_jose_check(client, issued):
    altered = _tamper(issued.jws)
    with pytest.raises(JWException):
        independent_verify(client, altered)
    assert verify_token(altered).verdict is Verdict.SIGNATURE_INVALID
