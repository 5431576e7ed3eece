"""The « Budget Cerfa » tab: lines block by block (60 to 86, not the funders), and the Cerfa table."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import ipywidgets as widgets

import kpawidgets.app.budget.html as H
from kpawidgets.app.budget.tab import Figures, Host, Tab, layout
from kpawidgets.app.fields import AMOUNT, TEXT, ById, choice_field, month_field, text_field
from kpawidgets.app.shell import esc
from kpawidgets.i18n import _, format_money
from kpawidgets.model import budget as b

__all__ = ["LinesTab", "EDIT_GROUPS", "PAGE_SIZE"]

#: Blocks offered in the lines editor (74 is edited with the funders).
EDIT_GROUPS = [*b.CHARGE_GROUPS, "70", "73", "75", "76", "77", "78", "86"]
#: Rows shown at once (a pager shows the others).
PAGE_SIZE = 25


class LinesTab(Tab):
    """Pick a block, edit its lines (account, label, amount, month), see the Cerfa table."""

    key = "lines"

    def __init__(self, page: Host) -> None:
        self.group = "60"
        self.line_page = 0
        options = [(f"{g} · {_(b.ACCOUNTS[g])}", g) for g in EDIT_GROUPS]
        self.group_picker = widgets.Dropdown(options=options, value=self.group, description=_("Bloc du budget"),
                                             layout=layout(width="640px", max_width="100%"))
        self.group_picker.style.description_width = "initial"
        self.group_picker.observe(page.guard(self._on_group), names="value")
        self.group_help = widgets.HTML()
        self.line_rows = widgets.VBox(layout=layout(width="100%"))
        self.line_rows.add_class("kpa-line-rows")
        self.add_line_button = widgets.Button(description=_("Ajouter une ligne"), button_style="primary", icon="plus")
        self.add_line_button.on_click(page.guard(lambda _b: self.add_line()))
        self.prev_button = widgets.Button(description=_("← Précédentes"))
        self.next_button = widgets.Button(description=_("Suivantes →"))
        self.prev_button.on_click(page.guard(lambda _b: self._turn(-1)))
        self.next_button.on_click(page.guard(lambda _b: self._turn(1)))
        self.pager_text = widgets.HTML()
        self.pager = widgets.HBox([self.prev_button, self.pager_text, self.next_button])
        self.pager.add_class("kpa-pager")
        self.cerfa = widgets.HTML()
        self.cerfa.add_class("kpa-cerfa-box")
        intro = _("Choisissez un bloc du budget, puis tapez les montants comme vous les écrivez : 1 234,56 ou 1 234 €. "
                  "Les salaires, les ventes et les subventions ont leurs onglets.")
        super().__init__(page, [widgets.HTML(f'<p class="kpa-help">{esc(intro)}</p>'), self.group_picker,
                                self.group_help, self.line_rows, widgets.HBox([self.add_line_button, self.pager]),
                                self.cerfa])
        self.fill_rows()

    # ----------------------------------------------------------------- rows
    def group_lines(self) -> list[b.BudgetLine]:
        return [line for line in self.plan.lines if not line.is_funder and line.account[:2] == self.group]

    def _on_group(self, change: dict[str, Any]) -> None:
        self.group = change["new"]
        self.line_page = 0
        self.fill_rows()
        self._notes(self.page.figures)

    def _turn(self, step: int) -> None:
        self.line_page = max(0, self.line_page + step)
        self.fill_rows()

    def fill_rows(self) -> None:
        """Draw the rows of the chosen block's current page."""
        lines = self.group_lines()
        pages = max(1, (len(lines) + PAGE_SIZE - 1) // PAGE_SIZE)
        self.line_page = min(self.line_page, pages - 1)
        first = self.line_page * PAGE_SIZE
        shown = lines[first:first + PAGE_SIZE]
        self.line_rows.children = tuple(self._row(line) for line in shown)
        self.pager.layout.display = "flex" if pages > 1 else "none"
        text = _("lignes {first} à {last} sur {count}").format(first=first + 1, last=first + len(shown), count=len(lines))
        self.pager_text.value = f'<span class="kpa-muted">{esc(text)}</span>'

    def structure_changed(self) -> None:
        self.fill_rows()

    def _accounts(self, line: b.BudgetLine) -> list[str]:
        group = self.group
        has_sub = any(len(c) == 3 and c[:2] == group for c in b.ACCOUNTS)
        subs = [code for code in b.ACCOUNTS if code[:2] == group and (len(code) == 3 or not has_sub)]
        if group == "86":
            subs = list(b.INKIND_USES)
        if line.account not in subs:
            subs.append(line.account)
        return subs

    def _row(self, line: b.BudgetLine) -> widgets.Widget:
        line_id = line.id
        page = self.page

        find = ById(lambda: self.plan.lines, line_id)

        account = choice_field(page, find, "account", "", [(f"{c} · {_(b.account_label(c))}", c) for c in self._accounts(line)],
                               css="kpa-account", width="230px", name=_("Compte"))
        label = text_field(page, find, "label", "", TEXT, placeholder=_("Libellé"), css="kpa-label", width="320px")
        amount = text_field(page, find, "amount", "", AMOUNT, width="150px", name=_("Montant"))
        row_widgets: list[widgets.Widget] = [account, label, amount]
        if self.group != "86":
            row_widgets.append(month_field(page, find, "month", "", self.months(spread=_("réparti sur l'année")),
                                           spread=True, css="kpa-month", width="190px", name=_("Mois")))
        up = widgets.Button(description="↑", tooltip=_("Monter"), layout=layout(width="48px"))
        down = widgets.Button(description="↓", tooltip=_("Descendre"), layout=layout(width="48px"))
        remove = widgets.Button(description="✕", tooltip=_("Supprimer la ligne"), button_style="danger",
                                layout=layout(width="48px"))
        up.on_click(page.guard(lambda _b: self.move_line(line_id, -1)))
        down.on_click(page.guard(lambda _b: self.move_line(line_id, 1)))
        remove.on_click(page.guard(lambda _b: page.remove_line(line_id)))
        row = widgets.HBox([*row_widgets, widgets.HBox([up, down, remove])], layout=layout(width="100%"))
        row.add_class("kpa-budget-row")
        return row

    def add_line(self) -> None:
        subs = [c for c in b.ACCOUNTS if c[:2] == self.group and len(c) == 3]
        if self.group == "86":
            subs = ["861"]
        account = subs[0] if subs else self.group
        self.plan.lines = [*self.plan.lines, b.BudgetLine(account=account, label="")]
        self.line_page = 10**6
        self.page.structure_changed()

    def move_line(self, line_id: str, step: int) -> None:
        lines = list(self.plan.lines)
        index = next((i for i, x in enumerate(lines) if x.id == line_id), None)
        if index is None:
            return
        same = [i for i, x in enumerate(lines) if not x.is_funder and x.account[:2] == self.group]
        target = same.index(index) + step
        if not 0 <= target < len(same):
            return
        other = same[target]
        lines[index], lines[other] = lines[other], lines[index]
        self.plan.lines = lines
        self.page.structure_changed()

    # ----------------------------------------------------------------- computed
    def refresh(self, figures: Figures) -> None:
        self._notes(figures)
        self.cerfa.value = H.cerfa_html(figures)

    def _notes(self, figures: Figures) -> None:
        derived = [e for e in figures.entries if e.origin != "line" and e.account[:2] == self.group]
        notes = []
        if self.group == "64":
            notes.append(_("Les salaires de l'équipe sont calculés dans l'onglet « Équipe »."))
        if self.group == "70":
            notes.append(_("Les ventes des activités sont calculées dans l'onglet « Activités »."))
        if self.group == "86":
            notes.append(_("Chaque ligne 86 a sa contrepartie 87 : les deux blocs restent à l'équilibre."))
        if derived:
            total = sum((e.amount for e in derived), Decimal(0))
            notes.append(_("Lignes calculées dans ce bloc : {amount}.").format(amount=format_money(total)))
        if not self.group_lines():
            notes.append(_("Aucune ligne saisie dans ce bloc."))
        self.group_help.value = "".join(f'<p class="kpa-muted">{esc(n)}</p>' for n in notes)
        self.group_help.layout.display = "flex" if notes else "none"
