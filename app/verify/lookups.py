"""What the public pages look up, or 404: a published curriculum version by its label."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort

from app.curriculum.models import CurriculumVersion, VersionStatus
from app.database import db


def published_version_or_404(label: str) -> CurriculumVersion:
    version = db.session.scalar(
        sa.select(CurriculumVersion).where(
            CurriculumVersion.label == label, CurriculumVersion.status == VersionStatus.PUBLISHED
        )
    )
    if version is None:
        abort(404)
    return version
