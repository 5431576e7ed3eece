"""Issue 23: the partners' PDF is tagged (PDF/UA-1): its language, title, headings, tables with their
headers and a text alternative for every chart, read back from the structure tree with pikepdf."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator

import pikepdf
import pytest

from kpawidgets.model.workbook import Workbook, load_workbook_text
from kpawidgets.report import render_pdf

TODAY = dt.date(2026, 11, 26)


def elements(node: object) -> Iterator[pikepdf.Dictionary]:
    if isinstance(node, pikepdf.Array):
        for child in node:
            yield from elements(child)
    elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
        yield node
        yield from elements(node.get("/K"))


def kind(node: pikepdf.Dictionary) -> str:
    return str(node.S)


@pytest.fixture(scope="module")
def example() -> Workbook:
    from kpawidgets.resources import example_workbook_path

    return load_workbook_text(example_workbook_path().read_bytes())


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_pdf_is_tagged_with_language_title_headings_tables_and_chart_alternatives(example: Workbook,
                                                                                     lang: str) -> None:
    pdf = pikepdf.open(io.BytesIO(render_pdf(example, lang, TODAY)))
    root = pdf.Root
    assert str(root.Lang) == lang and bool(root.MarkInfo.Marked)
    assert bool(root.ViewerPreferences.DisplayDocTitle)
    assert str(pdf.docinfo.Title).endswith("KPA des Tisserands")
    tree = list(elements(root.StructTreeRoot.K))
    kinds = [kind(node) for node in tree]
    assert kinds.count("/H1") == 1 and kinds.count("/H2") >= 8
    # every table has a header row of TH cells
    tables = [node for node in tree if kind(node) == "/Table"]
    assert len(tables) >= 6
    for table in tables:
        inside = list(elements(table.get("/K")))
        assert any(kind(node) == "/TH" for node in inside), "a table without headers"
    # every drawing is a Figure with a text alternative; the group's say their figures as printed
    figures = [str(node.get("/Alt", "")) for node in tree if kind(node) == "/Figure"]
    assert len(figures) >= 20 and all(alt.strip() for alt in figures), figures
    masked = "moins de 3" if lang == "fr" else "fewer than 3"
    gender = "Genre : " if lang == "fr" else "Gender: "
    assert any(alt.startswith(gender) and masked in alt for alt in figures), figures
    assert any(alt.endswith("%.") for alt in figures)  # the readiness gauge: « Préparation : 59 %. »
