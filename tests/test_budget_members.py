"""« Nombre de coopérant·es » follows the checklist's group unless the lead typed a number (issue 12)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from kpawidgets.app.budget import BudgetPage, build_budget
from kpawidgets.model import budget as b
from kpawidgets.model.checklist import GroupMember
from kpawidgets.model.workbook import Workbook
from kpawidgets.storage.workspace import Workspace
from tests.pagekit import flat, open_page

D = Decimal


def _workbook(people: int, members: int = 0) -> Workbook:
    workbook = Workbook.new("Grande-Synthe")
    workbook.checklist.group = [GroupMember(alias=f"P{i}") for i in range(people)]
    workbook.budget.members = members
    workbook.budget.activities = [b.Activity(name="Buffets", units_per_month=D("2"), unit_price=D("300"))]
    return workbook


def test_the_group_size_counts_when_nothing_is_typed() -> None:
    workbook = _workbook(10)
    assert b.planned_members(workbook) == b.Members(10, from_group=True)
    ours = b.network_comparison(workbook)[0]
    assert ours.ours and ours.members == 10
    revenue = sum((r.total for r in b.activity_rows(workbook)), D(0))
    assert revenue > 0 and ours.per_member_month == (revenue / 10 / 12).quantize(D("0.01"))
    workbook.budget.members = 4  # the lead's own number wins
    assert b.planned_members(workbook) == b.Members(4, from_group=False)
    assert b.network_comparison(workbook)[0].members == 4
    # A scenario with nothing typed follows the group too.
    scenario = b.copy_plan(workbook.budget)
    scenario.members = 0
    assert b.planned_members(workbook, scenario) == b.Members(10, from_group=True)


def test_an_empty_group_and_nothing_typed_gives_no_figure() -> None:
    workbook = _workbook(0)
    assert b.planned_members(workbook) == b.Members(0, from_group=True)
    ours = b.network_comparison(workbook)[0]
    assert ours.members is None and ours.per_member_month is None


def test_the_page_shows_the_group_size_and_takes_a_typed_number(workspace_dir: Path) -> None:
    opened_file = Workspace(workspace_dir).add(_workbook(10))
    opened = open_page(build_budget, workspace_dir, name=opened_file.name)
    page = opened.body
    assert isinstance(page, BudgetPage)
    revenue = page.select("revenue")
    members = revenue.members
    assert members.value == "" and members.input.placeholder == "10 (la taille du groupe)"
    assert "indiquez le nombre de coopérant·es" not in revenue.revenue_result.value
    sharing = page.select("sharing")
    assert "Nombre de coopérant·es : 10 (la taille du groupe) ; 0 personne" in flat(sharing.members_line.value)

    revenue = page.select("revenue")
    members.value = "12"
    assert page.plan.members == 12 and opened.on_disk().budget.members == 12
    assert b.network_comparison(page.workbook)[0].members == 12
    assert "Nombre de coopérant·es : 12 ;" in flat(page.select("sharing").members_line.value)

    page.select("revenue")
    members.value = ""  # back to « follow the group »
    assert page.plan.members == 0 and opened.on_disk().budget.members == 0
    assert members.value == "" and not members.invalid
    members.value = "dix"
    assert members.invalid and "nombre entier entre 0 et 500" in members.message.value
    assert page.plan.members == 0 and opened.on_disk().budget.members == 0

    # One more person in the group: the empty field now counts eleven.
    page.workbook.checklist.group = [*page.workbook.checklist.group, GroupMember(alias="Onze")]
    members.value = ""
    page.changed()
    assert members.input.placeholder == "11 (la taille du groupe)"


def test_the_page_in_english(workspace_dir: Path) -> None:
    opened_file = Workspace(workspace_dir).add(_workbook(10))
    opened = open_page(build_budget, workspace_dir, name=opened_file.name, lang="en")
    page = opened.body
    revenue = page.select("revenue")
    assert revenue.members.input.placeholder == "10 (the size of the group)"
    sharing = page.select("sharing")
    assert "10 (the size of the group); 0 people in the sharing below" in flat(sharing.members_line.value)
