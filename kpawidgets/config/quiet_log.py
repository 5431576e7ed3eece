"""Filters for the server's terminal: what a facilitator reads there should matter to them.

Configured from ``voila.json`` (``Voila.logging_config``), so ``kpa serve``, the hub and
Binder read the same rule.
"""

from __future__ import annotations

import logging

__all__ = ["UntrustedNotebook"]


class UntrustedNotebook(logging.Filter):
    """Drop jupyter_server's « Notebook 00_accueil.ipynb is not trusted », logged at every page visit.

    Notebook trust guards outputs saved in a notebook; the carnet's notebooks carry none and
    Voilà marks every output it makes trusted, so the line says nothing a person can act on.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.msg == "Notebook %s is not trusted")
