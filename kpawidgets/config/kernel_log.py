"""Inside each visitor's kernel (an IPython extension that ``kpa serve``'s kernels load): log
records go to the server's terminal, never to the visitor's page.

A kernel's ``sys.stderr`` is the visitor's output stream, and Python sends the records of a
logger without a handler there: ipykernel logs a crafted ``comm_open`` or a failing
``comm_msg`` with its traceback (server paths, library versions) that way. Here the root
logger writes to the kernel's original standard error instead, which Voilà's log shows.
"""

from __future__ import annotations

import io
import logging
import sys
from typing import Any

__all__ = ["load_ipython_extension", "server_log_handler"]

_MARK = "_kpa_server_log"


def server_log_handler() -> logging.Handler:
    """A handler writing to the process's original standard error (not ipykernel's forwarded one)."""
    original = getattr(sys.stderr, "_original_stdstream_copy", None)
    stream: Any = (io.TextIOWrapper(io.FileIO(original, "w", closefd=False), write_through=True)
                   if isinstance(original, int) else sys.__stderr__)
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("[kernel] %(levelname)s %(name)s: %(message)s"))
    setattr(handler, _MARK, True)
    return handler


def load_ipython_extension(ipython: object) -> None:
    """Route the kernel's log records to the server's terminal (once)."""
    root = logging.getLogger()
    if not any(getattr(handler, _MARK, False) for handler in root.handlers):
        root.addHandler(server_log_handler())
    if root.level == logging.NOTSET or root.level > logging.WARNING:
        root.setLevel(logging.WARNING)
