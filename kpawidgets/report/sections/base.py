"""What the report's sections share: their small typed parts and the guard that keeps a failed section visible."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from pydantic import BaseModel

from kpawidgets.charts import BarItem
from kpawidgets.i18n import _, format_date

__all__ = ["Number", "Chart", "bars_alt", "Tick", "SectionFailure", "drawn", "untouched", "owner_due", "LOG"]

LOG = logging.getLogger("kpawidgets.report")

T = TypeVar("T")


@dataclass(frozen=True)
class Number:
    """A big number with its label; *tone* is ``plain``, ``ok``, ``warn`` or ``bad``."""

    value: str
    label: str
    tone: str = "plain"


@dataclass(frozen=True)
class Chart:
    """A titled chart (SVG drawn by :mod:`kpawidgets.charts`)."""

    title: str
    svg: str
    wide: bool = False


@dataclass(frozen=True)
class Tick:
    """A line of a checklist-like list: *tone* ``yes``, ``partial`` or ``no``."""

    text: str
    tone: str
    meta: str = ""


@dataclass(frozen=True)
class SectionFailure:
    """A section that could not be drawn: the one-line notice the PDF prints in its place."""

    notice: str


def drawn(title: str, build: Callable[[], T]) -> T | SectionFailure:
    """*build()*'s section, or a :class:`SectionFailure` whose notice names *title* (the error is logged).

    A section never vanishes silently: the PDF says it could not be drawn, the server log says why.
    """
    try:
        return build()
    except Exception as exc:  # noqa: BLE001 - any failure of one section must not lose the others
        LOG.exception("report section %r could not be drawn", title)
        return SectionFailure(_("Section {title} : impossible à dessiner ({reason}).").format(
            title=title, reason=type(exc).__name__))


def untouched(model: BaseModel) -> bool:
    """True when *model* is still exactly its class's default (nothing entered)."""
    return bool(model == type(model)())


def owner_due(owner: str, due: dt.date | None) -> str:
    return " · ".join(p for p in (owner, format_date(due) if due else "") if p)


def bars_alt(title: str, items: Sequence[BarItem]) -> str:
    """« Genre : Femme 4 ; Homme moins de 3. »: a bar chart's title and text alternative, its figures as shown."""
    return _("{title} : {figures}.").format(title=title, figures=_(" ; ").join(f"{item.label} {item.shown}" for item in items))
