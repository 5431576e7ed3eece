"""The « Réseau » page (``notebooks/06_reseau.ipynb``): every territory that shares its figures, at a glance."""

from kpawidgets.app.network.page import build_network, network_page

__all__ = ["build_network", "network_page"]
