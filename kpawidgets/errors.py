"""The one root exception of the domain, with a message in the person's language."""

from __future__ import annotations

from typing import Any

__all__ = ["KpaError"]


class KpaError(Exception):
    """Any failure a person should read about, never as a traceback.

    ``template`` is the French text (the translation catalogs' message id) with
    ``{name}`` placeholders filled from ``params``; :meth:`message` translates it.
    Structured fields (``params``) stay available to code and tests.
    """

    def __init__(self, template: str, **params: Any) -> None:
        self.template = template
        self.params = params
        super().__init__(self.message("fr"))

    def message(self, lang: str | None = None) -> str:
        """Return the message in *lang* (default: the current language)."""
        from kpawidgets.i18n import translate

        text = translate(self.template, lang)
        try:
            return text.format(**self.params)
        except (KeyError, IndexError, ValueError):
            return text
