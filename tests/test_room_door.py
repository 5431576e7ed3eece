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
import re
import secrets
import socket
import time
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


def test_no_server_header_and_the_host_checked_everywhere(atelier: Atelier) -> None:
    visitor = Visitor(atelier)
    for path in ("/login", "/voila/templates/kpa/static/phone.js", "/atelier"):
        status, headers, _body = visitor.request("GET", path)
        assert "server" not in headers, path
        assert visitor.request("GET", path, headers={"Host": "attacker.example"})[0] == 403, path
        assert visitor.request("GET", path, headers={"Host": f"attacker.example:{atelier.port}"})[0] == 403, path


def _raw(atelier: Atelier, source: str = "127.0.0.1") -> socket.socket:
    """A TCP connection to the server from *source* (another loopback address stands for another phone)."""
    sock = socket.socket()
    sock.bind((source, 0))
    sock.settimeout(120)
    sock.connect(("127.0.0.1", atelier.port))
    return sock


def _join_from(atelier: Atelier, code: str, source: str) -> int:
    sock = _raw(atelier, source)
    body = urllib.parse.urlencode({"code": code}).encode()
    sock.sendall(b"POST /login HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                 b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (atelier.port, len(body), body))
    answer = b""
    while chunk := sock.recv(65536):
        answer += chunk
    sock.close()
    return int(answer.split(b" ", 2)[1])


def test_the_join_code_only_on_the_join_form_and_a_guesser_locks_out_only_itself(atelier: Atelier) -> None:
    join = re.search(r"Code à taper sur \S+ : (\S+)", atelier.log()).group(1)  # type: ignore[union-attr]
    visitor = Visitor(atelier)
    for path in (f"/atelier?code={join}", f"/atelier/live?code={join}", f"/atelier?code={join.replace('-', '')}"):
        status, _headers, _body = visitor.request("GET", path)
        assert status in (302, 403) and "kpa-phone=" not in visitor.cookie, path  # no ?code= bypass
    statuses = [_join_from(atelier, f"ZZZ-ZZ{n % 10}", "127.0.0.9") for n in range(25)]
    assert statuses[0] == 403 and statuses[-1] == 429
    assert _join_from(atelier, join, "127.0.0.9") == 429  # the guesser waits a minute…
    assert _join_from(atelier, join, "127.0.0.10") == 302  # …another phone is let in at once
    # the flood of wrong guesses is not a line each in the facilitator's terminal
    assert len(re.findall(r"40[0-9] POST /login", atelier.log())) < 5


def test_half_open_and_too_many_connections_are_closed(atelier: Atelier) -> None:
    from kpawidgets.config.server import CONNECTIONS_PER_CLIENT

    half = _raw(atelier, "127.0.0.20")
    half.sendall(b"GET /login HT")  # half a request line, and then nothing
    started = time.monotonic()
    assert half.recv(100) == b""  # the server closed it (the socket waits up to 120 s)
    held = time.monotonic() - started
    half.close()
    many = [_raw(atelier, "127.0.0.21") for _ in range(CONNECTIONS_PER_CLIENT)]
    one_more = _raw(atelier, "127.0.0.21")
    assert one_more.recv(100) == b""  # closed at once: the address holds its share
    other = Visitor(atelier)
    assert other.request("GET", "/login")[0] == 200  # everyone else is served
    for sock in [*many, one_more]:
        sock.close()
    print(f"half-open connection held {held:.1f} s")


def test_bodies_are_refused_before_they_are_read(atelier: Atelier) -> None:
    phone = _phone(atelier)
    status, reply = _post(phone, action="idea", text="x" * 40_000, kind="autre")
    assert status == 413 and "trop long" in reply["message"]
    sock = _raw(atelier)
    sock.sendall(b"POST /login HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                 b"Content-Length: 95000000\r\n\r\ncode=" % atelier.port)  # announces 95 MB, sends 5 bytes
    answer = sock.recv(65536)
    sock.close()
    assert answer.startswith(b"HTTP/1.1 413")
    # any other handler: past the server's bound (1 MB) the connection is closed unread
    sock = _raw(atelier)
    sock.sendall(b"POST /voila/api/shutdown/x HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Length: 95000000\r\n\r\n"
                 % atelier.port)
    try:
        answer = sock.recv(65536)
    except ConnectionResetError:
        answer = b""
    sock.close()
    assert answer == b"" or answer.startswith(b"HTTP/1.1 4")


def test_the_facilitators_door_page_refuses_a_large_body_before_reading_it(atelier: Atelier) -> None:
    """``/atelier/animation`` answers anyone who reaches the server: a body past 1 kB is refused from
    its ``Content-Length`` (it waited for 900 kB — read into memory, then a 403 — before)."""
    sock = _raw(atelier)
    sock.sendall(b"POST /atelier/animation HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
                 b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 900000\r\n\r\naction=end"
                 % atelier.port)  # announces 900 kB, sends 10 bytes
    answer = sock.recv(65536)
    sock.close()
    assert answer.startswith(b"HTTP/1.1 413")
    facilitator = Visitor(atelier)  # the page's own forms still pass
    facilitator.request("GET", "/atelier/animation?code=" + urllib.parse.quote(atelier.facilitator_code))
    assert facilitator.request("POST", "/atelier/animation", b"action=open",
                               {"Content-Type": "application/x-www-form-urlencoded"})[0] == 303


def test_a_phone_downloads_what_changed_only_and_gzipped(atelier: Atelier) -> None:
    follower, author = _phone(atelier), _phone(atelier)
    status, _headers, body = follower.request("GET", "/atelier/live?revision=")
    first = json.loads(body)
    assert status == 200 and set(first["sections"]) == set(first["hashes"]) and "budget" in first["sections"]
    have = ",".join(f"{k}:{v}" for k, v in first["hashes"].items())
    assert _post(author, action="idea", text="Marché de producteurs", kind="autre", send=secrets.token_hex(16))[1]["ok"]
    status, _headers, body = follower.request("GET", "/atelier/live?revision=" + urllib.parse.quote(first["revision"])
                                              + "&have=" + urllib.parse.quote(have))
    news = json.loads(body)
    assert status == 200 and "Marché de producteurs" in news["sections"]["dots"]
    assert "budget" not in news["sections"] and "me-state" not in news["sections"]  # unchanged: not sent again
    assert set(news["hashes"]) == set(first["hashes"])
    status, headers, _body = follower.request("GET", "/atelier", headers={"Accept-Encoding": "gzip"})
    assert status == 200 and headers.get("content-encoding") == "gzip"


def test_malformed_addresses_and_refused_websockets_log_no_traceback(atelier: Atelier) -> None:
    visitor = Visitor(atelier)
    assert visitor.request("GET", "/voila/templates/kpa/static/kpa.css")[0] == 200
    for path in ("/voila/templates/kpa", "/voila/templates/", "/voila/templates/kpa/static/", "/voila/templates/kpa/x.js",
                 "/voila/templates/kpa/static/%2e%2e/%2e%2e/x", "/voila/templates/..%2f..%2fetc/passwd",
                 "/voila/templates/kpa/static/%00"):
        assert visitor.request("GET", path)[0] == 404, path
    # a kernel's websocket refused (no code): one line in the log, no traceback
    assert visitor.websocket("/api/kernels/0f8fad5b-d9cb-469f-a165-70867728950e/channels") == 403
    assert "Traceback" not in atelier.log()


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
    assert facilitator.request("POST", "/atelier/animation", b"action=end",  # the box not ticked: nothing ends
                               {"Content-Type": "application/x-www-form-urlencoded"})[0] == 400
    assert inside.request("GET", "/atelier")[0] == 200
    status, _headers, page = facilitator.request("POST", "/atelier/animation", b"action=end&sure=1",
                                                 {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200 and "Atelier terminé" in page
    assert inside.request("POST", "/atelier", b"action=idea&text=x", FORM)[0] == 403
    assert facilitator.request("GET", "/atelier/animation")[0] in (302, 403)


