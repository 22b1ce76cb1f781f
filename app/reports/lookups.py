"""One lookup per reports resource for the views: the record, if the signed-in person may see it, or 404."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from app.auth import policy
from app.cohorts import services as cohorts
from app.cohorts.models import Cohort
from app.curriculum.models import CurriculumVersion, Module
from app.database import db


def quiz_module_or_404(content_hash: str, module_slug: str) -> tuple[Module, list[Cohort]]:
    """A module with a quiz, and the viewer's cohorts on its curriculum version (every cohort for a Hub
    admin, a trainer's own otherwise). A trainer with no cohort on the version gets 404."""
    version = db.session.scalar(
        db.select(CurriculumVersion).where(CurriculumVersion.content_hash == content_hash)
    )
    module = next((m for m in version.modules if m.slug == module_slug), None) if version else None
    if module is None or module.quiz is None:
        abort(404)
    mine = [c for c in cohorts.cohorts_for(current_user) if c.curriculum_version_id == version.id]
    if not mine and not policy.is_hub_admin(current_user):
        abort(404)
    return module, mine
