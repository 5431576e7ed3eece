"""The kernels of ``kpa serve``: bounded in number, freed when no browser ever came, started in
the order visitors arrived.

Voilà starts a kernel for every GET of a page, and a kernel no browser connects to (a
``curl``, an ``<img src=…>`` on another site, a tab closed while loading) would live until
the idle culling, 30 minutes later. :class:`KpaKernelManager` (Voilà's
``VoilaConfiguration.multi_kernel_manager_class``, set in ``voila.json``) adds to
jupyter_server's kernel manager:

* a cap on the kernels, in total and per page (``max_kernels``, ``max_kernels_per_page``):
  past it a visitor gets a short page in French and English (HTTP 503), no kernel started;
* the kernels no browser connected to within ``unconnected_timeout`` seconds of their page
  being drawn are shut down (checked every ``unconnected_check_interval`` seconds). A page's
  script asking about its kernel (``GET /api/kernels/<id>``) restarts that wait: on a
  loaded machine 20 browsers took more than 20 s to load the page's scripts and connect;
* with ``disconnected_timeout`` (workshop mode), a kernel all of whose browsers went away
  (the websocket closed: a tab closed without its beacon, a phone put away) is shut down
  that many seconds later, unless a browser came back — Voilà itself only shuts a kernel
  down on the tab's beacon, and the idle culling never sees a kernel idle while the live
  page follows a workbook the others keep changing;
* at most ``concurrent_starts`` pages are drawn at once; the others wait their turn, first
  come first served, so that with 20 visitors the first ones get their page early instead
  of everybody waiting for all of them;
* every kernel loads :mod:`kpawidgets.config.kernel_log`, so that what the kernel logs (a
  crafted ``comm_open``'s traceback, with server paths) goes to the server's terminal, never
  to the visitor's page; each kernel runs as :mod:`kpawidgets.config.kernel_launcher`
  (:class:`KpaServerKernelManager`), whose output channel drops nothing on a loaded laptop
  (the server's sockets, :meth:`_context_default`, neither).

Kernels of Voilà's preheated pools (``VOILA_PREHEAT``) are bounded by the pools' own size:
they count in the total but are never refused, and a pooled kernel waits for its visitor for
as long as it stays in the pool. They start ``pool_concurrent_starts`` at a time, in a queue
of their own (a pool of 20 filled all at once kept 2 processors busy for a minute, and
refilling it while the room's phones were joining slowed every phone down).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager, ServerKernelManager
from tornado import web
from tornado.ioloop import PeriodicCallback
import zmq
from traitlets import Float, Integer, default

from kpawidgets.i18n import N_, translate

__all__ = ["KpaKernelManager", "KpaServerKernelManager", "KernelCapReached", "KERNEL_EXTENSIONS"]


#: The IPython extensions every kernel loads: logging to the server, not to the page.
KERNEL_EXTENSIONS = ("kpawidgets.config.kernel_log",)
#: ipykernel's launcher, and the one ``kpa serve``'s kernels run instead.
IPYKERNEL_LAUNCHER = "ipykernel_launcher"
KPA_LAUNCHER = "kpawidgets.config.kernel_launcher"

_BUSY_TITLE = N_("Trop de pages ouvertes en même temps")
_BUSY_TEXT = N_("Le Carnet KPA sert déjà autant de pages qu'il le peut sur cet ordinateur. "
                "Fermez les onglets dont vous n'avez plus besoin, attendez une minute, puis rechargez la page.")


class KernelCapReached(web.HTTPError):
    """Voilà's answer when the kernels are at their cap: HTTP 503 with the message in French and English."""

    def __init__(self) -> None:
        message = "\n".join(f"{translate(_BUSY_TITLE, lang)} — {translate(_BUSY_TEXT, lang)}" for lang in ("fr", "en"))
        super().__init__(503, message.replace("%", "%%"), reason="Service Unavailable")


def _page_of(env: Mapping[str, str] | None) -> str:
    """The page a kernel was started for (Voilà passes the request's path as ``SCRIPT_NAME``)."""
    return (env or {}).get("SCRIPT_NAME", "")


def _preheated(env: Mapping[str, str] | None) -> bool:
    return (env or {}).get("VOILA_PREHEAT") == "True"


class KpaServerKernelManager(ServerKernelManager):  # type: ignore[misc]
    """One kernel of ``kpa serve``: ipykernel started through :mod:`kpawidgets.config.kernel_launcher`."""

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        command: list[str] = super().format_kernel_cmd(extra_arguments)
        return [KPA_LAUNCHER if part == IPYKERNEL_LAUNCHER else part for part in command]


class KpaKernelManager(AsyncMappingKernelManager):  # type: ignore[misc]
    """jupyter_server's kernel manager with a cap, a queue and the freeing of kernels no browser uses."""

    max_kernels = Integer(40, config=True, help="Kernels running at once, all pages together (0: no cap).")
    max_kernels_per_page = Integer(30, config=True, help="Kernels running at once for one page (0: no cap).")
    unconnected_timeout = Float(60.0, config=True,
                                help="Seconds after its page was drawn (or its page's script last asked about it) before "
                                     "a kernel no browser connected to is shut down.")
    disconnected_timeout = Float(0.0, config=True,
                                 help="Seconds a kernel whose browsers all disconnected is kept, in case one comes back, "
                                      "before it is shut down (0: until the idle culling).")
    unconnected_check_interval = Float(2.0, config=True, help="Seconds between two looks for kernels without a browser.")
    concurrent_starts = Integer(0, config=True,
                                help="Pages drawn at once, the others wait their turn (0: the number of processors).")
    pool_concurrent_starts = Integer(1, config=True, help="Preheated kernels started at once (0: no limit).")
    first_draw_timeout = Float(180.0, config=True, help="Seconds after which a page still being drawn lets the next one start.")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._kpa_pages: dict[str, str] = {}  # kernel id → page
        self._kpa_started: dict[str, float] = {}  # kernel id → when it began to wait for a browser (monotonic)
        self._kpa_connected: set[str] = set()  # kernels a browser connected to at least once
        self._kpa_pooled: set[str] = set()  # kernels seen waiting in a preheated pool
        self._kpa_pending: dict[str, int] = {}  # page → starts not finished yet
        self._kpa_slots: asyncio.Semaphore | None = None
        self._kpa_pool_slots: asyncio.Semaphore | None = None
        self._kpa_holders: dict[str, float] = {}  # kernel id → when it got its slot (monotonic)
        self._kpa_checker: PeriodicCallback | None = None
        self._kpa_left: dict[str, float] = {}  # kernel id → when its last browser disconnected (monotonic)

    @default("kernel_manager_class")
    def _default_kernel_manager_class(self) -> str:
        return f"{KpaServerKernelManager.__module__}.{KpaServerKernelManager.__qualname__}"

    @default("context")
    def _context_default(self) -> Any:
        """The ZMQ context of the server's sockets to its kernels, with no receive limit.

        With ZMQ's default high-water mark (1 000 messages), a kernel whose messages the server
        does not read for a moment (a loaded laptop) drops the ones that do not fit: showing the
        checklist on one page sends about 5 000 (1 335 new widgets) and, at a load of 10 or more,
        the browser got only 1 024 to 1 250 of the widgets and never showed the steps. The
        server's sockets now take them all, and the kernel keeps what they have not read yet
        (:mod:`kpawidgets.config.kernel_launcher`).
        """
        context = super()._context_default()
        context.setsockopt(zmq.RCVHWM, 0)
        return context

    # ------------------------------------------------------------------ starting
    def _count(self, page: str | None = None) -> int:
        if page is None:
            return len(self._kpa_started) + sum(self._kpa_pending.values())
        return sum(1 for p in self._kpa_pages.values() if p == page) + self._kpa_pending.get(page, 0)

    def _refuse_past_the_cap(self, page: str) -> None:
        if self.max_kernels and self._count() >= self.max_kernels:
            self.log.warning("Kernel cap reached (%s kernels): refusing a kernel for %s", self.max_kernels, page)
            raise KernelCapReached()
        if self.max_kernels_per_page and page and self._count(page) >= self.max_kernels_per_page:
            self.log.warning("Kernel cap reached for %s (%s kernels): refusing a kernel", page, self.max_kernels_per_page)
            raise KernelCapReached()

    def _slots(self) -> asyncio.Semaphore:
        if self._kpa_slots is None:
            self._kpa_slots = asyncio.Semaphore(self.concurrent_starts or os.cpu_count() or 2)
        return self._kpa_slots

    async def start_kernel(self, *, kernel_id: str | None = None, path: Any = None,  # type: ignore[override]
                           **kwargs: Any) -> str:
        """Start a kernel for a visitor's page, within the cap and in turn (a restart passes through)."""
        if kernel_id is not None and kernel_id in self:
            return str(await super().start_kernel(kernel_id=kernel_id, path=path, **kwargs))
        env = kwargs.get("env")
        kwargs["extra_arguments"] = [*kwargs.get("extra_arguments", []),
                                     *(f"--IPKernelApp.extra_extensions={name}" for name in KERNEL_EXTENSIONS)]
        self._start_checker()
        if _preheated(env):
            if self._kpa_pool_slots is None and self.pool_concurrent_starts:
                self._kpa_pool_slots = asyncio.Semaphore(self.pool_concurrent_starts)
            async with self._kpa_pool_slots or contextlib.nullcontext():
                started = str(await super().start_kernel(kernel_id=kernel_id, path=path, **kwargs))
            self._track(started, "")
            return started
        page = _page_of(env)
        self._refuse_past_the_cap(page)
        self._kpa_pending[page] = self._kpa_pending.get(page, 0) + 1
        slots = self._slots()
        try:
            await slots.acquire()
            try:
                started = str(await super().start_kernel(kernel_id=kernel_id, path=path, **kwargs))
            except BaseException:
                slots.release()
                raise
        finally:
            self._kpa_pending[page] -= 1
            if not self._kpa_pending[page]:
                del self._kpa_pending[page]
        self._track(started, page)
        self._kpa_holders[started] = time.monotonic()
        return started

    def _track(self, kernel_id: str, page: str) -> None:
        self._kpa_pages[kernel_id] = page
        self._kpa_started[kernel_id] = time.monotonic()

    # ------------------------------------------------------------------ browsers
    def notify_connect(self, kernel_id: str) -> None:
        super().notify_connect(kernel_id)
        self._kpa_connected.add(kernel_id)
        self._kpa_left.pop(kernel_id, None)
        self._release_slot(kernel_id)

    def notify_disconnect(self, kernel_id: str) -> None:
        super().notify_disconnect(kernel_id)
        if kernel_id in self._kpa_started and not self._kernel_connections.get(kernel_id, 0):
            self._kpa_left[kernel_id] = time.monotonic()

    def kernel_model(self, kernel_id: str) -> dict[str, Any]:
        """A page's script asked about its kernel: a browser is there, give it time to connect."""
        if kernel_id in self._kpa_started and kernel_id not in self._kpa_pooled:
            self._kpa_started[kernel_id] = time.monotonic()
        model: dict[str, Any] = super().kernel_model(kernel_id)
        return model

    def _release_slot(self, kernel_id: str) -> None:
        if self._kpa_holders.pop(kernel_id, None) is not None and self._kpa_slots is not None:
            self._kpa_slots.release()

    def _start_checker(self) -> None:
        if self._kpa_checker is None:
            self._kpa_checker = PeriodicCallback(self._check_kernels, 1000 * min(self.unconnected_check_interval, 0.5))
            self._kpa_checker.start()

    def _pooled_now(self) -> set[str]:
        """Kernels waiting in Voilà's preheated pools (when preheat is on)."""
        found = set()
        for pool in getattr(self, "_pools", {}).values():
            for task in pool:
                if task.done() and not task.cancelled() and task.exception() is None:
                    found.add(task.result().get("kernel_id"))
        return found

    def _quiet_for(self, kernel_id: str) -> float:
        """Seconds since the kernel last sent anything, when it is idle (0 when busy or starting)."""
        kernel = self._kernels.get(kernel_id)
        if kernel is None or getattr(kernel, "execution_state", "") != "idle":
            return 0.0
        last = getattr(kernel, "last_activity", None)
        if not isinstance(last, datetime):
            return 0.0
        return (datetime.now(timezone.utc) - last).total_seconds()

    async def _check_kernels(self) -> None:
        """Hand the turn on when a page is drawn; shut down the kernels no browser came to."""
        now = time.monotonic()
        for kernel_id in list(self._kpa_started):
            if kernel_id not in self:
                self._forget(kernel_id)
        for kernel_id, since in list(self._kpa_holders.items()):
            # Drawn: the kernel is idle and quiet after the page's cells ran (or it took too long).
            if self._quiet_for(kernel_id) >= 1.0 and now - since >= 1.0 or now - since > self.first_draw_timeout:
                self._release_slot(kernel_id)
        pooled = self._pooled_now()
        for kernel_id in pooled:
            self._kpa_pooled.add(kernel_id)
            self._kpa_started[kernel_id] = now  # waiting in the pool is not waiting for a browser
        if now - getattr(self, "_kpa_last_look", 0.0) < self.unconnected_check_interval:
            return
        self._kpa_last_look = now
        for kernel_id, started in list(self._kpa_started.items()):
            if kernel_id in self._kpa_connected or kernel_id in pooled or kernel_id in self._kpa_holders:
                continue
            waited = min(now - started, self._quiet_for(kernel_id))
            if waited >= self.unconnected_timeout:
                self.log.info("Kernel %s: no browser connected %.0f s after its page was drawn, shutting it down",
                              kernel_id, waited)
                await self._shut_down(kernel_id)
        for kernel_id, left in list(self._kpa_left.items()):
            if self.disconnected_timeout and now - left >= self.disconnected_timeout \
                    and not self._kernel_connections.get(kernel_id, 0):
                self.log.info("Kernel %s: its browsers left %.0f s ago, shutting it down", kernel_id, now - left)
                await self._shut_down(kernel_id)

    async def _shut_down(self, kernel_id: str) -> None:
        self._forget(kernel_id)
        try:
            await self.shutdown_kernel(kernel_id)
        except Exception:  # noqa: BLE001 - already gone
            self.log.debug("Kernel %s was already gone", kernel_id, exc_info=True)

    def _forget(self, kernel_id: str) -> None:
        self._release_slot(kernel_id)
        for table in (self._kpa_pages, self._kpa_started, self._kpa_left):
            table.pop(kernel_id, None)
        self._kpa_connected.discard(kernel_id)
        self._kpa_pooled.discard(kernel_id)

    async def shutdown_kernel(self, kernel_id: str, now: bool = False,  # type: ignore[override]
                              restart: bool = False) -> None:
        if not restart:
            self._forget(kernel_id)
        await super().shutdown_kernel(kernel_id, now=now, restart=restart)

    def kpa_counts(self) -> dict[str, int]:
        """Kernels per page (for the log and the tests)."""
        counts: dict[str, int] = {}
        for page in self._kpa_pages.values():
            counts[page] = counts.get(page, 0) + 1
        return counts
