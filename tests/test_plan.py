"""The launch timeline: generated steps, their order, the person's changes, and the warnings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kpawidgets.model.checklist import funder_partner
from kpawidgets.model.budget import BudgetLine
from kpawidgets.model.plan import (
    add_custom_step,
    build_timeline,
    check_fields,
    months_of,
    remove_step,
    restore_step,
    set_step_dates,
    set_step_done,
    set_step_owner,
)
from kpawidgets.model.workbook import Workbook, dump_workbook, load_workbook_text

LAUNCH = dt.date(2027, 3, 15)
BEFORE = dt.date(2026, 10, 1)


def workbook(launch: dt.date | None = LAUNCH) -> Workbook:
    return Workbook.new("Quartier de l'Épeule", town="Roubaix", launch_date=launch)


def codes(wb: Workbook, today: dt.date = BEFORE) -> list[str]:
    return [w.code for w in build_timeline(wb, today=today).warnings]


def test_standard_path_is_in_order_around_the_launch() -> None:
    timeline = build_timeline(workbook(), today=BEFORE)
    starts = {s.key: s.start for s in timeline.steps}
    ends = {s.key: s.end for s in timeline.steps}
    assert ends["micro"] < starts["training1"] < starts["launch"] == LAUNCH < starts["training2"]
    assert starts["training2"] < starts["review"] < starts["year_end"] < starts["report"]
    assert ends["venue"] < LAUNCH and ends["host"] < starts["cape"] <= LAUNCH
    # the financial report: within six months after the end of the first year
    assert starts["report"] == dt.date(2028, 3, 15) and ends["report"] == dt.date(2028, 9, 14)
    # 3-day KPA-Cité sessions
    for key in ("micro", "training1", "training2"):
        assert (ends[key] - starts[key]).days == 2
    assert [s.start for s in timeline.steps] == sorted(s.start for s in timeline.steps)
    assert codes(workbook()) == []


def test_no_launch_date_gives_no_steps_and_says_why() -> None:
    timeline = build_timeline(workbook(None), today=BEFORE)
    assert timeline.steps == []
    assert [w.code for w in timeline.warnings] == ["no_launch_date"]


def test_launch_date_in_the_past_is_a_warning_until_the_launch_is_done() -> None:
    wb = workbook()
    assert "launch_in_past" not in codes(wb, today=LAUNCH)
    assert "launch_in_past" in codes(wb, today=LAUNCH + dt.timedelta(days=1))
    set_step_done(wb.plan, "launch")
    assert "launch_in_past" not in codes(wb, today=LAUNCH + dt.timedelta(days=1))


def test_training_after_the_launch_it_prepares() -> None:
    wb = workbook()
    set_step_dates(wb.plan, "training1", LAUNCH + dt.timedelta(days=10))
    timeline = build_timeline(wb, today=BEFORE)
    warning = next(w for w in timeline.warnings if w.code == "training_after_launch")
    assert warning.step_key == "training1"
    assert "15 mars 2027" in warning.message
    # the length is kept when only the start moves
    step = timeline.get("training1")
    assert step is not None and step.moved and step.days == 3
    # the same rule from the checklist's support-path dates
    wb2 = workbook()
    wb2.checklist.support.micro.start = LAUNCH
    assert "training_after_launch" in codes(wb2)


def test_grant_answer_after_the_money_is_needed() -> None:
    wb = workbook()
    line = BudgetLine(account="74", label="Subvention de fonctionnement", partner=funder_partner(wb, "Ville").id, subline="commune",
                      amount=Decimal("8000"), status="demande", advance_pct=Decimal("50"), advance_month=1,
                      balance_month=12, deadline=dt.date(2026, 11, 15), answer_date=dt.date(2027, 4, 20))
    wb.budget.lines = [line]
    timeline = build_timeline(wb, today=BEFORE)
    kinds = sorted(s.mark for s in timeline.steps if s.source == "budget")
    assert kinds == ["advance", "answer", "balance", "deadline"]
    assert {s.lane for s in timeline.steps if s.source == "budget"} == {f"funder:{line.id}"}
    warning = next(w for w in timeline.warnings if w.code == "answer_after_need")
    assert "Ville" in warning.message and "mars 2027" in warning.message
    # an answer expected before the first payment is fine
    wb.budget.lines[0].answer_date = dt.date(2027, 2, 1)
    assert "answer_after_need" not in codes(wb)
    # a voted grant needs no answer any more
    wb.budget.lines[0].answer_date = dt.date(2027, 4, 20)
    wb.budget.lines[0].status = "vote"
    assert "answer_after_need" not in codes(wb)


def test_missed_application_deadline() -> None:
    wb = workbook()
    wb.budget.lines = [BudgetLine(account="74", partner=funder_partner(wb, "Région").id, subline="region", amount=Decimal("3000"),
                                  status="envisage", deadline=dt.date(2026, 9, 1))]
    assert "deadline_passed" in codes(wb, today=dt.date(2026, 9, 2))
    assert "deadline_passed" not in codes(wb, today=dt.date(2026, 8, 31))


def test_checklist_owner_due_date_and_status_flow_into_the_steps() -> None:
    wb = workbook()
    venue = wb.checklist.ingredients.venue
    venue.owner = "Coordinatrice (centre social)"
    venue.due = dt.date(2026, 12, 15)
    wb.checklist.ingredients.host.status = "done"
    timeline = build_timeline(wb, today=BEFORE)
    step = timeline.get("venue")
    assert step is not None
    assert step.owner == "Coordinatrice (centre social)" and step.end == dt.date(2026, 12, 15)
    assert step.detail  # what to do next, from the checklist's next actions
    host = timeline.get("host")
    assert host is not None and host.done
    # team and partners become steps too
    assert timeline.get("team") is not None and timeline.get("partners") is not None


def test_user_changes_survive_a_new_launch_date() -> None:
    wb = workbook()
    moved_to = dt.date(2026, 11, 2)
    set_step_dates(wb.plan, "venue", moved_to, dt.date(2026, 12, 20))
    set_step_owner(wb.plan, "equipment", "Animateur jeunesse")
    set_step_done(wb.plan, "info")
    remove_step(wb.plan, "review")
    custom = add_custom_step(wb.plan, "Fête de quartier", dt.date(2027, 6, 21))
    wb.identity.launch_date = dt.date(2027, 4, 12)
    timeline = build_timeline(wb, today=BEFORE)
    assert timeline.get("launch").start == dt.date(2027, 4, 12)  # type: ignore[union-attr]
    assert timeline.get("venue").start == moved_to  # type: ignore[union-attr]
    assert timeline.get("equipment").owner == "Animateur jeunesse"  # type: ignore[union-attr]
    assert timeline.get("info").done  # type: ignore[union-attr]
    assert timeline.get("review") is None and [s.key for s in timeline.removed] == ["review"]
    assert timeline.get(f"custom:{custom.id}").title == "Fête de quartier"  # type: ignore[union-attr]
    restore_step(wb.plan, "review")
    assert build_timeline(wb, today=BEFORE).get("review") is not None
    remove_step(wb.plan, f"custom:{custom.id}")
    assert wb.plan.custom_steps == []
    # stored and read back
    again = load_workbook_text(dump_workbook(wb))
    assert again.plan == wb.plan


def test_bad_edits_are_refused() -> None:
    wb = workbook()
    from kpawidgets.errors import KpaError

    with pytest.raises(KpaError):
        set_step_dates(wb.plan, "venue", dt.date(2027, 1, 10), dt.date(2027, 1, 1))
    with pytest.raises(ValueError):
        add_custom_step(wb.plan, "", dt.date(2027, 1, 1))
    with pytest.raises(ValueError):
        add_custom_step(wb.plan, "X", dt.date(1999, 1, 1))


def test_months_and_check_fields() -> None:
    wb = workbook()
    groups = months_of(build_timeline(wb, today=BEFORE).steps)
    assert [m for m, _steps in groups] == sorted(m for m, _steps in groups)
    assert all(m.day == 1 for m, _steps in groups)
    fields = check_fields(wb)
    assert fields["timeline_steps"] == len(build_timeline(wb).steps)
    assert set(fields) == {"timeline_steps", "timeline_done", "timeline_warnings"}


def test_titles_follow_the_language() -> None:
    wb = workbook()
    fr = build_timeline(wb, today=BEFORE, lang="fr").get("launch")
    en = build_timeline(wb, today=BEFORE, lang="en").get("launch")
    assert fr is not None and en is not None
    assert fr.title == "Lancement du KPA" and en.title != fr.title


def test_example_workbook_timeline() -> None:
    from kpawidgets.resources import example_workbook_path

    wb = load_workbook_text(example_workbook_path().read_bytes())
    timeline = build_timeline(wb, today=dt.date(2026, 11, 26))
    assert timeline.get("launch") is not None
    assert any(s.source == "budget" for s in timeline.steps)
    assert any(s.owner for s in timeline.steps)
