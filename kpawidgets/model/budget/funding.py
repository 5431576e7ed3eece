"""The dated steps of the funder lines (deadlines, answers, payments), for the launch timeline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from kpawidgets.model.budget.amounts import to_cent
from kpawidgets.model.budget.plans import month_date, plan_of, plan_start
from kpawidgets.model.checklist.partners import line_funder_text, partners_by_id
from kpawidgets.model.records.budget import HUNDRED, BudgetPlan
from kpawidgets.model.records.workbook import Workbook

__all__ = ["FundingEvent", "funding_calendar"]

@dataclass(frozen=True)
class FundingEvent:
    """A dated step of a funder line, for the launch timeline.

    ``kind``: ``deadline`` (application deadline), ``answer`` (expected answer),
    ``advance`` or ``balance`` (payments; ``date`` is the first day of the month).
    ``funder`` is the partner's name (« financeur inconnu » if it was removed), else the line's label.
    """

    date: dt.date
    kind: str
    funder: str
    label: str
    status: str
    amount: Decimal
    line_id: str


def funding_calendar(workbook: Workbook, plan: BudgetPlan | None = None) -> list[FundingEvent]:
    """Deadlines, expected answers and payments of every funder line that is not refused, by date."""
    chosen = plan_of(workbook, plan)
    start = plan_start(workbook, chosen)
    events = []
    known = partners_by_id(workbook)
    for line in chosen.lines:
        if not line.is_funder or line.effective_status == "refuse":
            continue
        name = line_funder_text(workbook, line, known)
        if line.deadline:
            events.append(FundingEvent(line.deadline, "deadline", name, line.label, line.effective_status, line.amount, line.id))
        if line.answer_date:
            events.append(FundingEvent(line.answer_date, "answer", name, line.label, line.effective_status, line.amount, line.id))
        advance = to_cent(line.amount * line.advance_pct / HUNDRED)
        if advance:
            events.append(FundingEvent(month_date(start, line.advance_month), "advance", name, line.label,
                                       line.effective_status, advance, line.id))
        if line.amount - advance:
            month = line.balance_month or max(line.advance_month, 12)
            events.append(FundingEvent(month_date(start, month), "balance", name, line.label,
                                       line.effective_status, line.amount - advance, line.id))
    events.sort(key=lambda e: (e.date, e.funder))
    return events
