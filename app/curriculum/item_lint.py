"""Item-writing lint for the quiz banks (`assessments/*/quiz.yaml`), run by `imsa curriculum validate`.

It looks for the flaws that let a trainee answer without knowing the subject: the key is too often the
longest option, one option is much longer or shorter than the rest, "all/none of the above", a negative
stem whose "not" is easy to miss, and the same stem asked twice. Each finding names its file and line.
Only the longest-key share can be an error (above ``LONGEST_KEY_ERROR``); the rest are warnings for the
item writer, because each may be justified in a particular item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

LONGEST_KEY_WARN = 0.35
LONGEST_KEY_ERROR = 0.50
# An option this many times longer (or shorter) than the mean of the others, and at least
# LENGTH_MIN_GAP characters away from it, stands out.
LENGTH_RATIO = 2.0
LENGTH_MIN_GAP = 25
WITH_OPTIONS = {"single_choice", "multiple_response"}
ABOVE = re.compile(r"\b(all|none|both|neither) of the (above|options)\b", re.I)
NEGATIVE = re.compile(r"\b(not|never|except|least|cannot)\b", re.I)
EMPHASIS = re.compile(r"\*\*[^*]+\*\*|\*[^*]+\*|__[^_]+__|_[^_]+_")


@dataclass(frozen=True)
class Finding:
    level: str  # "error" or "warning"
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.level}: {self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class BankShare:
    path: str
    single_choice: int
    longest_key: int

    @property
    def share(self) -> float:
        return self.longest_key / self.single_choice if self.single_choice else 0.0

    def __str__(self) -> str:
        return (
            f"{self.path}: the key is the longest option in {self.longest_key} of "
            f"{self.single_choice} single-choice questions ({self.share:.0%})"
        )


@dataclass(frozen=True)
class Item:
    """One question, with the file line of each part the lint looks at."""

    line: int
    kind: str
    stem: str
    stem_line: int
    options: dict[str, tuple[str, int]]  # key -> (text, line)
    answer: object


def _scalar(node) -> str:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else ""


def _items(text: str) -> tuple[int, list[Item]]:
    """The line of ``questions:`` and the questions of a bank, read as YAML nodes so every part keeps its
    line (a bank that does not parse is reported by the loader, so it simply has no items here)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return 1, []
    if not isinstance(root, yaml.MappingNode):
        return 1, []
    key, questions = next(((k, v) for k, v in root.value if _scalar(k) == "questions"), (None, None))
    if not isinstance(questions, yaml.SequenceNode):
        return 1, []
    items = []
    for node in questions.value:
        if not isinstance(node, yaml.MappingNode):
            continue
        fields = {_scalar(k): v for k, v in node.value}
        options = fields.get("options")
        answer = fields.get("answer")
        items.append(
            Item(
                line=node.start_mark.line + 1,
                kind=_scalar(fields.get("type")),
                stem=_scalar(fields.get("stem")),
                stem_line=(fields["stem"].start_mark.line + 1)
                if "stem" in fields
                else node.start_mark.line + 1,
                options={
                    _scalar(k): (_scalar(v), v.start_mark.line + 1)
                    for k, v in (options.value if isinstance(options, yaml.MappingNode) else [])
                },
                answer=(
                    [_scalar(a) for a in answer.value]
                    if isinstance(answer, yaml.SequenceNode)
                    else _scalar(answer)
                    if answer is not None
                    else None
                ),
            )
        )
    return key.start_mark.line + 1, items


def key_is_longest(item: Item) -> bool:
    """The key of a single-choice question is strictly longer than every other option."""
    if item.kind != "single_choice" or item.answer not in item.options or len(item.options) < 2:
        return False
    key_length = len(item.options[item.answer][0])
    return all(len(text) < key_length for key, (text, _) in item.options.items() if key != item.answer)


def length_outliers(item: Item) -> list[tuple[str, int, int, float]]:
    """Options whose length stands out from the mean of the others: (key, line, length, that mean)."""
    found = []
    for key, (text, line) in item.options.items():
        others = [len(t) for k, (t, _) in item.options.items() if k != key]
        if not others:
            continue
        mean = sum(others) / len(others)
        length = len(text)
        ratio = max(length, 1) / max(mean, 1)
        if abs(length - mean) >= LENGTH_MIN_GAP and (ratio > LENGTH_RATIO or ratio < 1 / LENGTH_RATIO):
            found.append((key, line, length, mean))
    return found


def unemphasised_negative(stem: str) -> str | None:
    """The first negative word of the stem's question (its last sentence: a "not" in the scenario before
    it is part of the story) that is neither emphasised (`**not**`) nor in capitals."""
    sentences = [s for s in re.split(r"(?<=[.?!:])\s+", EMPHASIS.sub(" ", stem).strip()) if s]
    plain = sentences[-1] if sentences else ""
    for found in NEGATIVE.finditer(plain):
        if not found.group(0).isupper():
            return found.group(0)
    return None


def _normal_stem(stem: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", stem.lower()).split())


def _item_findings(path: str, item: Item) -> list[Finding]:
    findings = []
    if item.kind in WITH_OPTIONS:
        for key, line, length, mean in length_outliers(item):
            findings.append(
                Finding(
                    "warning",
                    path,
                    line,
                    f"option `{key}` is {length} characters, the others {mean:.0f} on average: "
                    "a length that stands out can give the answer away",
                )
            )
        for key, (text, line) in item.options.items():
            if found := ABOVE.search(text):
                findings.append(
                    Finding(
                        "warning",
                        path,
                        line,
                        f"option `{key}` says “{found.group(0)}”: write each option out",
                    )
                )
    if word := unemphasised_negative(item.stem):
        findings.append(
            Finding(
                "warning",
                path,
                item.stem_line,
                f"the stem is negatively worded (“{word}”): emphasise it (**{word}**) or reword positively",
            )
        )
    return findings


def lint_bank(path: str, text: str, seen_stems: dict[str, str]) -> tuple[BankShare, list[Finding]]:
    """Lint one bank; ``seen_stems`` (normalised stem -> "file:line") spans banks, for duplicates."""
    questions_line, items = _items(text)
    findings: list[Finding] = []
    for item in items:
        findings.extend(_item_findings(path, item))
        stem = _normal_stem(item.stem)
        if stem and stem in seen_stems:
            findings.append(
                Finding("warning", path, item.stem_line, f"the same stem is asked at {seen_stems[stem]}")
            )
        elif stem:
            seen_stems[stem] = f"{path}:{item.stem_line}"
    single = [i for i in items if i.kind == "single_choice"]
    share = BankShare(path, len(single), sum(key_is_longest(i) for i in single))
    if share.share > LONGEST_KEY_ERROR:
        level, limit = "error", LONGEST_KEY_ERROR
    elif share.share > LONGEST_KEY_WARN:
        level, limit = "warning", LONGEST_KEY_WARN
    else:
        level = None
    if level:
        findings.insert(
            0,
            Finding(
                level,
                path,
                questions_line,
                f"the key is the longest option in {share.share:.0%} of single-choice questions "
                f"({share.longest_key} of {share.single_choice}; at most {limit:.0%}): "
                "trainees learn to pick the longest answer",
            ),
        )
    return share, findings


def lint_banks(assessments_dir: Path | None, root: Path) -> tuple[list[BankShare], list[Finding]]:
    """Every `<module>/quiz.yaml` under ``assessments_dir``, paths relative to ``root``."""
    shares, findings = [], []
    if assessments_dir is None or not assessments_dir.is_dir():
        return shares, findings
    seen: dict[str, str] = {}
    for bank in sorted(assessments_dir.glob("*/quiz.yaml")):
        try:
            relative = bank.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            relative = bank.as_posix()
        share, found = lint_bank(relative, bank.read_text(encoding="utf-8"), seen)
        shares.append(share)
        findings.extend(found)
    return shares, findings
