"""The trainee's written assignment: the brief, a draft editor that autosaves, submission and receipt."""

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from app.auth.access import roles_required
from app.auth.models import Role
from app.i18n import gettext as _
from app.learning import assignments, bp
from app.learning.lookups import assignment_or_404, enrolment_and_module
from app.learning.models import SubmissionStatus
from app.learning.portfolio import in_words
from app.web import refusals


def _page(module, submission, error=None, error_field="text", text=None):
    enrolment = submission.enrolment
    return render_template(
        "learning/assignment.html",
        module=module,
        assignment=module.assignment,
        submission=submission,
        due=assignments.due_on(enrolment, module.assignment),
        error=error,
        error_field=error_field,
        text=submission.text if text is None else text,
        limit=module.assignment.word_limit,
        check=assignments.pre_submission_check(submission),
        in_words=in_words,
        title=module.assignment.title,
    )


@bp.route("/<module_slug>/assignment", methods=["GET", "POST"])
@roles_required(Role.TRAINEE)
def assignment(module_slug: str):
    enrolment, module = enrolment_and_module(module_slug)
    work = assignment_or_404(module)
    submission = assignments.current_submission(enrolment, work, current_user)
    if request.method == "GET":
        if submission.status is not SubmissionStatus.DRAFT:
            return redirect(url_for("marking.receipt", module_slug=module.slug))
        return _page(module, submission)
    text = request.form.get("text", "")
    action = request.form.get("action", "save")
    revision = request.form.get("revision", type=int, default=-1)
    with refusals() as refused:
        upload = request.files.get("attachment")
        if action == "remove_attachment":
            assignments.remove_attachment(submission, current_user)
        elif upload and upload.filename:
            assignments.attach(submission, upload.filename, upload.read(), current_user)
        if action == "submit":
            assignments.submit(
                submission,
                text,
                revision,
                request.form.get("declaration") == "yes",
                current_user,
                identifiers_checked=request.form.get("identifiers_checked") == "yes",
            )
        else:
            assignments.save_draft(submission, text, revision, current_user)
    if refused:
        # The text typed is shown again exactly as sent: nothing is lost. Work submitted already (from
        # another tab) is a conflict: the page says so and links to the receipt of what was submitted.
        page = _page(
            module, submission, error=refused.message, error_field=refused.field or "text", text=text
        )
        return (page, 409) if isinstance(refused.refused, assignments.AlreadySubmitted) else page
    if action == "submit":
        return redirect(url_for("marking.receipt", module_slug=module.slug))
    flash(_("Your draft has been saved."), "success")
    return redirect(url_for(".assignment", module_slug=module.slug))


@bp.route("/<module_slug>/assignment/autosave", methods=["POST"])
@roles_required(Role.TRAINEE)
def autosave(module_slug: str):
    """For the editor's script: saves the draft and answers in JSON (the form works without it)."""
    enrolment, module = enrolment_and_module(module_slug)
    submission = assignments.current_submission(enrolment, assignment_or_404(module), current_user)
    with refusals() as refused:
        assignments.save_draft(
            submission,
            request.form.get("text", ""),
            request.form.get("revision", type=int, default=-1),
            current_user,
        )
    if refused:
        return {"saved": False, "message": refused.message}, 409
    return {
        "saved": True,
        "revision": submission.revision,
        "words": submission.word_count,
        "saved_at": submission.draft_saved_at.isoformat(),
    }


@bp.route("/<module_slug>/assignment/attachment")
@roles_required(Role.TRAINEE)
def attachment(module_slug: str):
    enrolment, module = enrolment_and_module(module_slug)
    submission = assignments.current_submission(enrolment, assignment_or_404(module), current_user)
    path = assignments.attachment_path(submission)
    if path is None or not path.exists():
        abort(404)
    return send_file(path, download_name=submission.attachment_name, as_attachment=True)
