"""The budget page (:mod:`.page`), one component per tab (:mod:`.lines`, :mod:`.funders`,
:mod:`.staff`, :mod:`.revenue`, :mod:`.cash`, :mod:`.scenarios`, :mod:`.sharing`, :mod:`.files`)
and the HTML of its computed parts (:mod:`.html`)."""

from __future__ import annotations

from kpawidgets.app.budget.page import SECTIONS, TABS, BudgetPage, budget_page, build_budget

__all__ = ["BudgetPage", "build_budget", "budget_page", "SECTIONS", "TABS"]
