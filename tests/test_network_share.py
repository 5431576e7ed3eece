"""Issue 25, the territory's choice: file format 6 (``network.share``), the shared figures, ``KPA_SHARE_DIR``."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from kpawidgets.app.home import build_home
from kpawidgets.i18n import use_language
from kpawidgets.model.budget.figures import budget_figures
from kpawidgets.model.checklist.readiness import readiness
from kpawidgets.model.network.shared import (
    SHARE_FORMAT,
    SHARE_KIND,
    ShareError,
    read_share_document,
    share_bytes,
    shared_figures,
    slip_days,
)
from kpawidgets.model.plan.editing import set_step_dates, set_step_done
from kpawidgets.model.records.workbook import SCHEMA_VERSION
from kpawidgets.model.workbook import dump_workbook, load_workbook_text
from kpawidgets.storage.network_share import SHARE_DIR_ENV
from kpawidgets.storage.workspace import Workspace
from tests.pagekit import field_of, flat, open_page

EXAMPLE_STEM = "exemple-quartier-des-tisserands"


def test_format_5_migrates_to_6_losing_nothing(example_path: Path) -> None:
    native = json.loads(example_path.read_text(encoding="utf-8"))
    assert native["schema_version"] == SCHEMA_VERSION == 7
    older = dict(native, schema_version=5)
    assert "network" not in older
    first = load_workbook_text(json.dumps(older))
    again = load_workbook_text(json.dumps(older))  # another device reading the same file
    assert first == again and first.network.share is False  # no choice made: it does not share
    migrated = json.loads(dump_workbook(first))
    written = json.loads(dump_workbook(load_workbook_text(example_path.read_bytes())))
    assert migrated == written  # every field, id and line as the format-6 example
    # a format-6 file that shares reads back sharing; a bad value is refused by name
    written["network"] = {"share": True}
    assert load_workbook_text(json.dumps(written)).network.share is True
    written["network"] = {"share": "oui", "extra": 1}
    with pytest.raises(Exception, match="network"):
        load_workbook_text(json.dumps(written))


def test_the_shared_figures_are_the_workbook_s_and_hold_no_name(example_path: Path) -> None:
    workbook = load_workbook_text(example_path.read_bytes())
    figures = shared_figures(workbook, dt.date(2026, 12, 1))
    ready, money = readiness(workbook), budget_figures(workbook)
    assert figures.readiness_pct == ready.pct and figures.readiness_light == ready.light
    assert figures.blocking == [s.name for s in ready.ingredients if s.light == "red"]
    assert (figures.charges, figures.secured, figures.gap) == (int(money.euros.charges), int(money.euros.secured),
                                                               int(money.euros.gap))
    assert figures.secured_pct == money.percents["secured"] and figures.team_fte == sum(m.fte for m in workbook.checklist.team)
    assert [y.year for y in figures.years] == [2, 3]  # the example's lines say their years
    assert figures.territory == workbook.identity.territory and figures.launch_date == workbook.identity.launch_date
    # small counts are masked as on the PDF: no count of 1 or 2 leaves
    for counts in (figures.genders, figures.age_bands, figures.situations):
        assert all(value not in (1, 2) for value in counts.values())
    text = share_bytes(workbook, EXAMPLE_STEM, dt.date(2026, 12, 1)).decode("utf-8")
    personal = [m.alias for m in workbook.checklist.group if m.alias] + [m.interests for m in workbook.checklist.group if m.interests]
    personal += [m.label for m in workbook.checklist.team if m.label] + [p.name for p in workbook.checklist.partners]
    personal += [workbook.identity.contact.email, workbook.identity.summary[:40], workbook.checklist.host.name]
    personal = [word for word in personal if word]
    assert len(personal) > 10
    for word in personal:
        assert word not in text, word
    document = json.loads(text)
    assert (document["kind"], document["format"], document["source"], document["date"]) == (
        SHARE_KIND, SHARE_FORMAT, EXAMPLE_STEM, "2026-12-01")
    assert read_share_document(document).figures == figures


def test_slip_days_follow_the_written_rule() -> None:
    from kpawidgets.model.workbook import Workbook
    workbook = Workbook.new("KPA du Pont", launch_date=dt.date(2027, 3, 15))
    assert slip_days(workbook, dt.date(2026, 12, 1)) == 0
    assert slip_days(Workbook.new("Sans date"), dt.date(2026, 12, 1)) is None
    set_step_dates(workbook.plan, "launch", dt.date(2027, 3, 25))  # the plan's launch moved ten days later
    assert slip_days(workbook, dt.date(2026, 12, 1)) == 10
    set_step_dates(workbook.plan, "launch", dt.date(2027, 3, 15))
    set_step_dates(workbook.plan, "info", dt.date(2027, 3, 1), dt.date(2027, 3, 19))  # recruiting ends late
    assert slip_days(workbook, dt.date(2026, 12, 1)) == 4
    set_step_done(workbook.plan, "info")
    assert slip_days(workbook, dt.date(2026, 12, 1)) == 0
    assert slip_days(workbook, dt.date(2027, 4, 14)) == 30  # past and not marked done
    set_step_done(workbook.plan, "launch")
    assert slip_days(workbook, dt.date(2027, 4, 14)) == 0


def test_bad_shared_documents_are_refused_with_a_reason() -> None:
    with pytest.raises(ShareError, match="pas un fichier de chiffres partagés"):
        read_share_document({"schema_version": 6, "identity": {}}, "x.json")
    with pytest.raises(ShareError, match="plus récente") as newer:
        read_share_document({"kind": SHARE_KIND, "format": SHARE_FORMAT + 1}, "x.json")
    assert "newer version" in newer.value.message("en")
    with pytest.raises(ShareError, match="invalides"):
        read_share_document({"kind": SHARE_KIND, "format": 1, "source": "x", "date": "2026-12-01",
                             "figures": {"territory": "X"}}, "x.json")


def test_every_save_writes_the_shared_figures_and_turning_off_removes_them(
        workspace_dir: Path, example_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shared = tmp_path / "reseau"
    monkeypatch.setenv(SHARE_DIR_ENV, str(shared))
    shutil.copy(example_path, workspace_dir / example_path.name)
    workspace = Workspace(workspace_dir)
    opened = workspace.open(EXAMPLE_STEM)
    workspace.save(opened)
    target = shared / f"{EXAMPLE_STEM}.json"
    assert not target.exists()  # off by default: nothing leaves
    opened.workbook.network.share = True
    workspace.save(opened)
    document = read_share_document(json.loads(target.read_bytes()))
    assert document.source == EXAMPLE_STEM and document.figures.territory == "KPA des Tisserands"
    opened.workbook.checklist.team[0].fte += 1  # a change follows at the next save
    workspace.save(opened)
    assert read_share_document(json.loads(target.read_bytes())).figures.team_fte == document.figures.team_fte + 1
    assert not list(shared.glob(".*"))  # written atomically: no temporary file left
    opened.workbook.network.share = False
    workspace.save(opened)
    assert not target.exists()
    # rename: the figures follow the new stem; delete: they go
    opened.workbook.network.share = True
    workspace.save(opened)
    renamed = workspace.rename(EXAMPLE_STEM, "KPA du Pont-Neuf")
    assert not target.exists() and (shared / f"{renamed.name}.json").exists()
    workspace.delete(renamed.name)
    assert not list(shared.glob("*.json"))


def test_nothing_is_written_without_the_variable_and_nothing_foreign_is_touched(
        workspace_dir: Path, example_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SHARE_DIR_ENV, raising=False)
    shutil.copy(example_path, workspace_dir / example_path.name)
    workspace = Workspace(workspace_dir)
    opened = workspace.open(EXAMPLE_STEM)
    opened.workbook.network.share = True
    workspace.save(opened)
    assert sorted(p.name for p in workspace_dir.iterdir() if p.is_file()) == [example_path.name]
    # the share folder is the workspace itself: the workbook's own file is never replaced
    monkeypatch.setenv(SHARE_DIR_ENV, str(workspace_dir))
    opened.workbook.checklist.team[0].fte += 1
    workspace.save(opened)
    assert load_workbook_text((workspace_dir / example_path.name).read_bytes()).network.share is True
    # a foreign file in the way is neither overwritten nor removed
    shared = tmp_path / "reseau"
    shared.mkdir()
    foreign = shared / f"{EXAMPLE_STEM}.json"
    foreign.write_text('{"not": "ours"}')
    monkeypatch.setenv(SHARE_DIR_ENV, str(shared))
    opened.workbook.checklist.team[0].fte += 1
    workspace.save(opened)
    assert foreign.read_text() == '{"not": "ours"}'
    opened.workbook.network.share = False
    workspace.save(opened)
    assert foreign.read_text() == '{"not": "ours"}'


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_home_page_ticks_sharing_and_lists_what_is_shared(
        workspace_dir: Path, example_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    shared = tmp_path / "reseau"
    monkeypatch.setenv(SHARE_DIR_ENV, str(shared))
    page = open_page(build_home, workspace_dir, example_path, lang=lang)
    box = field_of(page.body, "kpa-f-network-share")
    sharing = page.body.app.sharing
    words = flat(sharing.details.value)
    assert ("Rien n'est partagé" if lang == "fr" else "Nothing is shared") in words.replace("&#x27;", "'")
    assert ("Jamais partagé" if lang == "fr" else "Never shared") in words
    with use_language(lang):
        box.input.value = True
    assert page.on_disk().network.share is True
    assert (shared / f"{EXAMPLE_STEM}.json").exists()
    assert str(shared) in flat(sharing.details.value)
    with use_language(lang):
        box.input.value = False
    assert page.on_disk().network.share is False and not (shared / f"{EXAMPLE_STEM}.json").exists()
