"""The report's sections drawn from the checklist and the budget.

Each function returns ``None`` when the workbook holds no data for its section (the
model still at its defaults, or a model function missing): the template then says
so briefly. Figures always come from the model functions of
:mod:`kpawidgets.model.checklist` and :mod:`kpawidgets.model.budget`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from kpawidgets.i18n import (
    _,
    format_date,
    format_money_rounded,
    format_month,
    format_number,
    format_percent,
    translate,
)
from kpawidgets.report.svg import PALETTE, gauge, hbars, light, stacked_bar, columns

__all__ = [
    "checklist_section",
    "group_section",
    "team_section",
    "partners_section",
    "budget_section",
    "funding_section",
    "governance_section",
    "suggested_asks",
]

_LIGHT_LEVEL = {"green": "ok", "orange": "partial", "red": "missing"}


def _checklist_module() -> Any:
    try:
        from kpawidgets.model import checklist as module
    except ImportError:  # pragma: no cover
        return None
    return module


def _budget_module() -> Any:
    try:
        from kpawidgets.model import budget as module
    except ImportError:  # pragma: no cover
        return None
    return module


def _has(module: Any, *names: str) -> bool:
    return module is not None and all(hasattr(module, name) for name in names)


def _untouched(model: Any) -> bool:
    """True when *model* is still exactly its class's default (nothing entered)."""
    try:
        return bool(model == type(model)())
    except Exception:  # noqa: BLE001
        return False


def _owner_due(owner: str, due: dt.date | None) -> str:
    parts = [p for p in (owner, format_date(due) if due else "") if p]
    return " · ".join(parts)


# ------------------------------------------------------------------ checklist
def checklist_section(workbook: Any) -> dict[str, Any] | None:
    module = _checklist_module()
    checklist = workbook.checklist
    if not _has(module, "readiness", "next_actions", "INGREDIENTS", "INGREDIENT_TITLES") or _untouched(checklist):
        return None
    ready = module.readiness(checklist)
    actions = module.next_actions(checklist, workbook.identity.launch_date)
    statuses = getattr(module, "STATUS_LABELS", {})
    items = []
    lights = []
    counts = {"done": 0, "in_progress": 0, "todo": 0}
    for score in ready.ingredients:
        state = checklist.ingredients.get(score.name)
        level = _LIGHT_LEVEL.get(score.light, "")
        status = translate(statuses.get(score.status, score.status))
        counts[score.status] = counts.get(score.status, 0) + 1
        mine = [a for a in actions if a.section == score.name]
        shown = [{"text": a.text(), "meta": ""} for a in mine[:2]]
        if len(mine) > 2:
            shown.append({"text": _("… et {count} autre(s) action(s)").format(count=len(mine) - 2), "meta": ""})
        title = translate(module.INGREDIENT_TITLES[score.name])
        detail = _("{met} critère(s) sur {total}").format(met=score.checks_met, total=score.checks_total)
        items.append({"label": title, "status": status, "detail": detail, "svg": light(level, 14), "actions": shown,
                      "level": level, "score": score.score, "owner": state.owner,
                      "due": format_date(state.due) if state.due and score.status != "done" else ""})
        lights.append({"label": title, "status": status, "svg": light(level, 14), "level": level})
    asks: list[str] = []
    venue_state = checklist.ingredients.get("venue")
    if venue_state.status != "done":
        asks.append(_("Nous aider à disposer d'un lieu ouvert, partagé et convivial, aux heures où le groupe peut venir."))
    partners = getattr(module, "partner_counts", None)
    if partners is not None:
        by_role = partners(checklist)
        if by_role.get("client", {}).get("committed", 0) == 0:
            asks.append(_("Confier au KPA une première commande : buffet, jardinage, sérigraphie, événement."))
        if by_role.get("relay", {}).get("committed", 0) == 0:
            asks.append(_("Relayer l'appel à coopérant·es auprès des jeunes et des habitant·es du quartier."))
    return {
        "ratio": Decimal(ready.pct) / Decimal(100),
        "ratio_note": _("Ingrédients : {done} acquis · {progress} en cours · {todo} à faire").format(
            done=counts["done"], progress=counts["in_progress"], todo=counts["todo"]),
        "light": ready.light,
        "items": items,
        "lights": lights,
        "asks": asks,
        "head_item": _("Ingrédient"),
        "head_status": _("Où en est-on"),
        "head_next": _("Prochaines actions"),
        "head_who": _("Qui, pour quand"),
    }


# ------------------------------------------------------------------ group
def group_section(workbook: Any) -> dict[str, Any] | None:
    module = _checklist_module()
    if not _has(module, "group_mix") or not workbook.checklist.group:
        return None
    mix = module.group_mix(workbook.checklist)
    known = sum(mix.genders.values())
    numbers = [{"value": str(mix.size), "label": _("personnes dans le groupe")}]
    if known:
        numbers.append({"value": format_percent(mix.gender_shares.get("woman", Decimal(0))), "label": _("de femmes")})
    numbers.append({"value": str(mix.age_band_count), "label": _("tranches d'âge représentées")})
    numbers.append({"value": str(mix.situation_count), "label": _("situations différentes")})
    charts: list[dict[str, Any]] = []
    if known:
        charts.append({"title": _("Genre"), "svg": hbars(
            [(translate(module.GENDERS[code]), float(count), str(count)) for code, count in mix.genders.items() if count],
            _("Genre"), width=220, colour=PALETTE["accent"], label_share=0.36)})
    ages = [(translate(module.AGE_BANDS[code]), float(count), str(count)) for code, count in mix.age_bands.items()]
    if any(v for _l, v, _s in ages):
        charts.append({"title": _("Âge"), "svg": hbars(ages, _("Âge"), width=220, colour=PALETTE["warm"],
                                                     label_share=0.42)})
    situations = sorted(((translate(module.SITUATIONS_PLURAL[code]), float(count), str(count))
                         for code, count in mix.situations.items() if count), key=lambda r: -r[1])[:6]
    if situations:
        charts.append({"title": _("Situations"), "svg": hbars(situations, _("Situations"), width=330,
                                                              colour="#3d6fb6", label_share=0.62), "wide": True})
    notes = [w.message.text() for w in mix.warnings]
    note = " ".join(notes + [_("Aucun nom n'apparaît dans ce document.")])
    return {"numbers": numbers, "charts": charts, "note": note}


# ------------------------------------------------------------------ team
def team_section(workbook: Any) -> dict[str, Any] | None:
    module = _checklist_module()
    team = workbook.checklist.team
    if not team:
        return None
    total = module.team_total_fte(workbook.checklist) if _has(module, "team_total_fte") else \
        sum((m.fte for m in team), Decimal(0))
    target = getattr(module, "TEAM_FTE_TARGET", Decimal("1.5"))
    paid = getattr(module, "PAID_BY_LABELS", {})
    ratio = float(total / target) if target else 0.0
    svg = gauge(ratio, format_number(total, digits=2), _("ETP sur {target}").format(target=format_number(target)),
                _("Équipe d'accompagnement"), colour=PALETTE["ok"] if total >= target else PALETTE["warn"], size=140)
    people = sum(1 for m in team if m.fte > 0)
    lines = [
        _("{count} personne(s) se partagent {fte} ETP d'accompagnement.").format(
            count=people, fte=format_number(total, digits=2)),
        _("Repère KPA-Cité : environ 1,5 ETP, partagé entre plusieurs personnes."),
    ]
    asks: list[str] = []
    if total < target:
        missing = target - total
        lines.append(_("Il manque {fte} ETP.").format(fte=format_number(missing, digits=2)))
        asks.append(_("Mettre à disposition {fte} ETP d'accompagnement (animation, coordination).").format(
            fte=format_number(missing, digits=2)))
    rows = [{
        "label": m.label or _("—"),
        "organisation": m.organisation,
        "fte": format_number(m.fte, digits=2),
        "paid_by": translate(paid.get(m.paid_by, m.paid_by)),
    } for m in team]
    return {"svg": svg, "lines": lines, "rows": rows, "asks": asks,
            "head": [_("Rôle"), _("Structure"), _("ETP"), _("Statut")]}


# ------------------------------------------------------------------ partners
def partners_section(workbook: Any) -> dict[str, Any] | None:
    module = _checklist_module()
    checklist = workbook.checklist
    host = getattr(checklist, "host", None)
    partners = getattr(checklist, "partners", [])
    if not partners and not (host is not None and bool(getattr(host, "name", ""))):
        return None
    roles = getattr(module, "PARTNER_ROLES", {})
    status_labels = getattr(module, "PARTNER_STATUS_LABELS", {})
    numbers = []
    if _has(module, "partner_counts"):
        counts = module.partner_counts(checklist)
        plural = {"client": _("clients engagés"), "funder": _("financeurs engagés"), "relay": _("relais engagés")}
        for role, count in counts.items():
            numbers.append({"value": _("{committed} sur {total}").format(**count), "label": plural.get(role, role)})
    rows = []
    if host is not None and host.name:
        rows.append([host.name, _("Structure de portage (CAE)"), "", host.platform and
                     _("Plateforme : {platform}").format(platform=host.platform) or ""])
    for partner in partners:
        rows.append([
            partner.name or _("—"),
            ", ".join(translate(roles.get(r, r)) for r in partner.roles),
            translate(status_labels.get(partner.status, partner.status)),
            partner.brings,
        ])
    return {"numbers": numbers, "rows": rows,
            "head": [_("Partenaire"), _("Rôle"), _("Statut"), _("Ce qu'il apporte")]}


# ------------------------------------------------------------------ governance
def governance_section(workbook: Any) -> dict[str, Any] | None:
    module = _checklist_module()
    checklist = workbook.checklist
    if not _has(module, "COMMITMENTS") or _untouched(checklist.philosophy) and _untouched(checklist.support):
        return None
    blocks = []
    items = []
    for key, msgid in module.COMMITMENTS.items():
        commitment = checklist.philosophy.get(key)
        items.append({"text": translate(msgid), "tone": "yes" if commitment.adopted else "no",
                      "meta": f"« {commitment.words} »" if commitment.words else ""})
    adopted = sum(1 for item in items if item["tone"] == "yes")
    blocks.append({"title": _("Engagements adoptés par le groupe : {n} sur {total}").format(n=adopted, total=len(items)),
                   "items": items})
    steps = getattr(module, "SUPPORT_STEPS", {})
    support_items = []
    for key, msgid in steps.items():
        session = checklist.support.get(key)
        if session.start is None:
            support_items.append({"text": translate(msgid), "tone": "no", "meta": _("date à fixer")})
        else:
            support_items.append({"text": translate(msgid), "tone": "yes" if session.done else "partial",
                                  "meta": format_date(session.start)})
    blocks.append({"title": _("Parcours d'accompagnement KPA-Cité"), "items": support_items})
    return {"blocks": blocks}


# ------------------------------------------------------------------ budget
def budget_section(workbook: Any) -> dict[str, Any] | None:
    module = _budget_module()
    if not _has(module, "cerfa_table", "budget_totals"):
        return None
    try:
        table = module.cerfa_table(workbook)
    except Exception:  # noqa: BLE001 - a budget the model cannot compute is shown as missing
        return None
    totals = table.totals
    if not totals.charges and not totals.produits:
        return None

    def cells(rows: list[Any]) -> list[dict[str, Any]]:
        out = []
        for row in rows:
            code = row.account if row.level <= 2 and row.account and row.account[:1].isdigit() else ""
            out.append({"level": max(0, row.level - 1), "code": code, "label": translate(row.label) if row.level <= 2
                        else row.label, "amount": format_money_rounded(row.amount), "zero": not row.amount})
        return out

    charges, products = cells(table.charges), cells(table.produits)
    rows = [{"charge": charges[i] if i < len(charges) else None, "product": products[i] if i < len(products) else None}
            for i in range(max(len(charges), len(products)))]
    uses, resources = cells(table.uses), cells(table.resources)
    kind_rows = [{"charge": uses[i] if i < len(uses) else None, "product": resources[i] if i < len(resources) else None}
                 for i in range(max(len(uses), len(resources)))] if totals.in_kind else []
    notes = []
    if totals.produits != totals.charges:
        gap = totals.charges - totals.produits
        notes.append(_("Le budget n'est pas équilibré : il manque {amount} de produits.").format(
            amount=format_money_rounded(gap)) if gap > 0 else _("Les produits dépassent les charges de {amount}.").format(
            amount=format_money_rounded(-gap)))
    split = max(len(charges), len(products)) <= 36 and len(uses) + len(resources) <= 24
    numbers = [
        {"value": format_money_rounded(totals.charges), "label": _("charges de l'année 1"), "tone": "plain"},
        {"value": format_money_rounded(totals.in_kind), "label": _("contributions en nature (lieu, personnel, bénévolat)"),
         "tone": "plain"},
        {"value": format_money_rounded(totals.charges + totals.in_kind), "label": _("budget valorisé, contributions comprises"),
         "tone": "ok"},
    ]
    return {
        "total": totals.charges,
        "split": split,
        "numbers": numbers,
        "charges": charges,
        "products": products,
        "uses": uses,
        "resources": resources,
        "rows": rows,
        "kind_rows": kind_rows,
        "total_charges": format_money_rounded(totals.charges),
        "total_products": format_money_rounded(totals.produits),
        "kind_total_label_charges": _("Total 86"),
        "kind_total_label_products": _("Total 87"),
        "kind_total_charges": format_money_rounded(totals.in_kind),
        "kind_total_products": format_money_rounded(totals.in_kind),
        "notes": notes,
    }


_STATUS_TONE = {"envisage": "plain", "demande": "warn", "vote": "ok", "verse": "ok", "refuse": "bad"}


def funding_section(workbook: Any) -> dict[str, Any] | None:
    module = _budget_module()
    if not _has(module, "coverage", "monthly_cash", "entries"):
        return None
    try:
        items = module.entries(workbook)
        cover = module.coverage(workbook, computed=items)
        cash = module.monthly_cash(workbook, computed=items)
    except Exception:  # noqa: BLE001
        return None
    if not cover.charges:
        return None
    ratio = cover.secured / cover.charges
    names = {
        "secured": (_("Acquis (voté, versé)"), PALETTE["ok"]),
        "requested": (_("Demandé"), PALETTE["warn"]),
        "considered": (_("Envisagé"), "#9aa0b4"),
        "revenue": (_("Ventes prévues"), "#3d6fb6"),
        "gap": (_("Reste à trouver"), PALETTE["bad"]),
    }
    segments = [(names[k][0], float(v), format_percent(v / cover.charges), names[k][1])
                for k, v in cover.parts() if v > 0]
    coverage_svg = stacked_bar(segments, _("Couverture du budget par les financements"), legend=False)
    coverage_legend = [{"label": names[k][0], "colour": names[k][1], "value": format_money_rounded(v),
                        "share": format_percent(v / cover.charges)} for k, v in cover.parts() if v > 0]
    numbers = [
        {"value": format_percent(ratio), "label": _("des charges couvertes par des financements acquis"),
         "tone": "ok" if ratio >= Decimal("0.8") else "warn" if ratio >= Decimal("0.5") else "bad"},
        {"value": format_money_rounded(cover.secured), "label": _("acquis (voté ou versé)"), "tone": "plain"},
        {"value": format_money_rounded(cover.gap), "label": _("reste à trouver"),
         "tone": "bad" if cover.gap > 0 else "ok"},
    ]
    cash_svg = None
    cash_note = ""
    if cash.months:
        values = [(short_month(m.date), float(m.cash_in - m.cash_out), float(m.balance)) for m in cash.months]
        years = [str(m.date.year) if i == 0 or m.date.month == 1 else "" for i, m in enumerate(cash.months)]
        cash_svg = columns(values, _("Trésorerie mois par mois"), bar_label=_("Entrées moins sorties du mois"),
                           line_label=_("Solde en fin de mois"), years=years, height=250,
                           fmt=lambda v: format_money_rounded(Decimal(str(round(v)))))
        if cash.need > 0:
            cash_note = _("Point bas : {amount} en {month}. Prévoir une avance ou un découvert de {need}.").format(
                amount=format_money_rounded(cash.lowest), month=format_month(cash.lowest_date),
                need=format_money_rounded(cash.need))
            numbers.append({"value": format_money_rounded(cash.need), "label": _("d'avance de trésorerie à trouver"),
                            "tone": "warn"})
        else:
            cash_note = _("La trésorerie reste positive toute l'année (point bas : {amount} en {month}).").format(
                amount=format_money_rounded(cash.lowest), month=format_month(cash.lowest_date))
    statuses = getattr(module, "STATUSES", {})
    funders = []
    asks = []
    for line in workbook.budget.lines:
        if not line.is_funder:
            continue
        status = line.effective_status
        funders.append({
            "name": line.funder or line.label or _("—"),
            "status": translate(statuses.get(status, status)),
            "tone": _STATUS_TONE.get(status, "plain"),
            "amount": format_money_rounded(line.amount),
            "answer": format_date(line.answer_date, style="medium") if line.answer_date else "",
        })
        if status in ("envisage", "demande") and line.amount > 0:
            when = _(" d'ici le {date}").format(date=format_date(line.answer_date)) if line.answer_date else ""
            asks.append((line.amount, _("{funder} : décider de la demande de {amount}{when}.").format(
                funder=line.funder or line.label, amount=format_money_rounded(line.amount), when=when)))
    asks.sort(key=lambda item: -item[0])
    return {
        "secured_ratio": ratio,
        "secured_note": _("{amount} sur {total}").format(amount=format_money_rounded(cover.secured),
                                                          total=format_money_rounded(cover.charges)),
        "numbers": numbers,
        "coverage_svg": coverage_svg,
        "coverage_legend": coverage_legend,
        "coverage_total": _("Total des charges de l'année 1 : {amount}").format(amount=format_money_rounded(cover.charges)),
        "cash_svg": cash_svg,
        "cash_note": cash_note,
        "funders": funders,
        "funders_head": [_("Financeur"), _("Statut"), _("Montant"), _("Réponse attendue")],
        "asks": [text for _amount, text in asks[:3]],
    }


def short_month(day: dt.date) -> str:
    """``janv`` / ``Jan``: a month in four letters at most, for chart axes."""
    from babel.dates import format_date as babel_date

    from kpawidgets.i18n import get_language

    french = get_language() == "fr"
    text = babel_date(day, format="MMM", locale="fr_FR" if french else "en_GB").rstrip(".")
    return text[:4] if french else text[:3]


# ------------------------------------------------------------------ asks
def suggested_asks(workbook: Any, checklist: dict[str, Any] | None, funding: dict[str, Any] | None,
                   team: dict[str, Any] | None) -> list[str]:
    """Up to five asks to partners derived from what the workbook says is missing."""
    asks: list[str] = []
    if funding:
        asks.extend(funding.get("asks", []))
    if team:
        asks.extend(team.get("asks", []))
    if checklist:
        asks.extend(checklist.get("asks", []))
    if workbook.identity.launch_date and len(asks) < 3:
        asks.append(_("Être présents au lancement du {date} et le faire connaître.").format(
            date=format_date(workbook.identity.launch_date)))
    return asks[:5]
