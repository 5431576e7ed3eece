"""Inside each visitor's kernel (an IPython extension that ``kpa serve``'s kernels load): the
kernel's output channel keeps every message for the browser, however loaded the laptop is.

ZMQ's default high-water mark drops what a publisher holds past 1 000 messages for a slow
reader. Showing the checklist on one page sends about 5 000 messages (1 335 new widgets) in
a second or two; on a loaded laptop the server read them too slowly and the browser got only
1 024 to 1 250 of the widgets: the nine steps never appeared. The server's side is unbounded
too (:class:`kpawidgets.config.kernels.KpaKernelManager`).
"""

from __future__ import annotations

from typing import Any

import zmq

__all__ = ["load_ipython_extension", "unbounded_iopub"]


def unbounded_iopub(app: Any) -> bool:
    """Lift the send limit of *app*'s (an ``IPKernelApp``) output socket; False when it has none.

    The socket belongs to ipykernel's output thread, so the option is set from that thread's
    loop; it applies to the browsers' connections, which come after the kernel started.
    """
    thread = getattr(app, "iopub_thread", None)
    socket = getattr(thread, "socket", None)
    loop = getattr(thread, "io_loop", None)
    if socket is None or loop is None:
        return False
    loop.add_callback(lambda: socket.setsockopt(zmq.SNDHWM, 0))
    return True


def load_ipython_extension(ipython: object) -> None:
    """Lift the limit in the running kernel (nothing outside a kernel)."""
    from ipykernel.kernelapp import IPKernelApp

    if IPKernelApp.initialized():
        unbounded_iopub(IPKernelApp.instance())
