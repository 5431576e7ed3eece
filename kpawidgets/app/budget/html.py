"""HTML of the budget page's live parts: summary cards, coverage bar, Cerfa table, cash bars,
scenario comparison, sharing. Pure functions of computed figures (no widgets), so they are cheap
(an edit redraws them in a few milliseconds) and testable as strings.

Charts here are HTML/CSS bars (drawn by the browser, no matplotlib in the kernel: a
matplotlib SVG took 70–470 ms per chart, too slow for live edits).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from kpawidgets.app.shell import esc
from kpawidgets.charts import FUNDING_COLOURS, LIGHT_COLOURS
from kpawidgets.charts.coverage import PART_LABELS, ROUNDING_NOTE, balance_sentence, cash_sentence, coverage_bar, percent_text, secured_note
from kpawidgets.i18n import N_, _, format_money, format_money_rounded, format_month, format_number, format_percent
from kpawidgets.model import budget as b

__all__ = [
    "summary_html", "coverage_bar", "cerfa_html", "cash_html", "cash_bars_html", "scenarios_html",
    "sharing_html", "network_html", "missing_html", "balance_sentence", "cash_sentence", "month_label",
]

ZERO = Decimal("0.00")

#: Colours of the coverage parts: the palette's, as in the PDF.
COLORS = {**FUNDING_COLOURS, "negative": LIGHT_COLOURS["red"], "positive": LIGHT_COLOURS["green"]}


def month_label(start: object, month: int) -> str:
    """``3 · mai 2027``: the month's number in the plan and its name."""
    import datetime as dt

    assert isinstance(start, dt.date)
    return f"{month} · {format_month(b.month_date(start, month))}"


def summary_html(figures: b.BudgetFigures) -> str:
    """The always-visible summary: big numbers, the balance, the coverage bar, the cash low point."""
    kind, sentence = balance_sentence(figures)
    cash_kind, cash_text = cash_sentence(figures)
    euros = figures.euros
    empty = figures.empty
    pct = percent_text(figures.percents["secured"]) if euros.charges else _("—")
    mark = _(b.SECURED_MARK_SOURCE)
    cash_low = _("—") if empty else format_money_rounded(euros.cash_lowest)
    cash_month = "" if empty else format_month(figures.cash.lowest_date)
    return (
        '<div class="kpa-budget-summary">'
        '<div class="kpa-budget-cards">'
        f'<div class="kpa-card"><div class="kpa-big-label">{esc(_("Charges"))}</div>'
        f'<div class="kpa-big kpa-charges-total" data-euros="{euros.charges:f}">{esc(format_money_rounded(euros.charges))}</div></div>'
        f'<div class="kpa-card"><div class="kpa-big-label">{esc(_("Ressources"))}</div>'
        f'<div class="kpa-big kpa-produits-total" data-euros="{euros.produits:f}">{esc(format_money_rounded(euros.produits))}</div></div>'
        f'<div class="kpa-card kpa-card-coverage kpa-tone-{figures.secured_tone}" title="{esc(mark)}">'
        f'<div class="kpa-big-label">{esc(_("Financements acquis (année 1)"))}</div>'
        f'<div class="kpa-big kpa-coverage-pct" data-value="{figures.percents["secured"]}">{esc(pct)}</div>'
        f'<div class="kpa-big-label">{esc(secured_note(figures))}</div></div>'
        f'<div class="kpa-card kpa-card-cash kpa-tone-{cash_kind}"><div class="kpa-big-label">{esc(_("Point bas de trésorerie"))}</div>'
        f'<div class="kpa-big kpa-cash-min" data-euros="{euros.cash_lowest:f}">{esc(cash_low)}</div>'
        f'<div class="kpa-big-label">{esc(cash_month)}</div></div>'
        '</div>'
        f'<div class="kpa-banner kpa-banner-{kind} kpa-balance" role="status">{esc(sentence)}</div>'
        f'{"" if empty else coverage_bar(figures)}'
        f'<p class="kpa-cash-sentence kpa-tone-{cash_kind}">{esc(cash_text)}</p>'
        '</div>'
    )


def _row_label(row: b.CerfaRow) -> str:
    if row.level == 1 or row.origin == "subline" or row.origin in b.NAMED_BY_THE_CARNET:
        return _(row.label)
    return row.label or _(b.account_label(row.account))


_ORIGIN_TAGS = {"staff": N_("équipe"), "equipment": N_("équipement"), "venue": N_("lieu"), "activity": N_("activités"), "cae": N_("calculé"),
                "volunteer": N_("atelier")}


def _cerfa_rows(rows: Sequence[b.CerfaRow]) -> str:
    html = []
    for row in rows:
        tag = ""
        if row.origin in _ORIGIN_TAGS:
            tag = f' <span class="kpa-tag">{esc(_(_ORIGIN_TAGS[row.origin]))}</span>'
        if row.status:
            tag += f' <span class="kpa-tag kpa-status-{row.status}">{esc(_(b.STATUSES[row.status]))}</span>'
        account = row.account if row.level == 1 or row.origin != "subline" else ""
        amount = format_money_rounded(row.euros) if (row.amount or row.level > 1) else "—"
        html.append(f'<tr class="kpa-cerfa-l{row.level}"><td class="kpa-acc">{esc(account)}</td>'
                    f'<td>{esc(_row_label(row))}{tag}</td><td class="num" data-euros="{row.euros:f}">{esc(amount)}</td></tr>')
    return "".join(html)


def _cerfa_side(title: str, rows: Sequence[b.CerfaRow], total_label: str, total: Decimal) -> str:
    return (f'<div class="kpa-table-wrap"><table class="kpa-table kpa-cerfa"><thead><tr><th class="kpa-acc">{esc(_("Compte"))}</th>'
            f'<th>{esc(title)}</th><th class="num">{esc(_("Montant"))}</th></tr></thead><tbody>{_cerfa_rows(rows)}</tbody>'
            f'<tfoot><tr><td></td><th>{esc(total_label)}</th><td class="num kpa-cerfa-total" data-euros="{total:f}">'
            f'{esc(format_money_rounded(total))}</td></tr></tfoot></table></div>')


def cerfa_html(figures: b.BudgetFigures) -> str:
    """The budget in the Cerfa n°12156 layout, in whole euros as the form asks: charges beside
    produits, then 86 beside 87 (the cents stay in the lines below and the spreadsheet)."""
    table = figures.cerfa
    totals = figures.euros
    kind, sentence = balance_sentence(figures)
    in_kind_title = esc(_("Contributions volontaires en nature (toujours à l'équilibre)"))
    return (
        f'<h3 class="kpa-h3">{esc(_("Budget prévisionnel (présentation du Cerfa n°12156)"))}</h3>'
        '<div class="kpa-cerfa-grid">'
        f'{_cerfa_side(_("Charges"), table.charges, _("Total des charges"), totals.charges)}'
        f'{_cerfa_side(_("Produits"), table.produits, _("Total des produits"), totals.produits)}'
        '</div>'
        f'<div class="kpa-banner kpa-banner-{kind}">{esc(sentence)}</div>'
        f'<p class="kpa-muted kpa-rounding-note">{esc(_(ROUNDING_NOTE))}</p>'
        f'<h3 class="kpa-h3">{in_kind_title}</h3>'
        '<div class="kpa-cerfa-grid">'
        f'{_cerfa_side(_("Emplois"), table.uses, _("Total 86"), totals.in_kind)}'
        f'{_cerfa_side(_("Contributions"), table.resources, _("Total 87"), totals.in_kind)}'
        '</div>'
    )


def cash_bars_html(cash: b.Cash) -> str:
    """End-of-month balances as CSS bars (green above zero, red below), the lowest one outlined."""
    values = [m.balance for m in cash.months]
    top = max([v for v in values if v > 0] + [Decimal(1)])
    bottom = max([-v for v in values if v < 0] + [Decimal(0)])
    span = top + bottom
    up_share = top / span * 100
    bars = []
    for month in cash.months:
        height = abs(month.balance) / span * 100
        low = " kpa-cash-low" if month.month == cash.lowest_month else ""
        after = " kpa-cash-after" if month.month > 12 else ""
        sign = "neg" if month.balance < 0 else "pos"
        name = format_month(month.date)
        short = name.split(" ")[0][:4] + (f" {month.date.year % 100:02d}" if month.month == 1 or month.date.month == 1 else "")
        if month.month == 13:
            after += " kpa-cash-year2"
        bars.append(
            f'<div class="kpa-cash-col{low}{after}" title="{esc(name)} : {esc(format_money_rounded(month.balance))}">'
            f'<div class="kpa-cash-up" style="height:{up_share:.2f}%">'
            + (f'<span class="kpa-cash-bar kpa-cash-{sign}" style="height:{height / up_share * 100 if up_share else 0:.2f}%"></span>' if sign == "pos" else "")
            + f'</div><div class="kpa-cash-down" style="height:{100 - up_share:.2f}%">'
            + (f'<span class="kpa-cash-bar kpa-cash-{sign}" style="height:{height / (100 - up_share) * 100 if up_share < 100 else 0:.2f}%"></span>' if sign == "neg" else "")
            + f'</div><div class="kpa-cash-label">{esc(short)}</div></div>')
    note = ""
    if len(cash.months) > 12:
        text = _("Barres claires : après la fin de l'année 1, jusqu'au dernier solde de subvention attendu.")
        note = f'<p class="kpa-muted kpa-cash-note">{esc(text)}</p>'
    return (f'<div class="kpa-cash-chart" role="img" aria-label="{esc(_("Trésorerie en fin de mois"))}">'
            f'{"".join(bars)}</div>{note}')


def cash_html(figures: b.BudgetFigures) -> str:
    """Plain words (saying what they count), the bars and the month-by-month table (to the cent)."""
    cash = figures.cash
    kind, sentence = cash_sentence(figures)
    rows = []
    for m in cash.months:
        low = ' class="kpa-row-low"' if m.month == cash.lowest_month else ""
        rows.append(f'<tr{low}><td>{esc(format_month(m.date))}</td><td class="num">{esc(format_money(m.grants_in))}</td>'
                    f'<td class="num">{esc(format_money(m.revenue_in))}</td><td class="num">{esc(format_money(m.staff_out))}</td>'
                    f'<td class="num">{esc(format_money(m.other_out))}</td>'
                    f'<td class="num{" kpa-neg" if m.balance < 0 else ""}">{esc(format_money(m.balance))}</td>'
                    + "".join(f'<td class="num kpa-cash-curve{" kpa-neg" if c.balances[m.month] < 0 else ""}">'
                              f'{esc(format_money(c.balances[m.month]))}</td>' for c in cash.curves) + '</tr>')
    head = "".join(f'<th class="num">{esc(t)}</th>' for t in (
        _("Subventions reçues"), _("Ventes et recettes"), _("Salaires et charges"), _("Autres dépenses"),
        _("Solde fin de mois"), *(_(c.label) for c in cash.curves)))
    return (f'<div class="kpa-banner kpa-banner-{kind}">{esc(sentence)}</div>'
            f'{cash_bars_html(cash)}'
            f'<details class="kpa-details"><summary>{esc(_("Le détail mois par mois"))}</summary>'
            f'<div class="kpa-table-wrap"><table class="kpa-table kpa-cash-table"><thead><tr><th>{esc(_("Mois"))}</th>{head}</tr></thead>'
            f'<tbody><tr><td>{esc(_("Départ"))}</td><td></td><td></td><td></td><td></td>'
            f'<td class="num">{esc(format_money(cash.starting_cash))}</td>'
            + "".join(f'<td class="num">{esc(format_money(cash.starting_cash))}</td>' for _c in cash.curves)
            + f'</tr>{"".join(rows)}</tbody></table></div></details>{cash_curves_html(figures)}')


def cash_curves_html(figures: b.BudgetFigures) -> str:
    """The low point with only the money secured, and with what is requested: money not yet there."""
    cash = figures.cash
    items = [f'<li class="kpa-cash-curve-{c.key}">{esc(_(c.label))} : <b>{esc(format_money_rounded(figures.euros.curves_lowest[c.key]))}</b> '
             f'({esc(format_month(b.month_date(cash.start, c.lowest_month)))})</li>' for c in cash.curves]
    title = _("Point bas si l'argent pas encore là ne vient pas")
    return f'<h3 class="kpa-h3">{esc(title)}</h3><ul class="kpa-cash-curves">{"".join(items)}</ul>' if items else ""


def missing_html(figures: b.BudgetFigures) -> str:
    """What is not secured yet, requested first, and the probability view (nothing of it for an empty budget)."""
    cover = figures.coverage
    title = f'<h3 class="kpa-h3">{esc(_("Ce qui manque encore"))}</h3>'
    if figures.empty:
        empty = _("Rien à financer pour l'instant : le budget est vide.")
        return title + f'<p class="kpa-missing-empty">{esc(empty)}</p>'
    items = [f'<li><span class="kpa-tag kpa-status-{m.status}">{esc(_(b.STATUSES[m.status]))}</span> '
             f'{esc(m.funder or m.label)} : <b>{esc(format_money_rounded(figures.line_amount(m.line_id or "", m.amount)))}</b></li>'
             for m in cover.missing]
    if figures.euros.gap:
        items.append(f'<li class="kpa-gap-item"><span class="kpa-tag kpa-status-refuse">{esc(_(PART_LABELS["gap"]))}</span> '
                     f'{esc(_("Ressources sans financeur"))} : <b>{esc(format_money_rounded(figures.euros.gap))}</b></li>')
    if not items:
        items.append(f'<li>{esc(_("Tout est acquis : rien ne manque."))}</li>')
    chance = format_percent(cover.full_funding_chance, digits=0)
    probability_text = _("Vue probable : avec 30 % de chances pour un financement envisagé, 60 % pour un "
                         "financement demandé et 100 % pour un financement voté ou versé, on peut attendre "
                         "{expected} de ressources, et l'année a {chance} de chances d'être entièrement "
                         "financée.").format(expected=format_money_rounded(cover.expected), chance=chance)
    probability = f'<p class="kpa-probability">{esc(probability_text)}</p>'
    return f'{title}<ul class="kpa-missing">{"".join(items)}</ul>{probability}'


def network_html(rows: Sequence[b.NetworkRow]) -> str:
    """Revenue per coopérant·e per month: ours beside the network's KPAs, as bars."""
    values = [r.per_member_month for r in rows if r.per_member_month is not None]
    top = max(values + [Decimal(1)])
    items = []
    for row in rows:
        if row.per_member_month is None:
            text = _("indiquez le nombre de coopérant·es")
            width = Decimal(0)
        else:
            text = format_money_rounded(row.per_member_month)
            width = row.per_member_month / top * 100
        who = f'{esc(row.name)} <span class="kpa-muted">({esc(row.town)})</span>' if row.town and not row.ours else esc(row.name)
        items.append(f'<div class="kpa-net-row{" kpa-net-ours" if row.ours else ""}"><div class="kpa-net-name">{who}</div>'
                     f'<div class="kpa-net-track"><span class="kpa-net-bar" style="width:{width:.1f}%"></span></div>'
                     f'<div class="kpa-net-value">{esc(text)}</div></div>')
    title = esc(_("Chiffre d'affaires par coopérant·e et par mois"))
    note = esc(_("Réseau : chiffre d'affaires depuis le début divisé par le nombre de mois d'activité et de membres "
                 "(chiffres de la présentation KPA-Cité, printemps 2019)."))
    return (f'<h3 class="kpa-h3">{title}</h3><div class="kpa-network">{"".join(items)}</div>'
            f'<p class="kpa-muted">{note}</p>')


def scenarios_html(figures: Sequence[b.BudgetFigures]) -> str:
    """The side-by-side comparison: a table and CSS bars (charges beside resources)."""
    names = [_(f.name) if f.name == b.GRANTS_END else f.name or _("Budget actuel") for f in figures]
    rows: list[tuple[str, list[str]]] = [
        (_("Charges"), [format_money_rounded(f.euros.charges) for f in figures]),
        (_("Ressources"), [format_money_rounded(f.euros.produits) for f in figures]),
        *((_(PART_LABELS[key]), [format_money_rounded(f.euros.parts[key]) for f in figures]) for key in b.PARTS),
        (_("Financements acquis"), [percent_text(f.percents["secured"]) for f in figures]),
        (_("Point bas de trésorerie"), [f"{format_money_rounded(f.euros.cash_lowest)} ({format_month(f.cash.lowest_date)})" for f in figures]),
        *((_("Année {year} : reste à trouver").format(year=y), [format_money_rounded(f.years[y].gap) for f in figures])
          for y in (2, 3)),
        (_("Année 3 : part des ressources propres"), [percent_text(f.years[3].own_share) for f in figures]),
    ]
    head = "".join(f'<th class="num">{esc(n)}</th>' for n in names)
    body = "".join("<tr><th>" + esc(label) + "</th>" + "".join(f'<td class="num">{esc(v)}</td>' for v in values) + "</tr>"
                   for label, values in rows)
    top = max([max(f.euros.charges, f.euros.produits) for f in figures] + [Decimal(1)])
    groups = []
    for name, f in zip(names, figures):
        segs = "".join(
            f'<span class="kpa-sc-seg" style="height:{amount / top * 100:.2f}%;background:{COLORS[key]}"></span>'
            for key, amount in reversed(list(f.euros.parts.items())) if key != "gap" and amount > 0)
        groups.append(
            f'<div class="kpa-sc-group"><div class="kpa-sc-bars">'
            f'<div class="kpa-sc-col"><span class="kpa-sc-seg" style="height:{f.euros.charges / top * 100:.2f}%;background:{COLORS["charges"]}"></span></div>'
            f'<div class="kpa-sc-col">{segs}</div></div><div class="kpa-sc-name">{esc(name)}</div></div>')
    legend = "".join(f'<li><span class="kpa-swatch" style="background:{COLORS[k]}"></span>{esc(_(label))}</li>'
                     for k, label in [("charges", N_("charges"))] + [(k, PART_LABELS[k]) for k in ("secured", "requested", "considered", "revenue")])
    return (f'<div class="kpa-table-wrap"><table class="kpa-table kpa-scenarios"><thead><tr><th></th>{head}</tr></thead>'
            f'<tbody>{body}</tbody></table></div>'
            f'<div class="kpa-sc-chart" role="img" aria-label="{esc(_("Charges et ressources par scénario"))}">{"".join(groups)}</div>'
            f'<ul class="kpa-legend">{legend}</ul>')


def sharing_html(result: b.SharingResult) -> str:
    """From the revenue to each person's share, step by step."""
    steps = [
        (_("Chiffre d'affaires des activités (année 1)"), result.revenue),
        (_("− contribution à la CAE"), result.cae),
        (_("− matières et matériel"), result.materials),
        (_("− pot commun"), result.common_pot),
        (_("= à partager selon les heures travaillées"), result.to_share),
    ]
    lines = "".join(f'<tr><th>{esc(label)}</th><td class="num">{esc(format_money(amount))}</td></tr>' for label, amount in steps)
    people = "".join(f'<tr><td>{esc(p.name or "?")}</td><td class="num">{esc(format_number(p.hours, digits=2))}</td>'
                     f'<td class="num"><b>{esc(format_money(p.amount))}</b></td></tr>' for p in result.people)
    per_hour = _("soit {amount} par heure travaillée").format(amount=format_money(result.per_hour)) if result.hours else ""
    return (f'<div class="kpa-table-wrap"><table class="kpa-table kpa-sharing-steps"><tbody>{lines}</tbody></table></div>'
            f'<p class="kpa-muted">{esc(per_hour)}</p>'
            f'<div class="kpa-table-wrap"><table class="kpa-table kpa-sharing"><thead><tr><th>{esc(_("Coopérant·e"))}</th>'
            f'<th class="num">{esc(_("Heures"))}</th><th class="num">{esc(_("Part"))}</th></tr></thead><tbody>{people}</tbody></table></div>')
