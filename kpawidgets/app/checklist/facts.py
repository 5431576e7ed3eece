"""The facts panels of the venue, the equipment, the team and the host."""

from __future__ import annotations

import ipywidgets as widgets

from kpawidgets.app.checklist.html import (
    equipment_totals_html,
    fte_gauge_html,
    team_breakdown_html,
)
from kpawidgets.app.checklist.kit import App, ListEditor
from kpawidgets.app.fields import (
    AMOUNT,
    FTE,
    choice_field,
    text_field,
)
from kpawidgets.app.shell import esc
from kpawidgets.i18n import N_, _
from kpawidgets.model.checklist import (
    EQUIPMENT_CATEGORIES,
    EQUIPMENT_STATUS_LABELS,
    PAID_BY_LABELS,
    EquipmentItem,
    TeamMember,
    team_total_fte,
)


def venue_facts(app: App) -> list[widgets.Widget]:
    venue = app.checklist.venue
    fields = widgets.Box([
        text_field(app, venue, "name", _("Nom du lieu"), css="kpa-f-venue-name"),
        text_field(app, venue, "address", _("Adresse"), css="kpa-f-venue-address"),
        text_field(app, venue, "lent_by", _("Qui le prête ou le loue ?"), css="kpa-f-venue-lent_by"),
        text_field(app, venue, "monthly_cost", _("Loyer payé par mois (€)"), AMOUNT, css="kpa-f-venue-monthly_cost"),
        text_field(app, venue, "in_kind_value", _("Valeur du prêt par mois (€)"), AMOUNT, css="kpa-f-venue-in_kind_value"),
    ])
    fields.add_class("kpa-cl-grid")
    note = widgets.HTML(f'<p class="kpa-cl-hint">{esc(_("Un lieu prêté gratuitement compte comme une contribution en nature : notez sa valeur, le budget la reprendra."))}</p>')
    return [fields, note]


class EquipmentFacts(widgets.VBox):
    def __init__(self, app: App) -> None:
        self.app = app
        self.totals = widgets.HTML()

        def row(item: EquipmentItem) -> list[widgets.Widget]:
            return [
                text_field(app, item, "label", _("Équipement"), css="kpa-f-eq-label"),
                choice_field(app, item, "category", _("Type"), EQUIPMENT_CATEGORIES, css="kpa-f-eq-category"),
                choice_field(app, item, "status", _("Situation"), EQUIPMENT_STATUS_LABELS, css="kpa-f-eq-status"),
                text_field(app, item, "cost", _("Coût estimé (€)"), AMOUNT, css="kpa-f-eq-cost"),
            ]

        self.editor = ListEditor(app, app.checklist.equipment, EquipmentItem, row, _("Ajouter un équipement"), "kpa-cl-eq",
                                 name=lambda item: item.label)
        self.top = self.totals
        super().__init__([self.editor])
        self.refresh()

    def refresh(self) -> None:
        self.totals.value = equipment_totals_html(self.app.checklist)


class TeamFacts(widgets.VBox):
    def __init__(self, app: App) -> None:
        self.app = app
        self.gauge = widgets.HTML()

        def row(member: TeamMember) -> list[widgets.Widget]:
            return [
                text_field(app, member, "label", _("Rôle ou prénom"), css="kpa-f-team-label"),
                text_field(app, member, "organisation", _("Structure"), css="kpa-f-team-organisation"),
                text_field(app, member, "fte", _("Part d'ETP"), FTE, css="kpa-f-team-fte"),
                choice_field(app, member, "paid_by", _("Qui paie ?"), PAID_BY_LABELS, css="kpa-f-team-paid_by"),
            ]

        self.editor = ListEditor(app, app.checklist.team, TeamMember, row, _("Ajouter une personne"), "kpa-cl-team",
                                 name=lambda member: member.label)
        hint = widgets.HTML(f'<p class="kpa-cl-hint">{esc(_("Une personne mise à disposition par un partenaire compte comme une contribution en nature dans le budget."))}</p>')
        self.top = self.gauge
        super().__init__([hint, self.editor])
        self.refresh()

    def refresh(self) -> None:
        self.gauge.value = (f'<div class="kpa-cl-team-top">{fte_gauge_html(team_total_fte(self.app.checklist))}'
                            f'{team_breakdown_html(self.app.checklist)}</div>')


def host_facts(app: App) -> list[widgets.Widget]:
    host = app.checklist.host
    fields = widgets.Box([
        text_field(app, host, "name", _("Nom de la structure"), css="kpa-f-host-name"),
        choice_field(app, host, "kind", _("Type"), {"cae": N_("CAE (coopérative d'activité et d'emploi)"),
                                                   "other": N_("Autre structure")}, css="kpa-f-host-kind"),
        text_field(app, host, "contact_role", _("Personne contact (rôle)"), css="kpa-f-host-contact_role"),
        text_field(app, host, "platform", _("Plateforme de devis et factures"), css="kpa-f-host-platform"),
    ])
    fields.add_class("kpa-cl-grid")
    return [fields]


