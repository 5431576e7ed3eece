"""The launch timeline as a Gantt chart: a row per step (a funder's steps share one row), a column per month."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from kpawidgets.charts.bars import clip_text, short_month
from kpawidgets.charts.figure import canvas_axes, drawing, new_figure, svg_of
from kpawidgets.charts.palette import FUNDING_COLOURS, KIND_COLOURS, PALETTE
from kpawidgets.i18n import _
from kpawidgets.model.plan import Step, Timeline

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["GanttRow", "gantt", "gantt_rows", "mark_icon", "kind_colour"]


@dataclass(frozen=True)
class GanttRow:
    """One row of the chart: a step (bar, or diamond for a milestone) or a funder's lane of marks."""

    title: str
    start: dt.date
    end: dt.date
    kind: str
    done: bool = False
    milestone: bool = False
    warning: bool = False
    #: several dated marks on one row (a funder: deadline, answer, payments): (date, kind, done)
    marks: tuple[tuple[dt.date, str, bool], ...] = ()


def kind_colour(kind: str) -> str:
    """The colour of a kind of step (the palette's, ``custom`` for an unknown kind)."""
    return KIND_COLOURS.get(kind, KIND_COLOURS["custom"])


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _diamond(axes: Axes, x: float, y: float, size: float, *, face: str, edge: str | None = None,
             alpha: float = 1.0) -> None:
    from matplotlib.patches import Polygon

    points = [(x, y - size), (x + size, y), (x, y + size), (x - size, y)]
    axes.add_patch(Polygon(points, closed=True, facecolor=face, edgecolor=edge or "none",
                           linewidth=1.6 if edge else 0, alpha=alpha, zorder=4))


def _mark(axes: Axes, mark: str, x: float, y: float, colour: str, done: bool) -> None:
    from matplotlib.patches import Circle

    alpha = 0.45 if done else 1.0
    if mark == "deadline":
        _diamond(axes, x, y, 5.5, face=PALETTE["paper"], edge=colour)
    elif mark == "answer":
        _diamond(axes, x, y, 6, face=colour, alpha=alpha)
    else:
        axes.add_patch(Circle((x, y), 4.2, facecolor=FUNDING_COLOURS["secured"], linewidth=0, alpha=alpha, zorder=4))


def gantt(rows: Sequence[GanttRow], label: str, *, month_label: Callable[[dt.date], str] = short_month,
          width: float = 700, label_width: float = 270, marker: tuple[dt.date, str] | None = None,
          today: tuple[dt.date, str] | None = None) -> str:
    """The Gantt chart of *rows*: bars for steps, diamonds for milestones, a funder's marks on one row.

    *marker* draws a labelled vertical line (the launch), *today* a dashed one. Month names
    are shown whole when every month has room for them, else their first letter.
    """
    from matplotlib.patches import FancyBboxPatch, Rectangle

    if not rows:
        with drawing():
            figure = new_figure(width, 30)
            figure.text(0, 0.3, label, fontsize=12, color=PALETTE["ink"])
            return svg_of(figure, label, "kpa-gantt")
    first = _month_start(min(r.start for r in rows))
    last = max(r.end for r in rows)
    months = [first]
    while _next_month(months[-1]) <= last:
        months.append(_next_month(months[-1]))
    end_day = _next_month(months[-1])
    total_days = (end_day - first).days
    head, row_h = 34.0, 20.0
    plot_x, plot_w = label_width, width - label_width - 6
    height = head + row_h * len(rows) + 14
    day_w = plot_w / total_days

    def x_of(day: dt.date) -> float:
        return plot_x + plot_w * (day - first).days / total_days

    with drawing():
        figure = new_figure(width, height)
        axes = canvas_axes(figure, (0, width), (height, 0))
        names = [month_label(m) for m in months]
        narrowest = min(x_of(_next_month(m)) - x_of(m) for m in months)
        whole = narrowest > 5.4 * max(len(n) for n in names)
        for index, month in enumerate(months):
            x0, x1 = x_of(month), x_of(_next_month(month))
            if index % 2 == 0:
                axes.add_patch(Rectangle((x0, head - 16), x1 - x0, height - head + 16, facecolor=PALETTE["band"],
                                         linewidth=0, zorder=0))
            if x1 - x0 > 14:
                axes.text((x0 + x1) / 2, head - 4, names[index] if whole else names[index][:1].upper(),
                          ha="center", va="baseline", fontsize=8.5, color=PALETTE["muted"])
            if month.month == 1 or index == 0:
                axes.text(x0 + 2, head - 22, str(month.year), ha="left", va="baseline", fontsize=10,
                          fontweight="bold", color=PALETTE["ink"])
                axes.plot([x0, x0], [head - 32, height], color=PALETTE["line"], linewidth=1, zorder=1)
        for index, row in enumerate(rows):
            y = head + row_h * index
            colour = kind_colour(row.kind)
            centre = y + row_h / 2
            axes.plot([0, width], [y + row_h, y + row_h], color=PALETTE["grid"], linewidth=1, zorder=1)
            prefix = "✓ " if row.done else ("⚠ " if row.warning else "")
            fill = PALETTE["muted"] if row.done else (PALETTE["bad"] if row.warning else PALETTE["ink"])
            axes.text(4, y + 14, prefix + clip_text(row.title, int(label_width / 5.6)), ha="left", va="baseline",
                      fontsize=10.5, fontweight="bold" if row.kind == "launch" else "normal", color=fill)
            alpha = 0.45 if row.done else 1.0
            if row.marks:
                axes.plot([x_of(row.start) + day_w / 2, x_of(row.end) + day_w / 2], [centre, centre], color=colour,
                          linewidth=1.4, zorder=3)
                for day, mark, done in row.marks:
                    _mark(axes, mark, x_of(day) + day_w / 2, centre, colour, done)
            elif row.milestone or row.start == row.end:
                _diamond(axes, x_of(row.start) + day_w / 2, centre, 6.5, face=colour, alpha=alpha)
            else:
                x0 = x_of(row.start)
                span = max(x_of(row.end + dt.timedelta(days=1)) - x0, 3)
                axes.add_patch(FancyBboxPatch((x0, y + 4), span, row_h - 8, boxstyle=f"round,pad=0,rounding_size={min(3.0, span / 2):g}",
                                              facecolor=colour, linewidth=0, alpha=alpha, zorder=3))
            if row.warning:
                axes.add_patch(Rectangle((plot_x, y + 1), plot_w, row_h - 2, fill=False, edgecolor=PALETTE["bad"],
                                         linestyle=(0, (3, 2)), linewidth=1, zorder=5))
        lines = ((today, (0, (4, 3)), PALETTE["muted"], False), (marker, "solid", PALETTE["bad"], True))
        for line_mark, style, colour, centred in lines:
            if line_mark is None or not (first <= line_mark[0] < end_day):
                continue
            day, text = line_mark
            x = x_of(day) + (day_w / 2 if centred else 0)
            axes.plot([x, x], [head - 2, height], color=colour, linewidth=1.5, linestyle=style, zorder=6)
            at_end = x > width - 80
            axes.text(x - 3 if at_end else x + 3, height - 2, text, ha="right" if at_end else "left", va="baseline",
                      fontsize=9, fontweight="bold", color=colour, zorder=6)
        return svg_of(figure, label, "kpa-gantt")


@lru_cache(maxsize=16)
def mark_icon(mark: str, size: float = 11, title: str = "") -> str:
    """The Gantt chart's symbol for a funder's ``deadline``, ``answer`` or payment, for legends
    (hidden from screen readers without a *title*, its text alternative in the tagged PDF)."""
    with drawing():
        figure = new_figure(size, size)
        axes = canvas_axes(figure, (-size / 2, size / 2), (-size / 2, size / 2))
        _mark(axes, mark, 0, 0, kind_colour("funding"), False)
        return svg_of(figure, title, "kpa-mark", hidden=not title)


def gantt_rows(timeline: Timeline) -> list[GanttRow]:
    """The chart's rows for a timeline (page and PDF): a row per step, one row per funder for its steps."""
    warned = {w.step_key for w in timeline.warnings if w.step_key}
    rows: list[GanttRow] = []
    lanes: dict[str, list[Step]] = {}
    order: list[Step | str] = []
    for step in timeline.steps:
        if step.lane:
            if step.lane not in lanes:
                lanes[step.lane] = []
                order.append(step.lane)
            lanes[step.lane].append(step)
        else:
            order.append(step)
    for item in order:
        if isinstance(item, Step):
            rows.append(GanttRow(item.title, item.start, item.end, item.kind, item.done, item.milestone,
                                 item.key in warned))
            continue
        steps = lanes[item]
        rows.append(GanttRow(
            _("Financement : {funder}").format(funder=steps[0].params.get("funder", "")),
            min(s.start for s in steps), max(s.end for s in steps), "funding", all(s.done for s in steps), False,
            any(s.key in warned for s in steps), marks=tuple((s.start, s.mark, s.done) for s in steps),
        ))
    return rows
