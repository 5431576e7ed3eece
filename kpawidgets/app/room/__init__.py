"""The workshop room's projector page, « Le groupe en direct » (the phones' page is the server's own: :mod:`kpawidgets.web`)."""

from __future__ import annotations

__all__ = ["projector_page"]


def projector_page() -> object:
    """Display the projector screen (``notebooks/05_groupe.ipynb``)."""
    from kpawidgets.app.room.projector import projector_page as show

    return show()
