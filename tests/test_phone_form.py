"""The phone's forms in Chromium (issue 18, point 5): every problem of a refused card shown at once beside its
field, named by the field (``aria-describedby``, ``aria-invalid``), the focus on the first; folds the person
opened stay open when the server draws their section again and after a reload.

A real ``kpa serve --atelier`` on 127.0.0.1 with a room of 12 phones written through the model
(:mod:`tests.roomseed`); the phone is a context at 390×844 with touch. Screenshot ``phone-form-errors.png``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from kpawidgets.model.room import contributions as rc
from kpawidgets.model.room.group import CARD_ALIAS_MAX, INTERESTS_MAX
from kpawidgets.model.room.records import owner_of
from kpawidgets.model.workbook import Workbook
from kpawidgets.storage.room import apply_now
from kpawidgets.storage.workspace import Workspace
from tests.conftest import EXAMPLE, screenshot_dir
from tests.roomseed import Seeded, seed_room
from tests.test_room_browser import AtelierServer, _phone

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[AtelierServer, Seeded]]:
    server = AtelierServer(tmp_path_factory.mktemp("atelier-form"))
    seeded = seed_room(Workspace(server.workspace), EXAMPLE.stem, 12)
    yield server, seeded
    server.stop()


def _problems(tab: Any) -> dict[str, str]:
    """Field id → its error, for every error slot shown."""
    return tab.eval_on_selector_all(".kpa-field-error:not([hidden])",
                                    "slots => Object.fromEntries(slots.map(s => [s.id.replace(/-error$/, ''), s.textContent]))")


def test_every_problem_of_a_card_is_shown_at_once_beside_its_field(room: tuple[AtelierServer, Seeded], browser: Any) -> None:
    server, _seeded = room
    tab = _phone(browser, server.participant_url)
    try:
        # a hostile or old client: the page's own bounds taken off, three fields wrong at once
        tab.evaluate("document.querySelectorAll('[maxlength]').forEach(f => f.removeAttribute('maxlength'))")
        tab.locator("#kpa-alias").fill("x" * (CARD_ALIAS_MAX + 10))
        tab.locator("#me-situation summary").tap()
        for box in tab.locator("#kpa-situations input[type=checkbox]").all()[:4]:
            box.check()
        tab.locator("#kpa-wishes").fill("\u200b\u3164\u2800")
        tab.locator("#kpa-skills").fill("coudre")
        tab.get_by_role("button", name="Enregistrer ma fiche").tap()
        tab.wait_for_selector("#me-status .kpa-banner-error", timeout=60_000)
        problems = _problems(tab)
        assert sorted(problems) == ["kpa-alias", "kpa-situations", "kpa-wishes"], problems
        assert "trop long" in problems["kpa-alias"] and "3 choix" in problems["kpa-situations"]
        assert "invisibles" in problems["kpa-wishes"]
        assert "3 champs à corriger" in tab.locator("#me-status").inner_text()
        for field in problems:  # each field names its error, and says it is invalid
            described = tab.locator(f"#{field}").get_attribute("aria-describedby") or ""
            assert f"{field}-error" in described.split(), (field, described)
        assert [tab.locator(f"#{f}").get_attribute("aria-invalid") for f in ("kpa-alias", "kpa-wishes")] == ["true", "true"]
        assert tab.locator("#kpa-skills").get_attribute("aria-invalid") is None
        assert tab.evaluate("document.activeElement.id") == "kpa-alias"  # the first problem has the focus
        # what was typed stays where it was
        assert tab.locator("#kpa-alias").input_value() == "x" * (CARD_ALIAS_MAX + 10)
        assert tab.locator("#kpa-skills").input_value() == "coudre"
        assert tab.locator("#kpa-alias").evaluate("f => f.getBoundingClientRect().bottom") < tab.locator(
            "#kpa-alias-error").evaluate("e => e.getBoundingClientRect().top") + 1  # the error right under its field
        tab.locator("#kpa-alias-error").scroll_into_view_if_needed()
        tab.screenshot(path=str(screenshot_dir() / "phone-form-errors.png"))
        # corrected: the card is saved and the errors go
        tab.locator("#kpa-alias").fill("Awa")
        tab.locator("#kpa-situations input[type=checkbox]").nth(3).uncheck()
        tab.locator("#kpa-wishes").fill("cuisiner")
        tab.get_by_role("button", name="Enregistrer ma fiche").tap()
        tab.wait_for_selector("text=Fiche enregistrée", timeout=60_000)
        assert _problems(tab) == {}
        assert tab.locator("[aria-invalid]").count() == 0
    finally:
        tab.context.close()


def _another_idea(workbook: Workbook) -> None:
    rc.add_idea(workbook.room, owner_of("another-phone-key-0123456789"), "Une laverie solidaire", "services")


def test_folds_stay_open_when_their_section_is_drawn_again_and_after_a_reload(room: tuple[AtelierServer, Seeded],
                                                                              browser: Any) -> None:
    server, _seeded = room
    tab = _phone(browser, server.participant_url)
    try:
        tab.locator("#dots-more summary").tap()
        tab.locator("#votes-more summary").tap()
        assert tab.evaluate("document.getElementById('dots-more').open && document.getElementById('votes-more').open")
        before = tab.locator("#dots button.kpa-dot").count()
        # another phone's idea: the server draws « Mes priorités » again on this phone
        apply_now(Workspace(server.workspace), EXAMPLE.stem, _another_idea)
        tab.wait_for_function(f"() => document.querySelectorAll('#dots button.kpa-dot').length > {before}", timeout=60_000)
        assert tab.evaluate("document.getElementById('dots-more').open"), "the fold closed when its section came back"
        assert tab.locator("#dots button.kpa-dot:has-text('Une laverie solidaire')").is_visible()
        tab.reload()
        tab.wait_for_selector("#me button.kpa-primary", state="visible", timeout=120_000)
        assert tab.evaluate("document.getElementById('dots-more').open && document.getElementById('votes-more').open")
        # closed again by the person: closed after a reload too
        tab.locator("#dots-more summary").tap()
        tab.reload()
        tab.wait_for_selector("#me button.kpa-primary", state="visible", timeout=120_000)
        assert not tab.evaluate("document.getElementById('dots-more').open")
        assert tab.evaluate("document.getElementById('votes-more').open")
    finally:
        tab.context.close()


def test_ticked_boxes_and_choices_are_kept_across_a_reload_until_sent(room: tuple[AtelierServer, Seeded], browser: Any) -> None:
    server, _seeded = room
    tab = _phone(browser, server.participant_url)
    try:
        tab.locator("#me-situation summary").tap()
        boxes = tab.locator("#kpa-situations input[type=checkbox]")
        boxes.nth(1).check()
        tab.locator("input[name=sensitive][value=no]").check()
        tab.locator("#kpa-gender").select_option("woman")
        tab.reload()
        tab.wait_for_selector("#me button.kpa-primary", state="visible", timeout=120_000)
        assert tab.evaluate("document.getElementById('me-situation').open")
        assert [boxes.nth(i).is_checked() for i in range(3)] == [False, True, False]
        assert tab.locator("input[name=sensitive][value=no]").is_checked()
        assert not tab.locator("input[name=sensitive][value=yes]").is_checked()
        assert tab.locator("#kpa-gender").input_value() == "woman"
        # a choice changed: the other one of its group is not put back
        tab.locator("input[name=sensitive][value=yes]").check()
        tab.reload()
        tab.wait_for_selector("#me button.kpa-primary", state="visible", timeout=120_000)
        assert tab.locator("input[name=sensitive][value=yes]").is_checked()
        assert not tab.locator("input[name=sensitive][value=no]").is_checked()
        # sent: the drafts are done with; the page shows what the file holds
        tab.get_by_role("button", name="Enregistrer ma fiche").tap()
        tab.wait_for_selector("text=Fiche enregistrée", timeout=60_000)
        drafts = tab.evaluate("JSON.parse(localStorage.getItem('kpa-drafts:/atelier') || '{}')")
        assert not [key for key in drafts if key.startswith(("situations=", "sensitive=", "kpa-gender"))], drafts
        tab.reload()
        tab.wait_for_selector("#me button.kpa-primary", state="visible", timeout=120_000)
        assert boxes.nth(1).is_checked() and tab.locator("#kpa-gender").input_value() == "woman"
    finally:
        tab.context.close()


def test_the_bound_wishes_and_skills_share_is_counted_before_the_send(room: tuple[AtelierServer, Seeded], browser: Any) -> None:
    """Each takes 300 characters, both together 500 (one field of the group): the page says so as it nears."""
    server, _seeded = room
    tab = _phone(browser, server.participant_url)
    try:
        shared = tab.locator("#kpa-interests-count")
        tab.locator("#kpa-wishes").fill("cuisiner")
        assert not shared.is_visible()
        tab.locator("#kpa-wishes").fill("w" * 300)
        tab.locator("#kpa-skills").fill("s" * 250)
        assert shared.is_visible() and shared.inner_text() == f"À eux deux : 552 / {INTERESTS_MAX} caractères"
        assert "kpa-full" in (shared.get_attribute("class") or "")
        assert "kpa-interests-count" in (tab.locator("#kpa-skills").get_attribute("aria-describedby") or "").split()
        tab.get_by_role("button", name="Enregistrer ma fiche").tap()  # the server says the same, beside the field
        tab.wait_for_selector("#kpa-wishes-error:has-text('à eux deux')", timeout=60_000)
        tab.locator("#kpa-skills").fill("s" * 150)
        assert shared.inner_text() == f"À eux deux : 452 / {INTERESTS_MAX} caractères"
        assert "kpa-full" not in (shared.get_attribute("class") or "")
        tab.get_by_role("button", name="Enregistrer ma fiche").tap()
        tab.wait_for_selector("text=Fiche enregistrée", timeout=60_000)
    finally:
        tab.context.close()
