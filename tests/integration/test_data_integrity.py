"""The JSON-LD form of a credential (Data Integrity proof, eddsa-rdfc-2022), checked by the Digital
Credentials Consortium's verifier (npm ``@digitalcredentials/verifier-core``, the one behind the Learner
Credential Wallet and VerifierPlus) run from node, with no network: the DID document, the status lists and
the OB 3.0 schema it fetches are served from what this platform publishes."""

from __future__ import annotations

import copy
import io
import json
import shutil
import subprocess

import base58
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from app.accreditation import credentials, dataintegrity
from app.accreditation.keys import keystore
from app.accreditation.lifecycle import revoke, suspend
from app.auth.models import Role
from app.config import PROJECT_ROOT
from app.database import db
from app.verify.verification import Verdict, verify_document
from tests.factories import make_credential, make_user

SCHEMA_URL = credentials.SCHEMA["id"]
SCRIPT = PROJECT_ROOT / "tests/js/dcc-verify.mjs"

pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or not (PROJECT_ROOT / "node_modules/@digitalcredentials").exists(),
    reason="node and `npm ci` are needed (as for the stylesheet)",
)


@pytest.fixture
def credential(app, tmp_path):
    return make_credential(tmp_path)


def _published(client) -> dict:
    """What the DCC verifier may fetch, as this platform serves it (did:web resolves over https)."""
    host = "localhost"
    return {
        f"https://{host}/.well-known/did.json": client.get("/.well-known/did.json").get_json(),
        f"http://{host}/status/1/ld": json.loads(client.get("/status/1/ld").get_data()),
        f"http://{host}/status/2/ld": json.loads(client.get("/status/2/ld").get_data()),
        SCHEMA_URL: json.loads(
            (PROJECT_ROOT / "tests/data/ob_v3p0_achievementcredential_schema.json").read_text()
        ),
    }


def dcc_verify(client, document: dict, tmp_path) -> dict:
    """verifier-core's answer for ``document``, plus which status entries have their bit set."""
    given = tmp_path / "dcc-input.json"
    given.write_text(json.dumps({"credential": document, "documents": _published(client)}))
    done = subprocess.run(
        ["node", str(SCRIPT), str(given)], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _download(client, credential) -> dict:
    response = client.get(f"/verify/{credential.code}/credential.jsonld")
    assert response.status_code == 200 and response.mimetype == "application/vc+ld+json"
    return json.loads(response.get_data())


def _steps(answer: dict) -> dict:
    return {step["id"]: step.get("valid") for step in answer["result"].get("log", [])}


def test_the_dcc_verifier_accepts_our_json_ld_credential(client, credential, tmp_path):
    """Signature, issuer DID, expiry and both status entries pass in the DCC verifier."""
    document = _download(client, credential)
    assert [p["cryptosuite"] for p in document["proof"]] == ["eddsa-rdfc-2022"]
    answer = dcc_verify(client, document, tmp_path)
    assert "errors" not in answer["result"], answer["result"]
    steps = _steps(answer)
    assert {"valid_signature", "revocation_status", "suspension_status", "expiration"} <= set(steps), steps
    # registered_issuer: whether the DID is in one of the DCC's issuer registries (we pass none).
    assert all(v for k, v in steps.items() if k != "registered_issuer"), answer["result"]["log"]
    # The 1EdTech JSON schema wants one credentialStatus object; two entries are the one thing it
    # notes (as additional information, not in the verdict). See the README on status entries.
    (schema,) = [i for i in answer["result"]["additionalInformation"] if i["id"] == "schema_check"]
    complaints = [e["instancePath"] for r in schema["results"] for e in r["result"].get("errors", [])]
    assert complaints == ["/credentialStatus"], schema
    assert all(not url.startswith("https://www.w3.org") for url in answer["asked"]), "contexts are bundled"


def test_the_dcc_verifier_reports_a_suspended_credential_as_suspended(client, credential, tmp_path):
    suspend(credential, "A concern is being looked into.", make_user(Role.HUB_ADMIN))
    db.session.commit()
    answer = dcc_verify(client, _download(client, credential), tmp_path)
    steps = _steps(answer)
    assert (steps["revocation_status"], steps["suspension_status"]) == (True, False), answer["result"]


def test_the_dcc_verifier_reports_a_revoked_credential_as_revoked(client, credential, tmp_path):
    revoke(credential, "Issued in error.", make_user(Role.HUB_ADMIN))
    db.session.commit()
    answer = dcc_verify(client, _download(client, credential), tmp_path)
    steps = _steps(answer)
    assert (steps["revocation_status"], steps["suspension_status"]) == (False, True), answer["result"]


def test_one_changed_field_fails_the_dcc_verifier_and_ours(client, credential, tmp_path):
    document = _download(client, credential)
    changed = copy.deepcopy(document)
    changed["credentialSubject"]["identifier"][0]["identityHash"] = "Someone Else"
    answer = dcc_verify(client, changed, tmp_path)
    assert answer["result"]["errors"][0]["name"] == "invalid_signature", answer["result"]
    assert verify_document(changed).verdict is Verdict.SIGNATURE_INVALID
    assert verify_document(document).verdict is Verdict.VALID


def test_our_proof_matches_an_independent_canonicalisation(credential, app):
    """The proof verifies against the DID document's Multikey, decoded here without our key store."""
    document = _download(app.test_client(), credential)
    did = keystore().did_document("http://localhost")
    method = next(
        m for m in did["verificationMethod"] if m["id"] == document["proof"][0]["verificationMethod"]
    )
    assert method["type"] == "Multikey" and method["id"] in did["assertionMethod"]
    raw = base58.b58decode(method["publicKeyMultibase"][1:])
    assert raw[:2] == b"\xed\x01"
    key = Ed25519PublicKey.from_public_bytes(raw[2:])
    assert dataintegrity.verify(document, lambda vm: key if vm == method["id"] else None)


def test_the_loader_refuses_unknown_contexts(credential, app):
    """A credential naming a context we do not ship is refused, without fetching it."""
    document = _download(app.test_client(), credential)
    document["@context"] = [*document["@context"], "https://example.org/evil-context.json"]
    with pytest.raises(dataintegrity.ProofInvalid, match="not valid JSON-LD"):
        dataintegrity.verify(document, lambda vm: None if vm is None else keystore().ed_key(vm).key)


def test_verify_takes_either_form_by_upload_and_by_api(client, credential):
    """The verify page and the API accept the .jwt and the .jsonld file alike, with the same verdict."""
    jsonld = client.get(f"/verify/{credential.code}/credential.jsonld").get_data()
    jwt = client.get(f"/verify/{credential.code}/credential.jwt").get_data()
    for body in (jsonld, jwt):
        answer = client.post(
            "/api/v1/verify",
            data=body,
            content_type="application/json" if body == jsonld else "application/jwt",
        )
        assert answer.get_json()["verdict"] == "valid", answer.get_json()
    wrapped = client.post("/api/v1/verify", json={"credential": json.loads(jsonld)})
    assert wrapped.get_json()["credential"]["code"] == credential.code
    suspend(credential, "A concern is being looked into.", make_user(Role.HUB_ADMIN))
    db.session.commit()
    token = client.get("/verify").get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    for name, body in (("c.jsonld", jsonld), ("c.jwt", jwt)):
        page = client.post(
            "/verify",
            data={"form": "upload", "csrf_token": token, "upload-certificate": (io.BytesIO(body), name)},
            content_type="multipart/form-data",
        )
        assert page.status_code == 200 and "Suspended" in page.get_data(as_text=True), name


def test_the_ed25519_key_rotates_with_the_p256_key(app, client, credential, tmp_path):
    """Rotation deletes both private halves and keeps both public ones; a JSON-LD file signed before
    still verifies, and new downloads are signed with the new Ed25519 key."""
    before = _download(client, credential)
    result = app.test_cli_runner().invoke(args=["keys", "rotate", "--yes"])
    assert result.exit_code == 0, result.output
    folder = keystore().folder
    assert sorted(p.name.split(".", 1)[1] for p in folder.iterdir() if "ed25519" in p.name) == [
        "ed25519",
        "ed25519.pub",
    ]
    after = _download(client, credential)
    assert after["proof"][0]["verificationMethod"] != before["proof"][0]["verificationMethod"]
    for document in (before, after):
        assert verify_document(document).verdict is Verdict.VALID


def test_a_key_folder_from_before_gets_its_ed25519_key_on_first_use(app, client, credential):
    """A folder with only the P-256 key (made before this form existed) gains an Ed25519 partner."""
    store = keystore()
    (store.folder / f"{store.active_thumbprint()}.ed25519").unlink()
    assert store.ed_keys() == []
    document = _download(client, credential)
    assert verify_document(document).verdict is Verdict.VALID
    assert len(store.ed_keys()) == 1
