"""The PDF's multi-year annex (issue 24), read back from the PDF: the same figures as the page and kpa check."""

from __future__ import annotations

import datetime as dt
import io
import re

from pypdf import PdfReader

from kpawidgets.model.budget import budget_figures
from kpawidgets.model.workbook import load_workbook_text
from kpawidgets.report.render import render_pdf
from kpawidgets.resources import example_workbook_path


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_annex_prints_each_year_in_whole_euros_with_86_equal_87_and_the_own_share() -> None:
    workbook = load_workbook_text(example_workbook_path().read_bytes())
    pdf = PdfReader(io.BytesIO(render_pdf(workbook, "fr", dt.date(2027, 1, 10))))
    pages = [page.extract_text() for page in pdf.pages]
    annex = next(text for text in pages if "Annexe : budget sur trois ans" in text)
    squeezed = _squeezed(annex)
    years = budget_figures(workbook).years
    # the totals of the charges, then 86, then the produits, then 87, then the own resources, each year in a row
    assert "Totaldescharges39925€31200€31200€" in squeezed
    assert "Totaldesproduits38485€32740€29540€" in squeezed
    in_kind = "27710€27710€27710€"
    assert f"Emploisdescontributionsvolontairesennature{in_kind}" in squeezed
    assert f"87Contributionsvolontairesennature{in_kind}" in squeezed
    assert "14985€(39%)20040€(61%)20040€(68%)" in squeezed
    assert "Resteàtrouver1440€0€1660€" in squeezed
    assert [y.own_share for y in years.years] == [39, 61, 68]
    assert "l'année2." in _squeezed(" ".join(pages))  # the break-even year
    # the 36-month cash, each funder paying 3 months late: the same low point as the page and kpa check
    everything = _squeezed(" ".join(pages))
    assert "auplusbasà-9983€enjuin2027" in everything and "Àtrouver:9983€dumois1aumois28" in everything
    assert years.cash.lowest == -9983
    # the chart is drawn with real text: its years and shares are in the PDF's words
    assert "ressourcespropres:61%" in _squeezed(" ".join(pages))


def test_the_annex_speaks_english() -> None:
    workbook = load_workbook_text(example_workbook_path().read_bytes())
    pdf = PdfReader(io.BytesIO(render_pdf(workbook, "en", dt.date(2027, 1, 10))))
    text = _squeezed(" ".join(page.extract_text() for page in pdf.pages))
    assert "Annex:thebudgetoverthreeyears" in text and "ofwhichownresources(shareofresources)" in text
