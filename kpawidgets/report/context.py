"""Workbook → report context: every text translated and formatted, every chart drawn.

Pure: no I/O, no notebook, no WeasyPrint. The template only prints what is here
(autoescaped), except the ``*_svg`` values, which :mod:`kpawidgets.report.svg`
built with every label escaped.

The checklist and budget sections use the functions of
:mod:`kpawidgets.model.checklist` and :mod:`kpawidgets.model.budget`; when a
function or its data is missing, the section says there is no data — figures are
never made up.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from kpawidgets.i18n import (
    _,
    format_date,
    format_money_rounded,
    format_percent,
    get_language,
    translate,
    use_language,
)
from kpawidgets.model.plan import STEP_KINDS, Timeline, build_timeline, months_of
from kpawidgets.report import sections
from kpawidgets.report.svg import KIND_COLOURS, GanttRow, gantt, gauge, mark_icon

__all__ = ["build_context", "labels", "GANTT_ROWS_PER_CHART"]

#: Rows per Gantt drawing: a longer plan continues in a second drawing on the next page.
GANTT_ROWS_PER_CHART = 30


_LIGHT_COLOURS = {"green": "#1e7b34", "orange": "#c98a00", "red": "#b00020"}


def labels() -> dict[str, str]:
    """The report's fixed texts, translated into the current language."""
    return {
        "doc_kind": _("Plan de lancement"),
        "brand": _("KPA-Cité · Carnet KPA"),
        "subtitle": _("Coopérative d'habitant·es — document pour les partenaires"),
        "logo": _("Emplacement du logo"),
        "launch": _("Lancement"),
        "document_date": _("Document du"),
        "qpv": _("Quartier prioritaire de la politique de la ville"),
        "audience": _("À l'attention de la ville, des financeurs et de la coopérative d'activité et d'emploi."),
        "summary": _("L'essentiel"),
        "readiness": _("Préparation"),
        "budget_total": _("Budget année 1"),
        "secured": _("Financements acquis"),
        "launch_date": _("Date de lancement"),
        "asks": _("Ce que nous demandons à nos partenaires"),
        "asks_suggested": _("Propositions tirées du carnet"),
        "ingredients": _("Les six ingrédients"),
        "checklist": _("Check-list de lancement"),
        "group": _("Le groupe"),
        "team": _("L'équipe d'accompagnement"),
        "partners": _("Les partenaires"),
        "budget": _("Budget prévisionnel de la première année"),
        "cerfa_note": _("Présentation du formulaire Cerfa n°12156, montants arrondis à l'euro."),
        "charges": _("Charges"),
        "products": _("Produits"),
        "amount": _("Montant"),
        "total_charges": _("Total des charges"),
        "total_products": _("Total des produits"),
        "in_kind": _("Contributions volontaires en nature"),
        "kind_uses": _("Emplois (86)"),
        "kind_resources": _("Ressources (87)"),
        "funding": _("Financement et trésorerie"),
        "coverage": _("Couverture du budget par les financements"),
        "cash": _("Trésorerie mois par mois"),
        "timeline": _("Calendrier de lancement"),
        "by_month": _("Mois par mois"),
        "warnings": _("Points d'attention du calendrier"),
        "governance": _("Gouvernance et engagements"),
        "no_data": _("Pas encore de données dans le carnet."),
        "done": _("fait"),
        "owner": _("Qui"),
        "when": _("Quand"),
        "step": _("Étape"),
        "legend": _("Légende"),
        "page": _("Page"),
        "none": _("—"),
    }


def _countdown(launch: dt.date, today: dt.date) -> str:
    days = (launch - today).days
    if days > 1:
        return _("dans {n} jours").format(n=days)
    if days == 1:
        return _("demain")
    if days == 0:
        return _("aujourd'hui")
    return _("il y a {n} jours").format(n=-days)


def _timeline_section(timeline: Timeline, launch: dt.date | None, today: dt.date) -> dict[str, Any]:
    warned = {w.step_key for w in timeline.warnings if w.step_key}
    rows = gantt_rows(timeline, warned)
    charts = []
    for first in range(0, len(rows), GANTT_ROWS_PER_CHART):
        charts.append(gantt(
            rows[first:first + GANTT_ROWS_PER_CHART], sections.short_month, _("Diagramme de Gantt du lancement"),
            marker=(launch, _("Lancement")) if launch else None,
            today=(today, _("Aujourd'hui")),
        ))
    months = []
    for month, steps in months_of(timeline.steps):
        months.append({
            "label": _month_title(month),
            "steps": [{
                "title": s.title,
                "dates": _span(s.start, s.end),
                "owner": s.owner,
                "done": s.done,
                "kind": translate(STEP_KINDS.get(s.kind, STEP_KINDS["custom"])),
                "colour": KIND_COLOURS.get(s.kind, KIND_COLOURS["custom"]),
                "warning": s.key in warned,
                "detail": s.detail if not s.done else "",
            } for s in steps],
        })
    used = []
    for step in timeline.steps:
        if step.kind not in used:
            used.append(step.kind)
    legend = [{"label": translate(STEP_KINDS[k]), "colour": KIND_COLOURS.get(k, "#37474f")}
              for k in STEP_KINDS if k in used]
    marks = []
    if any(s.lane for s in timeline.steps):
        marks = [
            {"label": _("dépôt du dossier"), "svg": mark_icon("deadline")},
            {"label": _("réponse attendue"), "svg": mark_icon("answer")},
            {"label": _("versement"), "svg": mark_icon("advance")},
        ]
    return {
        "marks": marks,
        "empty": not timeline.steps,
        "charts": charts,
        "months": months,
        "legend": legend,
        "warnings": [w.message for w in timeline.warnings],
        "count": len(timeline.steps),
        "done": sum(1 for s in timeline.steps if s.done),
    }


def gantt_rows(timeline: Timeline, warned: set[str]) -> list[GanttRow]:
    """One Gantt row per step, except that the steps of one lane (a funder) share a row."""
    rows: list[GanttRow] = []
    lanes: dict[str, list[Any]] = {}
    order: list[tuple[str, Any]] = []
    for step in timeline.steps:
        if step.lane:
            if step.lane not in lanes:
                lanes[step.lane] = []
                order.append(("lane", step.lane))
            lanes[step.lane].append(step)
        else:
            order.append(("step", step))
    for kind, item in order:
        if kind == "step":
            rows.append(GanttRow(item.title, item.start, item.end, item.kind, item.done, item.milestone,
                                 item.key in warned))
            continue
        steps = lanes[item]
        funder = steps[0].params.get("funder", "")
        rows.append(GanttRow(
            _("Financement : {funder}").format(funder=funder), min(s.start for s in steps), max(s.end for s in steps),
            "funding", all(s.done for s in steps), False, any(s.key in warned for s in steps),
            marks=tuple((s.start, s.mark, s.done) for s in steps),
        ))
    return rows


def _month_title(day: dt.date) -> str:
    from kpawidgets.i18n import format_month

    text = format_month(day)
    return text[:1].upper() + text[1:]


def _span(start: dt.date, end: dt.date) -> str:
    if start == end:
        return format_date(start)
    if start.year == end.year and start.month == end.month:
        return _("du {start} au {end}").format(start=str(start.day), end=format_date(end))
    return _("du {start} au {end}").format(start=format_date(start), end=format_date(end))


def build_context(workbook: Any, lang: str | None = None, today: dt.date | None = None) -> dict[str, Any]:
    """Everything the report template prints, in *lang* (default: the workbook's language)."""
    code = lang or workbook.identity.language
    with use_language(code) as code:
        return _build(workbook, code, today or dt.date.today())


def _build(workbook: Any, lang: str, today: dt.date) -> dict[str, Any]:
    identity = workbook.identity
    launch: dt.date | None = identity.launch_date
    document_date = workbook.plan.document_date or today
    timeline = build_timeline(workbook, today=today, lang=lang)

    checklist = sections.checklist_section(workbook)
    group = sections.group_section(workbook)
    team = sections.team_section(workbook)
    partners = sections.partners_section(workbook)
    budget = sections.budget_section(workbook)
    funding = sections.funding_section(workbook)
    governance = sections.governance_section(workbook)

    tiles = []
    if checklist and checklist.get("ratio") is not None:
        tiles.append({"kind": "gauge", "label": _("Préparation"), "svg": gauge(
            checklist["ratio"], format_percent(checklist["ratio"]), "", _("Préparation"),
            colour=_LIGHT_COLOURS.get(checklist.get("light", ""))),
            "note": checklist.get("ratio_note", "")})
    else:
        tiles.append({"kind": "empty", "label": _("Préparation"), "value": _("—"),
                      "note": _("Check-list pas encore remplie")})
    if budget and budget.get("total") is not None:
        tiles.append({"kind": "number", "label": _("Budget année 1"), "value": format_money_rounded(budget["total"]),
                      "note": _("total des charges")})
    else:
        tiles.append({"kind": "empty", "label": _("Budget année 1"), "value": _("—"),
                      "note": _("Budget pas encore saisi")})
    if funding and funding.get("secured_ratio") is not None:
        ratio = funding["secured_ratio"]
        tiles.append({"kind": "gauge", "label": _("Financements acquis"), "svg": gauge(
            ratio, format_percent(ratio), "", _("Financements acquis")),
            "note": funding.get("secured_note", "")})
    else:
        tiles.append({"kind": "empty", "label": _("Financements acquis"), "value": _("—"),
                      "note": _("Aucun financeur saisi")})
    if launch:
        tiles.append({"kind": "date", "label": _("Date de lancement"), "value": format_date(launch),
                      "note": _countdown(launch, today)})
    else:
        tiles.append({"kind": "empty", "label": _("Date de lancement"), "value": _("—"),
                      "note": _("Date pas encore fixée")})

    asks = list(workbook.plan.asks)
    asks_generated = False
    if not asks:
        asks = sections.suggested_asks(workbook, checklist, funding, team)
        asks_generated = bool(asks)

    place = " · ".join(p for p in (identity.neighbourhood, identity.town) if p)
    return {
        "lang": lang,
        "L": labels(),
        "territory": identity.territory,
        "long_title": len(identity.territory) > 60,
        "place": place,
        "qpv": identity.qpv,
        "launch_date": format_date(launch) if launch else "",
        "document_date": format_date(document_date),
        "footer": _("Plan de lancement — {date}").format(date=format_date(document_date)),
        "tiles": tiles,
        "lights": checklist.get("lights", []) if checklist else [],
        "asks": asks[:5],
        "asks_generated": asks_generated,
        "checklist": checklist,
        "group": group,
        "team": team,
        "partners": partners,
        "budget": budget,
        "funding": funding,
        "timeline": _timeline_section(timeline, launch, today),
        "governance": governance,
    }
