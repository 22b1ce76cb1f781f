"""Storing, publishing and comparing curriculum versions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy.orm import selectinload

from app.audit.services import record
from app.auth.access import require_role
from app.auth.models import Role
from app.curriculum.loader import LoadedCurriculum, build_manifest, load_tree, manifest_hash
from app.curriculum.models import (
    Assignment,
    CurriculumVersion,
    Lesson,
    Module,
    PortfolioRequirement,
    Quiz,
    VersionStatus,
)
from app.database import db, utcnow


class VersionConflict(Exception):
    """The tree changed but kept the label of a published version."""


@dataclass(frozen=True)
class LoadResult:
    version: CurriculumVersion
    created: bool  # False: this exact content was already stored


def store(loaded: LoadedCurriculum, actor=None) -> LoadResult:
    """Store a validated tree as a draft version (or find the identical one already stored).

    A draft with the same label is replaced; a published one with the same label but other content
    is a conflict, because a published version never changes.
    """
    require_role(actor, Role.HUB_ADMIN)
    existing = db.session.scalar(
        db.select(CurriculumVersion).where(CurriculumVersion.content_hash == loaded.content_hash)
    )
    if existing is not None:
        return LoadResult(existing, created=False)
    same_label = db.session.scalars(
        db.select(CurriculumVersion).where(CurriculumVersion.label == loaded.label)
    ).all()
    for version in same_label:
        if version.is_published:
            raise VersionConflict(
                f"version {loaded.label} is published with other content ({version.short_hash}); "
                "change `version` in curriculum.yaml to load the changed files"
            )
        record(actor, "curriculum.draft_replaced", version, content_hash=version.content_hash)
        db.session.delete(version)
    version = CurriculumVersion(
        label=loaded.label,
        title=loaded.title,
        content_hash=loaded.content_hash,
        manifest=loaded.manifest,
        accreditation_rule=loaded.accreditation_rule,
        modules=[
            Module(
                position=m.position,
                slug=m.slug,
                code=m.code,
                title=m.title,
                summary=m.summary,
                study_hours=m.study_hours,
                learning_outcomes=m.learning_outcomes,
                content_note=m.content_note,
                intro_html=m.intro_html,
                content_hash=m.content_hash,
                lessons=[
                    Lesson(
                        position=ls.position,
                        slug=ls.slug,
                        title=ls.title,
                        content_note=ls.content_note,
                        law_as_at=ls.law_as_at,
                        review_due=ls.review_due,
                        html=ls.html,
                        word_count=ls.word_count,
                        source_path=ls.source_path,
                        content_hash=ls.content_hash,
                    )
                    for ls in m.lessons
                ],
                quiz=Quiz(**m.assessments.quiz) if m.assessments.quiz else None,
                assignment=Assignment(**m.assessments.assignment) if m.assessments.assignment else None,
                portfolio_requirements=[
                    PortfolioRequirement(position=n, **r)
                    for n, r in enumerate(m.assessments.portfolio, start=1)
                ],
            )
            for m in loaded.modules
        ],
    )
    db.session.add(version)
    record(actor, "curriculum.loaded", version, label=version.label, content_hash=version.content_hash)
    return LoadResult(version, created=True)


def load(content_dir: Path, assessments_dir: Path | None, actor=None) -> LoadResult:
    """Validate the tree on disk and store it (raises ``CurriculumInvalid`` with every problem)."""
    return store(load_tree(content_dir, assessments_dir), actor)


def publish(version: CurriculumVersion, actor=None) -> CurriculumVersion:
    """Freeze a draft so cohorts can be pinned to it."""
    require_role(actor, Role.HUB_ADMIN)
    if version.is_published:
        return version
    version.status = VersionStatus.PUBLISHED
    version.published_at = utcnow()
    record(actor, "curriculum.published", version, label=version.label, content_hash=version.content_hash)
    return version


def versions() -> list[CurriculumVersion]:
    return list(db.session.scalars(db.select(CurriculumVersion).order_by(CurriculumVersion.id.desc())))


def published_versions() -> list[CurriculumVersion]:
    return [v for v in versions() if v.is_published]


def find_version(label_or_hash: str) -> CurriculumVersion | None:
    """The version with this content hash (or its prefix), else the newest with this label."""
    candidates = [
        v for v in versions() if v.content_hash.startswith(label_or_hash.lower()) or v.label == label_or_hash
    ]
    return candidates[0] if candidates else None


@dataclass(frozen=True)
class TreeDiff:
    added: list[str]
    removed: list[str]
    changed: list[str]
    content_hash: str

    @property
    def unchanged(self) -> bool:
        return not (self.added or self.removed or self.changed)


def diff(version: CurriculumVersion, content_dir: Path, assessments_dir: Path | None) -> TreeDiff:
    """What the files on disk change compared with a stored version (file by file)."""
    current = build_manifest(content_dir, assessments_dir)
    stored = version.manifest
    return TreeDiff(
        added=sorted(set(current) - set(stored)),
        removed=sorted(set(stored) - set(current)),
        changed=sorted(p for p in set(current) & set(stored) if current[p] != stored[p]),
        content_hash=manifest_hash(current),
    )


def module_by_slug(version: CurriculumVersion, slug: str) -> Module | None:
    return db.session.scalar(db.select(Module).where(Module.version_id == version.id, Module.slug == slug))


@dataclass(frozen=True)
class ReviewDue:
    module: Module
    kind: str  # "lesson" or "question"
    name: str  # lesson title, or question key
    location: str  # source file
    review_due: date

    @property
    def overdue(self) -> bool:
        return self.review_due < date.today()


def review_due(version: CurriculumVersion, within_days: int = 60) -> list[ReviewDue]:
    """Lessons and quiz questions of a version whose legal review is overdue or due within ``within_days``,
    soonest first, so legal content never goes stale unnoticed."""
    horizon = date.today() + timedelta(days=within_days)
    modules = db.session.scalars(
        db.select(Module)
        .where(Module.version_id == version.id)
        .options(selectinload(Module.lessons), selectinload(Module.quiz))
        .order_by(Module.position)
    ).all()
    items = []
    for module in modules:
        for lesson in module.lessons:
            if lesson.review_due and lesson.review_due <= horizon:
                items.append(ReviewDue(module, "lesson", lesson.title, lesson.source_path, lesson.review_due))
        if module.quiz:
            quiz_file = f"assessments/{module.slug}/quiz.yaml"
            for question in module.quiz.questions:
                due = date.fromisoformat(question["review_due"]) if question.get("review_due") else None
                if due and due <= horizon:
                    items.append(ReviewDue(module, "question", question["key"], quiz_file, due))
    return sorted(items, key=lambda item: (item.review_due, item.module.position, item.location, item.name))
