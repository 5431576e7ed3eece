"""Workbook → report context: every text translated and formatted, every chart drawn.

Pure: no I/O, no notebook, no WeasyPrint. The context is frozen and typed (one dataclass
per section, :mod:`kpawidgets.report.sections`); the template only prints what is here
(autoescaped), except the ``svg`` values drawn by :mod:`kpawidgets.charts`.

A section with no data in the workbook is ``None`` (the template says so briefly); a
section that fails to draw is a :class:`~kpawidgets.report.sections.SectionFailure`,
printed as a one-line notice — figures are never made up and no section vanishes.
"""

from __future__ import annotations

import base64

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

from kpawidgets.charts import LIGHT_COLOURS, PALETTE, gauge
from kpawidgets.charts.coverage import percent_text
from kpawidgets.model.budget import BudgetFigures, budget_figures
from kpawidgets.i18n import _, format_date, format_money_rounded, format_percent, use_language
from kpawidgets.model.plan import build_timeline
from kpawidgets.model.workbook import Workbook, dump_workbook
from kpawidgets.report.sections import (
    BudgetSection,
    ChecklistSection,
    FundingSection,
    GovernanceSection,
    GroupSection,
    PartnersSection,
    SectionFailure,
    TeamSection,
    TimelineSection,
    budget_section,
    checklist_section,
    drawn,
    funding_section,
    governance_section,
    group_section,
    partners_section,
    suggested_asks,
    team_section,
    timeline_section,
)
from kpawidgets.report.sections.checklist import Light
from kpawidgets.report.sections.room import RoomSection, room_section
from kpawidgets.report.sections.years import YearsSection, years_section
from kpawidgets.storage.files import revision_of
from kpawidgets.storage.logo import logo_media_type

__all__ = ["ReportContext", "Tile", "build_context", "labels"]

S = TypeVar("S")

#: The colour of a figure's tone (``model.budget.BudgetFigures.secured_tone``).
TONE_COLOURS = {"ok": LIGHT_COLOURS["green"], "warn": LIGHT_COLOURS["orange"], "bad": LIGHT_COLOURS["red"]}


@dataclass(frozen=True)
class Tile:
    """A summary tile: ``gauge`` (with *svg*), ``number``, ``date`` or ``empty``."""

    kind: str
    label: str
    note: str = ""
    value: str = ""
    svg: str = ""


@dataclass(frozen=True)
class ReportContext:
    """Everything the report template prints, translated into :attr:`lang`."""

    lang: str
    L: Mapping[str, str]
    territory: str
    long_title: bool
    place: str
    qpv: bool
    launch_date: str
    document_date: str
    #: the running footer of every page: the document's date and the workbook's version
    footer: str
    #: the cover's version mark: the workbook's revision and when it was last saved
    version: str
    #: the lead's short summary for partners, the contact lines (role, e-mail, phone), the logo as a data URL
    summary: str
    contact: tuple[str, ...]
    logo_src: str
    #: section numbers, in the order printed; a section with no data has none
    number: Mapping[str, int]
    #: titles of the sections with nothing in the workbook yet (one line on the summary page)
    missing: tuple[str, ...]
    tiles: tuple[Tile, ...]
    lights: tuple[Light, ...]
    asks: tuple[str, ...]
    asks_generated: bool
    checklist: ChecklistSection | SectionFailure | None
    group: GroupSection | SectionFailure | None
    room: RoomSection | SectionFailure | None
    team: TeamSection | SectionFailure | None
    partners: PartnersSection | SectionFailure | None
    budget: BudgetSection | SectionFailure | None
    funding: FundingSection | SectionFailure | None
    years: YearsSection | SectionFailure | None
    timeline: TimelineSection | SectionFailure
    governance: GovernanceSection | SectionFailure | None

    @property
    def title(self) -> str:
        """The document's title: ``Plan de lancement — <territory>``."""
        return f"{self.L['doc_kind']} — {self.territory}"


def _ok(section: S | SectionFailure | None) -> S | None:
    """The section when it was drawn, else None (for the summary that reads it)."""
    return None if isinstance(section, SectionFailure) else section


def labels() -> dict[str, str]:
    """The report's fixed texts, translated into the current language."""
    return {
        "doc_kind": _("Plan de lancement"),
        "brand": _("KPA-Cité · Carnet KPA"),
        "subtitle": _("Coopérative d'habitant·es — document pour les partenaires"),
        "missing": _("Pas encore renseigné dans le carnet :"),
        "launch": _("Lancement"),
        "no_launch_date": _("Date pas encore fixée"),
        "document_date": _("Document du"),
        "contact": _("Contact"),
        "logo": _("Logo du territoire"),
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
        "cerfa_note": _("Présentation du formulaire Cerfa n°12156."),
        "charges": _("Charges"),
        "products": _("Produits"),
        "amount": _("Montant"),
        "total_charges": _("Total des charges"),
        "total_products": _("Total des produits"),
        "in_kind": _("Contributions volontaires en nature"),
        "kind_uses": _("Emplois (86)"),
        "kind_resources": _("Ressources (87)"),
        "funding": _("Financement et trésorerie"),
        "years": _("Annexe : budget sur trois ans"),
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


def build_context(workbook: Workbook, lang: str | None = None, today: dt.date | None = None, *,
                  logo: bytes | None = None) -> ReportContext:
    """Everything the report template prints, in *lang* (default: the workbook's language).

    *logo* is the territory's PNG or SVG logo (read beside the workbook by ``storage.logo.read_logo``).
    """
    code = lang or workbook.identity.language
    with use_language(code) as code:
        return _build(workbook, code, today or dt.date.today(), logo)


def _logo_src(logo: bytes | None) -> str:
    """A PNG or plain SVG logo (checked again by ``storage.logo``) as a ``data:`` URL; "" for anything else.

    WeasyPrint fetches nothing but ``data:`` URLs and runs no script (``report.render``).
    """
    media_type = logo_media_type(logo)
    if logo is None or media_type is None:
        return ""
    return f"data:{media_type};base64," + base64.b64encode(logo).decode("ascii")


def _tiles(checklist: ChecklistSection | None, budget: BudgetSection | None, funding: FundingSection | None,
           launch: dt.date | None, today: dt.date) -> tuple[Tile, ...]:
    tiles = []
    if checklist is not None:
        tiles.append(Tile("gauge", _("Préparation"), checklist.ratio_note, svg=gauge(
            float(checklist.ratio), format_percent(checklist.ratio), "", _("Préparation"),
            colour=LIGHT_COLOURS.get(checklist.light))))
    else:
        tiles.append(Tile("empty", _("Préparation"), _("Check-list pas encore remplie"), _("—")))
    if budget is not None:
        tiles.append(Tile("number", _("Budget année 1"), _("total des charges"), format_money_rounded(budget.total)))
    else:
        tiles.append(Tile("empty", _("Budget année 1"), _("Budget pas encore saisi"), _("—")))
    if funding is not None:
        # the secured share's tone: green only from the network's mark (model.budget.SECURED_MARK)
        tiles.append(Tile("gauge", _("Financements acquis"), funding.secured_note, svg=gauge(
            funding.secured_percent / 100, percent_text(funding.secured_percent), "", _("Financements acquis"),
            colour=TONE_COLOURS.get(funding.secured_tone, PALETTE["neutral"]))))
    else:
        tiles.append(Tile("empty", _("Financements acquis"), _("Aucun financeur saisi"), _("—")))
    if launch:
        tiles.append(Tile("date", _("Date de lancement"), _countdown(launch, today), format_date(launch)))
    else:
        tiles.append(Tile("empty", _("Date de lancement"), _("Date pas encore fixée"), _("—")))
    return tuple(tiles)


def version_code(workbook: Workbook) -> str:
    """The workbook's version as printed: the first 8 characters of its file's revision."""
    return revision_of(dump_workbook(workbook).encode("utf-8"))[:8]


def version_mark(workbook: Workbook) -> str:
    """``Version 3f2a9c1e · carnet enregistré le 1 décembre 2026``.

    The code is the start of the revision the workspace gives the saved file (a fingerprint
    of its bytes), so a partner's copy can be matched with the workbook's history.
    """
    code = version_code(workbook)
    if workbook.updated_at is None:
        return _("Version {code}").format(code=code)
    return _("Version {code} · carnet enregistré le {date}").format(code=code, date=format_date(workbook.updated_at.date()))


_ORDER = ("summary", "checklist", "group", "team", "partners", "budget", "funding", "timeline", "governance", "years")


def _build(workbook: Workbook, lang: str, today: dt.date, logo: bytes | None = None) -> ReportContext:
    identity = workbook.identity
    launch = identity.launch_date
    document_date = workbook.plan.document_date or today
    checklist = drawn(_("Check-list de lancement"), lambda: checklist_section(workbook))
    group = drawn(_("Le groupe"), lambda: group_section(workbook))
    room = drawn(_("En atelier : ce que dit le groupe"), lambda: room_section(workbook))
    team = drawn(_("L'équipe d'accompagnement"), lambda: team_section(workbook))
    partners = drawn(_("Les partenaires"), lambda: partners_section(workbook))
    computed: list[BudgetFigures] = []

    def figures() -> BudgetFigures:
        """The budget's figures, computed once for both sections (inside each section's guard)."""
        if not computed:
            computed.append(budget_figures(workbook))
        return computed[0]

    budget = drawn(_("Budget prévisionnel de la première année"), lambda: budget_section(workbook, figures()))
    funding = drawn(_("Financement et trésorerie"), lambda: funding_section(workbook, figures()))
    years = drawn(_("Annexe : budget sur trois ans"), lambda: years_section(figures()))
    governance = drawn(_("Gouvernance et engagements"), lambda: governance_section(workbook))
    timeline = drawn(_("Calendrier de lancement"), lambda: timeline_section(
        build_timeline(workbook, today=today, lang=lang), launch, today))

    asks = list(workbook.plan.asks)
    asks_generated = False
    if not asks:
        asks = suggested_asks(workbook, _ok(checklist), _ok(funding), _ok(team))
        asks_generated = bool(asks)
    drawn_checklist = _ok(checklist)
    present = {"summary": True, "checklist": checklist is not None, "group": group is not None or room is not None,
               "team": team is not None, "partners": partners is not None, "budget": budget is not None,
               "funding": funding is not None,
               "timeline": isinstance(timeline, SectionFailure) or not timeline.empty,
               "governance": governance is not None, "years": years is not None}
    number = {key: index for index, key in enumerate((k for k in _ORDER if present[k]), start=1)}
    titles = labels()
    title_of = {"checklist": titles["checklist"], "group": titles["group"], "team": titles["team"],
                "partners": titles["partners"], "budget": titles["budget"], "funding": titles["funding"],
                "timeline": titles["timeline"], "governance": titles["governance"], "years": titles["years"]}
    missing = [title_of[k] for k in _ORDER if not present[k] and k != "years"]  # no annex: no budget, said once
    if not asks:
        missing.insert(0, titles["asks"])
    return ReportContext(
        lang=lang,
        L=titles,
        territory=identity.territory,
        long_title=len(identity.territory) > 60,
        place=" · ".join(p for p in (identity.neighbourhood, identity.town) if p),
        qpv=identity.qpv,
        launch_date=format_date(launch) if launch else "",
        document_date=format_date(document_date),
        footer=_("Plan de lancement du {date} · version {code}").format(date=format_date(document_date),
                                                                     code=version_code(workbook)),
        version=version_mark(workbook),
        summary=identity.summary.strip(),
        contact=tuple(text for text in (identity.contact.role, identity.contact.email, identity.contact.phone) if text),
        logo_src=_logo_src(logo),
        number=number,
        missing=tuple(missing),
        tiles=_tiles(drawn_checklist, _ok(budget), _ok(funding), launch, today),
        lights=drawn_checklist.lights if drawn_checklist else (),
        asks=tuple(asks[:5]),
        asks_generated=asks_generated,
        checklist=checklist, group=group, room=room, team=team, partners=partners, budget=budget, funding=funding,
        years=years, timeline=timeline, governance=governance,
    )
