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
from kpawidgets.report.render import render_html, render_pdf
from tests.pagekit import open_page

TODAY = dt.date(2026, 12, 2)


def pages(pdf: bytes) -> list[str]:
    """Each page's text as pypdf reads it, narrow and non-breaking spaces made plain."""
    reader = PdfReader(io.BytesIO(pdf))
    return [re.sub(r"[\u00a0\u202f\u2009]", " ", page.extract_text() or "") for page in reader.pages]


def checklist_page(texts: list[str], title: str) -> str:
    found = [text for text in texts if title in text]
    assert len(found) == 1, title
    return found[0]


def pdf_list(text: str, actions: list[str]) -> list[int]:
    """The number printed beside each action of the PDF's list (pypdf reads an item's text, its meta line, then its
    number badge, drawn last)."""
    numbers = []
    for action in actions:
        found = re.search(re.escape(action) + r"\n[^\n]*\n(\d)\n", text)
        assert found, (action, text)
        numbers.append(int(found.group(1)))
    return numbers


def html_list(document: str) -> list[str]:
    """The actions of the report's « N actions qui comptent le plus » list, in the order printed."""
    block = document[document.index('class="asks priority-list"'):]
    block = block[:block.index("</ol>")]
    return [html.unescape(text) for text in re.findall(r'<span class="ask-text">(.*?)</span>', block)]


def page_top_actions(app: ChecklistApp) -> list[str]:
    """The actions the checklist page's summary shows first (before the folded ones), in order."""
    summary = app.screens[-1]
    summary.refresh()
    shown = summary.actions.value.split("<details", 1)[0]
    return [html.unescape(text) for text in re.findall(r"<tr><td>(.*?)</td>", shown)]


@pytest.mark.parametrize(("lang", "title", "rest"), [("fr", "Les 5 actions qui comptent le plus", "Et {n} autres actions"),
                                                      ("en", "The 5 actions that matter most", "And {n} more actions")])
def test_the_example_pdf_and_page_show_the_same_five_first(workspace_dir: Path, example_path: Path, lang: str,
                                                           title: str, rest: str) -> None:
    opened = open_page(build_checklist, workspace_dir, example_path, lang)
    app = opened.body
    assert isinstance(app, ChecklistApp)
    on_page = page_top_actions(app)
    assert len(on_page) == 5
    workbook = opened.on_disk()
    assert html_list(render_html(workbook, lang, TODAY)) == on_page  # the same five, in the same order
    text = checklist_page(pages(render_pdf(workbook, lang, TODAY)), title)
    assert pdf_list(text, on_page) == [1, 2, 3, 4, 5]
    others = len(model.prioritized_actions(workbook, workbook.identity.launch_date).rest)
    assert others > 5 and rest.format(n=others) in text  # the others are one line of counts


def test_a_new_workbook_gets_five_actions_and_one_line_for_the_rest(tmp_path: Path) -> None:
    workbook = Workbook.new("Grande-Synthe", launch_date=dt.date(2027, 5, 1))
    workbook.checklist.venue.name = "Maison de quartier"  # the checklist is started: its section is printed
    priorities = model.prioritized_actions(workbook, workbook.identity.launch_date)
    assert len(priorities.top) == 5 and len(priorities.rest) > 20
    text = checklist_page(pages(render_pdf(workbook, "fr", TODAY)), "Les 5 actions qui comptent le plus")
    assert pdf_list(text, [action.text("fr") for action in priorities.top]) == [1, 2, 3, 4, 5]
    assert f"Et {len(priorities.rest)} autres actions dans le carnet :" in re.sub(r"\s+", " ", text)
    assert "(s)" not in text
    folded = [a.text("fr") for a in priorities.rest if all(a.text("fr") not in b.text("fr") for b in priorities.top)]
    assert folded and not any(action in text for action in folded)  # reduced to counts, not listed
