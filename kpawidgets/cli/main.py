"""The ``kpa`` command line: the parser (in French or English) and the entry point."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from kpawidgets.cli.commands import (
    cmd_check,
    cmd_export,
    cmd_snapshot,
    cmd_anonymise,
    cmd_import,
    cmd_list,
    cmd_new,
    cmd_schema,
)
from kpawidgets.cli.atelier import cmd_atelier
from kpawidgets.cli.network import cmd_network
from kpawidgets.cli.serve import DEFAULT_PORT, cmd_serve
from kpawidgets.errors import KpaError
from kpawidgets.i18n import _, get_language, set_language
from kpawidgets.storage.files import WorkspaceError

__all__ = ["main", "build_parser"]


#: argparse's own texts are English; French speakers get them in French.
_ARGPARSE_FR = {
    "usage: ": "utilisation : ",
    "positional arguments": "arguments",
    "options": "options",
    "show this help message and exit": "afficher cette aide et quitter",
    "the following arguments are required: %s": "arguments obligatoires manquants : %s",
    "unrecognized arguments: %s": "arguments inconnus : %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "choix invalide : %(value)r (possibles : %(choices)s)",
    "invalid %(type)s value: %(value)r": "valeur invalide (%(type)s) : %(value)r",
    "expected one argument": "une valeur est attendue",
    "ambiguous option: %(option)s could match %(matches)s": "option ambiguë : %(option)s peut être %(matches)s",
}


def _argparse_text(message: str) -> str:
    return _ARGPARSE_FR.get(message, message) if get_language() == "fr" else message


argparse._ = _argparse_text  # type: ignore[attr-defined]


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one ``Erreur : …`` line."""

    def error(self, message: str) -> Any:  # type: ignore[override]
        self.exit(2, _("Erreur : {message} (aide : {command} --help)").format(message=message, command=self.prog) + "\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="kpa", description=_("Carnet KPA : le carnet de lancement des KPA du réseau KPA-Cité."))
    parser.add_argument("--lang", default=os.environ.get("KPA_LANG", "fr"), choices=["fr", "en"],
                        help=_("langue des messages (fr par défaut)"))
    commands = parser.add_subparsers(dest="command", metavar=_("COMMANDE"), parser_class=_Parser)

    def add(name: str, help_text: str, handler: Callable[[argparse.Namespace], int], workspace: bool = True) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        if workspace:
            sub.add_argument("--workspace", metavar="DIR", help=_("dossier des carnets (défaut : $KPA_WORKSPACE ou ./workspace)"))
        sub.set_defaults(handler=handler)
        return sub

    serve = add("serve", _("lancer l'application (Voilà) sur 127.0.0.1"), cmd_serve)
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, help=_("port (défaut : 8866)"))
    serve.add_argument("--ip", default=None, help=_("adresse d'écoute (défaut : 127.0.0.1)"))
    serve.add_argument("--atelier", action="store_true",
                       help=_("mode atelier, avec --workbook CARNET (le carnet de l'atelier) : écoute sur l'adresse réseau de l'ordinateur (ou --ip) ; les téléphones du groupe rejoignent avec un code"))
    serve.add_argument("--no-browser", action="store_true", help=_("ne pas ouvrir le navigateur"))
    serve.add_argument("--workbook", metavar=_("CARNET"), help=_("carnet à ouvrir sur la page d'accueil (en mode atelier : le carnet de l'atelier, obligatoire)"))
    serve.add_argument("--preheat", type=int, default=None, metavar="N",
                       help=_("garder N noyaux prêts par page (plus rapide, environ 70 Mo par noyau)"))
    serve.add_argument("--lang", dest="lang", default=argparse.SUPPRESS, choices=["fr", "en"], help=_("langue de l'interface"))

    atelier = add("atelier", _("terminer l'atelier d'un carnet, ou changer ses codes (kpa serve --atelier les garde d'un lancement à l'autre)"),
                  cmd_atelier)
    atelier.add_argument("action", choices=["end", "rotate"],
                         help=_("end : terminer l'atelier (ses codes ne servent plus) ; rotate : nouveaux codes pour les participant·es"))
    atelier.add_argument("--workbook", help=_("carnet de l'atelier"))

    new = add("new", _("créer un carnet pour un territoire"), cmd_new)
    new.add_argument("name", metavar=_("NOM"), help=_("nom du territoire"))
    new.add_argument("--town", help=_("commune"))
    new.add_argument("--neighbourhood", help=_("quartier"))

    listing = add("list", _("lister les carnets du dossier de travail"), cmd_list)
    listing.add_argument("--json", action="store_true", help=_("sortie JSON"))

    check = add("check", _("vérifier un carnet et résumer son état"), cmd_check)
    check.add_argument("workbook", metavar=_("CARNET"), help=_("fichier .json ou nom du carnet"))
    check.add_argument("--json", action="store_true", help=_("sortie JSON"))

    add("schema", _("afficher le schéma JSON d'un fichier carnet"), cmd_schema, workspace=False)

    importing = add("import", _("importer des lignes de budget (CSV ou .xlsx)"), cmd_import)
    importing.add_argument("workbook", metavar=_("CARNET"), help=_("fichier .json ou nom du carnet"))
    importing.add_argument("file", metavar=_("FICHIER"), help=_("fichier CSV ou .xlsx"))
    importing.add_argument("--skip-bad-rows", action="store_true", help=_("importer les lignes valides et ignorer les autres"))
    importing.add_argument("--dry-run", action="store_true",
                           help=_("dire ce que l'import ferait (lignes, totaux avant → après) sans rien écrire"))
    choice = importing.add_mutually_exclusive_group()
    choice.add_argument("--replace", dest="mode", action="store_const", const="replace",
                        help=_("remplacer les lignes du budget par celles du fichier (l'ancienne version reste dans l'historique)"))
    choice.add_argument("--add", dest="mode", action="store_const", const="add",
                        help=_("ajouter les lignes du fichier à celles du budget"))

    snapshot = add("snapshot", _("garder le carnet tel qu'il est sous un nom (instantané gardé pour toujours)"),
                   cmd_snapshot)
    snapshot.add_argument("workbook", metavar=_("CARNET"), help=_("fichier .json ou nom du carnet"))
    snapshot.add_argument("label", metavar=_("NOM"), help=_("nom de l'instantané, par ex. « avant l'atelier du 12 mars »"))

    anonymise = add("anonymise", _("anonymiser le groupe après l'atelier (prénoms et liens aux personnes retirés, "
                                   "historique compris)"), cmd_anonymise)
    anonymise.add_argument("workbook", metavar=_("CARNET"), help=_("fichier .json ou nom du carnet"))
    anonymise.add_argument("--si-echu", "--if-due", dest="if_due", action="store_true",
                           help=_("seulement si la durée de conservation du carnet est passée (voir kpa check)"))

    network = add("reseau", _("le réseau : les chiffres partagés par les territoires d'un dossier (tableau, PDF, CSV, Excel)"),
                  cmd_network)
    network.add_argument("folder", nargs="?", metavar=_("DOSSIER"),
                         help=_("dossier des chiffres partagés (défaut : $KPA_NETWORK_DIR, $KPA_SHARE_DIR ou le dossier de travail)"))
    network.add_argument("--sort", default="urgency", choices=["urgency", "territory", "launch", "gap", "readiness", "slip", "updated"],
                         help=_("ordre des lignes (défaut : les plus urgents d'abord)"))
    network.add_argument("--json", action="store_true", help=_("sortie JSON"))
    network.add_argument("--pdf", metavar="OUT.pdf", help=_("« État du réseau » en PDF, une page"))
    network.add_argument("--csv", metavar="OUT.csv", help=_("tableau du réseau en CSV"))
    network.add_argument("--xlsx", metavar="OUT.xlsx", help=_("tableau du réseau en classeur Excel"))

    export = add("export", _("exporter le plan (PDF, HTML) ou le budget (xlsx, CSV)"), cmd_export)
    export.add_argument("workbook", metavar=_("CARNET"), help=_("fichier .json ou nom du carnet"))
    export.add_argument("--pdf", metavar="OUT.pdf", help=_("plan de lancement en PDF"))
    export.add_argument("--html", metavar="OUT.html", help=_("plan de lancement en HTML"))
    export.add_argument("--xlsx", metavar="OUT.xlsx", help=_("budget en classeur Excel"))
    export.add_argument("--csv", metavar="OUT.csv", help=_("lignes de budget en CSV"))
    export.add_argument("--doc-lang", choices=["fr", "en"], help=_("langue du document (défaut : celle du carnet)"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``kpa``: returns the exit status; errors are one line, never a traceback."""
    argv = list(sys.argv[1:] if argv is None else argv)
    # The language must be known before --help texts are built.
    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv):
            set_language(argv[index + 1])
        elif arg.startswith("--lang="):
            set_language(arg.split("=", 1)[1])
    else:
        if not any(a == "--lang" or a.startswith("--lang=") for a in argv):
            set_language(os.environ.get("KPA_LANG", "fr"))
    parser = build_parser()
    args = parser.parse_args(argv)
    set_language(args.lang)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return args.handler(args)
    except WorkspaceError as exc:  # worded for the command line (« la page » is not here)
        print(_("Erreur : {message}").format(message=exc.command_line_message()), file=sys.stderr)
        return 1
    except KpaError as exc:
        print(_("Erreur : {message}").format(message=exc.message()), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (« kpa check FILE | head -1 »): what it wanted, it had. Python's own
        # advice: point stdout at /dev/null so that the exit's flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except OSError as exc:
        print(_("Erreur : {message}").format(message=exc.strerror or exc), file=sys.stderr)
        return 1
