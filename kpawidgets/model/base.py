"""Shared base class of every model object."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["KpaModel"]


class KpaModel(BaseModel):
    """Strict, assignment-validated pydantic model: a typo in a file is an error, not a loss."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, str_strip_whitespace=True)
