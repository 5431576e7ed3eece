"""Issue 23: said before the first send; the sensitive situation asked apart; « Effacer mes réponses » takes a
person out of the workbook *and* every state of it the workspace keeps; the facilitator anonymises the group."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kpawidgets.cli import main
from kpawidgets.model import checklist as model
from kpawidgets.model.workbook import load_workbook_text
from kpawidgets.storage.history import DELTA, take_snapshot, version_bytes
from kpawidgets.storage.workspace import Workspace
from kpawidgets.web import phone as web_phone
from tests.phonekit import PhoneKit

NAME = "exemple-quartier-des-tisserands"
ERASED = "Zéphyrine"


@pytest.fixture
def served(workspace_dir: Path, example_path: Path) -> tuple[Workspace, str]:
    shutil.copy(example_path, workspace_dir / example_path.name)
    return Workspace(workspace_dir), example_path.stem


@pytest.fixture(autouse=True)
def _fresh_rate() -> None:
    web_phone._sent.clear()


def every_file_text(root: Path) -> dict[Path, str]:
    """Each file of the workspace as text, versions kept as changes read back whole."""
    found = {}
    for path in root.rglob("*"):
        if path.is_file():
            data = version_bytes(path) if path.suffix == DELTA else path.read_bytes()
            found[path] = data.decode("utf-8", "replace")
    return found


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_page_says_who_keeps_what_why_and_how_long_before_the_first_send(served: tuple[Workspace, str],
                                                                              lang: str) -> None:
    workspace, name = served
    opened = workspace.open(name)
    opened.workbook.identity.contact.email = "cheffe.projet@example.org"
    opened.workbook.room.retention_months = 18
    workspace.save(opened)
    page = PhoneKit(workspace, name, lang).page()
    notice = page.index('id="privacy"')
    assert page.index('id="me"') < notice < page.index('<form') < page.index('name="alias"')  # before the first form
    text = page[notice:page.index('<form')]
    assert "cheffe.projet@example.org" in text and "18" in text  # the workbook's own retention
    words = (["Qui les garde", "Pour quoi", "Combien de temps", "facultatif", "Effacer mes réponses", "pseudonyme"]
             if lang == "fr" else ["Who keeps them", "What for", "How long", "optional", "Erase my answers", "pseudonym"])
    for word in words:
        assert word in text, word
    # the sensitive situation is a question of its own, never a pre-ticked box
    assert 'name="situations" value="disability_worker"' not in page
    assert page.count('name="sensitive"') == 2 and 'name="sensitive" value="yes" checked' not in page
    assert 'id="forget"' in page


def test_the_sensitive_situation_is_kept_only_on_an_explicit_yes(served: tuple[Workspace, str]) -> None:
    workspace, name = served
    phone = PhoneKit(workspace, name)
    assert phone.save_card(alias="Awa", situations=["student", "disability_worker"]).ok  # a forged box counts for nothing
    assert load_workbook_text(workspace.path_for(name).read_bytes()).checklist.group[-1].situations == ["student"]
    assert phone.send("card", **phone.form, sensitive="yes", **{f"shown-{k}": v for k, v in phone.shown.items()}).ok
    assert load_workbook_text(workspace.path_for(name).read_bytes()).checklist.group[-1].situations == [
        "student", "disability_worker"]
    assert 'name="sensitive" value="yes" checked' in phone.page()  # her own earlier answer, shown back


@pytest.mark.parametrize("keep_ideas", [False, True])
def test_erase_my_answers_leaves_no_trace_in_any_file_of_the_workspace(served: tuple[Workspace, str],
                                                                         keep_ideas: bool) -> None:
    workspace, name = served
    other = PhoneKit(workspace, name)
    assert other.save_card(alias="Bérénice").ok
    phone = PhoneKit(workspace, name)
    assert phone.save_card(alias=ERASED, situations=["rsa"], wishes="cuisiner avec Zéphyrine").ok
    assert phone.send("idea", text="Un buffet pour la fête", kind="cuisine").ok
    assert phone.send("vote", commitment="reciprocity", choice="adopt").ok
    idea = json.loads(workspace.path_for(name).read_bytes())["room"]["ideas"][0]["id"]
    assert phone.send("dot", idea=idea).ok and other.send("dot", idea=idea).ok
    take_snapshot(workspace.root, name, workspace.path_for(name).read_bytes(), "pendant l'atelier")
    trash = workspace.root / ".corbeille"
    trash.mkdir()
    (trash / f"{name}--20261201T100000000000Z.json").write_bytes(workspace.path_for(name).read_bytes())
    for index in range(5):  # more versions, most kept as changes
        assert phone.send("idea", text=f"Atelier jardin {index}", kind="jardin").ok
    before = every_file_text(workspace.root)
    assert sum(ERASED in text for text in before.values()) >= 8
    versions_before = len(workspace.history(name))

    asked = phone.send("forget-ask")  # asked twice: it cannot be undone
    assert asked.ok and 'value="forget"' in asked.sections["forget"] and "annulé" in asked.sections["forget"]
    assert sum(ERASED in text for text in every_file_text(workspace.root).values()) == len(
        [t for t in before.values() if ERASED in t]), "asking erased something"
    reply = phone.send("forget", keep_ideas="yes" if keep_ideas else "")
    assert reply.ok and "effacées" in reply.sections["forget"], reply.sections
    assert f'value="{ERASED}"' not in reply.sections["me"]
    after = every_file_text(workspace.root)
    holding = [str(path.relative_to(workspace.root)) for path, text in after.items()
               if ERASED in text or phone.phone.owner in text]
    assert holding == [], holding
    # the rest stays: the example's ten people and the other phone, her history rewritten, not lost
    workbook = load_workbook_text(workspace.path_for(name).read_bytes())
    assert len(workbook.checklist.group) == 11 and workbook.checklist.group[-1].alias == "Bérénice"
    assert len(workspace.history(name)) == versions_before + 1
    assert any("Bérénice" in text for path, text in after.items() if ".historique" in str(path))
    ideas = [i.text for i in workbook.room.ideas]
    if keep_ideas:
        assert "Un buffet pour la fête" in ideas and all(i.owner == "facilitator" for i in workbook.room.ideas)
        assert len(workbook.room.dots) == 1  # the other phone's dot stays on the idea; hers went
    else:
        assert ideas == [] and workbook.room.dots == []
    assert workbook.room.votes == []


def test_kpa_anonymise_keeps_the_mix_counts_and_ideas_and_drops_names(served: tuple[Workspace, str],
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    workspace, name = served
    phone = PhoneKit(workspace, name)
    assert phone.save_card(alias=ERASED, gender="woman", situations=["rsa"]).ok
    assert phone.send("idea", text="Un buffet pour la fête", kind="cuisine").ok
    take_snapshot(workspace.root, name, workspace.path_for(name).read_bytes(), "fin de l'atelier")
    before = load_workbook_text(workspace.path_for(name).read_bytes())
    aliases = [m.alias for m in before.checklist.group if m.alias]
    assert aliases and ERASED in aliases
    assert main(["anonymise", "--workspace", str(workspace.root), name]) == 0
    assert "anonymisé" in capsys.readouterr().out
    after = load_workbook_text(workspace.path_for(name).read_bytes())
    mix_before, mix_after = model.group_mix(before.checklist), model.group_mix(after.checklist)
    assert (mix_after.size, mix_after.genders, mix_after.age_bands, mix_after.situations) == (
        mix_before.size, mix_before.genders, mix_before.age_bands, mix_before.situations)
    assert [i.text for i in after.room.ideas] == [i.text for i in before.room.ideas]
    texts = every_file_text(workspace.root)
    for alias in aliases:
        assert not [p for p, text in texts.items() if f'"{alias}"' in text], alias
    assert not [p for p, text in texts.items() if phone.phone.owner in text]


def test_the_retention_is_set_in_the_workbook_reported_by_check_and_applied_by_the_command(
        served: tuple[Workspace, str], capsys: pytest.CaptureFixture[str]) -> None:
    import datetime as dt

    workspace, name = served
    root = str(workspace.root)
    opened = workspace.open(name)
    opened.workbook.identity.launch_date = dt.date.today() + dt.timedelta(days=30)
    opened.workbook.room.retention_months = 6
    workspace.save(opened)
    assert main(["check", "--json", "--workspace", root, name]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["personal_fields"] > 0 and report["personal_data_due"] is False
    assert report["personal_data_until"] > dt.date.today().isoformat()
    assert main(["anonymise", "--si-echu", "--workspace", root, name]) == 0
    assert "Rien à effacer avant le" in capsys.readouterr().out
    assert any(m.alias for m in workspace.open(name).workbook.checklist.group)  # nothing went
    # six months and a day after a launch in the past: due, said by check, done by the command
    opened = workspace.open(name)
    opened.workbook.identity.launch_date = dt.date(2025, 2, 28)
    workspace.save(opened)
    assert main(["check", "--workspace", root, name]) == 0
    out = capsys.readouterr().out
    assert "2025-08-28" in out and "kpa anonymise" in out and "--si-echu" in out
    assert main(["anonymise", "--si-echu", "--workspace", root, name]) == 0
    assert "anonymisé" in capsys.readouterr().out
    assert not any(m.alias for m in workspace.open(name).workbook.checklist.group)
    assert main(["check", "--json", "--workspace", root, name]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["personal_fields"] == 0 and report["personal_data_due"] is False


def test_the_facilitator_anonymises_the_group_from_the_home_page(served: tuple[Workspace, str]) -> None:
    from kpawidgets.app.home import HomeApp, build_home
    from kpawidgets.app.session import WorkbookSession

    workspace, name = served
    phone = PhoneKit(workspace, name)
    assert phone.save_card(alias=ERASED).ok
    shell = build_home(WorkbookSession.from_request({"workbook": name}, workspace))
    app = next(child for child in shell.body.children[0].children if isinstance(child, HomeApp))
    panel = app.group_privacy
    assert panel in app.current.children
    assert "encore" in panel.summary.value and "prénoms" in panel.summary.value
    panel.ask.click()
    assert panel.confirm.layout.display == "inline-flex"
    panel.confirm.click()
    assert "Groupe anonymisé" in panel.message.value, panel.message.value
    assert "anonyme" in panel.summary.value
    assert not [p for p, text in every_file_text(workspace.root).items() if ERASED in text]
    assert not any(m.alias for m in workspace.open(name).workbook.checklist.group)
