"""Languages: English and Welsh (Cymraeg), with Flask-Babel and gettext catalogues in app/translations.

A page's language comes from, in order: ``?lang=`` on the request (links and API clients), the
``imsa_lang`` cookie set by the English / Cymraeg switch, the signed-in person's stored preference, the
browser's ``Accept-Language``, and English. Languages are named by their BCP 47 tags ("en-GB", "cy"),
which is what ``<html lang>``, the account preference and a curriculum version's ``language`` hold.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

import click
import sqlalchemy as sa
from flask import Flask, Response, current_app, has_request_context, request
from flask_babel import Babel, get_locale, get_translations
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup, escape

from app.templating import long_date

ENGLISH = "en-GB"
WELSH = "cy"
# Each language named in itself, as the switch shows it.
LANGUAGES = {ENGLISH: "English", WELSH: "Cymraeg"}
# What a screen reader hears for each switch link, in the language it switches to (as GOV.UK services say).
SWITCH_LABELS = {ENGLISH: "Change the language to English", WELSH: "Newid yr iaith i’r Gymraeg"}
COOKIE = "imsa_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600

babel = Babel()


def N_(message: str) -> str:
    """Marks a constant for extraction (pybabel knows ``N_``); ``gettext`` translates it where it is shown."""
    return message


def catalogue():
    """The translations of the language being shown. Flask-Babel finds them anew on every call (about
    7 µs, three context lookups and a locale name); a page asks for forty strings, so each process keeps
    the catalogue per locale (the catalogues are files read once, and the locale comes from
    Flask-Babel's own per-request cache, so ``force_locale`` is honoured)."""
    locale = get_locale()
    found = _CATALOGUES.get(locale)
    if found is None:
        found = get_translations()
        if locale is not None:
            _CATALOGUES[locale] = found
    return found


_CATALOGUES: dict = {}


def gettext(message: str, /, **values) -> str:
    """``flask_babel.gettext``, through the kept catalogue."""
    text = catalogue().ugettext(message)
    return text % values if values else text


class Deferred:
    """A message translated and filled in when it is shown (``str()``, a template, a JSON answer), not when
    it is made: a verification writes a dozen check details and most callers show none of them. Import it
    as ``_l`` so that pybabel extracts its messages. Dates
    among the values are written in the language of the page that shows them. Compares as its text."""

    __slots__ = ("message", "values")

    def __init__(self, message: str, /, **values) -> None:
        self.message = message
        self.values = values

    def __str__(self) -> str:
        return self.in_(catalogue())

    def in_(self, translations) -> str:
        """The text in ``translations`` (a caller writing many texts looks the catalogue up once)."""
        text = translations.ugettext(self.message)
        if not self.values:
            return text
        return text % {key: long_date(v) if isinstance(v, date) else v for key, v in self.values.items()}

    def __html__(self) -> str:
        return str(escape(str(self)))  # the values may come from a document being checked

    def __eq__(self, other) -> bool:
        return str(self) == other

    def __hash__(self) -> int:
        return hash(str(self))

    def __contains__(self, part: str) -> bool:
        return part in str(self)

    def __repr__(self) -> str:
        return f"Deferred({self.message!r})"


class HelpTranslatedWhenShown:
    """Click keeps a group's or an option's help from import time, before any language is chosen: mark it
    with ``N_`` and this translates it each time Click reads it, that is when the help is printed."""

    _help: str | None

    @property
    def help(self) -> str | None:
        return gettext(self._help) if self._help else self._help

    @help.setter
    def help(self, value: str | None) -> None:
        self._help = value


class TranslatedOption(HelpTranslatedWhenShown, click.Option):
    """An option whose help is in the command's language (``translated_option``; or in ``params=[...]``)."""


def translated_option(*names, **settings):
    """``click.option`` whose help (marked ``N_``) is printed in the command's language."""
    return click.option(*names, cls=TranslatedOption, **settings)


class TranslatedGroup(HelpTranslatedWhenShown, click.Group):
    """``TranslatedGroup(name, help=N_("..."))``: a command group whose help is in the command's language."""


@pass_context
def _template_gettext(context, message: str, /, **values) -> str:
    """Jinja's ``_()``: the catalogue comes with the page's context (``_page_translations``), so forty
    strings on a page cost one lookup; an imported macro without the context looks it up itself."""
    text = (context.get("_page_translations") or catalogue()).ugettext(message)
    if context.eval_ctx.autoescape:
        text = Markup(text)
    return text % values  # always a format string, as Jinja's newstyle gettext does


@pass_context
def _template_ngettext(context, singular: str, plural: str, number: int, /, **values) -> str:
    text = (context.get("_page_translations") or catalogue()).ungettext(singular, plural, number)
    if context.eval_ctx.autoescape:
        text = Markup(text)
    values.setdefault("num", number)
    return text % values


def language_tag(value: str | None) -> str | None:
    """The supported language ``value`` names ("cy", "cy-GB", "en", "en_GB"...), or None."""
    if not value:
        return None
    primary = value.strip().replace("_", "-").split("-")[0].lower()
    return {"en": ENGLISH, "cy": WELSH}.get(primary)


def babel_locale(tag: str) -> str:
    return tag.replace("-", "_")


def chosen_language() -> str:
    """The language of this request (see the module docstring for the order); English outside one
    (commands, and mail, which is rendered under ``force_locale`` of the recipient's language)."""
    if not has_request_context():
        return ENGLISH
    return (
        language_tag(request.args.get("lang"))
        or language_tag(request.cookies.get(COOKIE))
        or _account_language()
        or language_tag(request.accept_languages.best_match(["en-GB", "en", "cy"]))
        or ENGLISH
    )


def _account_language() -> str | None:
    """The signed-in person's stored choice; none when the database cannot be read (the error page for
    that is drawn in a language all the same). A request with neither the session nor the remember-me
    cookie has no signed-in person: most verifiers, whose requests need not load one."""
    config = current_app.config
    if not (
        config["SESSION_COOKIE_NAME"] in request.cookies
        or config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
    ):
        return None
    try:
        return language_tag(getattr(current_user, "language", None))
    except sa.exc.SQLAlchemyError:
        return None


def _select_locale() -> str:
    return babel_locale(chosen_language())


def current_language() -> str:
    """The BCP 47 tag of the language being shown, for ``lang`` attributes and stored preferences."""
    return language_tag(str(get_locale())) or ENGLISH


def other_languages() -> list[tuple[str, str]]:
    """The switch's other choice(s): (tag, name in that language)."""
    here = current_language()
    return [(tag, name) for tag, name in LANGUAGES.items() if tag != here]


def language_switch_next() -> str:
    """Where the switch comes back to: this page, without a ``lang=`` that would override the choice."""
    query = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"]
    return request.path + (f"?{urlencode(query)}" if query else "")


def _say_which_language(response: Response) -> Response:
    """Pages and API answers say their language, and caches keep one copy per language."""
    if response.mimetype == "text/html" or request.path.startswith("/api/"):
        response.headers["Content-Language"] = current_language()
        response.vary.update(("Accept-Language", "Cookie"))
    return response


def init_i18n(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", babel_locale(ENGLISH))
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Europe/London")
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "translations")
    babel.init_app(app, locale_selector=_select_locale)
    app.jinja_env.newstyle_gettext = True
    # ``_`` straight to the function too: Jinja's alias would add a call per string.
    app.jinja_env.globals.update(gettext=_template_gettext, _=_template_gettext, ngettext=_template_ngettext)
    app.context_processor(lambda: {"_page_translations": catalogue()})
    app.add_template_global(current_language)
    app.add_template_global(LANGUAGES, "languages")
    app.add_template_global(SWITCH_LABELS, "switch_labels")
    app.add_template_global(language_switch_next)
    app.after_request(_say_which_language)
