"""Accreditation: eligibility, approval, the signed credential (checked with an independent JOSE
library and the OB 3.0 schema), tampering, status changes, key rotation, renewal and the ledger."""

from __future__ import annotations

import base64
import copy
import gzip
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from jsonschema import Draft201909Validator
from jwcrypto import jwk, jws

from app.accreditation import credentials, ledger
from app.accreditation.approval import approval_queue, approve
from app.accreditation.declarations import confirm_declarations
from app.accreditation.eligibility import evaluate
from app.accreditation.errors import AccreditationError
from app.accreditation.keys import keystore
from app.accreditation.lifecycle import reinstate, revoke, suspend
from app.accreditation.models import Approval, Credential, Declaration, LedgerEvent
from app.accreditation.renewal import CpdDraft, log_cpd, renew, renewal_check
from app.auth.access import PermissionDenied
from app.auth.models import Role
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

# A copy of the 1EdTech schema from ../shared/standards (canonical URL in tests/data/README.md).
SCHEMA = json.loads((PROJECT_ROOT / "tests/data/ob_v3p0_achievementcredential_schema.json").read_text())


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def independent_verify(client, token: str) -> dict:
    """Verify with jwcrypto (not the library that signs) against the JWKS the platform publishes."""
    published = client.get("/.well-known/jwks.json").get_json()
    keys = jwk.JWKSet.from_json(json.dumps(published))
    header = json.loads(_unb64(token.split(".")[0]))
    key = keys.get_key(header["kid"])
    assert key is not None, "the kid must name a published key"
    checked = jws.JWS()
    checked.deserialize(token)
    checked.verify(key, alg="ES256")
    return json.loads(checked.payload)


@pytest.fixture
def credential(app, tmp_path):
    return make_credential(tmp_path)


# --- Eligibility and approval ---------------------------------------------------------------------------


def test_each_requirement_is_shown_met_or_not_with_evidence(app, tmp_path):
    """A new trainee meets nothing; after the work (but before the declarations) only those are missing."""
    version = make_accreditation_version(tmp_path)
    trainer = make_user(Role.TRAINER)
    enrolment = make_enrolment(make_cohort(version, [trainer]))
    check = evaluate(enrolment)
    labels = [r.label for r in check.requirements]
    assert any("M02" in label for label in labels)
    assert any(label.startswith("Portfolio:") for label in labels)
    assert any(label.startswith("Capstone:") for label in labels)
    assert "Structured professional discussion passed" in labels
    assert sum(label.startswith("Declaration:") for label in labels) == 2
    assert not check.eligible and all(r.evidence for r in check.requirements)

    complete_training(enrolment, trainer)
    db.session.query(Declaration).delete()
    check = evaluate(enrolment)
    assert {r.label.split(":")[0] for r in check.requirements if not r.met} == {"Declaration"}
    confirm_declarations(enrolment, ["code_of_conduct", "employer_dbs_check"], enrolment.user)
    assert evaluate(enrolment).eligible


def test_the_time_limit_counts(app, tmp_path):
    """Finishing more than 24 months after the cohort start is shown as not met."""
    version = make_accreditation_version(tmp_path)
    trainer = make_user(Role.TRAINER)
    enrolment = make_enrolment(make_cohort(version, [trainer]))
    complete_training(enrolment, trainer)
    assert evaluate(enrolment, today=date(2027, 8, 31)).eligible
    late = evaluate(enrolment, today=date(2027, 9, 2))
    assert not late.eligible and late.requirements[-1].label.startswith("Completed within 24 months")


def test_no_credential_without_approval_and_only_eligible_trainees_queue(app, tmp_path):
    """Eligible trainees wait in the queue; approving needs a Hub admin and records who, when and why."""
    version = make_accreditation_version(tmp_path)
    trainer = make_user(Role.TRAINER)
    cohort = make_cohort(version, [trainer])
    ready, not_ready = make_enrolment(cohort), make_enrolment(cohort)
    complete_training(ready, trainer)
    db.session.commit()
    keystore().init()
    assert [e for e, _ in approval_queue()] == [ready]
    assert db.session.scalar(sa.select(sa.func.count(Credential.id))) == 0

    with pytest.raises(PermissionDenied):
        approve(ready, "", trainer)
    with pytest.raises(AccreditationError, match="Not eligible"):
        approve(not_ready, "", make_user(Role.HUB_ADMIN))
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Approval.id))) == 0

    hub = make_user(Role.HUB_ADMIN)
    issued = approve(ready, "Evidence checked at the panel.", hub)
    db.session.commit()
    approval = db.session.scalar(sa.select(Approval))
    assert approval.approved_by == hub and approval.note == "Evidence checked at the panel."
    assert approval.approved_at is not None and approval.evidence
    assert issued.approval_id == approval.id and approval_queue() == []
    with pytest.raises(AccreditationError, match="already"):
        approve(ready, "", hub)


# --- The signed credential -------------------------------------------------------------------------------


def test_the_credential_verifies_with_an_independent_library_and_the_published_jwks(client, credential):
    """jwcrypto, given only the JWKS, accepts the signature; the header has only alg, kid and typ."""
    payload = independent_verify(client, credential.jws)
    header = json.loads(_unb64(credential.jws.split(".")[0]))
    assert header == {"alg": "ES256", "kid": header["kid"], "typ": "JWT"}
    assert header["kid"].startswith(keystore().did + "#")
    assert payload["credentialSubject"]["licenseNumber"] == credential.code
    did = client.get("/.well-known/did.json").get_json()
    assert header["kid"] in did["assertionMethod"]


def test_the_payload_validates_against_the_open_badges_schema(credential):
    """The decoded payload is an OB 3.0 AchievementCredential, with everything the issue lists."""
    payload = credentials.unverified_payload(credential.jws)
    errors = sorted(Draft201909Validator(SCHEMA).iter_errors(payload), key=str)
    assert not errors, [e.message for e in errors]
    subject = payload["credentialSubject"]
    assert payload["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert payload["issuer"]["id"].startswith("did:web:") and payload["issuer"]["name"]
    assert subject["id"].startswith("urn:uuid:") and credential.holder.email not in json.dumps(payload)
    identities = {i["identityType"]: i for i in subject["identifier"]}
    assert identities["name"]["identityHash"] == credential.holder.name
    salt = identities["emailAddress"]["salt"]
    assert identities["emailAddress"]["identityHash"] == credentials.email_hash(credential.holder.email, salt)
    achievement = subject["achievement"]
    assert achievement["version"] == credential.curriculum_version.label
    assert f"sha256:{credential.curriculum_version.content_hash}" in json.dumps(achievement)
    assert [a["targetCode"] for a in achievement["alignment"]] == ["M01", "M02"]
    assert achievement["criteria"]["narrative"]
    status = payload["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry" and status["statusPurpose"] == "message"
    assert status["statusListIndex"] == str(credential.status_index) and status["statusSize"] == 2
    assert status["statusListCredential"].endswith("/status/3")
    valid_from = credentials.parse_timestamp(payload["validFrom"])
    assert credentials.parse_timestamp(payload["validUntil"]) == valid_from.replace(year=valid_from.year + 3)
    assert payload["awardedDate"] and payload["jti"] == payload["id"] and payload["sub"] == subject["id"]
    assert payload["nbf"] == int(valid_from.timestamp()) and payload["exp"] > payload["nbf"]


def _leaves(value, path=()):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, index))
    else:
        yield path, value


def _changed(value):
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    return f"{value}x"


def test_changing_any_single_payload_field_breaks_the_signature(client, credential):
    """Every leaf of the payload, changed on its own with the original signature kept, fails."""
    header, body, signature = credential.jws.split(".")
    payload = json.loads(_unb64(body))
    leaves = list(_leaves(payload))
    assert len(leaves) > 40
    for path, value in leaves:
        altered = copy.deepcopy(payload)
        target = altered
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = _changed(value)
        token = f"{header}.{_b64(json.dumps(altered).encode())}.{signature}"
        assert verify_token(token).verdict is Verdict.SIGNATURE_INVALID, path
        with pytest.raises(jws.InvalidJWSSignature):
            independent_verify(client, token)


def test_changing_the_header_or_the_signature_breaks_it(client, credential):
    """A changed header (even only its typ) or a single changed signature character fails."""
    header, body, signature = credential.jws.split(".")
    changed_header = json.loads(_unb64(header)) | {"typ": "vc+jwt"}
    forged = f"{_b64(json.dumps(changed_header).encode())}.{body}.{signature}"
    flipped = signature[:10] + ("A" if signature[10] != "A" else "B") + signature[11:]
    for token in (forged, f"{header}.{body}.{flipped}", f"{header}.{body}.", "not a credential"):
        assert verify_token(token).verdict is Verdict.SIGNATURE_INVALID
    assert verify_token(credential.jws).verdict is Verdict.VALID


def test_a_credential_signed_by_another_key_is_refused(app, credential, tmp_path):
    """A well-formed credential signed by a key this issuer never published fails the signature."""
    from app.accreditation.keys import KeyStore

    stranger = KeyStore(tmp_path / "stranger", app.config["IMSA_BASE_URL"])
    stranger.init()
    kid, key = stranger.signing_key()
    token = credentials.sign(credentials.unverified_payload(credential.jws), kid, key)
    assert verify_token(token).verdict is Verdict.SIGNATURE_INVALID


# --- Status, expiry, rotation ----------------------------------------------------------------------------


def test_suspension_reinstatement_and_revocation_flip_the_verdict(credential):
    """The verdict follows the signed status lists: suspended, valid again, then revoked for good."""
    hub = make_user(Role.HUB_ADMIN)
    assert verify_code(credential.code).verdict is Verdict.VALID
    suspend(credential, "Under review after a complaint.", hub)
    db.session.commit()
    assert verify_code(credential.code).verdict is Verdict.SUSPENDED
    reinstate(credential, "Review closed.", hub)
    db.session.commit()
    assert verify_code(credential.code).verdict is Verdict.VALID
    with pytest.raises(AccreditationError, match="reason"):
        revoke(credential, "", hub)
    revoke(credential, "Issued in error.", hub)
    db.session.commit()
    result = verify_code(credential.code)
    assert result.verdict is Verdict.REVOKED
    assert result.as_json()["revoked"]["reason"] == "Issued in error."
    assert [e.action for e in ledger.events_for(credential.code)] == [
        "issue",
        "suspend",
        "reinstate",
        "revoke",
    ]


def test_the_verdict_reads_the_published_list_not_the_database_column(app, credential):
    """Clearing the revocation column does not make a credential valid while the list says revoked."""
    from app.accreditation import status

    revoke(credential, "Issued in error.", make_user(Role.HUB_ADMIN))
    db.session.commit()
    status.signed_list(1)  # published: the list as it stands at this ledger head
    credential.revoked_at = None
    db.session.commit()
    assert verify_code(credential.code).verdict is Verdict.REVOKED


def test_expiry_flips_the_verdict(credential):
    """After validUntil the same credential is Expired; before it, Valid."""
    until = credential.valid_until
    assert verify_code(credential.code, now=until - timedelta(seconds=1)).verdict is Verdict.VALID
    assert verify_code(credential.code, now=until + timedelta(seconds=1)).verdict is Verdict.EXPIRED


def independent_status(client, token: str) -> str:
    """What an outside JOSE verifier reads from the credential's one status entry (Bitstring Status List
    §3.2, with jwcrypto for the list's signature): the statusMessage of its statusSize-bit value."""
    entry = independent_verify(client, token)["credentialStatus"]
    path = entry["statusListCredential"].removeprefix("http://localhost")
    listed = independent_verify(client, client.get(path).get_data(as_text=True))
    assert listed["credentialSubject"]["statusPurpose"] == entry["statusPurpose"] == "message"
    encoded = listed["credentialSubject"]["encodedList"]
    bits = gzip.decompress(_unb64(encoded.removeprefix("u")))
    size, start = entry["statusSize"], int(entry["statusListIndex"]) * entry["statusSize"]
    found = 0
    for position in range(start, start + size):
        found = found << 1 | (bits[position // 8] >> (7 - position % 8)) & 1
    return {int(m["status"], 16): m["message"] for m in entry["statusMessage"]}[found]


def test_an_outside_jose_verifier_sees_suspension_and_revocation_in_the_one_status_entry(client, credential):
    """jwcrypto plus the Bitstring rules: valid, then suspended, reinstated, then revoked (which wins)."""
    hub = make_user(Role.HUB_ADMIN)
    assert independent_status(client, credential.jws) == "valid"
    suspend(credential, "A concern is being looked into.", hub)
    db.session.commit()
    assert independent_status(client, credential.jws) == "suspended"
    reinstate(credential, "The concern was resolved.", hub)
    db.session.commit()
    assert independent_status(client, credential.jws) == "valid"
    suspend(credential, "Another concern.", hub)
    revoke(credential, "Misconduct found.", hub)
    db.session.commit()
    assert independent_status(client, credential.jws) == "revoked"


def test_a_credential_issued_before_the_message_entry_keeps_verifying_with_a_note(app, credential):
    """An old JWS names only /status/1: it still verifies, our verdict still sees a suspension, and the
    result says outside verifiers of that JWS cannot."""
    payload = credentials.unverified_payload(credential.jws)
    payload = {k: v for k, v in payload.items() if k not in credentials.JWT_CLAIMS}
    payload["credentialStatus"] = credentials.status_entry(
        app.config["IMSA_BASE_URL"], credentials.REVOCATION_LIST, credential.status_index
    )
    kid, key = keystore().signing_key()
    old = credentials.sign(payload, kid, key)
    result = verify_token(old)
    assert result.verdict is Verdict.VALID
    assert [c.name for c in result.checks][-1] == "Status entry"
    suspend(credential, "A concern is being looked into.", make_user(Role.HUB_ADMIN))
    db.session.commit()
    assert verify_token(old).verdict is Verdict.SUSPENDED


def test_status_list_is_signed_large_and_indices_are_never_reused(app, client, credential, tmp_path):
    """/status/1 is a signed BitstringStatusListCredential that jwcrypto verifies; each index is unique."""
    token = client.get("/status/1").get_data(as_text=True)
    listed = independent_verify(client, token)
    assert listed["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    from app.accreditation.status import LIST_SIZE, bit, decode

    bits = decode(listed["credentialSubject"]["encodedList"])
    assert len(bits) * 8 >= 131_072 == LIST_SIZE and not bit(bits, credential.status_index)
    others = [make_credential(tmp_path / str(n), version=credential.curriculum_version) for n in range(3)]
    indices = [c.status_index for c in (credential, *others)]
    assert len(set(indices)) == 4


def test_rotation_keeps_old_credentials_valid(app, client, credential, tmp_path):
    """After `imsa keys rotate` new credentials use the new key and the old one still verifies."""
    runner = app.test_cli_runner()
    result = runner.invoke(args=["keys", "rotate", "--yes"])
    assert result.exit_code == 0, result.output
    newer = make_credential(tmp_path / "newer", version=credential.curriculum_version)
    assert newer.kid != credential.kid
    assert len(client.get("/.well-known/jwks.json").get_json()["keys"]) == 2
    for issued in (credential, newer):
        assert verify_code(issued.code).verdict is Verdict.VALID
        independent_verify(client, issued.jws)
    private = [p.name for p in keystore().folder.glob("*.pem") if not p.name.endswith(".pub.pem")]
    assert private == [f"{newer.kid.split('#')[1]}.pem"], "only the active private key is kept"
    listed = runner.invoke(args=["keys", "list"]).output
    assert listed.count("active") == 1 and listed.count("retired") == 1


# --- Renewal and CPD -------------------------------------------------------------------------------------


def test_cpd_is_checked_and_renewal_needs_the_rule_met(credential):
    """Bad CPD is refused naming the field; renewal issues a linked credential only once the rule is met."""
    holder, hub = credential.holder, make_user(Role.HUB_ADMIN)
    draft = CpdDraft("cpd", "Update on the NRM guidance", date.today(), "1.3", False)
    with pytest.raises(AccreditationError, match=r"^hours"):
        log_cpd(credential, draft, holder)
    with pytest.raises(PermissionDenied):
        log_cpd(credential, draft, hub)
    with pytest.raises(AccreditationError, match=r"^completed_on"):
        log_cpd(credential, CpdDraft("cpd", "Future", date.today() + timedelta(1), "1", False), holder)
    for kind, hours in (
        ("cpd", "58"),
        ("reflective_account", "1"),
        ("reflective_account", "0.5"),
        ("case_review", "0.5"),
    ):
        log_cpd(credential, CpdDraft(kind, f"Logged {kind}", date.today(), hours, False), holder)
    db.session.commit()
    with pytest.raises(AccreditationError, match="not met"):
        renew(credential, True, hub)  # three years early: outside the renewal window

    credential.valid_until = datetime.now(UTC) + timedelta(days=30)
    assert not renewal_check(credential, supervisor_endorsed=False).eligible
    renewed = renew(credential, True, hub)
    db.session.commit()
    assert renewed.renews == credential and renewed.subject_uuid == credential.subject_uuid
    payload = credentials.unverified_payload(renewed.jws)
    assert credential.code in payload["evidence"][0]["name"]
    assert renewed.valid_from == credential.valid_until
    assert verify_code(renewed.code).verdict is Verdict.NOT_YET_VALID
    assert [e.action for e in ledger.events_for(renewed.code)] == ["renew"]
    with pytest.raises(AccreditationError, match="already been renewed"):
        renew(credential, True, hub)


# --- The ledger and the command line ---------------------------------------------------------------------


def test_the_database_refuses_to_edit_or_delete_ledger_events(credential):
    """Append-only in the database itself: an UPDATE or DELETE of a ledger event is refused."""
    for statement in (
        sa.update(LedgerEvent).values(details={"reason": "Nothing happened."}),
        sa.delete(LedgerEvent),
    ):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            db.session.execute(statement)
        db.session.rollback()
    assert len(ledger.events_for(credential.code)) == 1


def _drop_append_only_triggers() -> None:
    """What someone with full rights over the database could do before editing the ledger."""
    if db.engine.dialect.name == "sqlite":
        statements = ["DROP TRIGGER ledger_event_no_update", "DROP TRIGGER ledger_event_no_delete"]
    else:
        statements = ["DROP TRIGGER ledger_event_append_only ON ledger_event"]
    for statement in statements:
        db.session.execute(sa.text(statement))


def test_ledger_verify_names_the_first_edited_event(app, credential):
    """`imsa ledger verify` passes on an intact chain and names the first event whose hash is wrong."""
    hub = make_user(Role.HUB_ADMIN)
    suspend(credential, "Under review.", hub)
    reinstate(credential, "", hub)
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["ledger", "verify"])
    assert result.exit_code == 0 and "4 events" in result.output  # the award, its transcript, 2 changes
    _drop_append_only_triggers()
    db.session.execute(
        sa.update(LedgerEvent)
        .where(LedgerEvent.sequence == 2)
        .values(details={"reason": "Nothing happened."})
    )
    db.session.commit()
    result = runner.invoke(args=["ledger", "verify"])
    assert result.exit_code == 1 and "event 2" in result.output and "edited" in result.output
    db.session.execute(sa.delete(LedgerEvent).where(LedgerEvent.sequence == 2))
    db.session.commit()
    assert ledger.verify().broken_at == 3


def test_credential_commands(app, tmp_path):
    """issue, list, show, export and revoke, as a script would use them."""
    version = make_accreditation_version(tmp_path)
    trainer = make_user(Role.TRAINER)
    enrolment = make_enrolment(make_cohort(version, [trainer]))
    runner = app.test_cli_runner()
    assert runner.invoke(args=["keys", "init"]).exit_code == 0
    refused = runner.invoke(args=["credential", "issue", enrolment.user.email])
    assert refused.exit_code == 1 and "Not eligible" in refused.output
    complete_training(enrolment, trainer)
    db.session.commit()
    issued = runner.invoke(args=["credential", "issue", enrolment.public_id, "--note", "Panel 3"])
    assert issued.exit_code == 0, issued.output
    code = issued.output.strip()
    assert code in runner.invoke(args=["credential", "list"]).output
    shown = runner.invoke(args=["credential", "show", code.lower().replace("-", " ")])
    assert shown.output.startswith("Valid") and '"licenseNumber"' in shown.output
    exported = runner.invoke(args=["credential", "export", code]).output.strip()
    assert exported == db.session.scalar(sa.select(Credential.jws).where(Credential.code == code))
    revoked = runner.invoke(args=["credential", "revoke", code, "--reason", "Issued in error.", "--yes"])
    assert revoked.exit_code == 0
    assert verify_code(code).verdict is Verdict.REVOKED
    assert runner.invoke(args=["credential", "show", "IMSA-0000-0000-0"]).exit_code == 1


def test_the_private_key_never_reaches_the_database_or_the_published_documents(app, client, credential):
    """Only public key material is published; no private part ('d') anywhere; the key file is 0600."""
    for url in ("/.well-known/jwks.json", "/.well-known/did.json"):
        assert '"d"' not in client.get(url).get_data(as_text=True)
    private = next(p for p in keystore().folder.glob("*.pem") if not p.name.endswith(".pub.pem"))
    assert private.stat().st_mode & 0o777 == 0o600
    assert Path(app.instance_path) in private.parents


def test_bulk_issue_for_a_cohort_shows_progress_and_renders_certificates(app, tmp_path):
    """`imsa credential issue --cohort` awards everyone eligible (not the others) and makes their PDFs."""
    version = make_accreditation_version(tmp_path)
    trainer = make_user(Role.TRAINER)
    cohort = make_cohort(version, [trainer], name="Cohort 5 — bulk")
    ready = [make_enrolment(cohort) for _ in range(2)]
    waiting = make_enrolment(cohort)
    for enrolment in ready:
        complete_training(enrolment, trainer)
    db.session.commit()
    keystore().init()
    result = app.test_cli_runner().invoke(args=["credential", "issue", "--cohort", "cohort 5 — BULK"])
    assert result.exit_code == 0, result.output
    assert "Issuing for Cohort 5 — bulk" in result.output and "issued 2 of 2" in result.output
    holders = set(db.session.scalars(sa.select(Credential.holder_id)))
    assert holders == {e.user_id for e in ready} and waiting.user_id not in holders
    assert len(list((Path(app.instance_path) / "certificates").glob("IMSA-*.pdf"))) == 2


def test_approving_a_whole_cohort_on_the_web_issues_to_everyone_eligible(client, tmp_path):
    """The Hub's "approve everyone eligible" awards the eligible trainees (not the others) and keeps them."""
    version = make_accreditation_version(tmp_path)
    trainer = make_user(Role.TRAINER)
    cohort = make_cohort(version, [trainer], name="Cohort 6")
    ready = [make_enrolment(cohort) for _ in range(2)]
    waiting = make_enrolment(cohort)
    for enrolment in ready:
        complete_training(enrolment, trainer)
    hub = make_user(Role.HUB_ADMIN)
    db.session.commit()
    keystore().init()
    sign_in(client, hub)
    response = post_form(
        client, f"/accreditation/cohorts/{cohort.public_id}/approve-all", {"confirm": "y", "note": "Panel 6"}
    )
    assert response.status_code == 302
    db.session.rollback()  # only what the request committed is left
    holders = set(db.session.scalars(sa.select(Credential.holder_id)))
    assert holders == {e.user_id for e in ready} and waiting.user_id not in holders


def _statements(action) -> tuple[int, object]:
    seen: list[str] = []

    def listener(_connection, _cursor, statement, *_args):
        seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        result = action()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)
    return len(seen), result


def test_the_approval_queue_evaluates_only_trainees_whose_capstone_passed(app, tmp_path):
    """Trainees whose capstone is not passed cost the queue no queries of their own."""
    from app.learning.models import Submission

    version = make_accreditation_version(tmp_path)
    trainer = make_user(Role.TRAINER)
    cohort = make_cohort(version, [trainer])
    ready = make_enrolment(cohort)
    complete_training(ready, trainer)
    for _ in range(5):
        working = make_enrolment(cohort)
        complete_training(working, trainer)
        db.session.execute(
            sa.update(Submission).where(Submission.enrolment_id == working.id).values(result_band="fail")
        )
    db.session.commit()
    one_evaluation, _ = _statements(lambda: evaluate(ready))
    queries, queue = _statements(approval_queue)
    assert [e for e, _ in queue] == [ready]
    assert queries <= one_evaluation + 4, "only the one candidate is evaluated"
    db.session.execute(sa.update(Submission).values(result_band="pass"))
    db.session.commit()
    assert len(approval_queue()) == 6
