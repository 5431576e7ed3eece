"""Drive a page without a browser (as ipywidgets' own ``check_widget`` tests do): build the
page for a real workbook file, find widgets by CSS class or type, set ``.value``, then assert
on the model, on the file or on an ``HTML.value``."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import ipywidgets as widgets

from kpawidgets.app.fields import Field
from kpawidgets.app.session import WorkbookSession
from kpawidgets.app.shell import PageShell
from kpawidgets.i18n import use_language
from kpawidgets.model.workbook import Workbook, load_workbook_text
from kpawidgets.storage.workspace import Workspace

W = TypeVar("W", bound=widgets.Widget)

#: The example workbook's name once copied into a workspace.
EXAMPLE = "exemple-quartier-des-tisserands"


def walk(widget: widgets.Widget) -> Iterator[widgets.Widget]:
    """*widget* and everything under it, depth first."""
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def find_all(root: widgets.Widget, css: str | None = None, kind: type[W] | None = None) -> list[Any]:
    """Widgets under *root* carrying the CSS class *css* and/or of type *kind*."""
    return [w for w in walk(root)
            if (css is None or css in getattr(w, "_dom_classes", ())) and (kind is None or isinstance(w, kind))]


def find(root: widgets.Widget, css: str | None = None, kind: type[W] | None = None) -> Any:
    """The first widget :func:`find_all` gives (the test fails when there is none)."""
    found = find_all(root, css, kind)
    assert found, f"no widget {css or ''} {kind.__name__ if kind else ''} under {type(root).__name__}"
    return found[0]


def fields(root: widgets.Widget) -> list[Field]:
    """The bound fields under *root*, in order."""
    return find_all(root, kind=Field)


def button(root: widgets.Widget, description: str | Callable[[str], bool]) -> widgets.Button:
    """The first button under *root* whose description is *description* (or passes the test)."""
    test = description if callable(description) else (lambda text: text == description)
    return next(w for w in find_all(root, kind=widgets.Button) if test(w.description))


def flat(html: str) -> str:
    """HTML with narrow and non-breaking spaces made plain (Babel puts them in amounts)."""
    return html.replace("\u202f", " ").replace("\xa0", " ")


@dataclass
class OpenPage:
    """A page built for a workbook of a real workspace folder."""

    shell: PageShell
    session: WorkbookSession
    path: Path

    @property
    def body(self) -> Any:
        return self.shell.body.children[0]

    def on_disk(self) -> Workbook:
        """The workbook as saved in its file now."""
        return load_workbook_text(self.path.read_bytes())

    def file_bytes(self) -> bytes:
        return self.path.read_bytes()


def open_page(build: Callable[[WorkbookSession], PageShell], workspace_dir: Path, example_path: Path | None = None,
              lang: str = "fr", name: str = EXAMPLE) -> OpenPage:
    """Copy the example into *workspace_dir* (when given), open *name* and build the page with *build*."""
    if example_path is not None:
        shutil.copy(example_path, workspace_dir / example_path.name)
    session = WorkbookSession(Workspace(workspace_dir), lang)
    session.open(name)
    with use_language(lang):
        shell = build(session)
    return OpenPage(shell, session, workspace_dir / f"{name}.json")


def field_of(root: widgets.Widget, css: str) -> Field:
    """The bound field whose widget carries the CSS class *css*."""
    found = [f for f in fields(root) if css in f.input._dom_classes]
    assert found, css
    return found[0]
