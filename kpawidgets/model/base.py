"""Shared base class of every model object, and the field types every record uses."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterable
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from kpawidgets.model.problems import problem

__all__ = [
    "KpaModel", "DATE_RANGE", "ID_PATTERN", "new_id", "id_field", "plausible_date", "plausible_day", "plausible_moment", "single_line", "multi_line",
    "unique_ids", "PlausibleDate", "PlausibleDay", "PlausibleMoment", "SingleLine", "MultiLine", "ShortText",
]

#: Years a date of the workbook may fall in: anything else is a typing slip.
DATE_RANGE = (2000, 2100)


class KpaModel(BaseModel):
    """Strict, assignment-validated pydantic model: a typo in a file is an error, not a loss."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, str_strip_whitespace=True)


#: What an item's id may be: short, safe in a URL, a file and a spreadsheet cell.
ID_PATTERN = r"^[A-Za-z0-9_-]{1,40}$"


def new_id() -> str:
    """A short random identifier for an item of a list (stable across edits, reorderings and merges)."""
    return secrets.token_hex(6)


def id_field() -> Any:
    """The ``id`` field of a list's item: generated when absent, then never changed."""
    return Field(default_factory=new_id, pattern=ID_PATTERN,
                 description="Identifiant stable de l'élément (ne change ni quand on le modifie ni quand on le déplace)")


def plausible_day(value: dt.date) -> dt.date:
    """*value* unchanged when its year is in :data:`DATE_RANGE`; a ``kpa_date_range`` problem otherwise."""
    if not DATE_RANGE[0] <= value.year <= DATE_RANGE[1]:
        raise problem("kpa_date_range", min=DATE_RANGE[0], max=DATE_RANGE[1])
    return value


def plausible_date(value: dt.date | None) -> dt.date | None:
    """Like :func:`plausible_day`, an empty date allowed."""
    return None if value is None else plausible_day(value)


def plausible_moment(value: dt.datetime | None) -> dt.datetime | None:
    """A date and time (``created_at``…) within :data:`DATE_RANGE`, or none."""
    if value is not None:
        plausible_day(value.date())
    return value


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _check_characters(value: str, control: re.Pattern[str]) -> str:
    found = control.search(value)
    if found:
        raise problem("kpa_control_character", position=found.start() + 1)
    return value


def single_line(value: str) -> str:
    """*value* unchanged when it holds no control character (no NUL, no tab, no line break)."""
    return _check_characters(value, _CONTROL)


def multi_line(value: str) -> str:
    """*value* unchanged when its only control characters are tabs and line breaks."""
    return _check_characters(value, _CONTROL_BUT_LINES)


Item = TypeVar("Item")


def unique_ids(items: list[Item], list_label: str, key: str = "id") -> list[Item]:
    """*items* unchanged when no two share their *key*; a ``kpa_duplicate_id`` problem naming the list otherwise.

    *list_label* is the list's French name (a message id), e.g. « les lignes du budget ».
    """
    seen: set[object] = set()
    for value in _keys(items, key):
        if value in seen:
            raise problem("kpa_duplicate_id", id=value, list_label=list_label)
        seen.add(value)
    return items


def _keys(items: Iterable[object], key: str) -> Iterable[object]:
    return (getattr(item, key) for item in items)


#: An optional date within :data:`DATE_RANGE`.
PlausibleDate = Annotated[dt.date | None, AfterValidator(plausible_date)]
#: A required date within :data:`DATE_RANGE`.
PlausibleDay = Annotated[dt.date, AfterValidator(plausible_day)]
#: An optional date and time within :data:`DATE_RANGE`.
PlausibleMoment = Annotated[dt.datetime | None, AfterValidator(plausible_moment)]
#: One line of text (a name, a label): no control characters (they break the spreadsheet export).
SingleLine = Annotated[str, AfterValidator(single_line)]
#: Free text (notes): line breaks and tabs allowed, no other control characters.
MultiLine = Annotated[str, AfterValidator(multi_line)]
#: A one-line text of at most 200 characters.
ShortText = Annotated[str, Field(max_length=200), AfterValidator(single_line)]
