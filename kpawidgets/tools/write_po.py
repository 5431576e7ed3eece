"""Write a .po catalog from a Python dict of French → English (used when adding many strings at once).

``python -m kpawidgets.tools.write_po translations.py kpawidgets/locale/en/LC_MESSAGES/core.po``
merges the dict ``T`` of ``translations.py`` into the catalog (existing entries are kept
unless the dict changes them).
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po


def merge(po_path: Path, translations: dict[str, str]) -> int:
    """Add *translations* to the catalog at *po_path*; return how many entries it now has."""
    if po_path.exists():
        with po_path.open("rb") as handle:
            catalog = read_po(handle)
    else:
        catalog = Catalog(locale="en", project="Carnet KPA", charset="utf-8")
    for msgid, msgstr in translations.items():
        catalog.add(msgid, msgstr)
    po_path.parent.mkdir(parents=True, exist_ok=True)
    with po_path.open("wb") as handle:
        write_po(handle, catalog, width=0, sort_output=False, omit_header=False)
    return len(catalog)


def main() -> int:
    source, target = sys.argv[1], Path(sys.argv[2])
    translations = runpy.run_path(source)["T"]
    print(merge(target, translations), "entries in", target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
