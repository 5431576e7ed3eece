"""Workshop mode (``kpa serve --atelier``): the codes of a run and who may open what.

Three codes are drawn for a workshop and kept until the facilitator ends it (``kpa atelier
end``, or the button of ``/atelier/animation``): they belong to the workbook's workshop, in
``.atelier/<workbook>.json`` of the workspace (folder 0700, file 0600; never in an export, the
PDF or the history, which read only the workbook's own file), so a restarted ``kpa serve
--atelier`` on the same workbook shows the same QR code and lets in the phones already in
(their cookies are signed with the workshop's own :attr:`AtelierCodes.secret`, kept there
too). Rotating (``kpa atelier rotate``, or the button) draws a new participants' code and a
new join code — for a code that leaked: whoever joined already keeps their place (their
cookie is not the code); the old QR code and short code open nothing any more — and keeps the
facilitator's code and the secret. The codes:

* the participants' code (96 bits) and the facilitator's code (128 bits), each carried by a
  whole URL (``?code=…``) that ``kpa serve`` prints and the projector shows as a QR code;
* a short join code (6 characters from :data:`JOIN_ALPHABET`, about 30 bits) that a person
  types on the server's join page when the QR code will not scan; it gives the participants'
  access only, it is accepted on the join form only (never in a URL's ``?code=``), and failed
  attempts are limited per client (:data:`JOIN_ATTEMPTS_PER_MINUTE` a minute from one address),
  so one guesser never locks the others out.

A fourth secret, the kernels' key (128 bits), is shown to nobody: the server's own kernels
present it (as :data:`KERNEL_USER`'s password) to read their visitor's request on
``/voila/query/<kernel>`` when they were started ahead in a preheated pool.

The access rule (:meth:`AtelierAccess.allowed`): the facilitator's code opens everything;
the participants' code opens the participant page (``/atelier``, drawn by the server itself:
:mod:`kpawidgets.web`) and what it asks for others' changes (``/atelier/live``), nothing
else — no Voilà page, no kernel, no file listing; the kernels' key opens only
``/voila/query/<kernel>``. Voilà receives the rule through :data:`ACCESS_ENV` with the
secrets' SHA-256 only, so Voilà's settings hold no code. The check itself is
:mod:`kpawidgets.config.atelier_auth`.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from kpawidgets.storage.atomic import write_atomic

__all__ = [
    "PARTICIPANT", "FACILITATOR", "KERNEL", "KERNEL_USER", "ACCESS_ENV", "JOIN_ALPHABET", "JOIN_ATTEMPTS_PER_MINUTE",
    "AtelierCodes", "AtelierAccess", "new_codes", "code_hash", "normalize_join_code",
    "CODES_ENV", "CODES_DIR", "codes_path", "workshop_codes", "read_codes", "rotate_codes", "end_workshop",
]

PARTICIPANT = "participant"
FACILITATOR = "facilitator"
#: The role of the server's own kernels (the kernels' key), for ``/voila/query/<kernel>`` only.
KERNEL = "kernel"
#: The user name a kernel gives with the kernels' key (HTTP basic authorization).
KERNEL_USER = "kpa-kernel"
#: Environment of Voilà: the access rule as JSON (code hashes → role, participant pages).
ACCESS_ENV = "KPA_ATELIER_ACCESS"
#: Letters and digits nobody confuses on a projector (no 0/O, 1/I/L).
JOIN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_LENGTH = 6
JOIN_ATTEMPTS_PER_MINUTE = 20

#: Environment of Voilà: the file of the workshop's codes (:func:`codes_path`), read at each change.
CODES_ENV = "KPA_ATELIER_CODES"
#: The workspace's folder of workshops' codes (hidden: no workbook, no history, no export).
CODES_DIR = ".atelier"

_KERNEL_ID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
#: What the participants' code opens: the participant page and its following of others' changes.
_PARTICIPANT_PATHS = re.compile(r"/atelier(/live)?")


@dataclass(frozen=True)
class AtelierCodes:
    """The codes of one workshop run."""

    participant: str
    facilitator: str
    join: str  #: as shown: ``ABC-DEF``
    kernel: str = ""  #: the kernels' key, shown to nobody
    #: The workshop's secret (hex, 256 bits): signs the cookies and the phones' keys, shown to nobody.
    secret: str = ""


def _join_code() -> str:
    join = "".join(secrets.choice(JOIN_ALPHABET) for _ in range(JOIN_LENGTH))
    return f"{join[:3]}-{join[3:]}"


def new_codes() -> AtelierCodes:
    """Fresh random codes for a workshop."""
    return AtelierCodes(secrets.token_urlsafe(12), secrets.token_urlsafe(16), _join_code(),
                        secrets.token_urlsafe(16), secrets.token_hex(32))


def codes_path(root: Path, name: str) -> Path:
    """Where the codes of workbook *name*'s workshop are kept, in workspace *root*."""
    return Path(root) / CODES_DIR / f"{name}.json"


def read_codes(path: Path) -> AtelierCodes | None:
    """The codes kept in *path*; None when there are none (no workshop) or the file is unreadable."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    fields = ("participant", "facilitator", "join", "kernel", "secret")
    if not isinstance(data, dict) or not all(isinstance(data.get(f), str) and data.get(f) for f in fields):
        return None
    return AtelierCodes(**{f: data[f] for f in fields})


def _keep(path: Path, codes: AtelierCodes) -> None:
    """Write *codes* to *path*, readable by the owner only (folder 0700, file 0600)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    if not path.exists():  # the atomic write keeps an existing file's mode: give it the owner's only
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    os.chmod(path, 0o600)
    write_atomic(path, json.dumps(asdict(codes), indent=1).encode("utf-8"))


def workshop_codes(root: Path, name: str) -> AtelierCodes:
    """The codes of workbook *name*'s workshop: the kept ones, or new ones (then kept)."""
    path = codes_path(root, name)
    codes = read_codes(path)
    if codes is None:
        codes = new_codes()
        _keep(path, codes)
    return codes


def rotate_codes(root: Path, name: str) -> AtelierCodes:
    """New participants' and join codes for *name*'s workshop (the facilitator's code and the
    secret stay: phones already in keep their place)."""
    codes = replace(workshop_codes(root, name), participant=secrets.token_urlsafe(12), join=_join_code())
    _keep(codes_path(root, name), codes)
    return codes


def end_workshop(root: Path, name: str) -> bool:
    """Forget *name*'s workshop codes (a running server lets nobody in any more); False if none were kept."""
    try:
        codes_path(root, name).unlink()
    except FileNotFoundError:
        return False
    return True


def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8", "replace")).hexdigest()


def normalize_join_code(text: str) -> str:
    """A typed join code as compared: capitals, no spaces or dashes (``abc def`` → ``ABCDEF``)."""
    return re.sub(r"[\s\-_.]", "", text[:40]).upper()


@dataclass(frozen=True)
class AtelierAccess:
    """Who may open what during one run: code hashes → role, the kernels' key hash."""

    roles: dict[str, str]
    kernel_hash: str = ""
    join_hash: str = ""  #: the short join code's, accepted as typed on the join form only

    @classmethod
    def for_codes(cls, codes: AtelierCodes) -> AtelierAccess:
        return cls({code_hash(codes.participant): PARTICIPANT, code_hash(codes.facilitator): FACILITATOR},
                   code_hash(codes.kernel) if codes.kernel else "", code_hash(normalize_join_code(codes.join)))

    def to_json(self) -> str:
        return json.dumps({"roles": self.roles, "kernel": self.kernel_hash, "join": self.join_hash})

    @classmethod
    def from_json(cls, text: str | None) -> AtelierAccess:
        """The rule of :data:`ACCESS_ENV`; anything unreadable gives a rule that lets nobody in."""
        try:
            data = json.loads(text or "{}")
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            data = {}
        roles = data.get("roles")
        roles = roles if isinstance(roles, dict) else {}
        kernel, join = data.get("kernel"), data.get("join")

        def digest(value: object) -> str:
            return value if isinstance(value, str) and re.fullmatch(r"[0-9a-f]{64}", value) else ""
        return cls({str(k): str(v) for k, v in roles.items() if v in (PARTICIPANT, FACILITATOR)}, digest(kernel), digest(join))

    def role_of(self, code: str, *, typed: bool = False) -> str | None:
        """The role a code gives: the URL codes as they are; with *typed* (the join form only),
        the short join code as typed too."""
        if not code or len(code) > 200:
            return None
        role = self.roles.get(code_hash(code))
        if role is None and typed and self.join_hash and secrets.compare_digest(
                code_hash(normalize_join_code(code)), self.join_hash):
            role = PARTICIPANT
        return role

    def is_kernel_key(self, key: str) -> bool:
        """Whether *key* is the kernels' key of this run."""
        return bool(self.kernel_hash and key and len(key) <= 200
                    and secrets.compare_digest(code_hash(key), self.kernel_hash))

    def allowed(self, role: str | None, path: str) -> bool:
        """Whether a visitor holding *role* may request *path* (see the module docstring)."""
        if role == FACILITATOR:
            return True
        if role == KERNEL:
            return re.fullmatch(rf"/voila/query/{_KERNEL_ID}", path) is not None
        return role == PARTICIPANT and _PARTICIPANT_PATHS.fullmatch(path) is not None
