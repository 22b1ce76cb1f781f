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
    if root:
        content, assessments = write_curriculum(root, **tree), None
    else:
        content, assessments = PROJECT_ROOT / "course_content", PROJECT_ROOT / "assessments"
    result = curriculum.load(content, assessments)
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


QUIZ_YAML = """\
title: Test quiz
pass_mark: {pass_mark}
attempts: {attempts}
questions_per_attempt: {drawn}
{time_limit}shuffle: true
feedback: {feedback}
cooling_off_days: 7
questions:
  - key: q-single
    type: single_choice
    stem: "Which is **right**?"
    options: {{a: "Right", b: "Wrong", c: "Also wrong"}}
    answer: a
    explanation: "Because it is right."
    source: "Example Act 2015, s.1 (as at 31 January 2026)"
    law_as_at: 2026-01-31
    review_due: 2099-07-31
  - key: q-multiple
    type: multiple_response
    stem: "Choose the two right ones."
    options: {{a: "Right one", b: "Right two", c: "Wrong", d: "Also wrong"}}
    answer: [a, b]
    explanation: "a and b are right."
    source: "Example guidance"
  - key: q-true
    type: true_false
    stem: "This is true."
    answer: true
    explanation: "It is."
    source: "Example guidance"
  - key: q-short
    type: short_text
    stem: "Name the thing."
    accepted: ["forced labour", "forced or compulsory labour"]
    explanation: "It is forced labour."
    source: "Example guidance"
  - key: q-match
    type: matching
    stem: "Match each country to its capital."
    pairs: {{Wales: Cardiff, Scotland: Edinburgh, "Northern Ireland": Belfast}}
    explanation: "Capitals."
    source: "Example guidance"
  - key: q-order
    type: ordering
    stem: "Put these in order."
    items: [First, Second, Third, Fourth]
    explanation: "Counting."
    source: "Example guidance"
"""

ASSIGNMENT_YAML = """\
title: Test assignment
brief: "Write about **independence**. Never identify a survivor."
word_limit: {word_limit}
due_days: 14
anonymisation_declaration: true
rubric:
  criteria:
    - key: accuracy
      title: Legal accuracy
      weight: 60
      gateway: true
      bands: {fail: "Wrong.", pass: "Mostly right.", merit: "Right.", distinction: "Insightful."}
    - key: clarity
      title: Clarity
      weight: 40
      bands: {fail: "Unclear.", pass: "Clear enough.", merit: "Clear.", distinction: "Very clear."}
"""

PORTFOLIO_YAML = """\
requirements:
  - key: practice-hours
    title: Direct advocacy practice
    unit: hours
    minimum: 10
    kinds: [direct_practice]
    description: Logged hours of direct advocacy.
  - key: supervision
    title: Supervision sessions
    unit: items
    minimum: 2
    kinds: [supervision]
    description: Reflective supervision sessions.
"""


def write_assessments(
    content: Path,
    module: str = "m01-module-1",
    quiz: bool = True,
    assignment: bool = True,
    portfolio: bool = True,
    drawn: int = 6,
    attempts: int = 3,
    pass_mark: int = 75,
    time_limit: int | None = None,
    feedback: str = "after_each_attempt",
    word_limit: int = 100,
) -> Path:
    """Assessment files for one module of a tree made by ``write_curriculum``; returns the folder."""
    folder = content.parent / "assessments" / module
    folder.mkdir(parents=True, exist_ok=True)
    if quiz:
        (folder / "quiz.yaml").write_text(
            QUIZ_YAML.format(
                pass_mark=pass_mark,
                attempts=attempts,
                drawn=drawn,
                feedback=feedback,
                time_limit=f"time_limit_minutes: {time_limit}\n" if time_limit else "",
            )
        )
    if assignment:
        (folder / "assignment.yaml").write_text(ASSIGNMENT_YAML.replace("{word_limit}", str(word_limit)))
    if portfolio:
        (folder / "portfolio.yaml").write_text(PORTFOLIO_YAML)
    return folder.parent


def make_assessed_version(root: Path, version: str = "test.1", **assessment_options):
    """A published version whose first module has a quiz, an assignment and a portfolio."""
    content = write_curriculum(root, version=version)
    assessments = write_assessments(content, **assessment_options)
    result = curriculum.load(content, assessments)
    curriculum.publish(result.version)
    db.session.commit()
    return result.version


ACCREDITATION_YAML = """\
accreditation:
  award: Accredited Independent Modern Slavery Advocate®
  complete_within_months: 24
  requires:
    modules_passed: [M02]
    portfolio: M01
    capstone: M01
    professional_discussion: M01
    declarations: [code_of_conduct, employer_dbs_check]
  validity_years: 3
  grace_days: 90
  renewal:
    cpd_hours_total: 60
    reflective_accounts: 2
    case_reviews: 1
    supervisor_endorsement: true
"""

DISCUSSION_YAML = """\
  - key: professional-discussion
    title: Structured professional discussion
    unit: items
    minimum: 1
    kinds: [professional_discussion]
    description: The discussion with an assessor, verified by them.
"""


def make_accreditation_version(root: Path, version: str = "acc.1"):
    """A small published version with a whole accreditation rule: M02 passed, and M01's portfolio,
    capstone (its assignment) and professional discussion, two declarations, and renewal needs."""
    content = write_curriculum(root, version=version)
    rule_file = content / "curriculum.yaml"
    rule_file.write_text(rule_file.read_text().split("accreditation:")[0] + ACCREDITATION_YAML)
    assessments = write_assessments(content)
    (assessments / "m01-module-1" / "portfolio.yaml").write_text(PORTFOLIO_YAML + DISCUSSION_YAML)
    result = curriculum.load(content, assessments)
    curriculum.publish(result.version)
    db.session.commit()
    return result.version


def make_credential(root: Path, holder=None, version=None):
    """An issued credential: a trainee who has done everything, approved by a Hub admin."""
    from app.accreditation import services as accreditation
    from app.accreditation.keys import keystore
    from app.demo import complete_training

    version = version or make_accreditation_version(root)
    trainer = make_user(Role.TRAINER)
    enrolment = make_enrolment(make_cohort(version, [trainer]), user=holder)
    complete_training(enrolment, trainer)
    keystore().init()
    credential = accreditation.approve(enrolment, "Approved in a test.", make_user(Role.HUB_ADMIN))
    db.session.commit()
    return credential


# --- progress rows written directly, for tests (and benchmarks) of what is derived from them


def add_lessons(enrolment, module, opened: int | None = None, completed: int = 0, when=None):
    """Open the first ``opened`` lessons of ``module`` (default: as many as completed) and complete
    the first ``completed``."""
    from app.database import utcnow
    from app.learning.models import LessonProgress

    when = when or utcnow()
    opened = completed if opened is None else opened
    for n, lesson in enumerate(module.lessons[: max(opened, completed)]):
        db.session.add(
            LessonProgress(
                enrolment_id=enrolment.id,
                lesson_id=lesson.id,
                first_opened_at=when,
                completed_at=when if n < completed else None,
            )
        )
    db.session.commit()


def add_quiz_attempt(enrolment, quiz, passed: bool | None, number: int = 1, when=None):
    """A marked attempt (``passed`` True/False) or one still open (``passed`` None)."""
    from app.database import utcnow
    from app.learning.models import QuizAttempt

    when = when or utcnow()
    attempt = QuizAttempt(
        enrolment_id=enrolment.id,
        quiz_id=quiz.id,
        number=number,
        seed=number,
        layout=[],
        started_at=when,
        submitted_at=None if passed is None else when,
        score=None if passed is None else (90.0 if passed else 40.0),
        passed=passed,
    )
    db.session.add(attempt)
    db.session.commit()
    return attempt


def add_piece(enrolment, assignment, status, band: str | None = None, attempt: int = 1, when=None, **extra):
    """A piece of written work in ``status`` (a SubmissionStatus); released pieces get ``band``."""
    from app.database import utcnow
    from app.learning.models import Submission, SubmissionStatus

    when = when or utcnow()
    released = status in (SubmissionStatus.RELEASED, SubmissionStatus.REFERRED)
    piece = Submission(
        enrolment_id=enrolment.id,
        assignment_id=assignment.id,
        attempt=attempt,
        status=status,
        text="Work.",
        word_count=1,
        revision=1,
        submitted_at=None if status is SubmissionStatus.DRAFT else when,
        marked_at=when if released or band else None,
        released_at=when if released else None,
        result_band=band,
        result_total={"fail": 35.0, "pass": 55.0, "merit": 65.0, "distinction": 75.0}.get(band),
        **extra,
    )
    db.session.add(piece)
    db.session.commit()
    return piece


def add_evidence(enrolment, module, kind: str, status, hours=None, when=None):
    from app.database import utcnow
    from app.learning.models import PortfolioEntry

    entry = PortfolioEntry(
        enrolment_id=enrolment.id,
        module_id=module.id,
        kind=kind,
        occurred_on=date(2026, 1, 5),
        hours=hours,
        description="Evidence described in general terms.",
        status=status,
        created_at=when or utcnow(),
    )
    db.session.add(entry)
    db.session.commit()
    return entry
