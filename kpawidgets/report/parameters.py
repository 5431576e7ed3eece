"""The report's parameters when the plan notebook is executed for the PDF (the notebook pipeline)."""

from __future__ import annotations

__all__ = ["REPORT_ENV"]

#: Environment variable holding the report parameters (JSON: ``workbook`` path, ``lang``, ``today``):
#: the plan notebook reads it to display the report instead of the page.
REPORT_ENV = "KPA_REPORT"
