"""Process helpers shared by the tests and the bench: a free port, a server's kernels, waiting
until Voilà serves (Linux ``/proc``; loopback only)."""

from __future__ import annotations

import re
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

__all__ = ["free_port", "descendants", "kernel_pids", "wait_until_serving", "stop_process"]


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def descendants(root: int) -> list[int]:
    """All live descendant process ids of *root* (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] != "Z":
                children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, stack = [], [root]
    while stack:
        for child in children.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return found


#: A kernel's command line names its connection file (jupyter_client's ``kernel-<id>.json``), whichever
#: launcher it runs (ipykernel's, or kpa serve's own :mod:`kpawidgets.config.kernel_launcher`).
_CONNECTION_FILE = re.compile(rb"kernel-[0-9a-f-]{36}\.json")


def kernel_pids(root: int) -> list[int]:
    """Process ids of the Jupyter kernels below *root* (Voilà has no kernel-listing API)."""
    return [pid for pid in descendants(root) if _CONNECTION_FILE.search(_cmdline(pid))]


def wait_until_serving(port: int, process: subprocess.Popen[bytes] | None = None, timeout: float = 60) -> bool:
    """Wait until Voilà on *port* serves the kpa template's CSS; False if it never did (or *process* exited)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            return False
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/voila/templates/kpa/static/kpa.css", timeout=2).read()
            return True
        except OSError:
            time.sleep(0.3)
    return False


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stop_process(process: subprocess.Popen[Any], timeout: float = 30) -> None:
    """Ask *process* to stop (SIGTERM), and kill it if it has not within *timeout* seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
