"""The network's page as data: one row a territory, its colour by written rules, the network's totals.

Pure: rows are made from shared-figures documents (:class:`~kpawidgets.model.network.shared.SharedDocument`)
and from the day they are looked at; nothing here reads a file. A file that could not be read is a row too
(:func:`problem_row`), so the page, the PDF and ``kpa reseau`` name it instead of leaving it out silently.

**The colours are computed, never typed**: :data:`RULES` says each rule in words (the page shows them), and
:func:`row_from_document` gives every row its light and the reasons that made it so. A row is red when one
red rule holds, orange when one orange rule holds, green otherwise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from kpawidgets.i18n import N_, _, format_number
from kpawidgets.model.network.deck import REFERENCE_DATE, load_network
from kpawidgets.model.network.shared import SharedDocument, SharedFigures

__all__ = ["Rule", "RULES", "Reason", "NetworkRow", "NetworkTotals", "DeckTotals", "SORTS", "FILTERS",
           "HOST_VENUE_DAYS", "FUNDING_DAYS", "FUNDING_MIN_PCT", "row_from_document", "problem_row", "sort_rows",
           "filter_rows", "network_totals", "deck_totals", "row_values", "light_word", "light_count", "CSV_COLUMNS", "LIGHTS",
           "TREND_FIGURES", "state_figures", "trend_items"]

#: Red when the venue or the host is still open this many days before the launch (or fewer).
HOST_VENUE_DAYS = 30
#: Red when less than FUNDING_MIN_PCT % of year 1 is secured this many days before the launch (or fewer).
FUNDING_DAYS = 60
FUNDING_MIN_PCT = 60

#: A row's light, most urgent first; ``problem``: a file that could not be read.
LIGHTS = ("red", "orange", "green", "problem")


@dataclass(frozen=True)
class Rule:
    """One written rule of the page's colours: its code, the light it gives, its words (French source)."""

    code: str
    light: str
    text: str


RULES: tuple[Rule, ...] = (
    Rule("host_venue", "red", N_("Rouge : le lieu ou la structure de portage n'est pas réglé à 30 jours du "
                                 "lancement ou moins.")),
    Rule("funding", "red", N_("Rouge : moins de 60 % de l'année 1 est acquis à 60 jours du lancement ou moins.")),
    Rule("slip", "orange", N_("Orange : le lancement glisse sur le plan.")),
    Rule("blocking", "orange", N_("Orange : un ingrédient bloque (son voyant est rouge).")),
    Rule("team", "orange", N_("Orange : l'équipe d'accompagnement est sous 1,5 ETP.")),
    Rule("no_date", "orange", N_("Orange : pas encore de date de lancement.")),
)
_RULE = {rule.code: rule for rule in RULES}

#: The ingredients whose words the rules use (their titles are the checklist's).
_INGREDIENT_WORDS = {"venue": N_("Lieu"), "equipment": N_("Équipement de base"), "group": N_("Groupe mixte"),
                     "team": N_("Équipe d'accompagnement"), "host": N_("Structure de portage"),
                     "partners": N_("Partenaires")}


@dataclass(frozen=True)
class Reason:
    """Why a row has its colour: the rule, and the words for this territory (a template and its values)."""

    rule: str
    template: str
    params: tuple[tuple[str, Any], ...] = ()

    @property
    def light(self) -> str:
        return _RULE[self.rule].light

    def text(self) -> str:
        """The reason in the current language."""
        params = {key: (", ".join(_(_INGREDIENT_WORDS.get(n, n)) for n in value) if key == "ingredients"
                        else format_number(value) if isinstance(value, Decimal) else value)
                  for key, value in self.params}
        return _(self.template).format(**params)


@dataclass(frozen=True)
class NetworkRow:
    """One territory of the network (or one file that could not be read: ``problem`` says why)."""

    source: str
    territory: str
    light: str
    reasons: tuple[Reason, ...] = ()
    figures: SharedFigures | None = None
    shared_on: dt.date | None = None
    days_to_launch: int | None = None
    problem: str | None = None
    #: When the file was last modified (seconds since the epoch), for « the last change » without a date inside.
    modified: float | None = None

    @property
    def readable(self) -> bool:
        return self.figures is not None

    def ingredient_words(self, names: Iterable[str]) -> str:
        return ", ".join(_(_INGREDIENT_WORDS.get(name, name)) for name in names)


def _reason(rule: str, template: str, **params: Any) -> Reason:
    return Reason(rule, template, tuple(sorted(params.items())))


def _reasons(figures: SharedFigures, today: dt.date) -> list[Reason]:
    reasons = []
    days = (figures.launch_date - today).days if figures.launch_date else None
    if days is not None and days <= HOST_VENUE_DAYS:
        open_ = [name for name in ("venue", "host") if figures.ingredients.get(name, "todo") != "done"]
        if open_:
            words = tuple(open_)
            reasons.append(_reason("host_venue", N_("{ingredients} : pas réglé à {days} jours du lancement"),
                                   ingredients=words, days=days) if days >= 0 else
                           _reason("host_venue", N_("{ingredients} : pas réglé, lancement dépassé de {late} jours"),
                                   ingredients=words, late=-days))
    if days is not None and days <= FUNDING_DAYS and figures.charges > 0 and \
            (figures.secured_pct or 0) < FUNDING_MIN_PCT:
        reasons.append(_reason("funding", N_("{pct} % acquis à {days} jours du lancement"),
                               pct=figures.secured_pct or 0, days=days) if days >= 0 else
                       _reason("funding", N_("{pct} % acquis, lancement dépassé de {late} jours"),
                               pct=figures.secured_pct or 0, late=-days))
    if figures.slip_days:
        reasons.append(_reason("slip", N_("{days} jours de retard sur le plan"), days=figures.slip_days))
    if figures.blocking:
        reasons.append(_reason("blocking", N_("bloque : {ingredients}"),
                               ingredients=tuple(figures.blocking)))
    if figures.team_fte < figures.team_fte_target:
        reasons.append(_reason("team", N_("équipe : {fte} ETP sur {target}"),
                               fte=figures.team_fte, target=figures.team_fte_target))
    if figures.launch_date is None:
        reasons.append(_reason("no_date", N_("date de lancement à fixer")))
    return reasons


def row_from_document(document: SharedDocument, today: dt.date, modified: float | None = None,
                      source: str | None = None) -> NetworkRow:
    """The row of one territory's shared figures (file *source*), with its light and reasons as of *today*."""
    figures = document.figures
    reasons = _reasons(figures, today)
    lights = {reason.light for reason in reasons}
    light = "red" if "red" in lights else "orange" if "orange" in lights else "green"
    days = (figures.launch_date - today).days if figures.launch_date else None
    return NetworkRow(source=source or document.source, territory=figures.territory, light=light, reasons=tuple(reasons),
                      figures=figures, shared_on=document.date, days_to_launch=days, modified=modified)


def problem_row(source: str, problem: str, modified: float | None = None) -> NetworkRow:
    """The row of a file that is not read (corrupt, foreign, newer, a link…): *problem* says it in words."""
    return NetworkRow(source=source, territory=source, light="problem", problem=problem, modified=modified)


# ------------------------------------------------------------------ sorting and filtering
#: (code, label) of the page's sorts.
SORTS: tuple[tuple[str, str], ...] = (
    ("urgency", N_("Les plus urgents d'abord")),
    ("territory", N_("Territoire (A → Z)")),
    ("launch", N_("Date de lancement")),
    ("gap", N_("Reste à trouver (le plus grand d'abord)")),
    ("readiness", N_("Préparation (la plus faible d'abord)")),
    ("slip", N_("Retard (le plus grand d'abord)")),
    ("updated", N_("Dernière modification (la plus récente d'abord)")),
)
#: (code, label) of the page's filters.
FILTERS: tuple[tuple[str, str], ...] = (
    ("all", N_("Tous les territoires")),
    ("red", N_("Rouges")),
    ("orange", N_("Orange")),
    ("green", N_("Verts")),
    ("problem", N_("Fichiers non lus")),
)

_FAR = dt.date(9999, 12, 31)


def _sort_key(code: str, row: NetworkRow) -> tuple[Any, ...]:
    name = row.territory.casefold()
    f = row.figures
    if code == "territory" or f is None:
        return (f is None, name)
    if code == "launch":
        return (False, f.launch_date or _FAR, name)
    if code == "gap":
        return (False, -f.gap, name)
    if code == "readiness":
        return (False, f.readiness_pct, name)
    if code == "slip":
        return (False, -(f.slip_days or 0), name)
    if code == "updated":
        stamp = f.updated_at.timestamp() if f.updated_at else (row.modified or 0.0)
        return (False, -stamp, name)
    return (False, LIGHTS.index(row.light), -len(row.reasons), f.launch_date or _FAR, name)


def sort_rows(rows: Iterable[NetworkRow], code: str = "urgency") -> list[NetworkRow]:
    """*rows* in the order of sort *code* (:data:`SORTS`); files not read always come last."""
    return sorted(rows, key=lambda row: _sort_key(code, row))


def filter_rows(rows: Iterable[NetworkRow], light: str = "all", text: str = "") -> list[NetworkRow]:
    """The rows of light *light* (:data:`FILTERS`) whose territory, town or file name holds *text*."""
    needle = text.strip().casefold()
    out = []
    for row in rows:
        if light != "all" and row.light != light:
            continue
        if needle:
            town = row.figures.town if row.figures else ""
            if needle not in f"{row.territory} {town} {row.source}".casefold():
                continue
        out.append(row)
    return out


# ------------------------------------------------------------------ totals
@dataclass(frozen=True)
class NetworkTotals:
    """The network's figures added up from the shared rows (small groups counted apart: their size is masked)."""

    territories: int
    problems: int
    lights: dict[str, int]
    members: int
    small_groups: int
    team_fte: Decimal
    charges: int
    secured: int
    requested: int
    gap: int
    readiness_pct: int | None
    launched: int
    slipping: int
    latest: dt.date | None

    @property
    def secured_pct(self) -> int | None:
        return round(100 * self.secured / self.charges) if self.charges else None


@dataclass(frozen=True)
class DeckTotals:
    """The 2019 deck's network, added up: KPAs, members, support FTE, revenue since the start."""

    kpas: int
    members: int
    team_fte: Decimal
    revenue: Decimal
    date: dt.date = field(default=REFERENCE_DATE)


def network_totals(rows: Sequence[NetworkRow], today: dt.date) -> NetworkTotals:
    """The totals of the readable rows of *rows*."""
    shared = [row.figures for row in rows if row.figures is not None]
    lights = {light: sum(1 for row in rows if row.light == light) for light in LIGHTS}
    members = sum(f.group_size for f in shared if isinstance(f.group_size, int))
    small = sum(1 for f in shared if not isinstance(f.group_size, int))
    dates = [row.shared_on for row in rows if row.shared_on is not None]
    return NetworkTotals(
        territories=len(shared), problems=lights["problem"], lights=lights, members=members, small_groups=small,
        team_fte=sum((f.team_fte for f in shared), Decimal(0)), charges=sum(f.charges for f in shared),
        secured=sum(f.secured for f in shared), requested=sum(f.requested for f in shared),
        gap=sum(f.gap for f in shared),
        readiness_pct=round(sum(f.readiness_pct for f in shared) / len(shared)) if shared else None,
        launched=sum(1 for f in shared if f.launch_date is not None and f.launch_date <= today),
        slipping=sum(1 for f in shared if f.slip_days), latest=max(dates) if dates else None,
    )


def deck_totals() -> DeckTotals:
    """The deck's network (``model/network/deck.py``), added up."""
    kpas = load_network()
    return DeckTotals(kpas=len(kpas), members=sum(k.members or 0 for k in kpas),
                      team_fte=sum((k.support_fte or Decimal(0) for k in kpas), Decimal(0)),
                      revenue=sum((k.revenue or Decimal(0) for k in kpas), Decimal(0)))


# ------------------------------------------------------------------ the table as a sheet's rows
#: The export's columns: (header, French source), in order.
CSV_COLUMNS: tuple[tuple[str, str], ...] = (
    ("source", N_("Fichier")), ("territory", N_("Territoire")), ("town", N_("Commune")), ("light", N_("Couleur")),
    ("reasons", N_("Pourquoi")), ("readiness_pct", N_("Préparation (%)")), ("blocking", N_("Ingrédients qui bloquent")),
    ("group_size", N_("Taille du groupe")), ("mix_warnings", N_("Alertes de mixité")),
    ("team_fte", N_("ETP de l'équipe")), ("charges", N_("Charges année 1 (€)")), ("secured", N_("Acquis (€)")),
    ("requested", N_("Demandé (€)")), ("gap", N_("Reste à trouver (€)")), ("secured_pct", N_("Acquis (%)")),
    ("launch_date", N_("Lancement")), ("slip_days", N_("Jours de retard")), ("updated_at", N_("Dernière modification")),
    ("shared_on", N_("Partagé le")),
)

_LIGHT_WORDS = {"red": N_("rouge"), "orange": N_("orange"), "green": N_("vert"), "problem": N_("fichier non lu")}


def light_word(light: str) -> str:
    """A light in words (current language)."""
    return _(_LIGHT_WORDS[light])


def light_count(light: str, count: int) -> str:
    """« rouge : 3 »: how many rows have *light* (current language)."""
    return _("{light} : {count}").format(light=light_word(light), count=count)


def row_values(row: NetworkRow) -> dict[str, Any]:
    """One row as plain values for a sheet (numbers stay numbers; words in the current language)."""
    f = row.figures
    values: dict[str, Any] = {"source": row.source, "territory": row.territory, "light": light_word(row.light),
                              "reasons": row.problem or "; ".join(reason.text() for reason in row.reasons)}
    if f is None:
        return values
    small = _("moins de 3")
    values.update(
        town=f.town, readiness_pct=f.readiness_pct, blocking=row.ingredient_words(f.blocking),
        group_size=f.group_size if isinstance(f.group_size, int) else small, mix_warnings=", ".join(f.mix_warnings),
        team_fte=float(f.team_fte), charges=f.charges, secured=f.secured, requested=f.requested, gap=f.gap,
        secured_pct=f.secured_pct, launch_date=f.launch_date.isoformat() if f.launch_date else "",
        slip_days=f.slip_days, updated_at=f.updated_at.date().isoformat() if f.updated_at else "",
        shared_on=row.shared_on.isoformat() if row.shared_on else "")
    return values


# ------------------------------------------------------------------ the trend since the last export
#: The figures an export keeps (``storage/network_states.py``) and compares with next time.
TREND_FIGURES: tuple[tuple[str, str], ...] = (
    ("territories", N_("territoires")), ("members", N_("membres")), ("secured", N_("acquis")),
    ("gap", N_("reste à trouver")), ("red", N_("rouges")), ("slipping", N_("en retard")),
)


def state_figures(totals: NetworkTotals) -> dict[str, int]:
    """What an export keeps of *totals* to say the trend next time (whole numbers only)."""
    return {"territories": totals.territories, "members": totals.members, "secured": totals.secured,
            "gap": totals.gap, "red": totals.lights["red"], "slipping": totals.slipping,
            "team_fte_tenths": int(totals.team_fte * 10)}


#: The kept figures that are amounts in euros.
MONEY_FIGURES = frozenset({"secured", "gap"})


def trend_items(previous: dict[str, Any], totals: NetworkTotals) -> list[tuple[str, str, int, int]]:
    """(key, label, before, now) of each kept figure that changed since *previous* (a kept state's figures)."""
    now = state_figures(totals)
    items = []
    for key, label in TREND_FIGURES:
        before = previous.get(key)
        if isinstance(before, int) and not isinstance(before, bool) and before != now[key]:
            items.append((key, label, before, now[key]))
    return items
