"""What the checklist stores (``workbook.checklist``): its vocabularies, checks and records.

The computations (readiness, group mix, next actions) are in :mod:`kpawidgets.model.checklist`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, get_args

from pydantic import Field, field_validator, model_validator

from kpawidgets.i18n import N_
from kpawidgets.model.base import KpaModel, MultiLine, PlausibleDate, ShortText, SingleLine, id_field, unique_ids
from kpawidgets.model.money import Money
from kpawidgets.model.problems import problem
from kpawidgets.model.records.budget import Subline

__all__ = [
    "Checklist", "TeamMember", "EquipmentItem", "Venue", "GroupMember", "Host", "Partner",
    "IngredientState", "Ingredients", "Commitment", "Philosophy", "SupportSession", "SupportPath", "Check",
    "INGREDIENTS", "INGREDIENT_TITLES", "CHECKS", "STATUS_LABELS",
    "AGE_BANDS", "GENDERS", "SITUATIONS", "SITUATIONS_PLURAL", "PAID_BY_LABELS", "EQUIPMENT_STATUS_LABELS",
    "EQUIPMENT_CATEGORIES", "PARTNER_ROLES", "PARTNER_STATUS_LABELS", "COMMITMENTS", "SUPPORT_STEPS",
    "PlausibleDate", "ShortText",
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

Status = Literal["todo", "in_progress", "done"]
STATUS_LABELS: dict[str, str] = {"todo": N_("À faire"), "in_progress": N_("En cours"), "done": N_("Acquis")}

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
    notes: MultiLine = Field(default="", max_length=4000)
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
                raise problem("kpa_unknown_criteria", ingredient=name, criteria=", ".join(sorted(unknown)))
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

    id: str = id_field()
    label: SingleLine = Field(default="", max_length=200)
    status: Literal["have", "borrow", "buy"] = "buy"
    cost: Money = Field(default=Decimal("0"), description="Coût estimé (achat) ou valeur (prêt)")
    category: EquipmentCategory = "other"


class GroupMember(KpaModel):
    """A person interested in the group: no full name, everything optional."""

    id: str = id_field()
    alias: SingleLine = Field(default="", max_length=60, description="Prénom ou initiales, si la personne le souhaite")
    age_band: AgeBand | None = None
    gender: Gender | None = None
    situations: list[Situation] = Field(default_factory=list, max_length=3)
    interests: MultiLine = Field(default="", max_length=500, description="Envies, compétences")


class TeamMember(KpaModel):
    """A person or organisation of the support team (équipe d'accompagnement)."""

    id: str = id_field()
    label: SingleLine = Field(default="", max_length=200, description="Rôle ou prénom (pas de nom complet)")
    organisation: SingleLine = Field(default="", max_length=200)
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

    id: str = id_field()
    name: ShortText = ""
    roles: list[PartnerRole] = Field(default_factory=list, max_length=3)
    status: PartnerStatus = "to_contact"
    brings: MultiLine = Field(default="", max_length=500, description="Ce que le partenaire apporte")
    #: the funder's kind as the Cerfa n°12156's block 74 sorts it (a key of ``records.budget.SUBLINES``:
    #: État, Région, Département, EPCI, Commune, organismes sociaux, fonds européens, aides à l'emploi,
    #: autres établissements publics, privé); None: not said yet (a warning, never a silent default)
    kind: Subline | None = Field(default=None, description="Type de financeur (sous-ligne 74 du Cerfa n°12156)")


class Commitment(KpaModel):
    """One commitment of the philosophy: adopted or not, in the group's own words."""

    adopted: bool = False
    words: MultiLine = Field(default="", max_length=1000)


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
    notes: MultiLine = Field(default="", max_length=1000)


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

    @field_validator("equipment")
    @classmethod
    def _unique_equipment(cls, value: list[EquipmentItem]) -> list[EquipmentItem]:
        return unique_ids(value, N_("l'équipement"))

    @field_validator("group")
    @classmethod
    def _unique_group(cls, value: list[GroupMember]) -> list[GroupMember]:
        return unique_ids(value, N_("le groupe"))

    @field_validator("team")
    @classmethod
    def _unique_team(cls, value: list[TeamMember]) -> list[TeamMember]:
        return unique_ids(value, N_("l'équipe d'accompagnement"))

    @field_validator("partners")
    @classmethod
    def _unique_partners(cls, value: list[Partner]) -> list[Partner]:
        return unique_ids(value, N_("les partenaires"))
