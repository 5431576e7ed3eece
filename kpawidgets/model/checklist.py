"""The launch checklist: six ingredients, the philosophy, the KPA-Cité support path.

What is stored (``workbook.checklist``)
---------------------------------------
``ingredients``  one :class:`IngredientState` per ingredient (``venue``, ``equipment``,
                 ``group``, ``team``, ``host``, ``partners``): status (``todo`` à faire /
                 ``in_progress`` en cours / ``done`` acquis), the ids of the criteria the
                 group answered « oui » to, notes, owner (who takes it on) and due date.
``venue``        the venue's facts (:class:`Venue`). **Read by the budget**:
                 ``venue.monthly_cost`` is the rent actually paid each month (compte 613),
                 ``venue.in_kind_value`` the monthly value of a free or discounted loan
                 (an in-kind contribution, comptes 861 / 871), ``venue.lent_by`` who lends it.
``equipment``    :class:`EquipmentItem` lines (``have`` / ``borrow`` / ``buy`` with a
                 ``cost``): **the budget builds equipment purchases from the ``buy`` lines**.
``group``        :class:`GroupMember` entries, without names (an optional first name or
                 initials), with age band, gender, situations, interests.
``team``         :class:`TeamMember` lines with ``fte`` and ``paid_by`` (``project``,
                 ``partner`` = seconded, an in-kind contribution, ``volunteer``):
                 **the budget builds staff costs from them**.
``host``         the legal and financial host (:class:`Host`, usually a CAE).
``partners``     :class:`Partner` lines: roles (client, funder, relay) and status.
``philosophy``   one :class:`Commitment` per commitment of the deck (adopted + the
                 group's own words).
``support``      the KPA-Cité support path (:class:`SupportPath`): dates of the 3-day
                 micro-accompagnement, the two 3-day training sessions and the start of
                 custom support; :func:`support_dates` lists them for the timeline.

Readiness rule (:func:`readiness`)
----------------------------------
Each ingredient has *checks*: the deck's criteria asked as questions (the group
ticks those it meets) and automatic checks computed from the facts (a venue named,
1.5 FTE reached, a committed client…). An ingredient's score (0–100) is::

    40 × status value (à faire 0, en cours 0.5, acquis 1)  +  60 × checks met / checks

The overall score is the weighted mean of the six scores, weights
venue 2, equipment 1, group 2, team 2, host 2, partners 1 (people, the place and
the legal host cannot be missing at launch; equipment and partners grow after).
Traffic lights: green from 75, orange from 40, red below. The overall light is green
only when the overall score is at least 75 and no ingredient is red.

Group mix (:func:`group_mix`)
-----------------------------
Indicators: size, count and share per gender (over the people whose gender is
known), age bands present (and how many ages are missing), number of distinct
situations and the most frequent one. Warnings, with their thresholds:

* fewer than :data:`MIN_GROUP_SIZE` (6) people: the group is small (the network's
  KPA started with 7 to 22 members);
* from :data:`MIN_MIX_SIZE` (3) people only, because below that a « share » means
  nothing: one gender at :data:`MAX_GENDER_SHARE` (70 %) or more; all known ages in
  one band; a single situation (« un seul profil »), or one situation held by
  :data:`MAX_SITUATION_SHARE` (70 %) or more of the group;
* information (not a mix problem): ages or genders not filled in.

Messages are :class:`Message` objects (a French message id + parameters), translated
when shown: ``message.text("en")``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any, Literal, get_args

from pydantic import AfterValidator, Field, model_validator

from kpawidgets.i18n import N_, format_date, format_money, format_number, format_percent, translate
from kpawidgets.model.base import KpaModel
from kpawidgets.model.money import Money

__all__ = [
    "Checklist", "TeamMember", "EquipmentItem", "Venue", "GroupMember", "Host", "Partner",
    "IngredientState", "Ingredients", "Commitment", "Philosophy", "SupportSession", "SupportPath",
    "Message", "Check", "IngredientScore", "Readiness", "GroupMix", "Action", "SupportDate",
    "INGREDIENTS", "INGREDIENT_TITLES", "INGREDIENT_WEIGHTS", "CHECKS", "STATUS_LABELS",
    "AGE_BANDS", "GENDERS", "SITUATIONS", "SITUATIONS_PLURAL", "PAID_BY_LABELS", "EQUIPMENT_STATUS_LABELS",
    "EQUIPMENT_CATEGORIES", "PARTNER_ROLES", "PARTNER_STATUS_LABELS", "COMMITMENTS", "SUPPORT_STEPS",
    "TEAM_FTE_TARGET", "MIN_GROUP_SIZE", "MIN_MIX_SIZE", "MAX_GENDER_SHARE", "MAX_SITUATION_SHARE",
    "GREEN_FROM", "ORANGE_FROM",
    "readiness", "group_mix", "next_actions", "team_total_fte", "partner_counts", "check_results",
    "support_dates", "support_warnings", "MixWarning", "check_fields",
]

# --------------------------------------------------------------------------- vocabularies
IngredientId = Literal["venue", "equipment", "group", "team", "host", "partners"]
INGREDIENTS: tuple[str, ...] = get_args(IngredientId)
INGREDIENT_TITLES: dict[str, str] = {
    "venue": N_("Lieu"),
    "equipment": N_("Équipement de base"),
    "group": N_("Groupe mixte"),
    "team": N_("Équipe d'accompagnement"),
    "host": N_("Structure de portage"),
    "partners": N_("Partenaires"),
}
#: Weights of the overall readiness (see the module docstring).
INGREDIENT_WEIGHTS: dict[str, int] = {"venue": 2, "equipment": 1, "group": 2, "team": 2, "host": 2, "partners": 1}

Status = Literal["todo", "in_progress", "done"]
STATUS_LABELS: dict[str, str] = {"todo": N_("À faire"), "in_progress": N_("En cours"), "done": N_("Acquis")}
STATUS_VALUE: dict[str, Decimal] = {"todo": Decimal(0), "in_progress": Decimal("0.5"), "done": Decimal(1)}
STATUS_WEIGHT = 40
CHECKS_WEIGHT = 60
#: Traffic light thresholds (scores 0–100).
GREEN_FROM = 75
ORANGE_FROM = 40

AgeBand = Literal["16_17", "18_25", "26_35", "36_50", "51_plus"]
AGE_BANDS: dict[str, str] = {
    "16_17": N_("16–17 ans"), "18_25": N_("18–25 ans"), "26_35": N_("26–35 ans"),
    "36_50": N_("36–50 ans"), "51_plus": N_("51 ans et plus"),
}
Gender = Literal["woman", "man", "other"]
GENDERS: dict[str, str] = {"woman": N_("Femme"), "man": N_("Homme"), "other": N_("Autre / non-binaire")}
Situation = Literal["lyceen", "student", "jobseeker", "rsa", "freelancer", "parent_home", "disability_worker",
                    "employee", "other"]
SITUATIONS: dict[str, str] = {
    "lyceen": N_("lycéen·ne"), "student": N_("étudiant·e"), "jobseeker": N_("demandeur·euse d'emploi"),
    "rsa": N_("allocataire du RSA"), "freelancer": N_("indépendant·e en démarrage"),
    "parent_home": N_("parent au foyer"), "disability_worker": N_("travailleur·euse en situation de handicap"),
    "employee": N_("salarié·e"), "other": N_("autre situation"),
}
SITUATIONS_PLURAL: dict[str, str] = {
    "lyceen": N_("lycéen·nes"), "student": N_("étudiant·es"), "jobseeker": N_("demandeur·euses d'emploi"),
    "rsa": N_("allocataires du RSA"), "freelancer": N_("indépendant·es en démarrage"),
    "parent_home": N_("parents au foyer"), "disability_worker": N_("travailleur·euses en situation de handicap"),
    "employee": N_("salarié·es"), "other": N_("autres situations"),
}
PAID_BY_LABELS: dict[str, str] = {
    "project": N_("Salarié·e du projet"), "partner": N_("Mis·e à disposition par un partenaire"),
    "volunteer": N_("Bénévole"),
}
EQUIPMENT_STATUS_LABELS: dict[str, str] = {"have": N_("Déjà là"), "borrow": N_("À emprunter"), "buy": N_("À acheter")}
EquipmentCategory = Literal["kitchen", "screen_printing", "tools", "computer", "furniture", "event", "other"]
EQUIPMENT_CATEGORIES: dict[str, str] = {
    "kitchen": N_("Cuisine"), "screen_printing": N_("Sérigraphie"), "tools": N_("Outillage"),
    "computer": N_("Informatique"), "furniture": N_("Mobilier"), "event": N_("Événementiel"), "other": N_("Autre"),
}
PartnerRole = Literal["client", "funder", "relay"]
PARTNER_ROLES: dict[str, str] = {"client": N_("Client"), "funder": N_("Financeur"), "relay": N_("Relais")}
PartnerStatus = Literal["to_contact", "met", "committed"]
PARTNER_STATUS_LABELS: dict[str, str] = {"to_contact": N_("À contacter"), "met": N_("Rencontré"), "committed": N_("Engagé")}
HostKind = Literal["cae", "other"]

CommitmentId = Literal["reciprocity", "wishes_skills", "open_coop", "horizontality", "belongs_to_all",
                       "territory_needs", "charters", "open_budgets"]
#: The deck's « S'approprier la philosophie » and « Enjeu de pérenniser le projet » commitments.
COMMITMENTS: dict[str, str] = {
    "reciprocity": N_("Contribuer à la ressource KPA-Cité par un système de réciprocité"),
    "wishes_skills": N_("Un accompagnement qui part des envies et des compétences des personnes"),
    "open_coop": N_("Une coopérative et une marque ouvertes : accueil toute l'année sur la motivation"),
    "horizontality": N_("Horizontalité, transparence, liberté de s'impliquer"),
    "belongs_to_all": N_("Une coopérative qui appartient à tout le monde"),
    "territory_needs": N_("Des activités pensées avec l'ESS, les communs, l'environnement et les besoins du territoire"),
    "charters": N_("Des chartes de gouvernance écrites par les coopérant·es"),
    "open_budgets": N_("Des budgets ouverts à toutes et tous, des coopérant·es qui peuvent devenir animateur·rices"),
}
SupportStepId = Literal["micro", "training_1", "training_2", "custom"]
SUPPORT_STEPS: dict[str, str] = {
    "micro": N_("Micro-accompagnement (3 jours, avant le lancement)"),
    "training_1": N_("Session de formation n° 1 (3 jours)"),
    "training_2": N_("Session de formation n° 2 (3 jours)"),
    "custom": N_("Accompagnement sur mesure (début)"),
}

TEAM_FTE_TARGET = Decimal("1.5")
MIN_GROUP_SIZE = 6
MIN_MIX_SIZE = 3
MAX_GENDER_SHARE = Decimal("0.70")
MAX_SITUATION_SHARE = Decimal("0.70")


def _plausible_date(value: dt.date | None) -> dt.date | None:
    if value is not None and not (2000 <= value.year <= 2100):
        raise ValueError("date hors de la période 2000–2100")
    return value


PlausibleDate = Annotated[dt.date | None, AfterValidator(_plausible_date)]
ShortText = Annotated[str, Field(max_length=200)]


# ------------------------------------------------------------------------------ checks
@dataclass(frozen=True)
class Check:
    """One check of an ingredient: a question asked to the group, or computed from the facts."""

    id: str
    question: str  #: French message id (the criterion, as a question or statement)
    action: str  #: French message id of the next action when the check is not met
    auto: bool = False  #: computed from the facts (not ticked by the group)
    section: str = ""  #: ``steps`` / ``legal`` for the host's checks


CHECKS: dict[str, tuple[Check, ...]] = {
    "venue": (
        Check("open", N_("Le lieu est-il ouvert à toutes et tous, sans condition d'entrée ?"),
              N_("Trouver comment ouvrir le lieu à toutes et tous")),
        Check("shared", N_("Est-il partagé avec d'autres structures ou usages du quartier ?"),
              N_("Vérifier que le lieu peut être partagé avec d'autres usages")),
        Check("convivial", N_("Est-il convivial : un endroit où l'on a envie de rester, de prendre un café ?"),
              N_("Rendre le lieu plus convivial (coin café, affichage)")),
        Check("multipurpose", N_("Est-il multifonctionnel : réunions, ateliers, cuisine, stockage ?"),
              N_("Trouver des espaces pour les ateliers, la cuisine et le stockage")),
        Check("available", N_("Est-il disponible aux heures où le groupe peut venir (soirées, mercredis, vacances) ?"),
              N_("Négocier des créneaux adaptés au groupe")),
        Check("named", N_("Le lieu est identifié (nom et adresse)"),
              N_("Identifier un lieu et noter son nom et son adresse"), auto=True),
    ),
    "equipment": (
        Check("needs", N_("Le groupe sait-il de quel matériel ses premières activités ont besoin ?"),
              N_("Lister le matériel des premières activités avec le groupe")),
        Check("storage", N_("Y a-t-il un endroit sûr pour ranger le matériel ?"),
              N_("Trouver un rangement sûr pour le matériel")),
        Check("computer", N_("Un ordinateur et une connexion sont-ils disponibles pour les devis et factures ?"),
              N_("Prévoir un ordinateur et une connexion pour la facturation")),
        Check("listed", N_("Au moins un équipement est listé"),
              N_("Lister les équipements : déjà là, à emprunter, à acheter"), auto=True),
        Check("costed", N_("Chaque achat prévu a un coût estimé"),
              N_("Estimer le coût des achats prévus"), auto=True),
    ),
    "group": (
        Check("economic", N_("Les personnes veulent-elles développer une activité économique ?"),
              N_("Vérifier avec chacun·e l'envie de développer une activité")),
        Check("open_recruitment", N_("Le recrutement reste-t-il ouvert toute l'année, sur la seule motivation ?"),
              N_("Organiser un accueil ouvert toute l'année")),
        Check("met", N_("Le groupe s'est-il déjà réuni une première fois ?"),
              N_("Organiser une première réunion du groupe")),
        Check("size", N_("Au moins 6 personnes intéressées"),
              N_("Recruter d'autres personnes intéressées (au moins 6 en tout)"), auto=True),
        Check("mixed", N_("Un groupe mixte (genre, âge, situation) sans alerte"),
              N_("Élargir le recrutement pour un groupe plus mixte"), auto=True),
    ),
    "team": (
        Check("coordinator", N_("Une personne coordonne-t-elle l'équipe et sert-elle de référente ?"),
              N_("Désigner une personne référente de l'équipe")),
        Check("funded", N_("Les temps de travail sont-ils financés pour l'année 1 ?"),
              N_("Trouver le financement des postes de l'année 1")),
        Check("trained", N_("L'équipe suivra-t-elle les formations KPA-Cité ?"),
              N_("Inscrire l'équipe aux sessions de formation KPA-Cité")),
        Check("fte", N_("Au moins 1,5 ETP au total"),
              N_("Trouver du temps d'accompagnement en plus (objectif 1,5 ETP)"), auto=True),
        Check("shared", N_("Le temps est partagé entre au moins 2 personnes"),
              N_("Partager l'accompagnement entre plusieurs personnes"), auto=True),
    ),
    "host": (
        Check("first_meeting", N_("Première rencontre avec la structure de portage"),
              N_("Rencontrer la CAE"), section="steps"),
        Check("convention", N_("Convention de portage signée"),
              N_("Signer la convention de portage"), section="steps"),
        Check("cape", N_("Contrats CAPE signés par les coopérant·es"),
              N_("Faire signer les CAPE aux coopérant·es"), section="steps"),
        Check("accounts", N_("Comptes ouverts sur la plateforme de devis et factures"),
              N_("Ouvrir les comptes de la plateforme de devis et factures"), section="steps"),
        Check("rights", N_("Le maintien des droits (ARE, RSA) pendant le CAPE est-il expliqué à chacun·e ?"),
              N_("Expliquer le maintien des droits (ARE, RSA) pendant le CAPE"), section="legal"),
        Check("minors", N_("Les règles pour les mineur·es de 16–17 ans (autorisation parentale) sont-elles claires ?"),
              N_("Clarifier avec la CAE l'accueil des mineur·es (autorisation parentale)"), section="legal"),
        Check("insurance", N_("Les activités sont-elles assurées (responsabilité civile) ?"),
              N_("Vérifier l'assurance responsabilité civile des activités"), section="legal"),
        Check("fee", N_("La contribution aux frais de la CAE (part du chiffre d'affaires) est-elle connue ?"),
              N_("Demander à la CAE sa contribution sur le chiffre d'affaires"), section="legal"),
        Check("named", N_("La structure de portage est identifiée"),
              N_("Identifier une structure de portage (une CAE)"), auto=True),
    ),
    "partners": (
        Check("city", N_("La commune et ses élu·es connaissent-ils le projet ?"),
              N_("Présenter le projet à la commune")),
        Check("client", N_("Au moins un client engagé"), N_("Trouver un premier client engagé"), auto=True),
        Check("funder", N_("Au moins un financeur engagé"), N_("Obtenir l'engagement d'un financeur"), auto=True),
        Check("relay", N_("Au moins un relais engagé"), N_("Trouver un relais engagé pour recruter et faire connaître"),
              auto=True),
    ),
}


def _asked_ids(ingredient: str) -> set[str]:
    return {check.id for check in CHECKS[ingredient] if not check.auto}


# ------------------------------------------------------------------------------ models
class IngredientState(KpaModel):
    """Where one ingredient stands: status, criteria met, notes, who and when."""

    status: Status = Field(default="todo", description="à faire / en cours / acquis")
    criteria: list[str] = Field(default_factory=list, max_length=20,
                                description="Identifiants des critères remplis (réponse « oui »)")
    notes: str = Field(default="", max_length=4000)
    owner: ShortText = Field(default="", description="Qui s'en charge")
    due: PlausibleDate = Field(default=None, description="Pour quand")


class Ingredients(KpaModel):
    """The state of the six ingredients."""

    venue: IngredientState = Field(default_factory=IngredientState)
    equipment: IngredientState = Field(default_factory=IngredientState)
    group: IngredientState = Field(default_factory=IngredientState)
    team: IngredientState = Field(default_factory=IngredientState)
    host: IngredientState = Field(default_factory=IngredientState)
    partners: IngredientState = Field(default_factory=IngredientState)

    @model_validator(mode="after")
    def _known_criteria(self) -> Ingredients:
        for name in INGREDIENTS:
            unknown = set(getattr(self, name).criteria) - _asked_ids(name)
            if unknown:
                raise ValueError(f"critère inconnu pour {name} : {', '.join(sorted(unknown))}")
        return self

    def get(self, name: str) -> IngredientState:
        """The state of ingredient *name*."""
        state: IngredientState = getattr(self, name)
        return state


class Venue(KpaModel):
    """The venue (lieu). ``monthly_cost`` and ``in_kind_value`` are per month, for the budget."""

    name: ShortText = ""
    address: ShortText = ""
    lent_by: ShortText = Field(default="", description="Qui prête ou loue le lieu")
    monthly_cost: Money = Field(default=Decimal("0"), ge=0, description="Loyer payé par mois (compte 613)")
    in_kind_value: Money = Field(default=Decimal("0"), ge=0,
                                 description="Valeur mensuelle d'un prêt gratuit ou à prix réduit (comptes 861/871)")


class EquipmentItem(KpaModel):
    """An item of basic equipment (équipement de base)."""

    label: str = Field(default="", max_length=200)
    status: Literal["have", "borrow", "buy"] = "buy"
    cost: Money = Field(default=Decimal("0"), description="Coût estimé (achat) ou valeur (prêt)")
    category: EquipmentCategory = "other"


class GroupMember(KpaModel):
    """A person interested in the group: no full name, everything optional."""

    alias: str = Field(default="", max_length=60, description="Prénom ou initiales, si la personne le souhaite")
    age_band: AgeBand | None = None
    gender: Gender | None = None
    situations: list[Situation] = Field(default_factory=list, max_length=3)
    interests: str = Field(default="", max_length=500, description="Envies, compétences")


class TeamMember(KpaModel):
    """A person or organisation of the support team (équipe d'accompagnement)."""

    label: str = Field(default="", max_length=200, description="Rôle ou prénom (pas de nom complet)")
    organisation: str = Field(default="", max_length=200)
    fte: Decimal = Field(default=Decimal("0"), ge=0, le=5, description="Part d'ETP (0,5 = mi-temps)")
    paid_by: Literal["project", "partner", "volunteer"] = Field(
        default="project", description="salarié·e du projet, mis·e à disposition par un partenaire, bénévole")


class Host(KpaModel):
    """The legal and financial host (structure de portage), usually a CAE."""

    name: ShortText = ""
    kind: HostKind = "cae"
    contact_role: ShortText = Field(default="", description="Rôle de la personne contact (pas de nom)")
    platform: ShortText = Field(default="", description="Plateforme de devis et factures")


class Partner(KpaModel):
    """A partner organisation: client, funder and/or relay."""

    name: ShortText = ""
    roles: list[PartnerRole] = Field(default_factory=list, max_length=3)
    status: PartnerStatus = "to_contact"
    brings: str = Field(default="", max_length=500, description="Ce que le partenaire apporte")


class Commitment(KpaModel):
    """One commitment of the philosophy: adopted or not, in the group's own words."""

    adopted: bool = False
    words: str = Field(default="", max_length=1000)


class Philosophy(KpaModel):
    """The deck's commitments (see :data:`COMMITMENTS`)."""

    reciprocity: Commitment = Field(default_factory=Commitment)
    wishes_skills: Commitment = Field(default_factory=Commitment)
    open_coop: Commitment = Field(default_factory=Commitment)
    horizontality: Commitment = Field(default_factory=Commitment)
    belongs_to_all: Commitment = Field(default_factory=Commitment)
    territory_needs: Commitment = Field(default_factory=Commitment)
    charters: Commitment = Field(default_factory=Commitment)
    open_budgets: Commitment = Field(default_factory=Commitment)

    def get(self, name: str) -> Commitment:
        commitment: Commitment = getattr(self, name)
        return commitment


class SupportSession(KpaModel):
    """A dated step of the KPA-Cité support path."""

    start: PlausibleDate = None
    days: int = Field(default=3, ge=0, le=60)
    done: bool = False
    notes: str = Field(default="", max_length=1000)


class SupportPath(KpaModel):
    """The KPA-Cité support path: micro-accompagnement, two trainings, custom support."""

    micro: SupportSession = Field(default_factory=SupportSession)
    training_1: SupportSession = Field(default_factory=SupportSession)
    training_2: SupportSession = Field(default_factory=SupportSession)
    custom: SupportSession = Field(default_factory=lambda: SupportSession(days=0))

    def get(self, name: str) -> SupportSession:
        session: SupportSession = getattr(self, name)
        return session


class Checklist(KpaModel):
    """State of the launch checklist of one territory."""

    ingredients: Ingredients = Field(default_factory=Ingredients)
    venue: Venue = Field(default_factory=Venue)
    equipment: list[EquipmentItem] = Field(default_factory=list, max_length=200)
    group: list[GroupMember] = Field(default_factory=list, max_length=200)
    team: list[TeamMember] = Field(default_factory=list, max_length=50)
    host: Host = Field(default_factory=Host)
    partners: list[Partner] = Field(default_factory=list, max_length=200)
    philosophy: Philosophy = Field(default_factory=Philosophy)
    support: SupportPath = Field(default_factory=SupportPath)


# --------------------------------------------------------------------------- messages
@dataclass(frozen=True)
class Message:
    """A translatable message: a French message id and its parameters.

    Parameters are formatted by name when shown: ``*_label`` values are message ids
    (translated), ``*_pct`` ratios (formatted as a percentage), ``*_date`` dates,
    ``*_money`` amounts; a :class:`Message` value is rendered in the same language;
    Decimal values are formatted as numbers; anything else is shown as is.
    """

    msgid: str
    params: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: str | None = None) -> str:
        """The message in *lang* (default: the current language)."""
        values: dict[str, Any] = {}
        for key, value in self.params.items():
            if isinstance(value, Message):
                values[key] = value.text(lang)
            elif key.endswith("_label"):
                values[key] = translate(str(value), lang)
            elif key.endswith("_pct"):
                values[key] = format_percent(value, lang)
            elif key.endswith("_date"):
                values[key] = format_date(value, lang)
            elif key.endswith("_money"):
                values[key] = format_money(value, lang)
            elif isinstance(value, Decimal):
                values[key] = format_number(value, lang, digits=2)
            else:
                values[key] = value
        text = translate(self.msgid, lang)
        try:
            return text.format(**values)
        except (KeyError, IndexError, ValueError):
            return text


# ------------------------------------------------------------------------------ group mix
@dataclass(frozen=True)
class MixWarning:
    """A plain-language remark on the group: ``level`` is ``warning`` or ``info``."""

    code: str
    message: Message
    level: str = "warning"


@dataclass(frozen=True)
class GroupMix:
    """Mix indicators of the group (see the module docstring for the thresholds)."""

    size: int
    genders: dict[str, int]  #: gender code → count (known genders only)
    gender_unknown: int
    gender_shares: dict[str, Decimal]  #: gender code → share of the known genders
    age_bands: dict[str, int]  #: age band code → count, in age order
    age_unknown: int
    situations: dict[str, int]  #: situation code → number of people holding it
    warnings: tuple[MixWarning, ...]

    @property
    def age_band_count(self) -> int:
        """How many distinct age bands the group spans (the « spread of ages »)."""
        return sum(1 for count in self.age_bands.values() if count)

    @property
    def situation_count(self) -> int:
        return sum(1 for count in self.situations.values() if count)

    @property
    def ok(self) -> bool:
        """Big enough and no mix warning (information remarks do not count)."""
        return self.size >= MIN_GROUP_SIZE and not any(w.level == "warning" for w in self.warnings)


_GENDER_WARNINGS = {
    "woman": N_("Le groupe compte {share_pct} de femmes : cherchez aussi des hommes."),
    "man": N_("Le groupe compte {share_pct} d'hommes : cherchez aussi des femmes."),
    "other": N_("Le groupe compte {share_pct} de personnes d'un même genre."),
}


def _share(part: int, whole: int) -> Decimal:
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP) if whole else Decimal(0)


def group_mix(checklist: Checklist) -> GroupMix:
    """Size, gender, age and situation indicators of the group, with warnings."""
    people = checklist.group
    size = len(people)
    genders = Counter(p.gender for p in people if p.gender)
    known_genders = sum(genders.values())
    ages = Counter(p.age_band for p in people if p.age_band)
    situations: Counter[str] = Counter()
    for person in people:
        situations.update(set(person.situations))
    warnings: list[MixWarning] = []
    if size == 0:
        warnings.append(MixWarning("empty", Message(N_("Personne n'est encore inscrit dans le groupe."))))
    elif size < MIN_GROUP_SIZE:
        warnings.append(MixWarning("small", Message(
            N_("Le groupe ne compte que {count} personne(s) : visez au moins {min} (les KPA du réseau ont démarré à 7 à 22)."),
            {"count": size, "min": MIN_GROUP_SIZE})))
    if size >= MIN_MIX_SIZE:
        if known_genders >= MIN_MIX_SIZE:
            top, top_count = genders.most_common(1)[0]
            share = _share(top_count, known_genders)
            if share >= MAX_GENDER_SHARE:
                warnings.append(MixWarning("gender", Message(_GENDER_WARNINGS[str(top)], {"share_pct": share})))
        known_ages = sum(ages.values())
        if known_ages >= MIN_MIX_SIZE and len(ages) == 1:
            band = next(iter(ages))
            warnings.append(MixWarning("age", Message(
                N_("Tous les âges connus sont dans la même tranche : {band_label}."), {"band_label": AGE_BANDS[str(band)]})))
        with_situation = sum(1 for p in people if p.situations)
        if with_situation >= MIN_MIX_SIZE and situations:
            top_situation, top_count = situations.most_common(1)[0]
            if len(situations) == 1:
                warnings.append(MixWarning("situation", Message(
                    N_("Un seul profil : {situation_label}."), {"situation_label": SITUATIONS_PLURAL[top_situation]})))
            elif _share(top_count, size) >= MAX_SITUATION_SHARE:
                warnings.append(MixWarning("situation", Message(
                    N_("Profil dominant : {share_pct} du groupe sont {situation_label}."),
                    {"share_pct": _share(top_count, size), "situation_label": SITUATIONS_PLURAL[top_situation]})))
    age_unknown = size - sum(ages.values())
    if size and age_unknown == size:
        warnings.append(MixWarning("age_missing", Message(
            N_("Aucun âge renseigné : la mixité d'âge ne peut pas être évaluée.")), "info"))
    elif age_unknown:
        warnings.append(MixWarning("age_missing", Message(
            N_("Âge non renseigné pour {count} personne(s)."), {"count": age_unknown}), "info"))
    gender_unknown = size - known_genders
    if gender_unknown:
        warnings.append(MixWarning("gender_missing", Message(
            N_("Genre non renseigné pour {count} personne(s)."), {"count": gender_unknown}), "info"))
    return GroupMix(
        size=size,
        genders={code: genders.get(code, 0) for code in GENDERS},  # type: ignore[call-overload]
        gender_unknown=gender_unknown,
        gender_shares={code: _share(genders.get(code, 0), known_genders) for code in GENDERS},  # type: ignore[call-overload]
        age_bands={code: ages.get(code, 0) for code in AGE_BANDS},  # type: ignore[call-overload]
        age_unknown=age_unknown,
        situations={code: situations.get(code, 0) for code in SITUATIONS},
        warnings=tuple(warnings),
    )


# ------------------------------------------------------------------------------ team, partners
def team_total_fte(checklist: Checklist) -> Decimal:
    """Total FTE of the support team (exact Decimal, e.g. ``Decimal("1.30")``)."""
    return sum((member.fte for member in checklist.team), Decimal(0))


def partner_counts(checklist: Checklist) -> dict[str, dict[str, int]]:
    """Per role (client, funder, relay): how many partners in total and how many committed."""
    counts = {role: {"total": 0, "committed": 0} for role in PARTNER_ROLES}
    for partner in checklist.partners:
        for role in set(partner.roles):
            counts[role]["total"] += 1
            if partner.status == "committed":
                counts[role]["committed"] += 1
    return counts


def _auto_checks(checklist: Checklist, ingredient: str) -> dict[str, bool]:
    if ingredient == "venue":
        return {"named": bool(checklist.venue.name and checklist.venue.address)}
    if ingredient == "equipment":
        return {"listed": bool(checklist.equipment),
                "costed": bool(checklist.equipment) and all(item.cost > 0 for item in checklist.equipment if item.status == "buy")}
    if ingredient == "group":
        mix = group_mix(checklist)
        return {"size": mix.size >= MIN_GROUP_SIZE, "mixed": mix.ok}
    if ingredient == "team":
        return {"fte": team_total_fte(checklist) >= TEAM_FTE_TARGET,
                "shared": sum(1 for m in checklist.team if m.fte > 0) >= 2}
    if ingredient == "host":
        return {"named": bool(checklist.host.name)}
    if ingredient == "partners":
        counts = partner_counts(checklist)
        return {role: counts[role]["committed"] > 0 for role in PARTNER_ROLES}
    raise KeyError(ingredient)


def check_results(checklist: Checklist, ingredient: str) -> list[tuple[Check, bool]]:
    """Every check of *ingredient* with whether it is met."""
    state = checklist.ingredients.get(ingredient)
    auto = _auto_checks(checklist, ingredient)
    return [(check, auto[check.id] if check.auto else check.id in state.criteria) for check in CHECKS[ingredient]]


# ------------------------------------------------------------------------------ readiness
def _light(score: int) -> str:
    return "green" if score >= GREEN_FROM else "orange" if score >= ORANGE_FROM else "red"


@dataclass(frozen=True)
class IngredientScore:
    """The score of one ingredient (0–100) and how it was reached."""

    name: str
    status: str
    checks_met: int
    checks_total: int
    score: int
    light: str  #: ``green`` / ``orange`` / ``red``

    @property
    def title(self) -> str:
        """French message id of the ingredient's title."""
        return INGREDIENT_TITLES[self.name]


@dataclass(frozen=True)
class Readiness:
    """Readiness of the territory: one score per ingredient and the overall one."""

    ingredients: tuple[IngredientScore, ...]
    pct: int  #: overall score, 0–100
    light: str

    def get(self, name: str) -> IngredientScore:
        return next(score for score in self.ingredients if score.name == name)


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def readiness(checklist: Checklist) -> Readiness:
    """Scores per ingredient and overall, with traffic lights (rule in the module docstring)."""
    scores = []
    for name in INGREDIENTS:
        state = checklist.ingredients.get(name)
        results = check_results(checklist, name)
        met = sum(1 for _check, ok in results if ok)
        value = STATUS_WEIGHT * STATUS_VALUE[state.status] + CHECKS_WEIGHT * Decimal(met) / Decimal(len(results))
        score = _round(value)
        scores.append(IngredientScore(name, state.status, met, len(results), score, _light(score)))
    total_weight = sum(INGREDIENT_WEIGHTS.values())
    overall = _round(sum((Decimal(INGREDIENT_WEIGHTS[s.name] * s.score) for s in scores), Decimal(0)) / total_weight)
    light = _light(overall)
    if light == "green" and any(s.light == "red" for s in scores):
        light = "orange"
    return Readiness(tuple(scores), overall, light)


# ------------------------------------------------------------------------------ next actions
@dataclass(frozen=True)
class Action:
    """Something to do next, generated from what is missing."""

    section: str  #: an ingredient id, ``philosophy`` or ``support``
    message: Message
    owner: str = ""
    due: dt.date | None = None
    key: str = ""  #: stable identifier, e.g. ``venue:available`` or ``partners:contact:3``

    def text(self, lang: str | None = None) -> str:
        """The action in *lang* (default: the current language)."""
        return self.message.text(lang)

    @property
    def title(self) -> str:
        """The action in the current language (what the plan's timeline shows)."""
        return self.text()

    @property
    def ingredient(self) -> str:
        return self.section


def next_actions(checklist: Checklist, launch_date: dt.date | None = None) -> list[Action]:
    """What to do next, from the unmet checks, partners to contact, commitments and support dates.

    Each action carries the owner and due date of its ingredient when they are known.
    Sorted by due date (undated last), then in the workshop's order.
    """
    actions: list[Action] = []
    for name in INGREDIENTS:
        state = checklist.ingredients.get(name)
        owner, due = state.owner, state.due
        for check, ok in check_results(checklist, name):
            if ok:
                continue
            params: dict[str, Any] = {}
            if name == "team" and check.id == "fte":
                missing = TEAM_FTE_TARGET - team_total_fte(checklist)
                actions.append(Action(name, Message(
                    N_("Trouver {missing} ETP d'accompagnement de plus (objectif 1,5 ETP)"), {"missing": missing}),
                    owner, due, f"{name}:{check.id}"))
                continue
            if name == "group" and check.id == "size":
                missing_people = MIN_GROUP_SIZE - len(checklist.group)
                actions.append(Action(name, Message(
                    N_("Recruter au moins {count} personne(s) de plus (au moins 6 en tout)"), {"count": missing_people}),
                    owner, due, f"{name}:{check.id}"))
                continue
            if name == "group" and check.id == "mixed":
                for warning in group_mix(checklist).warnings:
                    if warning.level == "warning" and warning.code not in ("small", "empty"):
                        actions.append(Action(name, Message(N_("Élargir le recrutement : {detail}"),
                                                            {"detail": warning.message}), owner, due,
                                              f"{name}:mix:{warning.code}"))
                continue
            if name == "equipment" and check.id == "costed":
                for index, item in enumerate(checklist.equipment):
                    if item.status == "buy" and item.cost <= 0:
                        actions.append(Action(name, Message(N_("Estimer le coût de : {item}"),
                                                            {"item": item.label or "?"}), owner, due,
                                              f"{name}:cost:{index}"))
                continue
            actions.append(Action(name, Message(check.action, params), owner, due, f"{name}:{check.id}"))
        if name == "partners":
            for index, partner in enumerate(checklist.partners):
                if partner.status == "to_contact" and partner.name:
                    actions.append(Action(name, Message(N_("Contacter {partner}"), {"partner": partner.name}),
                                          owner, due, f"{name}:contact:{index}"))
    for commitment_id, msgid in COMMITMENTS.items():
        if not checklist.philosophy.get(commitment_id).adopted:
            actions.append(Action("philosophy", Message(N_("Discuter en groupe : {commitment_label}"),
                                                        {"commitment_label": msgid}), key=f"philosophy:{commitment_id}"))
    support = checklist.support
    for step in ("micro", "training_1", "training_2"):
        if support.get(step).start is None:
            actions.append(Action("support", Message(N_("Fixer avec KPA-Cité la date : {step_label}"),
                                                     {"step_label": SUPPORT_STEPS[step]}), key=f"support:{step}"))
    if launch_date is not None and support.micro.start is not None and support.micro.start >= launch_date:
        actions.append(Action("support", Message(
            N_("Avancer le micro-accompagnement avant le lancement du {launch_date}"), {"launch_date": launch_date}),
            key="support:micro_after_launch"))
    order = {name: index for index, name in enumerate((*INGREDIENTS, "philosophy", "support"))}
    return sorted(actions, key=lambda a: (a.due is None, a.due or dt.date.max, order[a.section]))


# ------------------------------------------------------------------------------ support dates
@dataclass(frozen=True)
class SupportDate:
    """A dated step of the support path, for the plan's timeline."""

    id: str
    label: str  #: French message id
    start: dt.date
    end: dt.date
    done: bool


def support_dates(checklist: Checklist) -> list[SupportDate]:
    """The support path's dated steps (undated ones left out), in date order."""
    dates = []
    for step, label in SUPPORT_STEPS.items():
        session = checklist.support.get(step)
        if session.start is not None:
            end = session.start + dt.timedelta(days=max(session.days, 1) - 1)
            dates.append(SupportDate(step, label, session.start, end, session.done))
    return sorted(dates, key=lambda d: d.start)


def support_warnings(checklist: Checklist, launch_date: dt.date | None) -> list[Message]:
    """Problems with the support path's dates (micro-accompagnement after the launch, trainings out of order)."""
    support = checklist.support
    problems: list[Message] = []
    if launch_date and support.micro.start and support.micro.start >= launch_date:
        problems.append(Message(N_("Le micro-accompagnement doit avoir lieu avant le lancement du {launch_date}."),
                                {"launch_date": launch_date}))
    if support.training_1.start and support.training_2.start and support.training_2.start < support.training_1.start:
        problems.append(Message(N_("La session de formation n° 2 est datée avant la n° 1.")))
    if support.micro.start and support.training_1.start and support.training_1.start < support.micro.start:
        problems.append(Message(N_("La première formation est datée avant le micro-accompagnement.")))
    return problems


# ------------------------------------------------------------------------------ kpa check
def check_fields(workbook: Any) -> dict[str, Any]:
    """Keys this section adds to ``kpa check --json``.

    ``readiness_pct`` (int 0–100), ``ingredients`` (id → status ``todo`` /
    ``in_progress`` / ``done``), ``group_size`` (int), ``team_fte`` (a decimal number
    as a string, e.g. ``"1.3"``, exact like amounts), ``next_actions`` (int).
    """
    checklist: Checklist = workbook.checklist
    ready = readiness(checklist)
    fte = team_total_fte(checklist)
    return {
        "readiness_pct": ready.pct,
        "ingredients": {name: checklist.ingredients.get(name).status for name in INGREDIENTS},
        "group_size": len(checklist.group),
        "team_fte": format(fte.normalize(), "f") if fte else "0",
        "next_actions": len(next_actions(checklist, workbook.identity.launch_date)),
    }
