"""What a territory shares with the network when it chooses to (``workbook.network.share``, file format 6).

:func:`shared_figures` is a pure function of the workbook (and of today, for the slip): figures only, no
name of a person, nothing personal. What it holds, field by field (the page says the same, in
:data:`SHARED_ITEMS`):

- the territory's public name, town and whether it is a QPV (the workbook's public identity);
- readiness: the overall score and light, each ingredient's status and score, the ingredients that block
  (their light is red);
- the group: its size and the mix's warnings (codes), genders, age bands and situations as counts masked by
  :func:`~kpawidgets.model.checklist.mix.masked_counts` (no count from 1 to 2 leaves the laptop);
- the team's FTE against the 1.5 FTE mark;
- year 1 of the budget in whole euros (charges, secured, requested, gap, the share secured) and, once the
  budget says its years (a line has a rule for years 2 and 3), years 2 and 3 (charges, resources, gap);
- the launch date, the days of slip against the plan (:func:`slip_days`), the last change.

Not shared: first names, ages, situations of a person, interests, the team's labels, the host's or
partners' contacts, notes, the budget's lines, the room.

The document written for the network (:func:`share_document`) is JSON: ``{"kind": "kpa-shared-figures",
"format": 1, "source": <workbook file stem>, "date": <ISO date>, "figures": {...}}``;
:func:`read_share_document` reads one back, refusing anything else with a reason.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError

from kpawidgets.errors import KpaError
from kpawidgets.i18n import N_
from kpawidgets.model.base import KpaModel
from kpawidgets.model.budget.figures import budget_figures
from kpawidgets.model.checklist.mix import masked_counts, workbook_mix
from kpawidgets.model.checklist.readiness import TEAM_FTE_TARGET, readiness, team_total_fte
from kpawidgets.model.plan.timeline import build_timeline
from kpawidgets.model.records.workbook import Workbook

__all__ = ["SHARE_KIND", "SHARE_FORMAT", "SHARED_ITEMS", "NOT_SHARED", "SharedFigures", "SharedYear", "SharedDocument",
           "ShareError", "shared_figures", "slip_days", "share_document", "read_share_document", "share_bytes",
           "is_share_data"]

#: The marker of a shared-figures document (what lands in the hub's network folder).
SHARE_KIND: Literal["kpa-shared-figures"] = "kpa-shared-figures"
#: The version of the shared-figures document this code writes and reads.
SHARE_FORMAT = 1

#: What is shared, as the page lists it (French source, translated when shown).
SHARED_ITEMS: tuple[str, ...] = (
    N_("le nom public du territoire, sa commune, s'il est en quartier prioritaire"),
    N_("la préparation : le score global, l'état et le score de chaque ingrédient, les ingrédients qui bloquent"),
    N_("le groupe : sa taille et les alertes de mixité, les genres, tranches d'âge et situations en nombres "
       "(« moins de 3 » sous 3 personnes)"),
    N_("l'équipe : le total d'ETP, comparé à 1,5 ETP"),
    N_("le budget de l'année 1 en euros entiers : charges, acquis, demandé, reste à trouver ; les années 2 et 3 "
       "quand le budget les dit"),
    N_("la date de lancement, les jours de retard sur le plan, la date de la dernière modification"),
)
#: What is never shared.
NOT_SHARED = N_("Jamais partagé : les prénoms et tout ce qui concerne une personne, les notes, les contacts, "
                "les lignes du budget, l'atelier.")

Masked = int | str


class ShareError(KpaError):
    """A file that is not a shared-figures document this version can read."""


class SharedYear(KpaModel):
    """Years 2 and 3 of the budget, in whole euros."""

    year: int = Field(ge=2, le=3)
    charges: int
    produits: int
    gap: int


class SharedFigures(KpaModel):
    """The figures a territory shares (see the module's docstring for what each one is)."""

    territory: str = Field(min_length=1, max_length=200)
    town: str = Field(default="", max_length=200)
    qpv: bool = False
    readiness_pct: int = Field(ge=0, le=100)
    readiness_light: str = Field(pattern="^(green|orange|red)$")
    ingredients: dict[str, Annotated[str, Field(pattern="^(todo|in_progress|done)$")]] = Field(default_factory=dict,
                                                                                         max_length=12)
    ingredient_scores: dict[str, int] = Field(default_factory=dict, max_length=12)
    blocking: list[str] = Field(default_factory=list, max_length=12)
    group_size: Masked
    mix_warnings: list[str] = Field(default_factory=list, max_length=20)
    genders: dict[str, Masked] = Field(default_factory=dict, max_length=12)
    age_bands: dict[str, Masked] = Field(default_factory=dict, max_length=12)
    situations: dict[str, Masked] = Field(default_factory=dict, max_length=20)
    team_fte: Decimal = Field(ge=0, le=100)
    team_fte_target: Decimal = TEAM_FTE_TARGET
    charges: int
    secured: int
    requested: int
    gap: int
    secured_pct: int | None = None
    years: list[SharedYear] = Field(default_factory=list, max_length=2)
    launch_date: dt.date | None = None
    slip_days: int | None = None
    updated_at: dt.datetime | None = None


class SharedDocument(KpaModel):
    """The JSON document written beside the network: its marker, version, source, date and the figures."""

    kind: Literal["kpa-shared-figures"]
    format: int
    source: str = Field(min_length=1, max_length=200)
    date: dt.date
    figures: SharedFigures


def slip_days(workbook: Workbook, today: dt.date | None = None) -> int | None:
    """Days the launch slips against the plan (None without a launch date).

    The rule: the largest of (a) days the plan's launch step was moved past the workbook's launch date,
    (b) days an unfinished step that prepares the launch ends after it (a training: on or after it; the
    plan's own warning), since the launch cannot happen before,
    (c) days since the launch date when it is past and the launch is not marked done. 0: on time.
    """
    launch = workbook.identity.launch_date
    if launch is None:
        return None
    today = today or dt.date.today()
    timeline = build_timeline(workbook, today=today, lang="fr")
    step = timeline.get("launch")
    planned = step.start if step is not None else launch
    slips = [(planned - launch).days]
    for other in timeline.steps:
        if other.prepares == "launch" and not other.done:  # a training must end the day before, as the plan says
            slips.append((other.end - launch).days + (1 if other.kind == "training" else 0))
    if planned < today and not (step is not None and step.done):
        slips.append((today - launch).days)
    return max(0, *slips)


def _masked_one(count: int) -> Masked:
    return masked_counts({"n": count}, total_shown=False)["n"]


def shared_figures(workbook: Workbook, today: dt.date | None = None) -> SharedFigures:
    """The figures *workbook* shares with the network (pure: the same workbook and day give the same figures)."""
    ready = readiness(workbook)
    mix = workbook_mix(workbook)
    figures = budget_figures(workbook)
    euros = figures.euros
    has_years = any(line.years is not None for line in workbook.budget.lines)
    years = [SharedYear(year=year.year, charges=int(year.charges), produits=int(year.produits), gap=int(year.gap))
             for year in figures.years.years[1:]] if has_years else []
    return SharedFigures(
        territory=workbook.identity.territory, town=workbook.identity.town, qpv=workbook.identity.qpv,
        readiness_pct=ready.pct, readiness_light=ready.light,
        ingredients={score.name: score.status for score in ready.ingredients},
        ingredient_scores={score.name: score.score for score in ready.ingredients},
        blocking=[score.name for score in ready.ingredients if score.light == "red"],
        group_size=_masked_one(mix.size), mix_warnings=sorted({warning.code for warning in mix.warnings}),
        genders=masked_counts(mix.genders), age_bands=masked_counts(mix.age_bands),
        situations=masked_counts(mix.situations, total_shown=False),
        team_fte=team_total_fte(workbook.checklist), team_fte_target=TEAM_FTE_TARGET,
        charges=int(euros.charges), secured=int(euros.secured), requested=int(euros.parts["requested"]),
        gap=int(euros.gap), secured_pct=figures.percents["secured"] if euros.charges else None,
        years=years, launch_date=workbook.identity.launch_date, slip_days=slip_days(workbook, today),
        updated_at=workbook.updated_at,
    )


def share_document(workbook: Workbook, source: str, today: dt.date | None = None) -> dict[str, Any]:
    """The shared-figures document of *workbook* (file stem *source*), as JSON-ready data."""
    today = today or dt.date.today()
    document = SharedDocument(kind=SHARE_KIND, format=SHARE_FORMAT, source=source, date=today,
                              figures=shared_figures(workbook, today))
    return document.model_dump(mode="json")


def share_bytes(workbook: Workbook, source: str, today: dt.date | None = None) -> bytes:
    """The file's bytes of :func:`share_document` (indented, stable key order, UTF-8)."""
    return (json.dumps(share_document(workbook, source, today), ensure_ascii=False, indent=2, sort_keys=True)
            + "\n").encode("utf-8")


def is_share_data(data: Any) -> bool:
    """Whether parsed JSON *data* says it is a shared-figures document (whatever its version)."""
    return isinstance(data, dict) and data.get("kind") == SHARE_KIND


def read_share_document(data: Any, source: str = "") -> SharedDocument:
    """A shared-figures document from parsed JSON *data*; ShareError (with the reason) for anything else."""
    if not is_share_data(data):
        raise ShareError("Le fichier {source} n'est pas un fichier de chiffres partagés.", source=source)
    version = data.get("format")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ShareError("Version illisible du fichier de chiffres partagés {source}.", source=source)
    if version > SHARE_FORMAT:
        raise ShareError("Le fichier {source} a été écrit par une version plus récente de Carnet KPA "
                         "(chiffres partagés, format {version}).", source=source, version=version)
    try:
        return SharedDocument.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ShareError("Le fichier de chiffres partagés {source} contient des valeurs invalides ({where}).",
                         source=source, where=where) from None

