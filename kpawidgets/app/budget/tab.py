"""What every tab of the budget page shares: the figures of one edit, the page it lives in.

The page computes :class:`Figures` once per edit and hands them to the visible tab's
``refresh(figures)``; a tab never recomputes the budget itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, ClassVar, Protocol

import ipywidgets as widgets

import kpawidgets.app.budget.html as H
from kpawidgets.app.session import WorkbookSession
from kpawidgets.app.shell import esc
from kpawidgets.model import budget as b
from kpawidgets.model.workbook import Workbook

__all__ = ["Figures", "Host", "Tab", "help_html", "layout", "month_options"]


#: The computed budget after an edit: the model's one set of figures (:func:`kpawidgets.model.budget.budget_figures`).
Figures = b.BudgetFigures


class Host(Protocol):
    """What a tab needs from the budget page (:class:`kpawidgets.app.budget.page.BudgetPage`)."""

    lang: str
    session: WorkbookSession

    @property
    def workbook(self) -> Workbook: ...

    @property
    def plan(self) -> b.Budget: ...

    @property
    def figures(self) -> Figures: ...

    def report(self, text: str) -> None: ...

    def changed(self) -> bool: ...

    def guard(self, callback: Callable[..., Any]) -> Callable[..., Any]: ...

    def say(self, text: str, kind: str = "ok", undo: Callable[[], None] | None = None) -> None: ...

    def structure_changed(self) -> None: ...

    def replace_plan(self, plan: b.BudgetPlan) -> None: ...

    def remove_undoably(self, field: str, index: int | None,
                        redraw: Callable[[], None]) -> tuple[Any, Callable[[], None]]: ...

    def remove_line(self, line_id: str) -> None: ...


def layout(**kwargs: Any) -> widgets.Layout:
    return widgets.Layout(**kwargs)


def help_html(text: str) -> widgets.HTML:
    """A tab's short explanation."""
    return widgets.HTML(f'<p class="kpa-help">{esc(text)}</p>')


def month_options(start: dt.date, last: int = 12, *, spread: str | None = None) -> list[tuple[str, int]]:
    """``(« 3 · mai 2027 », 3)`` for months 1…*last*; *spread* adds the option 0 (« over the year »)."""
    options = [(spread, 0)] if spread else []
    return options + [(H.month_label(start, m), m) for m in range(1, last + 1)]


class Tab(widgets.VBox):
    """One tab of the budget page, built the first time it is shown."""

    key: ClassVar[str] = ""

    def __init__(self, page: Host, children: list[widgets.Widget] | None = None) -> None:
        self.page = page
        super().__init__(children or [], layout=layout(width="100%"))
        self.add_class(f"kpa-budget-tab-{self.key}")

    @property
    def plan(self) -> b.Budget:
        return self.page.plan

    @property
    def start(self) -> dt.date:
        return b.plan_start(self.page.workbook)

    def months(self, last: int = 12, *, spread: str | None = None) -> list[tuple[str, int]]:
        return month_options(self.start, last, spread=spread)

    def refresh(self, figures: Figures) -> None:
        """Redraw what is computed (the page calls it after each edit while the tab is shown)."""

    def structure_changed(self) -> None:
        """Lines, funders or activities were added, removed or imported: redraw the rows."""
