"""Issue 12: the PDF shows the five actions that matter most first, in the checklist page's order, the rest reduced."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from kpawidgets.app.checklist import ChecklistApp, build_checklist
from kpawidgets.model import checklist as model
from kpawidgets.model.workbook import Workbook
from kpawidgets.report.render import render_pdf
from tests.pagekit import open_page

TODAY = dt.date(2026, 12, 2)


def pages(pdf: bytes) -> list[str]:
    """Each page's text, spaces made plain, lines joined (a long action wraps over two lines)."""
    reader = PdfReader(io.BytesIO(pdf))
    return [re.sub(r"\s+", " ", re.sub(r"[\u00a0\u202f\u2009]", " ", page.extract_text() or "")) for page in reader.pages]


def checklist_page(texts: list[str], title: str) -> str:
    found = [text for text in texts if title in text]
    assert len(found) == 1, title
    return found[0]


def page_top_actions(app: ChecklistApp) -> list[str]:
    """The actions the checklist page's summary shows first (before the folded ones), in order."""
    summary = app.screens[-1]
    summary.refresh()
    shown = summary.actions.value.split("<details", 1)[0]
    return [html.unescape(text) for text in re.findall(r"<tr><td>(.*?)</td>", shown)]


@pytest.mark.parametrize(("lang", "title", "rest"), [("fr", "Les 5 actions qui comptent le plus", "Et 13 autres actions"),
                                                      ("en", "The 5 actions that matter most", "And 13 more actions")])
def test_the_example_pdf_and_page_show_the_same_five_first(workspace_dir: Path, example_path: Path, lang: str,
                                                           title: str, rest: str) -> None:
    opened = open_page(build_checklist, workspace_dir, example_path, lang)
    app = opened.body
    assert isinstance(app, ChecklistApp)
    on_page = page_top_actions(app)
    assert len(on_page) == 5
    text = checklist_page(pages(render_pdf(opened.on_disk(), lang, TODAY)), title)
    positions = [text.find(action) for action in on_page]
    assert -1 not in positions, (on_page, text)
    assert positions == sorted(positions) and positions[0] > text.index(title)  # same order, under the title
    assert rest in text  # the other thirteen are one line of counts
    assert text.index(rest) < text.index(on_page[0], positions[-1] + 1)  # …then the ingredients' table refers to them


def test_a_new_workbook_gets_five_actions_and_one_line_for_the_rest(tmp_path: Path) -> None:
    workbook = Workbook.new("Grande-Synthe", launch_date=dt.date(2027, 5, 1))
    workbook.checklist.venue.name = "Maison de quartier"  # the checklist is started: its section is printed
    priorities = model.prioritized_actions(workbook.checklist, workbook.identity.launch_date)
    assert len(priorities.top) == 5 and len(priorities.rest) > 20
    text = checklist_page(pages(render_pdf(workbook, "fr", TODAY)), "Les 5 actions qui comptent le plus")
    positions = [text.find(action.text("fr")) for action in priorities.top]
    assert -1 not in positions and positions == sorted(positions)
    assert f"Et {len(priorities.rest)} autres actions dans le carnet :" in text
    assert "(s)" not in text
    folded = [a.text("fr") for a in priorities.rest if all(a.text("fr") not in b.text("fr") for b in priorities.top)]
    assert folded and not any(action in text for action in folded)  # reduced to counts, not listed

