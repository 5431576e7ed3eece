"""The one Voilà configuration of Carnet KPA, read by ``kpa serve``, the JupyterHub and Binder.

``voila.json`` (this folder) holds the settings: the ``kpa`` template, no tracebacks shown to
visitors, the static files Voilà may serve, the executor's output timeout and the culling
of idle kernels. This folder is a Jupyter config dir: put it on ``JUPYTER_CONFIG_PATH`` and
Voilà (standalone, ``kpa serve``) reads ``voila.json``; a Jupyter server (the hub's user
servers, Binder) reads ``jupyter_server_config.py``, which loads the same ``voila.json``.

``loopback/voila.json`` adds what only ``kpa serve`` on 127.0.0.1 does: the tab's shutdown
beacon carries no ``_xsrf`` token (voila#1458), so the XSRF check is off there, and there
only; kernels talk to Voilà over Unix sockets in Voilà's short-named connection folder
(``KernelManager.transport = "ipc"``: no kernel port on the machine, and no "running over
TCP without encryption" warning at each visit). A Jupyter server's runtime folder can have
a path too long for a Unix socket, so the hub and Binder keep TCP.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

__all__ = ["config_dir", "loopback_config_dir", "voila_settings", "jupyter_config_path"]

_HERE = Path(__file__).resolve().parent


def config_dir() -> Path:
    """The Jupyter config dir holding ``voila.json`` (for the hub, Binder and ``kpa serve``)."""
    return _HERE


def loopback_config_dir() -> Path:
    """The config dir with the settings only ``kpa serve`` on 127.0.0.1 may add."""
    return _HERE / "loopback"


def voila_settings() -> dict[str, Any]:
    """The settings of ``voila.json``, as traitlets sections (``{"VoilaConfiguration": {...}}``)."""
    settings: dict[str, Any] = json.loads((_HERE / "voila.json").read_text(encoding="utf-8"))
    return settings


def jupyter_config_path(*, loopback: bool, existing: str | None = None) -> str:
    """A ``JUPYTER_CONFIG_PATH`` value: the project's config dirs first (they win), then *existing*."""
    dirs = [str(loopback_config_dir())] if loopback else []
    dirs.append(str(config_dir()))
    if existing:
        dirs.append(existing)
    return os.pathsep.join(dirs)
