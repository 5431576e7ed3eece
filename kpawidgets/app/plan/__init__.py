"""The launch plan page: timeline, step editor, asks to partners, PDF export (:mod:`.page`)."""

from __future__ import annotations

from kpawidgets.app.plan.page import PAGE, PlanApp, build_plan, plan_page

__all__ = ["PlanApp", "build_plan", "plan_page", "PAGE"]
