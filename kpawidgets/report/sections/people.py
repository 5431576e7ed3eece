"""Sections 4, 5 and 9: the support team, the partners, governance and commitments."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from kpawidgets.charts import fte_gauge
from kpawidgets.i18n import _, format_date, format_money_rounded, format_number, ngettext, translate
from kpawidgets.model import checklist as model
from kpawidgets.model.budget import STATUSES
from kpawidgets.model.workbook import Workbook
from kpawidgets.report.sections.base import Number, Tick, untouched

__all__ = ["TeamMember", "TeamSection", "PartnersSection", "Block", "GovernanceSection", "team_section",
           "partners_section", "governance_section"]


@dataclass(frozen=True)
class TeamMember:
    label: str
    organisation: str
    fte: str
    paid_by: str


@dataclass(frozen=True)
class TeamSection:
    svg: str
    lines: tuple[str, ...]
    rows: tuple[TeamMember, ...]
    asks: tuple[str, ...]
    head: tuple[str, ...]


@dataclass(frozen=True)
class PartnersSection:
    numbers: tuple[Number, ...]
    rows: tuple[tuple[str, str, str, str], ...]
    head: tuple[str, ...]


@dataclass(frozen=True)
class Block:
    title: str
    items: tuple[Tick, ...]


@dataclass(frozen=True)
class GovernanceSection:
    blocks: tuple[Block, ...]


def team_section(workbook: Workbook) -> TeamSection | None:
    """The support team's FTE against the KPA-Cité mark (about 1.5 FTE); None without a team."""
    team = workbook.checklist.team
    if not team:
        return None
    total = model.team_total_fte(workbook.checklist)
    target = model.TEAM_FTE_TARGET
    caption = _("{value} ETP sur {target} visés").format(value=format_number(total, digits=2),
                                                          target=format_number(target, digits=2))
    people = sum(1 for m in team if m.fte > 0)
    lines = [
        ngettext("{count} personne assure {fte} ETP d'accompagnement.",
                 "{count} personnes se partagent {fte} ETP d'accompagnement.", people).format(
            count=people, fte=format_number(total, digits=2)),
        _("Repère KPA-Cité : environ 1,5 ETP, partagé entre plusieurs personnes."),
    ]
    asks: list[str] = []
    if total < target:
        missing = target - total
        lines.append(_("Il manque {fte} ETP.").format(fte=format_number(missing, digits=2)))
        asks.append(_("Mettre à disposition {fte} ETP d'accompagnement (animation, coordination).").format(
            fte=format_number(missing, digits=2)))
    rows = tuple(TeamMember(m.label or _("—"), m.organisation, format_number(m.fte, digits=2),
                            translate(model.PAID_BY_LABELS.get(m.paid_by, m.paid_by))) for m in team)
    return TeamSection(fte_gauge(total, target, caption), tuple(lines), rows, tuple(asks),
                       (_("Rôle"), _("Structure"), _("ETP"), _("Statut")))


def partners_section(workbook: Workbook) -> PartnersSection | None:
    """The host (CAE) and partners with their role, status and what they fund; None when there are none.

    Roles, status and « engagés » come from :func:`~kpawidgets.model.checklist.partner_funding`:
    a funder is engaged by a voted or paid line, as the funding section shows it.
    """
    checklist = workbook.checklist
    host = checklist.host
    if not checklist.partners and not host.name:
        return None
    plural = {"client": _("clients engagés"), "funder": _("financeurs engagés"), "relay": _("relais engagés")}
    numbers = tuple(Number(_("{committed} sur {total}").format(**count), plural.get(role, role))
                    for role, count in model.partner_counts(workbook).items())
    rows: list[tuple[str, str, str, str]] = []
    if host.name:
        rows.append((host.name, _("Structure de portage (CAE)"), "",
                     _("Plateforme : {platform}").format(platform=host.platform) if host.platform else ""))
    for view in model.partner_funding(workbook):
        brings = view.partner.brings
        if view.lines:
            funds = _("Finance {amount} ({statuses})").format(
                amount=format_money_rounded(view.amount), statuses=", ".join(
                    f"{translate(STATUSES.get(status, status))} {format_money_rounded(amount)}"
                    for status, amount in view.statuses().items()))
            brings = f"{brings} — {funds}" if brings else funds
        rows.append((
            view.partner.name or _("—"),
            ", ".join(translate(model.PARTNER_ROLES.get(r, r)) for r in view.roles),
            translate(model.PARTNER_STATUS_LABELS.get(view.status, view.status)),
            brings,
        ))
    return PartnersSection(numbers, tuple(rows), (_("Partenaire"), _("Rôle"), _("Statut"), _("Ce qu'il apporte")))


def governance_section(workbook: Workbook) -> GovernanceSection | None:
    """The commitments the group adopted and the KPA-Cité support path; None when nothing was entered."""
    checklist = workbook.checklist
    if untouched(checklist.philosophy) and untouched(checklist.support):
        return None
    items = []
    for key, msgid in model.COMMITMENTS.items():
        commitment = checklist.philosophy.get(key)
        items.append(Tick(translate(msgid), "yes" if commitment.adopted else "no",
                          f"« {commitment.words} »" if commitment.words else ""))
    adopted = sum(1 for item in items if item.tone == "yes")
    support = []
    for key, msgid in model.SUPPORT_STEPS.items():
        session = checklist.support.get(key)
        if session.start is None:
            support.append(Tick(translate(msgid), "no", _("date à fixer")))
        else:
            support.append(Tick(translate(msgid), "yes" if session.done else "partial", format_date(session.start)))
    return GovernanceSection((
        Block(_("Engagements adoptés par le groupe : {n} sur {total}").format(n=adopted, total=len(items)), tuple(items)),
        Block(_("Parcours d'accompagnement KPA-Cité"), tuple(support)),
    ))
