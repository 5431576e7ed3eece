"""What a workbook file stores: the pydantic records, apart from what is computed from them.

Records import only :mod:`kpawidgets.model.base` and :mod:`kpawidgets.model.money`, never
the computations (:mod:`kpawidgets.model.checklist`, ``budget``, ``plan``), which import them.

What a valid file may hold (the loader refuses anything else, with a message naming the field):

- every date (launch, due dates, support sessions, budget start, funder deadlines and answers,
  plan steps, the document date, ``created_at`` / ``updated_at``) falls in 2000–2100
  (:data:`kpawidgets.model.base.DATE_RANGE`);
- one-line texts (names, labels, owners, titles, asks) hold no control character, free texts
  (notes, interests, words) only tabs and line breaks — a NUL broke the spreadsheet export;
- items of a list with ids have distinct ids (a duplicate put an edit on the wrong line), and the
  plan holds one override per step;
- every list is bounded far above what a real territory reaches: budget lines 2000 (per
  scenario), scenarios 50, staff settings, activities, sharers, equipment, group, partners 200
  each, team 50, plan overrides and added steps 500 each, asks 8, criteria 20 per ingredient;
- a line's years (file format 5): a growth of −100 % a year at least, shares of at most 100 % of
  the first year's amount, no negative amount, a first year before its last (1–3); a funder's
  payment delay 0–24 months and its cap 0–100 % (a refused assignment leaves the rule as it was).
"""

from __future__ import annotations

from kpawidgets.model.records.budget import Budget, BudgetLine, BudgetPlan
from kpawidgets.model.records.checklist import Checklist
from kpawidgets.model.records.plan import Plan
from kpawidgets.model.records.workbook import SCHEMA_VERSION, Identity, Workbook

__all__ = ["SCHEMA_VERSION", "Budget", "BudgetLine", "BudgetPlan", "Checklist", "Identity", "Plan", "Workbook"]
