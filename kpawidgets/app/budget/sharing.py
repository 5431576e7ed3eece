"""The « Partage » tab: how the activities' revenue is shared (CAE, materials, common pot, hours)."""

from __future__ import annotations

import ipywidgets as widgets

import kpawidgets.app.budget.html as H
from kpawidgets.app.budget.tab import Figures, Host, Tab, help_html, layout
from kpawidgets.app.fields import AMOUNT, PERCENT, QUANTITY, TEXT, Kind, text_field, whole_number
from kpawidgets.app.shell import esc
from kpawidgets.i18n import _, ngettext
from kpawidgets.model import budget as b

__all__ = ["FOLLOW_GROUP", "members_text", "SharingTab"]

_MEMBERS = whole_number(0, 500)
#: The number of coopérant·es: empty (or 0) means « the size of the checklist's group ».
FOLLOW_GROUP: Kind[int] = Kind(lambda text: _MEMBERS.parse(text) if text.strip() else 0,
                               lambda value: _MEMBERS.show(value) if value else "", _MEMBERS.css)


def members_text(members: b.Members) -> str:
    """« 12 », or « 10 (la taille du groupe) » when nothing was typed."""
    if members.from_group:
        return _("{count} (la taille du groupe)").format(count=members.count)
    return str(members.count)


class SharingTab(Tab):
    key = "sharing"

    def __init__(self, page: Host) -> None:
        materials = text_field(page, lambda: page.plan.sharing, "materials", _("Matières et matériel"), AMOUNT,
                               width="330px")
        pot = text_field(page, lambda: page.plan.sharing, "common_pot_pct", _("Pot commun (%)"), PERCENT, width="230px")
        self.members_line = widgets.HTML()
        self.people_rows = widgets.VBox()
        add = widgets.Button(description=_("Ajouter une personne"), icon="plus")
        add.on_click(page.guard(lambda _b: self.add_person()))
        self.sharing_view = widgets.HTML()
        intro = _("Sur le chiffre d'affaires des activités : la part de la CAE, les matières, un pot commun, "
                  "et le reste partagé selon les heures travaillées (prénoms seulement).")
        super().__init__(page, [help_html(intro), widgets.HBox([materials, pot]), self.members_line, self.people_rows, add,
                                self.sharing_view])
        self.structure_changed()

    def structure_changed(self) -> None:
        self.people_rows.children = tuple(self._row(i) for i in range(len(self.plan.sharing.people)))

    def _row(self, index: int) -> widgets.Widget:
        def find() -> b.Sharer | None:
            people = self.plan.sharing.people
            return people[index] if index < len(people) else None

        name = text_field(self.page, find, "name", "", TEXT, placeholder=_("Prénom"), width="220px")
        hours = text_field(self.page, find, "hours", _("heures"), QUANTITY, width="200px")
        remove = widgets.Button(description="✕", tooltip=_("Retirer"), button_style="danger", layout=layout(width="48px"))
        remove.on_click(self.page.guard(lambda _b: self.remove_person(index)))
        return widgets.HBox([name, hours, remove])

    def add_person(self) -> None:
        self.plan.sharing.people = [*self.plan.sharing.people, b.Sharer(name="")]
        self.page.structure_changed()

    def remove_person(self, index: int) -> None:
        people = list(self.plan.sharing.people)
        if index < len(people):
            people.pop(index)
            self.plan.sharing.people = people
            self.page.structure_changed()

    def refresh(self, figures: Figures) -> None:
        sharing = len(self.plan.sharing.people)
        line = ngettext("Nombre de coopérant·es : {members} ; {count} personne dans le partage ci-dessous.",
                        "Nombre de coopérant·es : {members} ; {count} personnes dans le partage ci-dessous.", sharing)
        members = line.format(members=members_text(b.planned_members(self.page.workbook)), count=sharing)
        self.members_line.value = f'<p class="kpa-help kpa-members-line">{esc(members)}</p>'
        self.sharing_view.value = H.sharing_html(b.revenue_sharing(self.page.workbook))
