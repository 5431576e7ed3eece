"""The asks to partners suggested from what the workbook says is missing (when the lead wrote none)."""

from __future__ import annotations

from kpawidgets.i18n import _, format_date
from kpawidgets.model.workbook import Workbook
from kpawidgets.report.sections.budget import FundingSection
from kpawidgets.report.sections.checklist import ChecklistSection
from kpawidgets.report.sections.people import TeamSection

__all__ = ["suggested_asks"]


def suggested_asks(workbook: Workbook, checklist: ChecklistSection | None, funding: FundingSection | None,
                   team: TeamSection | None) -> list[str]:
    """Up to five asks: funders' decisions first, then the team's FTE, then the checklist's gaps."""
    asks: list[str] = []
    for section in (funding, team, checklist):
        if section is not None:
            asks.extend(section.asks)
    if workbook.identity.launch_date and len(asks) < 3:
        asks.append(_("Être présents au lancement du {date} et le faire connaître.").format(
            date=format_date(workbook.identity.launch_date)))
    return asks[:5]
