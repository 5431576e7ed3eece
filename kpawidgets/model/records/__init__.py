"""What a workbook file stores: the pydantic records, apart from what is computed from them.

Records import only :mod:`kpawidgets.model.base` and :mod:`kpawidgets.model.money`, never
the computations (:mod:`kpawidgets.model.checklist`, ``budget``, ``plan``), which import them.
"""

from __future__ import annotations

from kpawidgets.model.records.budget import Budget, BudgetLine, BudgetPlan
from kpawidgets.model.records.checklist import Checklist
from kpawidgets.model.records.plan import Plan
from kpawidgets.model.records.workbook import SCHEMA_VERSION, Identity, Workbook

__all__ = ["SCHEMA_VERSION", "Budget", "BudgetLine", "BudgetPlan", "Checklist", "Identity", "Plan", "Workbook"]
