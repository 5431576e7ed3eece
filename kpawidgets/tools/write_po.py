"""Write a .po catalog from a Python dict of French → English (used when adding many strings at once).

``python -m kpawidgets.tools.write_po translations.py kpawidgets/locale/en/LC_MESSAGES/core.po``
merges the dict ``T`` of ``translations.py`` into the catalog (existing entries are kept
unless the dict changes them).
"""

from __future__ import annotations

import io
import runpy
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from kpawidgets.storage.atomic import write_atomic


def merge(po_path: Path, translations: dict[str, str]) -> int:
    """Add *translations* to the catalog at *po_path*; return how many entries it now has."""
    if po_path.exists():
        with po_path.open("rb") as handle:
            catalog = read_po(handle)
    else:
        catalog = Catalog(locale="en", project="Carnet KPA", charset="utf-8")
    for msgid, msgstr in translations.items():
        catalog.add(msgid, msgstr)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=0, sort_output=False, omit_header=False)
    write_atomic(po_path, buffer.getvalue(), make_parents=True)
    return len(catalog)


def main() -> int:
    source, target = sys.argv[1], Path(sys.argv[2])
    translations = runpy.run_path(source)["T"]
    print(merge(target, translations), "entries in", target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
