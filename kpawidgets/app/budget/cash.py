"""The « Trésorerie » tab: the starting cash and the month-by-month cash forecast."""

from __future__ import annotations

import ipywidgets as widgets

import kpawidgets.app.budget.html as H
from kpawidgets.app.budget.tab import Figures, Host, Tab, help_html
from kpawidgets.app.fields import AMOUNT, text_field
from kpawidgets.i18n import _

__all__ = ["CashTab"]


class CashTab(Tab):
    key = "cash"

    def __init__(self, page: Host) -> None:
        start_cash = text_field(page, lambda: page.plan, "starting_cash", _("Trésorerie au départ"), AMOUNT, width="360px")
        self.cash_view = widgets.HTML()
        self.cash_view.add_class("kpa-cash-box")
        intro = _("Entrées : subventions selon leur échéancier, ventes. Sorties : salaires chaque mois, achats au mois prévu. "
                  "Le plan continue après l'année 1 jusqu'au dernier solde attendu.")
        super().__init__(page, [help_html(intro), start_cash, self.cash_view])

    def refresh(self, figures: Figures) -> None:
        self.cash_view.value = H.cash_html(figures)
