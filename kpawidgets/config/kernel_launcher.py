"""The kernel process of ``kpa serve``'s pages (``python -m kpawidgets.config.kernel_launcher``):
ipykernel's, with an output channel that never drops a message.

A kernel publishes what the page shows (every widget it opens, every change) on one ZMQ socket.
ZMQ keeps at most 1 000 messages (its default high-water mark) for a reader that falls behind
and silently drops the next ones. A tab built on its first click sends about 1 700 messages in a
second; when the server could not read them at once (a loaded laptop, a busy moment), the
browser got 987 of the 1 668 and the tab stayed empty, with no word anywhere. The limit is read
when the socket binds, so it is lifted here, before that, not once the kernel runs (setting it
then changes nothing for the connections the socket accepts). The server's side has no limit
either (:class:`kpawidgets.config.kernels.KpaKernelManager`).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import zmq
from ipykernel.kernelapp import IPKernelApp

__all__ = ["KpaKernelApp", "main"]


class KpaKernelApp(IPKernelApp):  # type: ignore[misc]
    """ipykernel's application whose output socket keeps every message for its readers."""

    def init_iopub(self, context: Any) -> None:
        # the context's default for the sockets made from now on: the output socket, before it binds
        context.setsockopt(zmq.SNDHWM, 0)
        try:
            super().init_iopub(context)
        finally:
            context.sockopts.pop(zmq.SNDHWM, None)


def main() -> None:
    """Start the kernel as ``ipykernel_launcher`` does (the working folder out of the path first)."""
    if sys.path and (sys.path[0] == "" or Path(sys.path[0]) == Path.cwd()):
        del sys.path[0]
    KpaKernelApp.launch_instance()


if __name__ == "__main__":
    main()
