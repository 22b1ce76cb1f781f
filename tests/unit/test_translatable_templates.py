"""The public side's templates carry no user-facing English outside a translation call.

A small extraction check: the Jinja lexer splits each template into its literal text and its tags; the
literal text outside ``{% trans %}`` blocks is parsed as HTML, and any word in a text node, or in an
attribute people read (``alt``, ``title``, ``aria-label``, ``placeholder``), fails the test. Names that are
the same in every language (``IMSA®``) are allowed. Every template is checked except those listed in
UNMARKED (the curriculum's own text stays in English by decision; the pages around it are translated).
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


# Templates whose text is not marked for translation yet (#19): remove a template here once it is marked.
# Grouped by package, a blank line between groups, so work on different packages does not collide.
UNMARKED = {
    # accreditation and privacy
    "accreditation/templates/accreditation/_holder_controls.html",
    "accreditation/templates/accreditation/_requirements.html",
    "accreditation/templates/accreditation/cohort_approval.html",
    "accreditation/templates/accreditation/credential.html",
    "accreditation/templates/accreditation/eligibility.html",
    "accreditation/templates/accreditation/email/expiry_reminder.txt",
    "accreditation/templates/accreditation/email/name_change_decided.txt",
    "accreditation/templates/accreditation/index.html",
    "accreditation/templates/accreditation/mine.html",
    "accreditation/templates/accreditation/name_changes.html",
    "accreditation/templates/accreditation/records.html",
    "privacy/templates/privacy/index.html",
    # marking: due process (appeals, special consideration, integrity)
    "marking/templates/marking/_integrity.html",
    "marking/templates/marking/appeal.html",
    "marking/templates/marking/appeals.html",
    "marking/templates/marking/consideration.html",
    "marking/templates/marking/considerations.html",
    "marking/templates/marking/email/appeal_assigned.txt",
    "marking/templates/marking/email/appeal_decided.txt",
    "marking/templates/marking/email/consideration.txt",
    "marking/templates/marking/email/integrity.txt",
    "marking/templates/marking/extension.html",
    "marking/templates/marking/my_considerations.html",
    "marking/templates/marking/request_consideration.html",
    "marking/templates/marking/request_review.html",
    # marking: queue, pieces, receipts, results
    "marking/templates/marking/assessment.html",
    "marking/templates/marking/email/released.txt",
    "marking/templates/marking/email/returned.txt",
    "marking/templates/marking/piece.html",
    "marking/templates/marking/portfolio.html",
    "marking/templates/marking/queue.html",
    "marking/templates/marking/receipt.html",
    "marking/templates/marking/report.html",
    # learning
    "learning/templates/learning/_crumbs.html",
    "learning/templates/learning/assignment.html",
    "learning/templates/learning/choose.html",
    "learning/templates/learning/dashboard.html",
    "learning/templates/learning/lesson.html",
    "learning/templates/learning/module.html",
    "learning/templates/learning/portfolio.html",
    "learning/templates/learning/question.html",
    "learning/templates/learning/questions/matching.html",
    "learning/templates/learning/questions/multiple_response.html",
    "learning/templates/learning/questions/ordering.html",
    "learning/templates/learning/questions/short_text.html",
    "learning/templates/learning/questions/single_choice.html",
    "learning/templates/learning/questions/true_false.html",
    "learning/templates/learning/quiz.html",
    "learning/templates/learning/quiz_check.html",
    "learning/templates/learning/quiz_review.html",
    # cohorts and assurance
    "assurance/templates/assurance/_fields.html",
    "assurance/templates/assurance/board.html",
    "assurance/templates/assurance/cohort.html",
    "assurance/templates/assurance/index.html",
    "assurance/templates/assurance/module.html",
    "assurance/templates/assurance/piece.html",
    "assurance/templates/assurance/report.html",
    "cohorts/templates/cohorts/_cohort_crumbs.html",
    "cohorts/templates/cohorts/import.html",
    "cohorts/templates/cohorts/index.html",
    "cohorts/templates/cohorts/invite.html",
    "cohorts/templates/cohorts/new.html",
    "cohorts/templates/cohorts/schedule.html",
    "cohorts/templates/cohorts/staff.html",
    "cohorts/templates/cohorts/status.html",
    "cohorts/templates/cohorts/transfer.html",
    # admin, organisations and site
    "admin/templates/admin/audit.html",
    "admin/templates/admin/invite_staff.html",
    "admin/templates/admin/outbox.html",
    "admin/templates/admin/people.html",
    "organisations/templates/organisations/index.html",
    "organisations/templates/organisations/new.html",
    "site/templates/site/nothing_yet.html",
}

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


@pytest.mark.parametrize("template", [name for name in _templates() if name not in UNMARKED])
def test_templates_have_no_english_outside_a_translation_call(template):
    words = untranslated_words((APP / template).read_text(encoding="utf-8"))
    assert not words, f"{template}: wrap these in _() or {{% trans %}}: {words}"


def test_the_check_finds_english_in_text_and_in_read_attributes():
    assert untranslated_words("<p>Check a credential</p>") == ["Check", "credential"]
    assert untranslated_words('<img alt="A seal" src="x.svg">') == ["seal"]
    assert untranslated_words("<p>{{ _('Check') }} IMSA® {% trans %}Two words{% endtrans %}</p>") == []
    assert untranslated_words('<a href="/verify" class="govuk-link">{{ name }}</a>') == []


def test_the_not_yet_marked_list_names_only_templates_that_exist():
    assert UNMARKED - set(_templates()) == set()


def test_every_public_verify_template_is_checked():
    """A new page under /verify (the share link's, say) is public: it is checked as soon as it exists."""
    verify = {name for name in _templates() if name.startswith("verify/")}
    assert verify and verify & UNMARKED == set()
