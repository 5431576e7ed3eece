"""The room's pages without a browser: set widget values, read the file and the HTML.

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
from kpawidgets.app.room.participant import build_participant
from kpawidgets.app.room.projector import build_projector
from kpawidgets.app.room.store import contribute
from kpawidgets.app.session import WorkbookSession
from kpawidgets.model.room import contributions as rc
from kpawidgets.model.room.records import owner_of
from kpawidgets.storage.workspace import Workspace
from tests.pagekit import field_of, find, open_page


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


def _phone(served: tuple[Workspace, str], lang: str = "fr"):  # type: ignore[no-untyped-def]
    page = build_participant(_session(served, lang))
    key = secrets.token_urlsafe(16)
    page.key.value = key
    return page, key


def test_a_phone_joins_adds_an_idea_votes_and_dots(served: tuple[Workspace, str]) -> None:
    page, key = _phone(served)
    assert page.forms.layout.display == "flex"
    page.alias.value, page.age.value, page.gender.value = "Awa", "18_25", "undisclosed"
    page.situations["student"].value = True
    page.wishes.value, page.skills.value = "cuisiner", "coudre"
    page.save_me.click()
    assert "Fiche enregistrée" in page.me_status.value
    page.idea_text.value, page.idea_kind.value = "Buffets <b>du</b> quartier", "cuisine"
    page.add_idea.click()
    assert "ajoutée" in page.idea_status.value
    page.votes["reciprocity"].value = "adopt"
    page.dot_buttons[next(iter(page.dot_buttons))].value = True
    data = _file(served)
    room, group = data["room"], data["checklist"]["group"]  # type: ignore[index]
    assert isinstance(room, dict) and isinstance(group, list)
    [entry] = room["participants"]
    member = group[-1]  # after the ten people of the example
    assert member["id"] == entry["id"] and entry["owner"] == owner_of(key) and entry["alias"] == ""
    assert (member["alias"], member["age_band"], member["gender"], member["situations"], member["interests"]) == (
        "Awa", "18_25", None, ["student"], "cuisiner; coudre")
    assert key not in json.dumps(data)
    assert room["ideas"][0]["text"] == "Buffets <b>du</b> quartier"
    assert room["votes"][0]["choice"] == "adopt" and len(room["dots"]) == 1


def test_the_phone_finds_its_entries_again(served: tuple[Workspace, str]) -> None:
    page, key = _phone(served)
    page.alias.value = "Awa"
    page.save_me.click()
    page.votes["charters"].value = "discuss"
    again = build_participant(_session(served))
    again.key.value = key
    assert again.alias.value == "Awa" and again.votes["charters"].value == "discuss"
    assert again.save_me.description == "Mettre à jour ma fiche"
    stranger, _key = _phone(served)
    assert stranger.alias.value == "" and stranger.votes["charters"].value is None


def test_two_phones_saving_lose_nothing(served: tuple[Workspace, str]) -> None:
    first, _k1 = _phone(served)
    second, _k2 = _phone(served)  # opened before the first one saves: its copy is stale
    first.idea_text.value = "Jardin partagé"
    first.add_idea.click()
    second.idea_text.value = "Sérigraphie de t-shirts"
    second.add_idea.click()
    texts = [idea["text"] for idea in _file(served)["room"]["ideas"]]  # type: ignore[index]
    assert texts == ["Jardin partagé", "Sérigraphie de t-shirts"]


def test_refused_entry_says_why_and_keeps_the_text(served: tuple[Workspace, str]) -> None:
    page, _key = _phone(served, "en")
    page.idea_text.value = "x" * 10_000
    page.add_idea.click()
    assert "too long" in page.idea_status.value
    assert page.idea_text.value == "x" * 10_000
    assert _file(served).get("room") is None  # nothing written
    page.wishes.value = "ok\x07bell"
    page.save_me.click()
    assert "control characters" in page.me_status.value and page.wishes.value == "ok\x07bell"


def test_a_phone_cannot_touch_another_phones_idea(served: tuple[Workspace, str]) -> None:
    mine, _k = _phone(served)
    mine.idea_text.value = "Mon idée"
    mine.add_idea.click()
    idea_id = _file(served)["room"]["ideas"][0]["id"]  # type: ignore[index]
    other, _k2 = _phone(served)
    other._edit(idea_id)  # as if its page sent the id of someone else's idea
    other.idea_text.value = "piratée"
    other.add_idea.click()
    assert "another phone" in other.idea_status.value or "autre téléphone" in other.idea_status.value
    assert _file(served)["room"]["ideas"][0]["text"] == "Mon idée"  # type: ignore[index]


def test_projector_shows_totals_and_escapes(served: tuple[Workspace, str]) -> None:
    phone, _key = _phone(served)
    phone.idea_text.value, phone.idea_kind.value = "<img src=x onerror=alert(1)> 🍲", "cuisine"
    phone.add_idea.click()
    phone.alias.value = "<script>x</script>"
    phone.save_me.click()
    projector = build_projector(_session(served))
    assert "&lt;img src=x onerror=alert(1)&gt; 🍲" in projector.wall.value
    assert "<img src=x" not in projector.wall.value and "<script>x" not in projector.mix.value
    assert "<b>1</b>" in projector.counts.value
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
    assert _file(served).get("room") in (None, {"participants": [], "ideas": [], "votes": [], "dots": []})
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
    phone, _key = _phone(served)
    phone.alias.value, phone.gender.value = "<b>Awa</b> 🌱", "man"
    phone.save_me.click()
    assert laptop.session.take_external_change()  # what the live watcher does when the file changes
    member_id = _file(served)["checklist"]["group"][-1]["id"]  # type: ignore[index]
    row = editor.row_of(member_id)
    assert row is not None and list(editor.rows.children[:-1]) == rows_before  # one row added, the others kept
    assert find(row, "kpa-f-gr-alias").value == "<b>Awa</b> 🌱"
    assert "<bdi>&lt;b&gt;Awa&lt;/b&gt; 🌱</bdi>" in step.facts.phones.value and "<b>Awa" not in step.facts.phones.value
    assert ">11<" in step.facts.mix.value  # the checklist's own mix counts them
    # the facilitator corrects the gender while the phone's person types their wishes: the open
    # phone shows the correction, keeps the typing, and its save changes only what it changed
    phone.wishes.value = "cuisiner pour le quartier"
    find(row, "kpa-f-gr-gender").value = "woman"
    phone.save_me.click()  # before its page followed the correction
    member = _file(served)["checklist"]["group"][-1]  # type: ignore[index]
    assert (member["gender"], member["interests"]) == ("woman", "cuisiner pour le quartier")
    assert phone.gender.value == "woman"
    phone.skills.value = "coudre"  # typing, not saved yet
    find(row, "kpa-f-gr-age").value = "36_50"
    assert phone.session.take_external_change()
    assert phone.age.value == "36_50" and phone.skills.value == "coudre"
    again = build_participant(_session(served))
    again.key.value = _key
    assert again.gender.value == "woman" and again.alias.value == "<b>Awa</b> 🌱"


def test_the_facilitator_removes_a_phones_card_undoably(served: tuple[Workspace, str], workspace_dir: Path) -> None:
    laptop, app, step = _group_step(served, workspace_dir)
    phone, _key = _phone(served)
    phone.alias.value, phone.wishes.value = "Awa", "cuisiner"
    phone.save_me.click()
    assert laptop.session.take_external_change()
    member_id = _file(served)["checklist"]["group"][-1]["id"]  # type: ignore[index]
    step.facts.editor.remove(member_id)
    assert member_id not in [m["id"] for m in _file(served)["checklist"]["group"]]  # type: ignore[index]
    assert phone.session.take_external_change()
    assert phone.card_notice.layout.display == "flex" and "retirée du groupe" in phone.card_notice.value
    assert phone.save_me.description == "Remettre ma fiche dans le groupe" and phone.wishes.value == "cuisiner"
    app.notice.undo_button.click()  # « Annuler »: the card is back, and the phone says nothing more
    assert member_id in [m["id"] for m in _file(served)["checklist"]["group"]]  # type: ignore[index]
    assert phone.session.take_external_change()
    assert phone.card_notice.layout.display == "none" and phone.save_me.description == "Mettre à jour ma fiche"
    # removed again; the phone puts its card back itself; a late « Annuler » adds no second copy
    step.facts.editor.remove(member_id)
    phone.session.take_external_change()
    phone.save_me.click()
    assert "Fiche enregistrée" in phone.me_status.value
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
    assert "<b>11</b>" in projector.counts.value
    assert projector.mix.value.count("11") >= 1
    # a direction override typed in a row (the phones refuse them) stays inside its name on the projector
    field_of(step.facts.editor.rows.children[-1], "kpa-f-gr-alias").value = "Zoé\u202e<i>x</i>"
    assert projector.session.take_external_change()
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
    phone = build_participant(_session(served))
    phone.key.value = phone_key
    assert (phone.alias.value, phone.wishes.value, phone.skills.value) == ("Awa", "cuisiner", "coudre")


def test_a_phone_and_the_group_step_saving_at_once_lose_nothing(served: tuple[Workspace, str],
                                                                 workspace_dir: Path) -> None:
    laptop, app, step = _group_step(served, workspace_dir)
    phone, _key = _phone(served)
    phone.alias.value = "Awa"
    phone.save_me.click()  # the laptop has not followed yet: its copy is stale
    step.facts.editor.add_button.click()  # saved through the merge with the file
    field_of(step.facts.editor.rows.children[-1], "kpa-f-gr-alias").value = "Jo"
    group = _file(served)["checklist"]["group"]  # type: ignore[index]
    assert sorted(m["alias"] for m in group[-2:]) == ["Awa", "Jo"] and len(group) == 12
    assert len(_file(served)["room"]["participants"]) == 1  # type: ignore[index]
