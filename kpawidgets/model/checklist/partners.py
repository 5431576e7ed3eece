"""One list of partners and funders: a funder is a partner with the funder role (issue 12).

The partners are ``workbook.checklist.partners``; a budget line (of the budget or of a
scenario) names its funder by the partner's id (``BudgetLine.partner``). The rules, each
applied here once and read by the checklist, the budget, the PDF, ``kpa check`` and the
spreadsheets:

- **Name.** The partner's ``name`` is the one truth: :func:`funder_name` gives it for a line.
  A line whose id no partner holds any more (removed on another device, the merge kept the
  line) reads « financeur inconnu »; :func:`unknown_partner_lines` lists such lines for a
  warning; they are never dropped and still count in the budget.
- **Role.** A partner is a funder when its « Financeur » role is ticked *or* a line of the
  budget or of a scenario points to it (:func:`partner_roles`). The pages and the import tick
  the role when they link a line, so the file says it too.
- **Engaged.** A funder is engaged when at least one of its lines of the budget (the current
  one, not a scenario) is voté / notifié or versé, as the funding section shows it (« et s'il
  dit non ? » counts as refused). Clients and relays are engaged by their status.
- **Status.** The status shown for a partner who funds lines of the budget follows them: a
  voted or paid line makes it « Engagé »; a request (demandé) makes it at least « Rencontré »;
  a partner who is only a funder is never « Engagé » without a voted or paid line (shown
  « Rencontré »). The status stored is kept as typed, so removing a line gives it back.

Names are matched (migration, import, the budget page's new names) by :func:`normalised_name`:
case, accents, apostrophes and spaces do not count.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from kpawidgets.i18n import N_, translate
from kpawidgets.model.money import ZERO
from kpawidgets.model.records.budget import SUBLINES, BudgetLine, BudgetPlan, Subline
from kpawidgets.model.records.checklist import PARTNER_ROLES, Partner
from kpawidgets.model.records.workbook import Workbook

__all__ = ["UNKNOWN_FUNDER", "SECURED_STATUSES", "PartnerFunding", "normalised_name", "find_partner",
           "partners_by_id", "partner_names", "funder_name", "line_funder_text", "partner_roles", "shown_status",
           "partner_funding", "partner_counts", "unknown_partner_lines", "unknown_funder_warnings", "all_plans",
           "funder_partner", "tick_funder_roles", "KIND_HINTS", "suggest_kind", "line_subline", "kindless_funders",
           "kindless_funder_warnings"]

#: What a line whose partner no longer exists shows instead of a name (French message id).
UNKNOWN_FUNDER = N_("financeur inconnu")
#: The line statuses that make a funder engaged.
SECURED_STATUSES = frozenset({"vote", "verse"})
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "‘": "'", "`": "'", "´": "'"})


def normalised_name(name: str) -> str:
    """*name* as compared: no accents, case folded, one kind of apostrophe, spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", name.translate(_APOSTROPHES))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.casefold().split())


def find_partner(partners: Iterable[Partner], name: str) -> Partner | None:
    """The first partner whose name matches *name* (:func:`normalised_name`); None for an empty name."""
    wanted = normalised_name(name)
    if not wanted:
        return None
    return next((partner for partner in partners if normalised_name(partner.name) == wanted), None)


def partners_by_id(workbook: Workbook) -> dict[str, Partner]:
    return {partner.id: partner for partner in workbook.checklist.partners}


def partner_names(*workbooks: Workbook) -> dict[str, str]:
    """Partner id → name in *workbooks* (the first one's name wins), to read the ids a file holds."""
    return {partner.id: partner.name for workbook in reversed(workbooks) for partner in workbook.checklist.partners}


def funder_name(workbook: Workbook, line: BudgetLine, known: dict[str, Partner] | None = None) -> str:
    """The name of *line*'s funder: its partner's name, « financeur inconnu » (translated) for an
    id no partner holds, "" for a line without a partner (or a partner without a name)."""
    if line.partner is None:
        return ""
    partner = (known if known is not None else partners_by_id(workbook)).get(line.partner)
    return translate(UNKNOWN_FUNDER) if partner is None else partner.name


def line_funder_text(workbook: Workbook, line: BudgetLine, known: dict[str, Partner] | None = None) -> str:
    """What names a funder line for people: its funder's name, else its label."""
    return funder_name(workbook, line, known) or line.label


def all_plans(workbook: Workbook) -> list[BudgetPlan]:
    """The budget and every scenario's copy of it."""
    return [workbook.budget, *(scenario.plan for scenario in workbook.budget.scenarios)]


def _funding_ids(workbook: Workbook) -> set[str]:
    return {line.partner for plan in all_plans(workbook) for line in plan.lines
            if line.partner is not None and line.is_funder}


def partner_roles(workbook: Workbook, partner: Partner, funding: set[str] | None = None) -> tuple[str, ...]:
    """*partner*'s roles in the vocabulary's order: those ticked, and « funder » when a line points to it."""
    funds = partner.id in (funding if funding is not None else _funding_ids(workbook))
    return tuple(role for role in PARTNER_ROLES if role in partner.roles or (role == "funder" and funds))


def shown_status(partner: Partner, roles: Iterable[str], line_statuses: Iterable[str]) -> str:
    """The status shown for *partner*, kept in step with its lines' statuses (rule in the module docstring)."""
    statuses = set(line_statuses)
    if statuses & SECURED_STATUSES:
        return "committed"
    if not statuses:
        return partner.status
    status = partner.status
    if status == "committed" and set(roles) <= {"funder"}:
        status = "met"
    if status == "to_contact" and "demande" in statuses:
        status = "met"
    return status


@dataclass(frozen=True)
class PartnerFunding:
    """A partner as the pages and the PDF show it: roles, status, and what it funds in the budget.

    ``lines`` are its lines of the budget (not the scenarios'); ``amount`` sums those not
    refused, ``secured`` those voted or paid; ``in_scenarios`` says a scenario's line points to it.
    """

    partner: Partner
    roles: tuple[str, ...]
    status: str
    lines: tuple[BudgetLine, ...]
    amount: Decimal
    secured: Decimal
    in_scenarios: bool

    @property
    def is_funder(self) -> bool:
        return "funder" in self.roles

    @property
    def engaged_as_funder(self) -> bool:
        """A voted or paid line in the budget (the rule in the module docstring)."""
        return any(line.effective_status in SECURED_STATUSES for line in self.lines)

    def engaged(self, role: str) -> bool:
        """Whether the partner is engaged in *role* (funders by their lines, others by their status)."""
        if role == "funder":
            return self.engaged_as_funder
        return self.status == "committed"

    def statuses(self) -> dict[str, Decimal]:
        """Amount per line status (« et s'il dit non ? » counted as refused), in the order of the statuses."""
        totals: dict[str, Decimal] = {}
        for line in self.lines:
            status = line.effective_status
            totals[status] = totals.get(status, ZERO) + line.amount
        order = ("verse", "vote", "demande", "envisage", "refuse")
        return {status: totals[status] for status in order if status in totals}


def partner_funding(workbook: Workbook) -> list[PartnerFunding]:
    """Every partner, in the list's order, with its roles, status and funding."""
    funding = _funding_ids(workbook)
    in_scenarios = {line.partner for scenario in workbook.budget.scenarios for line in scenario.plan.lines
                    if line.partner is not None and line.is_funder}
    by_partner: dict[str, list[BudgetLine]] = {}
    for line in workbook.budget.lines:
        if line.partner is not None and line.is_funder:
            by_partner.setdefault(line.partner, []).append(line)
    result = []
    for partner in workbook.checklist.partners:
        lines = tuple(by_partner.get(partner.id, ()))
        roles = partner_roles(workbook, partner, funding)
        statuses = [line.effective_status for line in lines]
        amount = sum((line.amount for line in lines if line.effective_status != "refuse"), ZERO)
        secured = sum((line.amount for line in lines if line.effective_status in SECURED_STATUSES), ZERO)
        result.append(PartnerFunding(partner, roles, shown_status(partner, roles, statuses), lines, amount, secured,
                                     partner.id in in_scenarios))
    return result


def partner_counts(workbook: Workbook) -> dict[str, dict[str, int]]:
    """Per role (client, funder, relay): how many partners in total and how many engaged."""
    counts = {role: {"total": 0, "committed": 0} for role in PARTNER_ROLES}
    for view in partner_funding(workbook):
        for role in view.roles:
            counts[role]["total"] += 1
            if view.engaged(role):
                counts[role]["committed"] += 1
    return counts


def unknown_partner_lines(workbook: Workbook) -> list[tuple[str | None, BudgetLine]]:
    """Lines whose partner id no partner holds: (the scenario's name, or None for the budget; the line)."""
    known = partners_by_id(workbook)
    where: list[tuple[str | None, BudgetPlan]] = [(None, workbook.budget)]
    where += [(scenario.name, scenario.plan) for scenario in workbook.budget.scenarios]
    return [(name, line) for name, plan in where for line in plan.lines
            if line.partner is not None and line.partner not in known]


# --------------------------------------------------------------------------- the funder's kind (Cerfa 74)
#: Words of a funder's name that suggest its kind, first match wins (the State's programmes before « ville »:
#: « Politique de la ville » is the State's money, not the commune's). Matched on whole words, accents aside.
KIND_HINTS: tuple[tuple[Subline, tuple[str, ...]], ...] = (
    ("etat", ("etat", "prefecture", "anct", "ddets", "dreets", "drajes", "sgar", "politique de la ville", "fdva",
              "fonjep", "ministere", "sous-prefecture")),
    ("europe", ("fse", "fse+", "feder", "europeen", "europeenne", "europe", "leader")),
    ("social", ("caf", "msa", "cpam", "carsat", "cnaf")),
    ("asp", ("asp", "emploi aide", "emplois aides", "pec", "adulte-relais", "adultes-relais", "france travail")),
    ("departement", ("departement", "conseil departemental")),
    ("region", ("region", "conseil regional")),
    ("interco", ("metropole", "agglomeration", "communaute", "communaute de communes", "epci", "interco")),
    ("commune", ("ville", "commune", "mairie", "municipal", "municipalite")),
    ("private", ("fondation", "fonds de dotation", "mecenat", "entreprise", "banque")),
)


def suggest_kind(*texts: str) -> Subline | None:
    """The Cerfa 74 kind a funder's name (and its line's label) suggests, or None when nothing in it says."""
    folded = " ".join(normalised_name(text) for text in texts)
    for kind, words in KIND_HINTS:
        if any(re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", folded) for word in words):
            return kind
    return None


def line_subline(workbook: Workbook, line: BudgetLine, known: dict[str, Partner] | None = None) -> str:
    """A 74 funder line's Cerfa sub-line: its partner's kind; while the partner has none, the line's own."""
    partners = known if known is not None else partners_by_id(workbook)
    partner = partners.get(line.partner or "")
    return partner.kind if partner is not None and partner.kind else line.effective_subline


def kindless_funders(workbook: Workbook) -> list[Partner]:
    """The partners a 74 line of the budget names whose kind is not said (their lines sit under their own sub-line)."""
    known = partners_by_id(workbook)
    seen: dict[str, Partner] = {}
    for line in workbook.budget.lines:
        partner = known.get(line.partner or "")
        if line.is_funder and line.account.startswith("74") and partner is not None and not partner.kind:
            seen.setdefault(partner.id, partner)
    return list(seen.values())


def kindless_funder_warnings(workbook: Workbook) -> list[str]:
    """One sentence per funder of a 74 line without a kind (page, ``kpa check``, the PDF's notes)."""
    known = partners_by_id(workbook)
    result = []
    for partner in kindless_funders(workbook):
        line = next(x for x in workbook.budget.lines if x.partner == partner.id and x.account.startswith("74"))
        result.append(translate(N_("« {name} » n'a pas de type de financeur (État, Région, Commune…) : ses lignes sont "
                                   "rangées sous « {subline} » sans que ce soit dit. Choisissez son type.")).format(
            name=partner.name, subline=translate(SUBLINES[line_subline(workbook, line, known)])))
    return result


def unknown_funder_warnings(workbook: Workbook) -> list[str]:
    """One sentence per line whose funder is no longer among the partners (translated)."""
    warnings = []
    for scenario, line in unknown_partner_lines(workbook):
        label = line.label or line.account
        if scenario is None:
            text = translate(N_("La ligne « {label} » du budget renvoie à un financeur qui n'est plus dans la liste des "
                                "partenaires : elle compte toujours, sous « financeur inconnu ». Choisissez son financeur."))
        else:
            text = translate(N_("La ligne « {label} » du scénario « {scenario} » renvoie à un financeur qui n'est plus dans "
                                "la liste des partenaires : elle compte toujours, sous « financeur inconnu »."))
        warnings.append(text.format(label=label, scenario=scenario))
    return warnings


def funder_partner(workbook: Workbook, name: str) -> Partner:
    """The partner named *name* (:func:`find_partner`), or a new funder of that name added to the
    checklist's partners. Either way it has the funder role (kept in step with the lines)."""
    partners = workbook.checklist.partners
    partner = find_partner(partners, name)
    if partner is None:
        # a new funder's kind suggested by its name (« Toulouse Métropole » → EPCI), shown and changeable
        partner = Partner(name=" ".join(name.split())[:200], roles=["funder"], kind=suggest_kind(name))
        partners.append(partner)
    elif "funder" not in partner.roles:
        partner.roles = [*partner.roles, "funder"]
    return partner


def tick_funder_roles(workbook: Workbook) -> None:
    """Tick the funder role of every partner a funder line (budget or scenario) points to."""
    funding = _funding_ids(workbook)
    for partner in workbook.checklist.partners:
        if partner.id in funding and "funder" not in partner.roles:
            partner.roles = [*partner.roles, "funder"]
