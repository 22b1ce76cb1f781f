from __future__ import annotations

from app.audit.services import record
from app.auth.access import require_role
from app.auth.models import Role
from app.database import db
from app.i18n import gettext as _
from app.organisations.models import Nation, Organisation, OrganisationKind
from app.refusal import Refused


class DuplicateName(Refused):
    pass


def create_organisation(
    name: str, kind: OrganisationKind, nation: Nation, region: str | None, actor
) -> Organisation:
    require_role(actor, Role.HUB_ADMIN)
    name = name.strip()
    if by_name(name):
        raise DuplicateName(_("An organisation called %(name)s already exists", name=name))
    organisation = Organisation(name=name, kind=kind, nation=nation, region=(region or "").strip() or None)
    db.session.add(organisation)
    record(actor, "organisation.created", organisation, name=name, kind=kind.value, nation=nation.value)
    return organisation


def by_name(name: str) -> Organisation | None:
    return db.session.scalar(
        db.select(Organisation).where(db.func.lower(Organisation.name) == name.strip().lower())
    )


def by_public_id(public_id: str) -> Organisation | None:
    return db.session.scalar(db.select(Organisation).where(Organisation.public_id == public_id))


def all_organisations() -> list[Organisation]:
    return list(db.session.scalars(db.select(Organisation).order_by(Organisation.name)))
