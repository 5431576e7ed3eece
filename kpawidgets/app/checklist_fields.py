"""Small widget builders bound to a model field: every edit is validated, then saved.

A bound field never loses what was typed: a refused value stays in the field and a
message says why, in the person's language; the model keeps its last valid value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Protocol

import ipywidgets as widgets
from pydantic import BaseModel, ValidationError

from kpawidgets.app.shell import guarded
from kpawidgets.errors import KpaError
from kpawidgets.i18n import _, get_language, translate, use_language
from kpawidgets.model.money import parse_amount

__all__ = ["Editor", "FieldError", "bind_text", "bind_amount", "bind_choice", "bind_date", "bind_check",
           "bind_fte", "reason_of", "amount_text", "choice_dropdown"]


class FieldError(KpaError):
    """A value refused for a field; the message names the field and the reason."""


class Editor(Protocol):
    """What bound fields need from the page: language, error reporting, saving."""

    lang: str

    def report(self, text: str) -> None: ...

    def changed(self) -> bool: ...


def reason_of(error: ValidationError) -> str:
    """The first problem of a pydantic error, in plain words and the current language."""
    problem = error.errors(include_url=False)[0]
    kind = problem.get("type", "")
    ctx = problem.get("ctx") or {}
    if kind == "string_too_long":
        return _("{max} caractères au plus").format(max=ctx.get("max_length", "?"))
    if kind == "too_long":
        return _("liste trop longue")
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return _("valeur hors des limites permises")
    if "2000" in str(problem.get("msg", "")):
        return _("date hors de la période 2000–2100")
    return _("valeur non valide")


def wire(editor: Editor, widget: widgets.Widget, handler: Callable[[Any], object]) -> None:
    """Call ``handler(new_value)`` on each change, in the page's language, never raising."""
    safe = guarded(editor.report)(lambda change: handler(change["new"]))

    def callback(change: dict[str, Any]) -> None:
        with use_language(editor.lang):
            safe(change)

    widget.observe(callback, names="value")


def assign(editor: Editor, obj: BaseModel, attr: str, value: Any, label: str) -> bool:
    """Set ``obj.attr = value`` (validated) and save; report a refused value and return False."""
    try:
        setattr(obj, attr, value)
    except ValidationError as exc:
        raise FieldError("« {field} » n'est pas enregistré : {reason}.", field=label, reason=reason_of(exc)) from None
    return editor.changed()


def _klass(widget: widgets.Widget, css: str | None) -> widgets.Widget:
    if css:
        widget.add_class(css)
    return widget


def bind_text(editor: Editor, obj: BaseModel, attr: str, label: str, *, placeholder: str = "",
              multiline: bool = False, css: str | None = None, rows: int = 3) -> widgets.Widget:
    """A text field saved when the person leaves it (not on every keystroke)."""
    value = str(getattr(obj, attr) or "")
    widget: widgets.Widget
    if multiline:
        widget = widgets.Textarea(value=value, description=label, placeholder=placeholder, continuous_update=False,
                                  rows=rows, layout=widgets.Layout(width="auto"))
    else:
        widget = widgets.Text(value=value, description=label, placeholder=placeholder, continuous_update=False,
                              layout=widgets.Layout(width="auto"))
    wire(editor, widget, lambda new: assign(editor, obj, attr, str(new or ""), label))
    return _klass(widget, css)


def amount_text(amount: Decimal, lang: str | None = None) -> str:
    """An amount as it is typed: ``450,00`` in French, ``450.00`` in English."""
    text = f"{amount:.2f}"
    return text.replace(".", ",") if (lang or get_language()) == "fr" else text


def bind_amount(editor: Editor, obj: BaseModel, attr: str, label: str, *, css: str | None = None) -> widgets.Widget:
    """A euro amount typed the French way (``1 234,56``); refused amounts stay in the field with a message."""
    widget = widgets.Text(value=amount_text(getattr(obj, attr), editor.lang), description=label,
                          continuous_update=False, layout=widgets.Layout(width="auto"))

    def changed(new: Any) -> None:
        text = str(new or "").strip()
        amount = parse_amount(text, allow_negative=False) if text else Decimal(0)
        if assign(editor, obj, attr, amount, label):
            canonical = amount_text(getattr(obj, attr), editor.lang)
            if widget.value != canonical:
                widget.value = canonical

    wire(editor, widget, changed)
    return _klass(widget, css)


def bind_fte(editor: Editor, obj: BaseModel, attr: str, label: str, *, css: str | None = None) -> widgets.Widget:
    """A share of FTE (``0,5`` = half time), between 0 and 5."""
    value: Decimal = getattr(obj, attr)
    widget = widgets.Text(value=_fte_text(value, editor.lang), description=label, continuous_update=False,
                          layout=widgets.Layout(width="auto"))

    def changed(new: Any) -> None:
        text = str(new or "").strip()
        try:
            fte = parse_amount(text, allow_negative=False) if text else Decimal(0)
        except KpaError:
            fte = Decimal(-1)
        if not Decimal(0) <= fte <= Decimal(5):
            raise FieldError("« {value} » : tapez une part d'ETP entre 0 et 5, par exemple 0,5 pour un mi-temps.",
                             value=text[:40])
        fte = fte.normalize() if fte else Decimal(0)
        if assign(editor, obj, attr, fte, label):
            canonical = _fte_text(getattr(obj, attr), editor.lang)
            if widget.value != canonical:
                widget.value = canonical

    wire(editor, widget, changed)
    return _klass(widget, css)


def _fte_text(value: Decimal, lang: str) -> str:
    text = format(value.normalize(), "f") if value else "0"
    return text.replace(".", ",") if lang == "fr" else text


def bind_choice(editor: Editor, obj: BaseModel, attr: str, label: str, choices: dict[str, str], *,
                empty: str | None = None, css: str | None = None) -> widgets.Widget:
    """A drop-down over *choices* (code → French label id); *empty* adds a « not said » choice (None)."""
    widget = choice_dropdown(choices, getattr(obj, attr), label, empty=empty)
    wire(editor, widget, lambda new: assign(editor, obj, attr, new or None if empty is not None else new, label))
    return _klass(widget, css)


def choice_dropdown(choices: dict[str, str], value: str | None, label: str, *, empty: str | None = None) -> widgets.Dropdown:
    """A drop-down over *choices*; *empty* is a « not said » choice whose value is ``""``.

    (ipywidgets shows a blank box for the value None, so « not said » is ``""`` here and
    None in the model.)
    """
    options: list[tuple[str, str]] = [(translate(text), code) for code, text in choices.items()]
    if empty is not None:
        options.insert(0, (empty, ""))
    return widgets.Dropdown(options=options, value=value if value is not None else ("" if empty is not None else None),
                            description=label, layout=widgets.Layout(width="auto"))


def bind_date(editor: Editor, obj: BaseModel, attr: str, label: str, *, css: str | None = None) -> widgets.Widget:
    """A date picker; an implausible date is refused with a message."""
    widget = widgets.DatePicker(value=getattr(obj, attr), description=label, layout=widgets.Layout(width="auto"))

    def changed(new: Any) -> None:
        value = new if isinstance(new, dt.date) else None
        assign(editor, obj, attr, value, label)

    wire(editor, widget, changed)
    return _klass(widget, css)


def bind_check(editor: Editor, obj: BaseModel, attr: str, label: str, *, css: str | None = None) -> widgets.Widget:
    """A checkbox bound to a boolean field."""
    widget = widgets.Checkbox(value=bool(getattr(obj, attr)), description=label, indent=False,
                              layout=widgets.Layout(width="auto"))
    wire(editor, widget, lambda new: assign(editor, obj, attr, bool(new), label))
    return _klass(widget, css)
