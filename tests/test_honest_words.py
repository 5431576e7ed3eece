"""Issue 19: words that promise no more than the figures hold.

An empty budget says it is empty; the secured share is green only from the network's mark
(65 %, Les Coopains à bord); every cash statement says what it counts, beside the balance with
only the secured funding; a zero amount prints « 0 € ». Read as a person does: the budget page's
HTML (pagekit) and the PDF's HTML and text.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import shutil
from decimal import Decimal
from pathlib import Path

from pypdf import PdfReader

from kpawidgets.app.budget import BudgetPage, build_budget
from kpawidgets.model import budget as b
from kpawidgets.model.checklist import funder_partner
from kpawidgets.model.workbook import Workbook, dump_workbook
from kpawidgets.report.render import render_html, render_pdf
from tests.pagekit import open_page

D = Decimal
TODAY = dt.date(2026, 12, 1)


def plain(text: str) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\xa0", " "))


def budget_page(workbook: Workbook, workspace_dir: Path, tmp_path: Path) -> BudgetPage:
    source = tmp_path / "carnet.json"
    source.write_text(dump_workbook(workbook), encoding="utf-8")
    shutil.copy(source, workspace_dir / "carnet.json")
    page = open_page(build_budget, workspace_dir, None, "fr", name="carnet").body
    assert isinstance(page, BudgetPage)
    return page


def page_text(page: BudgetPage) -> str:
    funders = page.select("funders")
    cash = page.select("cash")
    return plain(page.summary.value + funders.coverage.value + cash.cash_view.value)


def with_funding(secured: str, considered: str = "0", charges: str = "10000") -> Workbook:
    wb = Workbook.new("Parole tenue", launch_date=dt.date(2027, 1, 1))
    wb.budget.starting_cash = D("0")
    wb.budget.lines = [b.BudgetLine(account="623", label="Affiches", amount=D(charges))]
    if D(secured):
        wb.budget.lines.append(b.BudgetLine(account="74", label="Ville", partner=funder_partner(wb, "Ville").id, subline="commune",
                                            status="vote", amount=D(secured), advance_pct=D("100"), advance_month=1))
    if D(considered):
        wb.budget.lines.append(b.BudgetLine(account="74", label="Fondation", partner=funder_partner(wb, "Fondation").id,
                                            subline="private", status="envisage", amount=D(considered), advance_pct=D("100"),
                                            advance_month=1))
    return wb


def test_an_empty_budget_says_it_is_empty(workspace_dir: Path, tmp_path: Path) -> None:
    wb = Workbook.new("Quartier neuf", launch_date=dt.date(2027, 3, 1))
    text = page_text(budget_page(wb, workspace_dir, tmp_path))
    assert "Le budget est vide" in text and "vide" in text
    for promise in ("Tout est acquis", "rien ne manque", "100 % de chances", "entièrement financée", "reste positive",
                    "à l'équilibre"):
        assert promise not in text, promise
    document = plain(render_html(wb, "fr", TODAY))
    for promise in ("Tout est acquis", "100 % de chances", "reste positive toute l'année"):
        assert promise not in document, promise


def test_green_only_from_the_networks_mark(workspace_dir: Path, tmp_path: Path) -> None:
    below = budget_page(with_funding("6400"), workspace_dir, tmp_path).summary.value
    assert "kpa-card-coverage kpa-tone-warn" in below and "64 %" in plain(below)
    assert "65 %" in plain(below.split('title="')[1])  # the card names the mark and its source
    at = budget_page(with_funding("6500"), workspace_dir, tmp_path).summary.value
    assert "kpa-card-coverage kpa-tone-ok" in at
    document = render_html(with_funding("2900"), "fr", TODAY)  # 29 % acquired: not green in the PDF
    assert 'bignum-warn"><p class="bignum-value">29' in document


def test_a_cash_statement_says_what_it_counts(workspace_dir: Path, tmp_path: Path) -> None:
    # the only grant is « envisagé »: all counted, the cash stays positive; with the secured only, it does not
    wb = with_funding("0", considered="10000")
    text = page_text(budget_page(wb, workspace_dir, tmp_path))
    assert "En comptant tous les financements non refusés, envisagés et demandés compris" in text
    assert "Avec les seuls financements acquis, elle descendrait à -10 000 €" in text
    reader = PdfReader(io.BytesIO(render_pdf(wb, "fr", TODAY)))
    document = plain("\n".join(p.extract_text() for p in reader.pages))
    assert "reste positive toute l'année" not in document
    assert "Avec les seuls financements acquis, elle descendrait à -10 000 €" in document
    assert "envisagés et demandés compris" in document


def test_zero_amounts_print_with_their_space(workspace_dir: Path, tmp_path: Path) -> None:
    wb = with_funding("0", considered="0", charges="0.40")  # 0,40 € of charges: « 0 € » in whole euros
    text = page_text(budget_page(wb, workspace_dir, tmp_path))
    assert "0 €" in text and not re.search(r"\d€", text) and "-0 €" not in text
    document = plain(render_html(wb, "fr", TODAY))
    assert not re.search(r"\d€", document) and "-0 €" not in document
