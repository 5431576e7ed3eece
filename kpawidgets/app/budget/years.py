"""The « Trois ans » tab: years 1 to 3 as the figures hold them, and each line's rule for the years.

Everything printed is ``figures.years`` (:mod:`kpawidgets.model.budget.years`): the tab sums nothing.
"""

from __future__ import annotations

from decimal import Decimal

import ipywidgets as widgets

from kpawidgets.app.budget.tab import Figures, Host, Tab, help_html, layout
from kpawidgets.app.fields import AMOUNT, PERCENT, ById, FieldError, Kind, choice_field, text_field
from kpawidgets.app.shell import esc
from kpawidgets.charts.coverage import PART_LABELS
from kpawidgets.charts.years import long_cash_sentence, years_chart
from kpawidgets.i18n import _, format_money, format_money_rounded, format_number, format_percent
from kpawidgets.model import budget as b
from kpawidgets.model.money import AmountError, parse_amount

__all__ = ["YearsTab", "years_html", "GROWTH", "SHARES", "AMOUNTS"]


def _parse_growth(text: str) -> Decimal:
    cleaned = str(text).replace("%", "").strip()
    try:
        return parse_amount(cleaned) if cleaned else Decimal(0)
    except AmountError:
        raise FieldError("« {value} » : tapez une évolution en % par an, par exemple 2 ou -10.", value=text[:40]) from None


def _parse_list(text: str) -> list[Decimal]:
    parts = [part.replace("%", "").strip() for part in str(text).replace(";", "/").split("/")]
    try:
        return [parse_amount(part, allow_negative=False) for part in parts if part]
    except AmountError:
        raise FieldError("« {value} » : tapez les années suivantes séparées par « / », par exemple 80 / 50.",
                         value=text[:40]) from None


#: An evolution in % a year, signed (−100 % at least: the record says so).
GROWTH: Kind[Decimal] = Kind(_parse_growth, lambda value: format_number(value, digits=2), "kpa-percent")
#: The shares of the following years, « 80 / 50 » (each at most 100 %: the record says so).
SHARES: Kind[list[Decimal]] = Kind(_parse_list,
                                   lambda value: " / ".join(format_number(v, digits=2) for v in value), "kpa-percent")
#: The amounts of the following years, « 8 000 / 6 000 ».
AMOUNTS: Kind[list[Decimal]] = Kind(_parse_list,
                                    lambda value: " / ".join(format_money(v) for v in value), "kpa-amount")

#: Which field each shape uses (besides the years).
_SHAPE_FIELD = {"carried": "growth_pct", "degressive": "percents", "fixed": "yearly", "convention": "amounts"}


def years_html(figures: Figures) -> str:
    """The years' table (whole euros as printed), the break-even sentence and the chart."""
    years = figures.years
    head = [_("Année"), _("Charges"), *(_(PART_LABELS[k]) for k in b.BUCKETS), _("Total des ressources"),
            _("Ressources propres"), _("Reste à trouver"), _("Excédent")]
    rows = []
    for year in years.years:
        tone = "ok" if year.own_share_reached else "warn"
        cells = [format_money_rounded(year.charges), *(format_money_rounded(year.resources[k]) for k in b.BUCKETS),
                 format_money_rounded(year.produits)]
        rows.append(f'<tr class="kpa-year-row"><th>{esc(_("Année {year}").format(year=year.year))}</th>'
                    + "".join(f'<td class="num">{esc(c)}</td>' for c in cells)
                    + f'<td class="num kpa-own-{tone}">{esc(format_money_rounded(year.own))} '
                      f'({esc(format_percent(Decimal(year.own_share) / 100))})</td>'
                    + f'<td class="num{" kpa-neg" if year.gap else ""}">{esc(format_money_rounded(year.gap))}</td>'
                    + f'<td class="num">{esc(format_money_rounded(year.surplus))}</td></tr>')
    if years.break_even_year is None:
        even = _("Aucune des trois années ne couvre ses charges : il reste à trouver chaque année.")
    else:
        even = _("Première année où les ressources couvrent les charges : l'année {year}.").format(
            year=years.break_even_year)
    rule = _("Part des ressources propres = ventes (70), cotisations (756) et autres produits propres (75 à 78) ÷ total des "
             "ressources (hors contributions en nature), en euros entiers. Repère : {mark} % (au-delà de la moitié "
             "d'argent public, le banquier s'inquiète).").format(mark=years.own_share_mark)
    kind, sentence = long_cash_sentence(years)
    cash_html = f'<p class="kpa-banner kpa-banner-{kind} kpa-years-cash">{esc(sentence)}</p>'
    return (f'<div class="kpa-table-wrap"><table class="kpa-table kpa-years-table"><thead><tr>'
            + "".join(f'<th class="num">{esc(h)}</th>' for h in head) + f'</tr></thead><tbody>{"".join(rows)}</tbody>'
            f'</table></div><p class="kpa-years-even"><b>{esc(even)}</b></p><p class="kpa-help">{esc(rule)}</p>'
            f'<div class="kpa-years-chart-box">{years_chart(years)}</div>{cash_html}')


class YearsTab(Tab):
    key = "years"

    def __init__(self, page: Host) -> None:
        self.view = widgets.HTML()
        self.view.add_class("kpa-years-box")
        mark = text_field(page, lambda: page.plan, "own_share_mark", _("Repère de la part des ressources propres (%)"),
                          PERCENT, width="480px")
        self.rules = widgets.VBox(layout=layout(width="100%"))
        self.previews: dict[str, widgets.HTML] = {}
        intro = _("Les années 2 et 3 partent de l'année 1 : une charge est reconduite (± x % par an, à partir de l'année "
                  "N, jusqu'à l'année N), une subvention est ponctuelle sauf si vous dites sa forme (identique, "
                  "dégressive, montant fixe par an comme un poste FONJEP, convention pluriannuelle). Les salaires et le "
                  "local sont reconduits, les ventes tournent à leur rythme de croisière, l'équipement acheté ne "
                  "l'est qu'une fois.")
        title = widgets.HTML(f'<h3 class="kpa-h3">{esc(_("Chaque ligne sur trois ans"))}</h3>')
        super().__init__(page, [help_html(intro), self.view, mark, title, self.rules])
        self.structure_changed()

    def structure_changed(self) -> None:
        self.previews = {}
        self.rules.children = tuple(self._row(line) for line in self.plan.lines)

    def refresh(self, figures: Figures) -> None:
        self.view.value = years_html(figures)
        by_line: dict[str, list[Decimal]] = {}
        for year in figures.years.years:
            for row in (*year.table.charges, *year.table.produits, *year.table.uses):
                if row.origin == "line" and row.line_id:
                    by_line.setdefault(row.line_id, [Decimal(0)] * b.YEARS)[year.year - 1] = row.euros
        for line_id, preview in self.previews.items():
            amounts = by_line.get(line_id, [Decimal(0)] * b.YEARS)
            preview.value = f'<span class="kpa-years-preview">{esc(" → ".join(format_money_rounded(a) for a in amounts))}</span>'

    def _row(self, line: b.BudgetLine) -> widgets.Widget:
        page = self.page
        find = ById(lambda: self.plan.lines, line.id)

        def rule() -> b.YearRule | None:
            found = find()
            if found is None:
                return None
            if found.years is None:  # the first edit stores the rule the line had by default
                found.years = found.year_rule
            return found.years

        current = line.year_rule
        years = [(_("année {n}").format(n=n), n) for n in range(1, b.YEARS + 1)]
        extra = {
            "growth_pct": text_field(page, rule, "growth_pct", _("évolution (% par an)"), GROWTH, width="280px",
                                     value=current.growth_pct),
            "percents": text_field(page, rule, "percents", _("parts des années suivantes (%)"), SHARES, width="400px",
                                   value=current.percents, placeholder="80 / 50"),
            "yearly": text_field(page, rule, "yearly", _("montant par an ensuite"), AMOUNT, width="340px",
                                 value=current.yearly),
            "amounts": text_field(page, rule, "amounts", _("montants des années suivantes"), AMOUNTS, width="480px",
                                  value=current.amounts, placeholder="8 000 / 6 000"),
        }

        # each in a box of its own: the kit's fields share one layout, which must never be changed
        boxes = {name: widgets.Box([field], layout=layout()) for name, field in extra.items()}

        def show_for(shape: str) -> None:
            for name, box in boxes.items():
                box.layout.display = "" if _SHAPE_FIELD.get(shape) == name else "none"

        shape = choice_field(page, rule, "shape", _("forme"), b.SHAPES, value=current.shape, width="400px",
                             after=show_for)
        first = choice_field(page, rule, "first_year", _("de"), years, value=current.first_year, width="150px")
        last = choice_field(page, rule, "last_year", _("à"), years, value=current.last_year, width="150px")
        show_for(current.shape)
        preview = widgets.HTML()
        self.previews[line.id] = preview
        label = line.label or _(b.account_label(line.account))
        head = widgets.HTML(f'<span class="kpa-years-line"><b>{esc(line.account)}</b> {esc(label)}</span>')
        row = widgets.VBox([widgets.HBox([head, preview]), widgets.HBox([shape, first, last, *boxes.values()], layout=layout(flex_flow="row wrap", width="100%"))],
                           layout=layout(width="100%"))
        row.add_class("kpa-years-rule")
        return row

