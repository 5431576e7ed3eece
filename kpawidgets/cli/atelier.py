"""``kpa serve --atelier``: what workshop mode adds to ``kpa serve`` (address, codes, URLs, Voilà settings).

The server listens on the laptop's network address (the venue's Wi-Fi or the laptop's own
hotspot; ``--ip`` chooses another, ``0.0.0.0`` every one), with fresh codes for the run
(:mod:`kpawidgets.config.atelier`) checked by
:class:`kpawidgets.config.atelier_auth.AtelierIdentityProvider`. The kernels learn the
workshop's workbook, the participants' URL and the join code (never the facilitator's code).
"""

from __future__ import annotations

import json
import socket
from dataclasses import dataclass, field
from urllib.parse import urlencode

from kpawidgets.app.room.participant import PAGE as PARTICIPANT_PAGE
from kpawidgets.app.room.projector import PAGE as PROJECTOR_PAGE
from kpawidgets.app.room.store import ATELIER_WORKBOOK_ENV, JOIN_CODE_ENV, JOIN_URL_ENV
from kpawidgets.cli.commands import CliError
from kpawidgets.config.atelier import ACCESS_ENV, AtelierAccess, AtelierCodes, new_codes
from kpawidgets.i18n import _
from kpawidgets.storage.workspace import Workspace

__all__ = ["AtelierRun", "lan_address", "prepare_atelier", "print_atelier", "kernel_pools_args"]

_IDENTITY = "kpawidgets.config.atelier_auth.AtelierIdentityProvider"
#: In workshop mode, a disconnected phone's kernel is shut down after this many idle seconds.
PHONE_IDLE_SECONDS = 300


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
    voila_args: tuple[str, ...] = ()


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
    codes = new_codes()
    participant_query = {"code": codes.participant, **({"lang": lang} if lang != "fr" else {})}
    facilitator_query = {"code": codes.facilitator, "workbook": name, **({"lang": lang} if lang != "fr" else {})}
    participant_url = base + PARTICIPANT_PAGE + "?" + urlencode(participant_query)
    access = AtelierAccess.for_codes(codes, [PARTICIPANT_PAGE])
    env = {ACCESS_ENV: access.to_json(), ATELIER_WORKBOOK_ENV: name, JOIN_URL_ENV: participant_url,
           JOIN_CODE_ENV: codes.join}
    voila_args = (
        f"--Voila.identity_provider_class={_IDENTITY}",
        # The tab's shutdown beacon carries no _xsrf token (voila#1458): without this every
        # closed tab leaves a kernel behind. The workshop's cookie is SameSite=Strict, so no
        # other site can make a phone send a request that carries it.
        "--Voila.tornado_settings={'disable_check_xsrf': True}",
        # A phone put away without closing its tab sends no beacon: its kernel goes once it has
        # been disconnected and idle for 5 minutes (coming back, the page says to reload, and
        # the phone's key brings its entries back).
        f"--MappingKernelManager.cull_idle_timeout={PHONE_IDLE_SECONDS}",
    )
    return AtelierRun(ip, codes, name, participant_url, base + PROJECTOR_PAGE + "?" + urlencode(facilitator_query),
                      f"{host}:{port}", env, voila_args)


def kernel_pools_args(preheat: int, atelier: bool) -> list[str]:
    """Voilà's preheated pools for ``--preheat N``: N kernels per page, none for the room's pages;
    in workshop mode N for the participant page only (the phones), none for the facilitator's pages."""
    pools = {"default": {"pool_size": 0 if atelier else preheat}, PROJECTOR_PAGE: {"pool_size": 0},
             PARTICIPANT_PAGE: {"pool_size": preheat if atelier else 0}}
    return ["--preheat_kernel=True", f"--pool_size={preheat}", f"--VoilaKernelManager.kernel_pools_config={json.dumps(pools)}"]


def print_atelier(run: AtelierRun) -> None:
    """The participants' URL, then the facilitator's, then the join code: one per line."""
    print(_("Participant·es : {url}").format(url=run.participant_url), flush=True)
    print(_("Animation : {url}").format(url=run.facilitator_url), flush=True)
    print(_("Code à taper sur http://{address} : {code}").format(address=run.join_address, code=run.codes.join), flush=True)
