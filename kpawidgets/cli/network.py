"""``kpa reseau [DOSSIER]``: the network's table on the terminal, and its outputs (PDF, CSV, .xlsx, JSON).

The folder is the argument, else ``$KPA_NETWORK_DIR``, else ``$KPA_SHARE_DIR``, else the workspace
(:func:`kpawidgets.storage.network_folder.network_dir`); it is read as the Réseau page reads it, bounded,
and never written. The page itself: ``KPA_NETWORK_DIR=DOSSIER kpa serve``, then « Le réseau » on the home page.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path

from kpawidgets.i18n import _, format_money_rounded, ngettext
from kpawidgets.model.network.rows import light_count, light_word, network_totals, row_values, sort_rows, state_figures
from kpawidgets.storage.atomic import write_atomic
from kpawidgets.storage.network_folder import network_dir, scan_folder
from kpawidgets.storage.workspace import Workspace

__all__ = ["cmd_network"]


def cmd_network(args: argparse.Namespace) -> int:
    workspace = Workspace(args.workspace) if getattr(args, "workspace", None) else Workspace()
    folder = Path(args.folder) if args.folder else network_dir(workspace.root)
    assert folder is not None  # the workspace is the last resort
    today = dt.date.today()
    scan = scan_folder(folder, today)
    if scan.missing is not None:
        raise scan.missing
    rows = sort_rows(scan.rows, args.sort)
    if args.json:
        print(json.dumps({"folder": str(folder), "date": today.isoformat(), "left_out": scan.left_out,
                          "timed_out": scan.timed_out, "not_sharing": scan.not_sharing,
                          "rows": [{**row_values(row), "light_code": row.light} for row in rows]},
                         ensure_ascii=False, indent=2, default=str))
    else:
        for row in rows:
            values = row_values(row)
            if row.figures is None:
                print(f"{light_word(row.light)}\t{row.source}\t{row.problem}")
                continue
            f = row.figures
            print("\t".join([light_word(row.light), f.territory, f"{f.readiness_pct} %",
                             _("reste {gap}").format(gap=format_money_rounded(f.gap)),
                             values["launch_date"] or "—", values["reasons"]]))
        totals = network_totals(rows, today)
        print(ngettext("{n} territoire partage ses chiffres", "{n} territoires partagent leurs chiffres",
                       totals.territories).format(n=totals.territories)
              + " · " + " · ".join(light_count(light, totals.lights[light]) for light in totals.lights))
        if scan.left_out or scan.timed_out:
            print(_("Fichiers non lus (trop nombreux ou temps dépassé) : {n}").format(n=scan.left_out + scan.timed_out))
    if args.csv or args.xlsx:
        from kpawidgets.storage.spreadsheets.network import network_csv, network_xlsx

        if args.csv:
            write_atomic(Path(args.csv), network_csv(rows).encode("utf-8"))
            print(_("Tableau du réseau (CSV) : {path}").format(path=args.csv))
        if args.xlsx:
            write_atomic(Path(args.xlsx), network_xlsx(rows))
            print(_("Tableau du réseau (Excel) : {path}").format(path=args.xlsx))
    if args.pdf:
        from kpawidgets.report.network import network_pdf

        from kpawidgets.storage.network_states import keep_state, last_state

        # with the trend since the last export: the workspace keeps each export's figures
        write_atomic(Path(args.pdf), network_pdf(rows, today, str(folder), last_state(workspace.root)))
        keep_state(workspace.root, state_figures(network_totals(rows, today)), today, folder=str(folder))
        print(_("État du réseau (PDF) : {path}").format(path=args.pdf))
    return 0
