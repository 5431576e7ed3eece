"""Tornado handlers that ``kpa serve``'s Voilà uses in place of jupyter_server's."""

from __future__ import annotations

from tornado import web

__all__ = ["NotFoundHandler"]


class NotFoundHandler(web.RequestHandler):
    """A page this server does not have: ``/logout`` (there is no login on 127.0.0.1, and
    jupyter_server's logout page cannot be drawn by Voilà: it answered 500)."""

    def prepare(self) -> None:
        raise web.HTTPError(404)
