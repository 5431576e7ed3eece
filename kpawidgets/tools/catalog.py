"""Check the translation catalogs: every French message of the code has an English translation.

``python -m kpawidgets.tools.catalog`` lists the messages missing from the English
catalogs (``--po`` prints them as .po entries to fill in). Messages are found in the
source's syntax tree: calls of ``_()`` and ``N_()``, both forms of ``ngettext()`` and
``translate_plural()``, and the first argument (and ``plural=``) of every
:class:`kpawidgets.errors.KpaError` subclass.
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

from kpawidgets.i18n import catalog

PACKAGE = Path(__file__).resolve().parents[1]
#: Calls whose first two arguments are the singular and plural forms of one message.
PLURAL_KEYWORDS = {"ngettext", "translate_plural"}


def _parse(path: Path) -> ast.Module | None:
    try:
        return ast.parse(path.read_text(encoding="utf-8"))
    except SyntaxError as exc:
        print(f"{path}: not parsed ({exc.msg}, line {exc.lineno})", file=sys.stderr)
        return None


def error_class_names(root: Path = PACKAGE) -> set[str]:
    """Names of KpaError and its subclasses defined in the package (found statically)."""
    names = {"KpaError"}
    classes: list[tuple[str, list[str]]] = []
    for path in root.rglob("*.py"):
        tree = _parse(path)
        for node in ast.walk(tree) if tree else ():
            if isinstance(node, ast.ClassDef):
                bases = [b.id if isinstance(b, ast.Name) else b.attr if isinstance(b, ast.Attribute) else "" for b in node.bases]
                classes.append((node.name, bases))
    changed = True
    while changed:
        changed = False
        for name, bases in classes:
            if name not in names and any(base in names for base in bases):
                names.add(name)
                changed = True
    return names


def extract_messages(root: Path = PACKAGE) -> dict[str, list[str]]:
    """French message id → places (``file:line``) where the code uses it.

    Uses :mod:`ast` rather than Babel's token-based extractor, which does not see
    ``_()`` calls inside f-strings on Python < 3.12.
    """
    keywords = {"_", "N_", "translate"} | error_class_names(root)
    found: dict[str, list[str]] = {}
    for path in sorted(root.rglob("*.py")):
        tree = _parse(path)
        for node in ast.walk(tree) if tree else ():
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            # ngettext() and translate_plural() carry both forms; a KpaError may carry plural=.
            texts = node.args[:2] if name in PLURAL_KEYWORDS else node.args[:1]
            texts += [k.value for k in node.keywords if k.arg == "plural" and name in keywords]
            for text in texts if name in keywords | PLURAL_KEYWORDS else ():
                if isinstance(text, ast.Constant) and isinstance(text.value, str) and text.value.strip():
                    found.setdefault(text.value, []).append(f"{path.relative_to(root.parent)}:{node.lineno}")
    return found


def missing_translations(lang: str = "en") -> dict[str, list[str]]:
    """Messages of the code that the *lang* catalogs do not translate."""
    translations = catalog(lang)
    return {msgid: places for msgid, places in extract_messages().items() if msgid not in translations}


def _po_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--po", action="store_true", help="print missing messages as .po entries")
    parser.add_argument("--under", default="", help="only messages used in files under this path")
    args = parser.parse_args()
    missing = {m: p for m, p in missing_translations().items() if any(args.under in place for place in p)}
    for msgid, places in missing.items():
        if args.po:
            print(f"#: {' '.join(places)}\nmsgid \"{_po_escape(msgid)}\"\nmsgstr \"\"\n")
        else:
            print(f"{places[0]}: {msgid}")
    print(f"{len(missing)} {'message' if len(missing) == 1 else 'messages'} without English translation", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
