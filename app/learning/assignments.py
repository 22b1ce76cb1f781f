"""Written assignments: drafts that autosave, attachments checked by content, submission with a receipt,
late flags and extensions."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import sqlalchemy as sa
from blinker import Namespace
from flask import current_app

from app.audit.services import record
from app.auth import policy
from app.auth.access import PermissionDenied
from app.cohorts import adjustments
from app.cohorts.models import Enrolment
from app.cohorts.services import module_dates
from app.curriculum.models import Assignment
from app.database import db, utcnow
from app.i18n import gettext as _
from app.learning.models import Extension, Submission, SubmissionStatus
from app.learning.once import insert_once, update_if
from app.learning.portfolio import identifying_details, in_words
from app.learning.services import check_own
from app.refusal import Refused
from app.templating import LONDON

# Sent once a piece is submitted, inside the submitting transaction. The marking workflow (a layer above,
# which this package must not import) listens, to allocate the piece to a marker.
submitted_work = Namespace().signal("imsa.submission.submitted")

MAX_TEXT_CHARACTERS = 200_000
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
OVER_LIMIT_ALLOWANCE = 0.10  # the usual academic convention: up to 10% over the word limit


class SubmissionRefused(Refused):
    """The draft or submission cannot be saved as asked; the message says what to do."""


class DraftConflict(SubmissionRefused):
    """The draft was saved elsewhere (another tab or device) since this copy was opened."""


class AlreadySubmitted(SubmissionRefused):
    """The work was submitted (from another tab, or a moment ago) and can no longer be changed; the
    receipt shows what was submitted."""


DRAFT = SubmissionStatus.DRAFT


def word_count(text: str) -> int:
    return len(re.findall(r"\S+", text))


def due_on(enrolment: Enrolment, assignment: Assignment) -> date:
    """The trainee's due date: their latest extension, else the resubmission date of a referred piece,
    else the cohort's schedule; the last two moved by the days of their adjustment plan (an extension is a
    date granted knowing the plan)."""
    extension = db.session.scalar(
        sa.select(Extension.due_on)
        .where(Extension.enrolment_id == enrolment.id, Extension.assignment_id == assignment.id)
        .order_by(Extension.granted_at.desc(), Extension.id.desc())
        .limit(1)
    )
    if extension:
        return extension
    referred = db.session.scalar(
        sa.select(Submission.resubmission_due_on)
        .where(
            Submission.enrolment_id == enrolment.id,
            Submission.assignment_id == assignment.id,
            Submission.resubmission_due_on.is_not(None),
        )
        .order_by(Submission.attempt.desc())
        .limit(1)
    )
    plan = adjustments.plan_for(enrolment)
    if referred:
        return adjustments.due_date(referred, plan)
    return adjustments.due_date(module_dates(enrolment.cohort, assignment.module_id)[1], plan)


def is_late(submitted_at: datetime, due: date) -> bool:
    """Late when submitted after the end of the due day in UK time."""
    end_of_day = datetime.combine(due + timedelta(days=1), time.min, tzinfo=LONDON)
    return submitted_at >= end_of_day


def submissions(enrolment: Enrolment, assignment: Assignment) -> list[Submission]:
    return list(
        db.session.scalars(
            sa.select(Submission)
            .where(Submission.enrolment_id == enrolment.id, Submission.assignment_id == assignment.id)
            .order_by(Submission.attempt)
        )
    )


def current_submission(enrolment: Enrolment, assignment: Assignment, actor) -> Submission:
    """The trainee's latest piece for this assignment, started as an empty draft if there is none.

    Two tabs (or a double-click) opening it for the first time race on the unique key: one inserts the
    draft and both read the same row.
    """
    check_own(enrolment, actor)
    existing = submissions(enrolment, assignment)
    if existing:
        return existing[-1]
    insert_once(
        Submission,
        ("enrolment_id", "assignment_id", "attempt"),
        enrolment_id=enrolment.id,
        assignment_id=assignment.id,
        attempt=1,
        text="",
        word_count=0,
        revision=0,
        status=DRAFT,
    )
    return submissions(enrolment, assignment)[-1]


def _submitted() -> AlreadySubmitted:
    return AlreadySubmitted(
        _(
            "This work has already been submitted, so it can no longer be changed. Your receipt shows "
            "exactly what was submitted."
        )
    )


def _conflict() -> DraftConflict:
    return DraftConflict(
        _(
            "A newer version of this draft was saved from another tab or device. Copy your text somewhere "
            "safe, reload the page to see the newer version, and combine them."
        )
    )


def _check_open(submission: Submission) -> None:
    if submission.status is not DRAFT:
        raise _submitted()


def _base_revision(submission: Submission, text: str, revision: int) -> int:
    """The stored revision this write replaces. ``revision`` is the one the editor started from: a newer
    draft is never overwritten, unless it already holds exactly this text (nothing would be lost)."""
    _check_open(submission)
    if revision != submission.revision and text != submission.text:
        raise _conflict()
    return submission.revision


def _check_length(text: str) -> None:
    if len(text) > MAX_TEXT_CHARACTERS:
        raise SubmissionRefused(
            _(
                "The text is too long to save (more than %(most)s characters).",
                most=f"{MAX_TEXT_CHARACTERS:,}",
            )
        )


def save_draft(
    submission: Submission, text: str, revision: int, actor, now: datetime | None = None
) -> Submission:
    """Save the draft text. ``revision`` is the one the editor started from: a newer saved draft
    (from another tab or device) is never overwritten silently.

    The check and the write are one ``UPDATE … WHERE revision = :seen AND status = 'draft'``: of two saves
    from the same revision exactly one is stored; the other is told a newer version exists.
    """
    check_own(submission.enrolment, actor)
    _check_open(submission)
    _check_length(text)
    now = now or utcnow()
    while True:
        seen = _base_revision(submission, text, revision)
        values = {"draft_saved_at": now}
        if text != submission.text:
            values |= {"text": text, "word_count": word_count(text), "revision": seen + 1}
        if update_if(submission, Submission.revision == seen, Submission.status == DRAFT, **values):
            return submission
        # Another request changed the row since it was read: decide again on what is stored now.
        revision = seen


def document_type(data: bytes) -> str | None:
    """``pdf`` or ``docx`` judged by the file's content, not its name."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        if {"[Content_Types].xml", "word/document.xml"} <= names:
            return "docx"
    return None


def upload_folder() -> Path:
    """Outside the web root: attachments are only ever served through a permission check."""
    folder = Path(current_app.instance_path) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def attach(submission: Submission, filename: str, data: bytes, actor) -> Submission:
    check_own(submission.enrolment, actor)
    if not data:
        raise SubmissionRefused(_("The selected file is empty."), field="attachment")
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise SubmissionRefused(
            _("The file must be smaller than %(size)s MB.", size=MAX_ATTACHMENT_BYTES // (1024 * 1024)),
            field="attachment",
        )
    kind = document_type(data)
    if kind is None:
        raise SubmissionRefused(_("The file must be a PDF or a Word document (.docx)."), field="attachment")
    digest = hashlib.sha256(data).hexdigest()
    if submission.status is not DRAFT:
        return _already_attached(submission, digest)
    (upload_folder() / digest).write_bytes(data)  # named by content: the same file is stored once
    name = re.sub(r"[^\w .()-]", "_", Path(filename or f"attachment.{kind}").name)[:200]
    attached = update_if(
        submission,
        Submission.status == DRAFT,
        attachment_name=name,
        attachment_sha256=digest,
        attachment_size=len(data),
        attachment_type=kind,
    )
    if not attached:
        return _already_attached(submission, digest)
    record(actor, "submission.attachment_added", submission, sha256=digest, size=len(data))
    return submission


def _already_attached(submission: Submission, digest: str) -> Submission:
    """A submitted piece that already holds this very file (the same request sent twice) is left as it
    is; any other change to it is refused."""
    if submission.attachment_sha256 != digest:
        raise _submitted()
    return submission


def remove_attachment(submission: Submission, actor) -> Submission:
    check_own(submission.enrolment, actor)
    _check_open(submission)
    removed = update_if(
        submission,
        Submission.status == DRAFT,
        attachment_name=None,
        attachment_sha256=None,
        attachment_size=None,
        attachment_type=None,
    )
    if not removed:
        raise _submitted()
    return submission


@dataclass(frozen=True)
class PreSubmissionCheck:
    """What the trainee should look at before submitting the saved draft (the page shows it above the
    submit button): its length against the brief, the attachment, and anything that looks identifying."""

    words: int
    limit: int
    attachment: str | None
    identifiers: list[str]

    @property
    def short(self) -> bool:
        """Well under the length the brief asks for: it may not be finished."""
        return 0 < self.words < self.limit // 2  # an empty draft cannot be submitted at all


def pre_submission_check(submission: Submission) -> PreSubmissionCheck:
    return PreSubmissionCheck(
        words=submission.word_count,
        limit=submission.assignment.word_limit,
        attachment=submission.attachment_name,
        identifiers=identifying_details(submission.text),
    )


def attachment_path(submission: Submission) -> Path | None:
    return upload_folder() / submission.attachment_sha256 if submission.attachment_sha256 else None


def submit(
    submission: Submission,
    text: str,
    revision: int,
    declaration: bool,
    actor,
    now: datetime | None = None,
    identifiers_checked: bool = False,
) -> Submission:
    """Submit the work: the text becomes read-only and its SHA-256 is the receipt.

    The checks and the write are one ``UPDATE … WHERE revision = :seen AND status = 'draft'``, so of two
    submissions at once exactly one is stored and recorded. The same text sent again (a double-click)
    returns the stored submission and records nothing; different text is refused with ``AlreadySubmitted``.
    """
    check_own(submission.enrolment, actor)
    now = now or utcnow()
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if submission.status is not DRAFT:
        return _already_submitted(submission, digest)
    _check_length(text)
    words = word_count(text)
    assignment = submission.assignment
    if not text.strip() and not submission.attachment_sha256:
        raise SubmissionRefused(
            _("Write your work in the box, or attach it as a file, before submitting."), field="text"
        )
    limit = assignment.word_limit
    if words > limit * (1 + OVER_LIMIT_ALLOWANCE):
        raise SubmissionRefused(
            _(
                "Your text is %(words)s words. The limit is %(limit)s words; you may go up to 10%% over "
                "(%(most)s). Shorten it, then submit.",
                words=f"{words:,}",
                limit=f"{limit:,}",
                most=f"{int(limit * (1 + OVER_LIMIT_ALLOWANCE)):,}",
            )
        )
    if assignment.anonymisation_declaration and not declaration:
        raise SubmissionRefused(
            _("Confirm that no survivor or other person can be identified from your work."),
            field="declaration",
        )
    found = identifying_details(text)
    if found and not identifiers_checked:  # the portfolio's screen: a warning to act on, not a silent block
        raise SubmissionRefused(
            _(
                "Your work looks as if it may include %(found)s. Remove or change anything that could "
                "identify a survivor or anyone else, or, if you have checked and nothing does, say so below.",
                found=in_words(found),
            ),
            field="identifiers",
        )
    due = due_on(submission.enrolment, assignment)
    while True:
        seen = _base_revision(submission, text, revision)
        conditions = [Submission.revision == seen, Submission.status == DRAFT]
        if not text.strip():  # the attachment is the work: it must still be there
            conditions.append(Submission.attachment_sha256.is_not(None))
        submitted = update_if(
            submission,
            *conditions,
            text=text,
            word_count=words,
            revision=seen + 1 if text != submission.text else seen,
            draft_saved_at=now,
            anonymisation_confirmed=declaration,
            status=SubmissionStatus.SUBMITTED,
            submitted_at=now,
            returned_note=None,
            sha256=digest,
            due_on=due,
            late=is_late(now, due),
        )
        if submitted:
            break
        if submission.status is not DRAFT:
            return _already_submitted(submission, digest)
        if not text.strip() and not submission.attachment_sha256:
            raise SubmissionRefused(_("The attached file was removed in another tab. Attach it again."))
        revision = seen  # the draft changed since it was read: decide again on what is stored now
    # Recorded from the row as stored (refreshed above), so the audit trail and the receipt agree.
    record(
        actor,
        "submission.submitted",
        submission,
        sha256=submission.sha256,
        late=submission.late,
        attachment_sha256=submission.attachment_sha256,
        words=submission.word_count,
    )
    submitted_work.send(submission)  # the marking workflow allocates it, in this same transaction
    return submission


def _already_submitted(submission: Submission, digest: str) -> Submission:
    """Submitted already: exactly this text again (the same click twice) gets the stored submission and
    nothing is recorded; anything else is refused, pointing to the receipt of what was submitted."""
    if submission.sha256 != digest:
        raise _submitted()
    return submission


def grant_extension(
    enrolment: Enrolment, assignment: Assignment, new_due: date, reason: str, actor
) -> Extension:
    """A later due date for this trainee only, by one of the cohort's trainers or a Hub admin."""
    if not policy.is_cohort_staff(actor, enrolment.cohort):
        raise PermissionDenied("only this cohort's trainers and Hub admins can grant extensions")
    if not reason.strip():
        raise SubmissionRefused(_("Give a reason for the extension."), field="reason")
    if new_due <= due_on(enrolment, assignment):
        raise SubmissionRefused(_("The new due date must be after the current one."), field="due_on")
    extension = Extension(
        enrolment_id=enrolment.id,
        assignment_id=assignment.id,
        due_on=new_due,
        reason=reason.strip(),
        granted_by_id=actor.id,
    )
    db.session.add(extension)
    record(
        actor,
        "assignment.extension_granted",
        enrolment,
        assignment=assignment.title,
        due_on=new_due.isoformat(),
        reason=reason.strip(),
    )
    return extension
