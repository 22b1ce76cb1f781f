"""Demo data for trying the platform locally: obviously fictional people and places."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa

from app.accreditation.approval import approve
from app.accreditation.keys import keystore
from app.accreditation.lookups import for_holder
from app.accreditation.models import Approval, Declaration
from app.auth import services as auth
from app.auth.models import Role, User
from app.cohorts import services as cohorts
from app.cohorts.models import Cohort, Enrolment
from app.curriculum.services import published_versions
from app.database import db, utcnow
from app.learning.models import (
    EvidenceStatus,
    LessonProgress,
    PortfolioEntry,
    QuizAttempt,
    Submission,
    SubmissionStatus,
)
from app.organisations import services as organisations
from app.organisations.models import Nation, OrganisationKind

DEMO_PASSWORD = "demo-password-not-secret"
COHORT_NAME = "Cohort 1 — September 2025"
ORGANISATION_NAME = "Riverside Example Advocacy (demo)"

PEOPLE = [
    ("Hub admin", "hub.admin@example.org", "Hazel Hubworth (demo)", {Role.HUB_ADMIN}),
    ("Trainer", "trainer@example.org", "Terry Tutorson (demo)", {Role.TRAINER}),
    # A second trainer, so the demo shows blind second marking and moderation.
    ("Second marker", "second.marker@example.org", "Morgan Moderatorson (demo)", {Role.TRAINER}),
    ("Trainee", "trainee.one@example.org", "Tamsin Testperson (demo)", {Role.TRAINEE}),
    ("Trainee", "trainee.two@example.org", "Taylor Sampleton (demo)", {Role.TRAINEE}),
    ("Accredited IMSA®", "accredited@example.org", "Alex Exampleworth (demo)", {Role.TRAINEE}),
    # Not appointed to the demo cohort: the Hub admin can appoint them under Examining and boards.
    ("External examiner", "examiner@example.org", "Eden Examinerson (demo)", {Role.EXTERNAL_EXAMINER}),
]
ACCREDITED_EMAIL = "accredited@example.org"


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
    trainer, second_marker = people[1][1], people[2][1]
    cohort = db.session.scalar(db.select(Cohort).where(Cohort.name == COHORT_NAME))
    versions = published_versions()
    if cohort is None and versions:
        cohort = cohorts.create_cohort(
            COHORT_NAME,
            versions[0],
            date(2025, 9, 1),
            date(2027, 8, 31),
            [trainer, second_marker],
            actor=None,
            lead_trainer=trainer,
            allocation="round_robin",
        )
    elif cohort is not None and second_marker not in cohort.trainers:  # a demo made before there were two
        cohorts.change_staff(cohort, [*cohort.trainers, second_marker], cohort.lead_trainer, actor=None)
    if cohort is not None:
        enrolled = {e.user_id for e in cohort.enrolments}
        for _label, user in people:
            if Role.TRAINEE in user.roles and user.id not in enrolled:
                cohorts.enrol(cohort, user, organisation, actor=None)
        db.session.flush()
        _accredit(next(e for e in cohort.enrolments if e.user.email == ACCREDITED_EMAIL), trainer)
    return people


def demo_credentials() -> list:
    user = auth.user_by_email(ACCREDITED_EMAIL)
    return for_holder(user) if user else []


def _accredit(enrolment: Enrolment, trainer: User) -> None:
    """One accredited IMSA® with an issued credential, so verification can be tried at once."""
    if db.session.scalar(sa.select(Approval.id).where(Approval.enrolment_id == enrolment.id)):
        return
    complete_training(enrolment, trainer)
    keystore().init()
    approve(enrolment, "Demo accreditation (fictional person).", actor=None)


def complete_training(enrolment: Enrolment, reviewer: User, when: datetime | None = None) -> None:
    """Record everything the accreditation rule asks for, as if the trainee had done it all: every
    lesson completed, every quiz passed, every written assignment released at Pass, every portfolio
    requirement met with verified evidence, and every declaration made. For demo data and tests."""
    when = when or utcnow() - timedelta(days=7)
    version = enrolment.cohort.curriculum_version
    for module in version.modules:
        for lesson in module.lessons:
            db.session.add(
                LessonProgress(
                    enrolment_id=enrolment.id, lesson_id=lesson.id, first_opened_at=when, completed_at=when
                )
            )
        if module.quiz:
            db.session.add(
                QuizAttempt(
                    enrolment_id=enrolment.id,
                    quiz_id=module.quiz.id,
                    number=1,
                    seed=1,
                    layout=[],
                    started_at=when,
                    submitted_at=when,
                    score=100.0,
                    passed=True,
                )
            )
        if module.assignment:
            text = "Demo submission: an anonymised case study written for the demonstration."
            db.session.add(
                Submission(
                    enrolment_id=enrolment.id,
                    assignment_id=module.assignment.id,
                    attempt=1,
                    status=SubmissionStatus.RELEASED,
                    text=text,
                    word_count=len(text.split()),
                    anonymisation_confirmed=True,
                    submitted_at=when,
                    marker_id=reviewer.id,
                    marked_at=when,
                    result_total=60.0,
                    result_band="pass",
                    released_at=when,
                )
            )
        for requirement in module.portfolio_requirements:
            items = 1 if requirement.unit == "hours" else requirement.minimum
            for _ in range(items):
                db.session.add(
                    PortfolioEntry(
                        enrolment_id=enrolment.id,
                        module_id=module.id,
                        kind=requirement.kinds[0],
                        occurred_on=when.date(),
                        hours=Decimal(requirement.minimum) if requirement.unit == "hours" else Decimal(1),
                        description="Demo evidence, described in general terms.",
                        status=EvidenceStatus.VERIFIED,
                        reviewed_by_id=reviewer.id,
                        reviewed_at=when,
                    )
                )
    for key in version.accreditation_rule.get("requires", {}).get("declarations", []):
        db.session.add(Declaration(enrolment_id=enrolment.id, key=key, confirmed_at=when))
    db.session.flush()
