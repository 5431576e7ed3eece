"""The « Équipe » tab: salary settings of the support team (from the checklist) and their cost."""

from __future__ import annotations

from decimal import Decimal

import ipywidgets as widgets

from kpawidgets.app.budget.tab import Figures, Host, Tab, help_html, layout
from kpawidgets.app.budget.years import year_values_parser
from kpawidgets.app.fields import AMOUNT, OPTIONAL_AMOUNT, PERCENT, QUANTITY, Kind, choice_field, month_field, text_field
from kpawidgets.app.shell import esc, page_url
from kpawidgets.i18n import N_, _, format_money, format_number
from kpawidgets.model import budget as b
from kpawidgets.model.checklist import TeamMember

__all__ = ["StaffTab", "RATE_PRESETS", "FTE_YEARS"]

#: Employer-contribution presets (code → French label id).
RATE_PRESETS = {"smic": N_("près du SMIC (~15 %)"), "standard": N_("standard (~30 %)"), "custom": N_("taux personnalisé")}
_PAID_BY = {"project": N_("salarié·e du projet"), "partner": N_("mis·e à disposition par un partenaire"),
            "volunteer": N_("bénévole")}


#: A member's FTE in years 2 and 3, « 0,8 / 1 » (empty: the year-1 FTE; the record bounds each to 0–5).
FTE_YEARS: Kind[list[Decimal]] = Kind(year_values_parser(N_(
    "« {value} » : tapez l'ETP des années 2 et 3 séparés par « / », par exemple 0,8 / 1.")),
                                      lambda value: " / ".join(format_number(v, digits=2) for v in value), "kpa-fte-years")


class StaffTab(Tab):
    key = "staff"

    def __init__(self, page: Host) -> None:
        self.page = page  # the cards below need the plan's months before the box is made
        self.staff_summary = widgets.HTML()
        self.results: dict[int, widgets.HTML] = {}
        self.volunteering_result = widgets.HTML()
        self.volunteering_result.add_class("kpa-volunteering-result")
        intro = help_html(_("Les personnes viennent de l'équipe d'accompagnement de la check-list. Salaire brut mensuel pour "
                            "un temps plein (SMIC 2026 : 1 823,03 €), ramené à la part d'ETP ; charges patronales selon le "
                            "préréglage ; mois travaillés dans l'année 1. Les années 2 et 3 comptent douze mois, à l'ETP de l'année 1 "
                            "ou à celui que vous donnez."))
        team = list(page.workbook.checklist.team)
        children: list[widgets.Widget]
        if not team:
            link = page_url("01_checklist.ipynb", page.session.name, page.lang)
            empty = esc(_("Aucune personne dans l'équipe d'accompagnement pour l'instant."))
            action = esc(_("Compléter l'équipe dans la check-list"))
            children = [intro, widgets.HTML(f'<div class="kpa-banner kpa-banner-info">{empty} '
                                            f'<a href="{esc(link)}">{action}</a></div>'), self._volunteering(), self.staff_summary]
        else:
            self.rows = b.staff_rows(page.workbook)
            cards = [self._card(index, member) for index, member in enumerate(team)]
            equipment = month_field(page, lambda: page.plan, "equipment_month", _("Achat de l'équipement en"),
                                    self.months())
            children = [intro, *cards, self._volunteering(), equipment, self.staff_summary]
        super().__init__(page, children)

    def settings_of(self, index: int) -> b.StaffCost:
        """The salary settings of team member *index*, added to the budget on their first edit."""
        used: set[int] = set()
        settings = None
        for position, member in enumerate(self.page.workbook.checklist.team):
            settings = b.staff_settings_for(self.plan, member.label, used)
            if position == index:
                break
        assert settings is not None
        if not any(stored is settings for stored in self.plan.staff):
            self.plan.staff = [*self.plan.staff, settings]
        return settings

    def _card(self, index: int, member: TeamMember) -> widgets.Widget:
        page = self.page
        current = self.rows[index].settings
        head = widgets.HTML(f'<div class="kpa-staff-head"><b>{esc(member.label or "?")}</b> '
                            f'<span class="kpa-muted">{esc(member.organisation)}</span> · '
                            f'{esc(_("{fte} ETP").format(fte=format_number(member.fte, digits=2)))} · '
                            f'{esc(_(_PAID_BY[member.paid_by]))}</div>')
        result = widgets.HTML()
        result.add_class("kpa-staff-result")
        self.results[index] = result

        def find() -> b.StaffCost:
            return self.settings_of(index)

        months = choice_field(page, find, "months", _("Mois travaillés"), [(str(m), m) for m in range(0, 13)],
                              value=current.months)
        start = month_field(page, find, "start_month", _("à partir de"), self.months(), value=current.start_month)
        later = text_field(page, find, "fte_years", _("ETP années 2 et 3"), FTE_YEARS, width="300px",
                           placeholder=format_number(member.fte, digits=2), value=current.fte_years)
        controls: list[widgets.Widget]
        if member.paid_by == "project":
            gross = text_field(page, find, "gross_monthly", _("Brut mensuel temps plein"), AMOUNT, width="330px",
                               value=current.gross_monthly)
            custom = text_field(page, find, "custom_rate", _("Taux (%)"), PERCENT, width="170px", value=current.custom_rate)
            custom.layout = widgets.Layout(display="flex" if current.rate_preset == "custom" else "none")

            source = widgets.HTML(_source_html(current.rate_preset))
            source.add_class("kpa-rate-source")

            def show_custom(preset: str) -> None:
                custom.layout.display = "flex" if preset == "custom" else "none"
                source.value = _source_html(preset)

            preset = choice_field(page, find, "rate_preset", _("Charges patronales"),
                                  [(_(label), code) for code, label in RATE_PRESETS.items()], value=current.rate_preset,
                                  after=show_custom)
            controls = [gross, preset, custom, months, start, later]
        else:
            value = text_field(page, find, "in_kind_value", _("Valeur retenue pour l'année"), OPTIONAL_AMOUNT,
                               width="360px", placeholder=_("brut × ETP × mois"), value=current.in_kind_value)
            controls = [value, months, start, later]
        parts = [head, widgets.HBox(controls), *([source] if member.paid_by == "project" else []), result]
        box = widgets.VBox(parts, layout=layout(width="100%"))
        box.add_class("kpa-staff-card")
        return box

    def _volunteering(self) -> widgets.Widget:
        """The group's volunteering pledged in the workshop: hours a month, valued at an hour's rate in 864/870."""
        page = self.page
        head = widgets.HTML(f'<div class="kpa-staff-head"><b>{esc(_("Bénévolat du groupe"))}</b> '
                            f'<span class="kpa-muted">{esc(_("les heures que le groupe a promises en atelier"))}</span></div>')
        hours = text_field(page, lambda: page.plan, "group_hours", _("Heures par mois, en tout"), QUANTITY, width="300px")
        rate = text_field(page, lambda: page.plan, "volunteer_rate", _("Valeur d'une heure"), AMOUNT, width="260px")
        box = widgets.VBox([head, widgets.HBox([hours, rate]), self.volunteering_result], layout=layout(width="100%"))
        box.add_class("kpa-volunteering-card")
        return box

    def refresh(self, figures: Figures) -> None:
        plan = self.page.plan
        valued = next((e.amount for e in figures.entries if e.origin == "volunteer"), Decimal(0))
        rule = _("Une heure vaut par défaut le SMIC horaire brut 2026 ({rate}), comme les associations valorisent le "
                 "bénévolat.").format(rate=format_money(b.VOLUNTEER_RATE))
        said = (_("Contribution en nature 864 / 870 : {hours} h par mois × {rate} × 12 mois = {amount} par an").format(
            hours=format_number(plan.group_hours, digits=1), rate=format_money(plan.volunteer_rate), amount=format_money(valued))
            if valued else _("Aucune heure promise pour l'instant : rien n'est compté."))
        self.volunteering_result.value = f'<p>{esc(said)}</p><p class="kpa-muted">{esc(rule)}</p>'
        rows = b.staff_rows(self.page.workbook)
        for index, row in enumerate(rows):
            widget = self.results.get(index)
            if widget is None:
                continue
            if row.paid_by == "project":
                text = _("641 rémunération {gross} + 645 charges {contrib} = {total} sur l'année ({monthly} par mois travaillé)").format(
                    gross=format_money(row.gross), contrib=format_money(row.contributions), total=format_money(row.total),
                    monthly=format_money(row.monthly_cost))
            else:
                code = "861 / 871" if row.paid_by == "partner" else "864 / 870"
                text = _("Contribution en nature {code} : {amount}").format(code=code, amount=format_money(row.in_kind))
            later = " · ".join(_("année {year} : {fte} ETP, {amount}").format(
                year=year, fte=format_number(b.staff_fte(row, year), digits=2),
                amount=format_money(sum(b.staff_year(row, year).values(), Decimal(0)))) for year in (2, 3))
            widget.value = f'<p>{esc(text)}</p><p class="kpa-muted kpa-staff-later">{esc(later)}</p>'
        staff_total = sum((r.total for r in rows), Decimal(0))
        in_kind = sum((r.in_kind for r in rows), Decimal(0))
        fte = sum((r.fte for r in rows), Decimal(0))
        equipment = [e for e in figures.entries if e.origin == "equipment"]
        bought = sum((e.amount for e in equipment if e.side == "charge"), Decimal(0))
        lent = sum((e.amount for e in equipment if e.side == "inkind"), Decimal(0))
        cards = [
            (_("Équipe"), _("{fte} ETP").format(fte=format_number(fte, digits=2)), ""),
            (_("Salaires et charges (64)"), format_money(staff_total), ""),
            (_("Temps mis à disposition ou bénévole (86/87)"), format_money(in_kind), ""),
            (_("Équipement acheté (60) · prêté (86/87)"), format_money(bought), format_money(lent)),
        ]
        self.staff_summary.value = '<div class="kpa-cards">' + "".join(
            f'<div class="kpa-card"><div class="kpa-big-label">{esc(title)}</div><div class="kpa-big">{esc(big)}</div>'
            + (f'<div class="kpa-big-label">{esc(small)}</div>' if small else "") + '</div>'
            for title, big, small in cards) + '</div>'


def _source_html(preset: str) -> str:
    """The source of an employer-contribution preset, beside it (issue 12)."""
    text = b.RATE_PRESET_SOURCES.get(preset, "")
    return f'<p class="kpa-muted kpa-rate-source-text">{esc(_(text))}</p>' if text else ""
