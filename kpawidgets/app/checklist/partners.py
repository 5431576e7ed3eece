"""The partners' facts: who they are, their roles, where things stand, and what they fund.

The partners are the one list of partners and funders (:mod:`kpawidgets.model.checklist.partners`):
a funder added on the budget page appears here with what it funds; a name changed here is
the name the budget, the PDF and the spreadsheets show. A partner who funds lines of the
budget has its « Financeur » role ticked for good, and its status follows its lines (a voted
or paid line: « Engagé ») — the status is then shown, not chosen, and the row says why.
Removing a partner who funds lines says so: the lines stay (« financeur inconnu ») and
« Annuler » brings the partner back.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from kpawidgets.app.checklist.html import partner_counts_html
from kpawidgets.app.checklist.kit import App, ListEditor
from kpawidgets.app.fields import (
    Field,
    assign,
    choice_field,
    text_field,
    wire,
)
from kpawidgets.app.shell import esc
from kpawidgets.i18n import _, format_money_rounded, ngettext, translate
from kpawidgets.model.budget import STATUSES
from kpawidgets.model.checklist import (
    PARTNER_ROLES,
    PARTNER_STATUS_LABELS,
    Partner,
    PartnerFunding,
    all_plans,
    partner_funding,
)


class _Row:
    """The widgets of one partner's row that follow the budget: the funder role, the status, the funding line."""

    def __init__(self, funder: widgets.Checkbox, status: Field, funds: widgets.HTML) -> None:
        self.funder, self.status, self.funds = funder, status, funds


class PartnerFacts(widgets.VBox):
    def __init__(self, app: App) -> None:
        self.app = app
        self.counts = widgets.HTML()
        self._rows: dict[str, _Row] = {}

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
            status = choice_field(app, partner, "status", _("Où en est-on ?"), PARTNER_STATUS_LABELS, css="kpa-f-pa-status")
            funds = widgets.HTML(layout=widgets.Layout(display="none"))  # a line of its own (checklist.css), when it says something
            funds.add_class("kpa-f-pa-funds")
            self._rows[partner.id] = _Row(boxes["funder"], status, funds)
            return [
                text_field(app, partner, "name", _("Partenaire"), css="kpa-f-pa-name"),
                roles,
                status,
                text_field(app, partner, "brings", _("Ce qu'il apporte"), css="kpa-f-pa-brings"),
                funds,
            ]

        self.editor = ListEditor(app, app.checklist.partners, Partner, row, _("Ajouter un partenaire"), "kpa-cl-pa",
                                 name=lambda partner: partner.name, note=self._removal_note)
        rule_text = _("Un financeur est engagé quand une de ses lignes du budget est votée ou versée ; "
                      "les financeurs ajoutés dans le budget apparaissent ici.")
        rule = widgets.HTML(f'<p class="kpa-help">{esc(rule_text)}</p>')
        self.top = widgets.VBox([self.counts, rule])
        super().__init__([self.editor])
        self.refresh()

    def refresh(self) -> None:
        workbook = self.app.workbook
        self.counts.value = partner_counts_html(workbook)
        self.editor.redraw()  # a funder added on the budget page (this kernel or another device's save)
        funding_ids = {line.partner for plan in all_plans(workbook) for line in plan.lines if line.is_funder}
        for view in partner_funding(workbook):
            drawn = self._rows.get(view.partner.id)
            if drawn is not None:
                self._follow(drawn, view, view.partner.id in funding_ids)

    def _follow(self, drawn: _Row, view: PartnerFunding, funds_lines: bool) -> None:
        """Keep a row in step with the budget: the funder role, the status its lines give, what it funds."""
        if funds_lines:
            drawn.funder.value = True  # saved with the next edit of the roles; counted already
        drawn.funder.disabled = funds_lines
        drawn.funder.tooltip = _("Il finance des lignes du budget") if funds_lines else ""
        from_lines = view.status != view.partner.status
        drawn.status.input.disabled = from_lines
        if from_lines:
            drawn.status.show(view.status)
        elif drawn.status.input.value != view.partner.status and not drawn.status.invalid:
            drawn.status.show(view.partner.status)
        html = _funding_html(view, funds_lines)
        if drawn.funds.value != html:
            drawn.funds.value = html
        display = None if html else "none"
        if drawn.funds.layout.display != display:
            drawn.funds.layout.display = display

    def _removal_note(self, partner: Partner) -> str:
        count = sum(1 for plan in all_plans(self.app.workbook) for line in plan.lines if line.partner == partner.id)
        if not count:
            return ""
        return ngettext("Il finançait {count} ligne du budget : elle reste, sous « financeur inconnu ».",
                        "Il finançait {count} lignes du budget : elles restent, sous « financeur inconnu ».",
                        count).format(count=count)


def _funding_html(view: PartnerFunding, funds_lines: bool) -> str:
    """What the partner funds in the budget (amount, and by status), and why its status is what it is."""
    parts: list[str] = []
    if view.lines:
        statuses = ", ".join(f"{translate(STATUSES.get(status, status))} {format_money_rounded(amount)}"
                             for status, amount in view.statuses().items())
        parts.append(ngettext("Finance {amount} au budget ({count} ligne : {statuses}).",
                              "Finance {amount} au budget ({count} lignes : {statuses}).",
                              len(view.lines)).format(amount=format_money_rounded(view.amount), count=len(view.lines),
                                                      statuses=statuses))
    elif funds_lines:
        parts.append(_("Financeur dans un scénario seulement : pas de ligne au budget actuel."))
    elif view.is_funder:
        parts.append(_("Financeur sans ligne au budget : ajoutez sa demande dans l'onglet « Financeurs » du budget "
                       "pour compter son engagement."))
    if view.status != view.partner.status:
        why = (_("une ligne votée ou versée") if view.status == "committed"
               else _("une demande faite au budget") if view.lines and any(line.effective_status == "demande" for line in view.lines)
               else _("engagé comme financeur quand une ligne sera votée ou versée"))
        parts.append(_("Statut donné par le budget : {status} ({why}).").format(
            status=translate(PARTNER_STATUS_LABELS[view.status]), why=why))
    if not parts:
        return ""
    return '<div class="kpa-cl-pa-funds">' + "".join(f"<p>{esc(part)}</p>" for part in parts) + "</div>"
