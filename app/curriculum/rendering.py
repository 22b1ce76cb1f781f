"""Markdown to safe HTML: rendered once at load time, then sanitised against an explicit allow-list."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import bleach
import markdown

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "code", "pre",
        "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
        "sup", "sub", "div", "span", "abbr", "dl", "dt", "dd",
    }
)  # fmt: skip
# Classes the Markdown extensions emit and the stylesheet knows; any other class is dropped.
ALLOWED_CLASSES = frozenset(
    {"footnote", "footnote-ref", "footnote-backref", "admonition", "admonition-title", "review", "note"}
)
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
_ID_TAGS = {"h2", "h3", "h4", "h5", "h6", "li", "sup"}


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    if name == "class":
        return all(part in ALLOWED_CLASSES for part in value.split())
    if name == "id":
        return tag in _ID_TAGS
    if tag == "a":
        return name in {"href", "title"}
    if tag == "abbr":
        return name == "title"
    if tag in {"th", "td"}:
        return name in {"colspan", "rowspan"}
    return False


def _markdown() -> markdown.Markdown:
    return markdown.Markdown(
        extensions=["tables", "footnotes", "toc", "admonition", "sane_lists", "smarty"],
        extension_configs={
            "footnotes": {"BACKLINK_TEXT": "↩", "BACKLINK_TITLE": "Back to the text"},
            "toc": {"toc_depth": "2-4"},
            "smarty": {"smart_angled_quotes": False},
        },
        output_format="html",
    )


def sanitise(html: str) -> str:
    return bleach.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=_allowed_attribute,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
    )


# A bare link (<https://…> in the source, common in footnotes) shows its address as its text: long query
# strings on a phone. It is shown as host and path instead, shortened; the link itself is unchanged.
_BARE_LINK = re.compile(r'<a href="(https?://[^"]+)">\1</a>')
_LABEL_LENGTH = 48


def _bare_link_label(match: re.Match) -> str:
    address = match.group(1)
    parts = urlsplit(html.unescape(address))
    label = parts.netloc.removeprefix("www.") + parts.path.rstrip("/")
    if len(label) > _LABEL_LENGTH:
        label = label[: _LABEL_LENGTH - 1] + "…"
    return f'<a href="{address}">{html.escape(label)}</a>'


def render_markdown(text: str) -> str:
    """Render trusted-format, untrusted-content Markdown to sanitised HTML."""
    return _BARE_LINK.sub(_bare_link_label, sanitise(_markdown().convert(text)))
