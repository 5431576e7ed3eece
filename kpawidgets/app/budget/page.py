"""The budget page: a summary, a notice with « Annuler », and one tab component per part.

Each edit goes to the model through the field kit (:mod:`kpawidgets.app.fields`), then
:meth:`BudgetPage.changed` computes the figures once (:class:`~.tab.Figures`), redraws the
summary and the visible tab (``refresh(figures)``), and saves (``session.changed()``).
Hidden tabs are built when first opened and refreshed when shown again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import ipywidgets as widgets

import kpawidgets.app.budget.html as H
from kpawidgets.app.budget.cash import CashTab
from kpawidgets.app.budget.files import FilesTab
from kpawidgets.app.budget.funders import FundersTab
from kpawidgets.app.budget.lines import LinesTab
from kpawidgets.app.budget.revenue import RevenueTab
from kpawidgets.app.budget.scenarios import ScenariosTab
from kpawidgets.app.budget.sharing import SharingTab
from kpawidgets.app.budget.staff import StaffTab
from kpawidgets.app.budget.tab import Figures, Tab, layout
from kpawidgets.app.budget.years import YearsTab
from kpawidgets.app.live import Changes
from kpawidgets.app.session import WorkbookSession
from kpawidgets.app.shell import PageShell, esc, message_html, page_url
from kpawidgets.app.undo import remove_undoably
from kpawidgets.i18n import N_, _
from kpawidgets.model import budget as b
from kpawidgets.model.workbook import Workbook

__all__ = ["BudgetPage", "build_budget", "budget_page", "SECTIONS", "TABS"]

F = TypeVar("F", bound=Callable[..., Any])

#: The page's tabs in order: key → (French title, component).
TABS: dict[str, tuple[str, type[Tab]]] = {
    "lines": (N_("Budget Cerfa"), LinesTab),
    "funders": (N_("Financeurs"), FundersTab),
    "staff": (N_("Équipe"), StaffTab),
    "revenue": (N_("Activités"), RevenueTab),
    "cash": (N_("Trésorerie"), CashTab),
    "years": (N_("Trois ans"), YearsTab),
    "scenarios": (N_("Scénarios"), ScenariosTab),
    "sharing": (N_("Partage"), SharingTab),
    "files": (N_("Tableur"), FilesTab),
}
#: (key, French title) of each tab.
SECTIONS: list[tuple[str, str]] = [(key, title) for key, (title, _component) in TABS.items()]


class BudgetPage(widgets.VBox):
    """The budget simulator for the session's workbook."""

    def __init__(self, session: WorkbookSession, shell: PageShell) -> None:
        self.session = session
        self.shell = shell
        self.lang = session.lang
        self.summary = widgets.HTML()
        self.summary.add_class("kpa-budget-summary-box")
        self.notice = widgets.HTML()
        self.undo_button = widgets.Button(description=_("Annuler"), layout=layout(display="none"))
        self.undo_button.on_click(self.guard(lambda _b: self._undo()))
        self.notice_box = widgets.HBox([self.notice, self.undo_button], layout=layout(display="none", width="100%"))
        self.notice_box.add_class("kpa-budget-notice")
        self._undo_action: Callable[[], None] | None = None
        self.panels = {key: widgets.VBox(layout=layout(width="100%")) for key in TABS}
        self.tabs = widgets.Tab(children=list(self.panels.values()), layout=layout(width="100%"))
        for index, (title, _component) in enumerate(TABS.values()):
            self.tabs.set_title(index, _(title))
        self.tabs.add_class("kpa-budget-tabs")
        #: The tabs built so far, and those whose figures are older than the last edit.
        self.views: dict[str, Tab] = {}
        self._stale: set[str] = set()
        self._figures = Figures.of(self.workbook)
        self.tabs.observe(self.guard(lambda _change: self._show(self.current_key())), names="selected_index")
        super().__init__([self.summary, self.notice_box, self.tabs], layout=layout(width="100%"))
        self.add_class("kpa-budget")
        self._draw()

    # ----------------------------------------------------------------- what tabs use
    @property
    def workbook(self) -> Workbook:
        workbook = self.session.workbook
        assert workbook is not None
        return workbook

    @property
    def plan(self) -> b.Budget:
        return self.workbook.budget

    @property
    def figures(self) -> Figures:
        """The figures of the last edit."""
        return self._figures

    @property
    def totals(self) -> b.Totals:
        return self._figures.totals

    def guard(self, callback: F) -> F:
        """*callback* under the one guard, in the visitor's language."""
        return self.shell.guard(callback)

    def report(self, text: str) -> None:
        self.shell.show_error(text)

    def changed(self) -> bool:
        """After an edit: compute the figures once, redraw the summary and the visible tab
        (the person sees the effect first), then save (the status line reports the save)."""
        self._figures = Figures.of(self.workbook)
        self._stale = set(self.views)
        self._draw()
        return self.session.changed()

    def follow_external(self, changes: Changes) -> None:
        """Another device saved: recompute the figures and redraw them (the open tab stays open);
        rows are redrawn only when lines came, went or moved."""
        if changes.lists:
            for view in self.views.values():
                view.structure_changed()
        self._figures = Figures.of(self.workbook)
        self._stale = set(self.views)
        self._draw()

    def view(self, key: str) -> Tab:
        """Tab *key*, built if it was not yet."""
        if key not in self.views:
            component = TABS[key][1]
            self.views[key] = component(self)
            self.panels[key].children = (self.views[key],)
            self._stale.add(key)
        return self.views[key]

    def select(self, key: str) -> Tab:
        """Show tab *key* and return it."""
        self.tabs.selected_index = list(TABS).index(key)
        return self.view(key)

    def current_key(self) -> str:
        return list(TABS)[self.tabs.selected_index or 0]

    def structure_changed(self) -> None:
        """Rows were added, removed or imported: every built tab redraws its rows, then save."""
        for view in self.views.values():
            view.structure_changed()
        self.changed()

    def replace_plan(self, plan: b.BudgetPlan) -> None:
        """Put *plan* in the budget (keeping the scenarios), rebuild the tabs, save."""
        data = b.copy_plan(plan).model_dump()
        data["scenarios"] = [s.model_dump() for s in self.plan.scenarios]
        self.workbook.budget = b.Budget.model_validate(data)
        for key in [k for k in self.views if k != "scenarios"]:
            del self.views[key]
            self.panels[key].children = ()
        self.changed()

    def say(self, text: str, kind: str = "ok", undo: Callable[[], None] | None = None) -> None:
        """A notice above the tabs, with « Annuler » when *undo* is given."""
        self.notice.value = message_html(text, kind)
        self.notice_box.layout.display = "flex"
        self._undo_action = undo
        self.undo_button.layout.display = "inline-flex" if undo else "none"

    def remove_undoably(self, field: str, index: int | None,
                        redraw: Callable[[], None]) -> tuple[Any, Callable[[], None]]:
        """Remove item *index* of ``plan.<field>``, redraw; return it and an undo that puts it back."""
        return remove_undoably(getattr(self.plan, field), index, redraw)

    def remove_line(self, line_id: str) -> None:
        """Remove a budget or funder line (undoable from the notice)."""
        index = next((i for i, x in enumerate(self.plan.lines) if x.id == line_id), None)
        removed, undo = self.remove_undoably("lines", index, self.structure_changed)
        if removed is not None:
            def undo_and_say() -> None:
                undo()
                self.say(_("Ligne rétablie."))

            self.say(_("Ligne « {label} » supprimée.").format(label=removed.label or removed.account),
                     "info", undo_and_say)

    # ----------------------------------------------------------------- drawing
    def _draw(self) -> None:
        figures = self._figures
        self.summary.value = H.summary_html(figures)
        self._show(self.current_key())

    def _show(self, key: str) -> None:
        view = self.view(key)
        if key in self._stale:
            view.refresh(self._figures)
            self._stale.discard(key)

    def _undo(self) -> None:
        action, self._undo_action = self._undo_action, None
        self.undo_button.layout.display = "none"
        self.notice.value = ""
        self.notice_box.layout.display = "none"
        if action:
            action()


def build_budget(session: WorkbookSession) -> PageShell:
    """The budget page's widget tree for *session* (no browser needed)."""
    shell = PageShell("02_budget.ipynb", session)
    shell.follow_workbook(lambda: BudgetPage(session, shell) if session.workbook is not None else _placeholder(session))
    return shell


def _placeholder(session: WorkbookSession) -> widgets.HTML:
    link = page_url("00_accueil.ipynb", None, session.lang)
    reason = session.error.message() if session.error else _("Aucun carnet ouvert.")
    return widgets.HTML(message_html(reason, "warning" if session.error is None else "error")
                        + f'<p><a href="{esc(link)}">' + esc(_("Choisir ou créer un carnet sur la page d'accueil")) + '</a></p>')


def budget_page() -> PageShell:
    """Build and display the budget page for the current Voilà request."""
    from IPython.display import display

    from kpawidgets.app.request import query_params

    session = WorkbookSession.from_request(query_params())
    shell = build_budget(session)
    display(shell)
    return shell
