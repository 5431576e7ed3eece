"""The server ``kpa serve`` runs: Voilà, with a door that holds (``python -m kpawidgets.config.server``).

Voilà builds its tornado server with tornado's defaults (``Application.listen``): an hour to
send a request's headers, 100 MB of body read into memory before any handler looks, no bound
on connections, the ``Host`` header checked by jupyter_server's handlers only, and a
``Server: TornadoServer/x`` header on every answer. :class:`KpaVoila` is Voilà with:

* a request's headers within :data:`HEADER_SECONDS` (``idle_connection_timeout``: a connection
  that sent half a request line is closed, as is an idle keep-alive one), its body within
  :data:`BODY_SECONDS`, headers of at most :data:`HEADER_BYTES`, bodies of at most
  :data:`BODY_BYTES` (Voilà's own requests are small; widgets talk over websockets, whose
  messages have their own bound) — the participant page's forms have a smaller bound of their
  own, checked before the body is read (:mod:`kpawidgets.web.handlers`);
* at most :data:`CONNECTIONS_PER_CLIENT` open HTTP connections per address and
  :data:`CONNECTIONS_IN_ALL` in all (well under the process's file limit): one more is closed
  at once, and such refusals are logged in one line a minute, not a traceback each — as are
  refused requests (4xx) in the access log;
* the ``Host`` header checked before any handler, static files included, against the names
  this server is reached by (:data:`HOSTS_ENV`, set by ``kpa serve``): another name (a DNS
  rebinding page) gets a 403;
* template files' addresses it cannot read answered 404, not 500 with a traceback; jupyter_server's
  handlers' errors (a refused kernel websocket) drawn as a plain page, not three tracebacks;
* no ``Server`` header; text answers gzipped for the browsers that ask (a full room's
  following of changes is mostly repeated HTML);
* in workshop mode, cookies signed with the workshop's secret, kept beside its codes
  (:mod:`kpawidgets.config.atelier`), so that a restarted server still knows the phones and the
  facilitator's devices that were in; the phones' keys are signed with it too
  (:mod:`kpawidgets.web.handlers`).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
import resource
import shutil
import time
from collections import Counter
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, DictLoader
from tornado import httputil, iostream, web
from tornado.httpserver import HTTPServer
from tornado.routing import Matcher, PathMatches, Rule
from voila.app import Voila
from voila.static_file_handler import TemplateStaticFileHandler

from kpawidgets.config.atelier import CODES_ENV, read_codes
from kpawidgets.web.handlers import SECRET_SETTING

__all__ = ["KpaVoila", "KpaHTTPServer", "HOSTS_ENV", "allowed_host", "main"]

#: Environment: the host names (comma-separated, no port) this server answers to.
HOSTS_ENV = "KPA_HOSTS"
HEADER_SECONDS = 20.0
BODY_SECONDS = 30.0
HEADER_BYTES = 16 * 1024
BODY_BYTES = 1024 * 1024
CONNECTIONS_PER_CLIENT = 64
CONNECTIONS_IN_ALL = 2000
_log = logging.getLogger("kpa.server")


def allowed_host(header: str, names: frozenset[str]) -> bool:
    """Whether a ``Host`` header (``name``, ``name:port``, ``[v6]:port``) names one of *names*."""
    host = header.strip().lower()
    if host.startswith("["):
        host = host[1:].partition("]")[0]
    elif host.count(":") == 1:
        host = host.partition(":")[0]
    return bool(host) and host in names


class _WrongHost(Matcher):
    """Matches a request whose ``Host`` is none of the server's names."""

    def __init__(self, names: frozenset[str]) -> None:
        self.names = names

    def match(self, request: httputil.HTTPServerRequest) -> dict[str, Any] | None:
        return None if allowed_host(request.headers.get("Host", ""), self.names) else {}


class _WrongHostHandler(web.RequestHandler):
    def prepare(self) -> None:
        raise web.HTTPError(403)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.finish("Host refused\n")


#: A template's static file as Voilà's handler can read it: ``<template>/static/<path>``, no ``..``.
_TEMPLATE_FILE = re.compile(r"[A-Za-z0-9_.-]+/static/(?!.*(?:^|/)\.\.(?:/|$))[^\x00\\]+")


class _TemplateFiles(TemplateStaticFileHandler):  # type: ignore[misc]
    """Voilà's ``/voila/templates/…`` with a 404 for an address it cannot read (it answered 500,
    with a traceback in the log, to ``/voila/templates/kpa`` or ``…/static/%2e%2e/x``)."""

    def parse_url_path(self, url_path: str) -> str:
        if not _TEMPLATE_FILE.fullmatch(url_path) or len(os.path.normpath(url_path).split(os.path.sep, 2)) < 3:
            raise web.HTTPError(404)
        result: str = super().parse_url_path(url_path)
        return result


_ERROR_PAGE = ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{{ status_code }} {{ status_message }}</title>"
               "</head><body><p>{{ status_code }} {{ status_message }}</p></body></html>")


class _NoServerHeader(web.OutputTransform):
    """Takes tornado's ``Server: TornadoServer/x`` out of every answer."""

    def transform_first_chunk(self, status_code: int, headers: httputil.HTTPHeaders, chunk: bytes,
                              finishing: bool) -> tuple[int, httputil.HTTPHeaders, bytes]:
        if "Server" in headers:
            del headers["Server"]
        return status_code, headers, chunk


class _Refusals:
    """Refused connections, logged once a minute at most."""

    def __init__(self) -> None:
        self.count = 0
        self.since = 0.0

    def add(self, reason: str) -> None:
        self.count += 1
        now = time.monotonic()
        if now - self.since >= 60:
            _log.warning("kpa: %d connection(s) refused in the last minute (%s)", self.count, reason)
            self.count, self.since = 0, now


_access_log = logging.getLogger("tornado.access")


class _RequestLog:
    """tornado's access log, with refused requests (4xx) in one line a minute: the first of the
    minute as usual, then how many more, by status — a flood of guesses or forged keys does not
    fill the facilitator's terminal."""

    def __init__(self) -> None:
        self.since = -60.0
        self.counts: Counter[int] = Counter()

    def __call__(self, handler: web.RequestHandler) -> None:
        status = handler.get_status()
        line = "%d %s %.2fms"
        values = (status, handler._request_summary(), 1000.0 * handler.request.request_time())
        if status < 400:
            _access_log.info(line, *values)
            return
        if status >= 500:
            _access_log.error(line, *values)
            return
        now = time.monotonic()
        if now - self.since >= 60:
            if self.counts:
                _access_log.warning("kpa: %d more refused request(s) in the last minute (%s)", sum(self.counts.values()),
                                    ", ".join(f"{code}: {n}" for code, n in sorted(self.counts.items())))
            self.since, self.counts = now, Counter()
            _access_log.warning(line, *values)
        else:
            self.counts[status] += 1


class KpaHTTPServer(HTTPServer):
    """tornado's HTTP server with a bound on open connections, per address and in all."""

    def initialize(self, *args: Any, per_client: int = CONNECTIONS_PER_CLIENT, in_all: int = CONNECTIONS_IN_ALL,
                   **kwargs: Any) -> None:
        super().initialize(*args, **kwargs)
        self.per_client = per_client
        self.in_all = in_all
        self.open_by_client: Counter[str] = Counter()
        self._client_of: dict[object, str] = {}
        self.refusals = _Refusals()

    def handle_stream(self, stream: iostream.IOStream, address: tuple[Any, ...]) -> None:
        client = str(address[0]) if address else ""
        if len(self._client_of) >= self.in_all or self.open_by_client[client] >= self.per_client:
            self.refusals.add("too many open connections")
            stream.close()
            return
        super().handle_stream(stream, address)
        connection = next((c for c in self._connections if c not in self._client_of), None)
        if connection is not None:
            self._client_of[connection] = client
            self.open_by_client[client] += 1

    def on_close(self, server_conn: object) -> None:
        client = self._client_of.pop(server_conn, None)
        if client is not None:
            self.open_by_client[client] -= 1
            if self.open_by_client[client] <= 0:
                del self.open_by_client[client]
        super().on_close(server_conn)


def _in_all() -> int:
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    return max(64, min(CONNECTIONS_IN_ALL, soft // 2 if soft > 0 else CONNECTIONS_IN_ALL))


class KpaVoila(Voila):  # type: ignore[misc]
    """Voilà with the bounds, the Host check and the workshop's cookie secret (module docstring)."""

    def init_settings(self) -> dict[str, Any]:
        settings: dict[str, Any] = super().init_settings()
        codes_file = os.environ.get(CODES_ENV)
        codes = read_codes(Path(codes_file)) if codes_file else None
        if codes is not None:
            secret = bytes.fromhex(codes.secret)
            settings["cookie_secret"] = hmac.new(secret, b"cookies", hashlib.sha256).digest()
            settings[SECRET_SETTING] = hmac.new(secret, b"phone keys", hashlib.sha256).digest()
        # gzip for answers of text (tornado's GZipContentEncoding: 1 kB and more, by content type):
        # the phones' following of the room is mostly repeated HTML.
        settings["transforms"] = [web.GZipContentEncoding, _NoServerHeader]
        settings["log_function"] = _RequestLog()
        # jupyter_server's handlers draw their errors with its error.html, which needs a static_url
        # Voilà's settings lack: a refused kernel websocket logged three tracebacks. A plain page.
        environment = settings.get("jinja2_env")
        if environment is not None:
            environment.loader = ChoiceLoader([DictLoader({"error.html": _ERROR_PAGE}), environment.loader])
        return settings

    def _handle_signal_stop(self, sig: int, frame: Any) -> None:
        """SIGTERM: stop the loop; before there is one, leave at once.

        Voilà sets this handler when it reads its settings but makes its loop only once it
        listens: a SIGTERM in between (``kpa serve`` stopped right after starting) raised an
        AttributeError wherever start-up was, where it could be swallowed, leaving a server that
        had been told to stop. Before the loop nothing is running but the connection folder.
        """
        if getattr(self, "ioloop", None) is None:
            folder = getattr(self, "connection_dir", None)
            if folder:
                shutil.rmtree(folder, ignore_errors=True)
            os._exit(128 + sig)
        super()._handle_signal_stop(sig, frame)

    def listen(self) -> None:
        app: web.Application = self.app
        names = frozenset(n.strip().lower() for n in os.environ.get(HOSTS_ENV, "").split(",") if n.strip())
        router = app.default_router
        base = self.server_url.rstrip("/")
        router.rules.insert(0, router.process_rule(Rule(PathMatches(rf"{re.escape(base)}/voila/templates/(.*)"), _TemplateFiles)))
        if names:
            router.rules.insert(0, router.process_rule(Rule(_WrongHost(names), _WrongHostHandler)))

        def listen(port: int, address: str = "", **kwargs: Any) -> HTTPServer:
            server = KpaHTTPServer(app, idle_connection_timeout=HEADER_SECONDS, body_timeout=BODY_SECONDS,
                                   max_header_size=HEADER_BYTES, max_body_size=BODY_BYTES, in_all=_in_all())
            server.listen(port, address, **kwargs)
            return server

        app.listen = listen  # type: ignore[method-assign,assignment]
        super().listen()


main = KpaVoila.launch_instance

if __name__ == "__main__":
    main()
