"""The ``kpa`` subcommands that read and write workbooks: new, list, check, schema, import, export.

Each command turns its ``argparse.Namespace`` into plain calls of storage and report; the
layers below never see argparse (nothing imports ``cli``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from kpawidgets.errors import KpaError
from kpawidgets.i18n import _, ngettext, use_language
from kpawidgets.model.room import privacy
from kpawidgets.model.workbook import Workbook, WorkbookError, workbook_json_schema
from kpawidgets.storage.erasure import anonymise_everywhere
from kpawidgets.storage.history import take_snapshot
from kpawidgets.storage.references import OpenedReference, open_reference
from kpawidgets.storage.workspace import Workspace

__all__ = ["CliError", "check_report", "cmd_new", "cmd_list", "cmd_check", "cmd_schema", "cmd_import", "cmd_export", "cmd_snapshot",
           "cmd_anonymise"]


class CliError(KpaError):
    """A usage problem reported as one line."""


def _workspace(args: argparse.Namespace) -> Workspace:
    return Workspace(args.workspace) if getattr(args, "workspace", None) else Workspace()


def _open(args: argparse.Namespace) -> OpenedReference:
    return open_reference(args.workbook, _workspace(args))


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
        # Lines whose funder is no longer among the partners: they count, under « financeur inconnu »;
        # funders without a kind: their lines' Cerfa sub-line is not theirs to say yet.
        report["warnings"] = checklist.unknown_funder_warnings(workbook) + checklist.kindless_funder_warnings(workbook)
        report.update(privacy.check_fields(workbook))  # the group's retention (issue 23)
        if report["personal_data_due"]:
            report["warnings"].append(_("les prénoms du groupe devaient être effacés le {day} : lancez « kpa anonymise "
                                        "{workbook} --si-echu ».").format(day=report["personal_data_until"], workbook=source))
    return report


def cmd_check(args: argparse.Namespace) -> int:
    errors: list[str] = []
    lines: list[str] = []
    workbook: Workbook | None = None
    source = args.workbook
    try:
        opened = _open(args)
        workbook, source = opened.workbook, str(opened.path)
    except WorkbookError as exc:
        problems = list(exc.params.get("problems") or [])
        named = exc.params.get("source") or Path(args.workbook).name
        errors = problems or [exc.message()]
        # One line per problem, each naming the file (a facilitator checks several at once).
        lines = [f"{named} : {problem}" for problem in problems] or errors
    report = check_report(workbook, errors, source)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2, default=str))
    else:
        if errors:
            for line in lines:
                print(_("Erreur : {message}").format(message=line))
        else:
            print(_("Carnet valide : {territory} (format {version}).").format(
                territory=report["territory"], version=report["schema_version"]))
            for warning in report.get("warnings", []):
                print(_("Attention : {message}").format(message=warning))
            for key, value in report.items():
                if key not in ("file", "territory", "schema_version", "errors", "warnings"):
                    print(f"  {key}: {value}")
    return 1 if errors else 0


def cmd_schema(args: argparse.Namespace) -> int:
    print(json.dumps(workbook_json_schema(), ensure_ascii=False, indent=2))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Read the file first, then apply its lines to the workbook and save.

    The save merges with what a page or another import saved meanwhile (Workspace.save):
    the import never writes a copy read before over others' work.
    """
    from kpawidgets.storage.spreadsheets import (
        apply_import,
        asks_mode,
        counts_sentence,
        duplicates_sentence,
        kinds_sentence,
        plan_import,
        read_lines,
        totals_sentence,
    )

    result = read_lines(args.file)
    for problem in result.problems:
        print(problem.message(), file=sys.stderr)
    if result.problems and not args.skip_bad_rows:  # a dry run says the same: the import would stop here
        raise CliError(
            "Le fichier contient {count} ligne invalide : rien n'a été importé. Corrigez-la, ou relancez avec --skip-bad-rows pour importer les autres.",
            plural="Le fichier contient {count} lignes invalides : rien n'a été importé. Corrigez-les, ou relancez avec --skip-bad-rows pour importer les autres.",
            count=len(result.problems))
    reference = _open(args)
    mode = getattr(args, "mode", None)
    if mode is None and asks_mode(reference.workbook, result):
        raise CliError("Ce fichier ne met à jour aucune ligne de ce budget (il ne vient pas de son export) : rien n'a été "
                       "importé. Relancez avec --replace pour remplacer les lignes du budget, ou --add pour les ajouter.")
    preview = plan_import(reference.workbook, result, mode or "add")  # stops here when a cost would count twice
    outcome = preview.outcome
    territory = reference.workbook.identity.territory
    if outcome.duplicates:
        print(_("Attention : {message}").format(message=duplicates_sentence(outcome)))
    if not args.dry_run:
        apply_import(reference.workbook, result, mode=mode or "add", skip_bad_rows=bool(args.skip_bad_rows))
        reference.save()  # merged with whatever a page or another import saved meanwhile
    print((_("« {territory} », si l'import était fait : ") if args.dry_run else _("« {territory} » : ")).format(territory=territory)
          + counts_sentence(outcome))
    print(totals_sentence(preview))
    if args.dry_run:
        print(_("Rien n'a été écrit (--dry-run)."))
    if kinds_sentence(outcome):
        print(kinds_sentence(outcome))
    if outcome.partners_added and args.dry_run:
        print(ngettext("{count} financeur serait ajouté aux partenaires de la check-list.",
                       "{count} financeurs seraient ajoutés aux partenaires de la check-list.", outcome.partners_added).format(
            count=outcome.partners_added))
    elif outcome.partners_added:
        print(ngettext("{count} financeur ajouté aux partenaires de la check-list.",
                       "{count} financeurs ajoutés aux partenaires de la check-list.", outcome.partners_added).format(
            count=outcome.partners_added))
    if result.problems and args.dry_run:
        print(ngettext("{count} ligne invalide serait ignorée (--skip-bad-rows).",
                       "{count} lignes invalides seraient ignorées (--skip-bad-rows).", len(result.problems)).format(
            count=len(result.problems)))
    elif result.problems:
        print(ngettext("{count} ligne invalide ignorée.", "{count} lignes invalides ignorées.", len(result.problems)).format(
            count=len(result.problems)))
    if result.calculated:
        print(ngettext("{count} ligne calculée par le carnet laissée de côté.",
                       "{count} lignes calculées par le carnet laissées de côté.", result.calculated).format(count=result.calculated))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    if not (args.pdf or args.html or args.xlsx or args.csv):
        raise CliError("Indiquez au moins un format : --pdf, --html, --xlsx ou --csv.")
    if args.xlsx or args.csv:
        from kpawidgets.storage.spreadsheets import export_csv, export_xlsx

        workbook = _open(args).workbook
        with use_language(args.doc_lang or workbook.identity.language):
            if args.xlsx:
                print(_("Budget exporté : {path}").format(path=export_xlsx(workbook, args.xlsx)))
            if args.csv:
                print(_("Lignes de budget exportées : {path}").format(path=export_csv(workbook, args.csv)))
    if args.pdf or args.html:
        from kpawidgets.report.export import export_plan

        written = export_plan(args.workbook, html=args.html, pdf=args.pdf, lang=args.doc_lang,
                              workspace=_workspace(args))
        if "html" in written:
            print(_("Plan (HTML) : {path}").format(path=written["html"]))
        if "pdf" in written:
            print(_("Plan (PDF) : {path}").format(path=written["pdf"]))
    return 0


def cmd_snapshot(args: argparse.Namespace) -> int:
    """Keep the workbook as it is now under a name, forever (storage/history.py)."""
    reference = _open(args)
    snapshot = take_snapshot(reference.workspace.root, reference.opened.name, reference.opened.base, args.label)
    print(_("Instantané « {label} » de « {territory} » enregistré.").format(
        label=snapshot.label, territory=reference.workbook.identity.territory))
    return 0


# ------------------------------------------------------------------ the residents' data (issue 23)
def cmd_anonymise(args: argparse.Namespace) -> int:
    """Drop the group's names and links to people, in the workbook and every version kept of it."""
    reference = _open(args)
    territory = reference.workbook.identity.territory
    if args.if_due and not privacy.check_fields(reference.workbook)["personal_data_due"]:
        until = privacy.retention_until(reference.workbook)
        print((_("Rien à effacer avant le {day} pour « {territory} ».").format(day=until.isoformat(), territory=territory)
               if until else _("« {territory} » n'a pas de date de lancement : rien n'est échu.").format(territory=territory)))
        return 0
    changed = anonymise_everywhere(reference.workspace, reference.opened.name)
    print((_("Groupe de « {territory} » anonymisé : prénoms, pseudonymes et liens aux personnes retirés du carnet, "
             "de son historique, de ses instantanés et de la corbeille ; la mixité, les effectifs et les idées restent.")
           if changed else _("Le groupe de « {territory} » était déjà anonyme ; l'historique a été vérifié.")).format(
        territory=territory))
    return 0
