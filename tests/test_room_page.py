"""The room's pages without a browser: set widget values (phones: send their forms), read the file and the HTML.

A phone's card is a member of the checklist's group: the facilitator's checklist page (another
session on the same folder, another kernel) follows it, and the projector counts the rows the
facilitator types in the group step."""

from __future__ import annotations

import json
import secrets
import shutil
from pathlib import Path

import pytest

from kpawidgets.app.checklist import build_checklist
from kpawidgets.app.room.projector import build_projector
from kpawidgets.app.room.store import contribute
from kpawidgets.app.session import WorkbookSession
from kpawidgets.model.room import contributions as rc
from kpawidgets.model.room.records import owner_of
from kpawidgets.storage.workspace import Workspace
from tests.pagekit import field_of, find, open_page
from tests.phonekit import PhoneKit


@pytest.fixture
def served(workspace_dir: Path, example_path: Path) -> tuple[Workspace, str]:
    shutil.copy(example_path, workspace_dir / example_path.name)
    return Workspace(workspace_dir), example_path.stem


def _session(served: tuple[Workspace, str], lang: str = "fr") -> WorkbookSession:
    workspace, name = served
    session = WorkbookSession(workspace, lang)
    assert session.open(name)
    return session


def _file(served: tuple[Workspace, str]) -> dict[str, object]:
    workspace, name = served
    return json.loads(workspace.path_for(name).read_text(encoding="utf-8"))


def test_projector_shows_totals_and_escapes(served: tuple[Workspace, str]) -> None:
    phone = PhoneKit(*served)
    assert phone.send("idea", text="<img src=x onerror=alert(1)> 🍲", kind="cuisine").ok
    assert phone.save_card(alias="<script>x</script>").ok
    projector = build_projector(_session(served))
    assert "&lt;img src=x onerror=alert(1)&gt; 🍲" in projector.wall.value
    assert "<img src=x" not in projector.wall.value and "<script>x" not in projector.mix.value
    assert "<b>1</b>" in projector.counts.value  # one idea
    # moderation: the idea becomes an activity of the budget, once
    projector.idea.value = projector.idea.options[0][1]
    projector.to_activity.click()
    projector.to_activity.click()
    budget = _file(served)["budget"]
    assert [a["name"] for a in budget["activities"]].count("<img src=x onerror=alert(1)> 🍲") == 1  # type: ignore[index]
    projector.hide.click()
    assert "Pas encore" in projector.wall.value


def test_projector_redraws_only_what_changed(served: tuple[Workspace, str]) -> None:
    projector = build_projector(_session(served))
    before = dict(projector.redraws)
    session = _session(served)
    contribute(session, lambda wb: rc.add_idea(wb.room, owner_of(secrets.token_urlsafe(16)), "Fête", "evenements"))
    assert projector.session.open(projector.session.name or "")
    projector.refresh()
    assert projector.redraws["wall"] == before["wall"] + 1
    assert projector.redraws["votes"] == before["votes"] and projector.redraws["mix"] == before["mix"]


def test_facilitator_adds_people_without_a_phone(served: tuple[Workspace, str]) -> None:
    projector = build_projector(_session(served))
    for alias in ("Jo", "Lina"):
        projector.row_alias.value, projector.row_age.value = alias, "51_plus"
        projector.row_add.click()
    people = _file(served)["checklist"]["group"]  # type: ignore[index]
    assert [p["alias"] for p in people[-2:]] == ["Jo", "Lina"] and projector.row_alias.value == ""
    assert _file(served).get("room") in (None, {"participants": [], "ideas": [], "votes": [], "dots": [], "retention_months": 12})
    assert "<b>12</b>" in projector.counts.value  # the ten of the example and the two typed in


def _group_step(served: tuple[Workspace, str], workspace_dir: Path):  # type: ignore[no-untyped-def]
    laptop = open_page(build_checklist, workspace_dir)
    app = laptop.body
    step = next(screen for screen in app.screens if screen.key == "group")
    return laptop, app, step


def test_a_phone_joins_and_the_group_step_follows_without_a_reload(served: tuple[Workspace, str],
                                                                   workspace_dir: Path) -> None:
    laptop, app, step = _group_step(served, workspace_dir)
    editor = step.facts.editor
    rows_before = list(editor.rows.children)
    assert "Awa" not in step.facts.phones.value
    phone = PhoneKit(*served)
    assert phone.save_card(alias="<b>Awa</b> 🌱", gender="man").ok
    assert laptop.session.take_external_change()  # what the live watcher does when the file changes
    member_id = _file(served)["checklist"]["group"][-1]["id"]  # type: ignore[index]
    row = editor.row_of(member_id)
    assert row is not None and list(editor.rows.children[:-1]) == rows_before  # one row added, the others kept
    assert find(row, "kpa-f-gr-alias").value == "<b>Awa</b> 🌱"
    assert "<bdi>&lt;b&gt;Awa&lt;/b&gt; 🌱</bdi>" in step.facts.phones.value and "<b>Awa" not in step.facts.phones.value
    assert ">11<" in step.facts.mix.value  # the checklist's own mix counts them
    # the facilitator corrects the gender while the phone's person types their wishes: the
    # phone's save changes only what its person changed, so the correction stays
    find(row, "kpa-f-gr-gender").value = "woman"
    assert phone.save_card(wishes="cuisiner pour le quartier").ok  # the phone still shows « man »
    member = _file(served)["checklist"]["group"][-1]  # type: ignore[index]
    assert (member["gender"], member["interests"]) == ("woman", "cuisiner pour le quartier")
    again = PhoneKit(*served, key=phone.key)  # the page opened again on that phone
    assert again.form["gender"] == "woman" and again.form["alias"] == "<b>Awa</b> 🌱"


def test_the_facilitator_removes_a_phones_card_undoably(served: tuple[Workspace, str], workspace_dir: Path) -> None:
    laptop, app, step = _group_step(served, workspace_dir)
    phone = PhoneKit(*served)
    assert phone.save_card(alias="Awa", wishes="cuisiner").ok
    assert laptop.session.take_external_change()
    member_id = _file(served)["checklist"]["group"][-1]["id"]  # type: ignore[index]
    step.facts.editor.remove(member_id)
    assert member_id not in [m["id"] for m in _file(served)["checklist"]["group"]]  # type: ignore[index]
    state = phone.live()["me-state"]  # what the phone's page shows within seconds
    assert "retirée du groupe" in state and "Remettre ma fiche dans le groupe" in state
    assert "cuisiner" in PhoneKit(*served, key=phone.key).page()  # what was written is still there to put back
    app.notice.undo_button.click()  # « Annuler »: the card is back, and the phone says nothing more
    assert member_id in [m["id"] for m in _file(served)["checklist"]["group"]]  # type: ignore[index]
    state = phone.live()["me-state"]
    assert "retirée" not in state and "Mettre à jour ma fiche" in state
    # removed again; the phone puts its card back itself; a late « Annuler » adds no second copy
    step.facts.editor.remove(member_id)
    phone.live()
    reply = phone.save_card()
    assert "Fiche enregistrée" in reply.sections["me-status"]
    assert laptop.session.take_external_change()
    app.notice.undo_button.click()
    ids = [m["id"] for m in _file(served)["checklist"]["group"]]  # type: ignore[index]
    assert ids.count(member_id) == 1
    assert [m.id for m in app.checklist.group].count(member_id) == 1 and "refusé" not in laptop.shell.status.value


def test_a_person_typed_in_the_group_step_is_counted_on_the_projector(served: tuple[Workspace, str],
                                                                       workspace_dir: Path) -> None:
    projector = build_projector(_session(served))
    assert "<b>10</b>" in projector.counts.value
    laptop, app, step = _group_step(served, workspace_dir)
    step.facts.editor.add_button.click()
    assert projector.session.take_external_change()
    assert "<b>10</b>" in projector.counts.value  # an empty row is nobody yet (issue 18: it counted)
    # a direction override typed in a row (the phones refuse them) stays inside its name on the projector
    field_of(step.facts.editor.rows.children[-1], "kpa-f-gr-alias").value = "Zoé\u202e<i>x</i>"
    assert projector.session.take_external_change()
    assert "<b>11</b>" in projector.counts.value
    assert projector.mix.value.count("11") >= 1
    assert "<li><bdi>Zoé\u202e&lt;i&gt;x&lt;/i&gt;</bdi></li>" in projector.mix.value


def test_a_file_from_before_brings_its_room_people_into_the_group(served: tuple[Workspace, str]) -> None:
    workspace, name = served
    path = workspace.path_for(name)
    data = json.loads(path.read_text(encoding="utf-8"))
    phone_key = secrets.token_urlsafe(16)
    data["room"] = {"participants": [
        {"id": "0123456789ab", "owner": owner_of(phone_key), "alias": "Awa", "age_band": "18_25", "gender": "woman",
         "situations": ["rsa"], "wishes": "cuisiner", "skills": "coudre"},
        {"id": "ba9876543210", "owner": "facilitator", "alias": "Jo", "wishes": "jardiner"}]}
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    projector = build_projector(_session(served))
    group = _file(served)["checklist"]["group"]  # type: ignore[index]
    assert [(m["id"], m["alias"]) for m in group[-2:]] == [("0123456789ab", "Awa"), ("ba9876543210", "Jo")]
    assert "<b>12</b>" in projector.counts.value and "rejoint le groupe" in projector.moderation_status.value
    entries = _file(served)["room"]["participants"]  # type: ignore[index]
    assert [(p["id"], p["alias"]) for p in entries] == [("0123456789ab", "")]  # the card is the member's now
    phone = PhoneKit(*served, key=phone_key)
    assert (phone.form["alias"], phone.form["wishes"], phone.form["skills"]) == ("Awa", "cuisiner", "coudre")


def test_a_phone_and_the_group_step_saving_at_once_lose_nothing(served: tuple[Workspace, str],
                                                                 workspace_dir: Path) -> None:
    laptop, app, step = _group_step(served, workspace_dir)
    phone = PhoneKit(*served)
    assert phone.save_card(alias="Awa").ok  # the laptop has not followed yet: its copy is stale
    step.facts.editor.add_button.click()  # saved through the merge with the file
    field_of(step.facts.editor.rows.children[-1], "kpa-f-gr-alias").value = "Jo"
    group = _file(served)["checklist"]["group"]  # type: ignore[index]
    assert sorted(m["alias"] for m in group[-2:]) == ["Awa", "Jo"] and len(group) == 12
    assert len(_file(served)["room"]["participants"]) == 1  # type: ignore[index]
