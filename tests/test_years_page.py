"""The « Trois ans » tab driven without a browser (issue 24): the figures printed, a rule edited and saved."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

from kpawidgets.app.budget import BudgetPage, build_budget
from kpawidgets.model.workbook import load_workbook_text
from tests.pagekit import EXAMPLE as NAME
from tests.pagekit import fields, find_all, flat, open_page


def _page(workspace_dir: Path, example_path: Path, lang: str = "fr") -> BudgetPage:
    opened = open_page(build_budget, workspace_dir, example_path, lang)
    assert isinstance(opened.body, BudgetPage)
    return opened.body


def _rule_fields(tab, line_id: str, page: BudgetPage):
    index = [line.id for line in page.plan.lines].index(line_id)
    row = find_all(tab, "kpa-years-rule")[index]
    return row, {f.label: f for f in fields(row)}


def test_the_tab_prints_the_years_and_a_rule_edit_moves_them_and_saves(workspace_dir: Path, example_path: Path) -> None:
    page = _page(workspace_dir, example_path)
    tab = page.select("years")
    text = flat(tab.view.value)
    for shown in ("31 200 €", "32 740 €", "29 540 €", "20 040 € (61 %)", "20 040 € (68 %)", "charges : l&#x27;année 2.", "Repère : 50 %"):
        assert shown in text, shown
    assert "kpa-years-chart" in tab.view.value and "Année 3" in tab.view.value
    # Only the fields a shape uses are hidden, by their own box: the kit's fields share one layout, and
    # hiding it hid every field of the page (seen in the browser: the tab showed no field at all).
    assert all(f.layout.display in (None, "") for f in fields(page))
    hidden = [box for row in find_all(tab, "kpa-years-rule") for box in row.children[1].children[3:]
              if box.layout.display == "none"]
    shapes = [line.year_rule.shape for line in page.plan.lines]  # one-off and flat use none of the four
    assert len(hidden) == sum(4 if shape in ("one_off", "flat") else 3 for shape in shapes)
    row, by_label = _rule_fields(tab, "f03", page)  # the Département's 3 000 €, one-off by default
    assert "3 000 € → 0 € → 0 €" in flat(tab.previews["f03"].value)
    by_label["forme"].value = "flat"
    assert page.plan.lines[[x.id for x in page.plan.lines].index("f03")].years.shape == "flat"
    assert "3 000 € → 3 000 € → 3 000 €" in flat(tab.previews["f03"].value)
    assert "35 740 €" in flat(tab.view.value)  # year 2: 32 740 + 3 000
    saved = load_workbook_text((workspace_dir / f"{NAME}.json").read_bytes())
    assert saved.budget.lines[[x.id for x in saved.budget.lines].index("f03")].years.shape == "flat"
    # A growth below −100 %: refused beside the field, the model and the file keep the last good value.
    _row, by_label = _rule_fields(tab, "l01", page)
    growth = by_label["évolution (% par an)"]
    growth.value = "-150"
    assert growth.invalid and "−100 %" in growth.message.value
    line = page.plan.lines[[x.id for x in page.plan.lines].index("l01")]
    assert line.year_rule.growth_pct == 0
    growth.value = "10"
    assert not growth.invalid and line.year_rule.growth_pct == D(10)
    assert "2 640 €" in flat(tab.previews["l01"].value)  # 2 400 € + 10 %


def test_the_tab_speaks_english(workspace_dir: Path, example_path: Path) -> None:
    page = _page(workspace_dir, example_path, "en")
    tab = page.select("years")
    text = flat(tab.view.value)
    assert "Year 2" in text and "Own resources" in text and "Mark: 50" in text
    _row, by_label = _rule_fields(tab, "f02", page)
    assert by_label["shape"].input.value == "degressive"
    shares = by_label["shares of the following years (%)"]
    shares.value = "80 / 150"
    assert shares.invalid and "a share cannot exceed 100 % of the year-1 award (150 %)" in shares.message.value


def test_a_funders_cap_is_said_on_its_card_with_and_without_the_contributions_in_kind(workspace_dir: Path,
                                                                                     example_path: Path) -> None:
    page = _page(workspace_dir, example_path)
    tab = page.select("funders")
    note = tab.cap_notes["f01"]  # the city's 8 000 € of a 39 925 € budget, 67 635 € with the 27 710 € in kind
    assert "représente 20 % du coût total (39 925 €), 12 % avec les contributions en nature valorisées (67 635 €)" in flat(note.value)
    assert "Plafond" not in note.value
    index = [card_line.id for card_line in page.plan.lines if card_line.is_funder].index("f01")
    card = find_all(tab, "kpa-funder-card")[index]
    cap = next(f for f in fields(card) if f.attr == "cap_pct")
    cap.value = "20"
    assert page.plan.lines[[x.id for x in page.plan.lines].index("f01")].cap_pct == D(20)
    assert "Plafond de 20 % : 7 985 € sans les contributions en nature, 13 527 € avec." in flat(note.value)
    assert "kpa-warning" not in note.value  # 8 000 € ≤ 13 527 €
    cap.value = "10"
    assert "dépasse le plafond" in flat(note.value)  # 8 000 € > 6 764 €
    cap.value = ""
    assert page.plan.lines[[x.id for x in page.plan.lines].index("f01")].cap_pct is None
    cap.value = "120"
    assert cap.invalid


def test_a_funders_delay_moves_the_36_month_cash_and_40_months_is_refused(workspace_dir: Path, example_path: Path) -> None:
    page = _page(workspace_dir, example_path)
    years = page.select("years")
    before = flat(years.view.value)
    assert "au plus bas à -9 983 € en juin 2027" in before and "par un prêt" in before
    tab = page.select("funders")
    index = [line.id for line in page.plan.lines if line.is_funder].index("f01")
    card = find_all(tab, "kpa-funder-card")[index]
    delay = next(f for f in fields(card) if f.attr == "delay_months")
    delay.value = "40"
    assert delay.invalid and "entre 0 et 24" in flat(delay.message.value)
    assert page.plan.lines[[x.id for x in page.plan.lines].index("f01")].delay_months is None
    delay.value = "0"  # the city pays on time
    assert page.plan.lines[[x.id for x in page.plan.lines].index("f01")].delay_months == 0
    page.select("years")
    assert flat(years.view.value) != before
    saved = load_workbook_text((workspace_dir / f"{NAME}.json").read_bytes())
    assert saved.budget.lines[[x.id for x in saved.budget.lines].index("f01")].delay_months == 0


def test_the_scenarios_tab_has_the_years_and_the_grants_ending(workspace_dir: Path, example_path: Path) -> None:
    page = _page(workspace_dir, example_path)
    text = flat(page.select("scenarios").scenario_view.value)
    assert "Si les aides pluriannuelles s&#x27;arrêtent après l&#x27;année 1" in text
    assert "Année 3 : reste à trouver" in text and "11 160 €" in text and "1 660 €" in text


def test_following_the_file_stores_no_rule(workspace_dir: Path, example_path: Path) -> None:
    """The page follows another device's save by reading every field again: that must not give each line a
    stored rule (the next save would write one for every line, and a three-way merge would set it against
    the rule another device gave the line)."""
    from kpawidgets.app.live import follow_widgets

    page = _page(workspace_dir, example_path)
    tab = page.select("years")
    unsaid = [line.id for line in page.plan.lines if line.years is None]
    assert unsaid
    follow_widgets(tab)
    assert [line.id for line in page.plan.lines if line.years is None] == unsaid
    _row, by_label = _rule_fields(tab, "f03", page)
    by_label["de"].value = 2  # the first edit stores the whole rule, one-off by default for a funder
    stored = page.plan.lines[[x.id for x in page.plan.lines].index("f03")].years
    assert stored is not None and (stored.shape, stored.first_year) == ("one_off", 2)
    _row, by_label = _rule_fields(tab, "f03", page)
    by_label["à"].value = 1  # ends before it starts: refused, the rule as it was
    assert by_label["à"].invalid and "avant de commencer" in flat(by_label["à"].message.value)
    assert page.plan.lines[[x.id for x in page.plan.lines].index("f03")].years.last_year == 3
