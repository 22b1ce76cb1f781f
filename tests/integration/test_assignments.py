"""Writing an assignment: drafts that are never lost or overwritten, attachments checked by content,
submission with a receipt hash, late flags and per-trainee extensions."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import date, datetime, timedelta

import pytest

from app.auth.access import PermissionDenied
from app.auth.models import Role
from app.database import db
from app.learning import assignments
from app.learning.models import SubmissionStatus
from app.templating import LONDON
from tests.conftest import post_form, sign_in
from tests.factories import make_assessed_version, make_cohort, make_enrolment, make_user

URL = "/learn/m01-module-1/assignment"


def setup(tmp_path, **options):
    version = make_assessed_version(tmp_path, **options)
    trainer = make_user(Role.TRAINER)
    enrolment = make_enrolment(make_cohort(version, trainers=[trainer]))
    return enrolment, version.modules[0].assignment, trainer


def docx_bytes() -> bytes:
    """The same bytes every call: entries carry a fixed time, not the clock's (which made it flaky)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in (("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<document/>")):
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), text)
    return buffer.getvalue()


def test_a_draft_is_saved_and_shown_again(client, tmp_path):
    enrolment, _, _ = setup(tmp_path)
    sign_in(client, enrolment.user)
    client.get(URL)
    post_form(client, URL, {"text": "My first thoughts on independence.", "revision": "0", "action": "save"})
    page = client.get(URL).get_data(as_text=True)
    assert "My first thoughts on independence." in page and "5 words" in page


def test_autosave_answers_in_json_and_refuses_an_older_copy(client, tmp_path):
    enrolment, _, _ = setup(tmp_path)
    sign_in(client, enrolment.user)
    saved = post_form(client, f"{URL}/autosave", {"text": "one two three", "revision": "0"})
    assert saved.status_code == 200 and saved.json["saved"] and saved.json["revision"] == 1
    stale = post_form(client, f"{URL}/autosave", {"text": "older tab text", "revision": "0"})
    assert stale.status_code == 409 and "newer version" in stale.json["message"]
    assert assignments.submissions(enrolment, enrolment.cohort.curriculum_version.modules[0].assignment)[
        0
    ].text == ("one two three")


def test_a_refused_submission_keeps_exactly_what_was_typed(client, tmp_path):
    enrolment, _, _ = setup(tmp_path)
    sign_in(client, enrolment.user)
    client.get(URL)
    typed = "Text typed but not yet declared anonymised."
    response = post_form(client, URL, {"text": typed, "revision": "0", "action": "submit"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Confirm that no survivor or other person can be identified" in body
    assert typed in body


def test_submitting_gives_a_receipt_with_the_sha256_of_exactly_the_text(client, tmp_path):
    enrolment, assignment, _ = setup(tmp_path)
    sign_in(client, enrolment.user)
    client.get(URL)
    text = "Independence means the survivor directs the work.\n\nIt also means…"
    response = post_form(
        client,
        URL,
        {"text": text, "revision": "0", "action": "submit", "declaration": "yes"},
        follow_redirects=True,
    )
    body = response.get_data(as_text=True)
    digest = hashlib.sha256(text.encode()).hexdigest()
    assert "Your work has been submitted" in body and digest in body
    submission = assignments.submissions(enrolment, assignment)[0]
    assert submission.status is SubmissionStatus.SUBMITTED and submission.sha256 == digest
    assert submission.anonymisation_confirmed


def test_submitted_work_is_read_only(client, tmp_path):
    enrolment, assignment, _ = setup(tmp_path)
    submission = assignments.current_submission(enrolment, assignment, enrolment.user)
    assignments.submit(submission, "Final words here.", 0, True, enrolment.user)
    db.session.commit()
    with pytest.raises(assignments.SubmissionRefused, match="can no longer be changed"):
        assignments.save_draft(submission, "Sneaky edit", submission.revision, enrolment.user)
    sign_in(client, enrolment.user)
    assert client.get(URL).location.endswith("/assignment/receipt")
    stale = post_form(client, f"{URL}/autosave", {"text": "x", "revision": str(submission.revision)})
    assert stale.status_code == 409
    db.session.refresh(submission)
    assert submission.text == "Final words here."


def test_far_over_the_word_limit_is_refused(app, tmp_path):
    enrolment, assignment, _ = setup(tmp_path, word_limit=100)
    submission = assignments.current_submission(enrolment, assignment, enrolment.user)
    with pytest.raises(assignments.SubmissionRefused, match="The limit is 100 words"):
        assignments.submit(submission, "word " * 111, 0, True, enrolment.user)
    assignments.submit(
        submission, "word " * 110, submission.revision, True, enrolment.user
    )  # 10% over is fine


def test_late_work_is_marked_late_and_an_extension_moves_the_date_for_one_trainee(app, tmp_path):
    enrolment, assignment, trainer = setup(tmp_path)
    classmate = make_enrolment(enrolment.cohort)
    due = assignments.due_on(enrolment, assignment)
    assert due == date(2025, 9, 1) + timedelta(days=14)
    just_after = datetime.combine(due + timedelta(days=1), datetime.min.time(), tzinfo=LONDON)
    assert assignments.is_late(just_after, due)
    assert not assignments.is_late(just_after - timedelta(seconds=1), due)

    assignments.grant_extension(
        enrolment, assignment, due + timedelta(days=7), "Illness (details with tutor)", trainer
    )
    db.session.commit()
    assert assignments.due_on(enrolment, assignment) == due + timedelta(days=7)
    assert assignments.due_on(classmate, assignment) == due
    submission = assignments.current_submission(enrolment, assignment, enrolment.user)
    assignments.submit(submission, "On time now.", 0, True, enrolment.user, now=just_after)
    assert not submission.late


def test_only_the_cohorts_trainers_and_hub_admins_grant_extensions(app, tmp_path):
    enrolment, assignment, _ = setup(tmp_path)
    due = assignments.due_on(enrolment, assignment)
    with pytest.raises(PermissionDenied):
        assignments.grant_extension(
            enrolment, assignment, due + timedelta(days=3), "x", make_user(Role.TRAINER)
        )
    with pytest.raises(assignments.SubmissionRefused, match="after the current one"):
        assignments.grant_extension(enrolment, assignment, due, "x", make_user(Role.HUB_ADMIN))


def test_attachments_are_checked_by_content_and_size(client, tmp_path):
    enrolment, assignment, _ = setup(tmp_path)
    sign_in(client, enrolment.user)
    client.get(URL)
    fake = post_form(
        client,
        URL,
        {
            "text": "kept text",
            "revision": "0",
            "action": "save",
            "attachment": (io.BytesIO(b"MZ this is not a pdf"), "essay.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert fake.status_code == 200 and "must be a PDF or a Word document" in fake.get_data(as_text=True)
    assert "kept text" in fake.get_data(as_text=True)
    ok = post_form(
        client,
        URL,
        {
            "text": "kept text",
            "revision": "0",
            "action": "save",
            "attachment": (io.BytesIO(docx_bytes()), "essay.docx"),
        },
        content_type="multipart/form-data",
    )
    assert ok.status_code == 302
    submission = assignments.submissions(enrolment, assignment)[0]
    assert submission.attachment_type == "docx"
    stored = assignments.attachment_path(submission)
    assert stored.read_bytes() == docx_bytes() and "static" not in str(stored)
    download = client.get(f"{URL}/attachment")
    assert download.status_code == 200 and download.data == docx_bytes()
    with pytest.raises(assignments.SubmissionRefused, match="smaller than 10 MB"):
        assignments.attach(submission, "big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), enrolment.user)


def test_a_trainer_grants_an_extension_from_the_form(client, tmp_path):
    enrolment, assignment, trainer = setup(tmp_path)
    due = assignments.due_on(enrolment, assignment)
    sign_in(client, trainer)
    form = client.get("/marking/extensions/new").get_data(as_text=True)
    assert enrolment.user.name in form and assignment.title in form
    work = f"{enrolment.cohort_id}-{assignment.id}"
    missing_reason = post_form(
        client,
        "/marking/extensions/new",
        {
            "enrolment": enrolment.public_id,
            "assignment": work,
            "due_on": str(due + timedelta(days=5)),
            "reason": "",
        },
    )
    assert "Give the reason for the extension" in missing_reason.get_data(as_text=True)
    post_form(
        client,
        "/marking/extensions/new",
        {
            "enrolment": enrolment.public_id,
            "assignment": work,
            "due_on": str(due + timedelta(days=5)),
            "reason": "Caring responsibilities",
        },
    )
    assert assignments.due_on(enrolment, assignment) == due + timedelta(days=5)
