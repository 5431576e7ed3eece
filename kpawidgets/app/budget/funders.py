"""The « Financeurs » tab: one card per funder line (74, 756, 758) and the coverage bar.

A line's funder is one of the checklist's partners (``BudgetLine.partner``, an id): the field
offers the partners' names. A new name typed over a line whose partner no other line names
(budget or scenario) renames that partner (a correction: never a silent second partner); over a
partner other lines name, it adds a partner with the funder role, and the notice says how many
lines keep the old one. Either way « Annuler » puts it back. Renamed in the checklist, the name
changes here too.
"""

from __future__ import annotations

from decimal import Decimal

import ipywidgets as widgets

import kpawidgets.app.budget.html as H
from kpawidgets.app.budget.tab import Figures, Host, Tab, help_html, layout
from kpawidgets.app.fields import (
    AMOUNT,
    PERCENT,
    TEXT,
    ById,
    Field,
    Kind,
    bind,
    check_field,
    choice_field,
    clean_text,
    date_field,
    month_field,
    text_field,
    whole_number,
)
from kpawidgets.app.shell import esc
from kpawidgets.i18n import _, format_money_rounded, format_number, ngettext
from kpawidgets.model import budget as b
from kpawidgets.model.checklist import (
    UNKNOWN_FUNDER,
    all_plans,
    find_partner,
    funder_partner,
    kindless_funder_warnings,
    normalised_name,
    partners_by_id,
)

__all__ = ["FundersTab", "cap_html", "OPTIONAL_PERCENT", "OPTIONAL_DELAY"]

#: A percentage that may be left empty (None: no cap).
OPTIONAL_PERCENT: Kind[Decimal | None] = Kind(lambda text: PERCENT.parse(text) if text.strip() else None,
                                             lambda value: "" if value is None else PERCENT.show(value), "kpa-percent")


_DELAY = whole_number(0, 24)
#: A funder's payment delay in months, 0–24; empty: the default (3 months, France Active's figure).
OPTIONAL_DELAY: Kind[int | None] = Kind(lambda text: _DELAY.parse(text) if text.strip() else None,
                                        lambda value: "" if value is None else _DELAY.show(value), "kpa-count")


def cap_html(cap: b.FunderCap) -> str:
    """« La subvention représente X % du coût total », and the cap with and without the contributions in kind."""
    words = [_("La subvention représente {share} % du coût total ({cost}), {valued_share} % avec les contributions "
               "en nature valorisées ({valued}).").format(share=cap.share_of_cost, cost=format_money_rounded(cap.cost),
                                                           valued_share=cap.share_of_valued,
                                                           valued=format_money_rounded(cap.valued))]
    if cap.cap_pct is not None and cap.cap_without is not None and cap.cap_with is not None:
        words.append(_("Plafond de {pct} % : {without} sans les contributions en nature, {with_kind} avec.").format(
            pct=format_number(cap.cap_pct, digits=2), without=format_money_rounded(cap.cap_without),
            with_kind=format_money_rounded(cap.cap_with)))
    if cap.over:
        words.append(_("Le montant dépasse le plafond : le financeur ne pourra pas le verser en entier."))
    tone = "kpa-warning" if cap.over else "kpa-help"
    return f'<p class="{tone} kpa-cap-note">{esc(" ".join(words))}</p>'


class FundersTab(Tab):
    """Funders with their status, schedule and « et s'il dit non ? »."""

    key = "funders"

    def __init__(self, page: Host) -> None:
        self.funder_rows = widgets.VBox(layout=layout(width="100%"))
        #: (line id, its partner before, the partner a new name made), until the notice says it
        self._made: tuple[str, str | None, str] | None = None
        #: (partner id, its name before), when a name typed renamed the line's own partner
        self._renamed: tuple[str, str] | None = None
        add = widgets.Button(description=_("Ajouter un financeur"), button_style="primary", icon="plus")
        add.on_click(page.guard(lambda _b: self.add_funder()))
        self.coverage = widgets.HTML()
        intro = _("Une ligne par financeur (compte 74 ou 75), avec son statut et son échéancier. "
                  "« Et s'il dit non ? » montre tout de suite l'effet d'un refus.")
        super().__init__(page, [help_html(intro), self.funder_rows, add, self.coverage])
        self.structure_changed()

    def structure_changed(self) -> None:
        self.funder_fields: list[tuple[Field, widgets.HTML, ById]] = []
        #: line id → the line's share of the cost and its cap, with and without the contributions in kind
        self.cap_notes: dict[str, widgets.HTML] = {}
        self.funder_rows.children = tuple(self._card(line) for line in self.plan.lines if line.is_funder)

    def refresh(self, figures: Figures) -> None:
        warnings = "".join(f'<p class="kpa-warning kpa-kind-warning" role="status">{esc(text)}</p>'
                           for text in kindless_funder_warnings(self.page.workbook))
        self.coverage.value = warnings + ("" if figures.empty else H.coverage_bar(figures)) + H.missing_html(figures)
        self.follow_partners()
        for line_id, note in self.cap_notes.items():
            cap = figures.caps.get(line_id)
            note.value = cap_html(cap) if cap is not None else ""

    def follow_partners(self) -> None:
        """Offer the partners' names as they are now, and show each line's funder by its partner's
        current name (renamed in the checklist, or on another device)."""
        names = self._partner_names()
        for field, warning, find in self.funder_fields:
            if tuple(field.input.options) != names:
                field.input.options = names
            field.follow_model()
            self._warn(warning, find)

    def _partner_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.page.workbook.checklist.partners if p.name)

    def _show_partner(self, partner_id: str | None) -> str:
        if partner_id is None:
            return ""
        partner = partners_by_id(self.page.workbook).get(partner_id)
        return _(UNKNOWN_FUNDER) if partner is None else partner.name

    def _choose_partner(self, find: ById, text: str) -> str | None:
        """The partner id for the name typed: a partner of that name, or a new one (funder role)."""
        name = clean_text(text)
        line = find()
        if not name:
            return None
        if line is not None and normalised_name(name) == normalised_name(self._show_partner(line.partner)):
            return line.partner  # unchanged (« financeur inconnu » included: kept, never dropped)
        partners = self.page.workbook.checklist.partners
        current = partners_by_id(self.page.workbook).get(line.partner or "") if line is not None else None
        if line is not None and current is not None and find_partner(partners, name) is None and not self._shared(current.id, line.id):
            # the line's own partner, named by no other line: the name typed corrects it (never a second partner)
            self._renamed = (current.id, current.name)
            current.name = " ".join(name.split())[:200]
            return current.id
        count = len(partners)
        chosen = funder_partner(self.page.workbook, name)
        if len(partners) > count and line is not None:
            self._made = (line.id, line.partner, chosen.id)
        return chosen.id

    def _shared(self, partner_id: str, line_id: str) -> bool:
        """Whether another line (of the budget or of a scenario) names partner *partner_id*."""
        return any(x.partner == partner_id and x.id != line_id for plan in all_plans(self.page.workbook) for x in plan.lines)

    def _warn(self, warning: widgets.HTML, find: ById) -> None:
        """Show the warning of a line whose partner is gone; an empty warning takes no room."""
        html = self._unknown_html(find)
        if warning.value != html:
            warning.value = html
        display = None if html else "none"
        if warning.layout.display != display:
            warning.layout.display = display

    def _unknown_html(self, find: ById) -> str:
        line = find()
        if line is None or line.partner is None or line.partner in partners_by_id(self.page.workbook):
            return ""
        return ('<p class="kpa-warning" role="status">' + esc(_(
            "Ce financeur n'est plus dans la liste des partenaires (retiré sur un autre appareil ?) : la ligne compte "
            "toujours. Choisissez son financeur dans la liste ou tapez son nom.")) + "</p>")

    def _kind_field(self, find: ById) -> widgets.Dropdown:
        """The funder's kind (its partner's, block 74 of the Cerfa): the line's sub-line comes from it."""
        line = find()
        partner = partners_by_id(self.page.workbook).get(line.partner or "") if line is not None else None
        options = [(_("— type à choisir —"), "")] + [(_(t), k) for k, t in b.SUBLINES.items()]
        field = widgets.Dropdown(options=options, value=(partner.kind or "") if partner is not None else "",
                                 description=_("Type de financeur (Cerfa)"), layout=layout(width="520px"),
                                 disabled=partner is None or not (line is not None and line.account.startswith("74")))
        field.style.description_width = "initial"
        field.add_class("kpa-funder-kind")

        def chosen(change: dict[str, object]) -> None:
            current = find()
            target = partners_by_id(self.page.workbook).get(current.partner or "") if current is not None else None
            if target is None:
                return
            target.kind = str(change["new"]) or None  # type: ignore[assignment]
            self.page.changed()

        field.observe(self.page.guard(chosen), names="value")
        return field

    def _card(self, line: b.BudgetLine) -> widgets.Widget:
        line_id = line.id
        page = self.page

        find = ById(lambda: self.plan.lines, line_id)

        chooser = widgets.Combobox(options=self._partner_names(), value=self._show_partner(line.partner),
                                   placeholder=_("Choisir un partenaire ou taper un nom"), ensure_option=False,
                                   continuous_update=False, description=_("Financeur"), layout=layout(width="520px"))
        chooser.style.description_width = "initial"
        chooser.add_class("kpa-funder-name")
        funder = bind(page, find, "partner", chooser, parse=lambda text: self._choose_partner(find, str(text or "")),
                      show=self._show_partner, label=_("Financeur"), after=lambda _id: self._partner_chosen())
        unknown = widgets.HTML(layout=layout())
        unknown.add_class("kpa-funder-unknown")
        self.funder_fields.append((funder, unknown, find))
        self._warn(unknown, find)
        label = text_field(page, find, "label", _("Objet"), TEXT, placeholder=_("Objet de la demande"), width="600px")
        subline = self._kind_field(find)
        status = choice_field(page, find, "status", _("Statut"), [(_(t), k) for k, t in b.STATUSES.items()],
                              value=line.status or "envisage", css="kpa-status", width="260px")
        amount = text_field(page, find, "amount", _("Montant"), AMOUNT, width="260px")
        advance = text_field(page, find, "advance_pct", _("Avance (%)"), PERCENT, width="180px")
        cap = text_field(page, find, "cap_pct", _("Plafond du financeur (% du coût)"), OPTIONAL_PERCENT, width="340px")
        delay = text_field(page, find, "delay_months", _("Retard de paiement (mois ; vide : 3)"), OPTIONAL_DELAY,
                           width="340px")
        cap_note = widgets.HTML()
        self.cap_notes[line_id] = cap_note
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
            unknown,
            widgets.HBox([subline, status, amount]),
            widgets.HBox([advance, advance_month, balance_month]),
            widgets.HBox([cap, delay]),
            cap_note,
            widgets.HBox([deadline, answer, what_if, remove]),
        ]
        card.add_class("kpa-funder-card")
        mark(line.assume_no)
        return card

    def _partner_chosen(self) -> None:
        """A name typed may have renamed the line's partner or added one: every card offers it (the save
        already happened), and the notice says so, with « Annuler »."""
        self.follow_partners()
        renamed, self._renamed = self._renamed, None
        if renamed is not None:
            self._say_renamed(*renamed)
        made, self._made = self._made, None
        if made is None:
            return
        line_id, before, added = made
        workbook = self.page.workbook
        partner = partners_by_id(workbook).get(added)
        if partner is None:
            return
        previous = partners_by_id(workbook).get(before or "")
        text = _("« {name} » est ajouté aux partenaires (étape Partenaires de la check-list), avec le rôle de financeur.").format(
            name=partner.name)
        if previous is not None:
            others = sum(1 for plan in all_plans(workbook) for x in plan.lines if x.partner == previous.id and x.id != line_id)
            text += " " + ngettext("« {old} » reste : {count} autre ligne le nomme.", "« {old} » reste : {count} autres lignes le nomment.",
                                   others).format(old=previous.name, count=others)

        def undo() -> None:
            line = next((x for x in self.plan.lines if x.id == line_id), None)
            if line is not None:
                line.partner = before
            if not any(x.partner == added for plan in all_plans(workbook) for x in plan.lines):
                workbook.checklist.partners = [p for p in workbook.checklist.partners if p.id != added]
            self.page.structure_changed()
            self.page.say(_("Financeur remis."))

        self.page.say(text, "info", undo)

    def _say_renamed(self, partner_id: str, old: str) -> None:
        """The notice of a partner renamed from its funder line, with « Annuler » (the old name back)."""
        workbook = self.page.workbook
        partner = partners_by_id(workbook).get(partner_id)
        if partner is None:
            return
        new = partner.name

        def undo() -> None:
            renamed = partners_by_id(workbook).get(partner_id)
            if renamed is not None:
                renamed.name = old
            self.page.structure_changed()
            self.page.say(_("Nom remis : « {old} ».").format(old=old))

        self.page.say(_("« {old} » s'appelle maintenant « {new} », ici et dans les partenaires de la check-list (aucune autre "
                        "ligne ne le nommait).").format(old=old, new=new), "info", undo)

    def add_funder(self) -> None:
        line = b.BudgetLine(account="74", label="", status="envisage", subline="commune")
        self.plan.lines = [*self.plan.lines, line]
        self.page.structure_changed()
