"""Reads ``course_content/`` (and the files of ``assessments/``) into a validated, hashed curriculum.

The file format (documented for authors in ``course_content/README.md``):

- ``curriculum.yaml``: ``version``, ``title``, ``modules`` (folder names, in order) and ``accreditation``.
- ``<module folder>/module.md``: YAML front matter (``code``, ``title``, ``summary``, ``study_hours``,
  ``learning_outcomes``, optional ``content_note``) and a Markdown introduction.
- ``<module folder>/lessons/NN-slug.md``: front matter (``title``, optional ``content_note``,
  ``law_as_at``, ``review_due`` and ``aftercare``) and the lesson in Markdown.
- ``reviews.yaml`` (optional): the recorded source checks and expert sign-offs (``review_records``).

Every problem found is reported with its file and line; nothing is stored unless the whole tree is valid.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from app.curriculum.assessment_files import MAX_YAML_BYTES, LoadedAssessments, load_assessments
from app.curriculum.rendering import render_markdown
from app.curriculum.review_records import load_reviews
from app.i18n import ENGLISH, LANGUAGES

# Lesson slugs that would collide with a module's assessment pages (/learn/<module>/quiz …).
RESERVED_SLUGS = {"quiz", "assignment", "portfolio"}
LESSON_FILE = re.compile(r"^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
MODULE_CODE = re.compile(r"^M\d{2}$")
VERSION_LABEL = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-]{0,31}$")
MAX_STUDY_HOURS = 1000
# Far above the longest shipped lesson (about 11 KiB): a file over it is a mistake (a pasted export, a
# binary), not a lesson to render. YAML files have MAX_YAML_BYTES (assessment_files).
MAX_MARKDOWN_BYTES = 256 * 1024  # module.md and each lesson


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class CurriculumInvalid(Exception):
    """The tree has problems; ``problems`` lists each with its file and line."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class LoadedLesson:
    position: int
    slug: str
    title: str
    content_note: str | None
    law_as_at: date | None
    review_due: date | None
    html: str
    word_count: int
    source_path: str
    content_hash: str
    review: dict | None = None  # its record in reviews.yaml (``currency.Record.as_json``), if any
    aftercare: bool = False  # a heavy lesson: the page ends with a "look after yourself" signpost


@dataclass(frozen=True)
class LoadedModule:
    position: int
    slug: str
    code: str
    title: str
    summary: str
    study_hours: int
    learning_outcomes: list[str]
    content_note: str | None
    intro_html: str
    content_hash: str
    lessons: list[LoadedLesson]
    assessments: LoadedAssessments = field(default_factory=LoadedAssessments)


@dataclass(frozen=True)
class LoadedCurriculum:
    label: str
    title: str
    accreditation_rule: dict
    modules: list[LoadedModule]
    manifest: dict[str, str]
    content_hash: str
    language: str = ENGLISH  # BCP 47; a Welsh edition is a version of its own


@dataclass
class Document:
    """A parsed YAML mapping plus the line of each of its keys (1-based, in the file)."""

    data: dict[str, Any]
    lines: dict[str, int]
    start_line: int  # line of the mapping itself (for "missing key" problems)
    node: yaml.MappingNode | None = None
    offset: int = 1  # file line of the YAML text's first line

    @classmethod
    def of(cls, data: dict, node: yaml.MappingNode, offset: int) -> Document:
        lines = {key.value: offset + key.start_mark.line for key, _ in node.value}
        return cls(data, lines, offset + node.start_mark.line, node, offset)

    def _child_node(self, key: str):
        return next((value for k, value in self.node.value if k.value == key), None) if self.node else None

    def mapping(self, key: str) -> Document | None:
        """The nested mapping under ``key`` (None if it is not a mapping)."""
        node, data = self._child_node(key), self.data.get(key)
        if isinstance(node, yaml.MappingNode) and isinstance(data, dict):
            return Document.of(data, node, self.offset)
        return None

    def items(self, key: str) -> list[tuple[int, Document | None]]:
        """Each item of the list under ``key``: its line and, when it is a mapping, its document."""
        node, data = self._child_node(key), self.data.get(key)
        if not isinstance(node, yaml.SequenceNode) or not isinstance(data, list):
            return []
        result = []
        for item_node, item in zip(node.value, data, strict=True):
            line = self.offset + item_node.start_mark.line
            is_mapping = isinstance(item_node, yaml.MappingNode) and isinstance(item, dict)
            result.append((line, Document.of(item, item_node, self.offset) if is_mapping else None))
        return result


class _StrictLoader(yaml.SafeLoader):
    """A SafeLoader that notes every key given twice in one mapping (PyYAML would keep the last quietly).

    ``duplicates`` collects (key, first line, repeated line), 0-based within the text, so every one in a
    file is reported, not just the first.
    """

    def __init__(self, stream):
        super().__init__(stream)
        self.duplicates: list[tuple[Any, int, int]] = []

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, int] = {}
            for key_node, _value in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue  # `<<: *defaults` may be overridden by the mapping's own keys
                key, line = self.construct_object(key_node, deep=True), key_node.start_mark.line
                try:
                    first = seen.get(key)
                except TypeError:
                    continue  # an unhashable key: construct_mapping below reports it
                if first is None:
                    seen[key] = line
                else:
                    self.duplicates.append((key, first, line))
        return super().construct_mapping(node, deep)


@dataclass
class Reader:
    root: Path  # the folder paths are reported relative to
    problems: list[Problem] = field(default_factory=list)

    def rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)

    def problem(self, path: Path, line: int, message: str) -> None:
        self.problems.append(Problem(self.rel(path), line, message))

    def read_text(self, path: Path, limit: int, what: str) -> str | None:
        """The file's text, or None having reported it too large (``what`` it is) or not UTF-8."""
        size = path.stat().st_size
        if size > limit:
            self.problem(path, 1, f"the file is {size:,} bytes; {what} may be at most {limit // 1024} KiB")
            return None
        raw = path.read_bytes()
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as error:
            line = raw[: error.start].count(b"\n") + 1
            self.problem(path, line, "the file is not valid UTF-8 text")
            return None

    def parse_yaml(self, text: str, path: Path, first_line: int = 1) -> Document | None:
        """Parse ``text`` (which starts at ``first_line`` of ``path``) as a YAML mapping."""
        loader = _StrictLoader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line = first_line + (mark.line if mark else 0)
            self.problem(path, line, f"invalid YAML: {error.problem or error}")
            return None
        finally:
            loader.dispose()
        for key, first, again in loader.duplicates:
            where = f"{self.rel(path)}:{first_line + first}"
            self.problem(path, first_line + again, f"duplicate key `{key}`: it is also given at {where}")
        if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
            self.problem(path, first_line, "expected a YAML mapping of `key: value` lines")
            return None
        return Document.of(data, node, first_line)

    def front_matter(self, path: Path, what: str) -> tuple[Document | None, str, int]:
        """Split a Markdown file into its front matter and body; the int is the body's first line."""
        text = self.read_text(path, MAX_MARKDOWN_BYTES, what)
        if text is None:
            return None, "", 1
        lines = text.splitlines(keepends=True)
        if not lines or lines[0].strip() != "---":
            self.problem(path, 1, "the file must start with YAML front matter between two `---` lines")
            return None, text, 1
        for index in range(1, len(lines)):
            if lines[index].strip() == "---":
                document = self.parse_yaml("".join(lines[1:index]), path, first_line=2)
                return document, "".join(lines[index + 1 :]), index + 2
        self.problem(path, 1, "the front matter is not closed by a second `---` line")
        return None, text, 1

    # --- field checks: each reports a problem at the key's line and returns a clean value or None
    def text(self, doc: Document, key: str, path: Path, required: bool = True, max_len: int = 200):
        value = doc.data.get(key)
        if value is None:
            if required:
                self.problem(path, doc.start_line, f"`{key}` is required")
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(path, doc.lines[key], f"`{key}` must be non-empty text")
            return None
        if len(value) > max_len:
            self.problem(path, doc.lines[key], f"`{key}` is {len(value)} characters; at most {max_len}")
            return None
        return value.strip()

    def date(self, doc: Document, key: str, path: Path) -> date | None:
        value = doc.data.get(key)
        if value is None:
            return None
        if not isinstance(value, date):
            self.problem(path, doc.lines[key], f"`{key}` must be a date written YYYY-MM-DD, not {value!r}")
            return None
        return value

    def unknown_keys(self, doc: Document, allowed: set[str], path: Path) -> None:
        for key in doc.data:
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                self.problem(
                    path, doc.lines.get(key, doc.start_line), f"unknown key `{key}` (known: {known})"
                )

    def body_headings(self, body: str, path: Path, first_line: int) -> None:
        """The page title is the only `#` heading; content sections start at `##`."""
        in_fence = False
        for offset, line in enumerate(body.splitlines()):
            if line.lstrip().startswith(("```", "~~~")):
                in_fence = not in_fence
            elif not in_fence and re.match(r"^# ", line):
                self.problem(
                    path,
                    first_line + offset,
                    "use `##` for sections: the title is the page's only `#` heading",
                )


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _word_count(markdown_text: str) -> int:
    """Words a reader reads: web addresses (mostly in footnotes) would otherwise count as dozens."""
    return len(re.findall(r"[\w'’-]+", re.sub(r"<?https?://\S+", " ", markdown_text)))


def build_manifest(content_dir: Path, assessments_dir: Path | None) -> dict[str, str]:
    """``{path: sha256}`` of every file in the tree; the curriculum's hash covers exactly these bytes."""
    manifest: dict[str, str] = {}
    for base, prefix in ((content_dir, "course_content"), (assessments_dir, "assessments")):
        if base is None or not base.is_dir():
            continue
        for path in sorted(p for p in base.rglob("*") if p.is_file() and not p.name.startswith(".")):
            if path.parent == base and path.name in {"README.md", "REVIEW.md"}:
                continue  # documentation about the content, not the content
            manifest[f"{prefix}/{path.relative_to(base).as_posix()}"] = _sha256(path.read_bytes())
    return manifest


def manifest_hash(manifest: dict[str, str]) -> str:
    return _sha256("".join(f"{digest}  {path}\n" for path, digest in sorted(manifest.items())).encode())


def _load_lesson(reader: Reader, path: Path, position: int, slug: str) -> LoadedLesson | None:
    before = len(reader.problems)
    doc, body, body_line = reader.front_matter(path, "a lesson")
    if doc is None:
        return None
    reader.unknown_keys(doc, {"title", "content_note", "law_as_at", "review_due", "aftercare"}, path)
    title = reader.text(doc, "title", path)
    aftercare = doc.data.get("aftercare", False)
    if not isinstance(aftercare, bool):
        reader.problem(path, doc.lines["aftercare"], "`aftercare` must be true or false")
    note = reader.text(doc, "content_note", path, required=False, max_len=1000)
    law_as_at = reader.date(doc, "law_as_at", path)
    review_due = reader.date(doc, "review_due", path)
    if law_as_at and not review_due:
        reader.problem(path, doc.lines["law_as_at"], "`review_due` is required when `law_as_at` is given")
    if law_as_at and review_due and review_due <= law_as_at:
        reader.problem(path, doc.lines["review_due"], "`review_due` must be after `law_as_at`")
    if not body.strip():
        reader.problem(path, body_line, "the lesson has no text after its front matter")
    reader.body_headings(body, path, body_line)
    if len(reader.problems) > before:
        return None
    return LoadedLesson(
        position=position,
        slug=slug,
        title=title,
        content_note=note,
        law_as_at=law_as_at,
        review_due=review_due,
        aftercare=aftercare,
        html=render_markdown(body),
        word_count=_word_count(body),
        source_path=reader.rel(path),
        content_hash=_sha256(path.read_bytes()),
    )


def _module_file(reader: Reader, folder: Path, yaml_path: Path, line: int) -> Path | None:
    """The module's module.md, or None having reported (at its curriculum.yaml line) why not."""
    if not folder.is_dir():
        reader.problem(yaml_path, line, f"module folder `{folder.name}` does not exist")
        return None
    path = folder / "module.md"
    if not path.is_file():
        reader.problem(yaml_path, line, f"`{folder.name}/module.md` is missing")
        return None
    return path


def _study_hours(reader: Reader, path: Path, doc: Document) -> int | None:
    hours = doc.data.get("study_hours")
    if hours is None:
        reader.problem(path, doc.start_line, "`study_hours` is required")
    elif isinstance(hours, bool) or not isinstance(hours, int) or not 0 < hours <= MAX_STUDY_HOURS:
        reader.problem(
            path,
            doc.lines["study_hours"],
            f"`study_hours` must be a whole number from 1 to {MAX_STUDY_HOURS}",
        )
    return hours


def _learning_outcomes(reader: Reader, path: Path, doc: Document) -> list[str]:
    outcomes = doc.data.get("learning_outcomes")
    if (
        not isinstance(outcomes, list)
        or not outcomes
        or not all(isinstance(o, str) and o.strip() for o in outcomes)
    ):
        reader.problem(
            path,
            doc.lines.get("learning_outcomes", doc.start_line),
            "`learning_outcomes` must be a list of at least one outcome (text)",
        )
        return []
    return [o.strip() for o in outcomes]


def _module_fields(reader: Reader, path: Path, doc: Document) -> dict[str, Any]:
    """The front matter of module.md, checked field by field."""
    allowed = {"code", "title", "summary", "study_hours", "learning_outcomes", "content_note"}
    reader.unknown_keys(doc, allowed, path)
    code = reader.text(doc, "code", path, max_len=16)
    if code and not MODULE_CODE.match(code):
        reader.problem(path, doc.lines["code"], f"`code` must look like M01, not {code!r}")
    return {
        "code": code,
        "title": reader.text(doc, "title", path),
        "summary": reader.text(doc, "summary", path, max_len=600),
        "content_note": reader.text(doc, "content_note", path, required=False, max_len=1000),
        "study_hours": _study_hours(reader, path, doc),
        "learning_outcomes": _learning_outcomes(reader, path, doc),
    }


def _lesson_slug(reader: Reader, lesson_path: Path, seen_numbers: dict[int, Path]) -> str | None:
    """The slug from a lesson's file name, or None having reported a bad, reserved or repeated one."""
    match = LESSON_FILE.match(lesson_path.name)
    if not match:
        reader.problem(
            lesson_path, 1, "lesson files are named NN-slug.md (two digits, lowercase words and hyphens)"
        )
        return None
    number, slug = int(match.group(1)), match.group(2)
    if slug in RESERVED_SLUGS:
        reader.problem(lesson_path, 1, f"`{slug}` is the name of a module page; rename the lesson")
        return None
    if number in seen_numbers:
        reader.problem(
            lesson_path, 1, f"lesson number {number:02d} is also used by {seen_numbers[number].name}"
        )
        return None
    seen_numbers[number] = lesson_path
    return slug


def _load_lessons(reader: Reader, folder: Path, module_path: Path) -> list[LoadedLesson]:
    lessons_dir = folder / "lessons"
    lesson_files = sorted(lessons_dir.glob("*.md")) if lessons_dir.is_dir() else []
    if not lesson_files:
        reader.problem(
            module_path, 1, f"`{folder.name}/lessons/` has no lessons (files named like 01-first-lesson.md)"
        )
    lessons: list[LoadedLesson] = []
    seen_numbers: dict[int, Path] = {}
    for lesson_path in lesson_files:
        slug = _lesson_slug(reader, lesson_path, seen_numbers)
        if slug is None:
            continue
        lesson = _load_lesson(reader, lesson_path, len(lessons) + 1, slug)
        if lesson:
            lessons.append(lesson)
    return lessons


def _load_module(reader: Reader, folder: Path, position: int, yaml_path: Path, line: int):
    path = _module_file(reader, folder, yaml_path, line)
    if path is None:
        return None
    before = len(reader.problems)
    doc, body, body_line = reader.front_matter(path, "module.md")
    if doc is None:
        return None
    fields = _module_fields(reader, path, doc)
    reader.body_headings(body, path, body_line)
    lessons = _load_lessons(reader, folder, path)
    if len(reader.problems) > before:
        return None
    module_hash = _sha256(
        "".join([_sha256(path.read_bytes()), *(ls.content_hash for ls in lessons)]).encode()
    )
    return LoadedModule(
        position=position,
        slug=folder.name,
        intro_html=render_markdown(body),
        content_hash=module_hash,
        lessons=lessons,
        **fields,
    )


def _curriculum_fields(reader: Reader, doc: Document, yaml_path: Path) -> tuple[Any, str | None, Any]:
    """curriculum.yaml's version label, title and accreditation rule, each checked."""
    reader.unknown_keys(doc, {"version", "title", "modules", "accreditation", "language"}, yaml_path)
    label = doc.data.get("version")
    if label is None:
        reader.problem(yaml_path, 1, "`version` is required (for example 2025.1)")
    elif not VERSION_LABEL.match(str(label)):
        reader.problem(
            yaml_path,
            doc.lines["version"],
            "`version` must be letters, digits, dots or hyphens (e.g. 2025.1)",
        )
    title = reader.text(doc, "title", yaml_path)
    rule = doc.data.get("accreditation")
    if not isinstance(rule, dict):
        reader.problem(
            yaml_path, doc.lines.get("accreditation", 1), "`accreditation` must be a mapping (the award rule)"
        )
    return label, title, rule


def _curriculum_language(reader: Reader, doc: Document, yaml_path: Path) -> str:
    """curriculum.yaml's optional ``language`` (``en-GB`` when absent, or ``cy`` for a Welsh edition)."""
    language = doc.data.get("language", ENGLISH)
    if language not in LANGUAGES:
        reader.problem(
            yaml_path, doc.lines.get("language", 1), f"`language` must be one of {', '.join(LANGUAGES)}"
        )
        return ENGLISH
    return language


def _load_modules(reader: Reader, content_dir: Path, yaml_path: Path, doc: Document) -> list[LoadedModule]:
    """Every module curriculum.yaml lists, in order; each listed twice or missing is reported on its line."""
    modules: list[LoadedModule] = []
    seen: set[str] = set()
    for index, (name, (line, _)) in enumerate(zip(doc.data["modules"], doc.items("modules"), strict=True)):
        if name in seen:
            reader.problem(yaml_path, line, f"module folder `{name}` is listed twice")
            continue
        seen.add(name)
        module = _load_module(reader, content_dir / name, index + 1, yaml_path, line)
        if module:
            modules.append(module)
    codes: dict[str, str] = {}
    for module in modules:
        if module.code in codes:
            reader.problem(
                content_dir / module.slug / "module.md",
                2,
                f"code {module.code} is also used by {codes[module.code]}",
            )
        codes[module.code] = module.slug
    return modules


def _with_reviews(reader: Reader, content_dir: Path, modules: list[LoadedModule]) -> list[LoadedModule]:
    """Each lesson and question with its record from reviews.yaml (format: currency, review_records)."""
    prefix = f"{reader.rel(content_dir)}/"
    lessons = {ls.source_path.removeprefix(prefix) for m in modules for ls in m.lessons}
    questions = {q["key"] for m in modules if m.assessments.quiz for q in m.assessments.quiz["questions"]}
    lesson_records, question_records = load_reviews(reader, content_dir, lessons, questions)
    result = []
    for module in modules:
        for question in module.assessments.quiz["questions"] if module.assessments.quiz else []:
            question["review"] = (
                question_records[question["key"]].as_json() if question["key"] in question_records else None
            )
        with_records = [
            replace(ls, review=lesson_records[key].as_json())
            if (key := ls.source_path.removeprefix(prefix)) in lesson_records
            else ls
            for ls in module.lessons
        ]
        result.append(replace(module, lessons=with_records))
    return result


def load_tree(content_dir: Path, assessments_dir: Path | None = None) -> LoadedCurriculum:
    """Read and validate the whole tree; raise ``CurriculumInvalid`` listing every problem."""
    content_dir = content_dir.resolve()
    assessments_dir = assessments_dir.resolve() if assessments_dir else None
    reader = Reader(root=content_dir.parent)
    yaml_path = content_dir / "curriculum.yaml"
    if not yaml_path.is_file():
        raise CurriculumInvalid([Problem(reader.rel(yaml_path), 1, "curriculum.yaml is missing")])
    text = reader.read_text(yaml_path, MAX_YAML_BYTES, "curriculum.yaml")
    doc = reader.parse_yaml(text, yaml_path) if text is not None else None
    if doc is None:
        raise CurriculumInvalid(reader.problems)
    label, title, rule = _curriculum_fields(reader, doc, yaml_path)
    language = _curriculum_language(reader, doc, yaml_path)
    folders = doc.data.get("modules")
    modules: list[LoadedModule] = []
    if not isinstance(folders, list) or not folders or not all(isinstance(f, str) for f in folders):
        reader.problem(
            yaml_path, doc.lines.get("modules", 1), "`modules` must be a list of module folder names"
        )
    else:
        modules = _load_modules(reader, content_dir, yaml_path, doc)
        assessments = load_assessments(reader, assessments_dir, folders)
        modules = _with_reviews(
            reader, content_dir, [replace(m, assessments=assessments[m.slug]) for m in modules]
        )
    if reader.problems:
        raise CurriculumInvalid(reader.problems)
    manifest = build_manifest(content_dir, assessments_dir)
    return LoadedCurriculum(
        label=str(label),
        title=title,
        accreditation_rule=rule,
        modules=modules,
        manifest=manifest,
        content_hash=manifest_hash(manifest),
        language=language,
    )
