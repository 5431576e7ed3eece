"""Translation catalogs and formatting of amounts, dates and percentages (Babel).

French is the source language: message ids are the French texts, and the
catalogs in ``kpawidgets/locale/<lang>/LC_MESSAGES/*.po`` translate them. Every
``.po`` file of a language is merged, so each part of the app keeps its own file.
Mark strings with ``_()`` (translated now) or ``N_()`` (marked, translated later);
a message that depends on a count has two forms, :func:`ngettext` (``msgid`` and
``msgid_plural`` entries in the ``.po`` files), never « (s) ».
"""

from __future__ import annotations

import contextvars
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
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
    "ngettext",
    "translate",
    "translate_plural",
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
def _catalogs(lang: str) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """The translations of *lang* merged from its ``.po`` files: simple ones, and plural ones by singular."""
    simple: dict[str, str] = {}
    plural: dict[str, tuple[str, ...]] = {}
    for po_file in _po_files(lang):
        with po_file.open("rb") as handle:
            for message in read_po(handle, locale=None):
                if message.id and isinstance(message.id, str) and message.string:
                    simple[message.id] = str(message.string)
                elif isinstance(message.id, (tuple, list)) and isinstance(message.string, (tuple, list)):
                    forms = tuple(str(form) for form in message.string)
                    if all(forms):
                        plural[str(message.id[0])] = forms
                        # Both source forms stay visible to the catalog checks (tools.catalog).
                        simple[str(message.id[0])] = forms[0]
                        simple[str(message.id[1])] = forms[-1]
    return simple, plural


def catalog(lang: str) -> dict[str, str]:
    """All translations of *lang*, merged from its ``.po`` files (msgid → msgstr; a plural
    entry gives its singular and its plural source forms, each with its translation)."""
    return _catalogs(lang)[0]


def translate(message: str, lang: str | None = None) -> str:
    """Translate the French *message* into *lang* (default: current language)."""
    code = normalize_language(lang) if lang else get_language()
    if code == "fr":
        return message
    return catalog(code).get(message, message)


def _plural_index(code: str, count: int) -> int:
    """Which form (0 singular, 1 plural) *count* takes in *code* (French: 0 and 1 are singular)."""
    return 0 if Locale.parse(_LOCALES[code]).plural_form(abs(count)) == "one" else 1


def translate_plural(singular: str, plural: str, count: int, lang: str | None = None) -> str:
    """The form of the French *singular* / *plural* pair that *count* takes, in *lang* (default: current)."""
    code = normalize_language(lang) if lang else get_language()
    index = _plural_index(code, count)
    forms = (singular, plural) if code == "fr" else _catalogs(code)[1].get(singular, (singular, plural))
    return forms[min(index, len(forms) - 1)]


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form for *count* of a message in the current language (placeholders left to ``.format``)."""
    return translate_plural(singular, plural, count)


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
    """An amount to the euro (as the Cerfa form shows it): ``35 000 €``; half up (100,50 → 101, the rule of
    ``model/budget/rounding``), and never « -0 € »."""
    value = Decimal(str(amount)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return format_money(value if value else Decimal(0), lang, cents=False)


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
