"""The checklist model: group mix on hand-made groups, readiness rule, next actions, kpa check."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from kpawidgets.cli import main
from kpawidgets.model.checklist import (
    CHECKS,
    INGREDIENTS,
    Checklist,
    GroupMember,
    Partner,
    TeamMember,
    check_fields,
    check_results,
    group_mix,
    next_actions,
    readiness,
    support_dates,
    support_warnings,
    team_total_fte,
)
from kpawidgets.model.budget import BudgetLine
from kpawidgets.model.workbook import Identity, Workbook, WorkbookError, dump_workbook, load_workbook_text


def _wb(checklist: Checklist, *lines: BudgetLine) -> Workbook:
    """A workbook holding *checklist* (readiness reads the budget's funder lines too)."""
    workbook = Workbook(identity=Identity(territory="Test"), checklist=checklist)
    workbook.budget.lines = list(lines)
    return workbook

NBSP = "\u00a0"


def _group(*people: dict[str, object]) -> Checklist:
    return Checklist(group=[GroupMember.model_validate(p) for p in people])


def _codes(checklist: Checklist) -> dict[str, str]:
    return {w.code: w.level for w in group_mix(checklist).warnings}


# ------------------------------------------------------------------ group mix
def test_empty_group() -> None:
    mix = group_mix(Checklist())
    assert mix.size == 0 and mix.age_band_count == 0 and mix.situation_count == 0
    assert _codes(Checklist()) == {"empty": "warning"}
    assert not mix.ok
    assert mix.warnings[0].message.text("en") == "Nobody has joined the group yet."


def test_one_person_gets_only_the_size_warning() -> None:
    checklist = _group({"gender": "woman", "age_band": "18_25", "situations": ["student"]})
    mix = group_mix(checklist)
    assert mix.size == 1 and mix.genders["woman"] == 1
    # below 3 people a « share » means nothing: no gender, age or profile warning
    assert _codes(checklist) == {"small": "warning"}
    assert mix.warnings[0].message.text("fr").startswith("Le groupe ne compte que 1 personne :")


def test_all_the_same_gender() -> None:
    checklist = _group(*[{"gender": "woman", "age_band": band, "situations": [sit]}
                         for band, sit in [("16_17", "lyceen"), ("18_25", "student"), ("26_35", "jobseeker"),
                                           ("36_50", "rsa"), ("51_plus", "parent_home"), ("18_25", "freelancer")]])
    mix = group_mix(checklist)
    assert mix.gender_shares["woman"] == Decimal(1)
    assert _codes(checklist) == {"gender": "warning"}
    warning = mix.warnings[0].message
    assert warning.text("fr") == f"Le groupe compte 100{NBSP}% de femmes : cherchez aussi des hommes."
    assert warning.text("en") == "The group is 100% women: reach out to men too."
    assert not mix.ok


def test_gender_threshold_is_seventy_percent_of_known_genders() -> None:
    base = [{"age_band": b, "situations": [s]} for b, s in
            [("16_17", "lyceen"), ("18_25", "student"), ("26_35", "jobseeker"), ("36_50", "rsa"),
             ("51_plus", "employee"), ("18_25", "freelancer"), ("26_35", "parent_home"), ("36_50", "other"),
             ("18_25", "student"), ("26_35", "rsa")]]
    seven_of_ten = [dict(p, gender="man" if i < 7 else "woman") for i, p in enumerate(base)]
    six_of_ten = [dict(p, gender="man" if i < 6 else "woman") for i, p in enumerate(base)]
    assert "gender" in _codes(_group(*seven_of_ten))
    assert "gender" not in _codes(_group(*six_of_ten))
    # unknown genders do not count in the share, and are reported as information
    unknown = [dict(p, gender=None) if i >= 8 else dict(p, gender="man" if i < 5 else "woman") for i, p in enumerate(base)]
    codes = _codes(_group(*unknown))
    assert "gender" not in codes and codes["gender_missing"] == "info"


def test_missing_ages() -> None:
    people = [{"gender": g, "situations": [s]} for g, s in
              [("woman", "student"), ("man", "jobseeker"), ("woman", "rsa"), ("man", "lyceen"),
               ("woman", "parent_home"), ("man", "freelancer")]]
    checklist = _group(*people)
    mix = group_mix(checklist)
    assert mix.age_unknown == 6 and mix.age_band_count == 0
    codes = _codes(checklist)
    assert codes == {"age_missing": "info"}  # no age warning can be raised without ages
    assert mix.ok  # information remarks do not block the mix
    assert "Aucun âge renseigné" in mix.warnings[0].message.text("fr")
    partly = _group(*[dict(p, age_band="18_25") if i < 4 else p for i, p in enumerate(people)])
    partly_mix = group_mix(partly)
    assert partly_mix.age_unknown == 2
    assert {w.code for w in partly_mix.warnings} == {"age", "age_missing"}
    texts = [w.message.text("en") for w in partly_mix.warnings]
    assert "All known ages are in the same band: 18–25." in texts and "Age not filled in for 2 people." in texts


def test_single_and_dominant_profile() -> None:
    students = _group(*[{"gender": g, "age_band": b, "situations": ["student"]} for g, b in
                        [("woman", "18_25"), ("man", "26_35"), ("woman", "18_25"), ("man", "18_25")]])
    message = next(w for w in group_mix(students).warnings if w.code == "situation").message
    assert message.text("fr") == "Un seul profil : étudiant·es."
    assert message.text("en") == "A single profile: university students."
    dominant = _group(*[{"gender": g, "age_band": "18_25", "situations": s} for g, s in
                        [("woman", ["student"]), ("man", ["student"]), ("woman", ["student", "jobseeker"]),
                         ("man", ["student"]), ("woman", ["rsa"])]])
    message = next(w for w in group_mix(dominant).warnings if w.code == "situation").message
    assert message.text("en") == "Dominant profile: 80% of the group are university students."


def test_a_mixed_group_has_no_warning() -> None:
    checklist = _group(*[{"gender": g, "age_band": b, "situations": [s]} for g, b, s in
                         [("woman", "16_17", "lyceen"), ("man", "18_25", "student"), ("woman", "26_35", "jobseeker"),
                          ("man", "36_50", "rsa"), ("other", "51_plus", "disability_worker"),
                          ("woman", "18_25", "freelancer"), ("man", "26_35", "parent_home")]])
    mix = group_mix(checklist)
    assert mix.warnings == () and mix.ok
    assert mix.age_band_count == 5 and mix.situation_count == 7


# ------------------------------------------------------------------ readiness
def _complete() -> Workbook:
    """Everything done; the partner Ville is a funder engaged by a voted line."""
    checklist = Checklist.model_validate({
        "venue": {"name": "Salle", "address": "1 rue"},
        "equipment": [{"label": "Four", "status": "buy", "cost": "300"}],
        "group": [{"gender": g, "age_band": b, "situations": [s]} for g, b, s in
                  [("woman", "16_17", "lyceen"), ("man", "18_25", "student"), ("woman", "26_35", "jobseeker"),
                   ("man", "36_50", "rsa"), ("woman", "51_plus", "disability_worker"), ("man", "18_25", "freelancer")]],
        "team": [{"label": "A", "fte": "1"}, {"label": "B", "fte": "0.5", "paid_by": "partner"}],
        "host": {"name": "CAE"},
        "partners": [{"name": "Ville", "roles": ["client", "funder", "relay"], "status": "committed"}],
    })
    for name in INGREDIENTS:
        state = checklist.ingredients.get(name)
        state.status = "done"
        state.criteria = [c.id for c in CHECKS[name] if not c.auto]
    ville = checklist.partners[0].id
    return _wb(checklist, BudgetLine(account="74", label="Subvention", partner=ville, status="vote", amount=Decimal("5000")))


def test_readiness_of_an_empty_checklist_is_red() -> None:
    ready = readiness(_wb(Checklist()))
    assert ready.pct == 0 and ready.light == "red"
    assert all(score.light == "red" for score in ready.ingredients)


def test_readiness_all_done_is_green_and_100() -> None:
    ready = readiness(_complete())
    assert ready.pct == 100 and ready.light == "green"
    assert [s.score for s in ready.ingredients] == [100] * 6


def test_readiness_rule_status_40_checks_60_and_weights() -> None:
    workbook = _complete()
    checklist = workbook.checklist
    checklist.ingredients.venue.status = "in_progress"  # venue: 20 + 60 = 80
    checklist.ingredients.partners.status = "todo"
    checklist.ingredients.partners.criteria = []  # partners: 0 + 60 × 3/4 = 45
    ready = readiness(workbook)
    assert ready.get("venue").score == 80 and ready.get("venue").light == "green"
    assert ready.get("partners").score == 45 and ready.get("partners").light == "orange"
    # weights venue 2, equipment 1, group 2, team 2, host 2, partners 1 → (160 + 100 + 200 + 200 + 200 + 45) / 10
    assert ready.pct == 91 and ready.light == "green"
    # A voted line makes its funder engaged (status shown « Engagé »), whatever the status typed.
    checklist.partners[0].status = "met"
    assert readiness(workbook).get("partners").score == 45
    # Only requested: not an engaged funder, and « Rencontré » for the other roles too.
    workbook.budget.lines[0].status = "demande"  # partners: 0 checks met → 0, red → overall light cannot be green
    ready = readiness(workbook)
    assert ready.get("partners").score == 0 and ready.light == "orange"


def test_team_fte_is_exact() -> None:
    checklist = Checklist(team=[TeamMember(label="a", fte=Decimal("0.6")), TeamMember(label="b", fte=Decimal("0.5")),
                                TeamMember(label="c", fte=Decimal("0.2"))])
    assert team_total_fte(checklist) == Decimal("1.3")
    results = {c.id: ok for c, ok in check_results(_wb(checklist), "team")}
    assert results["fte"] is False and results["shared"] is True


# ------------------------------------------------------------------ next actions
def test_next_actions_carry_owner_and_due_date_and_are_sorted() -> None:
    checklist = Checklist(partners=[Partner(name="Collège", roles=["client"], status="to_contact")])
    checklist.ingredients.host.owner = "Coordinatrice"
    checklist.ingredients.host.due = dt.date(2027, 1, 10)
    checklist.ingredients.venue.due = dt.date(2027, 2, 1)
    actions = next_actions(_wb(checklist))
    assert actions[0].section == "host" and actions[0].owner == "Coordinatrice" and actions[0].due == dt.date(2027, 1, 10)
    dues = [a.due for a in actions if a.due]
    assert dues == sorted(dues) and actions[-1].due is None
    texts = [a.text("fr") for a in actions]
    assert "Contacter Collège" in texts and "Rencontrer la CAE" in texts
    assert "Set the date with KPA-Cité: Micro-accompagnement (3 days, before the launch)" in [a.text("en") for a in actions]
    assert len({a.key for a in actions}) == len(actions)  # stable, unique keys for the plan


def test_fewer_actions_when_things_are_done() -> None:
    assert len(next_actions(_complete())) < len(next_actions(_wb(Checklist())))
    workbook = _complete()
    complete = workbook.checklist
    for key in ("reciprocity", "wishes_skills", "open_coop", "horizontality", "belongs_to_all", "territory_needs",
                "charters", "open_budgets"):
        complete.philosophy.get(key).adopted = True
    for step in ("micro", "training_1", "training_2"):
        complete.support.get(step).start = dt.date(2027, 1, 4)
    assert next_actions(workbook) == []


def test_support_dates_and_warnings() -> None:
    checklist = Checklist.model_validate({"support": {
        "micro": {"start": "2027-03-20"}, "training_1": {"start": "2027-06-01"}, "training_2": {"start": "2027-04-01"}}})
    dates = support_dates(checklist)
    assert [d.id for d in dates] == ["micro", "training_2", "training_1"]
    assert dates[0].end == dt.date(2027, 3, 22)  # 3 days
    launch = dt.date(2027, 3, 15)
    problems = [p.text("en") for p in support_warnings(checklist, launch)]
    assert "The micro-accompagnement must take place before the launch on 15 March 2027." in problems
    assert "Training session no. 2 is dated before no. 1." in problems
    assert any(a.key == "support:micro_after_launch" for a in next_actions(_wb(checklist), launch))


# ------------------------------------------------------------------ files, kpa check
def test_unknown_criterion_in_a_file_is_an_error(example_path: Path) -> None:
    data = json.loads(example_path.read_text(encoding="utf-8"))
    data["checklist"]["ingredients"]["venue"]["criteria"].append("piscine")
    with pytest.raises(WorkbookError) as error:
        load_workbook_text(json.dumps(data))
    assert "piscine" in error.value.message("fr")


def test_example_round_trips_and_exposes_budget_fields(example_path: Path) -> None:
    text = example_path.read_text(encoding="utf-8")
    workbook = load_workbook_text(text)
    assert load_workbook_text(dump_workbook(workbook)) == workbook
    checklist = workbook.checklist
    assert checklist.venue.monthly_cost == Decimal("0.00") and checklist.venue.in_kind_value == Decimal("450.00")
    assert [item.status for item in checklist.equipment].count("buy") == 3
    assert team_total_fte(checklist) == Decimal("1.3") and len(checklist.team) == 3
    assert 9 <= len(checklist.group) <= 12 and all(len(p.alias) <= 5 for p in checklist.group)
    assert len(checklist.partners) == 13  # seven of the checklist, six funders of the budget (format 2 → 3)
    launch = workbook.identity.launch_date
    assert launch is not None and checklist.support.micro.start is not None and checklist.support.micro.start < launch
    # the plan's order: micro-accompagnement, first training, launch, second training
    assert checklist.support.training_1.start is not None and checklist.support.training_2.start is not None
    assert checklist.support.micro.start < checklist.support.training_1.start < launch < checklist.support.training_2.start
    assert 40 <= readiness(workbook).pct <= 70  # half-way ready


def test_check_fields_of_the_example(example_path: Path) -> None:
    workbook = load_workbook_text(example_path.read_text(encoding="utf-8"))
    fields = check_fields(workbook)
    assert set(fields) == {"readiness_pct", "ingredients", "group_size", "team_fte", "next_actions", "funders_total",
                           "funders_engaged", "unknown_funder_lines"}
    assert (fields["funders_total"], fields["funders_engaged"], fields["unknown_funder_lines"]) == (9, 2, 0)
    assert isinstance(fields["readiness_pct"], int) and 0 <= fields["readiness_pct"] <= 100
    assert set(fields["ingredients"]) == set(INGREDIENTS)
    assert set(fields["ingredients"].values()) <= {"todo", "in_progress", "done"}
    assert fields["group_size"] == 10 and fields["team_fte"] == "1.3"
    assert fields["next_actions"] == len(next_actions(workbook, workbook.identity.launch_date))


def test_kpa_check_json_prints_the_checklist_keys(example_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(example_path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["readiness_pct"] == readiness(load_workbook_text(example_path.read_text(encoding="utf-8"))).pct
    assert report["group_size"] == 10 and report["team_fte"] == "1.3" and report["next_actions"] > 0
    assert report["ingredients"]["venue"] == "in_progress"


def test_check_fields_of_an_empty_workbook() -> None:
    workbook = load_workbook_text('{"schema_version": 1, "identity": {"territory": "X"}}')
    assert check_fields(workbook) == {"readiness_pct": 0, "ingredients": {n: "todo" for n in INGREDIENTS},
                                      "group_size": 0, "team_fte": "0", "next_actions": len(next_actions(_wb(Checklist()))),
                                      "funders_total": 0, "funders_engaged": 0, "unknown_funder_lines": 0}
