"""The interface language: Chinese by default, English switchable and remembered."""

from __future__ import annotations

from flask import Flask, g, request, session
from flask_babel import get_translations
from flask_login import current_user

from kitchen.extensions import babel

LOCALE_NAMES = {"zh_CN": "中文", "en": "English"}


def select_locale() -> str:
    """The user's remembered choice, else the session's, else the default (zh_CN)."""
    from flask import current_app, has_request_context

    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # the command line speaks the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return current_user.locale
    chosen = session.get("locale")
    if chosen in languages:
        return str(chosen)
    if request.path.startswith("/api/"):  # API clients say what they read; pages default to zh
        best = request.accept_languages.best_match(["zh", "zh-CN", "en"])
        if best:
            return "en" if best == "en" else "zh_CN"
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _translations():
    """This request's catalogue, looked up once (a page asks for a hundred texts)."""
    try:
        return g._kitchen_translations
    except AttributeError:
        found = g._kitchen_translations = get_translations()
        return found


def init_app(app: Flask) -> None:
    """Bind Flask-Babel and expose the current locale to templates."""
    from kitchen import labels

    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]  # the i18n extension's
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
    )
    app.jinja_env.globals.update(
        label=labels.label,
        approximate_count=labels.approximate_count,
        match_label=labels.match_label,
        status_colour=labels.status_colour,
        status_enum=labels.status_enum,
        note_headline=labels.note_headline,
        kind_enum=labels.kind_enum,
        with_param=labels.with_param,
        link_maker=labels.LinkMaker,
        interface_language=interface_language,
    )

    @app.context_processor
    def inject_locale() -> dict[str, object]:
        locale = select_locale()
        g.locale = locale
        html_lang = "zh-CN" if locale == "zh_CN" else locale
        return {"current_locale": locale, "html_lang": html_lang, "locale_names": LOCALE_NAMES}


def interface_language() -> str:
    """The interface language as a language code of item texts (kitchen.enums.Language):
    "zh" or "en"."""
    from flask_babel import get_locale

    locale = get_locale()
    return locale.language if locale is not None else "zh"
