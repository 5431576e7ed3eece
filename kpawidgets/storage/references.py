"""The one way to turn a workbook reference into an open workbook.

A reference is what a person types or a page passes: a workbook's name in the workspace
(``quartier-x``) or the path of a ``.json`` file anywhere (``~/atelier/Mon_Carnet.json``).
The CLI, the exports and the spreadsheet import all resolve references here, so a file
opened by path is saved like any other: through its folder's :class:`Workspace` (lock,
history, conflict check, atomic write).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from kpawidgets.model.workbook import Workbook
from kpawidgets.storage.files import NotFoundError
from kpawidgets.storage.workspace import SUFFIX, OpenWorkbook, Workspace

__all__ = ["OpenedReference", "open_reference"]


@dataclass
class OpenedReference:
    """A workbook opened from a reference, with the workspace that saves it."""

    opened: OpenWorkbook
    workspace: Workspace

    @property
    def workbook(self) -> Workbook:
        return self.opened.workbook

    @property
    def path(self) -> Path:
        return self.opened.path

    def save(self, workbook: Workbook | None = None) -> OpenWorkbook:
        """Save through the workspace (see :meth:`Workspace.save`)."""
        return self.workspace.save(self.opened, workbook)


def _looks_like_a_path(reference: str) -> bool:
    return reference.endswith(SUFFIX) or os.sep in reference or (os.altsep or os.sep) in reference


def open_reference(reference: str, workspace: Workspace | str | os.PathLike[str] | None = None) -> OpenedReference:
    """Open the workbook *reference* names: a ``.json`` path anywhere, or a name in *workspace*.

    *workspace* (a Workspace or its folder; default ``$KPA_WORKSPACE``) is where names are
    looked up; a file given by path is saved through the workspace of its own folder. A link
    the person typed is followed to its file (the history goes beside that file). Raises a
    :class:`~kpawidgets.storage.files.WorkspaceError` or a WorkbookError naming the file.
    """
    named_in = workspace if isinstance(workspace, Workspace) else Workspace(workspace)
    if _looks_like_a_path(reference):
        path = Path(reference).expanduser()
        if os.path.lexists(path):
            real = path.resolve()
            folder = Workspace(real.parent)
            return OpenedReference(folder.open_path(real), folder)
        if os.sep in reference:
            raise NotFoundError("Aucun fichier {path}.", path=str(path))
        reference = reference[: -len(SUFFIX)]  # "x.json" not here: the workbook x of the workspace
    return OpenedReference(named_in.open(reference), named_in)
