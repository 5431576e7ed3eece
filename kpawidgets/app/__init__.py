"""Widgets and pages of the Voilà app (thin layers over :mod:`kpawidgets.model`)."""
