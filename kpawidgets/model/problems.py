"""Validation problems of the records: a type, parameters and a French template each.

A record's validator raises :func:`problem`, a :class:`pydantic_core.PydanticCustomError`
whose ``type`` names the problem (``kpa_date_range``…) and whose context holds its
parameters; pages and the CLI translate a problem by its type, never by its wording.
"""

from __future__ import annotations

from typing import Any

from pydantic_core import PydanticCustomError

from kpawidgets.i18n import N_

__all__ = ["PROBLEMS", "problem"]

#: Problem type → French template (message id of the catalogs, ``{name}`` placeholders).
PROBLEMS: dict[str, str] = {
    "kpa_date_range": N_("date hors de la période {min}–{max}"),
    "kpa_control_character": N_("caractère de contrôle interdit (position {position})"),
    "kpa_duplicate_id": N_("identifiant « {id} » en double dans {list_label}"),
    "kpa_unknown_account": N_("compte « {account} » inconnu du plan Cerfa (ou 87, déduit des lignes 86)"),
    "kpa_negative_amount": N_("le montant ne peut pas être négatif"),
    "kpa_unknown_criteria": N_("critère inconnu pour {ingredient} : {criteria}"),
    "kpa_end_before_start": N_("la fin est avant le début"),
    "kpa_override_id": N_("l'identifiant d'une étape modifiée doit être sa clé"),
}


def problem(kind: str, **params: Any) -> PydanticCustomError:
    """The validation error of type *kind* (a key of :data:`PROBLEMS`) with *params*."""
    return PydanticCustomError(kind, PROBLEMS[kind], params)
