"""The kept catalogue and deferred texts (app/i18n.py): they say what Flask-Babel would, in the language
being shown at the moment they are shown."""

from __future__ import annotations

from datetime import date

from flask import render_template_string
from flask_babel import force_locale
from flask_babel import gettext as babel_gettext

from app.i18n import Deferred, gettext


def test_the_kept_catalogue_follows_force_locale_within_one_request(app):
    """Mail is rendered under force_locale mid-request: it must not reuse the page's catalogue."""
    with app.test_request_context("/verify?lang=cy"):
        welsh = gettext("Revocation")
        assert welsh == babel_gettext("Revocation") and welsh != "Revocation"
        with force_locale("en_GB"):
            assert gettext("Revocation") == "Revocation"
            assert render_template_string("{{ _('Revocation') }}") == "Revocation"
        assert gettext("Revocation") == welsh
        assert render_template_string("{{ _('Revocation') }}") == welsh


def test_a_deferred_text_is_translated_and_its_dates_written_when_shown(app):
    text = Deferred("valid from %(start)s until %(end)s", start=date(2026, 12, 7), end=date(2029, 12, 7))
    with app.test_request_context("/verify"):
        with force_locale("cy"):
            welsh = str(text)
        with force_locale("en_GB"):
            english = str(text)
    assert english == "valid from 7 December 2026 until 7 December 2029"
    assert "Rhagfyr" in welsh and welsh != english


def test_a_deferred_text_escapes_the_values_it_shows_in_a_page(app):
    """Its values can come from the document being checked (an uploaded file's issuer name)."""
    text = Deferred("issued by %(name)s (%(did)s)", name="<script>alert(1)</script>", did="did:web:x")
    with app.test_request_context("/verify"):
        page = render_template_string("<p>{{ detail }}</p>", detail=text)
        assert "<script>" not in page and "&lt;script&gt;" in page
        assert text == "issued by <script>alert(1)</script> (did:web:x)"


def test_a_macro_imported_without_the_page_context_still_speaks_the_page_language(app):
    """Pages hand their catalogue to ``_()`` through the context; a macro imported without it looks the
    language up itself. Plural messages go the same way."""
    with app.test_request_context("/verify?lang=cy"):
        app.jinja_env.globals["macros"] = app.jinja_env.from_string(
            "{% macro word() %}{{ _('Revocation') }}{% endmacro %}"
        ).module
        page = render_template_string(
            "{{ macros.word() }}|{{ ngettext('%(count)s event', '%(count)s events', 3, count=3) }}"
        )
        word, events = page.split("|")
        assert word == gettext("Revocation") != "Revocation"
        assert events.startswith("3 ") and events != "3 events"
    del app.jinja_env.globals["macros"]


def test_a_page_s_message_escapes_its_values(app):
    with app.test_request_context("/verify"):
        page = render_template_string("{{ _('Hello %(name)s', name=who) }}", who="<b>x</b>")
    assert page == "Hello &lt;b&gt;x&lt;/b&gt;"


def test_a_message_may_fill_in_a_value_called_message(app):
    """Flask-Babel's gettext takes any value name; so must ours (the ledger's report fills in ``message``)."""
    with app.test_request_context("/"):
        assert gettext("%(message)s", message="kept") == "kept"
        assert str(Deferred("%(message)s", message="kept")) == "kept"
        assert render_template_string("{{ _('%(message)s', message='kept') }}") == "kept"
