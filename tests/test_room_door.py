"""The room's doors (issue 20): limits that count people, not keys; the facilitator's door.

A real ``kpa serve --atelier`` on 127.0.0.1 (the tests reach it there only); each visitor is its
own cookie jar, as separate phones are. The server gives the phones' keys, signed with the
workshop's secret: an invented key is refused (nothing saved) and the page gives a key of its
own instead; the facilitator's page ``/atelier/animation`` counts new phones, closes the door
to new ones (phones in keep going), rotates the codes (phones in keep their place) and ends the
workshop. Answers carry no ``Server`` header, and a wrong ``Host`` is refused everywhere.
"""

from __future__ import annotations

import json
import secrets
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest

from kpawidgets.web import handlers as web_handlers
from tests.test_security_atelier import Atelier, Visitor

pytestmark = pytest.mark.slow

FORM = {"Content-Type": "application/x-www-form-urlencoded", "X-KPA-Phone": "1"}


@pytest.fixture(scope="module")
def atelier(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Atelier]:
    server = Atelier(tmp_path_factory.mktemp("door"), 0)
    yield server
    server.stop()


def _phone(atelier: Atelier, code: str | None = None) -> Visitor:
    phone = Visitor(atelier)
    status, _headers, _body = phone.request("GET", "/atelier?code=" + urllib.parse.quote(code or atelier.participant_code))
    assert status == 200 and "kpa-phone=" in phone.cookie
    return phone


def _post(phone: Visitor, **fields: str) -> tuple[int, dict[str, Any]]:
    status, _headers, body = phone.request("POST", "/atelier", urllib.parse.urlencode(fields).encode(), FORM)
    return status, json.loads(body)


def _room(atelier: Atelier) -> dict[str, Any]:
    return json.loads(atelier.file.read_text(encoding="utf-8")).get("room") or {}


def _key(phone: Visitor) -> str:
    return next(c.split("=", 1)[1] for c in phone.cookie.split("; ") if c.startswith("kpa-phone="))


def test_invented_keys_put_nothing_in_the_room(atelier: Atelier) -> None:
    author = _phone(atelier)
    assert _post(author, action="idea", text="Friperie solidaire", kind="autre", send=secrets.token_hex(16))[1]["ok"]
    idea = next(i["id"] for i in _room(atelier)["ideas"] if i["text"] == "Friperie solidaire")
    stuffer = _phone(atelier)
    given = _key(stuffer)
    for _attempt in range(30):  # a script inventing keys, each as long as a real one
        invented = secrets.token_urlsafe(33)[:44]
        stuffer.cookie = "; ".join(c for c in stuffer.cookie.split("; ") if not c.startswith("kpa-phone=")) + f"; kpa-phone={invented}"
        status, reply = _post(stuffer, action="dot", idea=idea, want="on")
        assert status == 403 and reply["ok"] is False and "rechargez la page" in reply["message"]
    assert [d for d in _room(atelier).get("dots", []) if d["idea"] == idea] == []
    # the page gives a key of its own in place of an invented one
    status, _headers, _body = stuffer.request("GET", "/atelier")
    assert status == 200 and _key(stuffer) not in (invented, given)
    assert _post(stuffer, action="dot", idea=idea, want="on")[1]["ok"]
    assert len([d for d in _room(atelier)["dots"] if d["idea"] == idea]) == 1


def test_new_keys_are_limited_per_address_and_in_all(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(web_handlers, "_minted", type(web_handlers._minted)())
    monkeypatch.setattr(web_handlers, "_minted_by_address", {})
    now = 1000.0
    assert all(web_handlers._may_mint("192.168.1.50", now) == "" for _ in range(web_handlers.KEYS_PER_ADDRESS))
    assert "attendez une minute" in web_handlers.translate(web_handlers._may_mint("192.168.1.50", now), "fr")
    assert web_handlers._may_mint("192.168.1.51", now) == ""  # another phone is not held back
    assert web_handlers._may_mint("192.168.1.50", now + 61) == ""  # a minute later
    for minute in range(2, 10):
        for _ in range(web_handlers.KEYS_PER_ADDRESS):
            web_handlers._may_mint("192.168.1.50", now + 61 * minute)
    assert web_handlers._may_mint("192.168.1.50", now + 61 * 11) != ""  # no more than so many in all
    assert web_handlers.mint_stats()["refused"] >= 2


def test_the_facilitator_sees_new_phones_and_closes_the_door(atelier: Atelier) -> None:
    facilitator = Visitor(atelier)
    status, _headers, page = facilitator.request("GET", "/atelier/animation?code=" + urllib.parse.quote(atelier.facilitator_code))
    assert status == 200 and "Nouveaux téléphones" in page and "Fermer la porte" in page
    inside = _phone(atelier)
    assert _phone(atelier).request("GET", "/atelier/animation")[0] in (302, 403)  # not for participants
    status, _headers, _page = facilitator.request("POST", "/atelier/animation", b"action=close",
                                                  {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 303
    newcomer = Visitor(atelier)
    status, _headers, page = newcomer.request("GET", "/atelier?code=" + urllib.parse.quote(atelier.participant_code))
    assert status == 403 and "accueille plus de nouveaux téléphones" in page and "kpa-phone=" not in newcomer.cookie
    assert "erreur inattendue" not in page.lower()
    assert _post(inside, action="idea", text="Atelier pendant la porte fermée", kind="autre", send=secrets.token_hex(16))[1]["ok"]
    facilitator.request("POST", "/atelier/animation", b"action=open", {"Content-Type": "application/x-www-form-urlencoded"})
    assert newcomer.request("GET", "/atelier")[0] == 200


def test_rotating_keeps_the_phones_in_and_ending_lets_nobody_in(atelier: Atelier) -> None:
    facilitator = Visitor(atelier)
    facilitator.request("GET", "/atelier/animation?code=" + urllib.parse.quote(atelier.facilitator_code))
    inside = _phone(atelier)
    status, _headers, _page = facilitator.request("POST", "/atelier/animation", b"action=rotate",
                                                  {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 303
    late = Visitor(atelier)
    status, _headers, _body = late.request("GET", "/atelier?code=" + urllib.parse.quote(atelier.participant_code))
    assert status == 302  # the old code opens nothing any more
    assert _post(inside, action="idea", text="Après le changement de code", kind="autre", send=secrets.token_hex(16))[1]["ok"]
    status, _headers, page = facilitator.request("POST", "/atelier/animation", b"action=end",
                                                 {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200 and "Atelier terminé" in page
    assert inside.request("POST", "/atelier", b"action=idea&text=x", FORM)[0] == 403
    assert facilitator.request("GET", "/atelier/animation")[0] in (302, 403)


def test_no_server_header_and_the_host_checked_everywhere(atelier: Atelier) -> None:
    visitor = Visitor(atelier)
    for path in ("/login", "/voila/templates/kpa/static/phone.js", "/atelier"):
        status, headers, _body = visitor.request("GET", path)
        assert "server" not in headers, path
        assert visitor.request("GET", path, headers={"Host": "attacker.example"})[0] == 403, path
        assert visitor.request("GET", path, headers={"Host": f"attacker.example:{atelier.port}"})[0] == 403, path
