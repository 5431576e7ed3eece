"""The charts shared by the pages and the PDF: matplotlib SVG with real text, one palette."""

from __future__ import annotations

import datetime as dt
import html
import io
import logging
import re
from pathlib import Path
from decimal import Decimal

import matplotlib
import pytest
from pypdf import PdfReader

from kpawidgets.charts import (
    FUNDING_COLOURS,
    LIGHT_COLOURS,
    STATUS_COLOURS,
    BarItem,
    CashMonth,
    GanttRow,
    Segment,
    cash_columns,
    fte_gauge,
    gantt,
    gauge,
    hbars,
    light,
    short_month,
    stacked_bar,
)
from kpawidgets.charts.palette import palette_stylesheet
from kpawidgets.i18n import use_language
from kpawidgets.model.workbook import Workbook, load_workbook_text
from kpawidgets.report import render_pdf
from kpawidgets.report.context import build_context
from kpawidgets.report.render import render_html
from kpawidgets.report.sections import SectionFailure
from kpawidgets.resources import example_workbook_path, templates_dir

TODAY = dt.date(2026, 11, 26)


def texts(svg: str) -> list[str]:
    """The words of an SVG's ``<text>`` elements (what a reader can select)."""
    return [html.unescape(re.sub(r"<[^>]+>", "", t)) for t in re.findall(r"<text\b.*?</text>", svg, re.S)]


@pytest.fixture(scope="module")
def example() -> Workbook:
    return load_workbook_text(example_workbook_path().read_bytes())


def test_each_chart_is_an_svg_with_its_words_as_text() -> None:
    months = [CashMonth(dt.date(2027, m, 1), (m - 6) * 1000.0, (m - 8) * 900.0) for m in range(1, 13)]
    rows = [GanttRow("Trouver le lieu <b>&", dt.date(2027, 1, 4), dt.date(2027, 2, 20), "venue"),
            GanttRow("Lancement", dt.date(2027, 3, 15), dt.date(2027, 3, 15), "launch", milestone=True)]
    charts = {
        "gauge": (gauge(0.36, "36 %", "acquis", "Financements acquis"), ["36 %", "acquis"]),
        "bars": (hbars([BarItem("Femmes", 6, "6"), BarItem("Hommes", 4, "4")], "Genre"), ["Femmes", "6", "4"]),
        "stacked": (stacked_bar([Segment("Acquis", 30, "30 %", FUNDING_COLOURS["secured"]),
                                 Segment("Demandé", 70, "70 %", FUNDING_COLOURS["requested"])], "Couverture"),
                    ["30 %", "70 %"]),
        "cash": (cash_columns(months, "Trésorerie", bar_label="Entrées moins sorties", line_label="Solde",
                              money=lambda v: f"{v:.0f} €"), ["févr.", "déc.", "2027", "Solde"]),
        "gantt": (gantt(rows, "Gantt", marker=(dt.date(2027, 3, 15), "Lancement")),
                  ["Trouver le lieu <b>&", "2027", "Lancement"]),
    }
    for name, (svg, words) in charts.items():
        assert svg.startswith("<svg") and svg.endswith("</svg>"), name
        shown = texts(svg)
        for word in words:
            assert any(word in t for t in shown), (name, word)
        # nothing that would leak into the page the SVG is inlined in, no duplicated group ids
        assert "<style" not in svg and 'id="figure_1"' not in svg, name
        assert "<b>" not in svg, name  # user text is escaped


def test_drawing_leaves_matplotlib_global_settings_alone() -> None:
    before = dict(matplotlib.rcParams)
    gauge(0.5, "50 %", "", "x")
    light("ok")
    assert dict(matplotlib.rcParams) == before
    assert matplotlib.rcParams["svg.fonttype"] != "none" or before["svg.fonttype"] == "none"


def test_text_keeps_the_report_font_and_a_dollar_is_not_mathematics() -> None:
    svg = hbars([BarItem("Budget $5 et $6", 1, "1")], "x")
    assert "Atkinson Hyperlegible" in svg
    assert any("Budget $5 et $6" in t for t in texts(svg))


def test_months_are_babel_abbreviations_never_cut_by_hand() -> None:
    with use_language("fr"):
        assert [short_month(dt.date(2027, m, 1)) for m in (4, 6, 7, 10)] == ["avr.", "juin", "juil.", "oct."]
    with use_language("en"):
        assert short_month(dt.date(2027, 4, 1)) == "Apr"


def test_the_fte_gauge_of_page_and_pdf_shows_the_total() -> None:
    with use_language("fr"):
        svg = fte_gauge(Decimal("1.3"), Decimal("1.5"), "1,3 ETP sur 1,5 visés")
    assert "1,3" in texts(svg) and "ETP" in texts(svg)


def test_the_voila_template_gets_the_palette_as_css_variables() -> None:
    kpa = templates_dir() / "voila" / "templates" / "kpa"
    assert (kpa / "static" / "palette.css").read_text(encoding="utf-8") == palette_stylesheet()
    assert '{% include "static/palette.css" %}' in (kpa / "index.html.j2").read_text(encoding="utf-8")


def test_a_status_has_the_palettes_colour_in_the_pdf(example: Workbook) -> None:
    context = build_context(example, "fr", TODAY)
    secured_tile = next(t for t in context.tiles if t.label == "Financements acquis")
    # 28 % secured: below the network's mark of 65 %, so orange on the gauge as on the page's card (issue 19: green
    # only at the mark); the bar's secured part keeps its own colour
    assert LIGHT_COLOURS["orange"] in secured_tile.svg and FUNDING_COLOURS["secured"] not in secured_tile.svg
    document = render_html(example, "fr", TODAY)
    assert f"--kpa-status-demande: {STATUS_COLOURS['demande']};" in document
    assert STATUS_COLOURS["demande"] == FUNDING_COLOURS["requested"]
    assert 'class="status status-demande"' in document
    funding = context.funding
    assert funding is not None and not isinstance(funding, SectionFailure)
    assert {item.colour for item in funding.coverage_legend} <= set(FUNDING_COLOURS.values())


def test_chart_text_is_selectable_in_the_pdf(example: Workbook) -> None:
    reader = PdfReader(io.BytesIO(render_pdf(example, "fr", TODAY)))
    everything = "\n".join(page.extract_text() for page in reader.pages)
    # words that exist only inside the charts: cash legend and axis, Gantt rows
    for word in ("Entrées moins sorties du mois", "févr.", "Financement : Ville de Lys-lez-Tisserands", "Aujourd"):
        assert word in everything, word


def test_a_section_that_cannot_be_drawn_says_so(example: Workbook, monkeypatch: pytest.MonkeyPatch,
                                                caplog: pytest.LogCaptureFixture) -> None:
    from kpawidgets.report.sections import budget as budget_section

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("a bug in the model")

    monkeypatch.setattr(budget_section, "_cells", broken)  # only the Cerfa section draws cells
    with caplog.at_level(logging.ERROR, logger="kpawidgets.report"):
        document = render_html(example, "fr", TODAY)
    assert "Section Budget prévisionnel de la première année : impossible à dessiner (ZeroDivisionError)." in document
    assert any("could not be drawn" in r.getMessage() and r.exc_info for r in caplog.records)
    assert "Financement et trésorerie" in document and "kpa-columns" in document  # the other sections are still there


def test_user_text_in_a_chart_is_escaped_exactly_once_quotes_included() -> None:
    typed = "<b>\"Léa's\" &amp; co"
    rows = [GanttRow(typed, dt.date(2027, 1, 4), dt.date(2027, 2, 20), "venue")]
    svg = gantt(rows, "Calendrier")
    assert html.escape(typed, quote=True) in svg  # &lt;b&gt;&quot;Léa&#x27;s&quot; &amp;amp; co
    assert "&amp;amp;amp;" not in svg and "<b>" not in svg and "\"Léa" not in svg
    assert typed in texts(svg)  # read back, the words are the ones typed


def test_no_stylesheet_redefines_a_palette_colour() -> None:
    """Issue 19: kpa.css redefined nine palette colours after palette.css (three with other values: the
    page's « warn » was not the PDF's). The palette's variables are defined in palette.css only."""

    from kpawidgets.charts.palette import css_variables

    names = set(re.findall(r"(--kpa-[a-z0-9-]+):", css_variables()))
    root = Path(__file__).resolve().parents[1] / "templates"
    sheets = [p for p in root.rglob("*.css") if p.name != "palette.css"]
    assert len(sheets) >= 8
    redefined = {f"{sheet.name}: {name}" for sheet in sheets
                 for name in re.findall(r"(--kpa-[a-z0-9-]+)\s*:", sheet.read_text(encoding="utf-8")) if name in names}
    assert not redefined, sorted(redefined)
