"""Removal that can be undone: one mechanism for every page that removes list items.

:func:`remove_undoably` takes an item out of a list *in place* (the list object stays, as
the live follow expects) and returns an undo that puts it back; :class:`UndoNotice` is the
line that says what was removed, with « Annuler ».
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from kpawidgets.app.shell import message_html
from kpawidgets.i18n import _

__all__ = ["UndoNotice", "remove_undoably"]


def remove_undoably(items: list[Any], index: int | None,
                    redraw: Callable[[], None]) -> tuple[Any, Callable[[], None]]:
    """Remove ``items[index]`` and redraw; return it and an undo that puts it back and redraws.

    An index out of range removes nothing (``None``, an undo that does nothing)."""
    if index is None or not 0 <= index < len(items):
        return None, lambda: None
    removed = items.pop(index)

    def undo() -> None:
        same_id = getattr(removed, "id", None)
        if any(item is removed or (same_id is not None and getattr(item, "id", None) == same_id) for item in items):
            return  # undone already, or another device put the same item back meanwhile
        items.insert(min(index, len(items)), removed)
        redraw()

    redraw()
    return removed, undo


class UndoNotice(widgets.HBox):
    """A notice with « Annuler » when it offers an undo; hidden while empty."""

    def __init__(self, guard: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
        self.text = widgets.HTML()
        self.undo_button = widgets.Button(description=_("Annuler"), icon="undo",
                                          layout=widgets.Layout(display="none", width="auto"))
        self.undo_button.add_class("kpa-undo")
        self.undo_button.on_click(guard(lambda _button: self.undo()))
        self._undo: Callable[[], None] | None = None
        super().__init__([self.text, self.undo_button], layout=widgets.Layout(display="none", width="100%"))
        self.add_class("kpa-undo-notice")

    def say(self, text: str, kind: str = "ok", undo: Callable[[], None] | None = None) -> None:
        """Show *text*, with « Annuler » when *undo* is given (a new notice replaces the old one)."""
        self.text.value = message_html(text, kind)
        self._undo = undo
        self.undo_button.layout.display = "inline-flex" if undo else "none"
        self.layout.display = "flex"

    def clear(self) -> None:
        self.text.value = ""
        self._undo = None
        self.undo_button.layout.display = "none"
        self.layout.display = "none"

    def undo(self) -> None:
        """Run the offered undo once, then hide the notice."""
        action = self._undo
        self.clear()
        if action is not None:
            action()
