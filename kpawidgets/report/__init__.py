"""The partners' launch plan: workbook → context → HTML → PDF.

:func:`render_html` and :func:`render_pdf` are the direct pipeline (the one kept for the
page's button and ``kpa export``); :mod:`kpawidgets.report.notebook` runs the plan
notebook and exports it through the same nbconvert template;
:class:`kpawidgets.report.exporter.KpaPdfExporter` is ``jupyter nbconvert --to kpa_pdf``.

Why the direct pipeline: both produce byte-identical HTML (``templates/nbconvert/templates/
kpa_report``: ``body.html.j2`` inside ``document.html.j2``; a test compares them), so the PDF
is the same, but the notebook route adds a kernel start and execution (about 2 s) and the
nbconvert export (about 0.7 s). Measured on the example workbook, 5 runs each, end to end
(2 shared cores, load 6–9): ``kpa export --pdf`` median 5.9 s, ``jupyter nbconvert --to
kpa_pdf`` median 11.3 s. WeasyPrint's layout is most of the rest.
"""

from __future__ import annotations

from kpawidgets.report.context import build_context
from kpawidgets.report.export import ReportError, export_plan, export_workbook, pdf_path_for
from kpawidgets.report.render import html_to_pdf, render_body, render_html, render_pdf

__all__ = [
    "ReportError",
    "build_context",
    "export_plan",
    "export_workbook",
    "html_to_pdf",
    "pdf_path_for",
    "render_body",
    "render_html",
    "render_pdf",
]
