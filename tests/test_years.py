"""Years 2 and 3 (issue 24): more figures of the one figures object, computed by hand here."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal as D
from pathlib import Path

import pytest
from pydantic import ValidationError

from kpawidgets.model.budget.figures import budget_figures
from kpawidgets.model.checklist import funder_partner
from kpawidgets.model.records.budget import BudgetLine, YearRule
from kpawidgets.model.workbook import Workbook, dump_workbook, load_workbook_text, validation_messages
from kpawidgets.resources import example_workbook_path

FORMAT_3 = Path(__file__).parent / "data" / "format-3-example.json"


def test_the_three_years_of_the_example_by_hand() -> None:
    figures = budget_figures(load_workbook_text(example_workbook_path().read_bytes()))
    one, two, three = figures.years.years
    # Year 1 is the year-1 budget, unchanged.
    assert (one.charges, one.produits, one.gap) == (figures.euros.charges, figures.euros.produits, figures.euros.gap)
    assert one.resources == {k: figures.euros.parts[k] for k in ("secured", "requested", "considered", "revenue")}
    assert one.table is figures.cerfa
    # Year 1 by hand: sales 9 120 + 3 240 + 2 625 = 14 985 € of 38 485 € of resources → 38,9 % → 39 %.
    assert one.own == D(14985) and one.own_share == 39 and not one.own_share_reached
    # Year 2. Charges: the coordinator 16 920 + 5 076, the CAE 10 % of the sales at cruising rhythm,
    # the lines carried on (2 400 + 300 + 480 + 1 800 + 900 + 720 + 360 + 240); the three KPA-Cité
    # sessions before the launch (3 × 2 700) are one-off, the equipment bought (650 + 480) bought once.
    sales = 3 * 320 * 12 + 6 * 60 * 12 + 25 * 14 * 12  # 11 520 + 4 320 + 4 200 = 20 040
    carried = 2400 + 300 + 480 + 1800 + 900 + 720 + 360 + 240
    charges = 16920 + 5076 + sales // 10 + carried
    assert sales == 20040 and charges == 31200
    assert two.charges == three.charges == D(charges)
    # Resources: the city's convention 8 000 then 6 000; the State 100/80/50 % of 4 000; the CAF flat
    # 1 500; the other grants one-off (nothing said: one-off).
    assert two.resources == {"secured": D(8000), "requested": D(3200), "considered": D(1500), "revenue": D(sales)}
    assert three.resources == {"secured": D(6000), "requested": D(2000), "considered": D(1500), "revenue": D(sales)}
    assert two.produits == D(32740) and three.produits == D(29540)
    assert (two.gap, two.surplus) == (D(0), D(1540)) and (three.gap, three.surplus) == (D(1660), D(0))
    # Own share: 20 040 / 32 740 = 61,2 % → 61 %; 20 040 / 29 540 = 67,8 % → 68 %; the mark is 50 %.
    assert (two.own_share, three.own_share) == (61, 68) and figures.years.own_share_mark == 50
    assert two.own_share_reached and three.own_share_reached
    # In kind each year: the lent staff 13 800 + 6 500, lent equipment 320 + 250, the hall 5 400, volunteering 1 440.
    assert one.in_kind == two.in_kind == three.in_kind == D(27710)
    assert figures.years.break_even_year == 2
    # 86 = 87 each year, and every whole-euro column adds up as printed.
    for year in figures.years.years:
        assert year.table.uses[0].euros == year.table.resources[0].euros == year.in_kind
        assert sum(r.euros for r in year.table.charges if r.level == 1) == year.charges
        assert sum(r.euros for r in year.table.produits if r.level == 1) == year.produits
        assert sum(year.resources.values()) == year.produits


def _workbook() -> Workbook:
    wb = Workbook.new("Trois ans", launch_date=dt.date(2027, 1, 1))
    wb.budget.lines = [BudgetLine(account="641", label="Salaire", amount=D("20000"),
                                  years=YearRule(growth_pct=D("2.5"))),
                       BudgetLine(account="613", label="Local, à partir de l'an 2", amount=D("3000"),
                                  years=YearRule(first_year=2)),
                       BudgetLine(account="625", label="Étude de lancement", amount=D("1000"),
                                  years=YearRule(last_year=1))]
    for name, amount, rule in (
            ("Consolidation emploi", "10000", YearRule(shape="degressive", percents=[D(80), D(50)])),
            ("FONJEP", "3582", YearRule(shape="fixed", yearly=D("7164"))),  # a post from July: half a year
            ("Fondation", "1000", None)):
        wb.budget.lines.append(BudgetLine(account="74", label=name, partner=funder_partner(wb, name).id,
                                          status="vote", subline="etat", amount=D(amount), years=rule))
    wb.budget.lines.append(BudgetLine(account="756", label="Cotisations", amount=D("500"),
                                      years=YearRule(growth_pct=D(10))))
    return wb


def test_a_degressive_grant_a_fonjep_post_growth_and_lines_that_start_or_end() -> None:
    wb = _workbook()
    figures = budget_figures(wb)
    one, two, three = figures.years.years
    # Year 1: the premises starting in year 2 are not in it.
    assert one.charges == D(21000) == figures.euros.charges
    assert one.produits == D(10000 + 3582 + 1000 + 500)
    # Year 2: salary + 2,5 % = 20 500, premises 3 000; the study ended. Year 3: 20 500 × 1,025 = 21 012,50
    # + 3 000 = 24 012,50 €, printed 24 013 € (the one rule: half up).
    assert two.charges == D(23500) and three.charges == D(24013)
    assert three.table.totals.charges == D("24012.50")
    # 10 000 → 8 000 → 5 000; FONJEP 3 582 (half a year) then 7 164 a year; the foundation one-off;
    # dues 500 → 550 → 605.
    assert two.resources["secured"] == D(8000 + 7164) and three.resources["secured"] == D(5000 + 7164)
    assert (two.own, three.own) == (D(550), D(605))
    assert two.produits == D(8000 + 7164 + 550) and three.produits == D(5000 + 7164 + 605)
    # 550 / 15 714 = 3,5 % → 4 %; 605 / 12 769 = 4,7 % → 5 %.
    assert (two.own_share, three.own_share) == (4, 5)
    assert figures.years.break_even_year is None
    # A growth of −100 % stops the line from year 2, nothing less.
    wb.budget.lines[0].years = YearRule(growth_pct=D(-100))
    assert budget_figures(wb).years[2].charges == D(3000)


def test_the_mark_is_the_workbooks_and_round_trips() -> None:
    wb = _workbook()
    wb.budget.own_share_mark = D(4)
    again = load_workbook_text(dump_workbook(wb))
    assert again == wb
    years = budget_figures(again).years
    assert years.own_share_mark == 4 and [y.own_share_reached for y in years.years] == [False, True, True]


@pytest.mark.parametrize(("rule", "french", "english"), [
    ({"growth_pct": "-120"}, "une évolution ne peut pas être inférieure à −100 % par an (-120 %)",
     "a change cannot be below −100 % a year (-120 %)"),
    ({"shape": "degressive", "percents": ["80", "150"]},
     "une part ne peut pas dépasser 100 % de l'aide de l'année 1 (150 %)",
     "a share cannot exceed 100 % of the year-1 award (150 %)"),
    ({"shape": "convention", "first_year": 3, "last_year": 2, "amounts": ["5000"]},
     "la ligne finit (année 2) avant de commencer (année 3)", "the line ends (year 2) before it starts (year 3)"),
])
def test_bad_years_are_refused_with_a_message_in_each_language(rule: dict, french: str, english: str) -> None:
    data = json.loads(example_workbook_path().read_text(encoding="utf-8"))
    data["budget"]["lines"][0]["years"] = rule
    with pytest.raises(ValidationError) as caught:
        Workbook.model_validate(data)
    assert any(french in line for line in validation_messages(caught.value, "fr")), validation_messages(caught.value, "fr")
    assert any(english in line for line in validation_messages(caught.value, "en"))
    with pytest.raises(ValidationError):  # the page's assignment is refused the same way
        BudgetLine(account="74", amount=D(1000), years=rule)


def test_an_older_file_gets_years_without_changing_year_one() -> None:
    """Format 3 (and so 4): no rules; charges carried on, grants one-off; same ids on every device."""
    first = load_workbook_text(FORMAT_3.read_bytes())
    again = load_workbook_text(FORMAT_3.read_bytes())
    assert dump_workbook(first) == dump_workbook(again)
    figures = budget_figures(first)
    assert all(line.years is None for line in first.budget.lines)
    one, two, _three = figures.years.years
    assert one.charges == figures.euros.charges and one.produits == figures.euros.produits
    assert two.resources["secured"] == two.resources["requested"] == two.resources["considered"] == 0
    assert two.in_kind == one.in_kind


def test_kpa_check_json_has_the_years_as_the_figures_say(capsys: pytest.CaptureFixture[str], example_path: Path) -> None:
    from kpawidgets.cli import main

    assert main(["check", str(example_path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    figures = budget_figures(load_workbook_text(example_path.read_bytes()))
    assert [y["year"] for y in report["years"]] == [1, 2, 3]
    first = report["years"][0]
    assert (first["charges_euros"], first["produits_euros"], first["secured_euros"]) == (
        report["charges_euros"], report["produits_euros"], report["secured_euros"])
    assert first["charges_total"] == report["charges_total"]
    two = report["years"][1]
    assert (two["charges_euros"], two["produits_euros"], two["own_euros"], two["own_share_pct"]) == (31200, 32740, 20040, 61)
    assert (two["surplus_euros"], report["years"][2]["funding_gap_euros"]) == (0 + 1540, 1660)
    assert [y["own_share_pct"] for y in report["years"]] == [y.own_share for y in figures.years.years] == [39, 61, 68]
    assert report["own_share_mark_pct"] == 50 and report["break_even_year"] == 2
    assert (report["cash36_min_euros"], report["cash36_min_month"], report["cash36_bridge_euros"]) == (-9983, "2027-06", 9983)
    assert report["cash36_months_in_hand"] == [0.5, 0.0, 0.0]


def test_kpa_check_refuses_a_bad_rule_in_one_line_per_problem(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from kpawidgets.cli import main

    data = json.loads(example_workbook_path().read_text(encoding="utf-8"))
    data["budget"]["lines"][0]["years"] = {"growth_pct": "-120"}
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    before = bad.read_bytes()
    assert main(["--lang", "en", "check", str(bad)]) == 1
    out, err = capsys.readouterr()
    said = [line for line in (out + err).splitlines() if "−100 %" in line]
    assert len(said) == 1 and "a change cannot be below −100 % a year (-120 %)" in said[0] and "bad.json" in said[0]
    assert bad.read_bytes() == before  # nothing written


def test_a_refused_assignment_leaves_the_rule_as_it_was() -> None:
    """The page sets one field at a time: a convention that would end before it starts is refused, and the
    rule keeps its years (pydantic had already set the field when the rule's own check refused it)."""
    rule = YearRule(shape="convention", first_year=1, last_year=2, amounts=[D(5000)])
    with pytest.raises(ValidationError):
        rule.first_year = 3
    assert (rule.first_year, rule.last_year) == (1, 2)
    with pytest.raises(ValidationError):
        rule.percents = [D(120)]
    assert rule.percents == []


def test_the_xlsx_has_a_sheet_a_year_and_the_three_years_as_the_figures_say() -> None:
    import io

    from openpyxl import load_workbook

    from kpawidgets.storage.spreadsheets import budget_xlsx

    workbook = load_workbook_text(example_workbook_path().read_bytes())
    book = load_workbook(io.BytesIO(budget_xlsx(workbook)))
    summary = book["Trois ans"]
    header = [cell.value for cell in summary[1]]
    rows = [dict(zip(header, [cell.value for cell in row])) for row in summary.iter_rows(min_row=2, max_row=4)]
    assert [r["Année"] for r in rows] == [1, 2, 3]
    assert [r["Charges"] for r in rows] == [39925, 31200, 31200]
    assert [r["Total des ressources"] for r in rows] == [38485, 32740, 29540]
    assert [r["Part des ressources propres (%)"] for r in rows] == [39, 61, 68]
    assert [r["Reste à trouver"] for r in rows] == [1440, 0, 1660]
    # year 2's Cerfa sheet: its lines as values, exact to the cent (its charges add up to 31 200 €)
    year_two = book["Budget année 2"]
    assert year_two["A1"].value.startswith("Budget prévisionnel de l'année 2")
    values = [row[2].value for row in year_two.iter_rows(min_row=5) if isinstance(row[2].value, (int, float, D))]
    charges_rows = [row for row in year_two.iter_rows(min_row=5) if row[1].value == "TOTAL DES CHARGES"]
    assert charges_rows and values
    formula = charges_rows[0][2].value
    assert isinstance(formula, str) and formula.startswith("=")
    line_values = []
    for row in year_two.iter_rows(min_row=5, max_row=charges_rows[0][2].row - 1):
        if row[2].value is not None and not isinstance(row[2].value, str):
            line_values.append(D(str(row[2].value)))
    assert sum(line_values) == D(31200)


def test_a_funders_cap_with_and_without_the_volunteering() -> None:
    """The brief's figures: a 3 000 € action, a funder capped at 80 % → 2 400 €; with 600 € of volunteering
    valued in 86/87 → 2 880 €."""
    wb = Workbook.new("Plafond", launch_date=dt.date(2027, 1, 1))
    wb.budget.lines = [BudgetLine(account="622", label="Action", amount=D(3000)),
                       BudgetLine(account="74", label="Ville", partner=funder_partner(wb, "Ville").id, status="vote",
                                  subline="commune", amount=D(2400), cap_pct=D(80)),
                       BudgetLine(account="74", label="Fondation", partner=funder_partner(wb, "Fondation").id,
                                  status="demande", subline="private", amount=D(600))]
    city, foundation = (budget_figures(wb).caps[line.id] for line in wb.budget.lines[1:])
    assert (city.cap_without, city.cap_with, city.share_of_cost, city.over) == (D(2400), D(2400), 80, False)
    assert foundation.cap_pct is None and foundation.share_of_cost == 20
    wb.budget.lines.append(BudgetLine(account="864", label="Bénévolat (50 h × 12 €)", amount=D(600)))
    city = budget_figures(wb).caps[wb.budget.lines[1].id]
    assert (city.cost, city.valued, city.cap_without, city.cap_with) == (D(3000), D(3600), D(2400), D(2880))
    assert (city.share_of_cost, city.share_of_valued) == (80, 67)  # 2 400 / 3 600 = 66,7 %
    wb.budget.lines[1].amount = D(3000)
    assert budget_figures(wb).caps[wb.budget.lines[1].id].over  # 3 000 € > 2 880 €
    with pytest.raises(ValidationError):
        wb.budget.lines[1].cap_pct = D(120)


def test_the_spreadsheet_round_trip_keeps_each_lines_years_cap_and_delay() -> None:
    from kpawidgets.storage import spreadsheets as sp

    wb = load_workbook_text(example_workbook_path().read_bytes())
    wb.budget.lines[[x.id for x in wb.budget.lines].index("f01")].cap_pct = D(80)
    wb.budget.lines[[x.id for x in wb.budget.lines].index("f01")].delay_months = 5
    before = {line.id: (line.years, line.cap_pct, line.delay_months) for line in wb.budget.lines}
    years, cash = budget_figures(wb).years, budget_figures(wb).cash
    for name, export in (("b.xlsx", sp.budget_xlsx), ("b.csv", lambda w: sp.budget_csv(w).encode("utf-8"))):
        result = sp.parse_import(name, export(wb))
        assert result.clean
        sp.apply_import(wb, result, mode="replace")
        assert {line.id: (line.years, line.cap_pct, line.delay_months) for line in wb.budget.lines} == before
        assert budget_figures(wb).years == years and budget_figures(wb).cash == cash


def test_cash_over_36_months_with_a_funder_paying_late_by_hand() -> None:
    wb = Workbook.new("Trésorerie", launch_date=dt.date(2027, 1, 1))
    wb.budget.lines = [BudgetLine(account="613", label="Local", amount=D(1200)),  # 100 € a month, carried on
                       BudgetLine(account="74", label="Ville", partner=funder_partner(wb, "Ville").id, status="vote",
                                  subline="commune", amount=D(1200), advance_pct=D(100), advance_month=1,
                                  years=YearRule(shape="flat"))]
    cash = budget_figures(wb).years.cash
    # Paid 3 months late (the default): 1 200 € in months 4, 16 and 28. Months 1–3: −100, −200, −300 €.
    assert [m.balance for m in cash.months[:5]] == [D(-100), D(-200), D(-300), D(800), D(700)]
    assert (cash.lowest, cash.lowest_month) == (D(-300), 3)  # the first of months 3, 15 and 27
    assert cash.months[15].cash_in == D(1200) and cash.months[27].cash_in == D(1200)
    assert cash.opening == (D(0), D(0), D(0)) and cash.months_in_hand == (D(0), D(0), D(0))
    assert cash.bridge is not None and (cash.bridge.kind, cash.bridge.amount, cash.bridge.first, cash.bridge.last) == (
        "advance", D(300), 1, 3)
    # Paid on time: never below zero, no bridge; 600 € at the start: half a year of charges in hand.
    wb.budget.lines[1].delay_months = 0
    wb.budget.starting_cash = D(600)
    cash = budget_figures(wb).years.cash
    assert cash.bridge is None and cash.lowest == D(600) and cash.months_in_hand == (D("6.0"), D("6.0"), D("6.0"))
    # A 40-month delay is refused, with its message.
    with pytest.raises(ValidationError) as caught:
        wb.budget.lines[1].delay_months = 40
    assert "au plus 24" in validation_messages(caught.value, "fr")[0]
    assert wb.budget.lines[1].delay_months == 0


def test_an_overdraft_on_the_first_day_is_no_month_in_hand() -> None:
    cash = budget_figures(load_workbook_text(example_workbook_path().read_bytes())).years.cash
    assert cash.opening == (D(1500), D(-7840), D(-2400))
    assert cash.months_in_hand == (D("0.5"), D(0), D(0))  # 1 500 € ÷ (39 925 € ÷ 12) = 0,45 month


def test_what_if_the_multi_year_grants_end() -> None:
    from kpawidgets.model.budget import grants_end

    workbook = load_workbook_text(example_workbook_path().read_bytes())
    figures, ended = budget_figures(workbook), grants_end(workbook)
    assert ended.euros == figures.euros  # year 1 unchanged
    # years 2 and 3 keep only the sales (20 040 €) against 31 200 € of charges
    assert [(y.produits, y.gap, y.own_share) for y in ended.years.years[1:]] == [(D(20040), D(11160), 100)] * 2
    assert workbook.budget.lines[[x.id for x in workbook.budget.lines].index("f01")].years.shape == "convention"  # untouched


def test_the_team_by_year_by_hand() -> None:
    """A post taken in month 3 of year 1 runs twelve months a year after; its FTE may change in years 2
    and 3 (file format 7); a lent member's value follows their FTE (issue 24: the team's FTE and cost)."""
    from kpawidgets.model.checklist import TeamMember
    from kpawidgets.model.records.budget import StaffCost

    wb = Workbook.new("Équipe", launch_date=dt.date(2027, 3, 1))
    wb.checklist.team = [TeamMember(label="Coordinatrice", organisation="Projet", fte=D("0.5"), paid_by="project"),
                         TeamMember(label="Animateur", organisation="Centre social", fte=D("0.5"), paid_by="partner")]
    wb.budget.staff = [StaffCost(member="Coordinatrice", rate_preset="smic", months=10, start_month=3),
                       StaffCost(member="Animateur", in_kind_value=D(6000))]
    # year 1: 0,5 × 1 823,03 = 911,52 € a month for 10 months, 15 % charges (136,73 €)
    one, two, three = budget_figures(wb).years.years
    assert one.table.totals.by_account["64"] == D("9115.20") + D("1367.30")
    # years 2 and 3, nothing said: the same FTE, twelve months
    for year in (two, three):
        assert year.table.totals.by_account["64"] == D("10938.24") + D("1640.76")
        assert year.in_kind == D(6000)
    # the team grows: 0,8 then 1 FTE for the coordinator, the lent animator to 0,25 then 0
    wb.budget.staff[0].fte_years = [D("0.8"), D("1")]
    wb.budget.staff[1].fte_years = [D("0.25"), D("0")]
    one_again, two, three = budget_figures(wb).years.years
    assert one_again == one  # year 1 unchanged
    # 0,8 × 1 823,03 = 1 458,42 € × 12 = 17 501,04 €; 15 % = 218,76 € × 12 = 2 625,12 €
    assert two.table.totals.by_account["64"] == D("17501.04") + D("2625.12")
    # 1 × 1 823,03 × 12 = 21 876,36 €; 15 % = 273,45 € × 12 = 3 281,40 €
    assert three.table.totals.by_account["64"] == D("21876.36") + D("3281.40")
    assert (two.in_kind, three.in_kind) == (D(3000), D(0))  # 6 000 € × 0,25 / 0,5
    # the 36 months pay the year-2 salary each month: 1 458,42 + 218,76 a month from month 13
    cash = budget_figures(wb).years.cash
    assert all(cash.months[m - 1].cash_out == D("1677.18") for m in range(13, 25))
    # more than 5 FTE, or below 0, is refused with its reason, in French and English
    with pytest.raises(ValidationError) as caught:
        wb.budget.staff[0].fte_years = [D("6")]
    assert "de 0 à 5 ETP (6)" in validation_messages(caught.value, "fr")[0]
    assert "0 to 5 FTE (6)" in validation_messages(caught.value, "en")[0]
    assert wb.budget.staff[0].fte_years == [D("0.8"), D("1")]
    # a file of format 6 reads as format 7 with no FTE by year, and saves them once set
    data = json.loads(dump_workbook(wb))
    assert data["schema_version"] == 7 and data["budget"]["staff"][0]["fte_years"] == ["0.8", "1"]
    del data["budget"]["staff"][0]["fte_years"], data["budget"]["staff"][1]["fte_years"]
    data["schema_version"] = 6
    older = load_workbook_text(json.dumps(data).encode("utf-8"))
    assert older.schema_version == 7 and older.budget.staff[0].fte_years == []
