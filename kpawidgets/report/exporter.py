"""``jupyter nbconvert --to kpa_pdf`` (and ``kpa_html``): the plan notebook as the partners' PDF.

Registered under the ``nbconvert.exporters`` entry point. The workbook is a parameter:
``--KpaPdfExporter.workbook=path/to/workbook.json`` (or ``$KPA_WORKBOOK``), with
``--KpaPdfExporter.lang=en`` for the English document. With a workbook, the exporter
executes the notebook itself (nbclient), so ``--execute`` is not needed; without one,
the notebook must already hold the report's output.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from nbconvert.exporters import TemplateExporter
from traitlets import Unicode, default

from kpawidgets.errors import KpaError
from kpawidgets.report.notebook import execute_plan, has_report
from kpawidgets.report.render import TEMPLATE_NAME, font_css, html_to_pdf, palette_css, template_dir

__all__ = ["KpaHtmlExporter", "KpaPdfExporter"]


class _KpaReportMixin(TemplateExporter):
    workbook = Unicode("", help="Workbook file (.json) of the plan; default $KPA_WORKBOOK").tag(config=True)
    lang = Unicode("", help="Language of the document (fr, en); default the workbook's").tag(config=True)

    @default("template_name")
    def _template_name_default(self) -> str:
        return TEMPLATE_NAME

    @default("template_file")
    def _template_file_default(self) -> str:
        return "index.html.j2"

    @default("extra_template_basedirs")
    def _extra_default(self) -> list[str]:
        return [str(template_dir().parent)]

    @default("exclude_input")
    def _exclude_input_default(self) -> bool:
        return True

    def _report_html(self, nb: Any, resources: dict[str, Any] | None) -> tuple[str, dict[str, Any]]:
        workbook = self.workbook or os.environ.get("KPA_WORKBOOK", "")
        if workbook:
            nb = execute_plan(Path(workbook).expanduser(), self.lang or None)
        if not has_report(nb):
            raise KpaError("Ce notebook ne contient pas de plan : indiquez le carnet avec "
                           "--KpaPdfExporter.workbook=CARNET.json (ou la variable KPA_WORKBOOK).")
        resources = dict(resources or {})
        resources["kpa_font_css"] = font_css()
        resources["kpa_palette_css"] = palette_css()
        html, resources = super().from_notebook_node(nb, resources)
        return str(html), resources


class KpaHtmlExporter(_KpaReportMixin):
    """The plan notebook as the report's HTML document."""

    export_from_notebook = "KPA plan (HTML)"

    @default("file_extension")
    def _file_extension_default(self) -> str:
        return ".html"

    output_mimetype = "text/html"

    def from_notebook_node(self, nb: Any, resources: dict[str, Any] | None = None,  # type: ignore[override]
                           **kw: Any) -> tuple[str, dict[str, Any]]:
        return self._report_html(nb, resources)


class KpaPdfExporter(_KpaReportMixin):
    """The plan notebook as the partners' PDF (nbconvert template ``kpa_report`` + WeasyPrint)."""

    export_from_notebook = "KPA plan (PDF)"
    output_mimetype = "application/pdf"

    @default("file_extension")
    def _file_extension_default(self) -> str:
        return ".pdf"

    def from_notebook_node(self, nb: Any, resources: dict[str, Any] | None = None,  # type: ignore[override]
                           **kw: Any) -> tuple[bytes, dict[str, Any]]:
        html, resources = self._report_html(nb, resources)
        pdf = html_to_pdf(html)
        resources["output_extension"] = ".pdf"
        return pdf, resources
