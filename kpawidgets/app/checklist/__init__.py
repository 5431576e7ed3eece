"""The launch checklist page: the workshop (:mod:`.page`), its screens (:mod:`.screens`) and
their pictures (:mod:`.html`)."""

from __future__ import annotations

from kpawidgets.app.checklist.page import PAGE, ChecklistApp, build_checklist, checklist_page

__all__ = ["ChecklistApp", "build_checklist", "checklist_page", "PAGE"]
