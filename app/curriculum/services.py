"""Storing, publishing and comparing curriculum versions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy.orm import selectinload

from app.audit.services import record
from app.auth.access import require_role
from app.auth.models import Role
from app.curriculum.currency import LABELS, ORDER, Currency, Record, currency, describe
from app.curriculum.loader import LoadedCurriculum, build_manifest, load_tree, manifest_hash
from app.curriculum.models import (
    Assignment,
    CurriculumVersion,
    Lesson,
    Module,
    PortfolioRequirement,
    QuestionWithholding,
    Quiz,
    VersionStatus,
)
from app.database import db, utcnow
from app.i18n import gettext as _
from app.refusal import Refused


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
        language=loaded.language,
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
                        review=ls.review,
                        aftercare=ls.aftercare,
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


SOON = timedelta(days=60)


@dataclass(frozen=True)
class ReviewItem:
    """One lesson or quiz question with legal content, and its review state today."""

    module: Module
    kind: str  # "lesson" or "question"
    name: str  # lesson title, or question key
    location: str  # source file
    review_due: date | None
    state: Currency
    sentence: str
    due_soon: bool  # in date, but its review falls due within SOON


def _item(module, kind, name, location, review_due, rec: Record, law_as_at, today) -> ReviewItem:
    state = currency(review_due, rec, today)
    soon = state is Currency.IN_DATE and review_due is not None and review_due <= today + SOON
    sentence = describe(state, review_due, law_as_at, rec)
    return ReviewItem(module, kind, name, location, review_due, state, sentence, soon)


def _question_dates(question: dict) -> tuple[date | None, date | None]:
    return tuple(
        date.fromisoformat(question[k]) if question.get(k) else None for k in ("review_due", "law_as_at")
    )


def review_items(version: CurriculumVersion, today: date) -> list[ReviewItem]:
    """Every lesson and quiz question of a version that has dated legal content or a review record, with
    its state, in module order."""
    modules = db.session.scalars(
        db.select(Module)
        .where(Module.version_id == version.id)
        .options(selectinload(Module.lessons), selectinload(Module.quiz))
        .order_by(Module.position)
    ).all()
    items = []
    for module in modules:
        for lesson in module.lessons:
            if lesson.review_due or lesson.review:
                rec = Record.from_json(lesson.review)
                items.append(
                    _item(
                        module,
                        "lesson",
                        lesson.title,
                        lesson.source_path,
                        lesson.review_due,
                        rec,
                        lesson.law_as_at,
                        today,
                    )
                )
        for question in module.quiz.questions if module.quiz else []:
            due, as_at = _question_dates(question)
            if due or question.get("review"):
                rec = Record.from_json(question.get("review"))
                location = f"assessments/{module.slug}/quiz.yaml"
                items.append(_item(module, "question", question["key"], location, due, rec, as_at, today))
    return items


@dataclass(frozen=True)
class ReviewOverview:
    """A version's review states, grouped for the Hub: by state (most urgent first) and by module."""

    items: list[ReviewItem]

    def by_state(self) -> list[tuple[Currency, str, list[ReviewItem]]]:
        return [
            (state, LABELS[state], found)
            for state in ORDER
            if (found := [i for i in self.items if i.state is state])
        ]

    def by_module(self) -> list[tuple[Module, dict[Currency, int]]]:
        rows: dict[int, tuple[Module, dict[Currency, int]]] = {}
        for item in self.items:
            _, counts = rows.setdefault(item.module.id, (item.module, dict.fromkeys(ORDER, 0)))
            counts[item.state] += 1
        return list(rows.values())


def review_overview(version: CurriculumVersion, today: date | None = None) -> ReviewOverview:
    return ReviewOverview(review_items(version, today or date.today()))


# --- withholding quiz questions whose legal review is long overdue (a per-curriculum setting, off by default)


class WithholdingRefused(Refused):
    """The withholding setting cannot be changed like this; ``field`` names the form field."""


def withheld_keys(questions: list[dict], overdue_days: int, today: date) -> set[str]:
    """The keys of the questions overdue for their legal review by more than ``overdue_days``."""
    withheld = set()
    for question in questions:
        due, _ = _question_dates(question)
        state = currency(due, Record.from_json(question.get("review")), today)
        if state is Currency.OVERDUE and due + timedelta(days=overdue_days) < today:
            withheld.add(question["key"])
    return withheld


@dataclass(frozen=True)
class WithholdingPreview:
    """What withholding with ``overdue_days`` would remove from new draws, module by module."""

    overdue_days: int
    removed: list[tuple[Module, int, int]]  # (module, questions withheld, questions left)
    too_small: list[Module]  # banks that would have fewer questions than an attempt draws

    @property
    def total(self) -> int:
        return sum(n for _, n, _ in self.removed)


def _quizzes(version: CurriculumVersion) -> list[Module]:
    return [m for m in version.modules if m.quiz]


def preview_withholding(version: CurriculumVersion, overdue_days: int, today: date | None = None):
    today = today or date.today()
    removed, too_small = [], []
    for module in _quizzes(version):
        withheld = withheld_keys(module.quiz.questions, overdue_days, today)
        left = len(module.quiz.questions) - len(withheld)
        if withheld:
            removed.append((module, len(withheld), left))
        if left < module.quiz.questions_per_attempt:
            too_small.append(module)
    return WithholdingPreview(overdue_days, removed, too_small)


def withholding(version: CurriculumVersion) -> QuestionWithholding | None:
    return db.session.scalar(
        db.select(QuestionWithholding).where(QuestionWithholding.version_id == version.id)
    )


MAX_OVERDUE_DAYS = 3650


def set_withholding(
    version: CurriculumVersion, overdue_days: int | None, actor
) -> QuestionWithholding | None:
    """Turn withholding on (with its period in days) or off (None) for a version, and record it.

    Refused if any bank would be left with fewer questions than an attempt draws: a trainee must always
    be able to take the quiz.
    """
    require_role(actor, Role.HUB_ADMIN)
    current = withholding(version)
    if overdue_days is None:
        if current is not None:
            db.session.delete(current)
            record(actor, "curriculum.withholding_off", version, overdue_days=current.overdue_days)
        return None
    if not 0 <= overdue_days <= MAX_OVERDUE_DAYS:
        raise WithholdingRefused(
            _("Enter a number of days from 0 to %(days)s", days=MAX_OVERDUE_DAYS), field="overdue_days"
        )
    if current is not None and current.overdue_days == overdue_days:
        return current  # already so (a double-click): nothing changes, nothing more to record
    preview = preview_withholding(version, overdue_days)
    if preview.too_small:
        codes = ", ".join(m.code for m in preview.too_small)
        raise WithholdingRefused(
            _(
                "That would leave too few questions for an attempt in %(modules)s: choose more days",
                modules=codes,
            ),
            field="overdue_days",
        )
    if current is None:
        current = QuestionWithholding(version_id=version.id, overdue_days=overdue_days)
        db.session.add(current)
    current.overdue_days, current.set_by_id, current.set_at = (
        overdue_days,
        getattr(actor, "id", None),
        utcnow(),
    )
    record(actor, "curriculum.withholding_on", version, overdue_days=overdue_days, withheld=preview.total)
    return current


def withheld_from_draws(quiz: Quiz, today: date | None = None) -> set[str]:
    """The question keys to leave out of a new attempt at ``quiz`` under its version's setting (none when
    off, or when leaving them out would make the bank too small for an attempt)."""
    setting = withholding(quiz.module.version)
    if setting is None:
        return set()
    withheld = withheld_keys(quiz.questions, setting.overdue_days, today or date.today())
    return withheld if len(quiz.questions) - len(withheld) >= quiz.questions_per_attempt else set()
