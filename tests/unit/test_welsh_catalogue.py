"""The Welsh catalogue is complete and well formed: every string marked in the code is in it, translated,
with the same placeholders and markup as the English."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
WELSH = ROOT / "app/translations/cy/LC_MESSAGES/messages.po"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s")
TAG = re.compile(r"</?([a-z]+)")


def _welsh() -> dict[str | tuple[str, ...], str | tuple[str, ...]]:
    """Each msgid and its translation; a plural message is a tuple of forms (English two, Welsh six)."""
    with WELSH.open("rb") as file:
        return {message.id: message.string for message in read_po(file) if message.id}


def _forms(text: str | tuple[str, ...]) -> tuple[str, ...]:
    return text if isinstance(text, tuple) else (text,)


def test_every_marked_string_is_in_the_welsh_catalogue(tmp_path):
    """Fails when a string was marked (or changed) without `make translations-update` and a translation."""
    template = tmp_path / "messages.pot"
    keywords = ["-k", "lazy_gettext", "-k", "_l"]
    config = str(ROOT / "babel.cfg")
    CommandLineInterface().run(
        ["pybabel", "-q", "extract", "-F", config, *keywords, "-o", str(template), str(ROOT)]
    )
    with template.open("rb") as file:
        marked = {message.id for message in read_po(file) if message.id}
    assert "Check an IMSA® accreditation" in marked  # the extraction itself worked
    welsh = _welsh()
    assert marked - set(welsh) == set(), "run `make translations-update` and translate the new strings"
    assert [msgid for msgid in marked if not all(_forms(welsh[msgid]))] == []


def test_translations_keep_the_placeholders_and_the_markup():
    for msgid, translation in _welsh().items():
        english = _forms(msgid)[-1]  # a plural's Welsh forms are checked against the English plural
        for welsh in _forms(translation):
            assert sorted(PLACEHOLDER.findall(welsh)) == sorted(PLACEHOLDER.findall(english)), english
            english_tags = [tag for tag in TAG.findall(english) if tag != "span"]
            welsh_tags = [tag for tag in TAG.findall(welsh) if tag != "span"]  # Welsh may mark English words
            assert sorted(welsh_tags) == sorted(english_tags), english
