"""The files a person's records point to, outside the database: uploads and consideration evidence are
stored by content hash (the same file once), so one is deleted only when no other record still names it."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from app.database import db
from app.learning.models import Submission
from app.marking.models import ConsiderationRequest


def upload(digest: str) -> Path:
    return Path(current_app.instance_path) / "uploads" / digest


def evidence(digest: str) -> Path:
    return Path(current_app.instance_path) / "consideration" / digest


def delete_unless_named(path: Path, column, digest: str) -> None:
    """Delete ``path`` once no row's ``column`` names ``digest`` (call after the rows were changed)."""
    db.session.flush()
    if db.session.scalar(sa.select(sa.func.count()).where(column == digest)) == 0:
        path.unlink(missing_ok=True)


def forget_attachment(submission: Submission) -> None:
    digest = submission.attachment_sha256
    submission.attachment_name = submission.attachment_size = submission.attachment_type = None
    submission.attachment_sha256 = None
    if digest:
        delete_unless_named(upload(digest), Submission.attachment_sha256, digest)


def forget_evidence(request: ConsiderationRequest) -> None:
    digest = request.evidence_sha256
    request.evidence_name = request.evidence_type = request.evidence_size = request.evidence_sha256 = None
    if digest:
        delete_unless_named(evidence(digest), ConsiderationRequest.evidence_sha256, digest)
