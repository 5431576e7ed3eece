"""The partners' facts: who they are, their roles, where things stand."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from kpawidgets.app.checklist.html import partner_counts_html
from kpawidgets.app.checklist.kit import App, ListEditor
from kpawidgets.app.fields import (
    assign,
    choice_field,
    text_field,
    wire,
)
from kpawidgets.i18n import _, translate
from kpawidgets.model.checklist import (
    PARTNER_ROLES,
    PARTNER_STATUS_LABELS,
    Partner,
)


class PartnerFacts(widgets.VBox):
    def __init__(self, app: App) -> None:
        self.app = app
        self.counts = widgets.HTML()

        def row(partner: Partner) -> list[widgets.Widget]:
            boxes = {}
            for role, label in PARTNER_ROLES.items():
                box = widgets.Checkbox(value=role in partner.roles, description=translate(label), indent=False,
                                       layout=widgets.Layout(width="auto"))
                box.add_class(f"kpa-f-pa-{role}")
                boxes[role] = box

            def roles_changed(_new: Any) -> None:
                assign(app, partner, "roles", [r for r, b in boxes.items() if b.value], _("Rôles"))

            for box in boxes.values():
                wire(app, box, roles_changed)
            roles = widgets.Box(list(boxes.values()))
            roles.add_class("kpa-cl-roles")
            return [
                text_field(app, partner, "name", _("Partenaire"), css="kpa-f-pa-name"),
                roles,
                choice_field(app, partner, "status", _("Où en est-on ?"), PARTNER_STATUS_LABELS, css="kpa-f-pa-status"),
                text_field(app, partner, "brings", _("Ce qu'il apporte"), css="kpa-f-pa-brings"),
            ]

        self.editor = ListEditor(app, app.checklist.partners, Partner, row, _("Ajouter un partenaire"), "kpa-cl-pa",
                                 name=lambda partner: partner.name)
        self.top = self.counts
        super().__init__([self.editor])
        self.refresh()

    def refresh(self) -> None:
        self.counts.value = partner_counts_html(self.app.workbook)


