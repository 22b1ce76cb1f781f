"""The professional declarations a trainee makes before accreditation."""

from __future__ import annotations

import sqlalchemy as sa

from app.accreditation.eligibility import DECLARATIONS
from app.accreditation.errors import AccreditationError
from app.accreditation.models import Declaration
from app.audit.services import record
from app.auth.access import PermissionDenied
from app.cohorts.models import Enrolment
from app.database import db
from app.i18n import gettext as _


def confirm_declarations(enrolment: Enrolment, keys: list[str], actor) -> list[Declaration]:
    """Record the declarations ``keys`` the rule asks for (each once); only the trainee makes their own."""
    if actor is not None and actor.id != enrolment.user_id:
        raise PermissionDenied("only the trainee can make their own declarations")
    wanted = enrolment.cohort.curriculum_version.accreditation_rule.get("requires", {}).get(
        "declarations", []
    )
    unknown = set(keys) - set(wanted)
    if unknown:
        raise AccreditationError(_("Unknown declaration: %(keys)s", keys=", ".join(sorted(unknown))))
    existing = confirmed_declarations(enrolment)
    made = [Declaration(enrolment_id=enrolment.id, key=key) for key in keys if key not in existing]
    for declaration in made:
        db.session.add(declaration)
        record(
            actor,
            "declaration.confirmed",
            enrolment,
            key=declaration.key,
            text=DECLARATIONS.get(declaration.key),
        )
    return made


def confirmed_declarations(enrolment: Enrolment) -> set[str]:
    return set(db.session.scalars(sa.select(Declaration.key).where(Declaration.enrolment_id == enrolment.id)))
