"""The report's sections, one module each: workbook → a frozen, typed section (or None when empty).

A section that cannot be drawn becomes a :class:`SectionFailure` (see :func:`drawn`): the
PDF prints its one-line notice in its place and the server log has the traceback.
"""

from __future__ import annotations

from kpawidgets.report.sections.asks import suggested_asks
from kpawidgets.report.sections.base import Chart, Number, SectionFailure, Tick, drawn
from kpawidgets.report.sections.budget import BudgetSection, FundingSection, budget_section, funding_section
from kpawidgets.report.sections.checklist import ChecklistSection, GroupSection, checklist_section, group_section
from kpawidgets.report.sections.people import (
    GovernanceSection,
    PartnersSection,
    TeamSection,
    governance_section,
    partners_section,
    team_section,
)
from kpawidgets.report.sections.timeline import TimelineSection, timeline_section

__all__ = [
    "Chart", "Number", "SectionFailure", "Tick", "drawn", "suggested_asks",
    "BudgetSection", "FundingSection", "ChecklistSection", "GroupSection", "GovernanceSection", "PartnersSection",
    "TeamSection", "TimelineSection",
    "budget_section", "funding_section", "checklist_section", "group_section", "governance_section",
    "partners_section", "team_section", "timeline_section",
]
