"""One record, seen from both pages (issue 12): the budget's funders tab and the checklist's partners step.

Two pages on one real workspace file stand for two kernels (the notebooks are separate).
"""

from __future__ import annotations

import html
from decimal import Decimal as D
from pathlib import Path
from typing import Any

from kpawidgets.app.budget import build_budget
from kpawidgets.app.checklist import build_checklist
from kpawidgets.model.checklist import find_partner, partner_counts
from tests.pagekit import OpenPage, button, field_of, find, find_all, flat, open_page


def _partners_step(checklist: OpenPage) -> Any:
    app = checklist.body
    return next(screen for screen in (app.screen(i) for i in range(len(app.titles))) if screen.key == "partners")


def _row(step: Any, name: str) -> Any:
    return next(row for row in step.facts.editor.rows.children if field_of(row, "kpa-f-pa-name").value == name)


def _new_funder_card(budget: OpenPage) -> Any:
    funders = budget.body.select("funders")
    button(funders, "Ajouter un financeur").click()
    return find_all(funders, "kpa-funder-card")[-1]


def test_a_funder_typed_on_the_budget_page_is_a_partner_of_the_checklist_and_a_rename_comes_back(
        workspace_dir: Path, example_path: Path) -> None:
    budget = open_page(build_budget, workspace_dir, example_path)
    card = _new_funder_card(budget)
    chooser = field_of(card, "kpa-funder-name")
    assert {"CAF", "Ville de Lys-lez-Tisserands", "Collège Jean-Macé"} <= set(chooser.input.options)
    chooser.value = "Métropole de Lys"  # a new name: a new partner, with the funder role
    field_of(card, "kpa-amount").value = "2 500"
    field_of(card, "kpa-status").value = "demande"
    saved = budget.on_disk()
    metro = find_partner(saved.checklist.partners, "Métropole de Lys")
    assert metro is not None and metro.roles == ["funder"] and saved.budget.lines[-1].partner == metro.id
    assert len(saved.checklist.partners) == 14
    assert "Métropole de Lys" in chooser.input.options  # every card offers it now

    # The checklist (another kernel) shows it, with what it funds and the status the request gives.
    checklist = open_page(build_checklist, workspace_dir)
    step = _partners_step(checklist)
    row = _row(step, "Métropole de Lys")
    funds = flat(find(row, "kpa-f-pa-funds").value)
    assert "Finance 2 500 € au budget (1 ligne : demandé 2 500 €)." in funds
    assert "Statut donné par le budget : Rencontré (une demande faite au budget)." in funds
    status = field_of(row, "kpa-f-pa-status")
    assert (status.value, status.input.disabled) == ("met", True)
    funder_box = find(row, "kpa-f-pa-funder")
    assert funder_box.value is True and funder_box.disabled
    counts = partner_counts(checklist.session.workbook)["funder"]
    assert counts == {"total": 10, "committed": 2} and ">10<" in step.facts.counts.value

    # Renamed in the checklist: the budget page shows the new name, the line keeps its partner.
    field_of(row, "kpa-f-pa-name").value = "Métropole Lys-Tisserands"
    changes = budget.session.take_external_change()
    assert changes is not None
    assert chooser.value == "Métropole Lys-Tisserands" and "Métropole de Lys" not in chooser.input.options
    assert budget.session.workbook.budget.lines[-1].partner == metro.id
    assert [p.name for p in budget.on_disk().checklist.partners].count("Métropole Lys-Tisserands") == 1

    # Typing the name of a partner that exists (other case and accents) points to it: no copy.
    other = _new_funder_card(budget)
    field_of(other, "kpa-funder-name").value = "metropole lys-tisserands"
    saved = budget.on_disk()
    assert saved.budget.lines[-1].partner == metro.id and len(saved.checklist.partners) == 14


def test_a_partner_made_a_funder_in_the_checklist_is_offered_on_the_budget_page_and_its_removal_is_undoable(
        workspace_dir: Path, example_path: Path) -> None:
    checklist = open_page(build_checklist, workspace_dir, example_path)
    step = _partners_step(checklist)
    college = _row(step, "Collège Jean-Macé")
    find(college, "kpa-f-pa-funder").value = True
    budget = open_page(build_budget, workspace_dir)
    card = _new_funder_card(budget)
    chooser = field_of(card, "kpa-funder-name")
    chooser.value = "Collège Jean-Macé"
    field_of(card, "kpa-amount").value = "600"
    field_of(card, "kpa-status").value = "vote"
    saved = budget.on_disk()
    partner = find_partner(saved.checklist.partners, "Collège Jean-Macé")
    assert partner is not None and saved.budget.lines[-1].partner == partner.id and len(saved.checklist.partners) == 13

    # Back on the checklist: voted, so « Engagé », and one more engaged funder.
    assert checklist.session.take_external_change() is not None
    funds = flat(find(college, "kpa-f-pa-funds").value)
    assert "Finance 600 € au budget (1 ligne : voté / notifié 600 €)." in funds
    assert field_of(college, "kpa-f-pa-status").value == "committed"
    assert partner_counts(checklist.session.workbook)["funder"] == {"total": 10, "committed": 3}

    # Removing it says what it funded; the line stays, under « financeur inconnu »; « Annuler » brings it back.
    find(college, "kpa-cl-remove").click()
    app = checklist.body
    assert "Il finançait 1 ligne du budget : elle reste, sous « financeur inconnu »." in app.notice.text.value
    assert find_partner(checklist.on_disk().checklist.partners, "Collège Jean-Macé") is None
    assert budget.session.take_external_change() is not None
    card = find_all(budget.body.select("funders"), "kpa-funder-card")[-1]  # the partners' list changed: cards redrawn
    chooser = field_of(card, "kpa-funder-name")
    assert chooser.value == "financeur inconnu"
    assert "plus dans la liste des partenaires" in find(card, "kpa-funder-unknown").value
    assert budget.body.figures.coverage.secured == D("11600.00")  # the line still counts
    app.notice.undo_button.click()
    assert find_partner(checklist.on_disk().checklist.partners, "Collège Jean-Macé") is not None
    assert budget.session.take_external_change() is not None
    card = find_all(budget.body.select("funders"), "kpa-funder-card")[-1]
    chooser = field_of(card, "kpa-funder-name")
    assert chooser.value == "Collège Jean-Macé" and find(card, "kpa-funder-unknown").value == ""


def test_a_name_typed_over_a_funder_named_by_no_other_line_renames_its_partner(workspace_dir: Path,
                                                                               example_path: Path) -> None:
    """Issue 19: « Toulouse Métropole » typed over « Ville de Toulouse » made a second partner (the PDF then read
    « 0 sur 2 financeurs engagés » and « Mairie de Toulouse — sans ligne au budget »)."""
    budget = open_page(build_budget, workspace_dir, example_path)
    page = budget.body
    funders = page.select("funders")
    card = next(c for c in find_all(funders, "kpa-funder-card") if field_of(c, "kpa-funder-name").value == "CAF")
    line_id = next(line.id for line in page.plan.lines if line.label.startswith("CAF"))
    caf = next(line.partner for line in page.plan.lines if line.id == line_id)
    field_of(card, "kpa-funder-name").value = "CAF du Nord"
    notice = flat(page.notice.value)
    assert "« CAF » s'appelle maintenant « CAF du Nord »" in html.unescape(notice)
    saved = budget.on_disk()
    assert len(saved.checklist.partners) == 13 and find_partner(saved.checklist.partners, "CAF") is None
    assert next(line.partner for line in saved.budget.lines if line.id == line_id) == caf  # the same partner, renamed
    assert find_partner(saved.checklist.partners, "CAF du Nord").id == caf
    page.undo_button.click()
    saved = budget.on_disk()
    assert find_partner(saved.checklist.partners, "CAF").id == caf and len(saved.checklist.partners) == 13


def test_a_name_typed_over_a_funder_other_lines_name_adds_a_partner_says_so_and_can_be_undone(workspace_dir: Path,
                                                                                              example_path: Path) -> None:
    budget = open_page(build_budget, workspace_dir, example_path)
    page = budget.body
    line_id = next(line.id for line in page.plan.lines if line.label.startswith("CAF"))
    caf = next(line.partner for line in page.plan.lines if line.id == line_id)
    from kpawidgets.model import budget as b

    page.plan.lines.append(b.BudgetLine(account="74", label="CAF : seconde aide", partner=caf, status="envisage",
                                        amount=D("500"), subline="social"))  # a second line names the CAF
    page.structure_changed()
    funders = page.select("funders")
    card = next(c for c in find_all(funders, "kpa-funder-card") if field_of(c, "kpa-funder-name").value == "CAF")
    field_of(card, "kpa-funder-name").value = "CAF du Nord"
    notice = flat(page.notice.value)
    assert "« CAF du Nord » est ajouté aux partenaires" in notice and "« CAF » reste : 1 autre ligne le nomme." in notice
    saved = budget.on_disk()
    assert len(saved.checklist.partners) == 14 and find_partner(saved.checklist.partners, "CAF") is not None
    page.undo_button.click()
    saved = budget.on_disk()
    assert next(line.partner for line in saved.budget.lines if line.id == line_id) == caf
    assert find_partner(saved.checklist.partners, "CAF du Nord") is None and len(saved.checklist.partners) == 13
