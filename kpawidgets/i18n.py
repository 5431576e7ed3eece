"""Translation catalogs and formatting of amounts, dates and percentages (Babel).

French is the source language: message ids are the French texts, and the
catalogs in ``kpawidgets/locale/<lang>/LC_MESSAGES/*.po`` translate them. Every
``.po`` file of a language is merged, so each part of the app keeps its own file.
Mark strings with ``_()`` (translated now) or ``N_()`` (marked, translated later).
"""

from __future__ import annotations

import contextvars
import datetime as dt
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from typing import Iterator

from babel import Locale
from babel.dates import format_date as _babel_format_date
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal, format_percent as _babel_format_percent

__all__ = [
    "LANGUAGES",
    "DEFAULT_LANGUAGE",
    "_",
    "N_",
    "translate",
    "get_language",
    "set_language",
    "use_language",
    "normalize_language",
    "format_money",
    "format_money_rounded",
    "format_number",
    "format_percent",
    "format_date",
    "format_month",
    "catalog",
]

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
_LOCALES = {"fr": "fr_FR", "en": "en_GB"}

_current: contextvars.ContextVar[str] = contextvars.ContextVar("kpa_language", default=DEFAULT_LANGUAGE)


def normalize_language(lang: object) -> str:
    """Return a supported language code for *lang* (anything unknown gives French)."""
    if isinstance(lang, str):
        code = lang.strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return DEFAULT_LANGUAGE


def get_language() -> str:
    """The language of the current context (a kernel serves one visitor)."""
    return _current.get()


def set_language(lang: object) -> str:
    """Set the current language and return the code actually used."""
    code = normalize_language(lang)
    _current.set(code)
    return code


class use_language:
    """Context manager: ``with use_language("en"): ...``."""

    def __init__(self, lang: object) -> None:
        self.lang = normalize_language(lang)
        self._token: contextvars.Token[str] | None = None

    def __enter__(self) -> str:
        self._token = _current.set(self.lang)
        return self.lang

    def __exit__(self, *exc: object) -> None:
        if self._token is not None:
            _current.reset(self._token)


def _po_files(lang: str) -> Iterator[resources.abc.Traversable]:
    folder = resources.files("kpawidgets") / "locale" / lang / "LC_MESSAGES"
    if folder.is_dir():
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.name.endswith(".po"):
                yield entry


@lru_cache(maxsize=None)
def catalog(lang: str) -> dict[str, str]:
    """All translations of *lang*, merged from its ``.po`` files (msgid → msgstr)."""
    merged: dict[str, str] = {}
    for po_file in _po_files(lang):
        with po_file.open("rb") as handle:
            for message in read_po(handle, locale=None):
                if message.id and isinstance(message.id, str) and message.string:
                    merged[message.id] = str(message.string)
    return merged


def translate(message: str, lang: str | None = None) -> str:
    """Translate the French *message* into *lang* (default: current language)."""
    code = normalize_language(lang) if lang else get_language()
    if code == "fr":
        return message
    return catalog(code).get(message, message)


def _(message: str) -> str:
    """Translate *message* into the current language."""
    return translate(message)


def N_(message: str) -> str:
    """Mark *message* for the catalogs without translating it yet."""
    return message


def _locale(lang: str | None) -> str:
    return _LOCALES[normalize_language(lang) if lang else get_language()]


def format_money(amount: Decimal | int | float, lang: str | None = None, *, cents: bool = True) -> str:
    """``3 886,08 €`` in French, ``€3,886.08`` in English; without cents when *cents* is False."""
    value = Decimal(str(amount)) if not isinstance(amount, Decimal) else amount
    if cents:
        return format_currency(value, "EUR", locale=_locale(lang))
    pattern = "#,##0\u00a0¤" if (normalize_language(lang) if lang else get_language()) == "fr" else "¤#,##0"
    return format_currency(value, "EUR", format=pattern, locale=_locale(lang), currency_digits=False)


def format_money_rounded(amount: Decimal | int | float, lang: str | None = None) -> str:
    """An amount to the euro (as the Cerfa form shows it): ``35 000 €``."""
    return format_money(Decimal(str(amount)).quantize(Decimal(1)), lang, cents=False)


def format_number(value: Decimal | int | float, lang: str | None = None, *, digits: int = 1) -> str:
    """A number with the language's separators and at most *digits* decimals."""
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=_locale(lang))


def format_percent(ratio: Decimal | float, lang: str | None = None, *, digits: int = 0) -> str:
    """``65 %`` in French, ``65%`` in English, from a ratio (0.65)."""
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "\u00a0%"
    if (normalize_language(lang) if lang else get_language()) == "en":
        pattern = pattern.replace("\u00a0", "")
    return _babel_format_percent(ratio, format=pattern, locale=_locale(lang))


def format_date(day: dt.date | None, lang: str | None = None, *, style: str = "long") -> str:
    """``15 avril 2026`` / ``15 April 2026``; an empty string for no date."""
    if day is None:
        return ""
    return _babel_format_date(day, format=style, locale=_locale(lang))


def format_month(day: dt.date, lang: str | None = None) -> str:
    """``avril 2026`` / ``April 2026``."""
    return _babel_format_date(day, format="LLLL y", locale=_locale(lang))


def language_name(lang: str) -> str:
    """The language's own name (``Français``, ``English``)."""
    return (Locale.parse(_LOCALES[normalize_language(lang)]).get_language_name() or lang).capitalize()
