"""Whether a trainee has passed each module, and what is outstanding: derived, never stored.

A module is passed when its lessons are done, its quiz (if any) is passed, its written work (if any) is
released at Pass or above, and its portfolio requirements (if any) are met.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from app.cohorts.models import Enrolment
from app.curriculum.models import Module
from app.database import db
from app.learning.models import PortfolioEntry, QuizAttempt, Submission, SubmissionStatus
from app.learning.portfolio import totals
from app.learning.services import ModuleProgress, Overview, Status


@dataclass(frozen=True)
class ModuleOutcome:
    progress: ModuleProgress
    outstanding: list[str] = field(default_factory=list)

    @property
    def module(self) -> Module:
        return self.progress.module

    @property
    def passed(self) -> bool:
        return not self.outstanding

    @property
    def status(self) -> Status:
        if self.passed:
            return Status.PASSED
        return Status.NOT_STARTED if self.progress.status is Status.NOT_STARTED else Status.IN_PROGRESS


def outcomes(enrolment: Enrolment, overview: Overview) -> list[ModuleOutcome]:
    """Every module's outcome, with a fixed number of queries however many modules there are."""
    passed_quizzes = set(
        db.session.scalars(
            sa.select(QuizAttempt.quiz_id).where(QuizAttempt.enrolment_id == enrolment.id, QuizAttempt.passed)
        )
    )
    pieces = {
        s.assignment_id: s
        for s in db.session.scalars(
            sa.select(Submission).where(Submission.enrolment_id == enrolment.id).order_by(Submission.attempt)
        )
    }
    evidence = list(
        db.session.scalars(sa.select(PortfolioEntry).where(PortfolioEntry.enrolment_id == enrolment.id))
    )
    result = []
    for progress in overview.modules:
        module, outstanding = progress.module, []
        if progress.lessons_completed < progress.lessons_total:
            left = progress.lessons_total - progress.lessons_completed
            outstanding.append(f"{left} lesson{'s' if left != 1 else ''} to complete")
        if module.quiz and module.quiz.id not in passed_quizzes:
            outstanding.append("pass the quiz")
        if module.assignment:
            piece = pieces.get(module.assignment.id)
            if piece is None or piece.status is SubmissionStatus.DRAFT:
                outstanding.append("submit the written assignment")
            elif piece.status is SubmissionStatus.REFERRED:
                outstanding.append("resubmit the written assignment (it was referred)")
            elif piece.status is SubmissionStatus.RELEASED and piece.result_band == "fail":
                outstanding.append(
                    "the written assignment was not passed: talk to your trainer about next steps"
                )
            elif piece.status is not SubmissionStatus.RELEASED:
                outstanding.append("the written assignment is waiting for marking")
        if module.portfolio_requirements:
            logged = [e for e in evidence if e.module_id == module.id]
            unmet = [t.requirement.title for t in totals(module, logged) if not t.met]
            if unmet:
                outstanding.append(f"portfolio evidence still needed: {', '.join(unmet)}")
        result.append(ModuleOutcome(progress, outstanding))
    return result
