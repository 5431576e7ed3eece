"""What the visitor asked for: ``?workbook=…&lang=…`` from Voilà's request."""

from __future__ import annotations

import os
from urllib.parse import parse_qs

__all__ = ["query_params"]


def query_params() -> dict[str, str]:
    """The page's query parameters (first value of each), untrusted text.

    Voilà puts the query string in ``QUERY_STRING``; a preheated kernel only gets it
    once the visitor's request arrives, hence :func:`voila.utils.wait_for_request`.
    Outside Voilà (tests, nbclient) ``KPA_QUERY`` may stand in for it.
    """
    if os.environ.get("VOILA_PREHEAT") == "True":
        try:
            from voila.utils import wait_for_request

            wait_for_request()
        except Exception:  # noqa: BLE001 - a missing request must not break the page
            pass
    query = os.environ.get("QUERY_STRING") or os.environ.get("KPA_QUERY") or ""
    parsed = parse_qs(query[:2000], keep_blank_values=False)
    return {key: values[0][:200] for key, values in parsed.items() if values}
