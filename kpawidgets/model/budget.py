"""The first-year budget in the Cerfa n°12156 layout: lines, staff, revenue, funders, scenarios.

Stored data (this module's pydantic models, the ``budget`` key of a workbook):

- :class:`BudgetLine` — one line of the budget on a Cerfa account (charges 60–68,
  produits 70–78, in-kind 86x whose mirror 87x is derived, so 86 = 87 always).
  A line on an account 74x (or any line with a ``status``) is a **funder line**:

  ``funder``        the funder's name (« Ville de Lys », « CAF du Nord »…)
  ``subline``       the Cerfa 74 sub-line (:data:`SUBLINES`: etat, region, departement,
                    interco, commune, social, europe, asp, public_other, private)
  ``status``        envisage → demande → vote (voté / notifié) → verse, or refuse
  ``advance_pct``   share paid as an advance (0–100 %), in month ``advance_month``
  ``balance_month`` month of the balance (may be > 12: after the end of year 1)
  ``deadline``      application deadline (date limite de dépôt)   — for the timeline
  ``answer_date``   expected answer date (date de réponse attendue) — for the timeline
  ``assume_no``     the « et s'il dit non ? » toggle: the line counts as refused

  Months are numbered from 1 (the first month of year 1, :attr:`BudgetPlan.start_month`).

- :class:`StaffCost` — salary settings for one member of the support team
  (``workbook.checklist.team``, matched by label): gross monthly salary for a full time
  (default the SMIC), employer contribution rate (presets), months worked → 641/645;
  members paid by a partner or volunteers → 86/87 at a value the user sets.
- :class:`Activity` — activity revenue (account 70): units × price per month with a ramp-up.
- :class:`Sharing` — how the activity revenue is shared among the coopérant·es.
- :class:`Scenario` — a named copy of the whole budget (:class:`BudgetPlan`).

Computations (pure functions of a workbook, used by the page, the CLI, the spreadsheet
export and the PDF; their names are stable): :func:`budget_totals`, :func:`coverage`,
:func:`monthly_cash`, :func:`cerfa_table`, :func:`staff_rows`, :func:`activity_rows`,
:func:`revenue_sharing`, :func:`network_comparison`, :func:`scenario_comparison`,
:func:`funding_calendar`, :func:`check_fields`. Every amount is a ``Decimal`` exact to the
cent; every per-month amount is rounded to the cent first and sums are made of those, so
the budget, the cash table and the spreadsheet agree to the cent.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, field_validator

from kpawidgets.errors import KpaError
from kpawidgets.i18n import N_
from kpawidgets.model.base import KpaModel
from kpawidgets.model.money import CENT, ZERO, AmountError, Money, parse_amount

if TYPE_CHECKING:  # pragma: no cover - typing only (workbook.py imports this module)
    from kpawidgets.model.checklist import Checklist
    from kpawidgets.model.workbook import Workbook

__all__ = [
    "ACCOUNTS", "CHARGE_GROUPS", "PRODUIT_GROUPS", "INKIND_USES", "INKIND_RESOURCES", "INKIND_MIRROR",
    "SUBLINES", "STATUSES", "STATUS_BUCKET", "STATUS_LIKELIHOOD", "RATE_PRESETS", "SMIC_GROSS_MONTHLY",
    "BudgetError", "BudgetLine", "StaffCost", "Activity", "Sharer", "Sharing", "BudgetPlan", "Scenario", "Budget",
    "Entry", "Totals", "Coverage", "CashMonth", "Cash", "CerfaRow", "CerfaTable", "StaffRow", "ActivityRow",
    "ShareRow", "SharingResult", "NetworkRow", "ScenarioFigures", "FundingEvent",
    "account_label", "account_group", "is_known_account", "new_id", "month_date", "plan_start",
    "parse_percent", "parse_money_field", "entries", "budget_totals", "coverage", "monthly_cash", "cerfa_table",
    "staff_rows", "activity_rows", "revenue_sharing", "network_comparison", "scenario_comparison",
    "funding_calendar", "plan_of", "copy_plan", "check_fields", "split_evenly",
]

# --------------------------------------------------------------------------- the Cerfa plan
#: Account code → French label (translate with ``_()`` when shown). Two-digit codes are the
#: Cerfa's blocks, three-digit codes its sub-accounts.
ACCOUNTS: dict[str, str] = {
    "60": N_("Achats"),
    "604": N_("Prestations de services"),
    "606": N_("Achats matières et fournitures"),
    "607": N_("Autres fournitures"),
    "61": N_("Services extérieurs"),
    "613": N_("Locations"),
    "615": N_("Entretien et réparation"),
    "616": N_("Assurance"),
    "618": N_("Documentation"),
    "62": N_("Autres services extérieurs"),
    "622": N_("Rémunérations intermédiaires et honoraires"),
    "623": N_("Publicité, publication"),
    "625": N_("Déplacements, missions"),
    "626": N_("Frais postaux et de télécommunications"),
    "627": N_("Services bancaires, autres"),
    "63": N_("Impôts et taxes"),
    "631": N_("Impôts et taxes sur rémunération"),
    "635": N_("Autres impôts et taxes"),
    "64": N_("Charges de personnel"),
    "641": N_("Rémunération des personnels"),
    "645": N_("Charges sociales"),
    "647": N_("Autres charges de personnel"),
    "65": N_("Autres charges de gestion courante"),
    "66": N_("Charges financières"),
    "67": N_("Charges exceptionnelles"),
    "68": N_("Dotation aux amortissements"),
    "70": N_("Vente de produits finis, de marchandises, prestations de services"),
    "73": N_("Dotations et produits de tarification"),
    "74": N_("Subventions d'exploitation"),
    "75": N_("Autres produits de gestion courante"),
    "756": N_("Cotisations"),
    "758": N_("Dons manuels, mécénat"),
    "76": N_("Produits financiers"),
    "77": N_("Produits exceptionnels"),
    "78": N_("Reprises sur amortissements et provisions"),
    "86": N_("Emplois des contributions volontaires en nature"),
    "860": N_("Secours en nature"),
    "861": N_("Mise à disposition gratuite de biens et services"),
    "862": N_("Prestations"),
    "864": N_("Personnel bénévole"),
    "87": N_("Contributions volontaires en nature"),
    "870": N_("Bénévolat"),
    "871": N_("Prestations en nature"),
    "875": N_("Dons en nature"),
}
CHARGE_GROUPS = ("60", "61", "62", "63", "64", "65", "66", "67", "68")
PRODUIT_GROUPS = ("70", "73", "74", "75", "76", "77", "78")
INKIND_USES = ("860", "861", "862", "864")
INKIND_RESOURCES = ("870", "871", "875")
#: Each in-kind use (86x) and the resource (87x) that mirrors it.
INKIND_MIRROR = {"860": "875", "861": "871", "862": "871", "864": "870"}

#: Cerfa sub-lines of account 74, in the form's order.
SUBLINES: dict[str, str] = {
    "etat": N_("État"),
    "region": N_("Région(s)"),
    "departement": N_("Département(s)"),
    "interco": N_("Intercommunalité(s) – EPCI"),
    "commune": N_("Commune(s)"),
    "social": N_("Organismes sociaux (CAF…)"),
    "europe": N_("Fonds européens (FSE…)"),
    "asp": N_("ASP (emplois aidés)"),
    "public_other": N_("Autres établissements publics"),
    "private": N_("Aides privées (fondations)"),
}
Subline = Literal["etat", "region", "departement", "interco", "commune", "social", "europe", "asp",
                  "public_other", "private"]

FunderStatus = Literal["envisage", "demande", "vote", "verse", "refuse"]
STATUSES: dict[str, str] = {
    "envisage": N_("envisagé"),
    "demande": N_("demandé"),
    "vote": N_("voté / notifié"),
    "verse": N_("versé"),
    "refuse": N_("refusé"),
}
#: Which coverage bucket each status fills (refused lines fill none).
STATUS_BUCKET = {"envisage": "considered", "demande": "requested", "vote": "secured", "verse": "secured"}
#: Likelihood of each status for the probability view (a rule of thumb, stated on the page).
STATUS_LIKELIHOOD = {"envisage": 0.3, "demande": 0.6, "vote": 1.0, "verse": 1.0, "refuse": 0.0}

RatePreset = Literal["smic", "standard", "custom"]
#: Employer contribution presets (percent of gross): near the SMIC the general reduction
#: leaves about 15 %; a standard non-executive wage costs about 30 %.
RATE_PRESETS: dict[str, Decimal] = {"smic": Decimal("15"), "standard": Decimal("30")}
#: Gross monthly SMIC for a full time from 1 January 2026.
SMIC_GROSS_MONTHLY = Decimal("1823.03")
#: Last month a payment may be scheduled in (three years after the start).
MAX_MONTH = 36
HUNDRED = Decimal(100)


class BudgetError(KpaError):
    """An invalid budget entry (a percentage, a month…), with a message for the person."""


def new_id() -> str:
    """A short random identifier for a line (stable across edits and reorderings)."""
    return secrets.token_hex(4)


def account_group(account: str) -> str:
    """The Cerfa block of an account: ``613`` → ``61``."""
    return account[:2]


def is_known_account(account: str) -> bool:
    return account in ACCOUNTS


def account_label(account: str) -> str:
    """The French label of an account (or sub-line key), untranslated."""
    return ACCOUNTS.get(account) or SUBLINES.get(account) or account


# --------------------------------------------------------------------------- typed entry helpers
def parse_money_field(text: str) -> Decimal:
    """A non-negative amount typed in a field (``1 234,56``); raises AmountError."""
    return parse_amount(text, allow_negative=False)


def parse_percent(text: str) -> Decimal:
    """A percentage typed as ``30``, ``12,5`` or ``30 %`` (0 to 100); raises BudgetError."""
    raw = text if isinstance(text, str) else str(text)
    cleaned = raw.replace("%", "").strip()
    try:
        value = parse_amount(cleaned, allow_negative=False) if cleaned else None
    except AmountError:
        value = None
    if value is None or value > HUNDRED:
        raise BudgetError("« {value} » n'est pas un pourcentage entre 0 et 100.", value=raw)
    return value.normalize() if value == value.to_integral() else value


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def split_evenly(amount: Decimal, months: Sequence[int]) -> dict[int, Decimal]:
    """*amount* shared over *months* in whole cents; the leftover cents go to the first months."""
    if not months:
        return {}
    cents = int((amount / CENT).to_integral_value(rounding=ROUND_HALF_UP))
    base, rest = divmod(cents, len(months))
    return {month: Decimal(base + (1 if index < rest else 0)) * CENT for index, month in enumerate(months)}


# --------------------------------------------------------------------------- stored models
class BudgetLine(KpaModel):
    """One line of the budget on a Cerfa account; a funder line when on 74x or with a status."""

    id: str = Field(default_factory=new_id, pattern=r"^[A-Za-z0-9_-]{1,32}$")
    account: str = Field(description="Compte du plan Cerfa (60…68, 70…78, 860…864)")
    label: str = Field(default="", max_length=200, description="Libellé")
    amount: Money = Field(default=ZERO, description="Montant de l'année 1")
    month: int | None = Field(default=None, ge=1, le=MAX_MONTH,
                              description="Mois du paiement ; vide : réparti sur les 12 mois")
    funder: str = Field(default="", max_length=200, description="Financeur (lignes 74/75)")
    subline: Subline | None = Field(default=None, description="Sous-ligne Cerfa du compte 74")
    status: FunderStatus | None = Field(default=None, description="Statut de la demande")
    advance_pct: Decimal = Field(default=HUNDRED, ge=0, le=100, description="Avance (% du montant)")
    advance_month: int = Field(default=1, ge=1, le=MAX_MONTH, description="Mois de l'avance")
    balance_month: int | None = Field(default=None, ge=1, le=MAX_MONTH,
                                      description="Mois du solde (peut dépasser 12)")
    deadline: dt.date | None = Field(default=None, description="Date limite de dépôt du dossier")
    answer_date: dt.date | None = Field(default=None, description="Date de réponse attendue")
    assume_no: bool = Field(default=False, description="« Et s'il dit non ? » : compter la ligne comme refusée")

    @field_validator("account")
    @classmethod
    def _known_account(cls, value: str) -> str:
        if value not in ACCOUNTS or value in ("86", "87") or value.startswith("87"):
            raise ValueError(f"compte « {value} » inconnu du plan Cerfa (ou 87, déduit des lignes 86)")
        return value

    @field_validator("amount")
    @classmethod
    def _not_negative(cls, value: Decimal) -> Decimal:
        if value < 0:
            raise ValueError("le montant ne peut pas être négatif")
        return value

    @property
    def is_funder(self) -> bool:
        return self.account.startswith("74") or self.status is not None

    @property
    def is_in_kind(self) -> bool:
        return self.account.startswith("86")

    @property
    def is_charge(self) -> bool:
        return account_group(self.account) in CHARGE_GROUPS

    @property
    def effective_status(self) -> str:
        """The status used by the computations (``refuse`` when « et s'il dit non ? » is on)."""
        if self.assume_no:
            return "refuse"
        return self.status or "envisage"

    @property
    def effective_subline(self) -> str:
        return self.subline or ("private" if self.account.startswith("75") else "public_other")


class StaffCost(KpaModel):
    """Salary settings of one support-team member (``checklist.team``), matched by ``member`` label."""

    member: str = Field(max_length=200, description="Libellé du membre de l'équipe (check-list)")
    gross_monthly: Money = Field(default=SMIC_GROSS_MONTHLY, description="Salaire brut mensuel à temps plein")
    rate_preset: RatePreset = Field(default="standard", description="Taux de charges patronales : préréglage")
    custom_rate: Decimal = Field(default=Decimal("30"), ge=0, le=100, description="Taux personnalisé (%)")
    months: int = Field(default=12, ge=0, le=12, description="Mois travaillés dans l'année 1")
    start_month: int = Field(default=1, ge=1, le=12, description="Premier mois travaillé")
    in_kind_value: Money | None = Field(default=None,
                                        description="Valeur retenue (mise à disposition, bénévolat) ; vide : brut × ETP × mois")

    @property
    def rate(self) -> Decimal:
        return RATE_PRESETS.get(self.rate_preset, self.custom_rate)


class Activity(KpaModel):
    """An activity's revenue forecast (account 70): units × price per month, with a ramp-up."""

    id: str = Field(default_factory=new_id, pattern=r"^[A-Za-z0-9_-]{1,32}$")
    name: str = Field(default="", max_length=200)
    units_per_month: Decimal = Field(default=Decimal("0"), ge=0, le=100000, description="Unités vendues par mois (rythme de croisière)")
    unit_price: Money = Field(default=ZERO, description="Prix moyen d'une unité")
    start_month: int = Field(default=1, ge=1, le=12, description="Premier mois de vente")
    ramp_months: int = Field(default=0, ge=0, le=11, description="Mois de montée en charge")


class Sharer(KpaModel):
    """A coopérant·e in the revenue sharing (first name only) and their hours worked."""

    name: str = Field(default="", max_length=100)
    hours: Decimal = Field(default=Decimal("0"), ge=0, le=10000)


class Sharing(KpaModel):
    """How the activity revenue is shared: CAE share, materials, common pot, rest by hours."""

    materials: Money = Field(default=ZERO, description="Matières premières et matériel des activités")
    common_pot_pct: Decimal = Field(default=Decimal("10"), ge=0, le=100, description="Pot commun (% après CAE et matières)")
    people: list[Sharer] = Field(default_factory=list, max_length=200)


class BudgetPlan(KpaModel):
    """Everything a scenario copies: the budget proper."""

    start_month: dt.date | None = Field(default=None, description="Premier mois de l'année 1 (défaut : mois du lancement)")
    starting_cash: Money = Field(default=ZERO, description="Trésorerie au départ")
    lines: list[BudgetLine] = Field(default_factory=list, max_length=2000)
    staff: list[StaffCost] = Field(default_factory=list, max_length=200)
    activities: list[Activity] = Field(default_factory=list, max_length=200)
    cae_rate: Decimal = Field(default=Decimal("10"), ge=0, le=100, description="Contribution à la CAE (% du chiffre d'affaires)")
    equipment_month: int = Field(default=1, ge=1, le=12, description="Mois d'achat de l'équipement")
    members: int = Field(default=0, ge=0, le=500, description="Nombre de coopérant·es prévu")
    sharing: Sharing = Field(default_factory=Sharing)


class Scenario(KpaModel):
    """A named copy of the budget (prudent, central, ambitieux, or the user's own)."""

    name: str = Field(min_length=1, max_length=80)
    plan: BudgetPlan = Field(default_factory=BudgetPlan)


class Budget(BudgetPlan):
    """The first-year budget of a territory, plus its saved scenarios."""

    scenarios: list[Scenario] = Field(default_factory=list, max_length=50)


def copy_plan(plan: BudgetPlan) -> BudgetPlan:
    """A deep copy of the budget part of *plan* (scenarios left out)."""
    data = plan.model_dump(exclude={"scenarios"})
    return BudgetPlan.model_validate(data)


def plan_of(workbook: Workbook, plan: BudgetPlan | None = None) -> BudgetPlan:
    return plan if plan is not None else workbook.budget


def plan_start(workbook: Workbook, plan: BudgetPlan | None = None) -> dt.date:
    """The first day of month 1: the budget's start month, else the launch month, else next January."""
    chosen = plan_of(workbook, plan).start_month
    if chosen is not None:
        return chosen.replace(day=1)
    launch = workbook.identity.launch_date
    if launch is not None:
        return launch.replace(day=1)
    return dt.date(dt.date.today().year + 1, 1, 1)


def month_date(start: dt.date, month: int) -> dt.date:
    """The first day of month number *month* (1 = *start*)."""
    index = start.year * 12 + start.month - 1 + month - 1
    return dt.date(index // 12, index % 12 + 1, 1)


# --------------------------------------------------------------------------- computed entries
Origin = Literal["line", "staff", "equipment", "activity", "cae"]


@dataclass(frozen=True)
class Entry:
    """One amount of the computed budget, entered or derived, with its cash timing.

    ``side`` is ``charge``, ``produit`` or ``inkind`` (86x, mirrored to ``mirror`` 87x).
    ``cash`` maps month → amount paid (charges) or received (produits); in-kind moves no cash.
    ``bucket`` is the coverage bucket of a produit (secured, requested, considered, revenue).
    """

    side: str
    account: str
    label: str
    amount: Decimal
    origin: str
    line_id: str | None = None
    cash: dict[int, Decimal] = field(default_factory=dict)
    bucket: str | None = None
    funder: str = ""
    subline: str | None = None
    status: str | None = None
    mirror: str | None = None


@dataclass(frozen=True)
class StaffRow:
    """Staff cost of one team member for year 1 (project-paid) or in-kind value (others)."""

    member: str
    organisation: str
    fte: Decimal
    paid_by: str
    settings: StaffCost
    months: list[int]
    gross: Decimal          # 641 (project) or 0
    contributions: Decimal  # 645 (project) or 0
    in_kind: Decimal        # 86/87 value (partner, volunteer) or 0
    monthly_cost: Decimal   # gross + contributions per month worked (project)

    @property
    def total(self) -> Decimal:
        return self.gross + self.contributions


def _team(workbook: Workbook) -> list[Any]:
    checklist: Checklist | None = getattr(workbook, "checklist", None)
    return list(getattr(checklist, "team", []) or [])


def _equipment(workbook: Workbook) -> list[Any]:
    checklist: Checklist | None = getattr(workbook, "checklist", None)
    return list(getattr(checklist, "equipment", []) or [])


def staff_settings_for(plan: BudgetPlan, label: str, used: set[int] | None = None) -> StaffCost:
    """The settings stored for team member *label* (the first unused match), or defaults."""
    for index, settings in enumerate(plan.staff):
        if settings.member == label and (used is None or index not in used):
            if used is not None:
                used.add(index)
            return settings
    return StaffCost(member=label[:200])


def staff_rows(workbook: Workbook, plan: BudgetPlan | None = None) -> list[StaffRow]:
    """Staff costs built from ``workbook.checklist.team`` and the budget's salary settings.

    Project-paid: 641 = round(gross × FTE) × months, 645 = round(641 monthly × rate) × months.
    Paid by a partner or volunteer: in-kind value = the set value, else round(gross × FTE) × months.
    """
    chosen = plan_of(workbook, plan)
    rows = []
    used: set[int] = set()
    for member in _team(workbook):
        label = str(getattr(member, "label", "") or "")
        fte = Decimal(str(getattr(member, "fte", 0) or 0))
        paid_by = str(getattr(member, "paid_by", "project") or "project")
        settings = staff_settings_for(chosen, label, used)
        last = min(12, settings.start_month + settings.months - 1)
        months = list(range(settings.start_month, last + 1)) if settings.months else []
        monthly_gross = _money(settings.gross_monthly * fte)
        if paid_by == "project":
            monthly_contrib = _money(monthly_gross * settings.rate / HUNDRED)
            gross = monthly_gross * len(months)
            contributions = monthly_contrib * len(months)
            rows.append(StaffRow(label, str(getattr(member, "organisation", "") or ""), fte, paid_by, settings,
                                 months, gross, contributions, ZERO, monthly_gross + monthly_contrib))
        else:
            value = settings.in_kind_value if settings.in_kind_value is not None else monthly_gross * len(months)
            rows.append(StaffRow(label, str(getattr(member, "organisation", "") or ""), fte, paid_by, settings,
                                 months, ZERO, ZERO, value, ZERO))
    return rows


@dataclass(frozen=True)
class ActivityRow:
    """An activity's revenue month by month over year 1."""

    activity: Activity
    monthly: dict[int, Decimal]

    @property
    def total(self) -> Decimal:
        return sum(self.monthly.values(), ZERO)


def activity_monthly(activity: Activity) -> dict[int, Decimal]:
    """Revenue per month (1–12): full = units × price; the ramp-up months get k/(ramp+1) of it."""
    full = activity.units_per_month * activity.unit_price
    result: dict[int, Decimal] = {}
    for month in range(1, 13):
        step = month - activity.start_month + 1
        if step <= 0:
            result[month] = ZERO
        elif step <= activity.ramp_months:
            result[month] = _money(full * step / (activity.ramp_months + 1))
        else:
            result[month] = _money(full)
    return result


def activity_rows(workbook: Workbook, plan: BudgetPlan | None = None) -> list[ActivityRow]:
    return [ActivityRow(a, activity_monthly(a)) for a in plan_of(workbook, plan).activities]


def _funder_cash(line: BudgetLine) -> dict[int, Decimal]:
    advance = _money(line.amount * line.advance_pct / HUNDRED)
    balance = line.amount - advance
    cash: dict[int, Decimal] = {}
    if advance:
        cash[line.advance_month] = advance
    if balance:
        month = line.balance_month or max(line.advance_month, 12)
        cash[month] = cash.get(month, ZERO) + balance
    return cash


def entries(workbook: Workbook, plan: BudgetPlan | None = None) -> list[Entry]:
    """Every amount of the budget — entered lines and derived ones — in Cerfa order of origin.

    Refused funder lines (and lines under « et s'il dit non ? ») are left out: they bring nothing.
    """
    chosen = plan_of(workbook, plan)
    year = list(range(1, 13))
    result: list[Entry] = []
    # Staff (641/645, or in-kind).
    for row in staff_rows(workbook, chosen):
        name = row.member
        if row.paid_by == "project":
            monthly_gross = _money(row.settings.gross_monthly * row.fte)
            monthly_contrib = row.monthly_cost - monthly_gross
            result.append(Entry("charge", "641", name, row.gross, "staff",
                                cash={m: monthly_gross for m in row.months}))
            result.append(Entry("charge", "645", name, row.contributions, "staff",
                                cash={m: monthly_contrib for m in row.months}))
        elif row.in_kind:
            use = "861" if row.paid_by == "partner" else "864"
            result.append(Entry("inkind", use, name, row.in_kind, "staff", mirror=INKIND_MIRROR[use]))
    # Equipment from the checklist: bought → 606 at the purchase month, borrowed → in-kind 861/871.
    for item in _equipment(workbook):
        cost = Decimal(str(getattr(item, "cost", 0) or 0))
        label = str(getattr(item, "label", "") or "")
        status = getattr(item, "status", "buy")
        if not cost:
            continue
        if status == "buy":
            result.append(Entry("charge", "606", label, cost, "equipment", cash={chosen.equipment_month: cost}))
        elif status == "borrow":
            result.append(Entry("inkind", "861", label, cost, "equipment", mirror="871"))
    # Activity revenue (70) and the CAE's contribution (622).
    cae_monthly: dict[int, Decimal] = {m: ZERO for m in year}
    for sales in activity_rows(workbook, chosen):
        result.append(Entry("produit", "70", sales.activity.name, sales.total, "activity", line_id=sales.activity.id,
                            cash=dict(sales.monthly), bucket="revenue"))
        for month, amount in sales.monthly.items():
            cae_monthly[month] += _money(amount * chosen.cae_rate / HUNDRED)
    cae_total = sum(cae_monthly.values(), ZERO)
    if cae_total:
        result.append(Entry("charge", "622", N_("Contribution à la CAE"), cae_total, "cae",
                            cash={m: a for m, a in cae_monthly.items() if a}))
    # Entered lines.
    for line in chosen.lines:
        if line.is_in_kind:
            result.append(Entry("inkind", line.account, line.label, line.amount, "line", line.id,
                                mirror=INKIND_MIRROR.get(line.account, "871")))
            continue
        if line.is_funder:
            status = line.effective_status
            if status == "refuse":
                continue
            result.append(Entry("produit", line.account, line.label or line.funder, line.amount, "line", line.id,
                                cash=_funder_cash(line), bucket=STATUS_BUCKET[status], funder=line.funder,
                                subline=line.effective_subline if line.account.startswith("74") else None,
                                status=status))
            continue
        months = [line.month] if line.month else year
        side = "charge" if line.is_charge else "produit"
        result.append(Entry(side, line.account, line.label, line.amount, "line", line.id,
                            cash=split_evenly(line.amount, months),
                            bucket=None if side == "charge" else "revenue"))
    return result


# --------------------------------------------------------------------------- totals
@dataclass(frozen=True)
class Totals:
    """Totals per Cerfa block and overall; ``balance`` = produits − charges."""

    charges: Decimal
    produits: Decimal
    in_kind: Decimal
    by_account: dict[str, Decimal]
    by_subline: dict[str, Decimal]

    @property
    def balance(self) -> Decimal:
        return self.produits - self.charges

    @property
    def missing(self) -> Decimal:
        """Resources still to find (0 when balanced or in surplus)."""
        return max(ZERO, self.charges - self.produits)

    @property
    def surplus(self) -> Decimal:
        return max(ZERO, self.produits - self.charges)


def budget_totals(workbook: Workbook, plan: BudgetPlan | None = None, *,
                  computed: Sequence[Entry] | None = None) -> Totals:
    """Totals of charges, produits and in-kind; per two-digit block and per 74 sub-line."""
    items = computed if computed is not None else entries(workbook, plan)
    by_account: dict[str, Decimal] = {}
    by_subline: dict[str, Decimal] = {}
    charges = produits = in_kind = ZERO
    for item in items:
        group = account_group(item.account)
        by_account[group] = by_account.get(group, ZERO) + item.amount
        if item.side == "charge":
            charges += item.amount
        elif item.side == "produit":
            produits += item.amount
            if item.subline:
                by_subline[item.subline] = by_subline.get(item.subline, ZERO) + item.amount
        else:
            in_kind += item.amount
    by_account["87"] = by_account.get("86", ZERO)
    return Totals(charges, produits, in_kind, by_account, by_subline)


# --------------------------------------------------------------------------- coverage
@dataclass(frozen=True)
class MissingItem:
    """Something not yet secured: a funder line (label, funder, status, amount) or the gap."""

    label: str
    funder: str
    status: str
    amount: Decimal


@dataclass(frozen=True)
class Coverage:
    """How the year's charges are covered: secured (voted + paid), requested, considered,
    activity and own revenue, and the gap; ``secured_ratio`` = secured / charges.

    ``full_funding_chance`` is the probability view: with :data:`STATUS_LIKELIHOOD` per status
    and funders deciding independently, the chance that the resources reach the charges.
    """

    charges: Decimal
    secured: Decimal
    requested: Decimal
    considered: Decimal
    revenue: Decimal
    gap: Decimal
    surplus: Decimal
    missing: list[MissingItem]
    expected: Decimal
    full_funding_chance: float

    @property
    def secured_ratio(self) -> Decimal:
        if not self.charges:
            return Decimal(0)
        return self.secured / self.charges

    @property
    def secured_pct(self) -> Decimal:
        """Secured over charges, in percent to one decimal."""
        return (self.secured_ratio * HUNDRED).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    def parts(self) -> list[tuple[str, Decimal]]:
        """The stacked bar's parts in order: secured, requested, considered, revenue, gap."""
        return [("secured", self.secured), ("requested", self.requested), ("considered", self.considered),
                ("revenue", self.revenue), ("gap", self.gap)]


def _chance_of_reaching(need: Decimal, uncertain: list[tuple[Decimal, float]]) -> float:
    """P(sum of the uncertain amounts that come ≥ need), amounts counted in 100 € steps (rounded down)."""
    if need <= 0:
        return 1.0
    step = Decimal(100)
    target = int((need / step).to_integral_value(rounding=ROUND_CEILING))
    dist: dict[int, float] = {0: 1.0}
    for amount, chance in uncertain:
        units = int(amount // step)
        if chance <= 0 or units <= 0:
            continue
        nxt: dict[int, float] = {}
        for total, p in dist.items():
            nxt[total] = nxt.get(total, 0.0) + p * (1 - chance)
            reached = min(target, total + units)
            nxt[reached] = nxt.get(reached, 0.0) + p * chance
        dist = nxt
    return sum(p for total, p in dist.items() if total >= target)


def coverage(workbook: Workbook, plan: BudgetPlan | None = None, *,
             computed: Sequence[Entry] | None = None) -> Coverage:
    """Funding coverage of year 1 (the deck's « 65 % des financements acquis »)."""
    items = computed if computed is not None else entries(workbook, plan)
    buckets = {"secured": ZERO, "requested": ZERO, "considered": ZERO, "revenue": ZERO}
    charges = ZERO
    missing: list[MissingItem] = []
    uncertain: list[tuple[Decimal, float]] = []
    expected = ZERO
    for item in items:
        if item.side == "charge":
            charges += item.amount
        elif item.side == "produit" and item.bucket:
            buckets[item.bucket] += item.amount
            if item.status in ("envisage", "demande"):
                missing.append(MissingItem(item.label, item.funder, item.status, item.amount))
                uncertain.append((item.amount, STATUS_LIKELIHOOD[item.status]))
                expected += _money(item.amount * Decimal(str(STATUS_LIKELIHOOD[item.status])))
            else:
                expected += item.amount
    produits = sum(buckets.values(), ZERO)
    gap = max(ZERO, charges - produits)
    surplus = max(ZERO, produits - charges)
    sure = buckets["secured"] + buckets["revenue"]
    chance = 0.0 if gap else _chance_of_reaching(charges - sure, uncertain)
    missing.sort(key=lambda m: (0 if m.status == "demande" else 1, -m.amount))
    return Coverage(charges, buckets["secured"], buckets["requested"], buckets["considered"], buckets["revenue"],
                    gap, surplus, missing, expected, chance)


# --------------------------------------------------------------------------- monthly cash
@dataclass(frozen=True)
class CashMonth:
    """One month of the cash plan: money in, money out, and the balance at the month's end."""

    month: int
    date: dt.date
    cash_in: Decimal
    cash_out: Decimal
    balance: Decimal
    grants_in: Decimal
    revenue_in: Decimal
    staff_out: Decimal
    other_out: Decimal


@dataclass(frozen=True)
class Cash:
    """Month-by-month cash over year 1 and the months until the last grant balance arrives."""

    start: dt.date
    starting_cash: Decimal
    months: list[CashMonth]
    lowest: Decimal
    lowest_month: int
    lowest_date: dt.date

    @property
    def need(self) -> Decimal:
        """The advance or overdraft needed to get through (0 if the balance never goes below zero)."""
        return max(ZERO, -self.lowest)

    @property
    def back_above_zero(self) -> CashMonth | None:
        """The first month after the lowest point where the balance is back at zero or above."""
        for month in self.months:
            if month.month > self.lowest_month and month.balance >= 0:
                return month
        return None

    @property
    def end_balance(self) -> Decimal:
        return self.months[-1].balance if self.months else self.starting_cash


def monthly_cash(workbook: Workbook, plan: BudgetPlan | None = None, *,
                 computed: Sequence[Entry] | None = None) -> Cash:
    """Cash in (grants by their schedule, revenue), cash out (salaries monthly, purchases when made).

    The plan runs over 12 months, longer when a grant balance arrives later. The lowest point is the
    lowest end-of-month balance (the first month if several are equal).
    """
    chosen = plan_of(workbook, plan)
    items = computed if computed is not None else entries(workbook, chosen)
    start = plan_start(workbook, chosen)
    last = 12
    for item in items:
        if item.cash:
            last = max(last, max(item.cash))
    grants = {m: ZERO for m in range(1, last + 1)}
    revenue = dict(grants)
    staff = dict(grants)
    other = dict(grants)
    for item in items:
        for month, amount in item.cash.items():
            if item.side == "charge":
                (staff if item.origin == "staff" else other)[month] += amount
            elif item.side == "produit":
                (grants if item.status else revenue)[month] += amount
    balance = chosen.starting_cash
    months = []
    for month in range(1, last + 1):
        cash_in = grants[month] + revenue[month]
        cash_out = staff[month] + other[month]
        balance = balance + cash_in - cash_out
        months.append(CashMonth(month, month_date(start, month), cash_in, cash_out, balance, grants[month],
                                revenue[month], staff[month], other[month]))
    lowest = min(months, key=lambda m: (m.balance, m.month))
    return Cash(start, chosen.starting_cash, months, lowest.balance, lowest.month, lowest.date)


# --------------------------------------------------------------------------- the Cerfa table
@dataclass(frozen=True)
class CerfaRow:
    """A row of the Cerfa layout: ``level`` 1 = block (60, 74…), 2 = line or 74 sub-line, 3 = funder line."""

    level: int
    account: str
    label: str
    amount: Decimal
    origin: str = ""
    line_id: str | None = None
    status: str | None = None


@dataclass(frozen=True)
class CerfaTable:
    """Charges, produits and the mirrored in-kind blocks 86 / 87, with their totals.

    Level-1 and sub-line labels, and rows whose ``origin`` is ``cae``, are French message ids
    (translate them with ``_()``); other labels are the person's own text (an empty label: show
    the sub-account's label instead).
    """

    charges: list[CerfaRow]
    produits: list[CerfaRow]
    uses: list[CerfaRow]
    resources: list[CerfaRow]
    totals: Totals


def cerfa_table(workbook: Workbook, plan: BudgetPlan | None = None, *,
                computed: Sequence[Entry] | None = None, all_blocks: bool = True) -> CerfaTable:
    """The budget as the Cerfa n°12156 form lays it out (blocks always, lines under them).

    A level-2 row's label is the entered label; its ``account`` says the sub-account. Derived rows
    (staff, CAE) carry the member's name or a fixed French label.
    """
    items = list(computed if computed is not None else entries(workbook, plan))
    totals = budget_totals(workbook, plan, computed=items)

    def block(groups: Sequence[str], side: str) -> list[CerfaRow]:
        rows: list[CerfaRow] = []
        for group in groups:
            mine = [e for e in items if e.side == side and account_group(e.account) == group]
            if not mine and not all_blocks:
                continue
            rows.append(CerfaRow(1, group, ACCOUNTS[group], totals.by_account.get(group, ZERO)))
            if group == "74":
                for key in SUBLINES:
                    funded = [e for e in mine if e.subline == key]
                    if not funded:
                        continue
                    rows.append(CerfaRow(2, key, SUBLINES[key], sum((e.amount for e in funded), ZERO), "subline"))
                    rows.extend(CerfaRow(3, e.account, e.label, e.amount, e.origin, e.line_id, e.status) for e in funded)
                rows.extend(CerfaRow(2, e.account, e.label, e.amount, e.origin, e.line_id, e.status)
                            for e in mine if not e.subline)
            else:
                order = {code: index for index, code in enumerate(ACCOUNTS)}
                mine.sort(key=lambda e: order.get(e.account, 0))
                rows.extend(CerfaRow(2, e.account, e.label, e.amount, e.origin, e.line_id, e.status) for e in mine)
        return rows

    in_kind = [e for e in items if e.side == "inkind"]
    uses: list[CerfaRow] = [CerfaRow(1, "86", ACCOUNTS["86"], totals.in_kind)]
    resources: list[CerfaRow] = [CerfaRow(1, "87", ACCOUNTS["87"], totals.in_kind)]
    for code in INKIND_USES:
        for e in in_kind:
            if e.account == code:
                uses.append(CerfaRow(2, code, e.label, e.amount, e.origin, e.line_id))
    for code in INKIND_RESOURCES:
        for e in in_kind:
            if e.mirror == code:
                resources.append(CerfaRow(2, code, e.label, e.amount, e.origin, e.line_id))
    return CerfaTable(block(CHARGE_GROUPS, "charge"), block(PRODUIT_GROUPS, "produit"), uses, resources, totals)


# --------------------------------------------------------------------------- sharing the revenue
@dataclass(frozen=True)
class ShareRow:
    name: str
    hours: Decimal
    amount: Decimal


@dataclass(frozen=True)
class SharingResult:
    """From the activity revenue: CAE share, materials, common pot, and the rest by hours worked."""

    revenue: Decimal
    cae: Decimal
    materials: Decimal
    common_pot: Decimal
    to_share: Decimal
    people: list[ShareRow]
    hours: Decimal

    @property
    def per_hour(self) -> Decimal:
        return _money(self.to_share / self.hours) if self.hours else ZERO


def revenue_sharing(workbook: Workbook, plan: BudgetPlan | None = None) -> SharingResult:
    """Share the year's activity revenue; the per-person amounts add up exactly to what is shared.

    CAE = the CAE contribution of the budget (per month, rounded); common pot = pot % of
    (revenue − CAE − materials); the rest is shared pro rata of hours, the leftover cents going
    to the largest remainders (then the first names in order).
    """
    chosen = plan_of(workbook, plan)
    rows = activity_rows(workbook, chosen)
    revenue = sum((r.total for r in rows), ZERO)
    cae = sum((_money(a * chosen.cae_rate / HUNDRED) for r in rows for a in r.monthly.values()), ZERO)
    materials = min(chosen.sharing.materials, max(ZERO, revenue - cae))
    after = max(ZERO, revenue - cae - materials)
    pot = _money(after * chosen.sharing.common_pot_pct / HUNDRED)
    to_share = after - pot
    hours = sum((p.hours for p in chosen.sharing.people), Decimal(0))
    people: list[ShareRow] = []
    if hours > 0 and to_share > 0:
        cents = int(to_share / CENT)
        exact = [Decimal(cents) * p.hours / hours for p in chosen.sharing.people]
        floors = [int(x) for x in exact]
        leftover = cents - sum(floors)
        order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
        for i in order[:leftover]:
            floors[i] += 1
        people = [ShareRow(p.name, p.hours, Decimal(c) * CENT) for p, c in zip(chosen.sharing.people, floors)]
    else:
        people = [ShareRow(p.name, p.hours, ZERO) for p in chosen.sharing.people]
    return SharingResult(revenue, cae, materials, pot, to_share, people, hours)


# --------------------------------------------------------------------------- network comparison
@dataclass(frozen=True)
class NetworkRow:
    """Revenue per member per month: ours (``ours`` True) or a KPA of the network."""

    name: str
    town: str
    members: int | None
    per_member_month: Decimal | None
    ours: bool = False


def network_comparison(workbook: Workbook, plan: BudgetPlan | None = None) -> list[NetworkRow]:
    """Our planned revenue per coopérant·e per month (year 1) beside the network's own figures."""
    from kpawidgets.model.network import load_network

    chosen = plan_of(workbook, plan)
    revenue = sum((r.total for r in activity_rows(workbook, chosen)), ZERO)
    ours = _money(revenue / chosen.members / 12) if chosen.members else None
    rows = [NetworkRow(workbook.identity.territory, workbook.identity.town, chosen.members or None, ours, True)]
    for kpa in load_network():
        if kpa.revenue_per_member_month is not None:
            rows.append(NetworkRow(kpa.name, kpa.town, kpa.members, kpa.revenue_per_member_month))
    return rows


# --------------------------------------------------------------------------- scenarios
@dataclass(frozen=True)
class ScenarioFigures:
    """The key figures of one scenario (or of the current budget, ``name`` None)."""

    name: str | None
    totals: Totals
    coverage: Coverage
    cash: Cash


def figures(workbook: Workbook, plan: BudgetPlan | None = None, name: str | None = None) -> ScenarioFigures:
    items = entries(workbook, plan)
    return ScenarioFigures(name, budget_totals(workbook, plan, computed=items), coverage(workbook, plan, computed=items),
                           monthly_cash(workbook, plan, computed=items))


def scenario_comparison(workbook: Workbook) -> list[ScenarioFigures]:
    """The current budget (first, ``name`` None) and every saved scenario, side by side."""
    result = [figures(workbook)]
    result.extend(figures(workbook, s.plan, s.name) for s in workbook.budget.scenarios)
    return result


# --------------------------------------------------------------------------- funding calendar
@dataclass(frozen=True)
class FundingEvent:
    """A dated step of a funder line, for the launch timeline.

    ``kind``: ``deadline`` (application deadline), ``answer`` (expected answer),
    ``advance`` or ``balance`` (payments; ``date`` is the first day of the month).
    """

    date: dt.date
    kind: str
    funder: str
    label: str
    status: str
    amount: Decimal
    line_id: str


def funding_calendar(workbook: Workbook, plan: BudgetPlan | None = None) -> list[FundingEvent]:
    """Deadlines, expected answers and payments of every funder line that is not refused, by date."""
    chosen = plan_of(workbook, plan)
    start = plan_start(workbook, chosen)
    events = []
    for line in chosen.lines:
        if not line.is_funder or line.effective_status == "refuse":
            continue
        name = line.funder or line.label
        if line.deadline:
            events.append(FundingEvent(line.deadline, "deadline", name, line.label, line.effective_status, line.amount, line.id))
        if line.answer_date:
            events.append(FundingEvent(line.answer_date, "answer", name, line.label, line.effective_status, line.amount, line.id))
        advance = _money(line.amount * line.advance_pct / HUNDRED)
        if advance:
            events.append(FundingEvent(month_date(start, line.advance_month), "advance", name, line.label,
                                       line.effective_status, advance, line.id))
        if line.amount - advance:
            month = line.balance_month or max(line.advance_month, 12)
            events.append(FundingEvent(month_date(start, month), "balance", name, line.label,
                                       line.effective_status, line.amount - advance, line.id))
    events.sort(key=lambda e: (e.date, e.funder))
    return events


# --------------------------------------------------------------------------- kpa check
def _amount_text(value: Decimal) -> str:
    return f"{value:.2f}"


def check_fields(workbook: Any) -> dict[str, Any]:
    """Keys this section adds to ``kpa check --json`` (amounts as ``"48250.00"`` strings).

    ``coverage_secured_pct`` is a number (percent, one decimal); ``cash_min_month`` is
    ``"YYYY-MM"`` (the month of the lowest end-of-month balance).
    """
    items = entries(workbook)
    totals = budget_totals(workbook, computed=items)
    cover = coverage(workbook, computed=items)
    cash = monthly_cash(workbook, computed=items)
    return {
        "charges_total": _amount_text(totals.charges),
        "produits_total": _amount_text(totals.produits),
        "secured_total": _amount_text(cover.secured),
        "requested_total": _amount_text(cover.requested),
        "considered_total": _amount_text(cover.considered),
        "revenue_total": _amount_text(cover.revenue),
        "coverage_secured_pct": float(cover.secured_pct),
        "funding_gap": _amount_text(cover.gap),
        "cash_min": _amount_text(cash.lowest),
        "cash_min_month": cash.lowest_date.strftime("%Y-%m"),
    }


def iter_funders(plan: BudgetPlan) -> Iterable[BudgetLine]:
    return (line for line in plan.lines if line.is_funder)
