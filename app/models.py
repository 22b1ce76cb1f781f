"""Every model of every capability, imported in one place for metadata and Alembic."""

from app.accreditation.models import (
    Approval,
    CpdEntry,
    Credential,
    Declaration,
    LedgerEvent,
    VerificationCount,
)
from app.assurance.models import AwardBoard, ExaminerReport, SampleAddition
from app.audit.models import AuditEvent
from app.auth.models import Invitation, PasswordReset, User, UserRole
from app.cohorts.models import Cohort, ContactNote, Enrolment, ModuleSchedule, cohort_trainer
from app.curriculum.models import CurriculumVersion, Lesson, Module
from app.jobs.models import JobProgress
from app.learning.models import (
    LessonProgress,
)
from app.mail.models import OutboxMessage
from app.marking.models import IntegrityCase, Mark, SimilarityMatch, SimilaritySignature
from app.organisations.models import Organisation

__all__ = [
    "Approval",
    "AuditEvent",
    "AwardBoard",
    "Cohort",
    "ContactNote",
    "CpdEntry",
    "Credential",
    "CurriculumVersion",
    "Declaration",
    "Enrolment",
    "ExaminerReport",
    "IntegrityCase",
    "Invitation",
    "JobProgress",
    "LedgerEvent",
    "Lesson",
    "LessonProgress",
    "Mark",
    "Module",
    "ModuleSchedule",
    "Organisation",
    "OutboxMessage",
    "PasswordReset",
    "SampleAddition",
    "SimilarityMatch",
    "SimilaritySignature",
    "User",
    "UserRole",
    "VerificationCount",
    "cohort_trainer",
]
