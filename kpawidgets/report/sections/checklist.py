"""Sections 2 and 3: the launch checklist (six ingredients) and the group."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from kpawidgets.charts import PALETTE, BarItem, hbars, light
from kpawidgets.i18n import N_, _, format_date, format_percent, ngettext, translate
from kpawidgets.model import checklist as model
from kpawidgets.model.workbook import Workbook
from kpawidgets.report.sections.base import Chart, Number, bars_alt, untouched

__all__ = ["Action", "Ingredient", "Light", "PriorityAction", "ChecklistSection", "GroupSection", "checklist_section",
           "group_section"]

_LIGHT_LEVEL = {"green": "ok", "orange": "partial", "red": "missing"}
#: What an action is for: an ingredient, the philosophy or the support path (the checklist page's titles).
_SECTION_TITLES: dict[str, str] = {**model.INGREDIENT_TITLES, "philosophy": N_("La philosophie"),
                                   "support": N_("L'accompagnement KPA-Cité")}


@dataclass(frozen=True)
class Action:
    """A line of an ingredient's « next actions » cell; *number* is its rank among the priorities (0: none)."""

    text: str
    meta: str = ""
    number: int = 0


@dataclass(frozen=True)
class PriorityAction:
    """One of the actions that matter most, in the checklist page's order."""

    number: int
    text: str
    section: str
    owner: str
    due: str


@dataclass(frozen=True)
class Light:
    label: str
    status: str
    svg: str
    level: str


@dataclass(frozen=True)
class Ingredient:
    label: str
    status: str
    detail: str
    svg: str
    actions: tuple[Action, ...]
    level: str
    score: int
    owner: str
    due: str


@dataclass(frozen=True)
class ChecklistSection:
    ratio: Decimal
    ratio_note: str
    light: str
    items: tuple[Ingredient, ...]
    lights: tuple[Light, ...]
    asks: tuple[str, ...]
    head_item: str
    head_status: str
    head_next: str
    head_who: str
    #: the actions that matter most (as on the checklist page), then the others reduced to one line
    priorities: tuple[PriorityAction, ...] = ()
    priorities_title: str = ""
    rest_note: str = ""


@dataclass(frozen=True)
class GroupSection:
    numbers: tuple[Number, ...]
    charts: tuple[Chart, ...]
    note: str


def checklist_section(workbook: Workbook) -> ChecklistSection | None:
    """The six ingredients with their light, score and next actions; None when nothing was entered."""
    checklist = workbook.checklist
    if untouched(checklist):
        return None
    ready = model.readiness(workbook)
    priorities = model.prioritized_actions(workbook, workbook.identity.launch_date)
    items = []
    lights = []
    counts = {"done": 0, "in_progress": 0, "todo": 0}
    for score in ready.ingredients:
        state = checklist.ingredients.get(score.name)
        level = _LIGHT_LEVEL.get(score.light, "")
        status = translate(model.STATUS_LABELS.get(score.status, score.status))
        counts[score.status] = counts.get(score.status, 0) + 1
        shown = [Action(a.text(), number=number) for number, a in enumerate(priorities.top, start=1)
                 if a.section == score.name]
        others = sum(1 for a in priorities.rest if a.section == score.name)
        if others:
            shown.append(Action(ngettext("+ {count} autre action", "+ {count} autres actions", others).format(count=others)
                                if shown else
                                ngettext("{count} action", "{count} actions", others).format(count=others)))
        title = translate(model.INGREDIENT_TITLES[score.name])
        detail = ngettext("{met} critère sur {total}", "{met} critères sur {total}", score.checks_total).format(
            met=score.checks_met, total=score.checks_total)
        if score.status == "done" and score.open_checks:
            detail = ngettext("Acquis selon le groupe ; {count} question reste à confirmer",
                              "Acquis selon le groupe ; {count} questions restent à confirmer",
                              score.open_checks).format(count=score.open_checks)
        items.append(Ingredient(title, status, detail, light(level, 14, status), tuple(shown), level, score.score, state.owner,
                                format_date(state.due) if state.due and score.status != "done" else ""))
        lights.append(Light(title, status, light(level, 14, status), level))
    asks: list[str] = []
    if checklist.ingredients.get("venue").status != "done":
        asks.append(_("Nous aider à disposer d'un lieu ouvert, partagé et convivial, aux heures où le groupe peut venir."))
    by_role = model.partner_counts(workbook)
    if by_role.get("client", {}).get("committed", 0) == 0:
        asks.append(_("Confier au KPA une première commande : buffet, jardinage, sérigraphie, événement."))
    if by_role.get("relay", {}).get("committed", 0) == 0:
        asks.append(_("Relayer l'appel à coopérant·es auprès des jeunes et des habitant·es du quartier."))
    return ChecklistSection(
        priorities=tuple(PriorityAction(number, a.text(), translate(_SECTION_TITLES[a.section]), a.owner,
                                        format_date(a.due) if a.due else "")
                         for number, a in enumerate(priorities.top, start=1)),
        priorities_title=ngettext("L'action qui compte le plus", "Les {count} actions qui comptent le plus",
                                  len(priorities.top)).format(count=len(priorities.top)),
        rest_note=_rest_note(priorities.rest),
        ratio=Decimal(ready.pct) / Decimal(100),
        ratio_note=_("Ingrédients : {done} acquis · {progress} en cours · {todo} à faire").format(
            done=counts["done"], progress=counts["in_progress"], todo=counts["todo"]),
        light=ready.light, items=tuple(items), lights=tuple(lights), asks=tuple(asks),
        head_item=_("Ingrédient"), head_status=_("Où en est-on"), head_next=_("Prochaines actions"),
        head_who=_("Qui, pour quand"),
    )


def _rest_note(rest: tuple[model.Action, ...]) -> str:
    """« Et 13 autres actions dans le carnet : Équipement 3 · Partenaires 3 · … » (sections in the workshop's order)."""
    if not rest:
        return ""
    counts: dict[str, int] = {}
    for action in rest:
        counts[action.section] = counts.get(action.section, 0) + 1
    parts = " · ".join(f"{translate(_SECTION_TITLES[section])} {count}" for section, count in
                       sorted(counts.items(), key=lambda item: list(_SECTION_TITLES).index(item[0])))
    return ngettext("Et {count} autre action dans le carnet : {parts}.",
                    "Et {count} autres actions dans le carnet : {parts}.", len(rest)).format(count=len(rest), parts=parts)


#: Room for a bar's figure in the group's charts: « moins de 3 », « non détaillé ».
VALUE_ROOM = 96


def _bars(labels: dict[str, str], counts: dict[str, int], total_shown: bool, keep_zeros: bool) -> list[BarItem]:
    """Bars of one distribution as it may leave the laptop: a count below 3 is « moins de 3 », with no bar
    (and the one that would give it away by subtraction « non détaillé »)."""
    shown = model.masked_counts(counts, total_shown)
    words = {model.SMALL: _("moins de {count}").format(count=model.SMALL_COUNT), model.WITHHELD: _("non détaillé")}
    return [BarItem(translate(labels[code]), 0.0, words[value]) if isinstance(value, str)
            else BarItem(translate(labels[code]), float(value), str(value))
            for code, value in shown.items() if counts[code] or keep_zeros]


def group_section(workbook: Workbook) -> GroupSection | None:
    """The group's size and mix (gender, ages, situations), with no name and no count below 3
    (:func:`~kpawidgets.model.checklist.masked_counts`); None without a group."""
    mix = model.workbook_mix(workbook)  # an empty row is nobody (issue 18)
    if not mix.size:
        return None
    known = sum(mix.genders.values())
    genders = _bars(model.GENDERS, mix.genders, True, keep_zeros=False)
    gender_masked = any(item.shown != str(int(item.value)) for item in genders)
    numbers = [Number(str(mix.size), _("personnes dans le groupe"))]
    if known and not gender_masked:  # a share would give a small count away
        numbers.append(Number(format_percent(mix.gender_shares.get("woman", Decimal(0))), _("de femmes")))
    numbers.append(Number(str(mix.age_band_count), _("tranches d'âge représentées")))
    numbers.append(Number(str(mix.situation_count), _("situations différentes")))
    charts: list[Chart] = []
    # each chart's title (its text alternative in the tagged PDF) says its figures as shown
    if known:
        charts.append(Chart(_("Genre"), hbars(genders, bars_alt(_("Genre"), genders), width=280, colour=PALETTE["accent"],
                                              label_share=0.5, value_room=VALUE_ROOM)))
    ages = _bars(model.AGE_BANDS, mix.age_bands, True, keep_zeros=True)
    if any(count for count in mix.age_bands.values()):
        charts.append(Chart(_("Âge"), hbars(ages, bars_alt(_("Âge"), ages), width=220, colour=PALETTE["warm"],
                                            label_share=0.40, value_room=VALUE_ROOM)))
    # every situation the number counts (it said « 8 situations différentes » beside a chart of 6); the
    # labels stay plural: a singular one would say « 1 » where the count is masked
    situations = sorted(_bars(model.SITUATIONS_PLURAL, mix.situations, False, keep_zeros=False),
                        key=lambda item: (-item.value, item.shown != str(int(item.value))))
    if situations:
        charts.append(Chart(_("Situations"), hbars(situations, bars_alt(_("Situations"), situations), width=440,
                                                   colour=PALETTE["info"], label_share=0.6, value_room=VALUE_ROOM),
                            wide=True))
    notes = [w.message.text() for w in mix.warnings]  # a gender's share is left out where it gives a few away
    return GroupSection(tuple(numbers), tuple(charts), " ".join(notes + [
        _("Aucun nom n'apparaît dans ce document ; un effectif de moins de {count} personnes n'est pas détaillé.").format(
            count=model.SMALL_COUNT)]))
