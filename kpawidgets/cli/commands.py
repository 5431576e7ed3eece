"""The ``kpa`` subcommands that read and write workbooks: new, list, check, schema, import, export."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from kpawidgets.errors import KpaError
from kpawidgets.i18n import _
from kpawidgets.model.workbook import (
    Workbook,
    WorkbookError,
    load_workbook_text,
    workbook_json_schema,
)
from kpawidgets.storage.workspace import SUFFIX, Workspace

__all__ = ["CliError", "check_report", "cmd_new", "cmd_list", "cmd_check", "cmd_schema", "cmd_import", "cmd_export"]


class CliError(KpaError):
    """A usage problem reported as one line."""


def _workspace(args: argparse.Namespace) -> Workspace:
    return Workspace(args.workspace) if getattr(args, "workspace", None) else Workspace()


def _load_reference(args: argparse.Namespace, reference: str) -> tuple[Workbook, Path, Workspace]:
    """A workbook given as a file path (anywhere) or as a name in the workspace."""
    path = Path(reference).expanduser()
    if path.suffix == SUFFIX and path.is_file():
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CliError("Le fichier {path} ne peut pas être lu : {detail}", path=str(path), detail=exc.strerror or str(exc)) from None
        return load_workbook_text(data, source=path.name), path.absolute(), Workspace(path.absolute().parent)
    workspace = _workspace(args)
    opened = workspace.open(reference)
    return opened.workbook, opened.path, workspace


# ------------------------------------------------------------------ commands
def cmd_new(args: argparse.Namespace) -> int:
    workspace = _workspace(args)
    workspace.ensure()
    extra: dict[str, Any] = {}
    if args.town:
        extra["town"] = args.town
    if args.neighbourhood:
        extra["neighbourhood"] = args.neighbourhood
    try:
        opened = workspace.create(args.name, **extra)
    except ValueError as exc:  # pydantic validation of the identity
        raise CliError("Nom de territoire invalide : {detail}", detail=str(exc).splitlines()[-1]) from None
    print(_("Carnet créé pour « {territory} » :").format(territory=opened.workbook.identity.territory))
    print(opened.path)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    workspace = _workspace(args)
    entries = workspace.list()
    if args.json:
        print(json.dumps([
            {"name": e.name, "path": str(e.path), "territory": e.workbook.identity.territory if e.workbook else None,
             "error": e.error.message() if e.error else None} for e in entries
        ], ensure_ascii=False, indent=2))
        return 0
    if not entries:
        print(_("Aucun carnet dans {root}.").format(root=workspace.root))
        return 0
    for entry in entries:
        if entry.workbook is not None:
            print(f"{entry.name}\t{entry.workbook.identity.territory}")
        else:
            print(f"{entry.name}\t{_('ILLISIBLE')} — {entry.error.message() if entry.error else ''}")
    return 0


def check_report(workbook: Workbook | None, errors: list[str], source: str) -> dict[str, Any]:
    """The object ``kpa check --json`` prints; every section adds its own keys."""
    from kpawidgets.model import budget, checklist, plan

    report: dict[str, Any] = {
        "file": source,
        "territory": workbook.identity.territory if workbook else None,
        "launch_date": workbook.identity.launch_date.isoformat() if workbook and workbook.identity.launch_date else None,
        "schema_version": workbook.schema_version if workbook else None,
        "errors": errors,
    }
    if workbook is not None:
        for section in (checklist, budget, plan):
            report.update(section.check_fields(workbook))
    return report


def cmd_check(args: argparse.Namespace) -> int:
    errors: list[str] = []
    workbook: Workbook | None = None
    source = args.workbook
    try:
        workbook, path, _workspace_ = _load_reference(args, args.workbook)
        source = str(path)
    except WorkbookError as exc:
        errors = list(exc.params.get("problems") or [exc.message()])
    report = check_report(workbook, errors, source)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2, default=str))
    else:
        if errors:
            for line in errors:
                print(_("Erreur : {message}").format(message=line))
        else:
            print(_("Carnet valide : {territory} (format {version}).").format(
                territory=report["territory"], version=report["schema_version"]))
            for key, value in report.items():
                if key not in ("file", "territory", "schema_version", "errors"):
                    print(f"  {key}: {value}")
    return 1 if errors else 0


def cmd_schema(args: argparse.Namespace) -> int:
    print(json.dumps(workbook_json_schema(), ensure_ascii=False, indent=2))
    return 0


def _save_reference(workbook: Workbook, path: Path) -> None:
    """Save *workbook* back where it was read (through the workspace, with its history)."""
    import os
    import tempfile

    from kpawidgets.model.workbook import dump_workbook
    from kpawidgets.storage.workspace import WorkspaceError

    workspace = Workspace(path.parent)
    try:
        opened = workspace.open(path.stem)
    except WorkspaceError:
        opened = None
    if opened is not None and opened.path.resolve() == path.resolve():
        workspace.save(opened, workbook)
        return
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".import-", suffix=".json")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(dump_workbook(workbook))
    os.replace(temporary, path)


def cmd_import(args: argparse.Namespace) -> int:
    """``kpa import WORKBOOK FILE [--skip-bad-rows]``: add budget lines from a CSV or xlsx file."""
    from kpawidgets.storage.spreadsheets import apply_import, read_lines

    workbook, path, _workspace_ = _load_reference(args, args.workbook)
    result = read_lines(args.file)
    for problem in result.problems:
        print(problem.message(), file=sys.stderr)
    if result.problems and not args.skip_bad_rows:
        raise CliError(
            "Le fichier contient {count} ligne(s) invalide(s) : rien n'a été importé. Corrigez-les, ou relancez avec --skip-bad-rows pour importer les autres.",
            count=len(result.problems))
    added = apply_import(workbook, result, skip_bad_rows=bool(args.skip_bad_rows))
    _save_reference(workbook, path)
    print(_("{count} ligne(s) importée(s) dans « {territory} ».").format(count=added, territory=workbook.identity.territory))
    if result.problems:
        print(_("{count} ligne(s) invalide(s) ignorée(s).").format(count=len(result.problems)))
    if result.calculated:
        print(_("{count} ligne(s) calculée(s) par le carnet laissée(s) de côté.").format(count=result.calculated))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    if not (args.pdf or args.html or args.xlsx or args.csv):
        raise CliError("Indiquez au moins un format : --pdf, --html, --xlsx ou --csv.")
    status = 0
    if args.xlsx or args.csv:
        from kpawidgets.i18n import use_language
        from kpawidgets.storage.spreadsheets import export_csv, export_xlsx

        workbook, _path, _workspace_ = _load_reference(args, args.workbook)
        with use_language(getattr(args, "doc_lang", None) or workbook.identity.language):
            if args.xlsx:
                print(_("Budget exporté : {path}").format(path=export_xlsx(workbook, args.xlsx)))
            if args.csv:
                print(_("Lignes de budget exportées : {path}").format(path=export_csv(workbook, args.csv)))
    if args.pdf or args.html:
        from kpawidgets.report import export_cli as report_export_cli

        status = report_export_cli(args) or status
    return status
