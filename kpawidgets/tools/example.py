"""Put the example workbook into a workspace (``make workshop``), without overwriting edits."""

from __future__ import annotations

import argparse
import os
import sys

from kpawidgets.errors import KpaError
from kpawidgets.i18n import _
from kpawidgets.resources import example_workbook_path
from kpawidgets.storage.atomic import write_atomic
from kpawidgets.storage.files import load_workbook_file, read_workbook_bytes
from kpawidgets.storage.workspace import Workspace

EXAMPLE_NAME = "exemple-quartier-des-tisserands"


def install_example(workspace: Workspace) -> str:
    """Copy the example as ``exemple-quartier-des-tisserands`` unless a workbook by that name exists."""
    workspace.ensure()
    target = workspace.path_for(EXAMPLE_NAME)
    if not os.path.lexists(target):
        source = example_workbook_path().resolve()
        data = read_workbook_bytes(source)
        load_workbook_file(data, source.name)  # never copy a broken example
        write_atomic(target, data)
    return EXAMPLE_NAME


def main() -> int:
    parser = argparse.ArgumentParser(description=_("Copier le carnet d'exemple dans le dossier de travail."))
    parser.add_argument("--workspace")
    args = parser.parse_args()
    try:
        name = install_example(Workspace(args.workspace))
    except KpaError as exc:
        print(_("Erreur : {message}").format(message=exc.message()), file=sys.stderr)
        return 1
    print(name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
