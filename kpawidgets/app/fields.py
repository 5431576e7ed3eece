"""The one field-binding kit: a widget bound to a model attribute, read and shown by its kind.

A kind (:class:`Kind`) is a parser and a formatter: an amount is read by
:func:`~kpawidgets.model.money.parse_amount` and shown by
:func:`~kpawidgets.i18n.format_money` (Babel), a percentage, a share of FTE, a whole
number, a text each have theirs. :class:`Field` binds any value widget (text, drop-down,
date, checkbox) to ``target.attr``:

* a value is parsed, set on the model (pydantic validates it), then saved through the
  page's ``changed()`` (which calls ``session.changed()``);
* a refused value stays in the widget as typed, its message is shown beside the field
  in the page's language, and the model and the file keep the last good value;
* once accepted, the field shows the value as understood (``2 400 €`` → ``2 400,00 €``),
  with a warning beside it when the value is implausible (kept, not refused).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, Protocol, TypeVar

import ipywidgets as widgets
from pydantic import BaseModel, ValidationError

from kpawidgets.app.shell import esc, guarded
from kpawidgets.errors import KpaError
from kpawidgets.i18n import _, format_money, format_number, get_language, translate
from kpawidgets.model.money import AmountError, parse_amount
from kpawidgets.model.problems import problem_text

__all__ = [
    "Editor", "FieldError", "Kind", "Field", "AMOUNT", "OPTIONAL_AMOUNT", "PERCENT", "FTE", "QUANTITY",
    "whole_number", "TEXT", "bind", "text_field", "choice_field", "choice_dropdown", "date_field",
    "check_field", "ById", "FROM_MODEL", "wire", "assign", "reason_of", "clean_text", "month_field", "PLAUSIBLE_AMOUNT",
    "labelled",
]

T = TypeVar("T")

#: Above this, an amount typed for one line of a neighbourhood cooperative is probably a typo.
PLAUSIBLE_AMOUNT = Decimal("500000")


class FieldError(KpaError):
    """A value refused for a field; the message names the field and the reason."""


class Editor(Protocol):
    """What bound fields need from the page: its language, where other problems go, saving."""

    lang: str

    def report(self, text: str) -> None: ...

    def changed(self) -> bool | None: ...


@dataclass(frozen=True)
class Kind(Generic[T]):
    """How one kind of value is read from a text field and shown back in it.

    ``parse`` raises :class:`KpaError` with the reason; ``show`` formats in the current
    language; ``note`` says something about an accepted value (a warning, or how an empty
    field counts), or returns None.
    """

    parse: Callable[[str], T]
    show: Callable[[T], str]
    css: str
    note: Callable[[str, T], str | None] = lambda _text, _value: None


# ------------------------------------------------------------------ text kinds
def clean_text(text: str, limit: int = 200) -> str:
    """Typed text without control characters, cut to *limit*, trimmed."""
    return "".join(ch for ch in str(text or "") if ch >= " " or ch in "\n\t")[:limit].strip()


def _amount_note(text: str, value: Decimal) -> str | None:
    if not text.strip():
        return _("Champ vidé : compté pour 0 € dans les totaux.")
    if value > PLAUSIBLE_AMOUNT:
        return _("{amount} : montant inhabituel pour une coopérative de quartier ; vérifiez-le.").format(
            amount=format_money(value))
    return None


def _read_amount(text: str) -> Decimal:
    # A French reader of « 1,234 » may mean 1,23 € or 1 234 €: the field asks (an English one means 1 234).
    return parse_amount(text, allow_negative=False, ask_if_ambiguous=get_language() == "fr")


def _parse_amount(text: str) -> Decimal:
    return _read_amount(text) if text.strip() else Decimal("0.00")


def _parse_optional_amount(text: str) -> Decimal | None:
    return _read_amount(text) if text.strip() else None


def _parse_percent(text: str) -> Decimal:
    cleaned = str(text).replace("%", "").strip()
    if not cleaned:
        return Decimal(0)
    try:
        value = parse_amount(cleaned, allow_negative=False)
    except AmountError:
        value = Decimal(-1)
    if not Decimal(0) <= value <= Decimal(100):
        raise FieldError("« {value} » : tapez un pourcentage entre 0 et 100, par exemple 30 ou 12,5.", value=text[:40])
    return value


def _parse_fte(text: str) -> Decimal:
    cleaned = text.strip()
    try:
        fte = parse_amount(cleaned, allow_negative=False) if cleaned else Decimal(0)
    except KpaError:
        fte = Decimal(-1)
    if not Decimal(0) <= fte <= Decimal(5):
        raise FieldError("« {value} » : tapez une part d'ETP entre 0 et 5, par exemple 0,5 pour un mi-temps.",
                         value=text[:40])
    return fte.normalize() if fte else Decimal(0)


def _parse_quantity(text: str) -> Decimal:
    cleaned = text.strip()
    try:
        value = parse_amount(cleaned, allow_negative=False) if cleaned else Decimal(0)
    except AmountError:
        value = Decimal(-1)
    if not Decimal(0) <= value <= Decimal(100000):
        raise FieldError("« {value} » : tapez un nombre, par exemple 4 ou 2,5.", value=text[:40])
    return value


def whole_number(low: int, high: int) -> Kind[int]:
    """A whole number between *low* and *high*."""

    def parse(text: str) -> int:
        cleaned = text.strip().replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
        if not (cleaned.isascii() and cleaned.isdigit()) or not low <= int(cleaned) <= high:  # "²".isdigit() is True
            raise FieldError("« {value} » : tapez un nombre entier entre {low} et {high}.", value=text[:40], low=low,
                             high=high)
        return int(cleaned)

    return Kind(parse, lambda value: format_number(value, digits=0), "kpa-count")


#: A euro amount typed the French way (``1 234,56``, ``1 234 €``); empty counts as 0 and says so.
AMOUNT: Kind[Decimal] = Kind(_parse_amount, lambda value: format_money(value), "kpa-amount", _amount_note)
#: An amount that may be left empty (None: « computed »).
OPTIONAL_AMOUNT: Kind[Decimal | None] = Kind(
    _parse_optional_amount, lambda value: "" if value is None else format_money(value), "kpa-amount",
    lambda text, value: _amount_note(text, value) if value is not None else None)
#: A percentage 0–100 (``30``, ``12,5 %``).
PERCENT: Kind[Decimal] = Kind(_parse_percent, lambda value: format_number(value, digits=2), "kpa-percent")
#: A share of full time 0–5 (``0,5``).
FTE: Kind[Decimal] = Kind(_parse_fte, lambda value: format_number(value, digits=2), "kpa-fte")
#: A count that may have decimals (units sold, hours): 0–100 000.
QUANTITY: Kind[Decimal] = Kind(_parse_quantity, lambda value: format_number(value, digits=3), "kpa-count")
#: Text, control characters removed (the model's own length limits apply and are said).
TEXT: Kind[str] = Kind(lambda text: clean_text(text, 100_000), lambda value: str(value or ""), "kpa-text")


# ------------------------------------------------------------------ binding
def reason_of(error: ValidationError) -> str:
    """The first problem of a pydantic error, in plain words and the current language (by its type)."""
    return problem_text(error.errors(include_url=False)[0])


Target = BaseModel | Callable[[], BaseModel | None]


def _resolve(target: Target) -> BaseModel | None:
    return target if isinstance(target, BaseModel) else target()


#: « Read the initial value from the model » (a factory's ``value`` may also be given, when
#: finding the target would create it, as a budget's salary settings on their first edit).
FROM_MODEL: Any = object()


def _initial(target: Target, attr: str, value: Any) -> Any:
    if value is not FROM_MODEL:
        return value
    obj = _resolve(target)
    return getattr(obj, attr) if obj is not None else None


def wire(editor: Editor, widget: widgets.Widget, handler: Callable[[Any], object]) -> None:
    """Call ``handler(new_value)`` on each change of *widget*, in the page's language, never raising."""
    widget.observe(guarded(editor.report, editor.lang)(lambda change: handler(change["new"])), names="value")


def assign(editor: Editor, obj: BaseModel, attr: str, value: Any, label: str) -> bool:
    """Set ``obj.attr = value`` (validated) and save; raise :class:`FieldError` for a refused value."""
    try:
        setattr(obj, attr, value)
    except ValidationError as exc:
        raise FieldError("« {field} » n'est pas enregistré : {reason}.", field=label, reason=reason_of(exc)) from None
    return bool(editor.changed())


class Field(widgets.VBox):
    """A value widget bound to ``target.attr``, with its message line beside it.

    ``parse`` turns the widget's value into the model's (raises :class:`KpaError`);
    ``show`` turns the model's value back into the widget's; ``note`` comments on an
    accepted value. ``target`` is a model object or a function finding it (a budget line
    by id); when it finds nothing the edit is ignored.
    """

    def __init__(self, editor: Editor, target: Target, attr: str, widget: widgets.Widget, *,
                 parse: Callable[[Any], Any] = lambda value: value, show: Callable[[Any], Any] = lambda value: value,
                 note: Callable[[Any, Any], str | None] = lambda _raw, _value: None, label: str = "",
                 after: Callable[[Any], None] | None = None, key: str | None = None) -> None:
        self.editor, self.target, self.attr = editor, target, attr
        self.input = widget
        self._parse, self._show, self._note, self._after = parse, show, note, after
        self.label = label
        self._message: widgets.HTML | None = None
        self._writing = False
        widget.observe(guarded(editor.report, editor.lang)(self._changed), names="value")
        super().__init__([widget], layout=_box_layout())
        self.add_class("kpa-field")
        # A stable name for the field in the page, so that the browser can put back what was
        # typed after a reload (kpa.js, when the kernel was lost before it saved the typing).
        self.add_class("kpa-key-" + _KEY_CHARS.sub("-", key or _default_key(target, attr))[:120])

    @property
    def message(self) -> widgets.HTML:
        """The line beside the field (made on first use: a page has hundreds of fields)."""
        if self._message is None:
            self._message = widgets.HTML()
            self._message.add_class("kpa-field-message")
            self.children = (self.input, self._message)
        return self._message

    @property
    def value(self) -> Any:
        """The widget's value (as typed)."""
        return self.input.value

    @value.setter
    def value(self, new: Any) -> None:
        self.input.value = new

    @property
    def invalid(self) -> bool:
        return "kpa-invalid" in self.input._dom_classes

    def _changed(self, change: dict[str, Any]) -> None:
        if self._writing:
            return
        raw = change["new"]
        try:
            value = self._parse(raw)
            obj = _resolve(self.target)
            if obj is None:
                return
            try:
                setattr(obj, self.attr, value)
            except ValidationError as exc:
                if self.label:
                    raise FieldError("« {field} » n'est pas enregistré : {reason}.", field=self.label,
                                     reason=reason_of(exc)) from None
                raise FieldError("Valeur refusée : {reason}.", reason=reason_of(exc)) from None
        except KpaError as exc:
            self.say(exc.message(self.editor.lang), "error")
            return
        stored = getattr(obj, self.attr)
        self.say(self._note(raw, stored), "warning")
        # The field shows the value as understood before the totals move: the person sees
        # « 9 303,00 € » first, and a page (or a test) that waits for the totals finds the
        # field already settled instead of receiving its echo while typing the next amount.
        shown = self._show(stored)
        if shown != self.input.value:
            self._writing = True
            try:
                self.input.value = shown
            finally:
                self._writing = False
        self.editor.changed()
        if self._after is not None:
            self._after(stored)

    def say(self, text: str | None, kind: str = "error") -> None:
        """Show *text* beside the field (``error`` or ``warning``), or clear the line with None."""
        if text:
            role = "alert" if kind == "error" else "status"
            self.message.value = f'<span class="kpa-field-{kind}" role="{role}">{esc(text)}</span>'
        elif self._message is not None:
            self._message.value = ""
        if kind == "error" and text:
            self.input.add_class("kpa-invalid")
        else:
            self.input.remove_class("kpa-invalid")

    def follow_model(self) -> None:
        """Show the model's value again after another device changed it (:mod:`kpawidgets.app.live`).

        A field holding typed text the model refused keeps it (the person is correcting it);
        the browser keeps text being typed (``kpa.js``).
        """
        obj = _resolve(self.target)
        if obj is None or self.invalid:
            return
        shown = self._show(getattr(obj, self.attr))
        if shown != self.input.value:
            self.show(getattr(obj, self.attr))

    def show(self, value: Any) -> None:
        """Put the model's *value* in the widget (no save), clearing the message."""
        self.say(None)
        self._writing = True
        try:
            self.input.value = self._show(value)
        finally:
            self._writing = False


_KEY_CHARS = re.compile(r"[^A-Za-z0-9_-]")


class ById:
    """A target that finds, each time, the item whose ``id`` is *item_id* in ``items()`` (a budget
    line, an activity): an edit goes to that item even after others were added or moved."""

    def __init__(self, items: Callable[[], Iterable[Any]], item_id: str) -> None:
        self.items, self.key = items, item_id

    def __call__(self) -> Any:
        return next((item for item in self.items() if item.id == self.key), None)


def _default_key(target: Target, attr: str) -> str:
    if isinstance(target, ById):
        return f"{target.key}-{attr}"
    if not isinstance(target, BaseModel):  # finding it may create it (salary settings): not now
        return attr
    return f"{getattr(target, 'id', None) or type(target).__name__}-{attr}"


_LAYOUTS: dict[str, widgets.Layout] = {}


def _box_layout() -> widgets.Layout:
    if "" not in _LAYOUTS:
        _LAYOUTS[""] = widgets.Layout()
    return _LAYOUTS[""]


def _layout(width: str | None) -> widgets.Layout:
    """One Layout per width, shared by the fields (a layout is a widget model of its own: the
    checklist's page mode has hundreds of fields). Never change a field's layout in place:
    give it its own (``field.layout = widgets.Layout(...)``)."""
    key = width or "auto"
    if key not in _LAYOUTS:
        _LAYOUTS[key] = widgets.Layout(width=key)
    return _LAYOUTS[key]


W = TypeVar("W", bound=widgets.Widget)


def labelled(widget: W, name: str) -> W:
    """*widget* with the accessible name *name* when it shows no label of its own (a row's cell under a
    column's heading, a field under its own heading, a placeholder that says what it is: a placeholder alone is
    no name, it goes once something is typed). The name is the control's ``<label>`` (ipywidgets ties a
    description to its control), read by a screen reader and counted by axe-core, and not shown
    (``kpa-unseen-label`` in kpa.css); a button's is its ``title``. A control with a label keeps it."""
    if not name or getattr(widget, "description", None):
        return widget
    if isinstance(widget, widgets.Button):
        widget.tooltip = name
    else:
        widget.description = name
        widget.add_class("kpa-unseen-label")
    return widget


def _describe(widget: widgets.Widget, label: str, label_width: str | None, name: str = "") -> None:
    if label:
        widget.description = label
        widget.style.description_width = label_width or "initial"
    else:
        labelled(widget, name)


def _klass(field: Field, css: str | None) -> Field:
    if css:
        field.input.add_class(css)
        identified = isinstance(field.target, ById) or getattr(field.target, "id", None)
        if not identified:  # the page's own name for the field is its stable key (rows keep their item's id)
            field._dom_classes = tuple(c for c in field._dom_classes if not c.startswith("kpa-key-")) + (f"kpa-key-{css}",)
    return field


def bind(editor: Editor, target: Target, attr: str, widget: widgets.Widget, **options: Any) -> Field:
    """Bind *widget* to ``target.attr`` (see :class:`Field`)."""
    return Field(editor, target, attr, widget, **options)


def text_field(editor: Editor, target: Target, attr: str, label: str = "", kind: Kind[Any] = TEXT, *,
               css: str | None = None, width: str | None = None, placeholder: str = "", multiline: bool = False,
               rows: int = 3, label_width: str | None = None, value: Any = FROM_MODEL,
               after: Callable[[Any], None] | None = None, name: str = "") -> Field:
    """A text field of *kind*, saved when the person leaves it (not on every keystroke).

    Without a *label*, *name* (else the *placeholder*) is its accessible name (:func:`labelled`)."""
    current = _initial(target, attr, value)
    text = kind.show(current) if current is not None or kind is OPTIONAL_AMOUNT else ""
    widget: widgets.Widget
    if multiline:
        widget = widgets.Textarea(value=text, placeholder=placeholder, continuous_update=False, rows=rows,
                                  layout=_layout(width))
    else:
        widget = widgets.Text(value=text, placeholder=placeholder, continuous_update=False, layout=_layout(width))
    widget.add_class(kind.css)
    name = name or placeholder
    _describe(widget, label, label_width, name)
    return _klass(Field(editor, target, attr, widget, parse=lambda raw: kind.parse(str(raw or "")), show=kind.show,
                        note=lambda raw, value: kind.note(str(raw or ""), value), label=label or name, after=after), css)


def choice_dropdown(choices: dict[str, str] | list[tuple[str, Any]], value: Any, label: str = "", *,
                    empty: str | None = None, width: str | None = None) -> widgets.Dropdown:
    """A drop-down over *choices* (code → French label id, or (label, value) pairs).

    *empty* is a « not said » choice whose widget value is ``""`` (ipywidgets shows a blank box
    for None), None in the model.
    """
    options: list[tuple[str, Any]] = ([(translate(text), code) for code, text in choices.items()]
                                      if isinstance(choices, dict) else list(choices))
    if empty is not None:
        options.insert(0, (empty, ""))
    selected = value if value is not None else ("" if empty is not None else None)
    if selected not in [code for _label, code in options]:
        selected = options[0][1] if options else None
    return widgets.Dropdown(options=options, value=selected, description=label, layout=_layout(width))


def choice_field(editor: Editor, target: Target, attr: str, label: str, choices: dict[str, str] | list[tuple[str, Any]],
                 *, empty: str | None = None, css: str | None = None, width: str | None = None,
                 label_width: str | None = None, none_value: Any = "", value: Any = FROM_MODEL,
                 after: Callable[[Any], None] | None = None, name: str = "") -> Field:
    """A drop-down bound to ``target.attr``; the widget value *none_value* stands for None in the model.
    Without a *label*, *name* is its accessible name."""
    current = _initial(target, attr, value)
    widget = choice_dropdown(choices, none_value if current is None and empty is None else current, label,
                             empty=empty, width=width)
    _describe(widget, label, label_width, name)
    return _klass(Field(editor, target, attr, widget,
                        parse=lambda raw: None if raw == none_value or (empty is not None and raw == "") else raw,
                        show=lambda value: (("" if empty is not None else none_value) if value is None else value),
                        label=label or name, after=after), css)


def month_field(editor: Editor, target: Target, attr: str, label: str, options: list[tuple[str, int]], *,
                css: str | None = None, width: str | None = None, spread: bool = False, value: Any = FROM_MODEL,
                after: Callable[[Any], None] | None = None, name: str = "") -> Field:
    """A month drop-down (``(label, month)`` pairs); with *spread*, the option 0 means None in the model.
    Without a *label*, *name* is its accessible name."""
    current = _initial(target, attr, value)
    widget = widgets.Dropdown(options=options, value=(current or 0) if spread else current, layout=_layout(width))
    _describe(widget, label, None, name)
    return _klass(Field(editor, target, attr, widget, parse=lambda raw: (raw or None) if spread else raw,
                        show=lambda value: (value or 0) if spread else value, label=label or name, after=after), css)


def _date(value: object) -> dt.date | None:
    day = value.date() if isinstance(value, dt.datetime) else value if isinstance(value, dt.date) else None
    if day is not None and not 2000 <= day.year <= 2100:
        raise FieldError("« {value} » : date hors de la période 2000–2100.", value=day.isoformat())
    return day


def date_field(editor: Editor, target: Target, attr: str, label: str, *, css: str | None = None,
               width: str | None = None, label_width: str | None = None) -> Field:
    """A date picker; an implausible date is refused beside the field."""
    widget = widgets.DatePicker(value=_initial(target, attr, FROM_MODEL), layout=_layout(width))
    _describe(widget, label, label_width)
    return _klass(Field(editor, target, attr, widget, parse=_date, label=label), css)


def check_field(editor: Editor, target: Target, attr: str, label: str, *, css: str | None = None,
                toggle: bool = False, after: Callable[[Any], None] | None = None) -> Field:
    """A checkbox (or a toggle button) bound to a boolean."""
    value = bool(_initial(target, attr, FROM_MODEL))
    widget: widgets.Widget = (widgets.ToggleButton(value=value, description=label) if toggle else
                              widgets.Checkbox(value=value, description=label, indent=False,
                                               layout=_layout("auto")))
    return _klass(Field(editor, target, attr, widget, parse=bool, label=label, after=after), css)

