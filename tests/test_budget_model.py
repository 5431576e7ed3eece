"""The budget computed by hand, to the cent: totals, coverage, cash, sharing (issue 4)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from kpawidgets.model.checklist import funder_partner
from kpawidgets.model import budget as b
from kpawidgets.model.checklist import EquipmentItem, TeamMember
from kpawidgets.model.money import AmountError, parse_amount
from kpawidgets.model.workbook import Workbook, dump_workbook, load_workbook_text

D = Decimal


def hand_workbook() -> Workbook:
    """The budget whose every figure is worked out by hand in the tests below (its funders pay on the
    schedule typed: a delay of 0 months, :func:`test_a_funder_paid_late_moves_its_months_in_both_cash_plans`)."""
    wb = Workbook.new("Test", launch_date=dt.date(2027, 3, 15))
    wb.checklist.team = [
        TeamMember(label="A", organisation="Projet", fte=D("0.5"), paid_by="project"),
        TeamMember(label="B", organisation="Centre social", fte=D("0.2"), paid_by="partner"),
        TeamMember(label="C", organisation="", fte=D("0.1"), paid_by="volunteer"),
    ]
    wb.checklist.equipment = [
        EquipmentItem(label="Ordinateur", status="buy", cost=D("650")),
        EquipmentItem(label="Barnum", status="borrow", cost=D("250")),
        EquipmentItem(label="Cuisine", status="have", cost=D("0")),
    ]
    budget = wb.budget
    budget.starting_cash = D("1000")
    budget.equipment_month = 2
    budget.staff = [
        b.StaffCost(member="A", rate_preset="smic", months=10, start_month=3),
        b.StaffCost(member="C", in_kind_value=D("1000")),
    ]
    budget.activities = [b.Activity(name="Buffets", units_per_month=D("2"), unit_price=D("350"), start_month=2, ramp_months=3)]
    budget.cae_rate = D("10")
    budget.lines = [
        b.BudgetLine(account="622", label="Formation KPA-Cité", amount=D("6000"), month=4),
        b.BudgetLine(account="616", label="Assurance", amount=D("650"), month=1),
        b.BudgetLine(account="623", label="Communication", amount=D("1000.01")),
        b.BudgetLine(account="861", label="Salle prêtée", amount=D("5400")),
        b.BudgetLine(account="74", label="Ville", partner=funder_partner(wb, "Ville").id, subline="commune", delay_months=0, status="vote", amount=D("5000"),
                     advance_pct=D("50"), advance_month=2, balance_month=10),
        b.BudgetLine(account="74", label="Département", partner=funder_partner(wb, "Département").id, subline="departement", delay_months=0, status="demande",
                     amount=D("3000"), advance_pct=D("60"), advance_month=5, balance_month=14),
        b.BudgetLine(account="74", label="CAF", partner=funder_partner(wb, "CAF").id, subline="social", delay_months=0, status="envisage", amount=D("1500"),
                     advance_month=6),
        b.BudgetLine(account="74", label="FSE+", partner=funder_partner(wb, "FSE+").id, subline="europe", delay_months=0, status="demande", amount=D("2000"),
                     advance_pct=D("30"), advance_month=6, balance_month=18),
        b.BudgetLine(account="74", label="Fondation", partner=funder_partner(wb, "Fondation").id, subline="private", delay_months=0, status="verse",
                     amount=D("1000"), advance_month=1),
        b.BudgetLine(account="74", label="Région", partner=funder_partner(wb, "Région").id, subline="region", delay_months=0, status="refuse", amount=D("5000")),
    ]
    budget.sharing = b.Sharing(materials=D("500"), common_pot_pct=D("10"), people=[
        b.Sharer(name="Awa", hours=D("100")), b.Sharer(name="Bilal", hours=D("60")), b.Sharer(name="Chloé", hours=D("40"))])
    return wb


def test_staff_costs_by_hand() -> None:
    rows = b.staff_rows(hand_workbook())
    a, partner, volunteer = rows
    # 1 823,03 × 0,5 = 911,515 → 911,52 a month; × 15 % = 136,728 → 136,73; ten months (March–December).
    assert a.months == list(range(3, 13))
    assert (a.gross, a.contributions, a.monthly_cost) == (D("9115.20"), D("1367.30"), D("1048.25"))
    # Partner: 1 823,03 × 0,2 = 364,606 → 364,61 × 12 = 4 375,32 in kind; the volunteer at the value set.
    assert (partner.gross, partner.in_kind) == (D("0"), D("4375.32"))
    assert volunteer.in_kind == D("1000.00")


def test_activity_ramp_up_by_hand() -> None:
    (row,) = b.activity_rows(hand_workbook())
    # 2 × 350 = 700 a month; starts in month 2 with three ramp-up months: ¼, ½, ¾.
    assert [row.monthly[m] for m in range(1, 6)] == [D("0"), D("175.00"), D("350.00"), D("525.00"), D("700.00")]
    assert row.total == D("6650.00")


def test_totals_by_hand() -> None:
    totals = b.budget_totals(hand_workbook())
    # 9 115,20 + 1 367,30 (staff) + 650 (laptop) + 665 (CAE 10 %) + 6 000 + 650 + 1 000,01
    assert totals.charges == D("19447.51")
    # 6 650 (sales) + 5 000 + 3 000 + 1 500 + 2 000 + 1 000 (the refused Région counts for nothing)
    assert totals.produits == D("19150.00")
    assert totals.missing == D("297.51") and totals.surplus == 0
    assert totals.by_account["64"] == D("10482.50")
    assert totals.by_account["62"] == D("7665.01")  # 6 000 + 1 000,01 + 665
    assert totals.by_account["74"] == D("12500.00")
    assert totals.by_subline == {"commune": D("5000"), "departement": D("3000"), "social": D("1500"),
                                 "europe": D("2000"), "private": D("1000")}
    # In kind: 4 375,32 (seconded) + 1 000 (volunteer) + 250 (barnum) + 5 400 (venue), and 86 = 87.
    assert totals.in_kind == D("11025.32")
    assert totals.by_account["86"] == totals.by_account["87"] == D("11025.32")


def test_cerfa_table_layout() -> None:
    table = b.cerfa_table(hand_workbook())
    assert [r.account for r in table.charges if r.level == 1] == list(b.CHARGE_GROUPS)
    assert [r.account for r in table.produits if r.level == 1] == list(b.PRODUIT_GROUPS)
    subs = [(r.account, r.amount) for r in table.produits if r.level == 2 and r.origin == "subline"]
    assert subs[0] == ("departement", D("3000")) and ("commune", D("5000")) in subs
    funders = [r.label for r in table.produits if r.level == 3]
    assert "Région" not in funders and len(funders) == 5
    assert sum(r.amount for r in table.uses if r.level == 2) == sum(r.amount for r in table.resources if r.level == 2)
    mirrors = {(r.account, r.label) for r in table.resources if r.level == 2}
    assert ("870", "C") in mirrors and ("871", "Salle prêtée") in mirrors and ("871", "B") in mirrors


def test_coverage_by_hand() -> None:
    cover = b.coverage(hand_workbook())
    assert (cover.charges, cover.secured, cover.requested, cover.considered, cover.revenue) == (
        D("19447.51"), D("6000"), D("5000"), D("1500"), D("6650.00"))
    assert cover.gap == D("297.51")
    assert cover.secured_pct == D("30.9")  # 6 000 / 19 447,51 = 30,85 %
    assert [(m.funder, m.status) for m in cover.missing] == [("Département", "demande"), ("FSE+", "demande"),
                                                              ("CAF", "envisage")]
    assert cover.full_funding_chance == 0.0  # resources fall short even if everyone says yes
    # Expected resources: secured + revenue + 60 % × (3 000 + 2 000) + 30 % × 1 500
    assert cover.expected == D("6000") + D("6650") + D("3000") + D("450")


def test_what_if_funder_says_no() -> None:
    wb = hand_workbook()
    commune = wb.budget.lines[4]
    commune.assume_no = True
    cover = b.coverage(wb)
    assert cover.secured == D("1000") and cover.gap == D("5297.51")
    cash = b.monthly_cash(wb)
    assert cash.end_balance == D("702.49") - D("5000")


def test_probability_view() -> None:
    wb = Workbook.new("P", launch_date=dt.date(2027, 1, 1))
    wb.budget.lines = [
        b.BudgetLine(account="613", label="Loyer", amount=D("1000")),
        b.BudgetLine(account="74", partner=funder_partner(wb, "X").id, status="demande", amount=D("1000")),
        b.BudgetLine(account="74", partner=funder_partner(wb, "Y").id, status="envisage", amount=D("1000")),
    ]
    # Either one suffices: 1 − 0,4 × 0,7 = 0,72.
    assert b.coverage(wb).full_funding_chance == pytest.approx(0.72)
    wb.budget.lines[2].status = "vote"
    assert b.coverage(wb).full_funding_chance == 1.0


def test_monthly_cash_by_hand_with_balance_after_year_end() -> None:
    cash = b.monthly_cash(hand_workbook())
    # The FSE balance arrives in month 18: the plan runs until then.
    assert len(cash.months) == 18 and cash.start == dt.date(2027, 3, 1)
    balances = [m.balance for m in cash.months]
    assert balances[:6] == [D("1266.66"), D("3190.82"), D("2374.23"), D("-4284.86"), D("-2986.45"), D("-1388.03")]
    assert balances[9] == D("-894.35")
    assert balances[11] == D("-1897.51")
    assert balances[13] == D("-697.51")   # the Département's balance (1 200) in month 14
    assert balances[17] == D("702.49")    # the FSE's balance (1 400) in month 18
    assert (cash.lowest, cash.lowest_month, cash.lowest_date) == (D("-4284.86"), 4, dt.date(2027, 6, 1))
    assert cash.need == D("4284.86")
    assert cash.back_above_zero is not None and cash.back_above_zero.month == 18
    # Start + all money in − all money out = the final balance, to the cent.
    assert D("1000") + D("6650") + D("12500") - D("19447.51") == cash.end_balance
    assert cash.months[3].staff_out == D("1048.25") and cash.months[3].other_out == D("6135.84")


def test_a_funder_paid_late_moves_its_months_in_both_cash_plans() -> None:
    """A funder's delay moves its money that many months later, in the year's cash and in the 36 months
    alike (one rule: months 1–12 are the same balances); money already paid (« versé ») is never late."""
    wb = hand_workbook()
    ville = next(line for line in wb.budget.lines if line.label == "Ville")
    fondation = next(line for line in wb.budget.lines if line.label == "Fondation")
    ville.delay_months = 3       # its advance (2 500) from month 2 to 5, its balance from month 10 to 13
    fondation.delay_months = 5   # « versé »: already in the bank
    on_time = [m.balance for m in b.monthly_cash(hand_workbook()).months]
    cash = b.monthly_cash(wb)
    balances = [m.balance for m in cash.months]
    assert balances[:5] == [D("1266.66"), D("690.82"), D("-125.77"), D("-6784.86"), D("-2986.45")]
    late = {1, 2, 3, 9, 10, 11}  # months 2–4 and 10–12, as indexes: 2 500 € short each
    assert [on_time[i] - balances[i] for i in range(len(on_time))] == [D(2500) if i in late else D(0) for i in range(len(on_time))]
    assert (cash.lowest, cash.lowest_month) == (D("-6784.86"), 4) and cash.funders_late
    figures = b.budget_figures(wb)
    assert [m.balance for m in figures.years.cash.months[:12]] == [m.balance for m in figures.cash.months[:12]]
    assert figures.euros.cash_lowest == D("-6785")  # the year's low point is the 36 months' low point of year 1
    assert min(m.balance for m in figures.years.cash.months[:12]) == figures.cash.lowest == D("-6784.86")
    # nobody late: the schedule as typed, and the words say nothing of delays
    ville.delay_months = 0
    assert not b.monthly_cash(wb).funders_late


def test_revenue_sharing_by_hand() -> None:
    result = b.revenue_sharing(hand_workbook())
    # 6 650 − 665 (CAE) − 500 (materials) = 5 485; pot 10 % = 548,50; 4 936,50 shared over 200 hours.
    assert (result.revenue, result.cae, result.materials, result.common_pot, result.to_share) == (
        D("6650.00"), D("665.00"), D("500"), D("548.50"), D("4936.50"))
    assert [(p.name, p.amount) for p in result.people] == [("Awa", D("2468.25")), ("Bilal", D("1480.95")),
                                                           ("Chloé", D("987.30"))]
    assert result.per_hour == D("24.68")


def test_revenue_sharing_leftover_cents_add_up() -> None:
    wb = Workbook.new("S")
    wb.budget.cae_rate = D("0")
    wb.budget.activities = [b.Activity(name="x", units_per_month=D("1"), unit_price=D("10"))]  # 120 a year
    wb.budget.sharing = b.Sharing(common_pot_pct=D("0"), people=[b.Sharer(name=n, hours=D("1")) for n in "PQRSTUV"])
    people = b.revenue_sharing(wb).people
    # 12 000 cents / 7 = 1 714,28…: two cents are left over and go to the first two names.
    assert [p.amount for p in people] == [D("17.15")] * 2 + [D("17.14")] * 5
    assert sum(p.amount for p in people) == D("120.00")


def test_check_fields() -> None:
    fields = dict(b.check_fields(hand_workbook()))
    # the years (issue 24): year 1 is the figures below; the keys are tested in tests/test_years.py
    years = fields.pop("years")
    assert [y["year"] for y in years] == [1, 2, 3] and years[0]["charges_euros"] == 19448
    for key in ("own_share_mark_pct", "break_even_year", "cash36_min_euros", "cash36_min_month", "cash36_months_in_hand",
                "cash36_bridge_euros"):
        fields.pop(key)
    assert fields == {
        "charges_total": "19447.51", "produits_total": "19150.00", "in_kind_total": "11025.32", "secured_total": "6000.00",
        "requested_total": "5000.00", "considered_total": "1500.00", "revenue_total": "6650.00",
        "coverage_secured_pct": 30.9, "funding_gap": "297.51", "cash_min": "-4284.86", "cash_min_month": "2027-06",
        # the same figures in whole euros as the page and the PDF print them: 19 448 − 19 150 = 298
        "budget_empty": False, "charges_euros": 19448, "produits_euros": 19150, "in_kind_euros": 11025, "secured_euros": 6000,
        "requested_euros": 5000, "considered_euros": 1500, "revenue_euros": 6650, "funding_gap_euros": 298, "surplus_euros": 0,
        "coverage_percents": {"secured": 31, "requested": 26, "considered": 8, "revenue": 34, "gap": 1},
        "cash_min_euros": -4285, "cash_min_secured_only_euros": -6793}


def test_budget_round_trips_through_the_file() -> None:
    wb = hand_workbook()
    wb.budget.scenarios = [b.Scenario(name="prudent", plan=b.copy_plan(wb.budget))]
    again = load_workbook_text(dump_workbook(wb))
    assert again.budget == wb.budget
    data = json.loads(dump_workbook(wb))
    assert data["budget"]["lines"][2]["amount"] == "1000.01"


def test_scenario_comparison() -> None:
    wb = hand_workbook()
    prudent = b.copy_plan(wb.budget)
    prudent.lines[5].status = "refuse"
    wb.budget.scenarios = [b.Scenario(name="prudent", plan=prudent)]
    current, saved = b.scenario_comparison(wb)
    assert current.name is None and saved.name == "prudent"
    assert saved.coverage.requested == current.coverage.requested - D("3000")
    assert saved.totals.charges == current.totals.charges


def test_funding_calendar() -> None:
    wb = hand_workbook()
    wb.budget.lines[5].deadline = dt.date(2027, 1, 31)
    events = b.funding_calendar(wb)
    assert events[0].kind == "deadline" and events[0].funder == "Département"
    fse = [(e.kind, e.date, e.amount) for e in events if e.funder == "FSE+"]
    assert fse == [("advance", dt.date(2027, 8, 1), D("600.00")), ("balance", dt.date(2028, 8, 1), D("1400.00"))]
    assert not [e for e in events if e.funder == "Région"]


@pytest.mark.parametrize("typed, expected", [
    ("1 234,56", "1234.56"), ("1234.56", "1234.56"), ("1 234 €", "1234.00"), ("1\u202f234,5", "1234.50"),
    ("1.234,56", "1234.56"), ("12 400", "12400.00"), ("0,5", "0.50"), ("  850 ", "850.00"),
])
def test_french_amounts(typed: str, expected: str) -> None:
    assert b.parse_money_field(typed) == D(expected)


@pytest.mark.parametrize("typed, words", [
    ("12k", "12 000"), ("", "vide"), ("douze", "chiffres"), ("1,234,5", "chiffres"), ("12,345", None),
    ("-50", "négatif"), ("1,999", None), ("3,141", None), ("1 234,567", "chiffres"), ("12,3456", "chiffres"), ("1e5", "chiffres"),
])
def test_french_amount_rejections(typed: str, words: str | None) -> None:
    if words is None:  # a lone separator before three digits is a thousands separator: accepted
        assert b.parse_money_field(typed) == parse_amount(typed)
        return
    with pytest.raises(AmountError) as info:
        b.parse_money_field(typed)
    assert words in info.value.message("fr")
    assert info.value.message("en") != info.value.message("fr") or typed == ""


@pytest.mark.parametrize("typed, expected", [("30", D("30")), ("12,5 %", D("12.5")), ("0", D("0"))])
def test_percent(typed: str, expected: Decimal) -> None:
    assert b.parse_percent(typed) == expected


@pytest.mark.parametrize("typed", ["101", "-3", "abc", ""])
def test_percent_rejected(typed: str) -> None:
    with pytest.raises(b.BudgetError):
        b.parse_percent(typed)


def test_line_validation() -> None:
    with pytest.raises(ValueError):
        b.BudgetLine(account="999", label="x")
    with pytest.raises(ValueError):
        b.BudgetLine(account="871", label="x")
    with pytest.raises(ValueError):
        b.BudgetLine(account="606", label="x", amount=D("-1"))
    assert b.BudgetLine(account="74", partner="x").is_funder
