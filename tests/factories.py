"""Factories: small functions that build real records (and curriculum trees) for tests."""

from __future__ import annotations

import itertools
import textwrap
from datetime import date
from pathlib import Path

from argon2 import PasswordHasher

from app.auth import services as auth
from app.auth.models import Role, User
from app.cohorts import services as cohorts
from app.config import PROJECT_ROOT
from app.curriculum import services as curriculum
from app.database import db
from app.organisations import services as organisations
from app.organisations.models import Nation, OrganisationKind

PASSWORD = "a-long-test-password"
# Hashed once: argon2 is deliberately slow, and every test makes several people.
_PASSWORD_HASH = PasswordHasher().hash(PASSWORD)
_counter = itertools.count(1)


def make_user(*roles: Role, name: str | None = None, email: str | None = None, active: bool = True) -> User:
    n = next(_counter)
    user = User(email=email or f"person{n}@example.org", name=name or f"Test Person {n}")
    db.session.add(user)
    auth.grant_roles(user, set(roles) or {Role.TRAINEE})
    if active:
        user.password_hash = _PASSWORD_HASH
        user.is_active_account = True
    db.session.commit()
    return user


def make_organisation(name: str | None = None):
    organisation = organisations.create_organisation(
        name or f"Example Host Organisation {next(_counter)}",
        OrganisationKind.NGO,
        Nation.WALES,
        None,
        actor=None,
    )
    db.session.commit()
    return organisation


def write_curriculum(root: Path, modules: int = 2, lessons: int = 2, version: str = "test.1") -> Path:
    """A small valid curriculum tree under ``root``; returns its course_content folder."""
    content = root / "course_content"
    folders = [f"m{m:02d}-module-{m}" for m in range(1, modules + 1)]
    content.mkdir(parents=True)
    (content / "curriculum.yaml").write_text(
        f'version: "{version}"\ntitle: Test curriculum\nmodules:\n'
        + "".join(f"  - {f}\n" for f in folders)
        + "accreditation:\n  requires:\n    modules_passed: []\n"
    )
    for m, folder in enumerate(folders, start=1):
        (content / folder / "lessons").mkdir(parents=True)
        (content / folder / "module.md").write_text(
            textwrap.dedent(f"""\
            ---
            code: M{m:02d}
            title: Module {m}
            summary: What module {m} is about.
            study_hours: 10
            learning_outcomes:
              - Explain topic {m}.
            ---
            Introduction to module {m}.
            """)
        )
        for n in range(1, lessons + 1):
            (content / folder / "lessons" / f"{n:02d}-lesson-{n}.md").write_text(
                textwrap.dedent(f"""\
                ---
                title: Lesson {m}.{n}
                law_as_at: 2026-01-31
                review_due: 2099-07-31
                ---
                ## Section

                Text of lesson {m}.{n}, with a source.[^s]

                [^s]: Example Act 2015, s.1 (as at 31 January 2026).
                """)
            )
    return content


def make_version(root: Path | None = None, publish: bool = True, **tree):
    """A stored curriculum version: the small test tree under ``root``, or the real one without."""
    content = write_curriculum(root, **tree) if root else PROJECT_ROOT / "course_content"
    result = curriculum.load(content, None)
    if publish:
        curriculum.publish(result.version)
    db.session.commit()
    return result.version


def make_cohort(version, trainers=(), name: str | None = None):
    cohort = cohorts.create_cohort(
        name or f"Cohort {next(_counter)}",
        version,
        date(2025, 9, 1),
        date(2027, 8, 31),
        list(trainers),
        actor=None,
    )
    db.session.commit()
    return cohort


def make_enrolment(cohort, user=None, organisation=None):
    enrolment = cohorts.enrol(
        cohort, user or make_user(Role.TRAINEE), organisation or make_organisation(), None
    )
    db.session.commit()
    return enrolment
