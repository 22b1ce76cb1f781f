"""No template carries user-facing English outside a translation call.

A small extraction check: the Jinja lexer splits each template into its literal text and its tags; the
literal text outside ``{% trans %}`` blocks is parsed as HTML, and any word in a text node, or in an
attribute people read (``alt``, ``title``, ``aria-label``, ``placeholder``), fails the test. Names that are
the same in every language (``IMSA®``) are allowed. Every template is checked, and a new one as soon as it
exists (the curriculum's own text stays in English by decision; it is not in templates).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from jinja2 import Environment

APP = Path(__file__).resolve().parents[2] / "app"


def _templates() -> list[str]:
    return sorted(
        str(path.relative_to(APP))
        for path in APP.rglob("*")
        if "templates" in path.relative_to(APP).parts and path.suffix in (".html", ".txt")
    )


READ_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder"}
SAME_IN_EVERY_LANGUAGE = {"IMSA"}
WORD = re.compile(r"[^\W\d_]{2,}")
# An attribute a macro writes out as text (` aria-describedby="…"`): markup, not words.
ATTRIBUTE_AS_TEXT = re.compile(r'[\w-]+="[^"]*"?')


def literal_text(source: str) -> str:
    """The template's literal text outside ``{% trans %}`` blocks, each tag replaced by a space."""
    environment = Environment(extensions=["jinja2.ext.i18n"])
    pieces, depth, in_tag, tag_words = [], 0, False, []
    for _line, token, value in environment.lex(source):
        if token == "block_begin":
            in_tag, tag_words = True, []
        elif token == "block_end":
            in_tag = False
            if tag_words[:1] == ["trans"]:
                depth += 1
            elif tag_words[:1] == ["endtrans"]:
                depth -= 1
        elif in_tag and token == "name":
            tag_words.append(value)
        elif token == "data" and depth == 0:
            pieces.append(value)
        elif token in ("variable_begin", "block_begin"):
            pieces.append(" ")
    return " ".join(pieces)


class _Words(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value:
                self.found.extend(WORD.findall(value))

    def handle_data(self, data) -> None:
        self.found.extend(WORD.findall(ATTRIBUTE_AS_TEXT.sub(" ", data)))


def untranslated_words(source: str) -> list[str]:
    parser = _Words()
    parser.feed(literal_text(source))
    return [word for word in parser.found if word not in SAME_IN_EVERY_LANGUAGE]


@pytest.mark.parametrize("template", _templates())
def test_templates_have_no_english_outside_a_translation_call(template):
    words = untranslated_words((APP / template).read_text(encoding="utf-8"))
    assert not words, f"{template}: wrap these in _() or {{% trans %}}: {words}"


def test_the_check_finds_english_in_text_and_in_read_attributes():
    assert untranslated_words("<p>Check a credential</p>") == ["Check", "credential"]
    assert untranslated_words('<img alt="A seal" src="x.svg">') == ["seal"]
    assert untranslated_words("<p>{{ _('Check') }} IMSA® {% trans %}Two words{% endtrans %}</p>") == []
    assert untranslated_words('<a href="/verify" class="govuk-link">{{ name }}</a>') == []
