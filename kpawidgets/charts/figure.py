"""matplotlib figures → inline SVG text with real, selectable text.

Every chart is drawn on a :class:`matplotlib.figure.Figure` of its own (Agg canvas, no
pyplot: nothing of a global figure state leaks between charts or into a notebook), with
text kept as ``<text>`` elements (``svg.fonttype: none``) in the report's font family, so
the PDF's charts are vectors whose words a reader can select and search.

matplotlib is imported by the drawing functions only, when a chart is drawn: a page that
shows no chart at its first paint does not load it (tests/test_light_pages.py).
"""

from __future__ import annotations

import io
import logging
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["FONT_FAMILY", "RC", "new_figure", "canvas_axes", "svg_of", "drawing"]

#: The report's and the pages' font family (the fonts are inlined by the report's CSS).
FONT_FAMILY = ["Atkinson Hyperlegible", "DejaVu Sans"]

#: matplotlib settings of every chart (applied around drawing only, never globally).
RC: dict[Any, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "kpa",  # stable ids: the same workbook gives the same document
    "font.family": FONT_FAMILY,
    "text.parse_math": False,  # a "$" in a label is a dollar sign, not mathematics
    "text.usetex": False,
    "axes.unicode_minus": True,
}

_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.S)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.S)
_SIZE = re.compile(r'<svg([^>]*?) width="([\d.]+)pt" height="([\d.]+)pt"')
#: matplotlib's ``*{stroke-linejoin…}`` rule would style the whole page the SVG is inlined in.
_GLOBAL_STYLE = re.compile(r"<style[^>]*>.*?</style>", re.S)
#: ``<g id="figure_1">`` and the like repeat in every chart: ids must be unique in a document.
_GROUP_ID = re.compile(r'<g id="[^"]*"')
#: Clip paths repeat too (same id for the same box in two charts); nothing drawn here leaves its axes.
_CLIP_DEF = re.compile(r"<clipPath id=.*?</clipPath>\s*", re.S)
_CLIP_USE = re.compile(r' clip-path="url\(#[^)]*\)"')
#: A ``<text>`` element's words (matplotlib escapes ``&``, ``<`` and ``>`` in them, once).
_TEXT_CONTENT = re.compile(r"(<text\b[^>]*>)([^<]*)(</text>)")


class _MissingReportFont(logging.Filter):
    """Drop matplotlib's "Atkinson Hyperlegible not found" warnings.

    The family is named for WeasyPrint and the browser, which have the fonts; matplotlib
    only measures the text, with DejaVu Sans, which is close enough for the layout.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return FONT_FAMILY[0] not in record.getMessage()


logging.getLogger("matplotlib.font_manager").addFilter(_MissingReportFont())


def new_figure(width: float, height: float) -> Figure:
    """A figure of *width* × *height* SVG units (1 unit = 1 pt = 1 px at 72 dpi), on an Agg canvas."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width / 72, height / 72), dpi=72)
    FigureCanvasAgg(figure)
    return figure


def canvas_axes(figure: Figure, xlim: tuple[float, float], ylim: tuple[float, float]) -> Axes:
    """Axes covering the whole *figure*, in drawing units, with no axis drawn."""
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_xlim(*xlim)
    axes.set_ylim(*ylim)
    axes.set_axis_off()
    return axes


@contextmanager
def drawing() -> Iterator[None]:
    """The charts' matplotlib settings, for the time of one drawing.

    matplotlib measures text with DejaVu Sans and warns for every glyph it lacks (an emoji
    the group typed, « 🚲 »). The text stays text in the SVG and the browser and WeasyPrint
    draw it with the machine's emoji font, so the warning only puts noise (and a source
    path) on the person's terminal.
    """
    import matplotlib

    with matplotlib.rc_context(RC), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from font", category=UserWarning)
        yield


def svg_of(figure: Figure, label: str, css_class: str = "", *, hidden: bool = False) -> str:
    """The figure as an ``<svg>`` element: sized in px, titled *label* (or ``aria-hidden`` icons).

    The figure is released once written: nothing of it stays in memory.
    """
    out = io.StringIO()
    try:
        with drawing():
            figure.savefig(out, format="svg", transparent=True, metadata={"Date": None})
    finally:
        figure.clear()
    text = _METADATA.sub("", _PROLOGUE.sub("", out.getvalue(), count=1), count=1)
    text = _GROUP_ID.sub("<g", _GLOBAL_STYLE.sub("", text))
    text = _CLIP_USE.sub("", _CLIP_DEF.sub("", text))
    text = _SIZE.sub(r'<svg\1 width="\2" height="\3"', text, count=1)
    text = _TEXT_CONTENT.sub(_quotes_escaped, text)
    escape = _attribute
    extra = ' aria-hidden="true"' if hidden else f' role="img" aria-label="{escape(label)}"'
    if css_class:
        extra += f' class="{escape(css_class)}"'
    text = text.replace("<svg", "<svg" + extra, 1)
    if not hidden and label:
        opening = text.index(">") + 1
        text = f"{text[:opening]}<title>{escape(label)}</title>{text[opening:]}"
    return text.strip()


def _quotes_escaped(match: re.Match[str]) -> str:
    """A text element with its quotes escaped too, as all user text in the pages and the PDF.

    Quotes are harmless in a text node, but one escaping rule everywhere (``html.escape``
    with ``quote=True``) keeps user text checkable the same way in every chunk of HTML.
    """
    words = match.group(2).replace('"', "&quot;").replace("'", "&#x27;")
    return f"{match.group(1)}{words}{match.group(3)}"


def _attribute(text: str) -> str:
    import html

    return html.escape(text, quote=True)
