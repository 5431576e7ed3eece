"""Issue 19: one PDF path — the plan page's button and ``kpa export`` print the same document
(logo, contact and summary on the cover in both), read back with pypdf."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
from pathlib import Path

from pypdf import PdfReader

from kpawidgets.app.plan.page import PlanApp, build_plan
from kpawidgets.model.records.workbook import Contact
from kpawidgets.model.workbook import Workbook, dump_workbook
from kpawidgets.storage.logo import save_logo
from tests.pagekit import open_page
from tests.test_cover import png


def logo_workbook(folder: Path) -> Path:
    wb = Workbook.new("KPA de Grande-Synthe", launch_date=dt.date(2027, 3, 15))
    wb.identity.summary = "Dix habitant·es lancent leur coopérative. Premier marché en mars."
    wb.identity.contact = Contact(role="Cheffe de projet", email="lea@example.org", phone="+33 6 12 34 56 78")
    target = folder / "grande-synthe.json"
    target.write_text(dump_workbook(wb), encoding="utf-8")
    wb.identity.logo = save_logo(target, png(40, 20))
    target.write_text(dump_workbook(wb), encoding="utf-8")
    return target


def read(pdf: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages[0].images)


def test_the_plan_pages_pdf_is_kpa_exports_pdf(workspace_dir: Path, tmp_path: Path) -> None:
    logo_workbook(workspace_dir)
    today = dt.date.today()
    opened = open_page(lambda session: build_plan(session, today), workspace_dir, None, "fr", name="grande-synthe")
    page = opened.body
    assert isinstance(page, PlanApp)
    from_page = page.export_pdf()
    kpa = Path(sys.executable).with_name("kpa")
    target = tmp_path / "plan.pdf"
    done = subprocess.run([str(kpa), "export", "grande-synthe", "--workspace", str(workspace_dir), "--pdf", str(target)],
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    page_text, page_images = read(from_page)
    cli_text, cli_images = read(target.read_bytes())
    assert page_images == cli_images == 1  # the logo on the cover, in both (the page's button printed none)
    for words in ("lea@example.org", "Cheffe de projet", "Premier marché en mars"):
        assert words in page_text and words in cli_text, words
    assert page_text == cli_text  # one document
    assert (workspace_dir / "grande-synthe-plan.pdf").read_bytes() == from_page  # saved beside the workbook
