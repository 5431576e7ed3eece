"""Workshop mode (``kpa serve --atelier``): the codes of a run and who may open what.

Three codes are drawn for every run, none of them ever written to disk:

* the participants' code (96 bits) and the facilitator's code (128 bits), each carried by a
  whole URL (``?code=…``) that ``kpa serve`` prints and the projector shows as a QR code;
* a short join code (6 characters from :data:`JOIN_ALPHABET`, about 30 bits) that a person
  types on the server's join page when the QR code will not scan; it gives the participants'
  access only, and failed attempts are limited (:data:`JOIN_ATTEMPTS_PER_MINUTE` for the
  whole server), so guessing it would take years.

The access rule (:meth:`AtelierAccess.allowed`): the facilitator's code opens everything;
the participants' code opens the participant pages and what such a page needs (its kernel's
API and channels), nothing else — no editing page, no file listing. Voilà receives the
rule through :data:`ACCESS_ENV` with the codes' SHA-256 only, so neither Voilà's settings
nor its kernels hold a code. The check itself is :mod:`kpawidgets.config.atelier_auth`.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "PARTICIPANT", "FACILITATOR", "ACCESS_ENV", "JOIN_ALPHABET", "JOIN_ATTEMPTS_PER_MINUTE",
    "AtelierCodes", "AtelierAccess", "new_codes", "code_hash", "normalize_join_code",
]

PARTICIPANT = "participant"
FACILITATOR = "facilitator"
#: Environment of Voilà: the access rule as JSON (code hashes → role, participant pages).
ACCESS_ENV = "KPA_ATELIER_ACCESS"
#: Letters and digits nobody confuses on a projector (no 0/O, 1/I/L).
JOIN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_LENGTH = 6
JOIN_ATTEMPTS_PER_MINUTE = 20

_KERNEL_ID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_PAGE_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,80}\.ipynb$")


@dataclass(frozen=True)
class AtelierCodes:
    """The codes of one workshop run."""

    participant: str
    facilitator: str
    join: str  #: as shown: ``ABC-DEF``


def new_codes() -> AtelierCodes:
    """Fresh random codes for a run."""
    join = "".join(secrets.choice(JOIN_ALPHABET) for _ in range(JOIN_LENGTH))
    return AtelierCodes(secrets.token_urlsafe(12), secrets.token_urlsafe(16), f"{join[:3]}-{join[3:]}")


def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8", "replace")).hexdigest()


def normalize_join_code(text: str) -> str:
    """A typed join code as compared: capitals, no spaces or dashes (``abc def`` → ``ABCDEF``)."""
    return re.sub(r"[\s\-_.]", "", text[:40]).upper()


@dataclass(frozen=True)
class AtelierAccess:
    """Who may open what during one run: code hashes → role, and the participants' pages."""

    roles: dict[str, str]
    participant_pages: tuple[str, ...]

    @classmethod
    def for_codes(cls, codes: AtelierCodes, participant_pages: Sequence[str]) -> AtelierAccess:
        return cls({code_hash(codes.participant): PARTICIPANT,
                    code_hash(normalize_join_code(codes.join)): PARTICIPANT,
                    code_hash(codes.facilitator): FACILITATOR}, tuple(participant_pages))

    def to_json(self) -> str:
        return json.dumps({"roles": self.roles, "participant_pages": list(self.participant_pages)})

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
        pages = data.get("participant_pages")
        pages = pages if isinstance(pages, list) else []
        return cls({str(k): str(v) for k, v in roles.items() if v in (PARTICIPANT, FACILITATOR)},
                   tuple(str(p) for p in pages if isinstance(p, str) and _PAGE_NAME.fullmatch(p)))

    def role_of(self, code: str) -> str | None:
        """The role a code gives (the URL codes as they are, the join code as typed)."""
        if not code or len(code) > 200:
            return None
        return self.roles.get(code_hash(code)) or self.roles.get(code_hash(normalize_join_code(code)))

    def allowed(self, role: str | None, path: str) -> bool:
        """Whether a visitor holding *role* may request *path* (see the module docstring)."""
        if role == FACILITATOR:
            return True
        if role != PARTICIPANT:
            return False
        pages = "|".join(re.escape(page) for page in self.participant_pages) or "(?!)"
        pattern = (rf"/(voila/render/({pages})|api/kernels/{_KERNEL_ID}(/channels)?"
                   rf"|voila/api/shutdown/{_KERNEL_ID}|voila/query/{_KERNEL_ID})")
        return re.fullmatch(pattern, path) is not None
