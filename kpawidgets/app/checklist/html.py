"""HTML pieces of the checklist page: traffic lights, gauges, mix panel, summary.

Pure functions of the model (and the current language): no widgets here, so they are
tested on their output and reused by every screen.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from kpawidgets.app.shell import esc
from kpawidgets.charts import fte_gauge
from kpawidgets.i18n import N_, _, format_date, format_money, format_number, format_percent, ngettext, translate
from kpawidgets.model.checklist import (
    AGE_BANDS,
    CHECKS_WEIGHT,
    COMMITMENTS,
    EQUIPMENT_STATUS_LABELS,
    GENDERS,
    GREEN_FROM,
    INGREDIENT_TITLES,
    INGREDIENT_WEIGHTS,
    MAX_GENDER_SHARE,
    MAX_SITUATION_SHARE,
    MIN_GROUP_SIZE,
    MIN_MIX_SIZE,
    ORANGE_FROM,
    PAID_BY_LABELS,
    PARTNER_ROLES,
    SITUATIONS,
    SITUATIONS_PLURAL,
    STATUS_LABELS,
    STATUS_WEIGHT,
    TEAM_FTE_TARGET,
    Action,
    Checklist,
    GroupMix,
    IngredientScore,
    Readiness,
    partner_counts,
)
from kpawidgets.model.workbook import Workbook

__all__ = [
    "LIGHT_LABELS", "light_html", "progress_html", "fte_gauge_html", "mix_html", "partner_counts_html",
    "equipment_totals_html", "steps_html", "readiness_html", "actions_html", "folded_actions_html", "rule_html", "score_badge_html",
    "team_breakdown_html", "mix_rules_html", "commitments_count", "situation_label",
]

#: Words under each traffic light (message ids).
LIGHT_LABELS = {"green": N_("Prêt"), "orange": N_("En chemin"), "red": N_("À construire")}


def _light_label(light: str) -> str:
    return translate(LIGHT_LABELS[light])


def light_html(light: str, score: int, title: str, status: str | None = None) -> str:
    """A big traffic light with the score and the ingredient's title."""
    status_text = f'<div class="kpa-cl-light-status">{esc(translate(STATUS_LABELS[status]))}</div>' if status else ""
    return (
        f'<div class="kpa-cl-light kpa-cl-light-{esc(light)}">'
        f'<div class="kpa-cl-light-dot" role="img" aria-label="{esc(_light_label(light))}"><span>{score}</span></div>'
        f'<div class="kpa-cl-light-title">{esc(title)}</div>{status_text}'
        f'<div class="kpa-cl-light-word">{esc(_light_label(light))}</div></div>'
    )


def score_badge_html(score: IngredientScore) -> str:
    """The small score badge shown beside each ingredient's title.

    An ingredient the group marked « Acquis » scores 100 (issue 12), but while a check is still
    open the badge says « Acquis » and what is left to confirm, never « Prêt » beside « 5 critères
    sur 6 » (issue 18).
    """
    word = _light_label(score.light)
    checks = _("{met} critères sur {total}").format(met=score.checks_met, total=score.checks_total)
    if score.status == "done" and score.open_checks:
        word = translate(STATUS_LABELS["done"])
        checks = ngettext("{count} critère à confirmer", "{count} critères à confirmer",
                          score.open_checks).format(count=score.open_checks)
    return (
        f'<div class="kpa-cl-badge kpa-cl-light-{esc(score.light)}" role="status">'
        f'<span class="kpa-cl-badge-dot"></span>'
        f'<span class="kpa-cl-badge-score">{score.score}<small>/100</small></span>'
        f'<span class="kpa-cl-badge-word">{esc(word)}</span>'
        f'<span class="kpa-cl-badge-checks">{esc(checks)}</span>'
        f'</div>'
    )


def progress_html(pct: int, light: str) -> str:
    """The overall progress bar."""
    pct = max(0, min(100, pct))
    label = _("Prêt à {pct}").format(pct=format_percent(Decimal(pct) / 100))
    return (
        f'<div class="kpa-cl-progress" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow="{pct}" '
        f'aria-label="{esc(label)}"><div class="kpa-cl-progress-fill kpa-cl-fill-{esc(light)}" style="width:{pct}%"></div>'
        f'<div class="kpa-cl-progress-text">{esc(label)}</div></div>'
    )


def fte_gauge_html(total: Decimal, target: Decimal = TEAM_FTE_TARGET) -> str:
    """A half-circle gauge of the team's FTE against the target (the chart the PDF shows too)."""
    caption = _("{value} ETP sur {target} visés").format(value=format_number(total, digits=2),
                                                          target=format_number(target, digits=2))
    return f'<figure class="kpa-cl-gauge">{fte_gauge(total, target, caption)}<figcaption>{esc(caption)}</figcaption></figure>'


def team_breakdown_html(checklist: Checklist) -> str:
    """FTE per payer (project, seconded by a partner, volunteer)."""
    totals = {key: Decimal(0) for key in PAID_BY_LABELS}
    for member in checklist.team:
        totals[member.paid_by] += member.fte
    items = "".join(
        f'<li><span class="kpa-cl-num">{esc(format_number(value, digits=2))}</span> {esc(translate(PAID_BY_LABELS[key]))}</li>'
        for key, value in totals.items()
    )
    people = sum(1 for m in checklist.team if m.fte > 0)
    return (f'<div class="kpa-cl-breakdown"><p>{esc(ngettext("Réparti sur {count} personne", "Réparti sur {count} personnes", people).format(count=people))}</p>'
            f'<ul>{items}</ul></div>')


def situation_label(code: str, count: int) -> str:
    """« étudiant·e » for one person, « étudiant·es » for more."""
    return translate((SITUATIONS if count == 1 else SITUATIONS_PLURAL)[code])


def mix_html(mix: GroupMix) -> str:
    """The group's mix indicators as an infographic, then the warnings in words."""
    size = f'<div class="kpa-cl-stat"><div class="kpa-big">{mix.size}</div><div class="kpa-big-label">{esc(_("personnes"))}</div></div>'
    segments = ""
    legend = ""
    for code, count in mix.genders.items():
        if count:
            share = mix.gender_shares[code]
            segments += (f'<span class="kpa-cl-seg kpa-cl-seg-{esc(code)}" style="flex:{count}">'
                         f'{esc(format_percent(share))}</span>')
            legend += (f'<span><span class="kpa-cl-key kpa-cl-key-{esc(code)}"></span>'
                       f'{esc(translate(GENDERS[code]))} · {count}</span>')
    if mix.gender_undisclosed:
        legend += (f'<span><span class="kpa-cl-key kpa-cl-key-unknown"></span>'
                   f'{esc(ngettext("préfère ne pas dire", "préfèrent ne pas dire", mix.gender_undisclosed))} · {mix.gender_undisclosed}</span>')
    if mix.gender_unknown:
        legend += (f'<span><span class="kpa-cl-key kpa-cl-key-unknown"></span>'
                   f'{esc(_("non renseigné"))} · {mix.gender_unknown}</span>')
    gender = (f'<div class="kpa-cl-stat kpa-cl-stat-wide"><div class="kpa-cl-stat-title">{esc(_("Genre"))}</div>'
              f'<div class="kpa-cl-bar">{segments}</div><div class="kpa-cl-legend">{legend}</div></div>')
    top = max(mix.age_bands.values(), default=0) or 1
    bars = "".join(
        f'<div class="kpa-cl-age"><div class="kpa-cl-age-bar" style="height:{max(4, int(56 * count / top)) if count else 0}px"></div>'
        f'<div class="kpa-cl-age-count">{count}</div><div class="kpa-cl-age-label">{esc(translate(label))}</div></div>'
        for code, label in AGE_BANDS.items() for count in [mix.age_bands[code]]
    )
    ages = (f'<div class="kpa-cl-stat kpa-cl-stat-wide"><div class="kpa-cl-stat-title">'
            f'{esc(ngettext("Âges : {count} tranche", "Âges : {count} tranches", mix.age_band_count).format(count=mix.age_band_count))}</div>'
            f'<div class="kpa-cl-ages">{bars}</div></div>')
    present = [code for code, count in mix.situations.items() if count]
    chips = "".join(f'<span class="kpa-cl-chip">{esc(situation_label(code, mix.situations[code]))} · {mix.situations[code]}</span>'
                    for code in sorted(present, key=lambda c: -mix.situations[c]))
    situations = (f'<div class="kpa-cl-stat kpa-cl-stat-wide"><div class="kpa-cl-stat-title">'
                  f'{esc(_("Situations : {count} différentes").format(count=mix.situation_count))}</div>'
                  f'<div class="kpa-cl-chips">{chips}</div></div>')
    warnings = "".join(
        f'<li class="kpa-cl-warn-{esc(w.level)}">{"⚠" if w.level == "warning" else "ℹ"} {esc(w.message.text())}</li>'
        for w in mix.warnings
    )
    if not any(w.level == "warning" for w in mix.warnings):
        warnings = f'<li class="kpa-cl-warn-ok">✓ {esc(_("Groupe mixte : aucune alerte."))}</li>' + warnings
    return (f'<div class="kpa-cl-mix">{size}{gender}{ages}{situations}</div>'
            f'<ul class="kpa-cl-warnings" aria-live="polite">{warnings}</ul>')


def mix_rules_html() -> str:
    """The thresholds of the mix warnings, in words."""
    rules = [
        _("Moins de {min} personnes : groupe petit.").format(min=MIN_GROUP_SIZE),
        _("À partir de {min} personnes : alerte si un genre atteint {gender} des genres connus, si tous les âges "
          "connus sont dans une même tranche, s'il n'y a qu'une situation ou si une situation concerne {situation} "
          "du groupe.").format(min=MIN_MIX_SIZE, gender=format_percent(MAX_GENDER_SHARE),
                               situation=format_percent(MAX_SITUATION_SHARE)),
        _("Âge ou genre non renseigné : signalé, sans compter comme une alerte."),
    ]
    items = "".join(f"<li>{esc(rule)}</li>" for rule in rules)
    return (f'<details class="kpa-cl-rule"><summary>{esc(_("Comment les alertes sont calculées"))}</summary>'
            f'<ul>{items}</ul></details>')


def _role_count_label(role: str, count: int) -> str:
    """« 3 clients », « 1 financeur »: the role's word agreeing with its count."""
    if role == "client":
        return ngettext("client", "clients", count)
    if role == "funder":
        return ngettext("financeur", "financeurs", count)
    return ngettext("relais", "relais", count)


def partner_counts_html(workbook: Workbook) -> str:
    """Big numbers: partners per role, and how many are committed (funders: by their budget lines)."""
    counts = partner_counts(workbook)
    cards = "".join(
        f'<div class="kpa-cl-stat"><div class="kpa-big">{counts[role]["total"]}</div>'
        f'<div class="kpa-big-label">{esc(_role_count_label(role, counts[role]["total"]))}</div>'
        f'<div class="kpa-cl-sub">{esc(ngettext("dont {count} engagé", "dont {count} engagés", counts[role]["committed"]).format(count=counts[role]["committed"]))}</div></div>'
        for role in PARTNER_ROLES
    )
    return f'<div class="kpa-cl-mix">{cards}</div>'


def equipment_totals_html(checklist: Checklist) -> str:
    """How many items per status, and the estimated cost of what must be bought or borrowed."""
    cards = ""
    for status, label in EQUIPMENT_STATUS_LABELS.items():
        items = [item for item in checklist.equipment if item.status == status]
        total = sum((item.cost for item in items), Decimal(0))
        sub = esc(format_money(total, cents=False)) if status != "have" else ""
        cards += (f'<div class="kpa-cl-stat"><div class="kpa-big">{len(items)}</div>'
                  f'<div class="kpa-big-label">{esc(translate(label))}</div><div class="kpa-cl-sub">{sub}</div></div>')
    return f'<div class="kpa-cl-mix">{cards}</div>'


def steps_html(titles: list[str], current: int, lights: dict[int, str]) -> str:
    """The step indicator: numbered dots (coloured by each ingredient's light) and « Étape n sur N »."""
    dots = ""
    for index, title in enumerate(titles):
        classes = "kpa-cl-dot"
        if index in lights:
            classes += f" kpa-cl-light-{lights[index]}"
        extra = ""
        if index == current:
            classes += " kpa-cl-dot-current"
            extra = ' aria-current="step"'
        dots += f'<li class="{esc(classes)}"{extra} title="{esc(title)}">{index + 1}</li>'
    where = _("Étape {n} sur {total}").format(n=current + 1, total=len(titles))
    return (f'<div class="kpa-cl-steps"><div class="kpa-cl-where">{esc(where)} — <strong>{esc(titles[current])}</strong></div>'
            f'<ol class="kpa-cl-dots" aria-label="{esc(_("Étapes"))}">{dots}</ol></div>')


def readiness_html(ready: Readiness) -> str:
    """Six big traffic lights and the overall progress bar."""
    lights = "".join(light_html(s.light, s.score, translate(INGREDIENT_TITLES[s.name]), s.status) for s in ready.ingredients)
    return (f'<div class="kpa-cl-overall"><div class="kpa-cl-overall-light kpa-cl-light-{esc(ready.light)}">'
            f'<span class="kpa-cl-overall-pct">{esc(format_percent(Decimal(ready.pct) / 100))}</span>'
            f'<span class="kpa-cl-overall-word">{esc(_light_label(ready.light))}</span></div>'
            f'{progress_html(ready.pct, ready.light)}</div>'
            f'<div class="kpa-cl-lights">{lights}</div>')


def rule_html() -> str:
    """The readiness rule, in words (the same rule as in the model's docstring)."""
    weights = ", ".join(f"{translate(INGREDIENT_TITLES[name])} × {weight}" for name, weight in INGREDIENT_WEIGHTS.items())
    rules = [
        _("Chaque ingrédient : {status} points selon le statut (à faire 0, en cours la moitié, acquis tout) + "
          "{checks} points selon la part des critères remplis (questions cochées et vérifications automatiques)."
          ).format(status=STATUS_WEIGHT, checks=CHECKS_WEIGHT),
        _("Score global : moyenne pondérée des six ingrédients ({weights}).").format(weights=weights),
        _("Feu vert à partir de {green}, orange à partir de {orange}, rouge en dessous. Le feu global n'est vert "
          "que si aucun ingrédient n'est rouge.").format(green=GREEN_FROM, orange=ORANGE_FROM),
    ]
    items = "".join(f"<li>{esc(rule)}</li>" for rule in rules)
    return (f'<details class="kpa-cl-rule"><summary>{esc(_("Comment le score est calculé"))}</summary>'
            f'<ul>{items}</ul></details>')


def actions_html(actions: list[Action], section_titles: dict[str, str], limit: int = 40) -> str:
    """The next actions as a table: what, for which ingredient, who, when."""
    if not actions:
        return f'<p class="kpa-cl-none">✓ {esc(_("Rien ne manque : le territoire est prêt."))}</p>'
    today = dt.date.today()
    rows = ""
    for action in actions[:limit]:
        late = action.due is not None and action.due < today
        due = esc(format_date(action.due, style="medium")) if action.due else '<span class="kpa-muted">—</span>'
        rows += (f'<tr><td>{esc(action.text())}</td><td>{esc(translate(section_titles[action.section]))}</td>'
                 f'<td>{esc(action.owner) if action.owner else "<span class=kpa-muted>—</span>"}</td>'
                 f'<td class="num{" kpa-cl-late" if late else ""}">{due}</td></tr>')
    more = ""
    if len(actions) > limit:
        more = f'<p class="kpa-muted">{esc(_("… et {count} autres.").format(count=len(actions) - limit))}</p>'
    return (f'<div class="kpa-table-wrap"><table class="kpa-table kpa-cl-actions"><thead><tr>'
            f'<th>{esc(_("Action"))}</th><th>{esc(_("Pour"))}</th><th>{esc(_("Qui"))}</th><th class="num">{esc(_("Quand"))}</th>'
            f'</tr></thead><tbody>{rows}</tbody></table></div>{more}')


def folded_actions_html(actions: list[Action], section_titles: dict[str, str]) -> str:
    """The other next actions, folded under the five that matter most."""
    if not actions:
        return ""
    summary = ngettext("Voir {count} autre action", "Voir les {count} autres actions", len(actions)).format(
        count=len(actions))
    return (f'<details class="kpa-details kpa-cl-more-actions"><summary>{esc(summary)}</summary>'
            f'{actions_html(actions, section_titles)}</details>')


def commitments_count(checklist: Checklist) -> tuple[int, int]:
    """(adopted, total) commitments of the philosophy."""
    adopted = sum(1 for key in COMMITMENTS if checklist.philosophy.get(key).adopted)
    return adopted, len(COMMITMENTS)
