"""Demo data for trying the platform locally: obviously fictional people and places."""

from __future__ import annotations

from datetime import date

from app.auth import services as auth
from app.auth.models import Role, User
from app.cohorts import services as cohorts
from app.cohorts.models import Cohort
from app.curriculum.services import published_versions
from app.database import db
from app.organisations import services as organisations
from app.organisations.models import Nation, OrganisationKind

DEMO_PASSWORD = "demo-password-not-secret"
COHORT_NAME = "Cohort 1 — September 2025"
ORGANISATION_NAME = "Riverside Example Advocacy (demo)"

PEOPLE = [
    ("Hub admin", "hub.admin@example.org", "Hazel Hubworth (demo)", {Role.HUB_ADMIN}),
    ("Trainer", "trainer@example.org", "Terry Tutorson (demo)", {Role.TRAINER}),
    ("Trainee", "trainee.one@example.org", "Tamsin Testperson (demo)", {Role.TRAINEE}),
    ("Trainee", "trainee.two@example.org", "Taylor Sampleton (demo)", {Role.TRAINEE}),
]


def _person(email: str, name: str, roles: set[Role]) -> User:
    user = auth.user_by_email(email) or User(email=email, name=name)
    db.session.add(user)
    auth.grant_roles(user, roles)
    if not user.is_active:
        auth.set_password(user, DEMO_PASSWORD)
        user.is_active_account = True
    return user


def create_demo_data() -> list[tuple[str, User]]:
    """Create what is missing; leave what exists alone. Returns (role label, user) pairs."""
    organisation = organisations.by_name(ORGANISATION_NAME) or organisations.create_organisation(
        ORGANISATION_NAME, OrganisationKind.NGO, Nation.ENGLAND, "North East (fictional)", actor=None
    )
    people = [(label, _person(email, name, roles)) for label, email, name, roles in PEOPLE]
    db.session.flush()
    trainer = people[1][1]
    cohort = db.session.scalar(db.select(Cohort).where(Cohort.name == COHORT_NAME))
    versions = published_versions()
    if cohort is None and versions:
        cohort = cohorts.create_cohort(
            COHORT_NAME,
            versions[0],
            date(2025, 9, 1),
            date(2027, 8, 31),
            [trainer],
            actor=None,
            lead_trainer=trainer,
        )
    if cohort is not None:
        enrolled = {e.user_id for e in cohort.enrolments}
        for label, user in people:
            if label == "Trainee" and user.id not in enrolled:
                cohorts.enrol(cohort, user, organisation, actor=None)
    return people
