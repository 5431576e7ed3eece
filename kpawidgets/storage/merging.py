"""A save meeting the file as others left it: the three-way merge, and what it may not write.

The merge itself is pure (:mod:`kpawidgets.model.merge`); this is its storage side: read the
file now, merge, and let only what the loader reads through. Used by :meth:`Workspace.save`
(pages, ``kpa import``, the room) under the workbook's lock.
"""

from __future__ import annotations

import json

from kpawidgets.i18n import N_
from kpawidgets.model.merge import MergeEvent, merge_workbooks
from kpawidgets.model.workbook import Workbook, WorkbookError, load_workbook_text
from kpawidgets.storage.files import ConflictError, load_workbook_file

__all__ = ["merge_with_file"]


def merge_with_file(name: str, source: str, base: bytes, workbook: Workbook,
                    current: bytes) -> tuple[Workbook, tuple[MergeEvent, ...]]:
    """The workbook to write over *current*: *workbook* (edited from *base*) merged with it.

    *base* is the file's bytes as the caller last read them. The caller's value wins where
    both changed one. A file that no longer reads (changed by hand), no base to merge
    against, or a merge the loader refuses is a ConflictError naming workbook *name*: nothing
    is written, the edits stay with the caller. Returns the merged workbook (as the loader
    read it) and what the merge replaced or kept.
    """
    if not base:
        raise ConflictError(
            "Le carnet « {name} » a été modifié ailleurs (un autre onglet ou une autre personne) "
            "depuis son ouverture. Rechargez-le, ou gardez vos changements dans une copie.",
            command_line=N_("Le carnet « {name} » a été modifié ailleurs pendant la commande : rien n'a été "
                            "enregistré. Relancez-la."), name=name)
    try:
        theirs = load_workbook_file(current, source)
    except WorkbookError as exc:
        raise ConflictError(
            "Le carnet « {name} » a été modifié en dehors de Carnet KPA et ne se lit plus. "
            "Il est laissé tel quel et vos saisies restent dans la page : gardez-les dans une copie, "
            "ou faites réparer le fichier.",
            command_line=N_("Le carnet « {name} » a été modifié en dehors de Carnet KPA et ne se lit plus : "
                            "il est laissé tel quel, rien n'a été enregistré."),
            name=name, detail=exc.message()) from None
    result = merge_workbooks(load_workbook_file(base, source), workbook, theirs)
    try:
        merged = load_workbook_text(json.dumps(result.merged, ensure_ascii=False), source=source)
    except WorkbookError as exc:
        problems = exc.params.get("problems") or [exc.message()]
        raise ConflictError(
            "Vos changements et ceux enregistrés entre-temps dans « {name} » ne peuvent pas être réunis : "
            "le carnet contiendrait des valeurs invalides ({detail}). Rien n'est enregistré ; vos saisies "
            "restent dans la page.",
            command_line=N_("Les changements de la commande et ceux enregistrés entre-temps dans « {name} » ne "
                            "peuvent pas être réunis ({detail}) : rien n'a été enregistré."),
            name=name, detail="; ".join(str(p) for p in problems[:3])) from None
    return merged, result.events
