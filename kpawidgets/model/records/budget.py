"""What the budget stores (the ``budget`` key of a workbook), in the Cerfa n°12156 layout.

The computations (entries, totals, coverage, cash…) are in :mod:`kpawidgets.model.budget`.

- :class:`BudgetLine` — one line of the budget on a Cerfa account (charges 60–68,
  produits 70–78, in-kind 86x whose mirror 87x is derived, so 86 = 87 always).
  A line on an account 74x (or any line with a ``status``) is a **funder line**:

  ``partner``       the id of the funder in ``checklist.partners`` (one record per partner or
                    funder, whose ``name`` is the one truth; see :mod:`kpawidgets.model.checklist.partners`);
                    an id no partner has any more (removed on another device) reads « financeur inconnu »
  ``subline``       the Cerfa 74 sub-line (:data:`SUBLINES`: etat, region, departement,
                    interco, commune, social, europe, asp, public_other, private)
  ``status``        envisage → demande → vote (voté / notifié) → verse, or refuse
  ``advance_pct``   share paid as an advance (0–100 %), in month ``advance_month``
  ``balance_month`` month of the balance (may be > 12: after the end of year 1)
  ``deadline``      application deadline (date limite de dépôt)   — for the timeline
  ``answer_date``   expected answer date (date de réponse attendue) — for the timeline
  ``assume_no``     the « et s'il dit non ? » toggle: the line counts as refused
  ``years``         its rule for years 2 and 3 (:class:`YearRule`, file format 5)
  ``delay_months``  how late the funder pays, in months (0–24; empty: :data:`DEFAULT_DELAY`), for the
                    36-month cash plan only (file format 5)
  ``cap_pct``       the funder's cap, in % of the action's cost (80 % of public money…): the valued
                    contributions in kind (86/87) count in the cost (file format 5)

  Months are numbered from 1 (the first month of year 1, :attr:`BudgetPlan.start_month`).

- :class:`StaffCost` — salary settings for one member of the support team
  (``workbook.checklist.team``, matched by label): gross monthly salary for a full time
  (default the SMIC), employer contribution rate (presets), months worked → 641/645;
  members paid by a partner or volunteers → 86/87 at a value the user sets.
- :class:`Activity` — activity revenue (account 70): units × price per month with a ramp-up.
- :class:`Sharing` — how the activity revenue is shared among the coopérant·es.
"""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from kpawidgets.i18n import N_
from kpawidgets.model.base import ID_PATTERN, KpaModel, PlausibleDate, SingleLine, id_field, new_id, unique_ids
from kpawidgets.model.money import ZERO, Money
from kpawidgets.model.problems import problem

__all__ = [
    "ACCOUNTS", "CHARGE_GROUPS", "PRODUIT_GROUPS", "INKIND_USES", "INKIND_RESOURCES", "INKIND_MIRROR",
    "SUBLINES", "STATUSES", "STATUS_BUCKET", "STATUS_LIKELIHOOD", "RATE_PRESETS", "RATE_PRESET_SOURCES", "SMIC_GROSS_MONTHLY", "MAX_MONTH",
    "HUNDRED", "DEFAULT_DELAY", "YEARS", "SHAPES", "OWN_SHARE_MARK", "YearRule", "BudgetLine", "StaffCost", "Activity", "Sharer", "Sharing", "BudgetPlan", "Scenario", "Budget",
    "account_label", "account_group", "account_block", "is_known_account", "new_id",
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

#: The id of a partner (``checklist.partners``) a line refers to.
PartnerId = Annotated[str, Field(pattern=ID_PATTERN)]

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
#: Where each preset comes from, for a treasurer to check (French message ids, shown beside the preset).
RATE_PRESET_SOURCES: dict[str, str] = {
    "smic": N_("Source : URSSAF, réduction générale des cotisations patronales près du SMIC "
               "(SMIC 2026 : 1 823,03 € brut mensuel à temps plein) ; environ 15 % restent dus."),
    "standard": N_("Source : URSSAF, taux de cotisations patronales d'un salaire non cadre : "
                   "environ 25 à 35 % du brut, 30 % retenus ici."),
    "custom": N_("Taux saisi par vous : indiquez sa source (bulletin de paie, simulateur de l'URSSAF)."),
}
#: Gross monthly SMIC for a full time from 1 January 2026.
SMIC_GROSS_MONTHLY = Decimal("1823.03")
#: Last month a payment may be scheduled in (three years after the start).
MAX_MONTH = 36
HUNDRED = Decimal(100)


def account_group(account: str) -> str:
    """The Cerfa block of an account: ``613`` → ``61``."""
    return account[:2]


@functools.lru_cache(maxsize=4096)  # a save reads every line's account back
def account_block(account: str) -> str | None:
    """The Cerfa account a plan comptable account belongs to, by its first digits.

    ``6411`` → ``641``, ``706`` → ``70``, ``7588`` → ``758``, ``8611`` → ``861``; None for an
    account that belongs to no Cerfa account (``69``, ``999``, ``abc``).
    """
    if not (account.isascii() and account.isdigit() and 2 <= len(account) <= 8):
        return None
    return next((account[:size] for size in range(len(account), 1, -1) if account[:size] in ACCOUNTS), None)


def is_known_account(account: str) -> bool:
    """Whether a line may be on *account*: a Cerfa account or any sub-account of one, except
    86 itself (its uses are 860 to 864) and 87 (derived from the 86 lines)."""
    block = account_block(account)
    return block is not None and block != "86" and not account.startswith("87")


def account_label(account: str) -> str:
    """The French label of an account (or sub-line key), untranslated; a sub-account has its Cerfa account's."""
    return ACCOUNTS.get(account) or SUBLINES.get(account) or ACCOUNTS.get(account_block(account) or "") or account


#: An hour of the group's volunteering, valued at the 2026 gross hourly SMIC (1 823,03 € a month ÷ 151,67 h),
#: as associations value volunteering in 864/870; settable in the budget.
VOLUNTEER_RATE = Decimal("12.02")
#: Most hours a month the group may pledge in all (30 people × about 80 h).
MAX_GROUP_HOURS = 2500
#: Most FTE one team member may count for (the checklist's bound on a member's share of FTE).
MAX_FTE = 5
#: A funder's payment delay when none is said: France Active warns that subsidies arrive 3 to 6 months
#: late; the 36-month cash plan takes the low end.
DEFAULT_DELAY = 3
#: How many years the budget reaches (year 1 and the next two: what a funder reads).
YEARS = 3
#: The shapes a line may take over the years (French labels, translated when shown).
SHAPES: dict[str, str] = {
    "carried": N_("reconduite (± x % par an)"),
    "one_off": N_("ponctuelle (année 1 seulement)"),
    "flat": N_("identique chaque année"),
    "degressive": N_("dégressive (parts de l'année 1)"),
    "fixed": N_("montant fixe par an (poste FONJEP…)"),
    "convention": N_("convention pluriannuelle (montant de chaque année)"),
}
Shape = Literal["carried", "one_off", "flat", "degressive", "fixed", "convention"]
#: The own-resources share (sales, member dues, other own income over all resources) from which a year
#: shows green: the banker's worry of the brief, « when public money passes half of the resources ».
OWN_SHARE_MARK = Decimal(50)


# --------------------------------------------------------------------------- stored models
class YearRule(KpaModel):
    """What a line becomes in years 2 and 3 (file format 5). Years count from the line's ``first_year``.

    ``carried``    the line's amount each year, + ``growth_pct`` % a year compounded (−100 % at least)
    ``one_off``    its first year only
    ``flat``       the same amount each year
    ``degressive`` the first year's amount, then ``percents`` of it for the following years (100/80/50 is
                   ``percents = [80, 50]``; each 0–100 %)
    ``fixed``      the first year's amount, then ``yearly`` each following year (a FONJEP post: 7 164 €)
    ``convention`` the first year's amount, then ``amounts`` for the following years, as the convention says

    ``first_year`` / ``last_year`` (1–3): the line starts in year N, ends after year N; a line starting after
    year 1 is not in year 1's budget. Without a rule: a charge, a sale or an in-kind line is carried on
    unchanged, a funder line (74, or with a status) is one-off — so nothing changes for year 1.
    """

    shape: Shape = Field(default="carried", description="Forme sur les années 2 et 3")
    growth_pct: Decimal = Field(default=ZERO, le=1000, description="Évolution par an (%), forme « reconduite »")
    first_year: int = Field(default=1, ge=1, le=YEARS, description="Première année de la ligne")
    last_year: int = Field(default=YEARS, ge=1, le=YEARS, description="Dernière année de la ligne")
    percents: list[Decimal] = Field(default_factory=list, max_length=YEARS - 1,
                                    description="Forme dégressive : part (%) du montant de la première année, années suivantes")
    yearly: Money = Field(default=ZERO, description="Forme « montant fixe » : montant de chaque année suivante")
    amounts: list[Money] = Field(default_factory=list, max_length=YEARS - 1,
                                 description="Forme « convention » : montants des années suivantes")

    @field_validator("growth_pct")
    @classmethod
    def _growth(cls, value: Decimal) -> Decimal:
        if value < -100:
            raise problem("kpa_growth_below", value=format(value.normalize(), "f"))
        return value

    @field_validator("percents")
    @classmethod
    def _shares(cls, value: list[Decimal]) -> list[Decimal]:
        for share in value:
            if share > 100 or share < 0:
                raise problem("kpa_share_over", value=format(share.normalize(), "f"))
        return value

    @field_validator("yearly")
    @classmethod
    def _yearly(cls, value: Decimal) -> Decimal:
        if value < 0:
            raise problem("kpa_negative_amount")
        return value

    @field_validator("amounts")
    @classmethod
    def _amounts(cls, value: list[Decimal]) -> list[Decimal]:
        if any(amount < 0 for amount in value):
            raise problem("kpa_negative_amount")
        return value

    @model_validator(mode="after")
    def _order(self) -> YearRule:
        if self.last_year < self.first_year:
            raise problem("kpa_years_order", first=self.first_year, last=self.last_year)
        return self

    def __setattr__(self, name: str, value: Any) -> None:
        """An assignment the rule refuses leaves the rule as it was (pydantic sets the field before the
        model's own check: a refused ``first_year = 3`` would stay, nothing saved half is the rule)."""
        before = self.__dict__.get(name)
        try:
            super().__setattr__(name, value)
        except ValidationError:
            if name in self.__dict__:
                self.__dict__[name] = before
            raise


class BudgetLine(KpaModel):
    """One line of the budget on a Cerfa account; a funder line when on 74x or with a status."""

    id: str = id_field()
    account: str = Field(description="Compte du plan Cerfa (60…68, 70…78, 860…864)")
    label: SingleLine = Field(default="", max_length=200, description="Libellé")
    amount: Money = Field(default=ZERO, description="Montant de l'année 1")
    month: int | None = Field(default=None, ge=1, le=MAX_MONTH,
                              description="Mois du paiement ; vide : réparti sur les 12 mois")
    partner: PartnerId | None = Field(default=None, description="Identifiant du financeur dans les partenaires (lignes 74/75)")
    subline: Subline | None = Field(default=None, description="Sous-ligne Cerfa du compte 74")
    status: FunderStatus | None = Field(default=None, description="Statut de la demande")
    advance_pct: Decimal = Field(default=HUNDRED, ge=0, le=100, description="Avance (% du montant)")
    advance_month: int = Field(default=1, ge=1, le=MAX_MONTH, description="Mois de l'avance")
    balance_month: int | None = Field(default=None, ge=1, le=MAX_MONTH,
                                      description="Mois du solde (peut dépasser 12)")
    deadline: PlausibleDate = Field(default=None, description="Date limite de dépôt du dossier")
    answer_date: PlausibleDate = Field(default=None, description="Date de réponse attendue")
    assume_no: bool = Field(default=False, description="« Et s'il dit non ? » : compter la ligne comme refusée")
    years: YearRule | None = Field(default=None, description="Années 2 et 3 (vide : reconduite, ou ponctuelle pour un financeur)")
    delay_months: int | None = Field(default=None, ge=0, le=24,
                                     description="Retard de paiement du financeur (mois ; vide : 3, le repère de France Active)")
    cap_pct: Decimal | None = Field(default=None, ge=0, le=100,
                                    description="Plafond du financeur (% du coût de l'action, contributions en nature comprises)")

    @field_validator("account")
    @classmethod
    def _known_account(cls, value: str) -> str:
        if not is_known_account(value):
            raise problem("kpa_unknown_account", account=value)
        return value

    @field_validator("amount")
    @classmethod
    def _not_negative(cls, value: Decimal) -> Decimal:
        if value < 0:
            raise problem("kpa_negative_amount")
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
    def year_rule(self) -> YearRule:
        """The line's rule for the years (its own, else: a funder line one-off, any other carried on)."""
        if self.years is not None:
            return self.years
        return YearRule(shape="one_off") if self.is_funder else YearRule()

    @property
    def in_year_one(self) -> bool:
        return self.years is None or self.years.first_year == 1

    @property
    def effective_subline(self) -> str:
        return self.subline or ("private" if self.account.startswith("75") else "public_other")


class StaffCost(KpaModel):
    """Salary settings of one support-team member (``checklist.team``), matched by ``member`` label."""

    id: str = id_field()
    member: SingleLine = Field(max_length=200, description="Libellé du membre de l'équipe (check-list)")
    gross_monthly: Money = Field(default=SMIC_GROSS_MONTHLY, description="Salaire brut mensuel à temps plein")
    rate_preset: RatePreset = Field(default="standard", description="Taux de charges patronales : préréglage")
    custom_rate: Decimal = Field(default=Decimal("30"), ge=0, le=100, description="Taux personnalisé (%)")
    months: int = Field(default=12, ge=0, le=12, description="Mois travaillés dans l'année 1")
    start_month: int = Field(default=1, ge=1, le=12, description="Premier mois travaillé")
    in_kind_value: Money | None = Field(default=None,
                                        description="Valeur retenue (mise à disposition, bénévolat) ; vide : brut × ETP × mois")
    #: file format 7: the member's FTE in years 2 and 3 (empty: the checklist's, as in year 1)
    fte_years: list[Decimal] = Field(default_factory=list, max_length=YEARS - 1,
                                     description="ETP des années 2 et 3 (vide : l'ETP de l'année 1)")

    @field_validator("fte_years")
    @classmethod
    def _fte_years(cls, value: list[Decimal]) -> list[Decimal]:
        for fte in value:
            if fte < 0 or fte > MAX_FTE:
                raise problem("kpa_fte_range", value=format(fte.normalize(), "f"), most=MAX_FTE)
        return value

    @property
    def rate(self) -> Decimal:
        return RATE_PRESETS.get(self.rate_preset, self.custom_rate)


class Activity(KpaModel):
    """An activity's revenue forecast (account 70): units × price per month, with a ramp-up."""

    id: str = id_field()
    name: SingleLine = Field(default="", max_length=200)
    units_per_month: Decimal = Field(default=Decimal("0"), ge=0, le=100000, description="Unités vendues par mois (rythme de croisière)")
    unit_price: Money = Field(default=ZERO, description="Prix moyen d'une unité")
    start_month: int = Field(default=1, ge=1, le=12, description="Premier mois de vente")
    ramp_months: int = Field(default=0, ge=0, le=11, description="Mois de montée en charge")


class Sharer(KpaModel):
    """A coopérant·e in the revenue sharing (first name only) and their hours worked."""

    id: str = id_field()
    name: SingleLine = Field(default="", max_length=100)
    hours: Decimal = Field(default=Decimal("0"), ge=0, le=10000)


class Sharing(KpaModel):
    """How the activity revenue is shared: CAE share, materials, common pot, rest by hours."""

    materials: Money = Field(default=ZERO, description="Matières premières et matériel des activités")
    common_pot_pct: Decimal = Field(default=Decimal("10"), ge=0, le=100, description="Pot commun (% après CAE et matières)")
    people: list[Sharer] = Field(default_factory=list, max_length=200)

    @field_validator("people")
    @classmethod
    def _unique_people(cls, value: list[Sharer]) -> list[Sharer]:
        return unique_ids(value, N_("les coopérant·es du partage"))


class BudgetPlan(KpaModel):
    """Everything a scenario copies: the budget proper."""

    start_month: PlausibleDate = Field(default=None, description="Premier mois de l'année 1 (défaut : mois du lancement)")
    starting_cash: Money = Field(default=ZERO, description="Trésorerie au départ")
    lines: list[BudgetLine] = Field(default_factory=list, max_length=2000)
    staff: list[StaffCost] = Field(default_factory=list, max_length=200)
    activities: list[Activity] = Field(default_factory=list, max_length=200)
    cae_rate: Decimal = Field(default=Decimal("10"), ge=0, le=100, description="Contribution à la CAE (% du chiffre d'affaires)")
    equipment_month: int = Field(default=1, ge=1, le=12, description="Mois d'achat de l'équipement")
    members: int = Field(default=0, ge=0, le=500, description="Nombre de coopérant·es prévu (0 : la taille du groupe)")
    sharing: Sharing = Field(default_factory=Sharing)
    own_share_mark: Decimal = Field(default=OWN_SHARE_MARK, ge=0, le=100,
                                    description="Repère de la part des ressources propres (%)")
    #: file format 7: the volunteering the group pledged in the workshop, valued in 864/870 (issue 24)
    group_hours: Decimal = Field(default=ZERO, ge=0, le=MAX_GROUP_HOURS,
                                 description="Heures de bénévolat par mois promises par le groupe en atelier")
    volunteer_rate: Money = Field(default=VOLUNTEER_RATE, description="Valeur d'une heure de bénévolat (SMIC horaire brut 2026)")

    @field_validator("lines")
    @classmethod
    def _unique_lines(cls, value: list[BudgetLine]) -> list[BudgetLine]:
        return unique_ids(value, N_("les lignes du budget"))

    @field_validator("activities")
    @classmethod
    def _unique_activities(cls, value: list[Activity]) -> list[Activity]:
        return unique_ids(value, N_("les activités"))

    @field_validator("staff")
    @classmethod
    def _unique_staff(cls, value: list[StaffCost]) -> list[StaffCost]:
        return unique_ids(value, N_("les salaires de l'équipe"))


class Scenario(KpaModel):
    """A named copy of the budget (prudent, central, ambitieux, or the user's own)."""

    id: str = id_field()
    name: SingleLine = Field(min_length=1, max_length=80)
    plan: BudgetPlan = Field(default_factory=BudgetPlan)


class Budget(BudgetPlan):
    """The first-year budget of a territory, plus its saved scenarios."""

    scenarios: list[Scenario] = Field(default_factory=list, max_length=50)

    @field_validator("scenarios")
    @classmethod
    def _unique_scenarios(cls, value: list[Scenario]) -> list[Scenario]:
        return unique_ids(value, N_("les scénarios"))
