"""``kpa serve --atelier``: what workshop mode adds to ``kpa serve`` (address, codes, URLs, Voilà settings).

The server listens on the laptop's network address (the venue's Wi-Fi or the laptop's own
hotspot; ``--ip`` chooses another, ``0.0.0.0`` every one), with the workshop's codes (drawn at
its first run, kept until ``kpa atelier end``: :mod:`kpawidgets.config.atelier`) checked by
:class:`kpawidgets.config.atelier_auth.AtelierIdentityProvider`. The kernels learn the
workshop's workbook, the participants' URL and the join code (never the facilitator's code),
and the address where they read their visitor's request, with the kernels' key.

The Voilà settings of a run (:attr:`AtelierRun.voila_config`, :func:`preheat_config`) are
traitlets sections that ``kpa serve`` writes to a ``voila.json`` of the run's own, first on
``JUPYTER_CONFIG_PATH`` after a person's own (values on Voilà's command line as ``={...}``
are deprecated by traitlets).
"""

from __future__ import annotations

import argparse
import socket
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from kpawidgets.app.room.projector import PAGE as PROJECTOR_PAGE
from kpawidgets.storage.room import ATELIER_WORKBOOK_ENV, JOIN_CODE_ENV, JOIN_URL_ENV
from kpawidgets.cli.commands import CliError, _workspace
from kpawidgets.config.atelier import (
    ACCESS_ENV,
    CODES_ENV,
    KERNEL_USER,
    AtelierAccess,
    AtelierCodes,
    codes_path,
    end_workshop,
    rotate_codes,
    workshop_codes,
)
from kpawidgets.i18n import _
from kpawidgets.web.phone import PHONE_PATH
from kpawidgets.storage.workspace import Workspace

__all__ = ["AtelierRun", "LOOPBACK", "lan_address", "prepare_atelier", "print_atelier", "preheat_config", "cmd_atelier"]

#: Addresses that only this computer reaches.
LOOPBACK = ("127.0.0.1", "localhost", "::1")
#: Voilà's variable for the address its preheated kernels read their visitor's request at.
KERNELS_ADDRESS_ENV = "VOILA_APP_IP"

_IDENTITY = "kpawidgets.config.atelier_auth.AtelierIdentityProvider"
#: In workshop mode, a kernel whose phone disconnected is shut down after this many seconds.
#: A locked phone keeps its websocket, or (Wi-Fi asleep) loses it after the server's 90 s ping
#: timeout and reconnects on its own when unlocked: a minute or two away keeps the kernel;
#: a closed tab or a phone put away frees it within two minutes of going.
PHONE_AWAY_SECONDS = 90


def lan_address() -> str | None:
    """The laptop's address on its network (the one its default route uses), or None offline.

    A UDP socket "connected" to a documentation address sends nothing; it only makes the
    system pick the outgoing interface.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))
            address = str(probe.getsockname()[0])
        except OSError:
            return None
    return None if address.startswith("127.") or address == "0.0.0.0" else address


@dataclass(frozen=True)
class AtelierRun:
    """One workshop run: where it listens, its codes and URLs, what Voilà and its kernels receive."""

    ip: str
    codes: AtelierCodes
    workbook: str
    participant_url: str
    facilitator_url: str
    join_address: str
    env: dict[str, str] = field(default_factory=dict)
    voila_config: dict[str, dict[str, Any]] = field(default_factory=dict)


def _workshop_workbook(workspace: Workspace, reference: str | None) -> str:
    if reference:
        return workspace.resolve(reference)
    names = workspace.names()
    if len(names) == 1:
        return names[0]
    raise CliError("Le mode atelier a besoin du carnet de l'atelier : ajoutez --workbook NOM (voir « kpa list »).")


def prepare_atelier(workspace: Workspace, workbook: str | None, ip: str | None, port: int, lang: str) -> AtelierRun:
    """Choose the address, draw the codes and build the URLs of a workshop run."""
    name = _workshop_workbook(workspace, workbook)
    if ip is None:
        ip = lan_address()
        if ip is None:
            raise CliError("Aucun réseau trouvé pour le mode atelier : connectez l'ordinateur au Wi-Fi du lieu "
                           "(ou ouvrez son point d'accès), ou choisissez une adresse avec --ip.")
    host = ip if ip not in ("0.0.0.0", "::") else (lan_address() or "127.0.0.1")
    base = f"http://{host}:{port}/voila/render/"
    codes = workshop_codes(workspace.root, name)  # the workshop's own, kept until it ends
    participant_query = {"code": codes.participant, **({"lang": lang} if lang != "fr" else {})}
    facilitator_query = {"code": codes.facilitator, "workbook": name, **({"lang": lang} if lang != "fr" else {})}
    participant_url = f"http://{host}:{port}{PHONE_PATH}?" + urlencode(participant_query)
    access = AtelierAccess.for_codes(codes)
    # A kernel started ahead reads its visitor's request from the server (voila.utils.
    # wait_for_request: ws://VOILA_APP_IP:port/voila/query/<kernel>), giving the kernels' key
    # as the URL's user and password; the address is one the server listens on.
    kernels_host = "127.0.0.1" if ip == "0.0.0.0" else "[::1]" if ip == "::" else f"[{ip}]" if ":" in ip else ip
    env = {ACCESS_ENV: access.to_json(), CODES_ENV: str(codes_path(workspace.root, name)), ATELIER_WORKBOOK_ENV: name, JOIN_URL_ENV: participant_url,
           JOIN_CODE_ENV: codes.join, KERNELS_ADDRESS_ENV: f"{KERNEL_USER}:{codes.kernel}@{kernels_host}"}
    voila: dict[str, Any] = {"identity_provider_class": _IDENTITY}
    if ip not in LOOPBACK:  # (loopback/voila.json already has it, with its Host check)
        # The tab's shutdown beacon carries no _xsrf token (voila#1458): without this every
        # closed tab leaves a kernel behind. The workshop's cookie is SameSite=Strict, so no
        # other site can make a phone send a request that carries it.
        voila["tornado_settings"] = {"disable_check_xsrf": True}
    config = {
        "Voila": voila,
        # A tab closed before its beacon went out, a phone put away: no browser is connected any
        # more. The idle culling waits for 30 minutes of silence (and a phone's live page talks
        # each time another phone changes the workbook); such a kernel goes PHONE_AWAY_SECONDS
        # after its last browser left (coming back later, the page says to reload, and the
        # phone's key brings its entries back).
        # Only code holders start kernels here, so a page may take its time: 20 phones on a
        # slow Wi-Fi (or 20 browsers on one test machine) load the page's scripts slowly.
        "KpaKernelManager": {"disconnected_timeout": PHONE_AWAY_SECONDS, "unconnected_timeout": 180},
    }
    return AtelierRun(ip, codes, name, participant_url, base + PROJECTOR_PAGE + "?" + urlencode(facilitator_query),
                      f"{host}:{port}", env, config)


def preheat_config(preheat: int) -> dict[str, dict[str, Any]]:
    """Voilà's preheated pools for ``--preheat N``: N kernels for each page but the projector's
    (which draws the room as it is when the facilitator opens it)."""
    pools = {"default": {"pool_size": preheat}, PROJECTOR_PAGE: {"pool_size": 0}}
    return {"VoilaConfiguration": {"preheat_kernel": True, "default_pool_size": preheat},
            "VoilaKernelManager": {"kernel_pools_config": pools}}


def print_atelier(run: AtelierRun) -> None:
    """The participants' URL, then the facilitator's, then the join code, then the door's page: one per line."""
    print(_("Participant·es : {url}").format(url=run.participant_url), flush=True)
    print(_("Animation : {url}").format(url=run.facilitator_url), flush=True)
    print(_("Code à taper sur http://{address} : {code}").format(address=run.join_address, code=run.codes.join), flush=True)
    print(_("Porte de l'atelier (nouveaux téléphones, changer les codes, terminer) : http://{address}/atelier/animation")
          .format(address=run.join_address), flush=True)


def cmd_atelier(args: argparse.Namespace) -> int:
    """``kpa atelier end|rotate [--workbook NAME]``: end a workbook's workshop, or draw new
    participants' codes for it (phones already in keep their place)."""
    workspace = _workspace(args)
    name = _workshop_workbook(workspace, args.workbook)
    if args.action == "end":
        if end_workshop(workspace.root, name):
            print(_("Atelier terminé pour « {name} » : ses codes ne servent plus. Le prochain « kpa serve --atelier » "
                    "en donnera de nouveaux.").format(name=name))
        else:
            print(_("Aucun atelier en cours pour « {name} ».").format(name=name))
        return 0
    codes = rotate_codes(workspace.root, name)
    print(_("Nouveaux codes pour « {name} » : les téléphones déjà entrés gardent leur place ; l'ancien QR code "
            "et l'ancien code court n'ouvrent plus rien. Code court : {code}").format(name=name, code=codes.join))
    return 0
