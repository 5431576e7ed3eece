"""One list of partners and funders (issue 12): the 2 → 3 migration, the rules, unknown partners, the merge."""

from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

from kpawidgets.cli import main
from kpawidgets.i18n import format_money_rounded
from kpawidgets.model import budget as b
from kpawidgets.model import checklist as c
from kpawidgets.model.merge import merge_workbooks
from kpawidgets.model.workbook import SCHEMA_VERSION, Workbook, load_workbook_text, migrate

DATA = Path(__file__).parent / "data"
FORMAT_1 = DATA / "exemple-format-1.json"
FORMAT_2 = DATA / "exemple-format-2.json"


def _funder_names(data: dict[str, Any]) -> list[tuple[str, str]]:
    """(where, funder name) of every line of a format-1 or -2 file, budget and scenarios."""
    plans = [("budget", data["budget"]), *((s["name"], s["plan"]) for s in data["budget"].get("scenarios", []))]
    return [(where, line["funder"]) for where, plan in plans for line in plan.get("lines", []) if line.get("funder")]


def _lines_with_funders(workbook: Workbook) -> list[tuple[str, str]]:
    plans = [("budget", workbook.budget), *((s.name, s.plan) for s in workbook.budget.scenarios)]
    return [(where, c.funder_name(workbook, line)) for where, plan in plans for line in plan.lines if line.partner]


@pytest.mark.parametrize("source", [FORMAT_1, FORMAT_2], ids=["format-1", "format-2"])
def test_migration_loses_no_funder_and_no_partner(source: Path) -> None:
    text = source.read_text(encoding="utf-8")
    original = json.loads(text)
    assert original["schema_version"] < 3
    workbook = load_workbook_text(text)
    assert workbook.schema_version == SCHEMA_VERSION == 7
    # Every funder name of every line (budget and scenarios) is now its partner's name.
    names = _funder_names(original)
    assert len(names) == 7 + 7 + 7 + 8
    assert _lines_with_funders(workbook) == [(where, name.strip()) for where, name in names]
    # Every partner of the checklist is kept, as it was (the funder role added where it funds).
    kept = {p.id: p for p in workbook.checklist.partners}
    for before in original["checklist"]["partners"]:
        partner = kept[before["id"]] if "id" in before else c.find_partner(workbook.checklist.partners, before["name"])
        assert partner is not None and partner.name == before["name"] and partner.brings == before["brings"]
        assert set(before["roles"]) <= set(partner.roles)
    # One partner per funder: the checklist's seven, and six funders found only in the budget.
    assert len(workbook.checklist.partners) == len(original["checklist"]["partners"]) + 6
    made = workbook.checklist.partners[7:]
    assert [(p.name, p.roles, p.status) for p in made] == [
        ("Préfecture (politique de la ville)", ["funder"], "met"),  # demandé: a request was made
        ("Département", ["funder"], "met"),
        ("CAF", ["funder"], "to_contact"),  # envisagé
        ("FSE+ (Fonds social européen)", ["funder"], "met"),
        ("Fondation Quartiers Solidaires (fictive)", ["funder"], "committed"),  # versé
        ("Région", ["funder"], "to_contact"),  # only in the « Ambitieux » scenario
    ]
    # The budget line of an existing partner points to it (matched by name), not to a copy.
    city = workbook.checklist.partners[0]
    line = next(line for line in workbook.budget.lines if line.id == "f01")
    assert city.name == "Ville de Lys-lez-Tisserands" and line.partner == city.id
    # Two devices migrating the same file agree on every id.
    assert load_workbook_text(text) == workbook


def test_the_shipped_example_is_its_format_2_file_migrated(example_path: Path) -> None:
    shipped = json.loads(example_path.read_text(encoding="utf-8"))
    assert shipped["schema_version"] == 7
    migrated = migrate(json.loads(FORMAT_2.read_text(encoding="utf-8")))
    # format 4 (issue 19): the shipped example's funders say their Cerfa kind; a migrated file has none said
    for partner in shipped["checklist"]["partners"]:
        partner.pop("kind", None)
    for line in shipped["budget"]["lines"]:  # format 5 (issue 24): the example's lines say their years
        line.pop("years", None)
    assert migrated == shipped
    assert all("funder" not in line for line in shipped["budget"]["lines"])


def test_names_match_whatever_their_case_accents_apostrophes_and_spaces() -> None:
    data = json.loads(FORMAT_2.read_text(encoding="utf-8"))
    lines = {line["id"]: line for line in data["budget"]["lines"]}
    lines["f01"]["funder"] = "  ville de LYS-lez-tisserands "
    lines["f07"]["funder"] = "Fondation Régionale pour l’ESS  (fictive)"
    next(x for x in data["budget"]["scenarios"][0]["plan"]["lines"] if x["id"] == "f04")["funder"] = "caf"
    workbook = load_workbook_text(json.dumps(data))
    by_name = {p.name: p.id for p in workbook.checklist.partners}
    partner_of = {line.id: line.partner for line in workbook.budget.lines}
    assert partner_of["f01"] == by_name["Ville de Lys-lez-Tisserands"]
    assert partner_of["f07"] == by_name["Fondation régionale pour l'ESS (fictive)"]
    assert {x.id: x.partner for x in workbook.budget.scenarios[0].plan.lines}["f04"] == by_name["CAF"]
    assert len(workbook.checklist.partners) == 13
    assert c.normalised_name("  Éé  l’A ") == c.normalised_name("ee l'a") == "ee l'a"


def test_a_file_without_checklist_or_funders_migrates() -> None:
    data = {"schema_version": 2, "identity": {"territory": "X"},
            "budget": {"lines": [{"id": "a", "account": "74", "funder": "", "status": "demande"},
                                 {"id": "b", "account": "74", "funder": "Ville", "status": "vote"}]}}
    workbook = load_workbook_text(json.dumps(data))
    (city,) = workbook.checklist.partners
    assert (city.name, city.roles, city.status) == ("Ville", ["funder"], "committed")
    assert [line.partner for line in workbook.budget.lines] == [None, city.id]


# ------------------------------------------------------------------ the rules
def _funded(status: str, roles: list[str] | None = None, partner_status: str = "to_contact") -> c.PartnerFunding:
    workbook = Workbook.new("R")
    partner = c.Partner(name="Ville", roles=roles or [], status=partner_status)  # type: ignore[arg-type]
    workbook.checklist.partners = [partner]
    workbook.budget.lines = [b.BudgetLine(account="74", partner=partner.id, status=status, amount=D("1000"))]  # type: ignore[arg-type]
    (view,) = c.partner_funding(workbook)
    return view


def test_a_partner_who_funds_a_line_is_a_funder_and_its_status_follows_the_lines() -> None:
    assert _funded("envisage").roles == ("funder",)  # the role follows the line, even unticked
    assert (_funded("vote").status, _funded("vote").engaged_as_funder) == ("committed", True)
    assert (_funded("verse", partner_status="met").status, _funded("verse").engaged("funder")) == ("committed", True)
    assert (_funded("demande").status, _funded("demande").engaged_as_funder) == ("met", False)
    # Only a funder: « Engagé » needs a voted or paid line.
    assert _funded("envisage", ["funder"], "committed").status == "met"
    # Also a relay: its commitment as a relay stays, but it is not an engaged funder.
    relay = _funded("demande", ["funder", "relay"], "committed")
    assert (relay.status, relay.engaged("relay"), relay.engaged("funder")) == ("committed", True, False)
    assert _funded("refuse").amount == 0 and _funded("refuse").status == "to_contact"


def test_counts_come_from_the_same_lines_as_the_funding(example_path: Path) -> None:
    workbook = load_workbook_text(example_path.read_text(encoding="utf-8"))
    counts = c.partner_counts(workbook)["funder"]
    funders = [view for view in c.partner_funding(workbook) if view.is_funder]
    secured_lines = {line.partner for line in workbook.budget.lines if line.is_funder and line.effective_status in ("vote", "verse")}
    assert counts == {"total": len(funders), "committed": len(secured_lines)} == {"total": 9, "committed": 2}
    # « Et s'il dit non ? » on the voted line: the Ville is no longer an engaged funder.
    next(line for line in workbook.budget.lines if line.id == "f01").assume_no = True
    assert c.partner_counts(workbook)["funder"]["committed"] == 1
    assert not c.readiness(workbook).get("partners").checks_met == 4


# ------------------------------------------------------------------ a partner removed elsewhere
def test_a_line_whose_partner_is_gone_counts_as_unknown_funder(example_path: Path, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    from kpawidgets.report.sections.budget import funding_section

    workbook = load_workbook_text(example_path.read_text(encoding="utf-8"))
    line = next(line for line in workbook.budget.lines if line.id == "f03")
    gone = line.partner  # the Département, removed on another device
    workbook.checklist.partners = [p for p in workbook.checklist.partners if p.id != gone]
    assert c.funder_name(workbook, line) == "financeur inconnu"
    entry = next(e for e in b.entries(workbook) if e.line_id == line.id)
    assert (entry.funder, entry.amount) == ("financeur inconnu", D("3000.00"))
    assert any(m.funder == "financeur inconnu" for m in b.coverage(workbook).missing)
    assert {e.funder for e in b.funding_calendar(workbook) if e.line_id == line.id} == {"financeur inconnu"}
    assert [where for where, _line in c.unknown_partner_lines(workbook)] == [None, "Prudent", "Central", "Ambitieux"]
    funding = funding_section(workbook)
    assert funding is not None and [f.amount for f in funding.funders if f.name == "financeur inconnu"] == [format_money_rounded(D("3000"))]
    path = tmp_path / "carnet.json"
    path.write_text(workbook.model_dump_json(), encoding="utf-8")
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Attention : La ligne « Département : appel à projets ESS » du budget renvoie à un financeur" in out
    assert main(["check", str(path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["unknown_funder_lines"] == 4 and len(report["warnings"]) == 4


# ------------------------------------------------------------------ two devices
def test_one_device_renames_a_partner_the_other_adds_a_line_to_it(example_path: Path) -> None:
    base = load_workbook_text(example_path.read_text(encoding="utf-8"))
    mine, theirs = base.model_copy(deep=True), base.model_copy(deep=True)
    caf = c.find_partner(mine.checklist.partners, "CAF")
    assert caf is not None
    caf.name = "CAF du Nord"  # mine: the checklist's partners step
    theirs.budget.lines.append(b.BudgetLine(account="74", label="Fonds vacances", partner=caf.id, status="demande",
                                            amount=D("800")))  # theirs: the budget's funders tab
    result = merge_workbooks(base, mine, theirs)
    merged = load_workbook_text(json.dumps(result.merged))
    assert not result.conflicts
    lines = [line for line in merged.budget.lines if line.partner == caf.id]
    assert [c.funder_name(merged, line) for line in lines] == ["CAF du Nord", "CAF du Nord"]
    assert [p.name for p in merged.checklist.partners].count("CAF du Nord") == 1
    (view,) = [v for v in c.partner_funding(merged) if v.partner.id == caf.id]
    assert (view.amount, view.status) == (D("2300.00"), "met")  # envisagé 1 500 + demandé 800
