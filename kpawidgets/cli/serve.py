"""``kpa serve``: Voilà on the project's notebooks, with the project's template and safe settings."""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import webbrowser
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from kpawidgets.cli.atelier import LOOPBACK, AtelierRun, lan_address, preheat_config, prepare_atelier, print_atelier
from kpawidgets.cli.commands import CliError, _workspace
from kpawidgets.config import jupyter_config_path
from kpawidgets.config.server import HOSTS_ENV
from kpawidgets.i18n import _, normalize_language
from kpawidgets.resources import notebooks_dir, templates_dir
from kpawidgets.storage.atomic import write_atomic
from kpawidgets.tools.procs import stop_process

__all__ = ["DEFAULT_PORT", "LOOPBACK", "voila_command", "serve_environment", "write_run_config", "cmd_serve"]

DEFAULT_PORT = 8866


def voila_command(notebooks: Path, port: int, ip: str = "127.0.0.1", *, extra: Sequence[str] = ()) -> list[str]:
    """The Voilà command line that serves *notebooks* on *ip*:*port*.

    The settings themselves (template, tracebacks, allowed files, culling, timeouts) are in
    ``kpawidgets/config/voila.json``, found through the ``JUPYTER_CONFIG_PATH`` that
    :func:`serve_environment` sets. The server is Voilà with the project's bounds and Host
    check (:mod:`kpawidgets.config.server`).
    """
    return [sys.executable, "-m", "kpawidgets.config.server", str(notebooks), "--no-browser", f"--port={port}",
            # the port asked or none: taken (by another program since kpa serve looked), Voilà stops
            # rather than serve on the next one, which the printed address would not name
            "--Voila.port_retries=0", f"--Voila.ip={ip}", *extra]


def _port_free(ip: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((ip, port))
        except OSError:
            return False
    return True


def serve_environment(workspace: Path, lang: str, *, loopback: bool = True, run_config: Path | None = None) -> dict[str, str]:
    """Environment for Voilà and its kernels: where the workspace, the templates and the settings are.

    *loopback*: the server listens on 127.0.0.1 only, so the loopback-only settings apply.
    *run_config*: a config dir with this run's own ``voila.json`` (:func:`write_run_config`).
    """
    env = dict(os.environ)
    env["KPA_WORKSPACE"] = str(workspace)
    env["KPA_LANG"] = lang
    jupyter_path = [str(templates_dir())]
    if env.get("JUPYTER_PATH"):
        jupyter_path.append(env["JUPYTER_PATH"])
    env["JUPYTER_PATH"] = os.pathsep.join(jupyter_path)
    # The project's voila.json (and, bound to loopback, loopback/voila.json) come first.
    env["JUPYTER_CONFIG_PATH"] = jupyter_config_path(loopback=loopback, existing=env.get("JUPYTER_CONFIG_PATH"),
                                                     run=str(run_config) if run_config else None)
    env.setdefault("MPLBACKEND", "Agg")
    return env


def host_names(ip: str) -> list[str]:
    """The names a browser may give in ``Host`` for a server listening on *ip*: the loopback
    names, the address itself, and on every address (``0.0.0.0``) the network address and the
    computer's name."""
    names = ["127.0.0.1", "localhost", "::1"]
    if ip not in ("0.0.0.0", "::"):
        names.append(ip.strip("[]"))
    else:
        names.extend(n for n in (lan_address(), socket.gethostname()) if n)
        names.append(socket.gethostname() + ".local")
    return sorted({n.lower() for n in names})


def write_run_config(folder: Path, *sections: dict[str, dict[str, Any]]) -> Path:
    """Write *sections* (traitlets sections, merged in order) as *folder*/``voila.json``; return *folder*."""
    merged: dict[str, dict[str, Any]] = {}
    for part in sections:
        for section, values in part.items():
            merged.setdefault(section, {}).update(values)
    write_atomic(folder / "voila.json", json.dumps(merged, indent=2).encode("utf-8"))
    return folder


def _die_with_parent(parent: int) -> Callable[[], None]:
    """For Voilà's process (Linux): get SIGTERM when ``kpa serve`` dies, even by SIGKILL or in
    the middle of starting it, so that no server (maybe bound to 0.0.0.0) outlives it."""

    def in_child() -> None:
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except Exception:  # noqa: BLE001 - best effort
            return
        if os.getppid() != parent:  # kpa serve died before prctl
            os._exit(1)

    return in_child


def cmd_serve(args: argparse.Namespace) -> int:
    workspace = _workspace(args)
    workspace.ensure()
    lang = normalize_language(args.lang)
    atelier = prepare_atelier(workspace, args.workbook, args.ip, args.port, lang) if args.atelier else None
    ip = atelier.ip if atelier else (args.ip or "127.0.0.1")
    if ip not in LOOPBACK and not atelier:
        print(_("Attention : le serveur écoute sur {ip}. Tout visiteur peut exécuter du code dans son noyau : "
                "pour un usage partagé, passez par JupyterHub (voir le README).").format(ip=ip), file=sys.stderr)
    if not _port_free(ip if ip != "localhost" else "127.0.0.1", args.port):
        raise CliError("Le port {port} est déjà utilisé : choisissez-en un autre avec --port.", port=args.port)
    home = f"http://{'127.0.0.1' if ip in ('0.0.0.0', 'localhost') else ip}:{args.port}/voila/render/00_accueil.ipynb"
    params = []
    if args.workbook:
        params.append(f"workbook={args.workbook}")
    if lang != "fr":
        params.append(f"lang={lang}")
    if params:
        home += "?" + "&".join(params)
    sections = []
    preheat = args.preheat or 0
    if preheat > 0:
        # A started kernel per page waits for its visitor (Voilà's preheated pools); the
        # page reads the visitor's ?workbook= once the request arrives (app/request.py).
        sections.append(preheat_config(preheat))
    if atelier:
        sections.append(atelier.voila_config)
    command = voila_command(notebooks_dir(), args.port, ip)
    with tempfile.TemporaryDirectory(prefix="kpa-serve-") as run_folder:
        run_config = write_run_config(Path(run_folder), *sections) if sections else None
        env = {**serve_environment(workspace.root, lang, loopback=ip in LOOPBACK, run_config=run_config),
               **(atelier.env if atelier else {}), HOSTS_ENV: ",".join(host_names(ip))}
        return _run(command, env, atelier, home, no_browser=args.no_browser, workspace_root=workspace.root)


def _run(command: list[str], env: dict[str, str], atelier: AtelierRun | None, home: str, *, no_browser: bool,
         workspace_root: Path) -> int:
    """Run Voilà until it ends or ``kpa serve`` is stopped; print where to go."""

    # Stopping `kpa serve` (Ctrl+C, SIGTERM from a test or a service manager) must stop
    # Voilà and its kernels too, never leave them running without a parent — also when the
    # signal comes while it is starting (handlers first, then Voilà).
    def stop(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGHUP)}
    process: subprocess.Popen[bytes] | None = None
    try:
        process = subprocess.Popen(command, env=env, preexec_fn=_die_with_parent(os.getpid()) if sys.platform.startswith("linux") else None)
        if atelier:
            print_atelier(atelier)
            home = atelier.facilitator_url
        else:
            print(_("Carnet KPA : {url}").format(url=home), flush=True)
        print(_("Dossier de travail : {root}").format(root=workspace_root), flush=True)
        if not no_browser:
            try:
                webbrowser.open(home)
            except Exception:  # noqa: BLE001 - no browser is not an error
                pass
        return process.wait()
    except KeyboardInterrupt:
        if process is not None:
            stop_process(process, timeout=20)
        return 0
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
