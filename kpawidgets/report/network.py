"""The one-page « État du réseau » PDF: the network's totals against the 2019 deck, the lights, the most urgent rows.

Rows → HTML (escaped here, no template: one page, one table) → PDF with the launch plan's WeasyPrint step
(:func:`kpawidgets.report.render.html_to_pdf`: fonts inlined, nothing fetched, PDF/UA-1). The page holds at
most :data:`PDF_ROWS` rows, the most urgent first, each with its first two reasons; the others are counted (the
table export has them all).
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from typing import Any

from kpawidgets.charts.palette import LIGHT_COLOURS, PALETTE
from kpawidgets.i18n import _, format_date, format_money_rounded, format_number, get_language, ngettext
from kpawidgets.model.network.rows import (MONEY_FIGURES, RULES, NetworkRow, NetworkTotals, deck_totals, light_count,
                                           light_word, network_totals, sort_rows, trend_items)
from kpawidgets.report.render import font_css, html_to_pdf, palette_css

__all__ = ["PDF_ROWS", "network_html", "network_pdf", "trend_text"]

#: Rows on the one page (the most urgent first).
PDF_ROWS = 13

_CSS = """
@page { size: A4 landscape; margin: 12mm 12mm 10mm; }
body { font-family: "Atkinson Hyperlegible", sans-serif; color: var(--kpa-ink); font-size: 8.5pt; margin: 0; }
td.why { width: 33%; }
td.name { width: 21%; }
h1 { font-size: 18pt; margin: 0 0 1mm; color: var(--kpa-accent); }
.sub { color: var(--kpa-muted); margin: 0 0 3mm; }
.figures { display: flex; gap: 4mm; margin-bottom: 3mm; }
.figure { flex: 1; border: 1px solid var(--kpa-line); border-radius: 2mm; padding: 2mm 3mm; }
.big { font-size: 16pt; font-weight: 700; display: block; }
.deck { color: var(--kpa-muted); font-size: 8pt; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid var(--kpa-line); padding: 0.9mm 1.4mm; text-align: left; vertical-align: top; }
th { background: var(--kpa-band); font-size: 8pt; }
td.num, th.num { text-align: right; white-space: nowrap; }
.dot { display: inline-block; width: 3mm; height: 3mm; border-radius: 50%; margin-right: 1mm; vertical-align: -0.4mm; }
.why { color: var(--kpa-muted); font-size: 8pt; }
.trend { margin: 0 0 2.5mm; font-weight: 700; }
.rules { color: var(--kpa-muted); font-size: 7pt; margin-top: 1.5mm; }
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _dot(light: str) -> str:
    colour = LIGHT_COLOURS.get(light, PALETTE["neutral"])
    return f'<span class="dot" style="background:{colour}"></span>'


def _row_html(row: NetworkRow) -> str:
    f = row.figures
    # the two first reasons (the most urgent rules come first): a row stays at most two lines high
    why = row.problem or "; ".join(reason.text() for reason in row.reasons[:2]) + ("…" if len(row.reasons) > 2 else "")
    if f is None:
        return (f'<tr><td>{_dot(row.light)}{_e(row.source)}</td><td colspan="7" class="why">{_e(why)}</td></tr>')
    size = str(f.group_size) if isinstance(f.group_size, int) else _("moins de 3")
    launch = format_date(f.launch_date, style="medium") if f.launch_date else "—"
    slip = ngettext("{n} jour", "{n} jours", f.slip_days).format(n=f.slip_days) if f.slip_days else "—"
    pct = f"{f.secured_pct} %" if f.secured_pct is not None else "—"
    return (f'<tr><td class="name">{_dot(row.light)}<strong>{_e(f.territory)}</strong> <span class="why">{_e(f.town)}</span></td>'
            f'<td class="num">{f.readiness_pct} %</td><td class="num">{_e(size)}</td>'
            f'<td class="num">{_e(format_number(f.team_fte))}</td>'
            f'<td class="num">{_e(format_money_rounded(f.secured))} / {_e(format_money_rounded(f.charges))} ({_e(pct)})</td>'
            f'<td class="num">{_e(format_money_rounded(f.gap))}</td>'
            f'<td class="num">{_e(launch)} <span class="why">{_e(slip)}</span></td>'
            f'<td class="why">{_e(why or light_word(row.light))}</td></tr>')


def trend_text(previous: dict[str, Any] | None, totals: NetworkTotals) -> str:
    """The trend since the last export (*previous*: its kept state), in words."""
    if previous is None:
        return _("Premier export : la tendance sera donnée au prochain.")
    try:
        since = format_date(dt.date.fromisoformat(str(previous.get("date"))), style="medium")
    except ValueError:
        since = "?"
    items = trend_items(previous.get("figures") or {}, totals)
    if not items:
        return _("Rien n'a changé depuis l'export du {date}.").format(date=since)
    def shown(key: str, value: int) -> str:
        return format_money_rounded(value) if key in MONEY_FIGURES else str(value)

    changes = " · ".join(f"{_(label)} {shown(key, before)} → {shown(key, now)}" for key, label, before, now in items)
    return _("Depuis l'export du {date} : {changes}.").format(date=since, changes=changes)


def network_html(rows: Sequence[NetworkRow], today: dt.date, folder: str = "",
                 previous: dict[str, Any] | None = None) -> str:
    """The « État du réseau » document (HTML) of *rows* as of *today*; *previous*: the last export's kept state
    (:mod:`kpawidgets.storage.network_states`), for the trend."""
    totals = network_totals(rows, today)
    deck = deck_totals()
    ordered = sort_rows(rows, "urgency")
    shown, more = ordered[:PDF_ROWS], len(ordered) - PDF_ROWS
    title = _("État du réseau")
    pct = f"{totals.secured_pct} %" if totals.secured_pct is not None else "—"
    deck_note = _("présentation ({date})").format(date=format_date(deck.date, style="LLLL y"))
    figures = [
        (str(totals.territories), _("territoires qui partagent"),
         _("{n} KPA dans la {source}").format(n=deck.kpas, source=deck_note)),
        (str(totals.members), _("membres des groupes") + (
            " " + ngettext("(+ {n} petit groupe)", "(+ {n} petits groupes)", totals.small_groups).format(
                n=totals.small_groups) if totals.small_groups else ""),
         _("{n} membres dans la {source}").format(n=deck.members, source=deck_note)),
        (format_number(totals.team_fte), _("ETP d'accompagnement"),
         _("{n} ETP dans la {source}").format(n=format_number(deck.team_fte), source=deck_note)),
        (format_money_rounded(totals.secured), _("acquis sur {charges} de charges (année 1, {pct})").format(
            charges=format_money_rounded(totals.charges), pct=pct),
         _("reste à trouver : {gap}").format(gap=format_money_rounded(totals.gap))),
    ]
    lights = " · ".join(f"{_dot(light)}{_e(light_count(light, totals.lights[light]))}"
                        for light in ("red", "orange", "green", "problem") if totals.lights[light])
    cards = "".join(f'<div class="figure"><span class="big">{_e(value)}</span>{_e(label)}'
                    f'<br><span class="deck">{_e(deck_line)}</span></div>' for value, label, deck_line in figures)
    head = "".join(f'<th{" class=num" if num else ""}>{_e(text)}</th>' for text, num in (
        (_("Territoire"), False), (_("Préparation"), True), (_("Groupe"), True), (_("ETP"), True),
        (_("Acquis / charges, année 1"), True), (_("Reste à trouver"), True), (_("Lancement, retard"), True), (_("Pourquoi cette couleur"), False)))
    more_html = (f'<p class="why">{_e(ngettext("… et {n} autre ligne : voir l’export du tableau.", "… et {n} autres lignes : voir l’export du tableau.", more).format(n=more))}</p>'
                 if more > 0 else "")
    rules = " ".join(_(rule.text) for rule in RULES)
    sub = _("Au {date} · {folder}").format(date=format_date(today), folder=folder) if folder else \
        _("Au {date}").format(date=format_date(today))
    body = (f'<h1>{_e(title)}</h1><p class="sub">{_e(sub)} · {lights}</p><div class="figures">{cards}</div>'
            f'<p class="trend">{_e(trend_text(previous, totals))}</p>'
            f'<table><thead><tr>{head}</tr></thead><tbody>{"".join(_row_html(row) for row in shown)}</tbody></table>'
            f'{more_html}<p class="rules">{_e(rules)}</p>')
    lang = get_language()
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{_e(title)}</title>'
            f'<style>{font_css()}\n{palette_css()}\n{_CSS}</style></head><body>{body}</body></html>')


def network_pdf(rows: Sequence[NetworkRow], today: dt.date, folder: str = "",
                previous: dict[str, Any] | None = None) -> bytes:
    """The « État du réseau » PDF (one page) of *rows* as of *today* (*previous*: see :func:`network_html`)."""
    return html_to_pdf(network_html(rows, today, folder, previous))
