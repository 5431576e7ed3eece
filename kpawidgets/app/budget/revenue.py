"""The « Activités » tab: what the cooperative sells month by month, the CAE's share, the network."""

from __future__ import annotations

from decimal import Decimal

import ipywidgets as widgets

import kpawidgets.app.budget.html as H
from kpawidgets.app.budget.sharing import FOLLOW_GROUP, members_text
from kpawidgets.app.budget.tab import Figures, Host, Tab, help_html, layout
from kpawidgets.app.fields import AMOUNT, PERCENT, QUANTITY, TEXT, ById, choice_field, month_field, text_field
from kpawidgets.app.shell import esc
from kpawidgets.i18n import _, format_money
from kpawidgets.model import budget as b

__all__ = ["RevenueTab"]


class RevenueTab(Tab):
    key = "revenue"

    def __init__(self, page: Host) -> None:
        self.activity_rows = widgets.VBox(layout=layout(width="100%"))
        add = widgets.Button(description=_("Ajouter une activité"), button_style="primary", icon="plus")
        add.on_click(page.guard(lambda _b: self.add_activity()))
        cae = text_field(page, lambda: page.plan, "cae_rate", _("Contribution à la CAE (% du chiffre d'affaires)"),
                         PERCENT, width="440px")
        # Left empty, the number follows the checklist's group (its size is the placeholder).
        self.members = text_field(page, lambda: page.plan, "members", _("Nombre de coopérant·es"), FOLLOW_GROUP,
                                  width="420px")
        self.revenue_result = widgets.HTML()
        intro = _("Par activité : nombre d'unités vendues par mois (prestations, buffets, tee-shirts…) × prix moyen, "
                  "avec une montée en charge sur les premiers mois.")
        super().__init__(page, [help_html(intro), self.activity_rows, add, widgets.HBox([cae, self.members]),
                                self.revenue_result])
        self.structure_changed()

    def structure_changed(self) -> None:
        self.activity_rows.children = tuple(self._row(a) for a in self.plan.activities)

    def _row(self, activity: b.Activity) -> widgets.Widget:
        activity_id = activity.id
        page = self.page

        find = ById(lambda: self.plan.activities, activity_id)

        name = text_field(page, find, "name", "", TEXT, placeholder=_("Activité"), width="420px")
        units = text_field(page, find, "units_per_month", _("unités / mois"), QUANTITY, width="210px")
        price = text_field(page, find, "unit_price", _("× prix"), AMOUNT, width="200px")
        start = month_field(page, find, "start_month", _("dès"), self.months())
        ramp = choice_field(page, find, "ramp_months", _("montée en charge"),
                            [(_("aucune") if m == 0 else _("{n} mois").format(n=m), m) for m in range(0, 12)])
        remove = widgets.Button(description="✕", tooltip=_("Supprimer l'activité"), button_style="danger",
                                layout=layout(width="48px"))
        remove.on_click(page.guard(lambda _b: self.remove_activity(activity_id)))
        row = widgets.VBox([widgets.HBox([name, units, price]), widgets.HBox([start, ramp, remove])],
                           layout=layout(width="100%"))
        row.add_class("kpa-activity-card")
        return row

    def add_activity(self) -> None:
        self.plan.activities = [*self.plan.activities, b.Activity(name="")]
        self.page.structure_changed()

    def remove_activity(self, activity_id: str) -> None:
        index = next((i for i, a in enumerate(self.plan.activities) if a.id == activity_id), None)
        removed, undo = self.page.remove_undoably("activities", index, self.page.structure_changed)
        if removed is not None:
            self.page.say(_("Activité « {name} » supprimée.").format(name=removed.name or "?"), "info", undo)

    def refresh(self, figures: Figures) -> None:
        group = b.Members(len(self.page.workbook.checklist.group), from_group=True)
        self.members.input.placeholder = members_text(group)  # what an empty field counts
        rows = b.activity_rows(self.page.workbook)
        lines = "".join(f'<tr><td>{esc(r.activity.name or "?")}</td><td class="num">{esc(format_money(r.total))}</td></tr>'
                        for r in rows)
        total = sum((r.total for r in rows), Decimal(0))
        cae = next((e.amount for e in figures.entries if e.origin == "cae"), Decimal(0))
        self.revenue_result.value = (
            '<div class="kpa-table-wrap"><table class="kpa-table"><thead><tr><th>' + esc(_("Ventes de l'année 1 (compte 70)"))
            + f'</th><th class="num">{esc(_("Montant"))}</th></tr></thead>'
            f'<tbody>{lines}</tbody><tfoot><tr><th>{esc(_("Total"))}</th><td class="num"><b>{esc(format_money(total))}</b></td></tr>'
            f'<tr><th>{esc(_("Contribution à la CAE (charge, compte 62)"))}</th><td class="num">{esc(format_money(cae))}</td></tr>'
            '</tfoot></table></div>'
            + H.network_html(b.network_comparison(self.page.workbook)))
