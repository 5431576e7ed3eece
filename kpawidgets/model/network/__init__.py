"""The KPA-Cité network: the 2019 deck's figures (:mod:`.deck`) and what a territory shares (:mod:`.shared`).

``from kpawidgets.model.network import load_network`` keeps working: the deck's names are re-exported here.
"""

from __future__ import annotations

from kpawidgets.model.network.deck import (
    DECK_WORDS,
    NETWORK_CSV,
    REFERENCE_DATE,
    NetworkKpa,
    load_network,
    network_csv_text,
)

__all__ = ["DECK_WORDS", "NETWORK_CSV", "REFERENCE_DATE", "NetworkKpa", "load_network", "network_csv_text"]
