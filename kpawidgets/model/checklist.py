"""The launch checklist: six ingredients, philosophy, support path (issue 3 fills this in)."""

from __future__ import annotations

from typing import Any

from kpawidgets.model.base import KpaModel

__all__ = ["Checklist", "check_fields"]


class Checklist(KpaModel):
    """State of the launch checklist of one territory."""


def check_fields(workbook: Any) -> dict[str, Any]:
    """Keys this section adds to ``kpa check --json``."""
    return {}
