"""The first-year budget in the Cerfa n°12156 layout (issue 4 fills this in)."""

from __future__ import annotations

from typing import Any

from kpawidgets.model.base import KpaModel

__all__ = ["Budget", "check_fields"]


class Budget(KpaModel):
    """The first-year budget, funders and scenarios of one territory."""


def check_fields(workbook: Any) -> dict[str, Any]:
    """Keys this section adds to ``kpa check --json``."""
    return {}
