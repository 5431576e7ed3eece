"""Section 8: the launch timeline (Gantt chart, then month by month)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kpawidgets.charts import gantt, gantt_rows, kind_colour, mark_icon
from kpawidgets.charts.gantt import GanttRow
from kpawidgets.i18n import _, format_date, format_month, ngettext, translate
from kpawidgets.model.plan import STEP_KINDS, Timeline, months_of

__all__ = ["GANTT_ROWS_PER_CHART", "Swatch", "MonthStep", "Month", "TimelineSection", "timeline_section",
           "month_title", "span"]

#: Rows per Gantt drawing: a longer plan continues in a second drawing on the next page.
GANTT_ROWS_PER_CHART = 30


@dataclass(frozen=True)
class Swatch:
    """A legend entry: a colour (or a small SVG symbol) and its label."""

    label: str
    colour: str = ""
    svg: str = ""


@dataclass(frozen=True)
class MonthStep:
    title: str
    dates: str
    owner: str
    done: bool
    kind: str
    colour: str
    warning: bool
    detail: str


@dataclass(frozen=True)
class Month:
    label: str
    steps: tuple[MonthStep, ...]


@dataclass(frozen=True)
class TimelineSection:
    marks: tuple[Swatch, ...]
    empty: bool
    charts: tuple[str, ...]
    months: tuple[Month, ...]
    legend: tuple[Swatch, ...]
    warnings: tuple[str, ...]
    count: int
    done: int


def month_title(day: dt.date) -> str:
    """``Avril 2026``: the month's full name, capitalised."""
    text = format_month(day)
    return text[:1].upper() + text[1:]


def span(start: dt.date, end: dt.date) -> str:
    """``12 mars 2027`` or ``du 3 au 12 mars 2027``."""
    if start == end:
        return format_date(start)
    if start.year == end.year and start.month == end.month:
        return _("du {start} au {end}").format(start=str(start.day), end=format_date(end))
    return _("du {start} au {end}").format(start=format_date(start), end=format_date(end))


def timeline_section(timeline: Timeline, launch: dt.date | None, today: dt.date) -> TimelineSection:
    """The Gantt chart (in drawings of at most :data:`GANTT_ROWS_PER_CHART` rows), the months, the legend."""
    warned = {w.step_key for w in timeline.warnings if w.step_key}
    rows: list[GanttRow] = gantt_rows(timeline)
    # the chart's text alternative: what it holds, and where the same steps are written out (« Mois par mois »)
    charts = tuple(gantt(rows[first:first + GANTT_ROWS_PER_CHART], ngettext(
        "Diagramme de Gantt du lancement : {count} ligne ; chaque étape et ses dates sont écrites mois par mois plus bas.",
        "Diagramme de Gantt du lancement : {count} lignes ; chaque étape et ses dates sont écrites mois par mois plus bas.",
        len(rows[first:first + GANTT_ROWS_PER_CHART])).format(count=len(rows[first:first + GANTT_ROWS_PER_CHART])),
                         marker=(launch, _("Lancement")) if launch else None, today=(today, _("Aujourd'hui")))
                   for first in range(0, len(rows), GANTT_ROWS_PER_CHART))
    months = tuple(Month(month_title(month), tuple(MonthStep(
        s.title, span(s.start, s.end), s.owner, s.done, translate(STEP_KINDS.get(s.kind, STEP_KINDS["custom"])),
        kind_colour(s.kind), s.key in warned, s.detail if not s.done else "") for s in steps))
        for month, steps in months_of(timeline.steps))
    used = {step.kind for step in timeline.steps}
    legend = tuple(Swatch(translate(STEP_KINDS[k]), kind_colour(k)) for k in STEP_KINDS if k in used)
    marks: tuple[Swatch, ...] = ()
    if any(s.lane for s in timeline.steps):
        marks = tuple(Swatch(words, svg=mark_icon(mark, title=words)) for mark, words in (
            ("deadline", _("dépôt du dossier")), ("answer", _("réponse attendue")), ("advance", _("versement"))))
    return TimelineSection(marks, not timeline.steps, charts, months, legend,
                           tuple(w.message for w in timeline.warnings), len(timeline.steps),
                           sum(1 for s in timeline.steps if s.done))
