"""Writing the launch plan to files: for the page's button and for ``kpa export``."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import Any

from kpawidgets.errors import KpaError
from kpawidgets.i18n import _
from kpawidgets.report.render import html_to_pdf, render_html

__all__ = ["ReportError", "export_cli", "export_workbook", "pdf_path_for", "write_atomic"]

PDF_SUFFIX = "-plan.pdf"


class ReportError(KpaError):
    """The plan could not be produced or written."""


def pdf_path_for(workbook_path: Path) -> Path:
    """Where the plan of a workbook file is saved: beside it, ``<name>-plan.pdf``."""
    return workbook_path.with_name(workbook_path.stem + PDF_SUFFIX)


def write_atomic(path: Path, data: bytes) -> None:
    """Write *data* to *path* through a temporary file, so a reader never sees half a file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".~", suffix=path.suffix)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise ReportError("Impossible d'écrire {path} : {detail}", path=str(path), detail=exc.strerror or str(exc)) from None


def export_workbook(workbook: Any, workbook_path: Path | None, lang: str | None = None,
                    today: dt.date | None = None) -> tuple[bytes, Path | None]:
    """The plan's PDF bytes; also saved beside *workbook_path* when given (returns that path)."""
    pdf = html_to_pdf(render_html(workbook, lang, today))
    saved: Path | None = None
    if workbook_path is not None:
        saved = pdf_path_for(workbook_path)
        write_atomic(saved, pdf)
    return pdf, saved


def export_cli(args: argparse.Namespace) -> int:
    """``kpa export WORKBOOK --pdf OUT.pdf --html OUT.html [--doc-lang en]``."""
    from kpawidgets.cli.commands import _load_reference

    workbook, _path, _workspace = _load_reference(args, args.workbook)
    lang = getattr(args, "doc_lang", None) or workbook.identity.language
    html = render_html(workbook, lang)
    if getattr(args, "html", None):
        target = Path(args.html).expanduser()
        write_atomic(target, html.encode("utf-8"))
        print(_("Plan (HTML) : {path}").format(path=target))
    if getattr(args, "pdf", None):
        target = Path(args.pdf).expanduser()
        write_atomic(target, html_to_pdf(html))
        print(_("Plan (PDF) : {path}").format(path=target))
    return 0
