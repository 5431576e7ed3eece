"""Workshop mode (``kpa serve --atelier``): the codes of a run and who may open what.

Three codes are drawn for every run, none of them ever written to disk:

* the participants' code (96 bits) and the facilitator's code (128 bits), each carried by a
  whole URL (``?code=…``) that ``kpa serve`` prints and the projector shows as a QR code;
* a short join code (6 characters, about 30 bits) that a person types on the server's join
  page when the QR code will not scan; it gives the participants' access only, and failed
  attempts are limited (:data:`JOIN_ATTEMPTS_PER_MINUTE`), so guessing it takes years.

The access rule (:func:`allowed`): the facilitator's code opens everything; the
participants' code opens the participant page and what its page needs (its kernel's
channels, Voilà's static files), nothing else — no editing page, no file listing. Voilà is
told the codes' SHA-256 only (:data:`ROLES_ENV`), so its kernels never hold the
facilitator's code. The check itself is :mod:`kpawidgets.config.atelier_auth`.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from dataclasses import dataclass

__all__ = [
    "PARTICIPANT", "FACILITATOR", "ROLES_ENV", "ATELIER_WORKBOOK_ENV", "JOIN_URL_ENV", "JOIN_CODE_ENV",
    "PARTICIPANT_PAGE", "PROJECTOR_PAGE", "JOIN_ALPHABET", "JOIN_ATTEMPTS_PER_MINUTE",
    "AtelierCodes", "new_codes", "code_hash", "normalize_join_code", "roles_from_env", "allowed",
]

PARTICIPANT = "participant"
FACILITATOR = "facilitator"
#: Environment of Voilà: JSON object, code hash → role.
ROLES_ENV = "KPA_ATELIER_ROLES"
#: Environment of the kernels: the workshop's workbook, the participants' URL and the join code.
ATELIER_WORKBOOK_ENV = "KPA_ATELIER_WORKBOOK"
JOIN_URL_ENV = "KPA_ATELIER_JOIN_URL"
JOIN_CODE_ENV = "KPA_ATELIER_JOIN_CODE"
PARTICIPANT_PAGE = "04_participer.ipynb"
PROJECTOR_PAGE = "05_groupe.ipynb"
#: Letters and digits nobody confuses on a projector (no 0/O, 1/I/L).
JOIN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_LENGTH = 6
JOIN_ATTEMPTS_PER_MINUTE = 20

_KERNEL_ID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
#: What the participants' code opens (paths of the Voilà server).
_PARTICIPANT_PATHS = re.compile(
    rf"^/(voila/render/{re.escape(PARTICIPANT_PAGE)}"
    rf"|api/kernels/{_KERNEL_ID}(/channels)?"
    rf"|voila/api/shutdown/{_KERNEL_ID}"
    rf"|voila/query/{_KERNEL_ID})$"
)


@dataclass(frozen=True)
class AtelierCodes:
    """The codes of one workshop run."""

    participant: str
    facilitator: str
    join: str  #: as shown: ``ABC-DEF``

    def roles(self) -> dict[str, str]:
        """Code hash → role, for Voilà's environment."""
        return {
            code_hash(self.participant): PARTICIPANT,
            code_hash(normalize_join_code(self.join)): PARTICIPANT,
            code_hash(self.facilitator): FACILITATOR,
        }

    def roles_json(self) -> str:
        return json.dumps(self.roles())


def new_codes() -> AtelierCodes:
    """Fresh random codes for a run."""
    join = "".join(secrets.choice(JOIN_ALPHABET) for _ in range(JOIN_LENGTH))
    return AtelierCodes(secrets.token_urlsafe(12), secrets.token_urlsafe(16), f"{join[:3]}-{join[3:]}")


def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8", "replace")).hexdigest()


def normalize_join_code(text: str) -> str:
    """A typed join code as compared: capitals, no spaces or dashes (``abc def`` → ``ABCDEF``)."""
    return re.sub(r"[\s\-_.]", "", text[:40]).upper()


def roles_from_env(value: str | None) -> dict[str, str]:
    """The code hashes of :data:`ROLES_ENV` (empty when unset or unreadable: nobody gets in)."""
    try:
        data = json.loads(value or "{}")
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): str(v) for k, v in data.items() if v in (PARTICIPANT, FACILITATOR)}


def allowed(role: str | None, path: str) -> bool:
    """Whether a visitor holding *role* may request *path* (see the module docstring)."""
    if role == FACILITATOR:
        return True
    if role == PARTICIPANT:
        return bool(_PARTICIPANT_PATHS.fullmatch(path))
    return False
