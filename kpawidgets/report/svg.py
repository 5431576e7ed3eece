"""Small vector charts as SVG text: gauges, bars, traffic lights and the Gantt chart.

Pure functions of numbers and (already translated, unescaped) labels; every label is
escaped here. The SVG is inline in the report's HTML, so WeasyPrint draws it as
vectors with real, selectable text, and the plan page shows the same drawing.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "PALETTE",
    "KIND_COLOURS",
    "gauge",
    "hbars",
    "stacked_bar",
    "columns",
    "gantt",
    "GanttRow",
    "mark_icon",
    "light",
]

PALETTE = {
    "ink": "#1b1b2f",
    "muted": "#5b5d70",
    "accent": "#0b5d54",
    "accent_soft": "#d7ece8",
    "warm": "#b3470f",
    "warm_soft": "#f6dccd",
    "ok": "#1e7b34",
    "warn": "#c98a00",
    "bad": "#b00020",
    "line": "#c9ccd6",
    "grid": "#e6e7ec",
    "paper": "#ffffff",
}

#: Colour of each kind of timeline step.
KIND_COLOURS = {
    "venue": "#6a4c93",
    "equipment": "#8e6c3a",
    "group": "#b3470f",
    "team": "#3d6fb6",
    "host": "#2f7f8f",
    "partners": "#5c7a29",
    "funding": "#c98a00",
    "training": "#0b5d54",
    "launch": "#b00020",
    "review": "#4a4a5e",
    "report": "#7a5c8e",
    "action": "#d0602a",
    "custom": "#37474f",
}

FONT = "Atkinson Hyperlegible, DejaVu Sans, sans-serif"


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _svg(width: float, height: float, body: str, label: str, css_class: str = "") -> str:
    cls = f' class="{_e(css_class)}"' if css_class else ""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}" width="{width:g}" '
            f'height="{height:g}" role="img" aria-label="{_e(label)}"{cls} font-family="{FONT}">'
            f'<title>{_e(label)}</title>{body}</svg>')


def light(level: str, size: float = 16) -> str:
    """A traffic light disc: ``ok`` (green), ``partial`` (amber), ``missing`` (red), else grey."""
    colour = {"ok": PALETTE["ok"], "partial": PALETTE["warn"], "missing": PALETTE["bad"]}.get(level, PALETTE["line"])
    r = size / 2
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{size:g}" height="{size:g}" viewBox="0 0 {size:g} {size:g}" '
            f'class="kpa-light" aria-hidden="true"><circle cx="{r:g}" cy="{r:g}" r="{r - 1:g}" fill="{colour}"/></svg>')


def mark_icon(mark: str, size: float = 11) -> str:
    """The Gantt chart's symbol for a funder's ``deadline``, ``answer`` or payment, for legends."""
    c = size / 2
    colour = KIND_COLOURS["funding"]
    if mark == "deadline":
        shape = (f'<path d="M {c:g} 1 L {size - 1:g} {c:g} L {c:g} {size - 1:g} L 1 {c:g} Z" fill="#ffffff" '
                 f'stroke="{colour}" stroke-width="1.6"/>')
    elif mark == "answer":
        shape = f'<path d="M {c:g} 0 L {size:g} {c:g} L {c:g} {size:g} L 0 {c:g} Z" fill="{colour}"/>'
    else:
        shape = f'<circle cx="{c:g}" cy="{c:g}" r="{c - 1:g}" fill="{PALETTE["ok"]}"/>'
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{size:g}" height="{size:g}" viewBox="0 0 {size:g} {size:g}" '
            f'class="kpa-mark" aria-hidden="true">{shape}</svg>')


def gauge(ratio: float | None, big: str, small: str, label: str, *, colour: str | None = None,
          size: float = 150) -> str:
    """A ring gauge filled to *ratio* (0–1, clipped) with *big* text in its centre and *small* below."""
    value = 0.0 if ratio is None else max(0.0, min(1.0, float(ratio)))
    colour = colour or (PALETTE["ok"] if value >= 0.8 else PALETTE["warn"] if value >= 0.5 else PALETTE["bad"])
    cx = cy = size / 2
    r = size / 2 - 12
    stroke = 16
    parts = [f'<circle cx="{cx:g}" cy="{cy:g}" r="{r:g}" fill="none" stroke="{PALETTE["grid"]}" stroke-width="{stroke}"/>']
    if value >= 0.9999:
        parts.append(f'<circle cx="{cx:g}" cy="{cy:g}" r="{r:g}" fill="none" stroke="{colour}" stroke-width="{stroke}"/>')
    elif value > 0:
        angle = 2 * math.pi * value
        x = cx + r * math.sin(angle)
        y = cy - r * math.cos(angle)
        large = 1 if value > 0.5 else 0
        parts.append(f'<path d="M {cx:g} {cy - r:g} A {r:g} {r:g} 0 {large} 1 {x:.2f} {y:.2f}" fill="none" '
                     f'stroke="{colour}" stroke-width="{stroke}" stroke-linecap="butt"/>')
    parts.append(f'<text x="{cx:g}" y="{cy + 4:g}" text-anchor="middle" font-size="{size * 0.21:.1f}" '
                 f'font-weight="700" fill="{PALETTE["ink"]}">{_e(big)}</text>')
    if small:
        parts.append(f'<text x="{cx:g}" y="{cy + size * 0.17:.1f}" text-anchor="middle" font-size="{size * 0.085:.1f}" '
                     f'fill="{PALETTE["muted"]}">{_e(small)}</text>')
    return _svg(size, size, "".join(parts), label, "kpa-gauge")


def hbars(items: Sequence[tuple[str, float, str]], label: str, *, width: float = 320, colour: str | None = None,
          total: float | None = None, label_share: float = 0.42) -> str:
    """Horizontal bars: (label, value, shown value) per row, scaled to the largest (or *total*)."""
    row_h = 26
    label_w = width * label_share
    bar_w = width - label_w - 64
    top = max([v for _l, v, _s in items] + [total or 0, 1e-9])
    body = []
    for index, (name, value, shown) in enumerate(items):
        y = index * row_h
        length = max(0.0, bar_w * value / top)
        body.append(f'<text x="{label_w - 8:g}" y="{y + 17:g}" text-anchor="end" font-size="12" fill="{PALETTE["ink"]}">'
                    f'{_e(_clip(name, int(label_w / 6.2)))}</text>')
        body.append(f'<rect x="{label_w:g}" y="{y + 5:g}" width="{bar_w:g}" height="16" rx="3" fill="{PALETTE["grid"]}"/>')
        if length > 0:
            body.append(f'<rect x="{label_w:g}" y="{y + 5:g}" width="{length:.1f}" height="16" rx="3" '
                        f'fill="{colour or PALETTE["accent"]}"/>')
        body.append(f'<text x="{label_w + bar_w + 6:g}" y="{y + 17:g}" font-size="12" font-weight="700" '
                    f'fill="{PALETTE["ink"]}">{_e(shown)}</text>')
    return _svg(width, max(row_h * len(items), row_h), "".join(body), label, "kpa-hbars")


def stacked_bar(segments: Sequence[tuple[str, float, str, str]], label: str, *, width: float = 620,
                total_label: str = "", legend: bool = True) -> str:
    """One horizontal bar split into segments (label, value, shown value, colour) with a legend below."""
    total = sum(max(0.0, v) for _l, v, _s, _c in segments) or 1.0
    bar_h = 34
    x = 0.0
    body = []
    for name, value, shown, colour in segments:
        w = width * max(0.0, value) / total
        if w <= 0:
            continue
        body.append(f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="{bar_h}" fill="{colour}"/>')
        if w > 60:
            body.append(f'<text x="{x + w / 2:.1f}" y="22" text-anchor="middle" font-size="13" font-weight="700" '
                        f'fill="#ffffff">{_e(shown)}</text>')
        x += w
    if not legend:
        return _svg(width, bar_h, "".join(body), label, "kpa-stacked")
    legend_y = bar_h + 22
    lx = 0.0
    for name, value, shown, colour in segments:
        text = f"{_clip(name, 34)} — {shown}"
        body.append(f'<rect x="{lx:.1f}" y="{legend_y - 10}" width="12" height="12" rx="2" fill="{colour}"/>')
        body.append(f'<text x="{lx + 17:.1f}" y="{legend_y}" font-size="12" fill="{PALETTE["ink"]}">{_e(text)}</text>')
        lx += 17 + 6.6 * len(text) + 18
        if lx > width - 150:
            lx = 0.0
            legend_y += 20
    if total_label:
        legend_y += 22
        body.append(f'<text x="0" y="{legend_y}" font-size="12" fill="{PALETTE["muted"]}">{_e(total_label)}</text>')
    return _svg(width, legend_y + 8, "".join(body), label, "kpa-stacked")


def nice_step(span: float, count: int) -> float:
    """A round step (1, 2 or 5 × 10ⁿ) cutting *span* into about *count* intervals."""
    if span <= 0:
        return 1.0
    raw = span / count
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def columns(values: Sequence[tuple[str, float, float]], label: str, *, width: float = 620, height: float = 230,
            bar_label: str = "", line_label: str = "", fmt: object = None,
            years: Sequence[str] | None = None) -> str:
    """Monthly columns (month label, net flow, running balance): bars for the flow, a line for the balance.

    Negative values go below the zero line in the alarm colour. *fmt* formats axis values.
    """
    format_value = fmt if callable(fmt) else (lambda v: f"{v:,.0f}")
    n = max(1, len(values))
    left, right, top, bottom = 62.0, 10.0, 12.0, 58.0
    plot_w = width - left - right
    plot_h = height - top - bottom
    numbers = [v for _m, a, b in values for v in (a, b)] + [0.0]
    step = nice_step(max(numbers) - min(numbers), 5)
    hi = math.ceil(max(numbers) / step) * step
    lo = math.floor(min(numbers) / step) * step
    if hi == lo:
        hi = lo + step

    def y_of(v: float) -> float:
        return top + plot_h * (hi - v) / (hi - lo)

    body = []
    ticks = int(round((hi - lo) / step))
    for k in range(ticks + 1):
        v = lo + step * k
        y = y_of(v)
        body.append(f'<line x1="{left:g}" x2="{width - right:g}" y1="{y:.1f}" y2="{y:.1f}" stroke="{PALETTE["grid"]}"/>')
        body.append(f'<text x="{left - 6:g}" y="{y + 4:.1f}" text-anchor="end" font-size="10" fill="{PALETTE["muted"]}">'
                    f'{_e(format_value(v))}</text>')
    zero = y_of(0.0)
    slot = plot_w / n
    points = []
    for index, (month, flow, balance) in enumerate(values):
        x = left + slot * index
        bar = slot * 0.56
        y = y_of(max(flow, 0.0))
        h = abs(y_of(flow) - zero)
        colour = PALETTE["accent"] if flow >= 0 else PALETTE["warm"]
        body.append(f'<rect x="{x + (slot - bar) / 2:.1f}" y="{min(y, zero) if flow >= 0 else zero:.1f}" '
                    f'width="{bar:.1f}" height="{max(h, 0.5):.1f}" fill="{colour}"/>')
        body.append(f'<text x="{x + slot / 2:.1f}" y="{height - bottom + 14:g}" text-anchor="middle" font-size="9.5" '
                    f'fill="{PALETTE["ink"]}">{_e(month)}</text>')
        if years and years[index]:
            body.append(f'<text x="{x + 2:.1f}" y="{height - bottom + 26:g}" font-size="9" font-weight="700" '
                        f'fill="{PALETTE["muted"]}">{_e(years[index])}</text>')
            if index:
                body.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top:g}" y2="{height - bottom + 18:g}" '
                            f'stroke="{PALETTE["line"]}" stroke-dasharray="2 2"/>')
        points.append((x + slot / 2, y_of(balance), balance))
    body.append(f'<line x1="{left:g}" x2="{width - right:g}" y1="{zero:.1f}" y2="{zero:.1f}" stroke="{PALETTE["ink"]}" '
                f'stroke-width="1.2"/>')
    if points:
        path = " ".join(f"{'M' if i == 0 else 'L'} {px:.1f} {py:.1f}" for i, (px, py, _b) in enumerate(points))
        body.append(f'<path d="{path}" fill="none" stroke="{PALETTE["ink"]}" stroke-width="2"/>')
        for px, py, b in points:
            fill = PALETTE["bad"] if b < 0 else PALETTE["ink"]
            body.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3.2" fill="{fill}"/>')
    ly = height - 12
    body.append(f'<rect x="{left:g}" y="{ly - 9:g}" width="12" height="10" fill="{PALETTE["accent"]}"/>'
                f'<rect x="{left + 13:g}" y="{ly - 9:g}" width="12" height="10" fill="{PALETTE["warm"]}"/>'
                f'<text x="{left + 31:g}" y="{ly:g}" font-size="11" fill="{PALETTE["ink"]}">{_e(bar_label)}</text>')
    lx = left + 31 + 6.2 * len(bar_label) + 24
    body.append(f'<line x1="{lx:.1f}" x2="{lx + 22:.1f}" y1="{ly - 4:g}" y2="{ly - 4:g}" stroke="{PALETTE["ink"]}" '
                f'stroke-width="2"/><circle cx="{lx + 11:.1f}" cy="{ly - 4:g}" r="3" fill="{PALETTE["ink"]}"/>'
                f'<text x="{lx + 28:.1f}" y="{ly:g}" font-size="11" fill="{PALETTE["ink"]}">{_e(line_label)}</text>')
    return _svg(width, height, "".join(body), label, "kpa-columns")


@dataclass(frozen=True)
class GanttRow:
    title: str
    start: dt.date
    end: dt.date
    kind: str
    done: bool = False
    milestone: bool = False
    warning: bool = False
    #: several dated marks on one row (a funder: deadline, answer, payments): (date, kind, done)
    marks: tuple[tuple[dt.date, str, bool], ...] = ()


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def gantt(rows: Sequence[GanttRow], month_label: object, label: str, *, width: float = 700,
          marker: tuple[dt.date, str] | None = None, today: tuple[dt.date, str] | None = None,
          label_width: float = 270) -> str:
    """A Gantt chart: one row per step, a column per month; milestones as diamonds.

    *month_label* formats a month's first day (short, e.g. ``mars 27``); *marker*
    draws a labelled vertical line (the launch), *today* a dashed one.
    """
    fmt = month_label if callable(month_label) else (lambda d: d.strftime("%m/%y"))
    if not rows:
        return _svg(width, 30, f'<text x="0" y="20" font-size="12">{_e(label)}</text>', label, "kpa-gantt")
    first = _month_start(min(r.start for r in rows))
    last = max(r.end for r in rows)
    months = [first]
    while _next_month(months[-1]) <= last:
        months.append(_next_month(months[-1]))
    end_day = _next_month(months[-1])
    total_days = (end_day - first).days
    head = 34.0
    row_h = 20.0
    plot_x = label_width
    plot_w = width - plot_x - 6
    height = head + row_h * len(rows) + 14

    def x_of(day: dt.date) -> float:
        return plot_x + plot_w * (day - first).days / total_days

    body = []
    # years and months header: full short names when every month has room, else initials
    narrowest = min(x_of(_next_month(m)) - x_of(m) for m in months)
    max_label = max(len(str(fmt(m))) for m in months)
    for index, month in enumerate(months):
        x0, x1 = x_of(month), x_of(_next_month(month))
        if index % 2 == 0:
            body.append(f'<rect x="{x0:.1f}" y="{head - 16:g}" width="{x1 - x0:.1f}" height="{height - head + 16:g}" '
                        f'fill="#f4f5f8"/>')
        text = str(fmt(month))
        if (x1 - x0) > 14:
            shown = text if narrowest > 5.4 * max_label else text[:1].upper()
            body.append(f'<text x="{(x0 + x1) / 2:.1f}" y="{head - 4:g}" text-anchor="middle" font-size="8.5" '
                        f'fill="{PALETTE["muted"]}">{_e(shown)}</text>')
        if month.month == 1 or index == 0:
            body.append(f'<text x="{x0 + 2:.1f}" y="{head - 22:g}" font-size="10" font-weight="700" '
                        f'fill="{PALETTE["ink"]}">{month.year}</text>')
            body.append(f'<line x1="{x0:.1f}" x2="{x0:.1f}" y1="{head - 32:g}" y2="{height:g}" stroke="{PALETTE["line"]}"/>')
    for index, row in enumerate(rows):
        y = head + row_h * index
        colour = KIND_COLOURS.get(row.kind, PALETTE["accent"])
        body.append(f'<line x1="0" x2="{width:g}" y1="{y + row_h:.1f}" y2="{y + row_h:.1f}" stroke="{PALETTE["grid"]}"/>')
        title = _clip(row.title, int(label_width / 5.6))
        prefix = "✓ " if row.done else ("⚠ " if row.warning else "")
        weight = ' font-weight="700"' if row.kind == "launch" else ""
        fill = PALETTE["muted"] if row.done else (PALETTE["bad"] if row.warning else PALETTE["ink"])
        body.append(f'<text x="4" y="{y + 14:.1f}" font-size="10.5"{weight} fill="{fill}">{_e(prefix + title)}</text>')
        opacity = ' fill-opacity="0.45"' if row.done else ""
        if row.marks:
            x0 = x_of(row.start) + plot_w / total_days / 2
            x1 = x_of(row.end) + plot_w / total_days / 2
            cy = y + row_h / 2
            body.append(f'<line x1="{x0:.1f}" x2="{x1:.1f}" y1="{cy:.1f}" y2="{cy:.1f}" stroke="{colour}" '
                        f'stroke-width="1.4"/>')
            for day, mark, done in row.marks:
                cx = x_of(day) + plot_w / total_days / 2
                fade = ' fill-opacity="0.45"' if done else ""
                if mark == "deadline":
                    body.append(f'<path d="M {cx:.1f} {cy - 5.5:.1f} L {cx + 5.5:.1f} {cy:.1f} L {cx:.1f} {cy + 5.5:.1f} '
                                f'L {cx - 5.5:.1f} {cy:.1f} Z" fill="#ffffff" stroke="{colour}" stroke-width="1.6"/>')
                elif mark == "answer":
                    body.append(f'<path d="M {cx:.1f} {cy - 6:.1f} L {cx + 6:.1f} {cy:.1f} L {cx:.1f} {cy + 6:.1f} '
                                f'L {cx - 6:.1f} {cy:.1f} Z" fill="{colour}"{fade}/>')
                else:
                    body.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4.2" fill="{PALETTE["ok"]}"{fade}/>')
        elif row.milestone or row.start == row.end:
            cx = x_of(row.start) + plot_w / total_days / 2
            cy = y + row_h / 2
            s = 6.5
            body.append(f'<path d="M {cx:.1f} {cy - s:.1f} L {cx + s:.1f} {cy:.1f} L {cx:.1f} {cy + s:.1f} '
                        f'L {cx - s:.1f} {cy:.1f} Z" fill="{colour}"{opacity}/>')
        else:
            x0 = x_of(row.start)
            x1 = x_of(row.end + dt.timedelta(days=1))
            body.append(f'<rect x="{x0:.1f}" y="{y + 4:.1f}" width="{max(x1 - x0, 3):.1f}" height="{row_h - 8:g}" '
                        f'rx="3" fill="{colour}"{opacity}/>')
        if row.warning:
            body.append(f'<rect x="{plot_x:g}" y="{y + 1:.1f}" width="{plot_w:.1f}" height="{row_h - 2:g}" fill="none" '
                        f'stroke="{PALETTE["bad"]}" stroke-dasharray="3 2"/>')
    vertical: list[tuple[tuple[dt.date, str] | None, str, str, bool]] = [
        (today, "4 3", PALETTE["muted"], False), (marker, "", PALETTE["bad"], True)]
    for line_mark, dash, line_colour, centred in vertical:
        if line_mark is None:
            continue
        day, text = line_mark
        colour = line_colour
        if not (first <= day < end_day):
            continue
        x = x_of(day) + (plot_w / total_days / 2 if centred else 0)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        body.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{head - 2:g}" y2="{height:g}" stroke="{colour}" '
                    f'stroke-width="1.5"{dash_attr}/>')
        anchor = "end" if x > width - 80 else "start"
        dx = -3 if anchor == "end" else 3
        body.append(f'<text x="{x + dx:.1f}" y="{height - 2:g}" text-anchor="{anchor}" font-size="9" font-weight="700" '
                    f'fill="{colour}">{_e(text)}</text>')
    return _svg(width, height, "".join(body), label, "kpa-gantt")
