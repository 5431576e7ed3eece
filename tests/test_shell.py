"""The page frame: no traceback ever reaches a visitor."""

from __future__ import annotations

from kpawidgets.app.shell import guarded, page_url
from kpawidgets.errors import KpaError
from kpawidgets.i18n import use_language


def test_guarded_callbacks_report_in_the_page_and_log_elsewhere(capfd) -> None:
    shown: list[str] = []

    @guarded(shown.append)
    def domain_error() -> None:
        raise KpaError("Le montant est vide.")

    @guarded(shown.append)
    def bug() -> None:
        raise ZeroDivisionError("boom")

    with use_language("en"):
        domain_error()
        bug()
    assert shown[0] == "The amount is empty."
    assert "nothing was lost" in shown[1] and "boom" not in shown[1]
    assert "ZeroDivisionError" in capfd.readouterr().err  # the server's log keeps the traceback


def test_links_keep_the_workbook_and_language() -> None:
    assert page_url("02_budget.ipynb", "kpa-x", "en") == "02_budget.ipynb?workbook=kpa-x&lang=en"
    assert page_url("02_budget.ipynb", None, "fr") == "02_budget.ipynb"
