"""Reads ``course_content/reviews.yaml``: the recorded source checks and expert sign-offs, keyed by lesson
path (relative to ``course_content/``) and by question key. Every problem is reported with its file and
line, like the rest of the curriculum; a record for a lesson or question that does not exist is a problem,
so records cannot silently go stale when content is renamed.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from app.curriculum.assessment_files import MAX_YAML_BYTES
from app.curriculum.currency import Record, SignOff, SourceCheck

REVIEWS_FILE = "reviews.yaml"
CHECK_KEYS = {"date", "by", "sources", "statements", "whole_lesson"}


def _text(reader, path: Path, doc, key: str) -> str | None:
    value = doc.data.get(key)
    if not isinstance(value, str) or not value.strip():
        reader.problem(path, doc.lines.get(key, doc.start_line), f"`{key}` must be non-empty text")
        return None
    return value.strip()


def _day(reader, path: Path, doc, key: str) -> date | None:
    value = doc.data.get(key)
    if not isinstance(value, date):
        reader.problem(path, doc.lines.get(key, doc.start_line), f"`{key}` must be a date written YYYY-MM-DD")
        return None
    if value > date.today():
        reader.problem(path, doc.lines[key], f"`{key}` is in the future: record a review once it is done")
        return None
    return value


def _check(reader, path: Path, doc, is_lesson: bool) -> SourceCheck | None:
    before = len(reader.problems)
    reader.unknown_keys(doc, CHECK_KEYS if is_lesson else CHECK_KEYS - {"whole_lesson"}, path)
    on, by = _day(reader, path, doc, "date"), _text(reader, path, doc, "by")
    statements = _text(reader, path, doc, "statements")
    sources = doc.data.get("sources")
    if (
        not isinstance(sources, list)
        or not sources
        or not all(isinstance(s, str) and s.strip() for s in sources)
    ):
        reader.problem(
            path, doc.lines.get("sources", doc.start_line), "`sources` must list each source checked against"
        )
    whole = doc.data.get("whole_lesson", not is_lesson)
    if not isinstance(whole, bool):
        reader.problem(path, doc.lines["whole_lesson"], "`whole_lesson` must be true or false")
    if len(reader.problems) > before:
        return None
    return SourceCheck(on, by, tuple(s.strip() for s in sources), statements, whole)


def _record(reader, path: Path, doc, is_lesson: bool) -> Record | None:
    before = len(reader.problems)
    reader.unknown_keys(doc, {"source_checks", "expert_sign_off"}, path)
    checks = []
    for line, item in doc.items("source_checks"):
        if item is None:
            reader.problem(path, line, "each source check must be a mapping of `key: value` lines")
        elif check := _check(reader, path, item, is_lesson):
            checks.append(check)
    sign_off = None
    if "expert_sign_off" in doc.data:
        sign = doc.mapping("expert_sign_off")
        if sign is None:
            reader.problem(path, doc.lines["expert_sign_off"], "`expert_sign_off` must have `date` and `by`")
        else:
            reader.unknown_keys(sign, {"date", "by"}, path)
            on, by = _day(reader, path, sign, "date"), _text(reader, path, sign, "by")
            sign_off = SignOff(on, by) if on and by else None
    if not checks and sign_off is None and len(reader.problems) == before:
        reader.problem(path, doc.start_line, "a record needs `source_checks` or `expert_sign_off`")
    if len(reader.problems) > before:
        return None
    return Record(tuple(checks), sign_off)


def _section(reader, path: Path, doc, key: str, known: dict[str, int] | set[str], is_lesson: bool) -> dict:
    records: dict[str, Record] = {}
    section = doc.mapping(key)
    if key in doc.data and section is None:
        reader.problem(path, doc.lines[key], f"`{key}` must be a mapping")
        return records
    for name in section.data if section else {}:
        line = section.lines[name]
        what = "lesson file" if is_lesson else "question key"
        if name not in known:
            reader.problem(path, line, f"no {what} `{name}` in the curriculum: rename or remove this record")
            continue
        item = section.mapping(name)
        if item is None:
            reader.problem(path, line, "a record must be a mapping with `source_checks` or `expert_sign_off`")
        elif record := _record(reader, path, item, is_lesson):
            records[name] = record
    return records


def load_reviews(reader, content_dir: Path, lessons: set[str], questions: set[str]):
    """(lesson records by path, question records by key); both empty when there is no reviews.yaml."""
    path = content_dir / REVIEWS_FILE
    if not path.is_file():
        return {}, {}
    text = reader.read_text(path, MAX_YAML_BYTES, REVIEWS_FILE)
    doc = reader.parse_yaml(text, path) if text is not None else None
    if doc is None:
        return {}, {}
    reader.unknown_keys(doc, {"lessons", "questions"}, path)
    return (
        _section(reader, path, doc, "lessons", lessons, True),
        _section(reader, path, doc, "questions", questions, False),
    )
