"""The phone's language on its first visit (issue 18, point 5: an en-GB phone got French after the code).

The rule (:func:`kpawidgets.web.phone_fields.phone_language`): ``?lang=`` (the page's own switch), then the
``kpa-lang`` cookie the page keeps, then the phone's ``Accept-Language``, then French. Then in Chromium:
a real ``kpa serve --atelier`` on 127.0.0.1, phones as contexts at 390×844 with touch and a locale.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from kpawidgets.web.phone_fields import phone_language
from tests.test_room_browser import PHONE, AtelierServer


@pytest.mark.parametrize("asked, kept, accept, lang", [
    (None, None, "en-GB,en;q=0.9", "en"),
    (None, None, "en-US", "en"),
    (None, None, "de-DE,de;q=0.9,en;q=0.8,fr;q=0.7", "en"),  # the first the page speaks, by weight
    (None, None, "de-DE,fr;q=0.5,en;q=0.4", "fr"),
    (None, None, "fr-FR,fr;q=0.9,en;q=0.8", "fr"),
    (None, None, "en;q=0.2, fr;q=0.9", "fr"),  # weights, not order
    (None, None, "en;q=0", "fr"),  # « not English »
    (None, None, "ar-MA", "fr"),
    (None, None, "", "fr"),
    (None, None, None, "fr"),
    (None, None, "en;q=bogus, *", "fr"),
    (None, "fr", "en-GB", "fr"),  # a choice kept on the phone outweighs the phone's setting
    (None, "en", "fr-FR", "en"),
    ("fr", "en", "en-GB", "fr"),  # the page's switch outweighs both
    ("en", None, "fr", "en"),
    ("xx", None, "en-GB", "en"),  # an unknown ask is no ask
    (None, "xx", "en-GB", "en"),
])
def test_the_pages_language(asked: str | None, kept: str | None, accept: str | None, lang: str) -> None:
    assert phone_language(asked, kept, accept) == lang


def test_a_long_header_is_read_within_bounds() -> None:
    assert phone_language(None, None, "de," * 100_000 + "en") == "fr"  # only the first 20 languages are read
    assert phone_language(None, None, "de," * 5 + "en") == "en"


@pytest.fixture(scope="module")
def atelier(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AtelierServer]:
    server = AtelierServer(tmp_path_factory.mktemp("atelier-language"))
    yield server
    server.stop()


def _open(browser: Any, locale: str) -> Any:
    context = browser.new_context(**PHONE, locale=locale)
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("http://127.0.0.1", "data:"))
                  else route.abort())
    return context


def _shown(tab: Any) -> tuple[str, str]:
    tab.wait_for_selector("#me button.kpa-primary", state="visible", timeout=120_000)
    return tab.evaluate("document.documentElement.lang"), tab.locator("#me h2").inner_text()


@pytest.mark.slow
def test_an_english_phone_reads_english_from_the_code_on_and_keeps_a_choice(atelier: AtelierServer, browser: Any) -> None:
    context = _open(browser, "en-GB")
    try:
        tab = context.new_page()
        tab.goto(atelier.participant_url)  # the printed link: the code, then the page without ?lang=
        assert _shown(tab) == ("en", "Who I am")
        # the next visit keeps it, and the page's own requests (sends, following the file) are in English too
        tab.goto(f"{atelier.base}/atelier")
        assert _shown(tab) == ("en", "Who I am")
        tab.locator("#kpa-idea").fill("\u200b\u200b")
        tab.locator("#ideas").get_by_role("button", name="Add the idea to the wall").tap()
        tab.wait_for_selector("#kpa-idea-error:has-text('only invisible characters')", timeout=60_000)
        # the person chooses French on the page: kept for the next visits, although the phone says en-GB
        tab.locator("header a.kpa-lang").tap()
        assert _shown(tab) == ("fr", "Qui je suis")
        tab.goto(f"{atelier.base}/atelier")
        assert _shown(tab) == ("fr", "Qui je suis")
        cookie = next(c for c in context.cookies() if c["name"] == "kpa-lang")
        assert cookie["value"] == "fr" and cookie["sameSite"] == "Strict" and cookie["path"] == "/atelier"
    finally:
        context.close()


@pytest.mark.slow
def test_a_french_phone_reads_french(atelier: AtelierServer, browser: Any) -> None:
    context = _open(browser, "fr-FR")
    try:
        tab = context.new_page()
        tab.goto(atelier.participant_url)
        assert _shown(tab) == ("fr", "Qui je suis")
    finally:
        context.close()
