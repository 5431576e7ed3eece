"""The notebook pipeline: run the plan notebook with the workbook as parameter, export it with nbconvert.

This is the design card's route (nbclient + nbconvert's own template, inputs excluded);
:func:`kpawidgets.report.render.render_html` renders the same body and document
directly from the model. Both give the same HTML body (a test checks it); the direct
one is the one kept for ``kpa export`` and the page's button (see the README note on
the measured times).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import nbformat

from kpawidgets.report.render import TEMPLATE_NAME, font_css, html_to_pdf, palette_css
from kpawidgets.resources import notebooks_dir, templates_dir

__all__ = ["PLAN_NOTEBOOK", "PARAMETERS_TAG", "parameterize", "execute_plan", "notebook_html", "has_report", "notebook_pdf",
           "report_exporter"]

PLAN_NOTEBOOK = "03_plan.ipynb"

#: papermill's tags: the notebook's cell of default parameters, and the cell given after it.
PARAMETERS_TAG, INJECTED_TAG = "parameters", "injected-parameters"


def parameterize(nb: Any, workbook_path: Path, lang: str | None = None, today: dt.date | None = None) -> Any:
    """A copy of *nb* whose ``report`` is the report's parameters, as papermill gives them: a cell tagged
    ``injected-parameters`` right after the one tagged ``parameters`` (its ``report = None``)."""
    params = {"workbook": str(Path(workbook_path).absolute()), "lang": lang or "",
              "today": today.isoformat() if today else ""}
    cell = nbformat.v4.new_code_cell(f"report = {json.dumps(params, ensure_ascii=False)}",
                                     metadata={"tags": [INJECTED_TAG]})
    copy = nbformat.from_dict(json.loads(json.dumps(nb)))
    copy.cells = [c for c in copy.cells if INJECTED_TAG not in c.get("metadata", {}).get("tags", [])]
    after = next((i + 1 for i, c in enumerate(copy.cells) if PARAMETERS_TAG in c.get("metadata", {}).get("tags", [])), 0)
    copy.cells.insert(after, cell)
    return copy


def execute_plan(workbook_path: Path, lang: str | None = None, today: dt.date | None = None,
                 notebook: Path | None = None, timeout: int = 120) -> Any:
    """Execute the plan notebook for *workbook_path* (nbclient) and return the executed notebook."""
    from nbclient import NotebookClient

    path = notebook or notebooks_dir() / PLAN_NOTEBOOK
    nb = parameterize(nbformat.read(path, as_version=4), workbook_path, lang, today)
    env_before = os.environ.get("MPLBACKEND")
    os.environ.setdefault("MPLBACKEND", "Agg")
    try:
        NotebookClient(nb, timeout=timeout, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    finally:
        if env_before is None:
            os.environ.pop("MPLBACKEND", None)
    return nb


def has_report(nb: Any) -> bool:
    """True when an executed notebook holds the plan's report output."""
    return any(output.get("metadata", {}).get("kpa_report")
               for cell in nb.cells if cell.cell_type == "code" for output in cell.get("outputs", []))


def report_exporter() -> Any:
    """nbconvert's TemplateExporter on the project's ``kpa_report`` template (inputs excluded)."""
    from nbconvert.exporters import TemplateExporter

    exporter = TemplateExporter(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(templates_dir() / "nbconvert" / "templates")],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    exporter.file_extension = ".html"
    return exporter


def notebook_html(nb: Any) -> str:
    """The executed plan notebook as the report's HTML document (through nbconvert)."""
    html, _resources = report_exporter().from_notebook_node(nb, resources={"kpa_font_css": font_css(),
                                                                                 "kpa_palette_css": palette_css()})
    return str(html)


def notebook_pdf(workbook_path: Path, lang: str | None = None, today: dt.date | None = None) -> bytes:
    """The whole notebook pipeline: execute, export with nbconvert, WeasyPrint."""
    return html_to_pdf(notebook_html(execute_plan(workbook_path, lang, today)))
