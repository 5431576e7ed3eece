"""The launch plan: timeline steps (issue 5 fills this in)."""

from __future__ import annotations

from typing import Any

from kpawidgets.model.base import KpaModel

__all__ = ["Plan", "check_fields"]


class Plan(KpaModel):
    """The launch plan of one territory."""


def check_fields(workbook: Any) -> dict[str, Any]:
    """Keys this section adds to ``kpa check --json``."""
    return {}
