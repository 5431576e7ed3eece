"""The home page: what a KPA is, the network dashboard, the workbook picker."""

from __future__ import annotations

import ipywidgets as widgets
from IPython.display import display

from kpawidgets.app.request import query_params
from kpawidgets.app.session import WorkbookSession
from kpawidgets.app.shell import PageShell

__all__ = ["home_page", "build_home"]


def build_home(session: WorkbookSession) -> PageShell:
    """The home page's widget tree for *session*."""
    shell = PageShell("00_accueil.ipynb", session)
    shell.set_body(widgets.HTML("<p>Carnet KPA</p>"))
    return shell


def home_page() -> PageShell:
    """Build and display the home page for the current Voilà request."""
    session = WorkbookSession.from_request(query_params())
    shell = build_home(session)
    display(shell)
    return shell
