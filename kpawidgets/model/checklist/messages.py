"""A translatable message of the checklist's computations: a French message id and its parameters."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from kpawidgets.i18n import format_date, format_money, format_number, format_percent, translate, translate_plural

__all__ = ["Message"]


@dataclass(frozen=True)
class Message:
    """A translatable message: a French message id and its parameters.

    Parameters are formatted by name when shown: ``*_label`` values are message ids
    (translated), ``*_pct`` ratios (formatted as a percentage), ``*_date`` dates,
    ``*_money`` amounts; a :class:`Message` value is rendered in the same language;
    Decimal values are formatted as numbers; anything else is shown as is.
    A message with a ``plural`` form takes the form its ``count`` parameter asks for.
    """

    msgid: str
    params: dict[str, Any] = field(default_factory=dict)
    plural: str | None = None

    def text(self, lang: str | None = None) -> str:
        """The message in *lang* (default: the current language)."""
        values: dict[str, Any] = {}
        for key, value in self.params.items():
            if isinstance(value, Message):
                values[key] = value.text(lang)
            elif key.endswith("_label"):
                values[key] = translate(str(value), lang)
            elif key.endswith("_pct"):
                values[key] = format_percent(value, lang)
            elif key.endswith("_date"):
                values[key] = format_date(value, lang)
            elif key.endswith("_money"):
                values[key] = format_money(value, lang)
            elif isinstance(value, Decimal):
                values[key] = format_number(value, lang, digits=2)
            else:
                values[key] = value
        count = self.params.get("count")
        if self.plural is not None and isinstance(count, int):
            text = translate_plural(self.msgid, self.plural, count, lang)
        else:
            text = translate(self.msgid, lang)
        try:
            return text.format(**values)
        except (KeyError, IndexError, ValueError):
            return text
