"""The kernels' output channel drops nothing on a loaded laptop (ZMQ's default high-water mark
of 1 000 messages lost widgets when the checklist was shown on one page)."""

from __future__ import annotations

import sys

import zmq
from jupyter_client.manager import start_new_kernel

from kpawidgets.config.kernels import KERNEL_EXTENSIONS, KpaKernelManager


def test_the_servers_sockets_to_kernels_have_no_receive_limit() -> None:
    manager = KpaKernelManager()
    assert manager.context.getsockopt(zmq.RCVHWM) == 0
    socket = manager.context.socket(zmq.SUB)
    try:
        assert socket.getsockopt(zmq.RCVHWM) == 0  # what the browsers' connections get
    finally:
        socket.close(linger=0)


def test_a_kernel_with_the_extensions_sends_without_limit() -> None:
    arguments = [f"--IPKernelApp.extra_extensions={name}" for name in KERNEL_EXTENSIONS]
    manager, client = start_new_kernel(kernel_name="python3", extra_arguments=arguments,
                                       env={"PATH": "", "PYTHONPATH": ":".join(sys.path)}, startup_timeout=120)
    try:
        code = ("import zmq, time\nfrom ipykernel.kernelapp import IPKernelApp\ntime.sleep(0.2)\n"
                "print(IPKernelApp.instance().iopub_thread.socket.getsockopt(zmq.SNDHWM))")
        seen: list[str] = []
        client.execute_interactive(code, timeout=60, output_hook=lambda msg: seen.append(msg["content"].get("text", "")))
        assert "".join(seen).strip() == "0"
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
