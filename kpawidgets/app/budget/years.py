"""The « Trois ans » tab: years 1 to 3 as the figures hold them, and each line's rule for the years.

Everything printed is ``figures.years`` (:mod:`kpawidgets.model.budget.years`): the tab sums nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import ipywidgets as widgets

from kpawidgets.app.budget.tab import Figures, Host, Tab, help_html, layout
from kpawidgets.app.fields import AMOUNT, PERCENT, ById, Field, FieldError, Kind, bind, text_field
from kpawidgets.app.shell import esc
from kpawidgets.charts.coverage import PART_LABELS
from kpawidgets.charts.years import long_cash_sentence, years_chart
from kpawidgets.i18n import N_, _, format_money, format_money_rounded, format_number, format_percent
from kpawidgets.model import budget as b
from kpawidgets.model.money import AmountError, parse_amount

__all__ = ["YearsTab", "years_html", "year_values", "year_values_parser", "GROWTH", "SHARES", "AMOUNTS"]


def _parse_growth(text: str) -> Decimal:
    cleaned = str(text).replace("%", "").strip()
    try:
        return parse_amount(cleaned) if cleaned else Decimal(0)
    except AmountError:
        raise FieldError("« {value} » : tapez une évolution en % par an, par exemple 2 ou -10.", value=text[:40]) from None


def year_values(text: str) -> list[Decimal]:
    """The following years' values typed « 80 / 50 » (« ; » also parts them, « % » is dropped); raises
    :class:`AmountError` for a part that is no number."""
    parts = [part.replace("%", "").strip() for part in str(text).replace(";", "/").split("/")]
    return [parse_amount(part, allow_negative=False) for part in parts if part]


def year_values_parser(message: str) -> Callable[[str], list[Decimal]]:
    """A field's reading of :func:`year_values`, refusing a part that is no number with *message*
    (a French message id with ``{value}``)."""
    def parse(text: str) -> list[Decimal]:
        try:
            return year_values(text)
        except AmountError:
            raise FieldError(message, value=text[:40]) from None

    return parse


_parse_list = year_values_parser(N_("« {value} » : tapez les années suivantes séparées par « / », par exemple 80 / 50."))


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

        current = line.year_rule
        years = [(_("année {n}").format(n=n), n) for n in range(1, b.YEARS + 1)]

        def field(name: str, widget: widgets.Widget, parse: Callable[[Any], Any], show: Callable[[Any], Any],
                  label: str, after: Callable[[Any], None] | None = None) -> Field:
            """A field of the line's rule, bound to the line's ``years`` as a whole: reading never stores a
            rule (the page follows others' saves by reading every field), the first edit stores the whole
            rule, validated together (a convention ending before it starts is refused, nothing half set)."""

            def rule_now() -> b.YearRule:
                found = find()
                return found.year_rule if found is not None else b.YearRule()

            widget.description = label
            widget.style.description_width = "initial"
            return bind(page, find, "years", widget, label=label, key=f"{line.id}-years-{name}", after=after,
                        parse=lambda raw: {**rule_now().model_dump(), name: parse(raw)},
                        show=lambda rule: show(getattr(rule if rule is not None else rule_now(), name)))

        def text(name: str, kind: Kind[Any], label: str, width: str, placeholder: str = "") -> Field:
            widget = widgets.Text(value=kind.show(getattr(current, name)), placeholder=placeholder,
                                  continuous_update=False, layout=layout(width=width))
            widget.add_class(kind.css)
            return field(name, widget, lambda raw: kind.parse(str(raw or "")), kind.show, label)

        def choice(name: str, label: str, options: list[tuple[str, Any]], width: str,
                   after: Callable[[Any], None] | None = None) -> Field:
            widget = widgets.Dropdown(options=options, value=getattr(current, name), layout=layout(width=width))
            return field(name, widget, lambda raw: raw, lambda value: value, label, after)

        extra = {
            "growth_pct": text("growth_pct", GROWTH, _("évolution (% par an)"), "280px"),
            "percents": text("percents", SHARES, _("parts des années suivantes (%)"), "400px", "80 / 50"),
            "yearly": text("yearly", AMOUNT, _("montant par an ensuite"), "340px"),
            "amounts": text("amounts", AMOUNTS, _("montants des années suivantes"), "480px", "8 000 / 6 000"),
        }

        # each in a box of its own: the kit's fields share one layout, which must never be changed
        boxes = {name: widgets.Box([field], layout=layout()) for name, field in extra.items()}

        def show_for(shape: str) -> None:
            for name, box in boxes.items():
                box.layout.display = "" if _SHAPE_FIELD.get(shape) == name else "none"

        shape = choice("shape", _("forme"), [(_(text), key) for key, text in b.SHAPES.items()], "400px",
                       after=lambda rule: show_for(rule.shape if rule is not None else current.shape))
        first = choice("first_year", _("de"), years, "150px")
        last = choice("last_year", _("à"), years, "150px")
        show_for(current.shape)
        preview = widgets.HTML()
        self.previews[line.id] = preview
        label = line.label or _(b.account_label(line.account))
        head = widgets.HTML(f'<span class="kpa-years-line"><b>{esc(line.account)}</b> {esc(label)}</span>')
        row = widgets.VBox([widgets.HBox([head, preview]), widgets.HBox([shape, first, last, *boxes.values()], layout=layout(flex_flow="row wrap", width="100%"))],
                           layout=layout(width="100%"))
        row.add_class("kpa-years-rule")
        return row

