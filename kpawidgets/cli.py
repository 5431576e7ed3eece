"""The ``kpa`` command: serve the app, create, list and check workbooks, import and export."""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import webbrowser
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from kpawidgets.errors import KpaError
from kpawidgets.i18n import _, get_language, normalize_language, set_language
from kpawidgets.model.workbook import Workbook, WorkbookError, load_workbook_text, workbook_json_schema
from kpawidgets.resources import notebooks_dir, templates_dir
from kpawidgets.workspace import SUFFIX, Workspace

__all__ = ["main", "check_report", "voila_command"]

DEFAULT_PORT = 8866
#: Idle visitors' kernels are shut down after this many seconds (a workshop pause is shorter).
CULL_IDLE_SECONDS = 1800


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


def cmd_import(args: argparse.Namespace) -> int:
    from kpawidgets.spreadsheets import import_cli

    return import_cli(args)


def cmd_export(args: argparse.Namespace) -> int:
    if not (args.pdf or args.html or args.xlsx or args.csv):
        raise CliError("Indiquez au moins un format : --pdf, --html, --xlsx ou --csv.")
    status = 0
    if args.xlsx or args.csv:
        from kpawidgets.spreadsheets import export_cli

        status = export_cli(args) or status
    if args.pdf or args.html:
        from kpawidgets.report import export_cli as report_export_cli

        status = report_export_cli(args) or status
    return status


def voila_command(notebooks: Path, port: int, ip: str = "127.0.0.1", *, extra: Sequence[str] = ()) -> list[str]:
    """The Voilà command line that serves *notebooks* with the project's template and safe settings."""
    return [
        sys.executable, "-m", "voila", str(notebooks),
        "--no-browser",
        f"--port={port}",
        f"--Voila.ip={ip}",
        "--template=kpa",
        "--show_tracebacks=False",
        "--VoilaConfiguration.file_allowlist=['.*\\.(png|jpg|svg|css|js|woff2?)']",
        # The tab's shutdown beacon carries no _xsrf token (voila#1458): without this every
        # closed tab leaves a kernel behind. Acceptable only because we bind to 127.0.0.1.
        "--Voila.tornado_settings={'disable_check_xsrf': True}",
        "--MappingKernelManager.cull_interval=60",
        f"--MappingKernelManager.cull_idle_timeout={CULL_IDLE_SECONDS}",
        "--MappingKernelManager.cull_connected=False",
        # nbclient waits only 4 s for a cell's outputs after its reply: with 20 visitors
        # starting kernels at once on 2 cores, pages came out empty. Wait longer.
        "--VoilaExecutor.iopub_timeout=120",
        *extra,
    ]


def _port_free(ip: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((ip, port))
        except OSError:
            return False
    return True


def serve_environment(workspace: Path, lang: str) -> dict[str, str]:
    """Environment for Voilà and its kernels: where the workspace and the templates are."""
    env = dict(os.environ)
    env["KPA_WORKSPACE"] = str(workspace)
    env["KPA_LANG"] = lang
    jupyter_path = [str(templates_dir())]
    if env.get("JUPYTER_PATH"):
        jupyter_path.append(env["JUPYTER_PATH"])
    env["JUPYTER_PATH"] = os.pathsep.join(jupyter_path)
    env.setdefault("MPLBACKEND", "Agg")
    return env


def _die_with_parent(parent: int) -> Callable[[], None]:
    """For Voilà's process (Linux): get SIGTERM when ``kpa serve`` dies, even by SIGKILL or in
    the middle of starting it, so that no server (maybe bound to 0.0.0.0) outlives it."""

    def in_child() -> None:
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except Exception:  # noqa: BLE001 - best effort
            return
        if os.getppid() != parent:  # kpa serve died before prctl
            os._exit(1)

    return in_child


def cmd_serve(args: argparse.Namespace) -> int:
    workspace = _workspace(args)
    workspace.ensure()
    lang = normalize_language(args.lang)
    ip = args.ip
    if ip not in ("127.0.0.1", "localhost", "::1"):
        print(_("Attention : le serveur écoute sur {ip}. Tout visiteur peut exécuter du code dans son noyau : "
                "pour un usage partagé, passez par JupyterHub (voir le README).").format(ip=ip), file=sys.stderr)
    if not _port_free(ip if ip != "localhost" else "127.0.0.1", args.port):
        raise CliError("Le port {port} est déjà utilisé : choisissez-en un autre avec --port.", port=args.port)
    home = f"http://{'127.0.0.1' if ip in ('0.0.0.0', 'localhost') else ip}:{args.port}/voila/render/00_accueil.ipynb"
    params = []
    if args.workbook:
        params.append(f"workbook={args.workbook}")
    if lang != "fr":
        params.append(f"lang={lang}")
    if params:
        home += "?" + "&".join(params)
    extra = []
    if args.preheat:
        # A started kernel per page waits for its visitor (Voilà's preheated pools); the
        # page reads the visitor's ?workbook= once the request arrives (app/request.py).
        extra = ["--preheat_kernel=True", f"--pool_size={args.preheat}"]
    command = voila_command(notebooks_dir(), args.port, ip, extra=extra)

    # Stopping `kpa serve` (Ctrl+C, SIGTERM from a test or a service manager) must stop
    # Voilà and its kernels too, never leave them running without a parent — also when the
    # signal comes while it is starting (handlers first, then Voilà).
    def stop(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGHUP)}
    process: subprocess.Popen[bytes] | None = None
    try:
        process = subprocess.Popen(command, env=serve_environment(workspace.root, lang),
                                   preexec_fn=_die_with_parent(os.getpid()) if sys.platform.startswith("linux") else None)
        print(_("Carnet KPA : {url}").format(url=home), flush=True)
        print(_("Dossier de travail : {root}").format(root=workspace.root), flush=True)
        if not args.no_browser:
            try:
                webbrowser.open(home)
            except Exception:  # noqa: BLE001 - no browser is not an error
                pass
        return process.wait()
    except KeyboardInterrupt:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        return 0
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


# -------------------------------------------------------------------- parser
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
    serve.add_argument("--ip", default="127.0.0.1", help=_("adresse d'écoute (défaut : 127.0.0.1)"))
    serve.add_argument("--no-browser", action="store_true", help=_("ne pas ouvrir le navigateur"))
    serve.add_argument("--workbook", help=_("carnet à ouvrir sur la page d'accueil"))
    serve.add_argument("--preheat", type=int, default=0, metavar="N",
                       help=_("garder N noyaux prêts par page (plus rapide, environ 80 Mo par noyau)"))
    serve.add_argument("--lang", dest="lang", default=argparse.SUPPRESS, choices=["fr", "en"], help=_("langue de l'interface"))

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
    except KpaError as exc:
        print(_("Erreur : {message}").format(message=exc.message()), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except OSError as exc:
        print(_("Erreur : {message}").format(message=exc.strerror or exc), file=sys.stderr)
        return 1



if __name__ == "__main__":
    sys.exit(main())
