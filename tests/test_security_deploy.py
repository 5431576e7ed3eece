"""Deployment beyond one laptop (issue 6): the JupyterHub configuration and the Binder files.

Always run: the hub configuration loads and says what the README promises (Voilà as the
default view, the kpa template, hub authentication, the dummy authenticator refused off
loopback); binder/ stays in step with environment.yml; a Binder-like Jupyter server
(binder/postBuild's config + binder/start) serves the app with the kpa template.

Opt-in (``KPA_TEST_HUB=1``): a real local JupyterHub (pip ``jupyterhub`` into
``out/hub-cache``, npm ``configurable-http-proxy``), a login in Chromium, the Voilà home
page of that user's own server. Needs the PyPI and npm registries the first time.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CHROMIUM_FLAGS, ROOT, chromium_path, free_port

HUB_CONFIG = ROOT / "deploy" / "jupyterhub_config.py"
HUB_VERSION = "6.1.1"
PROXY_VERSION = "5"


def load_hub_config(env: dict[str, str]) -> Any:
    """Execute deploy/jupyterhub_config.py as JupyterHub would, with *env*; return its Config."""
    from traitlets.config import Config

    config = Config()
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        exec(compile(HUB_CONFIG.read_text(), str(HUB_CONFIG), "exec"), {"get_config": lambda: config, "__name__": "config"})
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return config


def test_hub_config_makes_voila_the_default_view() -> None:
    config = load_hub_config({})
    assert config.Spawner.default_url == "/voila/render/00_accueil.ipynb"
    assert (Path(config.Spawner.notebook_dir) / "00_accueil.ipynb").is_file()
    templates = Path(config.Spawner.environment["JUPYTER_PATH"])
    assert (templates / "voila" / "templates" / "kpa" / "index.html.j2").is_file()
    # The Voilà settings: the one kpawidgets/config/voila.json, through the user servers' config path.
    from kpawidgets.config import config_dir, voila_settings

    assert config.Spawner.environment["JUPYTER_CONFIG_PATH"] == str(config_dir())
    assert (config_dir() / "jupyter_server_config.py").is_file()
    settings = voila_settings()
    assert settings["VoilaConfiguration"]["template"] == "kpa"
    assert settings["VoilaConfiguration"]["show_tracebacks"] is False
    assert settings["MappingKernelManager"]["cull_idle_timeout"] > 0
    args = config.Spawner.args
    assert not any(a.startswith("--VoilaConfiguration") for a in args)  # no second copy of the settings
    assert "disable_check_xsrf" not in (config_dir() / "voila.json").read_text()  # xsrf stays on behind a hub
    overridden = load_hub_config({"KPA_HUB_CULL_SECONDS": "300"})
    assert "--MappingKernelManager.cull_idle_timeout=300" in overridden.Spawner.args
    # Authentication by the hub: system accounts by default, one server per user, loopback bind.
    assert config.JupyterHub.authenticator_class == "pam"
    assert config.JupyterHub.spawner_class == "jupyterhub.spawner.LocalProcessSpawner"
    assert config.JupyterHub.bind_url.startswith("http://127.0.0.1:")
    assert config.Spawner.environment["KPA_WORKSPACE"] == "~/carnets-kpa"


def test_dummy_authenticator_only_on_loopback() -> None:
    config = load_hub_config({"KPA_HUB_AUTHENTICATOR": "dummy", "KPA_HUB_DUMMY_PASSWORD": "x"})
    assert config.JupyterHub.authenticator_class == "jupyterhub.auth.DummyAuthenticator"
    with pytest.raises(SystemExit):
        load_hub_config({"KPA_HUB_AUTHENTICATOR": "dummy", "KPA_HUB_DUMMY_PASSWORD": "x",
                         "KPA_HUB_URL": "http://0.0.0.0:8000"})
    with pytest.raises(SystemExit):
        load_hub_config({"KPA_HUB_AUTHENTICATOR": "dummy"})


def _conda_deps(path: Path) -> list[str]:
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if line.startswith("  - ") and not line.startswith("      "):
            lines.append(line[4:].strip())
    return [d for d in lines if d not in ("pip", "pip:")]


def test_binder_environment_in_step_with_environment_yml() -> None:
    """repo2docker reads binder/ alone when it exists: it must hold the same packages."""
    assert _conda_deps(ROOT / "binder" / "environment.yml") == _conda_deps(ROOT / "environment.yml")
    for script in ("postBuild", "start"):
        path = ROOT / "binder" / script
        assert os.access(path, os.X_OK), f"binder/{script} must be executable"
        subprocess.run(["bash", "-n", str(path)], check=True)


def _wait_http(url: str, process: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=5).read()
            return
        except Exception:  # noqa: BLE001 - not up yet (or the proxy has no route to the hub yet)
            time.sleep(0.3)
    raise RuntimeError(f"{url} never answered")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.mark.slow
@pytest.mark.browser
def test_binder_like_server_serves_the_app(tmp_path: Path, page: Any) -> None:
    """binder/postBuild's configuration + binder/start + a plain Jupyter server, as Binder runs them."""
    home = tmp_path / "home"
    home.mkdir()
    env = dict(os.environ, HOME=str(home), JUPYTER_CONFIG_DIR=str(home / ".jupyter"), KPA_SKIP_INSTALL="1",
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    env.pop("KPA_WORKSPACE", None)
    env.pop("JUPYTER_PATH", None)
    subprocess.run([str(ROOT / "binder" / "postBuild")], cwd=ROOT, env=env, check=True)
    port = free_port()
    log = open(tmp_path / "server.log", "wb")
    server = subprocess.Popen(
        [str(ROOT / "binder" / "start"), sys.executable, "-m", "jupyter_server", "--no-browser", f"--port={port}",
         "--ServerApp.ip=127.0.0.1", "--IdentityProvider.token=", "--ServerApp.password=", f"--ServerApp.root_dir={ROOT}",
         "--allow-root"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_http(base + "/api/status", server)
        page.goto(base + "/voila/render/notebooks/00_accueil.ipynb")
        page.wait_for_selector(".kpa-page", state="visible", timeout=120_000)
        assert page.evaluate("[...document.querySelectorAll('link')].some(l => l.href.includes('kpa/static/kpa.css'))")
        assert "Carnet KPA" in page.locator(".kpa-header").inner_text()
        assert (home / "workspace" / "exemple-quartier-des-tisserands.json").is_file()  # seeded by binder/start
        # voila.json's file_allowlist holds there too (Voilà's default one refuses .css, ours serves it)
        allowed, refused = ROOT / "out" / f"kpa-probe-{port}.css", ROOT / "out" / f"kpa-probe-{port}.txt"
        allowed.parent.mkdir(exist_ok=True)
        allowed.write_text("/* KPA-PROBE */")
        refused.write_text("KPA-PROBE")
        try:
            with urllib.request.urlopen(base + f"/voila/files/out/{allowed.name}", timeout=30) as response:
                assert b"KPA-PROBE" in response.read()
            with pytest.raises(urllib.error.HTTPError) as refusal:
                urllib.request.urlopen(base + f"/voila/files/out/{refused.name}", timeout=30)
            assert refusal.value.code == 403
        finally:
            allowed.unlink()
            refused.unlink()
    finally:
        _stop(server)
        log.close()


# --------------------------------------------------------------- a real local hub (opt-in)
def _hub_tools(cache: Path) -> tuple[Path, Path]:
    """jupyterhub (pip --target) and configurable-http-proxy (npm) in *cache*; return (pythonpath, proxy)."""
    site, single, node = cache / "site", cache / "single", cache / "node"
    if not (site / "jupyterhub").is_dir():
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--target", str(site),
                        f"jupyterhub=={HUB_VERSION}"], check=True, timeout=900)
    proxy = node / "node_modules" / ".bin" / "configurable-http-proxy"
    if not proxy.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip("npm is not installed: JupyterHub's proxy (configurable-http-proxy) comes from npm")
        subprocess.run([npm, "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(node),
                        f"configurable-http-proxy@{PROXY_VERSION}"], check=True, timeout=900)
    # Only what the project's environment lacks goes on the path: nothing of it is shadowed.
    if not single.is_dir():
        import importlib.util

        single.mkdir()
        for entry in site.iterdir():
            name = entry.name.split(".")[0] if entry.suffix != ".py" else entry.stem
            if entry.name.startswith("jupyterhub-") and entry.name.endswith(".dist-info"):
                (single / entry.name).symlink_to(entry)
            elif entry.name not in ("bin", "__pycache__") and not entry.name.endswith((".dist-info", ".data")):
                if name == "jupyterhub" or importlib.util.find_spec(name) is None:
                    (single / entry.name).symlink_to(entry)
    return single, proxy


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.skipif(os.environ.get("KPA_TEST_HUB") != "1", reason="opt-in: KPA_TEST_HUB=1 (installs jupyterhub and its npm proxy)")
def test_local_jupyterhub_login_lands_on_the_voila_home(tmp_path: Path, page: Any) -> None:
    cache = Path(os.environ.get("KPA_HUB_CACHE", ROOT / "out" / "hub-cache"))
    pythonpath, proxy = _hub_tools(cache)
    port, hub_port, api_port = free_port(), free_port(), free_port()
    run = tmp_path / "hub"
    run.mkdir()
    env = dict(os.environ, PYTHONPATH=str(pythonpath), KPA_HUB_AUTHENTICATOR="dummy", KPA_HUB_DUMMY_PASSWORD="essai-local",
               KPA_HUB_SPAWNER="simple", KPA_HUB_URL=f"http://127.0.0.1:{port}", KPA_HUB_PROXY_CMD=str(proxy),
               KPA_HUB_SINGLEUSER_CMD=f"{sys.executable} -m jupyterhub.singleuser" + (" --allow-root" if os.geteuid() == 0 else ""),
               KPA_HUB_SINGLEUSER_PYTHONPATH=str(pythonpath))
    log = open(tmp_path / "hub.log", "wb")
    hub = subprocess.Popen(
        [sys.executable, "-m", "jupyterhub", "-f", str(HUB_CONFIG), f"--JupyterHub.hub_port={hub_port}",
         f"--ConfigurableHTTPProxy.api_url=http://127.0.0.1:{api_port}",
         f"--SimpleLocalProcessSpawner.home_dir_template={run}/home/{{username}}"],
        cwd=run, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_http(base + "/hub/api", hub)
        # No kernel without logging in: the app's URL sends a stranger to the login page.
        page.goto(base + "/user/animatrice/voila/render/00_accueil.ipynb")
        page.wait_for_selector("input[name=username]")
        assert "/hub/login" in page.url
        page.fill("input[name=username]", "animatrice")
        page.fill("input[name=password]", "essai-local")
        page.click("#login_submit")
        page.wait_for_url("**/user/animatrice/voila/render/00_accueil.ipynb**", timeout=180_000)
        page.wait_for_selector(".kpa-page", state="visible", timeout=180_000)
        assert page.evaluate("[...document.querySelectorAll('link')].some(l => l.href.includes('kpa/static/kpa.css'))")
        page.goto(base + "/hub/login")  # a wrong password is refused
        page.context.clear_cookies()
        page.goto(base + "/hub/login")
        page.fill("input[name=username]", "intrus")
        page.fill("input[name=password]", "mauvais")
        page.click("#login_submit")
        page.wait_for_selector("input[name=username]")
        assert "/user/intrus" not in page.url
        assert (run / "home" / "animatrice").is_dir()
    finally:
        _stop(hub)
        log.close()
        print((tmp_path / "hub.log").read_text(errors="replace")[-3000:])
