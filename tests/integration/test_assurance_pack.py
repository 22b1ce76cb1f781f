"""The assurance pack: a cohort's signed ZIP holds the examiner's sample with its marking history, the
due-process counts without reasons, versions by hash, the report, the board and the ledger head; it verifies
with `imsa pack verify`, and one changed byte in any file makes the check fail. The Hub's reports count the
due-process cases by cohort."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date

import pytest

from app.accreditation.keys import keystore
from app.assurance import services as assurance
from app.auth.access import PermissionDenied
from app.auth.models import Role
from app.cohorts import adjustments
from app.database import db, utcnow
from app.learning.models import SubmissionStatus as S
from app.marking.models import (
    CaseKind,
    CaseOutcome,
    ConsiderationRequest,
    ConsiderationStatus,
    IntegrityCase,
    Mark,
    MarkKind,
)
from app.reports import assurance_pack, hub
from tests.conftest import sign_in
from tests.factories import add_piece, make_assessed_version, make_cohort, make_enrolment, make_user

SECRET = "my grandmother died the week it was due"


@pytest.fixture
def world(app, tmp_path):
    version = make_assessed_version(tmp_path)
    marker = make_user(Role.TRAINER, name="Marker A")
    cohort = make_cohort(version, trainers=[marker], name="Cohort Pack")
    assignment = version.modules[0].assignment
    enrolments = [make_enrolment(cohort) for _ in range(4)]
    pieces = [
        add_piece(enrolment, assignment, S.RELEASED, band=band, marker_id=marker.id)
        for enrolment, band in zip(enrolments, ["fail", "distinction", "pass", "merit"], strict=True)
    ]
    examiner = make_user(Role.EXTERNAL_EXAMINER, name="Eve Examiner")
    hub_admin = make_user(Role.HUB_ADMIN)
    assurance.appoint_examiner(cohort, examiner, hub_admin)
    adjustments.save_plan(enrolments[0], 25, 7, False, "", "", "dyslexia assessment 2024", hub_admin)
    db.session.add(
        ConsiderationRequest(
            enrolment_id=enrolments[1].id,
            assignment_id=assignment.id,
            occurred_on=date(2026, 11, 2),
            statement=SECRET,
            status=ConsiderationStatus.OPEN,
            open_key="x",
        )
    )
    db.session.add(
        IntegrityCase(
            submission_id=pieces[2].id,
            enrolment_id=enrolments[2].id,
            kind=CaseKind.COLLUSION,
            statement="matches another piece closely",
            outcome=CaseOutcome.CLEARED,
            reasons="independent drafts shown",
            decided_at=utcnow(),
        )
    )
    db.session.add(
        Mark(
            submission_id=pieces[0].id,
            kind=MarkKind.FIRST,
            marker_id=marker.id,
            criteria={},
            total=35.0,
            band="fail",
            feedback_markdown="Needs the referral pathway.",
        )
    )
    keystore().init()
    assurance.file_report(cohort, {"M01": "Consistent with the rubric."}, "appropriate", "", examiner)
    assurance.ratify(cohort, date.today(), "Chair; examiner", "", hub_admin)
    db.session.commit()
    return {"cohort": cohort, "hub": hub_admin, "examiner": examiner, "marker": marker, "pieces": pieces}


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_pack_holds_the_sample_history_counts_versions_report_board_and_ledger_head(world):
    data = assurance_pack.build(world["cohort"], world["hub"])
    files = _members(data)
    sample = [name for name in files if name.startswith("sample/")]
    # Four decided pieces: the Fail and the Distinction always, and two per marker: all four.
    assert len(sample) == 4
    failed = json.loads(files[f"sample/M01/{world['pieces'][0].public_id}.json"])
    assert failed["candidate"] == world["pieces"][0].enrolment.candidate_number
    assert [(m["kind"], m["marker"], m["band"]) for m in failed["marks"]] == [("first", "Marker A", "fail")]
    cohort = json.loads(files["cohort.json"])
    assert cohort["curriculum"]["content_sha256"] == world["cohort"].curriculum_version.content_hash
    assert len(cohort["modules"][0]["rubric_sha256"]) == 64
    decisions = json.loads(files["decisions.json"])
    assert decisions["reasonable_adjustments"]["plans"] == 1
    assert decisions["special_consideration"] == {
        "total": 1,
        "open": 1,
        "outcomes": {},
        "median_working_days_to_decision": None,
    }
    assert decisions["integrity_cases"]["outcomes"] == {"cleared": 1}
    assert json.loads(files["award-board.json"])["attendees"] == "Chair; examiner"
    assert json.loads(files["examiner-report.json"])["judgement"] == "appropriate"
    assert "SHA256SUMS" in files and "SHA256SUMS.sig" in files and "README.txt" in files


def test_no_reason_statement_or_trainee_name_is_in_the_pack(world):
    files = _members(assurance_pack.build(world["cohort"], world["hub"]))
    blob = "".join(data.decode() for name, data in files.items() if name != "SHA256SUMS.sig")
    assert SECRET not in blob and "dyslexia" not in blob and "independent drafts" not in blob
    for piece in world["pieces"]:
        assert piece.enrolment.user.name not in blob


def test_imsa_pack_verify_accepts_the_pack_and_refuses_one_changed_byte_in_any_file(world, runner, tmp_path):
    pack = tmp_path / "pack.zip"
    built = runner.invoke(args=["pack", "build", world["cohort"].name, str(pack)])
    assert built.exit_code == 0, built.output
    ok = runner.invoke(args=["pack", "verify", str(pack)])
    assert ok.exit_code == 0 and "verifies" in ok.output, ok.output
    members = _members(pack.read_bytes())
    for name in members:
        changed = dict(members)
        flipped = bytearray(changed[name])
        flipped[len(flipped) // 2] ^= 0x01
        changed[name] = bytes(flipped)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for member, content in changed.items():
                archive.writestr(member, content)
        damaged = tmp_path / "damaged.zip"
        damaged.write_bytes(buffer.getvalue())
        result = runner.invoke(args=["pack", "verify", str(damaged)])
        assert result.exit_code != 0, f"a changed byte in {name} was not noticed"


def test_the_pack_checks_against_the_published_key_given_on_the_command_line(world, runner, tmp_path):
    pack = tmp_path / "pack.zip"
    pack.write_bytes(assurance_pack.build(world["cohort"], world["hub"]))
    key = tmp_path / "issuer.pem"
    key.write_bytes(assurance_pack.trusted_keys()[0])
    assert runner.invoke(args=["pack", "verify", str(pack), "--key", str(key)]).exit_code == 0
    other = tmp_path / "other.pem"
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    other.write_bytes(
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    assert runner.invoke(args=["pack", "verify", str(pack), "--key", str(other)]).exit_code != 0


def test_only_the_hub_and_the_cohorts_examiner_may_take_the_pack(world, client):
    with pytest.raises(PermissionDenied):
        assurance_pack.build(world["cohort"], world["marker"])
    sign_in(client, world["examiner"])
    response = client.get(f"/cohorts/{world['cohort'].public_id}/assurance-pack.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    other = make_user(Role.EXTERNAL_EXAMINER)
    sign_in(client, other)
    assert client.get(f"/cohorts/{world['cohort'].public_id}/assurance-pack.zip").status_code in (
        403,
        404,
    )


def test_the_hub_report_counts_due_process_by_cohort_and_organisations_see_none(world):
    report = hub.build(world["hub"], date.today())
    assert report.table("adjustments").rows == [["Cohort Pack", 1, 1, 1]]
    assert report.table("consideration").rows == [["Cohort Pack", 1, 0, 0, 1, None]]
    assert report.table("integrity").rows[0][:5] == ["Cohort Pack", 1, 1, 0, 0]
    manager = make_user(Role.ORG_MANAGER)
    assert hub.build(manager, date.today()).table("appeals") is None


def test_the_board_page_lists_what_was_put_to_it(world, client):
    sign_in(client, world["hub"])
    page = client.get(f"/assurance/cohorts/{world['cohort'].public_id}/board").get_data(as_text=True)
    assert "Put to the board" in page
