"""Reads ``assessments/<module folder>/``: ``quiz.yaml``, ``assignment.yaml`` and ``portfolio.yaml``
(format in ``assessments/README.md``), reporting every problem with its file and line.

What is returned is plain data (dicts), already validated, with Markdown rendered to sanitised HTML; it is
stored in the curriculum version as loaded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from app.assessments.question_types import REGISTRY
from app.assessments.rubric import BANDS, DEFAULT_MODERATION, DEFAULT_RESUBMISSION, DEFAULT_THRESHOLDS
from app.curriculum.rendering import render_markdown

KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FEEDBACK = ("after_each_attempt", "after_final_attempt", "after_passing")
UNITS = ("hours", "items")
FILES = ("quiz.yaml", "assignment.yaml", "portfolio.yaml")
# Far above the largest shipped file (M02's question bank, about 83 KiB): a YAML file over it is a
# mistake (a pasted export, a binary), not an assessment. curriculum.yaml has the same limit.
MAX_YAML_BYTES = 1024 * 1024


@dataclass
class LoadedAssessments:
    quiz: dict | None = None
    assignment: dict | None = None
    portfolio: list[dict] = field(default_factory=list)


class _Checks:
    """Field checks against one YAML mapping; each problem is reported at the field's line."""

    def __init__(self, reader, path: Path, doc):
        self.reader, self.path, self.doc = reader, path, doc

    def problem(self, key: str | None, message: str) -> None:
        line = self.doc.lines.get(key, self.doc.start_line) if key else self.doc.start_line
        self.reader.problem(self.path, line, message)

    def known(self, allowed: set[str]) -> None:
        for key in self.doc.data:
            if key not in allowed:
                self.problem(key, f"unknown key `{key}` (known: {', '.join(sorted(allowed))})")

    def text(self, key: str, required: bool = True, max_len: int = 20000) -> str | None:
        value = self.doc.data.get(key)
        if value is None:
            if required:
                self.problem(None, f"`{key}` is required")
            return None
        if not isinstance(value, str) or not value.strip() or len(value) > max_len:
            self.problem(key, f"`{key}` must be text of at most {max_len} characters")
            return None
        return value.strip()

    def whole(self, key: str, low: int, high: int, default: int | None = None) -> int | None:
        value = self.doc.data.get(key, default)
        if value is None:
            self.problem(None, f"`{key}` is required")
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.problem(key, f"`{key}` must be a whole number from {low} to {high}")
            return None
        return value

    def flag(self, key: str, default: bool) -> bool:
        value = self.doc.data.get(key, default)
        if not isinstance(value, bool):
            self.problem(key, f"`{key}` must be true or false")
            return default
        return value

    def choice(self, key: str, choices: tuple[str, ...], default: str | None = None) -> str | None:
        value = self.doc.data.get(key, default)
        if value not in choices:
            self.problem(
                key if key in self.doc.data else None, f"`{key}` must be one of: {', '.join(choices)}"
            )
            return None
        return value

    def key(self, seen: dict[str, int]) -> str | None:
        """A stable key: lowercase words and hyphens, unique among ``seen`` (key -> its line)."""
        key = self.text("key", max_len=80)
        if key and not KEY.match(key):
            self.problem("key", "`key` must be lowercase letters, digits and hyphens")
        elif key in seen:
            self.problem("key", f"key `{key}` is also used on line {seen[key]}")
        elif key:
            seen[key] = self.doc.lines["key"]
        return key

    def dates(self) -> tuple[date | None, date | None]:
        law_as_at, review_due = self.doc.data.get("law_as_at"), self.doc.data.get("review_due")
        for key, value in (("law_as_at", law_as_at), ("review_due", review_due)):
            if value is not None and not isinstance(value, date):
                self.problem(key, f"`{key}` must be a date written YYYY-MM-DD")
                return None, None
        if law_as_at and not review_due:
            self.problem("law_as_at", "`review_due` is required when `law_as_at` is given")
        if law_as_at and review_due and review_due <= law_as_at:
            self.problem("review_due", "`review_due` must be after `law_as_at`")
        return law_as_at, review_due


def _normalise_options(data: dict) -> None:
    """YAML reads option keys such as `1` or `yes` as numbers or booleans; they are keys, so text."""
    if isinstance(data.get("options"), dict):
        data["options"] = {str(k): v for k, v in data["options"].items()}
    answer = data.get("answer")
    if "options" in data and isinstance(answer, (int, str)) and not isinstance(answer, bool):
        data["answer"] = str(answer)
    elif "options" in data and isinstance(answer, list):
        data["answer"] = [str(a) for a in answer]


def _question(reader, path: Path, doc, seen: dict[str, int]) -> dict | None:
    checks = _Checks(reader, path, doc)
    before = len(reader.problems)
    key = checks.key(seen)
    kind = checks.choice("type", tuple(sorted(REGISTRY)))
    common = {"key", "type", "stem", "explanation", "source", "law_as_at", "review_due"}
    checks.known(
        common | (REGISTRY[kind].fields if kind else set().union(*(t.fields for t in REGISTRY.values())))
    )
    stem = checks.text("stem", max_len=4000)
    explanation = checks.text("explanation", max_len=4000)
    source = checks.text("source", max_len=1000)
    law_as_at, review_due = checks.dates()
    if kind:
        data = dict(doc.data)
        _normalise_options(data)
        REGISTRY[kind].check(data, checks.problem)
    if len(reader.problems) > before:
        return None
    question = {name: data[name] for name in REGISTRY[kind].fields}
    question.update(
        key=key,
        type=kind,
        stem_html=render_markdown(stem),
        explanation_html=render_markdown(explanation),
        source_html=render_markdown(source),
        law_as_at=law_as_at.isoformat() if law_as_at else None,
        review_due=review_due.isoformat() if review_due else None,
    )
    return question


def _quiz(reader, path: Path, doc) -> dict | None:
    checks = _Checks(reader, path, doc)
    before = len(reader.problems)
    checks.known(
        {
            "title",
            "pass_mark",
            "attempts",
            "questions_per_attempt",
            "time_limit_minutes",
            "shuffle",
            "feedback",
            "cooling_off_days",
            "questions",
        }
    )
    quiz = {
        "title": checks.text("title", max_len=200),
        "pass_mark": checks.whole("pass_mark", 1, 100),
        "attempts": checks.whole("attempts", 1, 10),
        "questions_per_attempt": checks.whole("questions_per_attempt", 1, 200),
        "time_limit_minutes": None,
        "shuffle": checks.flag("shuffle", True),
        "feedback": checks.choice("feedback", FEEDBACK, default="after_each_attempt"),
        "cooling_off_days": checks.whole("cooling_off_days", 0, 365, default=0),
    }
    if "time_limit_minutes" in doc.data:
        quiz["time_limit_minutes"] = checks.whole("time_limit_minutes", 1, 600)
    items = doc.items("questions")
    if not items:
        checks.problem(
            "questions" if "questions" in doc.data else None, "`questions` must list the question bank"
        )
    seen: dict[str, int] = {}
    questions = []
    for line, item in items:
        if item is None:
            reader.problem(path, line, "each question must be a mapping of `key: value` lines")
            continue
        question = _question(reader, path, item, seen)
        if question:
            questions.append(question)
    drawn = quiz["questions_per_attempt"]
    if drawn and items and len(items) < drawn:
        checks.problem(
            "questions_per_attempt",
            f"`questions_per_attempt` is {drawn} but the bank has only {len(items)} questions",
        )
    if len(reader.problems) > before:
        return None
    quiz["questions"] = questions
    return quiz


def _criterion(reader, path: Path, doc, seen: dict[str, int]) -> dict | None:
    checks = _Checks(reader, path, doc)
    before = len(reader.problems)
    checks.known({"key", "title", "weight", "gateway", "bands"})
    criterion = {
        "key": checks.key(seen),
        "title": checks.text("title", max_len=200),
        "weight": checks.whole("weight", 1, 100),
        "gateway": checks.flag("gateway", False),
    }
    bands = doc.data.get("bands")
    if (
        not isinstance(bands, dict)
        or set(bands) != set(BANDS)
        or not all(isinstance(v, str) and v.strip() for v in bands.values())
    ):
        checks.problem(
            "bands" if "bands" in doc.data else None,
            "`bands` must describe each band: fail, pass, merit and distinction",
        )
    if len(reader.problems) > before:
        return None
    criterion["bands"] = {band: render_markdown(bands[band]) for band in BANDS}
    return criterion


def _criteria(reader, path: Path, rubric, checks: _Checks) -> list[dict]:
    """The rubric's good criteria; their weights must add up to 100."""
    seen: dict[str, int] = {}
    criteria = []
    items = rubric.items("criteria")
    if not items:
        checks.problem(None, "`criteria` must list at least one criterion")
    for line, item in items:
        if item is None:
            reader.problem(path, line, "each criterion must be a mapping of `key: value` lines")
        elif criterion := _criterion(reader, path, item, seen):
            criteria.append(criterion)
    if criteria and len(criteria) == len(items) and sum(c["weight"] for c in criteria) != 100:
        checks.problem(
            "criteria", f"criterion weights add up to {sum(c['weight'] for c in criteria)}, not 100"
        )
    return criteria


def _thresholds(rubric, checks: _Checks) -> dict[str, int]:
    """The marks at which each band starts: the defaults, or those the rubric sets."""
    thresholds = dict(DEFAULT_THRESHOLDS)
    if "bands" not in rubric.data:
        return thresholds
    given = rubric.data["bands"]
    if (
        not isinstance(given, dict)
        or set(given) - set(DEFAULT_THRESHOLDS)
        or not all(isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 100 for v in given.values())
    ):
        checks.problem("bands", "`bands` sets pass, merit and distinction marks from 1 to 100")
        return thresholds
    thresholds.update(given)
    if not thresholds["pass"] < thresholds["merit"] < thresholds["distinction"]:
        checks.problem("bands", "band marks must rise: pass < merit < distinction")
    return thresholds


def _resubmission(reader, path: Path, doc, checks: _Checks) -> dict:
    if "resubmission" not in doc.data:
        return dict(DEFAULT_RESUBMISSION)
    given = doc.mapping("resubmission")
    if given is None:
        checks.problem("resubmission", "`resubmission` must be a mapping with `allowed` and `capped_at`")
        return dict(DEFAULT_RESUBMISSION)
    sub = _Checks(reader, path, given)
    sub.known({"allowed", "capped_at"})
    return {
        "allowed": sub.whole("allowed", 0, 3, default=1),
        "capped_at": sub.choice("capped_at", BANDS[1:], default="pass"),
    }


def _moderation(reader, path: Path, doc, checks: _Checks) -> dict:
    if "moderation" not in doc.data:
        return dict(DEFAULT_MODERATION)
    given = doc.mapping("moderation")
    if given is None:
        checks.problem(
            "moderation", "`moderation` must be a mapping (sample_percent, minimum, threshold_marks)"
        )
        return dict(DEFAULT_MODERATION)
    sub = _Checks(reader, path, given)
    sub.known(set(DEFAULT_MODERATION))
    return {
        "sample_percent": sub.whole("sample_percent", 0, 100, default=10),
        "minimum": sub.whole("minimum", 0, 50, default=1),
        "threshold_marks": sub.whole("threshold_marks", 0, 100, default=10),
    }


def _assignment(reader, path: Path, doc) -> dict | None:
    checks = _Checks(reader, path, doc)
    before = len(reader.problems)
    checks.known(
        {
            "title",
            "brief",
            "word_limit",
            "due_days",
            "anonymisation_declaration",
            "rubric",
            "resubmission",
            "moderation",
        }
    )
    assignment = {
        "title": checks.text("title", max_len=200),
        "brief_html": render_markdown(checks.text("brief") or ""),
        "word_limit": checks.whole("word_limit", 50, 20000),
        "due_days": checks.whole("due_days", 1, 365),
        "anonymisation_declaration": checks.flag("anonymisation_declaration", True),
    }
    rubric = doc.mapping("rubric")
    if rubric is None:
        checks.problem(
            "rubric" if "rubric" in doc.data else None, "`rubric` must be a mapping with `criteria`"
        )
        return None
    rubric_checks = _Checks(reader, path, rubric)
    rubric_checks.known({"criteria", "bands"})
    assignment.update(
        criteria=_criteria(reader, path, rubric, rubric_checks),
        thresholds=_thresholds(rubric, rubric_checks),
        resubmission=_resubmission(reader, path, doc, checks),
        moderation=_moderation(reader, path, doc, checks),
    )
    return assignment if len(reader.problems) == before else None


def _portfolio(reader, path: Path, doc) -> list[dict]:
    checks = _Checks(reader, path, doc)
    checks.known({"requirements"})
    items = doc.items("requirements")
    if not items:
        checks.problem(None, "`requirements` must list the evidence requirements")
    requirements, seen = [], {}
    for line, item in items:
        if item is None:
            reader.problem(path, line, "each requirement must be a mapping of `key: value` lines")
            continue
        req = _Checks(reader, path, item)
        before = len(reader.problems)
        req.known({"key", "title", "unit", "minimum", "kinds", "description"})
        key = req.key(seen)
        kinds = item.data.get("kinds")
        if (
            not isinstance(kinds, list)
            or not kinds
            or not all(isinstance(k, str) and KEY.match(k.replace("_", "-")) for k in kinds)
        ):
            req.problem(
                "kinds" if "kinds" in item.data else None,
                "`kinds` must list the evidence kinds that count (e.g. [direct_practice])",
            )
        requirement = {
            "key": key,
            "title": req.text("title", max_len=200),
            "unit": req.choice("unit", UNITS),
            "minimum": req.whole("minimum", 1, 10000),
            "kinds": kinds,
            "description": req.text("description", max_len=1000),
        }
        if len(reader.problems) == before:
            requirements.append(requirement)
    return requirements


def load_assessments(
    reader, assessments_dir: Path | None, module_slugs: list[str]
) -> dict[str, LoadedAssessments]:
    """Every module's assessments, by module folder name. Folders for unknown modules are problems."""
    loaded = {slug: LoadedAssessments() for slug in module_slugs}
    if assessments_dir is None or not assessments_dir.is_dir():
        return loaded
    for folder in sorted(p for p in assessments_dir.iterdir() if p.is_dir()):
        if folder.name not in loaded:
            reader.problem(folder, 1, f"`{folder.name}` is not a module folder listed in curriculum.yaml")
            continue
        for path in sorted(folder.iterdir()):
            if path.is_file() and path.name not in FILES and not path.name.startswith("."):
                reader.problem(path, 1, f"unexpected file: a module's assessments are {', '.join(FILES)}")
        for name, parse in (
            ("quiz.yaml", _quiz),
            ("assignment.yaml", _assignment),
            ("portfolio.yaml", _portfolio),
        ):
            path = folder / name
            if not path.is_file():
                continue
            text = reader.read_text(path, MAX_YAML_BYTES, name)
            doc = reader.parse_yaml(text, path) if text is not None else None
            if doc is not None:
                setattr(loaded[folder.name], name.removesuffix(".yaml"), parse(reader, path, doc))
    return loaded
