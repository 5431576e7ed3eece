"""The participant page without a browser: the forms a phone sends, the file, the HTML it gets back."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kpawidgets.model.room.records import owner_of
from kpawidgets.storage.workspace import Workspace
from kpawidgets.web import phone as web_phone
from tests.phonekit import PhoneKit


@pytest.fixture
def served(workspace_dir: Path, example_path: Path) -> tuple[Workspace, str]:
    shutil.copy(example_path, workspace_dir / example_path.name)
    return Workspace(workspace_dir), example_path.stem


@pytest.fixture(autouse=True)
def _fresh_rate() -> None:
    web_phone._sent.clear()


def _file(served: tuple[Workspace, str]) -> dict[str, object]:
    workspace, name = served
    return json.loads(workspace.path_for(name).read_text(encoding="utf-8"))


def test_a_phone_joins_adds_an_idea_votes_and_dots(served: tuple[Workspace, str]) -> None:
    phone = PhoneKit(*served)
    reply = phone.save_card(alias="Awa", age_band="18_25", gender="undisclosed", situations=["student"],
                            wishes="cuisiner", skills="coudre")
    assert reply.ok and "Fiche enregistrée" in reply.sections["me-status"]
    assert "Mettre à jour ma fiche" in reply.sections["me-state"]
    reply = phone.send("idea", text="Buffets <b>du</b> quartier", kind="cuisine")
    assert reply.ok and "envoyée. Au mur" in reply.sections["idea-status"]
    assert "Buffets &lt;b&gt;du&lt;/b&gt; quartier" in reply.sections["my-ideas"]  # escaped, never markup
    assert "<b>du</b>" not in reply.sections["my-ideas"] + reply.sections["dots"]
    assert 'name="text" maxlength="140" placeholder' in reply.sections["idea-fields"] and "Buffets" not in reply.sections["idea-fields"]
    assert phone.send("vote", commitment="reciprocity", choice="adopt").ok
    idea_id = _file(served)["room"]["ideas"][0]["id"]  # type: ignore[index]
    reply = phone.send("dot", idea=idea_id)
    assert reply.ok and "Gommette posée" in reply.sections["dots"] and 'aria-pressed="true"' in reply.sections["dots"]
    data = _file(served)
    room, group = data["room"], data["checklist"]["group"]  # type: ignore[index]
    assert isinstance(room, dict) and isinstance(group, list)
    [entry] = room["participants"]
    member = group[-1]  # after the ten people of the example
    assert member["id"] == entry["id"] and entry["owner"] == owner_of(phone.key) and entry["alias"] == ""
    assert (member["alias"], member["age_band"], member["gender"], member["situations"], member["interests"]) == (
        "Awa", "18_25", None, ["student"], "cuisiner; coudre")
    assert phone.key not in json.dumps(data)
    assert room["ideas"][0]["text"] == "Buffets <b>du</b> quartier"
    assert room["votes"][0]["choice"] == "adopt" and len(room["dots"]) == 1
    # tapping the chosen answer again takes the vote back; the dot too
    assert phone.send("vote", commitment="reciprocity", choice="").ok and phone.send("dot", idea=idea_id).ok
    assert _file(served)["room"]["votes"] == [] and _file(served)["room"]["dots"] == []  # type: ignore[index]


def test_the_phone_finds_its_entries_again(served: tuple[Workspace, str]) -> None:
    phone = PhoneKit(*served)
    phone.save_card(alias="Awa")
    phone.send("vote", commitment="charters", choice="discuss")
    again = PhoneKit(*served, key=phone.key)
    assert again.form["alias"] == "Awa"
    page = again.page()
    body = page.split("</style>", 1)[1]  # (the page's style names the pressed buttons too)
    assert "Mettre à jour ma fiche" in body and body.count('aria-pressed="true"') == 1
    stranger = PhoneKit(*served)
    assert stranger.form["alias"] == "" and 'aria-pressed="true"' not in stranger.page().split("</style>", 1)[1]
    assert "Enregistrer ma fiche" in stranger.page()


def test_two_phones_saving_lose_nothing(served: tuple[Workspace, str]) -> None:
    first, second = PhoneKit(*served), PhoneKit(*served)  # both pages open before either saves
    assert first.send("idea", text="Jardin partagé", kind="jardin").ok
    assert second.send("idea", text="Sérigraphie de t-shirts", kind="serigraphie").ok
    texts = [idea["text"] for idea in _file(served)["room"]["ideas"]]  # type: ignore[index]
    assert texts == ["Jardin partagé", "Sérigraphie de t-shirts"]
    assert "Jardin partagé" in second.live()["dots"]  # the other phone's idea, to put a dot on


def test_a_refused_entry_says_why_and_sends_back_only_its_message(served: tuple[Workspace, str]) -> None:
    phone = PhoneKit(*served, lang="en")
    reply = phone.send("idea", text="x" * 10_000, kind="cuisine")
    # the typed text stays on the phone: only the status and the form's error slots come back
    assert not reply.ok and sorted(reply.sections) == ["idea-status", "kpa-idea-error", "kpa-kind-error"]
    assert "too long" in reply.sections["kpa-idea-error"] and "My idea" in reply.sections["idea-status"]
    assert _file(served).get("room") is None  # nothing written
    reply = phone.save_card(wishes="ok\x07bell")
    assert not reply.ok and "control characters" in reply.sections["kpa-wishes-error"]
    reply = phone.save_card(situations=["student", "rsa", "parent", "employee"])  # two problems, both said
    assert not reply.ok and "3 choices at most" in reply.sections["kpa-situations-error"]
    assert "control characters" in reply.sections["kpa-wishes-error"] and "2 fields to correct" in reply.sections["me-status"]
    reply = phone.send("vote", commitment="nope", choice="adopt")
    assert not reply.ok and "not recognised" in reply.sections["votes"]  # the buttons as the file says
    assert not phone.send("fly").ok


def test_a_phone_cannot_touch_another_phones_idea(served: tuple[Workspace, str]) -> None:
    mine = PhoneKit(*served)
    assert mine.send("idea", text="Mon idée", kind="autre").ok
    idea_id = _file(served)["room"]["ideas"][0]["id"]  # type: ignore[index]
    other = PhoneKit(*served)
    for reply in (other.send("idea", idea=idea_id, text="piratée", kind="autre"), other.send("idea-remove", idea=idea_id),
                  other.send("idea-edit", idea=idea_id)):
        assert not reply.ok
        assert "autre téléphone" in json.dumps(reply.sections, ensure_ascii=False) or "plus au mur" in json.dumps(
            reply.sections, ensure_ascii=False)
    assert _file(served)["room"]["ideas"][0]["text"] == "Mon idée"  # type: ignore[index]
    assert "Mon idée" not in other.page().split('id="my-ideas"')[1].split("</ul>")[0]
    # its owner edits it: the form comes back filled, the save changes it
    reply = mine.send("idea-edit", idea=idea_id)
    assert "Mon idée" in reply.sections["idea-fields"] and "Enregistrer la modification" in reply.sections["idea-fields"]
    assert mine.send("idea", idea=idea_id, text="Mon idée, mieux dite", kind="autre").ok
    assert _file(served)["room"]["ideas"][0]["text"] == "Mon idée, mieux dite"  # type: ignore[index]
    assert mine.send("idea-remove", idea=idea_id).ok and _file(served)["room"]["ideas"] == []  # type: ignore[index]


def test_a_phone_sending_too_fast_is_slowed_down(served: tuple[Workspace, str]) -> None:
    phone = PhoneKit(*served)
    replies = [phone.send("vote", commitment="reciprocity", choice="adopt") for _ in range(web_phone.RATE_PER_MINUTE + 1)]
    assert all(r.ok for r in replies[:-1]) and not replies[-1].ok
    assert "attendez une minute" in replies[-1].sections["votes"]
    assert PhoneKit(*served).send("vote", commitment="reciprocity", choice="adopt").ok  # another phone is not


def test_the_page_in_both_languages_escapes_the_workbook(served: tuple[Workspace, str]) -> None:
    workspace, name = served
    opened = workspace.open(name)
    opened.workbook.identity.territory = '<script>alert(1)</script> Tisserands'
    workspace.save(opened)
    for lang, title in (("fr", "Qui je suis"), ("en", "Who I am")):
        page = PhoneKit(*served, lang=lang).page()
        assert title in page and f'<html lang="{lang}">' in page
        assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; Tisserands" in page
        assert page.count("<script") == 1  # the page's own script, nothing else


def test_the_phones_read_the_budget_as_the_pdf_shows_it(served: tuple[Workspace, str]) -> None:
    """« Des budgets ouverts à toutes et tous »: read only, the parts and whole percents of the PDF."""
    from kpawidgets.model import budget

    workspace, name = served
    figures = budget.budget_figures(workspace.open(name).workbook)
    page = PhoneKit(*served).page()
    section = page.split('id="budget"')[1].split("</section>")[0]
    for key, percent in figures.percents.items():
        if figures.euros.parts[key] > 0:
            assert f"· {percent}\u00a0%" in section, key
    assert sum(figures.percents.values()) == 100
    assert "<form" not in section  # nothing to change there
    assert "Our budget, open to everyone" in PhoneKit(*served, lang="en").page()
    fresh = workspace.create("Quartier neuf")
    assert "pas encore chiffré" in PhoneKit(workspace, fresh.name).live()["budget"]


def test_an_unexpected_failure_says_so_on_the_phone_and_only_the_log_has_the_traceback(
        served: tuple[Workspace, str], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    from kpawidgets.model.room import contributions

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("/srv/secret/path")

    monkeypatch.setattr(contributions, "add_idea", broken)
    reply = PhoneKit(*served).send("idea", text="Jardin", kind="jardin")
    assert not reply.ok and "erreur inattendue" in reply.sections["idea-status"]
    assert "/srv/secret" not in json.dumps(reply.sections) and "/srv/secret/path" in caplog.text
