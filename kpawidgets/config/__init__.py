"""The one Voilà configuration of Carnet KPA, read by ``kpa serve``, the JupyterHub and Binder.

``voila.json`` (this folder) holds the settings: the ``kpa`` template, no tracebacks shown to
visitors, the static files Voilà may serve, the executor's output timeout and the culling
of idle kernels. This folder is a Jupyter config dir: put it on ``JUPYTER_CONFIG_PATH`` and
Voilà (standalone, ``kpa serve``) reads ``voila.json``; a Jupyter server (the hub's user
servers, Binder) reads ``jupyter_server_config.py``, which loads the same ``voila.json``.

``voila.json`` also makes :class:`kernels.KpaKernelManager` the kernel manager of ``kpa serve``
(Voilà standalone; a Jupyter server keeps its own): kernels capped in total and per page,
freed when no browser came, started in the order visitors arrived.

``loopback/voila.json`` adds what only ``kpa serve`` on 127.0.0.1 does:

* only loopback names are accepted in the ``Host`` header (``allow_remote_access`` off,
  ``local_hostnames``): a page on a rebound DNS name gets a 403 and starts no kernel;
* the tab's shutdown beacon carries no ``_xsrf`` token (voila#1458), so the XSRF check is
  off there, and there only;
* ``/logout`` is a plain 404 (jupyter_server's logout page cannot be drawn by Voilà);
* kernels talk to Voilà over Unix sockets in Voilà's short-named connection folder
  (``KernelManager.transport = "ipc"``: no kernel port on the machine, and no "running over
  TCP without encryption" warning at each visit). A Jupyter server's runtime folder can have
  a path too long for a Unix socket, so the hub and Binder keep TCP.

A ``voila.json`` in a folder of the ``JUPYTER_CONFIG_PATH`` that ``kpa serve`` is started with
overrides these (the tests use it for small caps).
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


def jupyter_config_path(*, loopback: bool, existing: str | None = None, run: str | None = None) -> str:
    """A ``JUPYTER_CONFIG_PATH`` value: *existing* first (a person's own ``voila.json`` there
    overrides the project's), then *run* (the config dir ``kpa serve`` writes for one run:
    workshop mode, preheated pools), then the loopback settings, then the project's."""
    dirs = [existing] if existing else []
    if run:
        dirs.append(run)
    if loopback:
        dirs.append(str(loopback_config_dir()))
    dirs.append(str(config_dir()))
    return os.pathsep.join(dirs)
