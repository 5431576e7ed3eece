"""Issue 18's list of small defects, each seen on main, checked without a browser: an empty
« Ajouter une personne » row counted as a person (the projector, the checklist, the PDF); « Je
préfère ne pas dire » shown as « non renseigné » and said a second time; « étudiant·es · 1 »; the
PDF's « 8 situations différentes » beside a chart of 6, its ideas and wishes cut at 8 without a word."""

from __future__ import annotations

import html
import io
import secrets
from pathlib import Path

from kpawidgets.app.checklist.html import mix_html
from kpawidgets.app.room.projector import mix_panel_html
from kpawidgets.i18n import use_language
from kpawidgets.model.checklist import group_mix, workbook_mix
from kpawidgets.model.records.checklist import SITUATIONS, SITUATIONS_PLURAL, GroupMember
from kpawidgets.model.records.workbook import Identity
from kpawidgets.model.room import contributions as rc
from kpawidgets.model.room.group import save_card
from kpawidgets.model.room.records import owner_of
from kpawidgets.model.room.summary import room_summary
from kpawidgets.model.workbook import Workbook
from kpawidgets.report.sections.checklist import group_section
from kpawidgets.report.sections.room import LIMIT, room_section


def _owner() -> str:
    return owner_of(secrets.token_urlsafe(16))


def test_an_empty_row_is_nobody_on_the_projector_the_checklist_and_the_pdf() -> None:
    workbook = Workbook(identity=Identity(territory="Les Tisserands"))
    workbook.checklist.group = [GroupMember(alias="Awa"), GroupMember(age_band="18_25"), GroupMember()]
    assert group_mix(workbook.checklist).size == 2
    assert room_summary(workbook).joined == 2
    section = group_section(workbook)
    assert section is not None and section.numbers[0].value == "2"
    workbook.checklist.group = [GroupMember()]
    assert group_section(workbook) is None
    # a phone that joined and told nothing is someone all the same
    save_card(workbook, _owner(), alias="", age_band=None, gender=None, situations=[], wishes="", skills="")
    assert workbook_mix(workbook).size == 1


def test_prefer_not_to_say_is_said_once_and_as_such() -> None:
    workbook = Workbook(identity=Identity(territory="Les Tisserands"))
    save_card(workbook, _owner(), alias="A", gender="undisclosed")
    save_card(workbook, _owner(), alias="B", gender="woman")
    workbook.checklist.group.append(GroupMember(alias="C"))
    summary = room_summary(workbook)
    with use_language("fr"):
        panel = mix_panel_html(summary)
    assert "préfère ne pas dire · 1" in panel and "non renseigné · 1" in panel  # C told nothing of their gender
    assert panel.count("ne pas dire") == 1
    assert "Genre non renseigné pour 1 personne." in panel
    with use_language("en"):
        assert "prefers not to say · 1" in mix_panel_html(summary)


def test_a_situation_held_by_one_person_is_singular() -> None:
    workbook = Workbook(identity=Identity(territory="Les Tisserands"))
    workbook.checklist.group = [GroupMember(alias="A", situations=["student"]), GroupMember(alias="B", situations=["rsa"]),
                                GroupMember(alias="C", situations=["rsa"])]
    with use_language("fr"):
        html = mix_html(group_mix(workbook.checklist))
    assert "étudiant·e · 1" in html and "étudiant·es · 1" not in html and "allocataires du RSA · 2" in html


def test_the_pdf_charts_every_situation_it_counts_and_says_what_it_folds() -> None:
    workbook = Workbook(identity=Identity(territory="Les Tisserands"))
    codes = list(SITUATIONS)[:8]
    workbook.checklist.group = [GroupMember(alias=f"P{n}", situations=[code]) for n, code in enumerate(codes)]
    section = group_section(workbook)
    assert section is not None
    assert section.numbers[-1].value == "8"
    (chart,) = [c for c in section.charts if c.title == "Situations"]
    # each of the 8 is in the chart; plural labels and « moins de 3 »: a singular one would say « 1 » (issue 23)
    labels = [SITUATIONS_PLURAL[code] for code in codes]
    assert all(f">{html.escape(label)}<" in chart.svg for label in labels), labels
    assert chart.svg.count(">moins de 3<") == 8
    owners = [_owner() for _ in range(LIMIT + 4)]
    for number, owner in enumerate(owners):
        save_card(workbook, owner, alias=f"Q{number}", wishes=f"envie {number}", skills=f"savoir {number}")
        rc.add_idea(workbook.room, owner, f"Idée {number}", "cuisine")
    room = room_section(workbook)
    assert room is not None
    assert len(room.kinds[0].ideas) == LIMIT and room.kinds[0].more == "et 4 autres idées, moins dotées"
    assert room.wishes_more == "et 4 autres réponses" and room.skills_more == "et 4 autres réponses"


def test_an_ingredient_marked_done_with_an_open_check_is_not_said_ready() -> None:
    from kpawidgets.app.checklist.html import score_badge_html
    from kpawidgets.model.checklist import readiness

    workbook = Workbook(identity=Identity(territory="Les Tisserands"))
    workbook.checklist.ingredients.venue.status = "done"
    workbook.checklist.venue.name = "Maison de quartier"  # « named » needs an address too: one check open
    score = readiness(workbook).get("venue")
    assert score.score == 100 and score.open_checks >= 1
    with use_language("fr"):
        badge = score_badge_html(score)
    assert "Prêt" not in badge and "Acquis" in badge and "à confirmer" in badge


def test_the_pdf_fills_the_groups_page_and_names_every_gender_whole(tmp_path: Path, example_path: Path) -> None:
    """The ideas start on the group's page (a flex box went to the next page whole, leaving it half
    blank), and « Autre / non-binaire » is written whole in the gender chart (« Autre / non-bina… »)."""
    import shutil

    from pypdf import PdfReader

    from kpawidgets.report.export import export_workbook
    from kpawidgets.storage.workspace import Workspace
    from tests.roomseed import seed_room

    shutil.copy(example_path, tmp_path / example_path.name)
    workspace = Workspace(tmp_path)
    seed_room(workspace, example_path.stem, 25, keep_group=10)
    pdf, _saved = export_workbook(workspace.open(example_path.stem).workbook, None, "fr")
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    (group_page,) = [n for n, text in enumerate(pages) if "En atelier : ce que dit le groupe" in text]
    # the room's section starts on the group's page (the group's charts, every situation on a row of
    # its own since the counts are masked, leave room for its numbers, not for the ideas too)
    assert "situations différentes" in pages[group_page] and "idées d'activités" in pages[group_page]
    assert any("Autre / non-binaire" in text for text in pages[:group_page + 1])
