"""The page frame (no traceback ever reaches a visitor) and the field-binding kit."""

from __future__ import annotations

from decimal import Decimal

from kpawidgets.app.shell import guarded, page_url
from kpawidgets.errors import KpaError
from kpawidgets.i18n import use_language
from tests.pagekit import flat


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


def test_the_guard_runs_callbacks_in_the_page_language() -> None:
    shown: list[str] = []

    @guarded(shown.append, "en")
    def refused() -> None:
        raise KpaError("Le montant est vide.")

    with use_language("fr"):
        refused()
    assert shown == ["The amount is empty."]


class _Editor:
    """The smallest page a bound field can live in: counts the saves."""

    def __init__(self, lang: str = "fr") -> None:
        self.lang = lang
        self.saves = 0
        self.reported: list[str] = []

    def report(self, text: str) -> None:
        self.reported.append(text)

    def changed(self) -> bool:
        self.saves += 1
        return True


def _amount_field(lang: str = "fr"):  # type: ignore[no-untyped-def]
    from kpawidgets.app.fields import AMOUNT, text_field
    from kpawidgets.model.checklist import EquipmentItem

    editor = _Editor(lang)
    item = EquipmentItem(label="Four", cost=Decimal("100"))
    with use_language(lang):
        field = text_field(editor, item, "cost", "Coût", AMOUNT)
    return editor, item, field


def test_an_amount_field_shows_the_amount_as_understood() -> None:
    editor, item, field = _amount_field()
    assert flat(field.value) == "100,00 €"
    field.value = "2 400 €"
    assert item.cost == Decimal("2400") and editor.saves == 1
    assert flat(field.value) == "2 400,00 €"  # once left, the field shows what was understood
    assert editor.saves == 1  # showing it is not a second edit
    editor, item, field = _amount_field("en")
    field.value = "2,400.5"
    assert field.value == "€2,400.50" and item.cost == Decimal("2400.50")


def test_the_field_is_settled_before_the_totals_move() -> None:
    # The page's totals are redrawn in ``changed()``: the field's own echo must already be
    # sent then, or it reaches the browser while the person types the next amount (a race
    # seen as « 9 303,00 €9404 » in the budget's edit-to-chart test).
    editor, _item, field = _amount_field()
    seen: list[str] = []
    editor.changed = lambda: bool(seen.append(flat(field.value))) or True  # type: ignore[method-assign]
    field.value = "9303"
    assert seen == ["9 303,00 €"]


def test_a_refused_amount_stays_typed_with_its_reason_beside_it() -> None:
    editor, item, field = _amount_field()
    field.value = "douze"
    assert field.value == "douze" and item.cost == Decimal("100") and editor.saves == 0
    assert "pas un montant" in field.message.value and "kpa-invalid" in field.input._dom_classes
    assert editor.reported == []  # beside the field, not in the status line
    field.value = "12"
    assert field.message.value == "" and "kpa-invalid" not in field.input._dom_classes


def test_a_cleared_amount_counts_as_zero_and_says_so() -> None:
    editor, item, field = _amount_field()
    field.value = ""
    assert item.cost == Decimal("0") and editor.saves == 1  # no old value hiding in the totals
    assert "compté pour 0 €" in field.message.value and "kpa-invalid" not in field.input._dom_classes
    assert flat(field.value) == "0,00 €"


def test_an_implausible_amount_is_kept_with_a_warning() -> None:
    editor, item, field = _amount_field()
    field.value = "999 999 999"
    assert item.cost == Decimal("999999999") and editor.saves == 1  # warned, not refused
    assert "kpa-field-warning" in field.message.value and "montant inhabituel" in field.message.value
    field.value = "900"
    assert field.message.value == ""


def test_an_ambiguous_amount_is_asked_not_guessed() -> None:
    editor, item, field = _amount_field()
    field.value = "1,234"
    assert item.cost == Decimal("100") and editor.saves == 0 and field.value == "1,234"
    assert "voulez-vous dire 1,23 € ou 1 234 € ?" in flat(field.message.value)
    field.value = "1 234"
    assert item.cost == Decimal("1234") and field.message.value == ""
    editor, item, field = _amount_field("en")  # an English reader's 1,234 is one thousand two hundred…
    field.value = "1,234"
    assert item.cost == Decimal("1234")
