"""Shared base class of every model object, and the field types every record uses."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

__all__ = ["KpaModel", "DATE_RANGE", "plausible_date", "PlausibleDate", "ShortText"]

#: Years a date of the workbook may fall in: anything else is a typing slip.
DATE_RANGE = (2000, 2100)


class KpaModel(BaseModel):
    """Strict, assignment-validated pydantic model: a typo in a file is an error, not a loss."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, str_strip_whitespace=True)


def plausible_date(value: dt.date | None) -> dt.date | None:
    """*value* unchanged when its year is in :data:`DATE_RANGE` (or it is empty); raise ValueError otherwise."""
    if value is not None and not (DATE_RANGE[0] <= value.year <= DATE_RANGE[1]):
        raise ValueError("date hors de la période 2000–2100")
    return value


#: An optional date within :data:`DATE_RANGE`.
PlausibleDate = Annotated[dt.date | None, AfterValidator(plausible_date)]
#: A one-line text of at most 200 characters (a name, a label).
ShortText = Annotated[str, Field(max_length=200)]
