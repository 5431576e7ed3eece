"""The launch checklist: six ingredients, philosophy, support path (issue 3 fills this in).

``TeamMember`` and ``EquipmentItem`` are shared with the budget (staff costs and
equipment purchases are built from them), so their fields are a contract: add
fields freely, but do not rename or remove these.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import Field

from kpawidgets.model.base import KpaModel
from kpawidgets.model.money import Money

__all__ = ["Checklist", "TeamMember", "EquipmentItem", "check_fields"]


class TeamMember(KpaModel):
    """A person or organisation of the support team (équipe d'accompagnement)."""

    label: str = Field(default="", max_length=200, description="Rôle ou prénom (pas de nom complet)")
    organisation: str = Field(default="", max_length=200)
    fte: Decimal = Field(default=Decimal("0"), ge=0, le=5, description="Part d'ETP (0,5 = mi-temps)")
    paid_by: Literal["project", "partner", "volunteer"] = Field(
        default="project", description="salarié·e du projet, mis·e à disposition par un partenaire, bénévole")


class EquipmentItem(KpaModel):
    """An item of basic equipment (équipement de base)."""

    label: str = Field(default="", max_length=200)
    status: Literal["have", "borrow", "buy"] = "buy"
    cost: Money = Field(default=Decimal("0"), description="Coût estimé (achat) ou valeur (prêt)")


class Checklist(KpaModel):
    """State of the launch checklist of one territory."""

    team: list[TeamMember] = Field(default_factory=list)
    equipment: list[EquipmentItem] = Field(default_factory=list)


def check_fields(workbook: Any) -> dict[str, Any]:
    """Keys this section adds to ``kpa check --json``."""
    return {}
