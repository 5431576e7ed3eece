"""The one root exception of the domain, with a message in the person's language."""

from __future__ import annotations

from typing import Any

__all__ = ["KpaError"]


class KpaError(Exception):
    """Any failure a person should read about, never as a traceback.

    ``template`` is the French text (the translation catalogs' message id) with
    ``{name}`` placeholders filled from ``params``; :meth:`message` translates it.
    A message that depends on a number gives its French plural form as ``plural``
    and the number as the ``count`` parameter: ``KpaError("{count} ligne refusée.",
    plural="{count} lignes refusées.", count=n)``. Structured fields (``params``)
    stay available to code and tests.
    """

    def __init__(self, template: str, *, plural: str | None = None, **params: Any) -> None:
        self.template = template
        self.plural = plural
        self.params = params
        super().__init__(self.message("fr"))

    def message(self, lang: str | None = None) -> str:
        """Return the message in *lang* (default: the current language)."""
        from kpawidgets.i18n import translate, translate_plural

        count = self.params.get("count")
        if self.plural is not None and isinstance(count, int):
            text = translate_plural(self.template, self.plural, count, lang)
        else:
            text = translate(self.template, lang)
        try:
            return text.format(**self.params)
        except (KeyError, IndexError, ValueError):
            return text
