"""What the visitor asked for: ``?workbook=…&lang=…`` from Voilà's request."""

from __future__ import annotations

import json
import os
from urllib.parse import parse_qs

__all__ = ["query_params"]


def query_params() -> dict[str, str]:
    """The page's query parameters (first value of each), untrusted text.

    Voilà puts the query string in ``QUERY_STRING``; a preheated kernel only gets it
    once the visitor's request arrives, hence :func:`_wait_for_request`.
    Outside Voilà (tests, nbclient) ``KPA_QUERY`` may stand in for it.
    """
    if os.environ.get("VOILA_PREHEAT") == "True":
        try:
            _wait_for_request()
        except Exception:  # noqa: BLE001 - a missing request must not break the page
            pass
    query = os.environ.get("QUERY_STRING") or os.environ.get("KPA_QUERY") or ""
    parsed = parse_qs(query[:2000], keep_blank_values=False)
    return {key: values[0][:200] for key, values in parsed.items() if values}


def _wait_for_request() -> None:
    """Wait for the visitor's request and put it in the environment, as Voilà's
    ``voila.utils.wait_for_request`` does (same address, same message), without importing
    Voilà into the kernel: that import brings jupyter_server and nbconvert, about 1.9 s and
    46 MB in each preheated kernel. The address's user and password (workshop mode's kernels'
    key) go as HTTP basic authorization."""
    from websockets.sync.client import connect

    env = os.environ
    base = env.get("VOILA_WS_BASE_URL", env.get("VOILA_SERVER_URL", "/"))
    url = (f"{env.get('VOILA_WS_PROTOCOL', 'ws')}://{env.get('VOILA_APP_IP', '127.0.0.1')}:{env.get('VOILA_APP_PORT', '8866')}"
           f"{base}voila/query/{env.get('VOILA_KERNEL_ID', '')}")
    with connect(url, open_timeout=30) as socket:
        info = json.loads(socket.recv())
    for key, value in info.items():
        os.environ[str(key)] = str(value)
