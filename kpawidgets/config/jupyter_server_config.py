"""Carnet KPA's Voilà settings for a Jupyter server (JupyterHub's user servers, Binder).

Voilà as a server extension reads only the ``VoilaConfiguration`` part of ``voila.json``;
the server reads this file from the same config dir, so the kernel culling and the
executor's timeout of ``voila.json`` apply there too.
"""

import json
from pathlib import Path

from traitlets.config import Config

c = get_config()  # type: ignore[name-defined]  # noqa: F821 - provided by the traitlets config loader
c.merge(Config(json.loads(Path(__file__).with_name("voila.json").read_text(encoding="utf-8"))))
