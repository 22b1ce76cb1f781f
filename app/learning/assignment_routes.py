"""The trainee's written assignment: the brief, a draft editor that autosaves, submission and receipt."""

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from app.auth.access import roles_required
from app.auth.models import Role
from app.database import db
from app.learning import assignments
from app.learning.models import SubmissionStatus
from app.learning.routes import bp, enrolment_and_module
from app.marking import workflow


def _assignment_or_404(module):
    if module.assignment is None:
        abort(404)
    return module.assignment


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
        title=module.assignment.title,
    )


@bp.route("/<module_slug>/assignment", methods=["GET", "POST"])
@roles_required(Role.TRAINEE)
def assignment(module_slug: str):
    enrolment, module = enrolment_and_module(module_slug)
    work = _assignment_or_404(module)
    submission = assignments.current_submission(enrolment, work, current_user)
    db.session.commit()
    if request.method == "GET":
        if submission.status is not SubmissionStatus.DRAFT:
            return redirect(url_for(".receipt", module_slug=module.slug))
        return _page(module, submission)
    text = request.form.get("text", "")
    action = request.form.get("action", "save")
    try:
        revision = int(request.form.get("revision", "-1"))
        upload = request.files.get("attachment")
        if action == "remove_attachment":
            assignments.remove_attachment(submission, current_user)
        elif upload and upload.filename:
            assignments.attach(submission, upload.filename, upload.read(), current_user)
        if action == "submit":
            assignments.submit(
                submission, text, revision, request.form.get("declaration") == "yes", current_user
            )
        else:
            assignments.save_draft(submission, text, revision, current_user)
    except assignments.SubmissionRefused as refusal:
        db.session.rollback()
        field = (
            "declaration" if "Confirm" in str(refusal) else "attachment" if "file" in str(refusal) else "text"
        )
        # The text typed is shown again exactly as sent: nothing is lost.
        return _page(module, submission, error=str(refusal), error_field=field, text=text)
    db.session.commit()
    if action == "submit":
        return redirect(url_for(".receipt", module_slug=module.slug))
    flash("Your draft has been saved.", "success")
    return redirect(url_for(".assignment", module_slug=module.slug))


@bp.route("/<module_slug>/assignment/autosave", methods=["POST"])
@roles_required(Role.TRAINEE)
def autosave(module_slug: str):
    """For the editor's script: saves the draft and answers in JSON (the form works without it)."""
    enrolment, module = enrolment_and_module(module_slug)
    submission = assignments.current_submission(enrolment, _assignment_or_404(module), current_user)
    try:
        assignments.save_draft(
            submission, request.form.get("text", ""), int(request.form.get("revision", "-1")), current_user
        )
    except (assignments.SubmissionRefused, ValueError) as refusal:
        db.session.rollback()
        return {"saved": False, "message": str(refusal)}, 409
    db.session.commit()
    return {
        "saved": True,
        "revision": submission.revision,
        "words": submission.word_count,
        "saved_at": submission.draft_saved_at.isoformat(),
    }


@bp.route("/<module_slug>/assignment/receipt")
@roles_required(Role.TRAINEE)
def receipt(module_slug: str):
    enrolment, module = enrolment_and_module(module_slug)
    submission = assignments.current_submission(enrolment, _assignment_or_404(module), current_user)
    if submission.status is SubmissionStatus.DRAFT:
        return redirect(url_for(".assignment", module_slug=module.slug))
    return render_template(
        "learning/receipt.html",
        module=module,
        submission=submission,
        # Nothing of a mark is shown until it is released.
        result=assignments.released_result(submission),
        title="Your result" if submission.released_at else "Your work has been submitted",
    )


@bp.route("/<module_slug>/assignment/resubmit", methods=["POST"])
@roles_required(Role.TRAINEE)
def resubmit(module_slug: str):
    enrolment, module = enrolment_and_module(module_slug)
    previous = assignments.current_submission(enrolment, _assignment_or_404(module), current_user)
    try:
        workflow.start_resubmission(previous, current_user)
    except workflow.MarkingRefused as refusal:
        db.session.rollback()
        flash(str(refusal), "info")
        return redirect(url_for(".receipt", module_slug=module.slug))
    db.session.commit()
    flash("Your resubmission has started from your earlier text. It is capped at Pass.", "success")
    return redirect(url_for(".assignment", module_slug=module.slug))


@bp.route("/<module_slug>/assignment/attachment")
@roles_required(Role.TRAINEE)
def attachment(module_slug: str):
    enrolment, module = enrolment_and_module(module_slug)
    submission = assignments.current_submission(enrolment, _assignment_or_404(module), current_user)
    path = assignments.attachment_path(submission)
    if path is None or not path.exists():
        abort(404)
    return send_file(path, download_name=submission.attachment_name, as_attachment=True)
