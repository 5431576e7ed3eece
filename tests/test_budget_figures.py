"""Issue 12: one truth from checklist to budget to PDF — the venue, whole-euro views."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from kpawidgets.model.checklist import funder_partner
from kpawidgets.i18n import use_language
from kpawidgets.model import budget as b
from kpawidgets.model.workbook import Workbook, load_workbook_text
from kpawidgets.report.render import render_html
from kpawidgets.resources import example_workbook_path
from kpawidgets.storage.spreadsheets import budget_csv, budget_xlsx

D = Decimal


def venue_workbook(rent: str = "450", lent: str = "300") -> Workbook:
    wb = Workbook.new("Grande-Synthe", launch_date=dt.date(2027, 3, 15))
    wb.checklist.venue.name = "Salle des Nymphéas"
    wb.checklist.venue.monthly_cost = D(rent)
    wb.checklist.venue.in_kind_value = D(lent)
    wb.budget.lines = [b.BudgetLine(account="623", label="Affiches", amount=D("100"))]
    return wb


def test_the_venue_rent_and_loan_reach_the_budget() -> None:
    wb = venue_workbook()
    items = [e for e in b.entries(wb) if e.origin == "venue"]
    rent = next(e for e in items if e.side == "charge")
    loan = next(e for e in items if e.side == "inkind")
    assert (rent.account, rent.amount, rent.label) == ("613", D("5400"), "Salle des Nymphéas")
    assert rent.cash == {m: D("450") for m in range(1, 13)}
    assert (loan.account, loan.mirror, loan.amount, loan.cash) == ("861", "871", D("3600"), {})
    totals = b.budget_totals(wb)
    assert totals.charges == D("5500") and totals.in_kind == D("3600")  # 5 400 of rent + 100
    table = b.cerfa_table(wb)
    assert [(r.account, r.amount) for r in table.charges if r.origin == "venue"] == [("613", D("5400"))]
    assert [(r.account, r.amount) for r in table.uses if r.origin == "venue"] == [("861", D("3600"))]
    assert [(r.account, r.amount) for r in table.resources if r.origin == "venue"] == [("871", D("3600"))]
    fields = b.check_fields(wb)
    assert fields["charges_total"] == "5500.00" and fields["in_kind_total"] == "3600.00"
    cash = b.monthly_cash(wb)
    assert sum((m.cash_out for m in cash.months), D(0)) == D("5500")


def test_no_venue_cost_no_line() -> None:
    assert not [e for e in b.entries(venue_workbook("0", "0")) if e.origin == "venue"]


def test_the_venue_in_the_spreadsheets_and_the_pdf() -> None:
    wb = venue_workbook()
    with use_language("fr"):
        csv_text = budget_csv(wb)
        assert "613;Salle des Nymphéas;5400,00" in csv_text and "calculé : lieu" in csv_text
        book = load_workbook(io.BytesIO(budget_xlsx(wb)))
        cerfa = book.worksheets[0]
        values = [(row[0].value, (row[1].value or "").strip(), row[2].value) for row in cerfa.iter_rows(min_row=4)]
        assert ("613", "Salle des Nymphéas", 5400) in values
        assert ("861", "Salle des Nymphéas", 3600) in values and ("871", "Salle des Nymphéas", 3600) in values
        document = render_html(wb, "fr")
    assert "Salle des Nymphéas" in document and "5\u202f400\u00a0€" in document
    with use_language("en"):
        assert "calculated: venue" in budget_csv(wb)


def test_a_venue_without_a_name_shows_its_account_label_in_the_pdf() -> None:
    wb = venue_workbook()
    wb.checklist.venue.name = ""
    document = render_html(wb, "fr")
    assert "Locations" in document


def test_the_example_counts_its_venue_once() -> None:
    wb = load_workbook_text(example_workbook_path().read_bytes())
    assert wb.checklist.venue.in_kind_value == D("450") and wb.checklist.venue.monthly_cost == 0
    uses = [e for e in b.entries(wb) if e.side == "inkind" and e.account == "861"]
    assert [(e.origin, e.amount) for e in uses if e.amount == D("5400")] == [("venue", D("5400"))]
    assert not [e for e in uses if e.origin == "line" and "Salle" in e.label]
    for scenario in wb.budget.scenarios:
        assert not [line for line in scenario.plan.lines if line.account == "861" and line.amount == D("5400")]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_kpa_check_counts_the_rent(lang: str) -> None:
    with use_language(lang):
        before = b.check_fields(venue_workbook("0", "0"))
        after = b.check_fields(venue_workbook("450", "0"))
    assert D(after["charges_total"]) - D(before["charges_total"]) == D("5400")


def cents_workbook() -> Workbook:
    """Three charges of 100,50 € and two funders of 100,50 €: exact gap 100,50 €."""
    wb = Workbook.new("Centimes", launch_date=dt.date(2027, 3, 15))
    wb.budget.lines = [b.BudgetLine(account=account, label=f"Ligne {account}", amount=D("100.50"))
                       for account in ("606", "623", "625")]
    wb.budget.lines += [b.BudgetLine(account="74", label=name, partner=funder_partner(wb, name).id, subline="commune", status="vote",
                                     amount=D("100.50")) for name in ("Ville", "Métropole")]
    return wb


def test_whole_euro_totals_are_the_exact_totals_rounded_and_the_lines_add_up() -> None:
    # Issue 19: each total is its exact total rounded half up; the lines share it by largest remainder.
    wb = cents_workbook()
    table = b.cerfa_table(wb)
    exact, shown = table.totals, table.totals.shown
    assert (exact.charges, exact.produits) == (D("301.50"), D("201.00"))  # cents kept where stored
    assert (shown.charges, shown.produits, shown.missing) == (D("302"), D("201"), D("101"))
    for side, total in ((table.charges, shown.charges), (table.produits, shown.produits)):
        blocks = [row for row in side if row.level == 1]
        assert sum((row.euros for row in blocks), D(0)) == total
        for index, row in enumerate(side):
            if row.level != 1:
                continue
            below = []
            for child in side[index + 1:]:
                if child.level == 1:
                    break
                if child.level == 2:
                    below.append(child.euros)
            assert row.euros == sum(below, D(0)), row
    # « Ville » and « Métropole »: their partners' kinds (commune, EPCI) are their sub-lines (issue 19)
    sublines = {row.account: row.euros for row in table.produits if row.origin == "subline"}
    assert sublines == {"interco": D("100"), "commune": D("101")} or sublines == {"interco": D("101"), "commune": D("100")}
    assert sum(sublines.values(), D(0)) == D("201") and sorted(r.euros for r in table.produits if r.level == 3) == [D("100"), D("101")]


def _euros(text: str) -> int:
    return int("".join(ch for ch in text if ch.isdigit()) or 0)


def test_the_pdf_table_adds_up_as_printed() -> None:
    from kpawidgets.report.sections.budget import budget_section

    with use_language("fr"):
        section = budget_section(cents_workbook())
    assert section is not None
    charges = [cell for cell in section.charges if cell.level == 1]
    assert sum(_euros(c.amount) for c in charges) == _euros(section.total_charges) == 302
    assert _euros(section.total_products) == 201
    assert "Il reste 101\u00a0€ à trouver" in " ".join(section.notes)  # 302 − 201, as printed


def test_the_budget_page_summary_adds_up_as_shown() -> None:
    from kpawidgets.app.budget.html import balance_sentence, summary_html

    wb = cents_workbook()
    with use_language("fr"):
        figures = b.budget_figures(wb)
        html = summary_html(figures)
        assert "302\u00a0€" in html and "201\u00a0€" in html
        assert balance_sentence(figures)[1] == "Il reste 101\u00a0€ à trouver pour équilibrer le budget."


def test_cash_curves_count_secured_then_requested_funding() -> None:
    wb = Workbook.new("Trésorerie", launch_date=dt.date(2027, 1, 1))
    wb.budget.starting_cash = D("0")
    wb.budget.lines = [
        b.BudgetLine(account="623", label="Affiches", amount=D("1200")),  # 100 a month
        b.BudgetLine(account="74", label="Ville", partner=funder_partner(wb, "Ville").id, status="vote", amount=D("600"), advance_pct=D("100"),
                     advance_month=1),
        b.BudgetLine(account="74", label="État", partner=funder_partner(wb, "État").id, status="demande", amount=D("300"), advance_pct=D("100"),
                     advance_month=2),
        b.BudgetLine(account="74", label="CAF", partner=funder_partner(wb, "CAF").id, status="envisage", amount=D("300"), advance_pct=D("100"),
                     advance_month=3),
    ]
    cash = b.monthly_cash(wb)
    curves = {c.key: c for c in cash.curves}
    assert list(curves) == ["secured", "requested"]
    assert cash.months[-1].balance == D("0")  # everything counted: 1 200 in, 1 200 out
    assert curves["requested"].balances[12] == D("-300") and curves["secured"].balances[12] == D("-600")
    assert curves["secured"].lowest == D("-600") and curves["secured"].need == D("600")
    with use_language("en"):
        from kpawidgets.app.budget.html import cash_html
        page = cash_html(b.budget_figures(wb))
        assert "Balance with secured funding only" in page and "Balance with secured and requested" in page
        document = render_html(wb, "en")
    assert "Balance with secured funding only" in document  # the PDF chart's legend
    assert "Balance with secured and requested" in document


def test_every_rate_preset_names_its_source() -> None:
    assert set(b.RATE_PRESET_SOURCES) == {"smic", "standard", "custom"}
    assert "URSSAF" in b.RATE_PRESET_SOURCES["smic"] and "1 823,03 €" in b.RATE_PRESET_SOURCES["smic"]
    assert "réduction générale" in b.RATE_PRESET_SOURCES["smic"]
    with use_language("en"):
        from kpawidgets.app.budget.staff import _source_html
        assert "general reduction" in _source_html("smic") and "URSSAF" in _source_html("standard")


def test_an_ingredient_set_acquis_is_green_and_says_what_is_left() -> None:
    from kpawidgets.model import checklist as c
    from kpawidgets.report.sections.checklist import checklist_section

    wb = Workbook.new("Acquis", launch_date=dt.date(2027, 3, 15))
    wb.checklist.ingredients.venue.status = "done"
    score = c.readiness(wb).get("venue")
    assert (score.score, score.light) == (100, "green") and score.open_checks > 0
    with use_language("fr"):
        section = checklist_section(wb)
    assert section is not None
    venue = section.items[0]
    assert venue.score == 100 and "à confirmer" in venue.detail


def test_a_new_workbook_shows_five_actions_first_and_folds_the_rest() -> None:
    from kpawidgets.app.checklist.html import actions_html, folded_actions_html
    from kpawidgets.model import checklist as c

    wb = Workbook.new("Grande-Synthe", launch_date=dt.date(2027, 3, 15))
    every = c.next_actions(wb, wb.identity.launch_date)
    priorities = c.prioritized_actions(wb, wb.identity.launch_date)
    assert len(priorities.top) == 5 and len(priorities.top) + len(priorities.rest) == len(every) > 20
    weights = [c.INGREDIENT_WEIGHTS.get(a.section, 1) for a in priorities.top]
    assert min(weights) >= max(c.INGREDIENT_WEIGHTS.get(a.section, 1) for a in priorities.rest)
    assert {a.key for a in priorities.top}.isdisjoint(a.key for a in priorities.rest)
    wb.checklist.ingredients.partners.due = dt.date(2026, 12, 1)  # a weight-1 ingredient, dated: still after
    dated = c.prioritized_actions(wb, wb.identity.launch_date)
    assert all(a.section != "partners" for a in dated.top)
    with use_language("en"):
        folded = folded_actions_html(list(priorities.rest), {k: k for k in (*c.INGREDIENTS, "philosophy", "support")})
        assert f"See the {len(priorities.rest)} other actions" in folded and folded.startswith("<details")
        assert actions_html(list(priorities.top), {k: k for k in c.INGREDIENTS}).count("<tr>") == 6


def test_the_coverage_parts_in_whole_percent_add_up_to_the_whole() -> None:
    # The example's parts are 27,55 / 25,05 / 6,26 / 37,53 / 3,61 % of the charges: each
    # rounded alone they printed 101 %.
    parts = [("secured", D("11000")), ("requested", D("10000")), ("considered", D("2500")), ("revenue", D("14985")),
             ("gap", D("1440"))]
    percents = b.whole_percents(parts, D("39925"), "secured")
    assert sum(percents.values()) == 100
    assert percents["secured"] == 28  # as the « acquis » figure prints it
    assert percents == {"secured": 28, "requested": 25, "considered": 6, "revenue": 37, "gap": 4}
