"""The partners' PDF: read back with pypdf; escaping; empty and identity-only workbooks; CLI; nbconvert."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from markupsafe import escape
from pypdf import PdfReader

from kpawidgets.cli import main
from kpawidgets.i18n import format_money_rounded, format_percent
from kpawidgets.model.budget import budget_totals, coverage
from kpawidgets.model.plan import add_custom_step
from kpawidgets.model.workbook import Workbook, dump_workbook, load_workbook_text
from kpawidgets.report import render_html, render_pdf
from kpawidgets.report.context import build_context
from kpawidgets.report.sections import SectionFailure

TODAY = dt.date(2026, 11, 26)
NASTY = "<b>Les \"Coop'ains\" & Cie</b>"
CODE_MARKERS = ("In [", "Out[", "import ", "plan_page", "kpawidgets", "os.environ", "def ", "Traceback",
                "<b>", "&lt;", "&amp;", "{{", "{%")


def text_of(pdf: bytes) -> list[str]:
    """Each page's text, with the spaces Babel puts in numbers made plain."""
    reader = PdfReader(io.BytesIO(pdf))
    return [re.sub(r"[\u00a0\u202f\u2009]", " ", page.extract_text() or "") for page in reader.pages]


def plain(text: str) -> str:
    return re.sub(r"[\u00a0\u202f\u2009]", " ", text)


@pytest.fixture(scope="module")
def example() -> Workbook:
    from kpawidgets.resources import example_workbook_path

    return load_workbook_text(example_workbook_path().read_bytes())


@pytest.fixture(scope="module")
def example_pages(example: Workbook) -> list[str]:
    return text_of(render_pdf(example, "fr", TODAY))


def test_example_pdf_pages_and_figures(example: Workbook, example_pages: list[str]) -> None:
    pages = example_pages
    assert 8 <= len(pages) <= 14
    assert "plan de lancement" in pages[0].lower() and "KPA des Tisserands" in pages[0]
    assert "15 mars 2027" in pages[0] and "26 novembre 2026" in pages[0]
    # the territory and the page number on every page but the cover
    for number, page in enumerate(pages[1:], start=2):
        assert "KPA des Tisserands" in page, number
        assert f"{number} / {len(pages)}" in page, number
    # budget total and secured share, in French format, on the summary page
    totals = budget_totals(example)
    cover = coverage(example)
    total_text = plain(format_money_rounded(totals.shown.charges, "fr"))  # the sum of the lines as printed
    share_text = plain(format_percent(cover.secured / cover.charges, "fr"))
    assert re.fullmatch(r"\d{1,3}( \d{3})* €", total_text)
    assert total_text in pages[1] and share_text in pages[1]
    everything = "\n".join(pages)
    for title in ("L'essentiel", "Check-list de lancement", "Le groupe", "L'équipe d'accompagnement",
                  "Les partenaires", "Budget prévisionnel de la première année", "Contributions volontaires en nature",
                  "Financement et trésorerie", "Calendrier de lancement", "Gouvernance et engagements"):
        assert title in everything, title
    assert "Pas encore de données" not in everything  # every section of the example has its data
    for marker in CODE_MARKERS:
        assert marker not in everything, marker


def test_the_team_follows_the_group_and_the_partners_table_keeps_to_one_page(example: Workbook,
                                                                            example_pages: list[str]) -> None:
    """The team shares the group's page; the partners take the next one whole (their table was
    split, four rows on a page of their own, with the group's page half empty)."""
    def page_of(text: str) -> int:
        return next(index for index, page in enumerate(example_pages) if text in page)

    group = page_of("Le groupe")
    assert page_of("L'équipe d'accompagnement") == group
    partners = page_of("Les partenaires")
    assert partners == group + 1
    for partner in example.checklist.partners:
        first_word = partner.name.split()[0]
        holding = [index for index, page in enumerate(example_pages) if first_word in page and index in (partners, partners + 1)]
        assert holding and holding[0] == partners, partner.name


def test_no_personal_names_in_the_pdf(example: Workbook, example_pages: list[str]) -> None:
    everything = "\n".join(example_pages)
    for member in example.checklist.group:
        if len(member.alias) > 2:
            assert member.alias not in everything


def test_charts_are_vectors_and_text_is_selectable(example: Workbook) -> None:
    html = render_html(example, "fr", TODAY)
    assert html.count("<svg") >= 6 and "<img" not in html
    assert "data:font/woff;base64," in html  # fonts travel with the document
    reader = PdfReader(io.BytesIO(render_pdf(Workbook.new("Vecteurs", launch_date=dt.date(2027, 3, 1)), "fr", TODAY)))
    for page in reader.pages:
        assert "/Image" not in str(page.get("/Resources", {}).get("/XObject", {}))


def test_territory_with_accents_and_identity_only() -> None:
    wb = Workbook.new("Quartier de l'Épeule — Roubaix", town="Roubaix", neighbourhood="L'Épeule",
                      launch_date=dt.date(2027, 9, 6))
    pages = text_of(render_pdf(wb, "fr", TODAY))
    assert "Quartier de l'Épeule — Roubaix" in pages[0]
    assert all("Quartier de l'Épeule — Roubaix" in page for page in pages[1:])
    everything = "\n".join(pages)
    # the sections with no data are named on one line of the summary, not printed empty
    assert "Pas encore renseigné dans le carnet : Check-list de lancement · Le groupe" in plain(pages[1])
    assert "Pas encore de données" not in everything and "Gouvernance et engagements\n" not in everything
    assert "Calendrier de lancement" in everything and "Lancement du KPA" in everything
    assert " 0 €" not in everything  # no made-up figures


def test_empty_workbook_gives_a_clean_document() -> None:
    wb = Workbook.new("Sans rien")
    pdf = render_pdf(wb, "fr", TODAY)
    pages = text_of(pdf)
    assert pdf.startswith(b"%PDF") and len(pages) == 2  # cover and summary: no page of empty sections
    everything = "\n".join(pages)
    assert "Pas encore de données" not in everything
    assert everything.count("Pas encore renseigné dans le carnet") == 1
    for title in ("Ce que nous demandons à nos partenaires", "Budget prévisionnel de la première année",
                  "Gouvernance et engagements", "Calendrier de lancement"):
        assert title in plain(pages[1]).replace("\n", " "), title
    assert "Pas de date de lancement" in everything


def test_user_text_is_escaped_everywhere() -> None:
    wb = Workbook.new(NASTY, town=NASTY, neighbourhood=NASTY, launch_date=dt.date(2027, 3, 15))
    wb.plan.asks = [NASTY, "<script>alert(1)</script>"]
    add_custom_step(wb.plan, NASTY, dt.date(2027, 4, 2))
    wb.checklist.ingredients.venue.owner = NASTY
    wb.checklist.ingredients.venue.status = "in_progress"
    html = render_html(wb, "fr", TODAY)
    assert "<b>Les" not in html and "<script>alert" not in html
    assert "&lt;b&gt;Les &#34;Coop&#39;ains&#34; &amp; Cie&lt;/b&gt;" in html or \
        "&lt;b&gt;Les &quot;Coop&#x27;ains&quot; &amp; Cie&lt;/b&gt;" in html
    pages = text_of(render_pdf(wb, "fr", TODAY))
    everything = "\n".join(pages)
    assert NASTY in pages[0]
    assert everything.count(NASTY) >= 5  # cover, running headers, asks, steps, owner
    assert "<script>alert(1)</script>" in everything


def test_very_long_names_stay_on_the_page() -> None:
    long_name = "Coopérative des habitantes et habitants " * 5
    wb = Workbook.new(long_name.strip()[:200], neighbourhood="Quartier " * 20, launch_date=dt.date(2027, 3, 15))
    add_custom_step(wb.plan, "Étape au nom interminable " * 7, dt.date(2027, 5, 1), dt.date(2027, 6, 1),
                    owner="Une personne " * 10)
    pdf = render_pdf(wb, "fr", TODAY)
    pages = text_of(pdf)
    assert len(pages) <= 10
    reader = PdfReader(io.BytesIO(pdf))
    width = float(reader.pages[0].mediabox.width)
    assert round(width / 72 * 25.4) == 210  # A4


def test_english_document(example: Workbook) -> None:
    context = build_context(example, "en", TODAY)
    assert context.lang == "en" and context.L["summary"] == "At a glance"
    pages = text_of(render_pdf(example, "en", TODAY))
    everything = "\n".join(pages)
    assert "launch plan" in pages[0].lower() and "15 March 2027" in pages[0]
    assert "€39,925" in everything.replace(" ", "") or "€39,925" in everything  # lines rounded, then summed
    assert "Lancement du KPA" not in everything and "KPA launch" in everything


def test_cli_export_pdf_and_html(capsys: pytest.CaptureFixture[str], tmp_path: Path, example_path: Path) -> None:
    pdf, html = tmp_path / "out" / "plan.pdf", tmp_path / "plan.html"
    code = main(["export", str(example_path), "--pdf", str(pdf), "--html", str(html)])
    out = capsys.readouterr().out
    assert code == 0 and str(pdf) in out
    assert pdf.read_bytes().startswith(b"%PDF")
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    code = main(["export", str(example_path), "--html", str(html), "--doc-lang", "en"])
    assert code == 0 and 'lang="en"' in html.read_text(encoding="utf-8")


def test_cli_export_errors_are_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    broken = tmp_path / "casse.json"
    broken.write_text("{not json", encoding="utf-8")
    code = main(["export", str(broken), "--pdf", str(tmp_path / "x.pdf")])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("Erreur :") and "Traceback" not in err
    wb = Workbook.new("Lecture seule")
    good = tmp_path / "ok.json"
    good.write_text(dump_workbook(wb), encoding="utf-8")
    code = main(["export", str(good), "--pdf", "/proc/plan-impossible/x.pdf"])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("Erreur :")


def test_the_plan_notebook_takes_its_report_parameters_as_papermill_gives_them(example_path: Path) -> None:
    """A cell tagged « parameters » (``report = None``: the page), and the pipeline's values in a cell
    tagged « injected-parameters » right after it — no environment variable (issue 22)."""
    import nbformat

    from kpawidgets.report.notebook import PLAN_NOTEBOOK, parameterize
    from kpawidgets.resources import notebooks_dir

    nb = nbformat.read(notebooks_dir() / PLAN_NOTEBOOK, as_version=4)
    tags = [cell.metadata.get("tags", []) for cell in nb.cells]
    assert tags[0] == ["parameters"] and "report = None" in nb.cells[0].source
    given = parameterize(nb, example_path, "en", TODAY)
    assert given.metadata.get("tags") is None and given.cells[1].metadata["tags"] == ["injected-parameters"]
    scope: dict[str, object] = {}
    exec(given.cells[1].source, {}, scope)  # noqa: S102 - the cell the pipeline wrote, run as the kernel runs it
    assert scope["report"] == {"workbook": str(example_path.absolute()), "lang": "en", "today": TODAY.isoformat()}
    again = parameterize(given, example_path, "fr", TODAY)  # given again: one injected cell, the new values
    assert [c.metadata.get("tags", []) for c in again.cells].count(["injected-parameters"]) == 1
    assert '"lang": "fr"' in again.cells[1].source


@pytest.mark.slow
def test_notebook_pipeline_gives_the_same_document_and_the_exporter_works(example_path: Path, tmp_path: Path) -> None:
    from nbconvert.exporters import get_exporter

    from kpawidgets.report.exporter import KpaPdfExporter
    from kpawidgets.report.notebook import execute_plan, has_report, notebook_html

    nb = execute_plan(example_path, "fr", TODAY)
    assert has_report(nb)
    direct = render_html(load_workbook_text(example_path.read_bytes()), "fr", TODAY)
    assert notebook_html(nb) == direct  # same template, same body: the two pipelines agree
    assert get_exporter("kpa_pdf") is KpaPdfExporter  # registered under nbconvert.exporters
    pdf, resources = KpaPdfExporter().from_notebook_node(nb)
    assert pdf.startswith(b"%PDF") and resources["output_extension"] == ".pdf"
    text = "\n".join(text_of(pdf))
    for marker in CODE_MARKERS:
        assert marker not in text, marker


@pytest.mark.slow
def test_jupyter_nbconvert_to_kpa_pdf(example_path: Path, tmp_path: Path) -> None:
    notebook = Path(__file__).resolve().parents[1] / "notebooks" / "03_plan.ipynb"
    result = subprocess.run(
        [sys.executable, "-m", "jupyter", "nbconvert", "--to", "kpa_pdf", str(notebook),
         f"--KpaPdfExporter.workbook={example_path}", "--output-dir", str(tmp_path), "--output", "plan"],
        capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr[-2000:]
    pdf = (tmp_path / "plan.pdf").read_bytes()
    pages = text_of(pdf)
    assert "KPA des Tisserands" in pages[0] and len(pages) >= 8
    # without a workbook the exporter says what is missing
    result = subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "kpa_pdf", str(notebook),
                             "--output-dir", str(tmp_path), "--output", "none"], capture_output=True, text=True,
                            timeout=240)
    assert result.returncode != 0 and "KpaPdfExporter.workbook" in result.stderr


def test_report_context_has_no_figures_for_missing_sections() -> None:
    context = build_context(Workbook.new("Vide"), "fr", TODAY)
    for key in ("checklist", "group", "team", "partners", "budget", "funding", "governance"):
        assert getattr(context, key) is None, key
    assert [tile.kind for tile in context.tiles] == ["empty"] * 4
    assert context.asks == ()
    assert all(tile.value == "—" for tile in context.tiles)


def body_lines(page: str, territory: str) -> list[str]:
    """A page's lines without its running header and footer."""
    return [line for line in plain(page).splitlines()
            if line.strip() and territory not in line and "version " not in line and not re.fullmatch(r"\d+ / \d+", line)]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_partners_pdf_has_a_version_mark_on_every_page_no_placeholder_no_lone_banner(example: Workbook,
                                                                                     lang: str) -> None:
    from kpawidgets.report.context import version_code

    pages = text_of(render_pdf(example, lang, TODAY))
    code = version_code(example)
    assert re.fullmatch(r"[0-9a-f]{8}", code)
    saved = "20 novembre 2026" if lang == "fr" else "20 November 2026"
    assert f"Version {code}" in pages[0] and saved in pages[0]
    for number, page in enumerate(pages[1:], start=2):
        assert f"version {code}" in page, number  # in the running footer
        lines = body_lines(page, example.identity.territory)
        assert len(lines) >= 5, (number, lines)  # never a page holding only a banner
    everything = "\n".join(pages)
    for placeholder in ("Emplacement du logo", "Logo here", "Pas encore de données", "No data yet"):
        assert placeholder not in everything
    # the balance banner sits under the budget's title, before the tables (it cannot be left alone after them)
    budget = build_context(example, lang, TODAY).budget
    assert budget is not None and not isinstance(budget, SectionFailure) and budget.notes
    document = render_html(example, lang, TODAY)
    assert document.index(str(escape(budget.notes[0]))) < document.index("<table class=\"cerfa")


def test_version_changes_with_the_workbook(example: Workbook) -> None:
    from kpawidgets.report.context import version_code

    changed = example.model_copy(deep=True)
    changed.identity.town = "Ailleurs"
    assert version_code(changed) != version_code(example)
    assert version_code(example) == version_code(example.model_copy(deep=True))


_FUNDER_ROW = re.compile(r"^(?P<name>.+?) (?P<status>voté / notifié|versé|demandé|envisagé|refusé|sans ligne au budget|"
                         r"dans un scénario seulement)( |$)")


def test_the_partners_section_counts_the_funders_the_funding_section_lists(example: Workbook,
                                                                            example_pages: list[str]) -> None:
    """Issue 12: « N sur M financeurs engagés » beside the funding section's M funders, N voted or paid."""
    everything = plain("\n".join(example_pages))
    engaged, total = map(int, re.search(r"(\d+) sur (\d+)\s*financeurs engagés", everything).groups())  # type: ignore[union-attr]
    lines = everything.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("FINANCEUR STATUT MONTANT"))
    rows = []
    for line in lines[start + 1:]:
        match = _FUNDER_ROW.match(line)
        if match is None:
            break
        rows.append((match["name"], match["status"]))
    names = {name for name, _status in rows}
    assert len(rows) >= 7 and total == len(names) == 9
    assert engaged == len({name for name, status in rows if status in ("voté / notifié", "versé")}) == 2
    # The same funders, by name, as the partners' list.
    from kpawidgets.model.checklist import partner_funding

    assert names == {view.partner.name for view in partner_funding(example) if view.is_funder}
