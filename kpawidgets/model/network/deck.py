"""The KPA-Cité network's figures (``kpawidgets/data/reseau-kpa.csv``) and what follows from them.

The file ships inside the package and is read with :mod:`importlib.resources`; its columns
are described in ``sample_data/README.md``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from importlib import resources
from pathlib import Path

from kpawidgets.i18n import N_

__all__ = ["NetworkKpa", "REFERENCE_DATE", "NETWORK_CSV", "load_network", "network_csv_text"]

#: The network's file, inside the package (``kpawidgets/data/``).
NETWORK_CSV = "reseau-kpa.csv"

#: The deck is undated; its figures are from about April 2019.
REFERENCE_DATE = dt.date(2019, 4, 15)


def network_csv_text() -> str:
    """The text of the network's file shipped in the package."""
    return resources.files("kpawidgets").joinpath("data", NETWORK_CSV).read_text(encoding="utf-8")


@dataclass(frozen=True)
class NetworkKpa:
    """One KPA of the network, with the deck's figures (None where the deck gives none)."""

    name: str
    town: str
    since: dt.date
    since_precision: str
    revenue: Decimal | None
    revenue_basis: str
    members: int | None
    age_min: int | None
    age_max: int | None
    profiles: tuple[str, ...]
    activities: tuple[str, ...]
    support_fte: Decimal | None
    support_people: int | None
    venue: str
    qpv: bool | None
    status: str
    other_figures: tuple[str, ...] = field(default=())

    @property
    def months_active(self) -> int:
        """Whole months from the start to the deck's date (at least 1 for a running KPA)."""
        months = (REFERENCE_DATE.year - self.since.year) * 12 + REFERENCE_DATE.month - self.since.month
        return max(months, 0)

    @property
    def revenue_per_month(self) -> Decimal | None:
        """Revenue per month of activity, to the cent (None without revenue or months)."""
        if self.revenue is None or self.months_active == 0:
            return None
        return (self.revenue / self.months_active).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    @property
    def revenue_per_member_month(self) -> Decimal | None:
        """Revenue per member per month of activity (the budget page compares with it)."""
        per_month = self.revenue_per_month
        if per_month is None or not self.members:
            return None
        return (per_month / self.members).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _int(text: str) -> int | None:
    return int(text) if text.strip() else None


def _decimal(text: str) -> Decimal | None:
    return Decimal(text.strip()) if text.strip() else None


def _items(text: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in text.split("|") if item.strip())


@lru_cache(maxsize=4)
def load_network(path: Path | None = None) -> tuple[NetworkKpa, ...]:
    """The network's KPAs, in the order of the file (*path*: another file with the same columns)."""
    text = path.read_text(encoding="utf-8") if path is not None else network_csv_text()
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    kpas = []
    for row in rows:
        year, month = (int(part) for part in row["depuis"].split("-"))
        kpas.append(NetworkKpa(
            name=row["kpa"], town=row["commune"], since=dt.date(year, month, 1),
            since_precision=row["depuis_precision"], revenue=_decimal(row["ca_depuis_debut_eur"]),
            revenue_basis=row["ca_base"], members=_int(row["membres"]), age_min=_int(row["age_min"]),
            age_max=_int(row["age_max"]), profiles=_items(row["profils"]), activities=_items(row["activites"]),
            support_fte=_decimal(row["etp_accompagnement"]), support_people=_int(row["personnes_accompagnement"]),
            venue=row["lieu"], qpv={"oui": True, "non": False}.get(row["qpv"]), status=row["etat"],
            other_figures=_items(row["autres_chiffres"]),
        ))
    return tuple(kpas)


#: The deck's own words used in ``depuis_precision``, marked for the catalogs.
DECK_WORDS = (N_("l’été 2018"), N_("redémarrage le 15 avril 2019"))
