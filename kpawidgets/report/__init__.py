"""The partners' launch plan: workbook → context → HTML → PDF.

:func:`render_html` and :func:`render_pdf` are the direct pipeline (the one kept for the
page's button and ``kpa export``); :mod:`kpawidgets.report.notebook` runs the plan
notebook and exports it through the same nbconvert template;
:class:`kpawidgets.report.exporter.KpaPdfExporter` is ``jupyter nbconvert --to kpa_pdf``.
"""

from __future__ import annotations

from kpawidgets.report.context import build_context
from kpawidgets.report.export import ReportError, export_cli, export_workbook, pdf_path_for
from kpawidgets.report.render import html_to_pdf, render_body, render_html, render_pdf

__all__ = [
    "ReportError",
    "build_context",
    "export_cli",
    "export_workbook",
    "html_to_pdf",
    "pdf_path_for",
    "render_body",
    "render_html",
    "render_pdf",
]
