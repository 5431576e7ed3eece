"""JupyterHub for a network of territories: Carnet KPA as each person's default view.

* **Authentication by the hub.** Nobody reaches a kernel without logging in. By default the
  machine's accounts (PAM); set ``KPA_HUB_AUTHENTICATOR`` to another authenticator class
  (e.g. ``oauthenticator.generic.GenericOAuthenticator`` for the network's single sign-on).
  ``KPA_HUB_AUTHENTICATOR=dummy`` (any name, one shared password) exists **only for the
  local test** (``KPA_TEST_HUB=1 make test``): never on a reachable machine.
* **One server per person**, started by the hub, running *as that person*
  (``LocalProcessSpawner``: one system account each; DockerSpawner or KubeSpawner for
  containers). A visitor's kernel can run code: here it only ever runs as its own user.
* **Voilà as the default view**: ``/user/<name>/`` opens the home page
  ``voila/render/00_accueil.ipynb`` with the settings of ``kpawidgets/config/voila.json``
  (the ``kpa`` template, tracebacks hidden, idle kernels culled: the page then asks to
  reload; everything typed was saved), the same file ``kpa serve`` and Binder read.
* **Workbooks** in ``~/carnets-kpa`` for each person, or one folder shared by a
  territory's team with ``KPA_HUB_SHARED_WORKSPACE=/srv/kpa/carnets`` (group-writable;
  two people editing one workbook get the « modifié ailleurs » message, never a silent loss).

Run it (the hub and the users' servers need ``pip install kpawidgets jupyterhub`` and the
proxy ``npm install -g configurable-http-proxy``)::

    jupyterhub -f deploy/jupyterhub_config.py

Put it behind HTTPS (nginx, Caddy…) on a public machine: the hub itself listens on
127.0.0.1 unless ``KPA_HUB_URL`` says otherwise. See deploy/README.md.
"""

from __future__ import annotations

import os
import shlex
import sys

c = get_config()  # type: ignore[name-defined]  # noqa: F821 - provided by JupyterHub


def _project_dirs() -> tuple[str, str, str]:
    """The notebooks, the template data dir and the config dir (voila.json), from the installed
    package (or env overrides)."""
    notebooks = os.environ.get("KPA_NOTEBOOKS_DIR")
    templates = os.environ.get("KPA_TEMPLATES_DIR")
    config = os.environ.get("KPA_CONFIG_DIR")
    if not (notebooks and templates and config):
        try:
            from kpawidgets.config import config_dir
            from kpawidgets.resources import notebooks_dir, templates_dir
        except ImportError:
            sys.exit("deploy/jupyterhub_config.py: install kpawidgets beside JupyterHub, "
                     "or set KPA_NOTEBOOKS_DIR, KPA_TEMPLATES_DIR and KPA_CONFIG_DIR")
        notebooks = notebooks or str(notebooks_dir())
        templates = templates or str(templates_dir())
        config = config or str(config_dir())
    return notebooks, templates, config


NOTEBOOKS, TEMPLATES, CONFIG = _project_dirs()

# ----------------------------------------------------------------- the hub
c.JupyterHub.bind_url = os.environ.get("KPA_HUB_URL", "http://127.0.0.1:8000")
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.cookie_secret_file = os.environ.get("KPA_HUB_COOKIE_SECRET_FILE", "jupyterhub_cookie_secret")
c.JupyterHub.db_url = os.environ.get("KPA_HUB_DB_URL", "sqlite:///jupyterhub.sqlite")
# A link to a page (e.g. a workbook's checklist sent to a facilitator) starts that person's
# server by itself instead of stopping on a "Launch server" button.
c.JupyterHub.implicit_spawn_seconds = 1
if os.environ.get("KPA_HUB_PROXY_CMD"):
    c.ConfigurableHTTPProxy.command = shlex.split(os.environ["KPA_HUB_PROXY_CMD"])

# ------------------------------------------------------------ authentication
authenticator = os.environ.get("KPA_HUB_AUTHENTICATOR", "pam")
if authenticator == "dummy":
    # LOCAL TEST ONLY: any user name with one shared password.
    password = os.environ.get("KPA_HUB_DUMMY_PASSWORD")
    if not password:
        sys.exit("KPA_HUB_AUTHENTICATOR=dummy needs KPA_HUB_DUMMY_PASSWORD (and is for local tests only)")
    if not c.JupyterHub.bind_url.startswith(("http://127.0.0.1", "http://localhost")):
        sys.exit("KPA_HUB_AUTHENTICATOR=dummy is refused on anything but 127.0.0.1")
    c.JupyterHub.authenticator_class = "jupyterhub.auth.DummyAuthenticator"
    c.DummyAuthenticator.password = password
    c.Authenticator.allow_all = True
else:
    c.JupyterHub.authenticator_class = authenticator
    allowed = os.environ.get("KPA_HUB_ALLOWED_USERS", "")
    if allowed:
        c.Authenticator.allowed_users = set(allowed.split(","))
    else:
        c.Authenticator.allow_existing_users = True
    admins = os.environ.get("KPA_HUB_ADMIN_USERS", "")
    if admins:
        c.Authenticator.admin_users = set(admins.split(","))

# ------------------------------------------------------- one server per user
SPAWNERS = {"localprocess": "jupyterhub.spawner.LocalProcessSpawner",
            # as the hub's own user, homes under /tmp: LOCAL TESTS ONLY
            "simple": "jupyterhub.spawner.SimpleLocalProcessSpawner"}
spawner = os.environ.get("KPA_HUB_SPAWNER", "localprocess")
c.JupyterHub.spawner_class = SPAWNERS.get(spawner, spawner)
c.Spawner.notebook_dir = NOTEBOOKS  # the app's notebooks (read-only for users)
c.Spawner.default_url = "/voila/render/00_accueil.ipynb"
if os.environ.get("KPA_HUB_SINGLEUSER_CMD"):
    c.Spawner.cmd = shlex.split(os.environ["KPA_HUB_SINGLEUSER_CMD"])
workspace = os.environ.get("KPA_HUB_SHARED_WORKSPACE", "~/carnets-kpa")  # expanded by each user's server
c.Spawner.environment = {
    "JUPYTER_PATH": TEMPLATES,  # the kpa Voilà template
    # The Voilà settings (template, no tracebacks, allowed files, culling): kpawidgets/config/voila.json,
    # the same file kpa serve and Binder read. The XSRF check stays on behind a hub.
    "JUPYTER_CONFIG_PATH": CONFIG,
    "KPA_WORKSPACE": workspace,
    "KPA_LANG": os.environ.get("KPA_LANG", "fr"),
    "MPLBACKEND": "Agg",
}
extra_path = os.environ.get("KPA_HUB_SINGLEUSER_PYTHONPATH")
if extra_path:  # only for the local test, where jupyterhub is not installed in the users' environment
    c.Spawner.environment["PYTHONPATH"] = extra_path
c.Spawner.args = [
    # A server nobody has used for two hours stops (the hub starts it again on the next visit).
    f"--ServerApp.shutdown_no_activity_timeout={int(os.environ.get('KPA_HUB_SERVER_IDLE_SECONDS', '7200'))}",
]
if os.environ.get("KPA_HUB_CULL_SECONDS"):  # overrides voila.json's idle timeout for this hub
    c.Spawner.args.append(f"--MappingKernelManager.cull_idle_timeout={int(os.environ['KPA_HUB_CULL_SECONDS'])}")
c.Spawner.mem_limit = os.environ.get("KPA_HUB_MEM_LIMIT", "2G")  # honoured by container spawners
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
