"""Writing the launch plan to files: for the page's button and for ``kpa export``.

Files are written by :func:`kpawidgets.storage.atomic.write_atomic` (whole or not at all,
readable like any file the person creates); workbooks are found by
:func:`kpawidgets.storage.references.open_reference`. Nothing here knows the command line.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from kpawidgets.errors import KpaError
from kpawidgets.model.workbook import Workbook
from kpawidgets.report.render import html_to_pdf, render_html
from kpawidgets.storage.atomic import write_atomic
from kpawidgets.storage.logo import read_logo
from kpawidgets.storage.references import open_reference
from kpawidgets.storage.workspace import Workspace

__all__ = ["ReportError", "plan_html", "export_plan", "export_workbook", "pdf_path_for"]

PDF_SUFFIX = "-plan.pdf"


class ReportError(KpaError):
    """The plan could not be produced or written."""


def pdf_path_for(workbook_path: Path) -> Path:
    """Where the plan of a workbook file is saved: beside it, ``<name>-plan.pdf``."""
    return workbook_path.with_name(workbook_path.stem + PDF_SUFFIX)


def plan_html(workbook: Workbook, workbook_path: Path | None, lang: str | None = None,
              today: dt.date | None = None) -> str:
    """The plan's HTML, the one path of the plan page's PDF button and of ``kpa export``: the logo is
    read beside the workbook file (*workbook_path*), the language is *lang* or the workbook's."""
    logo = read_logo(workbook_path, workbook.identity.logo) if workbook_path is not None else None
    return render_html(workbook, lang or workbook.identity.language, today, logo=logo)


def export_workbook(workbook: Workbook, workbook_path: Path | None, lang: str | None = None,
                    today: dt.date | None = None) -> tuple[bytes, Path | None]:
    """The plan's PDF bytes; also saved beside *workbook_path* when given (returns that path)."""
    pdf = html_to_pdf(plan_html(workbook, workbook_path, lang, today))
    saved: Path | None = None
    if workbook_path is not None:
        saved = pdf_path_for(workbook_path)
        write_atomic(saved, pdf)
    return pdf, saved


def export_plan(reference: str, *, html: str | os.PathLike[str] | None = None, pdf: str | os.PathLike[str] | None = None,
                lang: str | None = None, workspace: Workspace | str | os.PathLike[str] | None = None) -> dict[str, Path]:
    """Write the plan of workbook *reference* as HTML and/or PDF; return the files written by format.

    *lang* is the document's language (default: the workbook's); *workspace* is where a
    name is looked up (see :func:`open_reference`). Missing folders of the targets are created.
    """
    opened = open_reference(reference, workspace)
    workbook = opened.workbook
    document = plan_html(workbook, opened.path, lang)
    written: dict[str, Path] = {}
    if html is not None:
        written["html"] = Path(html).expanduser()
        write_atomic(written["html"], document.encode("utf-8"), make_parents=True)
    if pdf is not None:
        written["pdf"] = Path(pdf).expanduser()
        write_atomic(written["pdf"], html_to_pdf(document), make_parents=True)
    return written
