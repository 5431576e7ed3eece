"""The « Financeurs » tab: one card per funder line (74, 756, 758) and the coverage bar."""

from __future__ import annotations

import ipywidgets as widgets

import kpawidgets.app.budget.html as H
from kpawidgets.app.budget.tab import Figures, Host, Tab, help_html, layout
from kpawidgets.app.fields import AMOUNT, PERCENT, TEXT, ById, check_field, choice_field, date_field, month_field, text_field
from kpawidgets.i18n import _
from kpawidgets.model import budget as b

__all__ = ["FundersTab"]


class FundersTab(Tab):
    """Funders with their status, schedule and « et s'il dit non ? »."""

    key = "funders"

    def __init__(self, page: Host) -> None:
        self.funder_rows = widgets.VBox(layout=layout(width="100%"))
        add = widgets.Button(description=_("Ajouter un financeur"), button_style="primary", icon="plus")
        add.on_click(page.guard(lambda _b: self.add_funder()))
        self.coverage = widgets.HTML()
        intro = _("Une ligne par financeur (compte 74 ou 75), avec son statut et son échéancier. "
                  "« Et s'il dit non ? » montre tout de suite l'effet d'un refus.")
        super().__init__(page, [help_html(intro), self.funder_rows, add, self.coverage])
        self.structure_changed()

    def structure_changed(self) -> None:
        self.funder_rows.children = tuple(self._card(line) for line in self.plan.lines if line.is_funder)

    def refresh(self, figures: Figures) -> None:
        self.coverage.value = H.coverage_bar_html(figures.coverage) + H.missing_html(figures.coverage)

    def _card(self, line: b.BudgetLine) -> widgets.Widget:
        line_id = line.id
        page = self.page

        find = ById(lambda: self.plan.lines, line_id)

        funder = text_field(page, find, "funder", _("Financeur"), TEXT, placeholder=_("Financeur"), css="kpa-funder-name",
                            width="520px")
        label = text_field(page, find, "label", _("Objet"), TEXT, placeholder=_("Objet de la demande"), width="600px")
        subline = choice_field(page, find, "subline", _("Sous-ligne Cerfa"),
                               [(_(t), k) for k, t in b.SUBLINES.items()], value=line.effective_subline, width="480px")
        status = choice_field(page, find, "status", _("Statut"), [(_(t), k) for k, t in b.STATUSES.items()],
                              value=line.status or "envisage", css="kpa-status", width="260px")
        amount = text_field(page, find, "amount", _("Montant"), AMOUNT, width="260px")
        advance = text_field(page, find, "advance_pct", _("Avance (%)"), PERCENT, width="180px")
        advance_month = month_field(page, find, "advance_month", _("versée en"), self.months(b.MAX_MONTH), width="300px")
        balance_month = month_field(page, find, "balance_month", _("solde en"),
                                    self.months(b.MAX_MONTH, spread=_("fin d'année (mois 12)")), spread=True,
                                    width="300px")
        deadline = date_field(page, find, "deadline", _("Date limite de dépôt"))
        answer = date_field(page, find, "answer_date", _("Réponse attendue"))
        card = widgets.VBox(layout=layout(width="100%"))

        def mark(assumed_no: bool) -> None:
            (card.add_class if assumed_no else card.remove_class)("kpa-assumed-no")

        what_if = check_field(page, find, "assume_no", _("Et s'il dit non ?"), toggle=True, css="kpa-what-if",
                              after=mark)
        what_if.input.tooltip = _("Compter cette ligne comme refusée, pour voir l'effet")
        remove = widgets.Button(description=_("Supprimer"), button_style="danger")
        remove.on_click(page.guard(lambda _b: page.remove_line(line_id)))
        card.children = [
            widgets.HBox([funder, label]),
            widgets.HBox([subline, status, amount]),
            widgets.HBox([advance, advance_month, balance_month]),
            widgets.HBox([deadline, answer, what_if, remove]),
        ]
        card.add_class("kpa-funder-card")
        mark(line.assume_no)
        return card

    def add_funder(self) -> None:
        line = b.BudgetLine(account="74", label="", funder="", status="envisage", subline="commune")
        self.plan.lines = [*self.plan.lines, line]
        self.page.structure_changed()
