"""The budget page: the first-year budget simulator (Cerfa layout, staff, revenue, funders,
coverage, monthly cash, scenarios, revenue sharing, spreadsheets).

``build_budget(session)`` returns the page (testable without a browser); ``budget_page()``
reads the Voilà request and displays it. Every edit goes to the model, is saved at once
(``session.changed()``) and redraws the summary and the open tab; hidden tabs are redrawn
when opened. A wrong entry keeps what was typed, says why beside the field, changes nothing.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

import ipywidgets as widgets

from kpawidgets.app import budget_html as H
from kpawidgets.app.session import WorkbookSession
from kpawidgets.app.shell import PageShell, esc, guarded, message_html, page_url
from kpawidgets.errors import KpaError
from kpawidgets.i18n import N_, _, format_money, get_language, use_language
from kpawidgets.model import budget as b
from kpawidgets.model.money import AmountError, parse_amount
from kpawidgets.model.workbook import Workbook

__all__ = ["BudgetPage", "build_budget", "budget_page", "SECTIONS"]

F = TypeVar("F", bound=Callable[..., Any])

#: The page's tabs: (key, French title).
SECTIONS: list[tuple[str, str]] = [
    ("lines", N_("Budget Cerfa")),
    ("funders", N_("Financeurs")),
    ("staff", N_("Équipe")),
    ("revenue", N_("Activités")),
    ("cash", N_("Trésorerie")),
    ("scenarios", N_("Scénarios")),
    ("sharing", N_("Partage")),
    ("files", N_("Tableur")),
]
#: Blocks offered in the lines editor (74 is edited with the funders).
EDIT_GROUPS = [*b.CHARGE_GROUPS, "70", "73", "75", "76", "77", "78", "86"]
PAGE_SIZE = 25
SCENARIO_NAMES = (N_("Prudent"), N_("Central"), N_("Ambitieux"))


def format_decimal_text(value: Decimal, *, cents: bool = True) -> str:
    """A number as typed in a field: ``1 234,56`` (French) / ``1,234.56`` (English); without
    *cents*, only the decimals it has (``12,5``)."""
    from babel.numbers import format_decimal

    pattern = "#,##0.00" if cents else "#,##0.###"
    locale = "fr_FR" if get_language() == "fr" else "en_GB"
    return format_decimal(value, format=pattern, locale=locale)


def amount_text(value: Decimal) -> str:
    """An amount as it is shown in a field: ``1 234,56`` (French) / ``1,234.56`` (English)."""
    return format_decimal_text(value)


def _layout(**kwargs: Any) -> widgets.Layout:
    return widgets.Layout(**kwargs)


class Field(widgets.VBox):
    """A text field for an amount (or a percentage, a number) with its error line underneath.

    ``parse`` turns the text into a value or raises :class:`KpaError`; on success ``apply`` gets
    the value; on failure the typed text stays and the reason is shown beside the field.
    """

    def __init__(self, value: str, parse: Callable[[str], Any], apply: Callable[[Any], None],
                 *, label: str = "", width: str = "150px", placeholder: str = "", css: str = "kpa-amount",
                 wrap: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
        self.text = widgets.Text(value=value, placeholder=placeholder, continuous_update=False,
                                 layout=_layout(width=width))
        self.text.add_class(css)
        if label:
            self.text.description = label
            self.text.style.description_width = "initial"
        self.error = widgets.HTML(layout=_layout(width="100%", display="none"))
        self.error.add_class("kpa-field-error-box")
        self._parse, self._apply = parse, apply
        self.text.observe(wrap(self._changed), names="value")
        super().__init__([self.text, self.error], layout=_layout(width="auto"))
        self.add_class("kpa-field")

    def _changed(self, change: dict[str, Any]) -> None:
        try:
            value = self._parse(change["new"])
        except KpaError as exc:
            self.error.value = f'<span class="kpa-field-error" role="alert">{esc(exc.message())}</span>'
            self.error.layout.display = "flex"
            self.text.add_class("kpa-invalid")
            return
        self._clear()
        self._apply(value)

    def _clear(self) -> None:
        self.error.value = ""
        self.error.layout.display = "none"
        self.text.remove_class("kpa-invalid")

    def set_text(self, value: str) -> None:
        self._clear()
        self.text.value = value


def _parse_int(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        cleaned = text.strip().replace("\u202f", "").replace(" ", "")
        if not (cleaned.isascii() and cleaned.isdigit()) or not low <= int(cleaned) <= high:  # "²".isdigit() is True
            raise b.BudgetError("« {value} » : tapez un nombre entier entre {low} et {high}.", value=text, low=low, high=high)
        return int(cleaned)
    return parse


def _parse_quantity(text: str) -> Decimal:
    try:
        value = b.parse_money_field(text)
    except AmountError as exc:
        raise b.BudgetError("« {value} » : tapez un nombre, par exemple 4 ou 2,5.", value=text) from exc
    if value > 100000:
        raise b.BudgetError("« {value} » : tapez un nombre, par exemple 4 ou 2,5.", value=text)
    return value


def _text_value(text: str, limit: int = 200) -> str:
    return "".join(ch for ch in text if ch >= " ")[:limit].strip()


# ============================================================================ the page
class BudgetPage(widgets.VBox):
    """The budget simulator for the session's workbook."""

    def __init__(self, session: WorkbookSession, shell: PageShell) -> None:
        self.session = session
        self.shell = shell
        self.lang = session.lang
        self.summary = widgets.HTML()
        self.summary.add_class("kpa-budget-summary-box")
        self.notice = widgets.HTML()
        self.notice_box = widgets.HBox(layout=_layout(display="none", width="100%"))
        self.undo_button = widgets.Button(description=_("Annuler"), layout=_layout(display="none"))
        self.undo_button.on_click(self.wrap(lambda _b: self._undo()))
        self._undo_action: Callable[[], None] | None = None
        self.panels = {key: widgets.VBox(layout=_layout(width="100%")) for key, _title in SECTIONS}
        self.tabs = widgets.Tab(children=[self.panels[key] for key, _t in SECTIONS], layout=_layout(width="100%"))
        for index, (_key, title) in enumerate(SECTIONS):
            self.tabs.set_title(index, _(title))
        self.tabs.add_class("kpa-budget-tabs")
        self._built: set[str] = set()
        self._stale: set[str] = set()
        self._refreshers: dict[str, Callable[[], None]] = {}
        self.tabs.observe(self.wrap(self._on_tab), names="selected_index")
        self.group = "60"
        self.line_page = 0
        self.notice_box.children = (self.notice, self.undo_button)
        self.notice_box.add_class("kpa-budget-notice")
        super().__init__([self.summary, self.notice_box, self.tabs],
                         layout=_layout(width="100%"))
        self.add_class("kpa-budget")
        self._build("lines")
        self.refresh()

    # ----------------------------------------------------------------- plumbing
    def wrap(self, callback: F) -> F:
        """Guard a widget callback (no traceback) and run it in the visitor's language."""
        guarded_callback = guarded(self.shell.show_error)(callback)

        @functools.wraps(callback)
        def run(*args: Any, **kwargs: Any) -> Any:
            with use_language(self.lang):
                return guarded_callback(*args, **kwargs)

        return run  # type: ignore[return-value]

    @property
    def workbook(self) -> Workbook:
        workbook = self.session.workbook
        assert workbook is not None
        return workbook

    @property
    def plan(self) -> b.Budget:
        return self.workbook.budget

    @property
    def start(self) -> dt.date:
        return b.plan_start(self.workbook)

    def month_options(self, last: int = 12, *, spread: str | None = None) -> list[tuple[str, int]]:
        options = [(spread, 0)] if spread else []
        return options + [(H.month_label(self.start, m), m) for m in range(1, last + 1)]

    def changed(self, *, rebuild: str | None = None) -> None:
        """After an edit: redraw the summary and the open tab (the person sees the effect first),
        then save at once (the status line reports the save)."""
        if rebuild:
            self._built.discard(rebuild)
        self.refresh()
        self.session.changed()

    def say(self, text: str, kind: str = "ok", undo: Callable[[], None] | None = None) -> None:
        self.notice.value = message_html(text, kind)
        self.notice_box.layout.display = "flex"
        self._undo_action = undo
        self.undo_button.layout.display = "inline-flex" if undo else "none"

    def _undo(self) -> None:
        action, self._undo_action = self._undo_action, None
        self.undo_button.layout.display = "none"
        self.notice.value = ""
        self.notice_box.layout.display = "none"
        if action:
            action()

    def current_key(self) -> str:
        index = self.tabs.selected_index or 0
        return SECTIONS[index][0]

    def _on_tab(self, _change: dict[str, Any]) -> None:
        key = self.current_key()
        if key not in self._built:
            self._build(key)
        if key in self._stale or key not in self._built:
            self._refresh_panel(key)

    def _build(self, key: str) -> None:
        builder = getattr(self, f"_build_{key}")
        self.panels[key].children = tuple(builder())
        self._built.add(key)
        self._stale.add(key)

    def refresh(self) -> None:
        """Recompute everything once, redraw the summary and the open tab; mark the others stale."""
        items = b.entries(self.workbook)
        self.totals = b.budget_totals(self.workbook, computed=items)
        self.cover = b.coverage(self.workbook, computed=items)
        self.cash = b.monthly_cash(self.workbook, computed=items)
        self.items = items
        self.summary.value = H.summary_html(self.totals, self.cover, self.cash)
        self._stale = {key for key, _t in SECTIONS}
        key = self.current_key()
        if key not in self._built:
            self._build(key)
        self._refresh_panel(key)

    def _refresh_panel(self, key: str) -> None:
        refresher = self._refreshers.get(key)
        if refresher is not None:
            refresher()
        self._stale.discard(key)

    # ================================================================= lines (Cerfa)
    def _build_lines(self) -> list[widgets.Widget]:
        options = [(f"{g} · {_(b.ACCOUNTS[g])}", g) for g in EDIT_GROUPS]
        self.group_picker = widgets.Dropdown(options=options, value=self.group, description=_("Bloc du budget"),
                                             layout=_layout(width="640px", max_width="100%"))
        self.group_picker.style.description_width = "initial"
        self.group_picker.observe(self.wrap(self._on_group), names="value")
        self.group_help = widgets.HTML()
        self.line_rows = widgets.VBox(layout=_layout(width="100%"))
        self.line_rows.add_class("kpa-line-rows")
        self.add_line_button = widgets.Button(description=_("Ajouter une ligne"), button_style="primary", icon="plus")
        self.add_line_button.on_click(self.wrap(lambda _b: self._add_line()))
        self.prev_button = widgets.Button(description=_("← Précédentes"))
        self.next_button = widgets.Button(description=_("Suivantes →"))
        self.prev_button.on_click(self.wrap(lambda _b: self._page_lines(-1)))
        self.next_button.on_click(self.wrap(lambda _b: self._page_lines(1)))
        self.pager_text = widgets.HTML()
        self.pager = widgets.HBox([self.prev_button, self.pager_text, self.next_button])
        self.pager.add_class("kpa-pager")
        self.cerfa = widgets.HTML()
        self.cerfa.add_class("kpa-cerfa-box")
        self._refreshers["lines"] = self._refresh_lines
        self._fill_line_rows()
        return [widgets.HTML(f'<p class="kpa-help">{esc(_("Choisissez un bloc du budget, puis tapez les montants comme vous les écrivez : 1 234,56 ou 1 234 €. Les salaires, les ventes et les subventions ont leurs onglets."))}</p>'),
                self.group_picker, self.group_help, self.line_rows, widgets.HBox([self.add_line_button, self.pager]), self.cerfa]

    def _group_lines(self) -> list[b.BudgetLine]:
        return [line for line in self.plan.lines
                if not line.is_funder and (line.account[:2] == self.group)]

    def _on_group(self, change: dict[str, Any]) -> None:
        self.group = change["new"]
        self.line_page = 0
        self._fill_line_rows()

    def _page_lines(self, step: int) -> None:
        self.line_page = max(0, self.line_page + step)
        self._fill_line_rows()

    def _fill_line_rows(self) -> None:
        lines = self._group_lines()
        pages = max(1, (len(lines) + PAGE_SIZE - 1) // PAGE_SIZE)
        self.line_page = min(self.line_page, pages - 1)
        shown = lines[self.line_page * PAGE_SIZE:(self.line_page + 1) * PAGE_SIZE]
        self.line_rows.children = tuple(self._line_row(line) for line in shown)
        self.pager.layout.display = "flex" if pages > 1 else "none"
        self.pager_text.value = f'<span class="kpa-muted">{esc(_("lignes {first} à {last} sur {count}").format(first=self.line_page * PAGE_SIZE + 1, last=self.line_page * PAGE_SIZE + len(shown), count=len(lines)))}</span>'
        derived = [e for e in self.items if e.origin != "line" and e.account[:2] == self.group] if hasattr(self, "items") else []
        notes = []
        if self.group == "64":
            notes.append(_("Les salaires de l'équipe sont calculés dans l'onglet « Équipe »."))
        if self.group == "70":
            notes.append(_("Les ventes des activités sont calculées dans l'onglet « Activités »."))
        if self.group == "86":
            notes.append(_("Chaque ligne 86 a sa contrepartie 87 : les deux blocs restent à l'équilibre."))
        if derived:
            notes.append(_("Lignes calculées dans ce bloc : {amount}.").format(amount=format_money(sum((e.amount for e in derived), Decimal(0)))))
        if not lines:
            notes.append(_("Aucune ligne saisie dans ce bloc."))
        self.group_help.value = "".join(f'<p class="kpa-muted">{esc(n)}</p>' for n in notes)
        self.group_help.layout.display = "flex" if notes else "none"

    def _line_row(self, line: b.BudgetLine) -> widgets.Widget:
        line_id = line.id
        subs = [code for code in b.ACCOUNTS if code[:2] == self.group and (len(code) == 3 or not any(
            len(c) == 3 and c[:2] == self.group for c in b.ACCOUNTS))]
        if self.group == "86":
            subs = list(b.INKIND_USES)
        if line.account not in subs:
            subs.append(line.account)
        account = widgets.Dropdown(options=[(f"{c} · {_(b.ACCOUNTS[c])}", c) for c in subs], value=line.account,
                                   layout=_layout(width="230px"))
        account.add_class("kpa-account")
        label = widgets.Text(value=line.label, placeholder=_("Libellé"), continuous_update=False,
                             layout=_layout(width="320px", max_width="100%"))
        label.add_class("kpa-label")

        def find() -> b.BudgetLine | None:
            return next((x for x in self.plan.lines if x.id == line_id), None)

        def set_account(change: dict[str, Any]) -> None:
            target = find()
            if target is not None:
                target.account = change["new"]
                self.changed()

        def set_label(change: dict[str, Any]) -> None:
            target = find()
            if target is not None:
                target.label = _text_value(change["new"])
                self.changed()

        def set_amount(value: Decimal) -> None:
            target = find()
            if target is not None:
                target.amount = value
                self.changed()

        def set_month(change: dict[str, Any]) -> None:
            target = find()
            if target is not None:
                target.month = change["new"] or None
                self.changed()

        account.observe(self.wrap(set_account), names="value")
        label.observe(self.wrap(set_label), names="value")
        amount = Field(amount_text(line.amount), b.parse_money_field, set_amount, wrap=self.wrap, width="150px")
        row_widgets: list[widgets.Widget] = [account, label, amount]
        if self.group != "86":
            month = widgets.Dropdown(options=self.month_options(spread=_("réparti sur l'année")), value=line.month or 0,
                                     layout=_layout(width="190px"))
            month.add_class("kpa-month")
            month.observe(self.wrap(set_month), names="value")
            row_widgets.append(month)
        up = widgets.Button(description="↑", tooltip=_("Monter"), layout=_layout(width="48px"))
        down = widgets.Button(description="↓", tooltip=_("Descendre"), layout=_layout(width="48px"))
        remove = widgets.Button(description="✕", tooltip=_("Supprimer la ligne"), button_style="danger", layout=_layout(width="48px"))
        up.on_click(self.wrap(lambda _b: self._move_line(line_id, -1)))
        down.on_click(self.wrap(lambda _b: self._move_line(line_id, 1)))
        remove.on_click(self.wrap(lambda _b: self._remove_line(line_id)))
        row = widgets.HBox([*row_widgets, widgets.HBox([up, down, remove])], layout=_layout(width="100%"))
        row.add_class("kpa-budget-row")
        return row

    def _add_line(self) -> None:
        subs = [c for c in b.ACCOUNTS if c[:2] == self.group and len(c) == 3]
        if self.group == "86":
            subs = ["861"]
        account = subs[0] if subs else self.group
        self.plan.lines = [*self.plan.lines, b.BudgetLine(account=account, label="")]
        self.line_page = 10**6
        self._fill_line_rows()
        self.changed()

    def _move_line(self, line_id: str, step: int) -> None:
        lines = list(self.plan.lines)
        index = next((i for i, x in enumerate(lines) if x.id == line_id), None)
        if index is None:
            return
        same = [i for i, x in enumerate(lines) if not x.is_funder and x.account[:2] == self.group]
        position = same.index(index)
        target = position + step
        if not 0 <= target < len(same):
            return
        other = same[target]
        lines[index], lines[other] = lines[other], lines[index]
        self.plan.lines = lines
        self._fill_line_rows()
        self.changed()

    def _field_setter(self, find: Callable[[], Any], name: str,
                      convert: Callable[[Any], Any] = lambda value: value) -> Callable[[Any], None]:
        """A callback that sets *name* on what *find* returns (if it still exists), then saves."""
        def apply(value: Any) -> None:
            target = find()
            if target is not None:
                setattr(target, name, convert(value))
                self.changed()
        return apply

    def _remove_undoably(self, field: str, index: int | None,
                         redraw: Callable[[], None]) -> tuple[Any, Callable[[], None]]:
        """Remove item *index* of ``plan.<field>``, redraw, save; return it and an undo that puts it back."""
        items = list(getattr(self.plan, field))
        if index is None or not 0 <= index < len(items):
            return None, lambda: None  # nothing removed, nothing to undo
        removed = items.pop(index)
        setattr(self.plan, field, items)

        def undo() -> None:
            restored = list(getattr(self.plan, field))
            restored.insert(min(index, len(restored)), removed)
            setattr(self.plan, field, restored)
            redraw()

        redraw()
        return removed, undo

    def _remove_line(self, line_id: str) -> None:
        index = next((i for i, x in enumerate(self.plan.lines) if x.id == line_id), None)

        def redraw() -> None:
            self._after_structure_change()

        removed, undo = self._remove_undoably("lines", index, redraw)
        if removed is not None:
            def undo_and_say() -> None:
                undo()
                self.say(_("Ligne rétablie."))

            self.say(_("Ligne « {label} » supprimée.").format(label=removed.label or removed.funder or removed.account),
                     "info", undo_and_say)

    def _after_structure_change(self) -> None:
        if "lines" in self._built:
            self._fill_line_rows()
        self._built.discard("funders")
        self.changed()
        if self.current_key() == "funders" and "funders" not in self._built:
            self._build("funders")
            self._refresh_panel("funders")

    def _refresh_lines(self) -> None:
        self.cerfa.value = H.cerfa_html(b.cerfa_table(self.workbook, computed=self.items))

    # ================================================================= funders
    def _build_funders(self) -> list[widgets.Widget]:
        self.funder_rows = widgets.VBox(layout=_layout(width="100%"))
        self.funder_rows.children = tuple(self._funder_card(line) for line in self.plan.lines if line.is_funder)
        add = widgets.Button(description=_("Ajouter un financeur"), button_style="primary", icon="plus")
        add.on_click(self.wrap(lambda _b: self._add_funder()))
        self.funders_coverage = widgets.HTML()
        self._refreshers["funders"] = self._refresh_funders
        intro = _("Une ligne par financeur (compte 74 ou 75), avec son statut et son échéancier. "
                  "« Et s'il dit non ? » montre tout de suite l'effet d'un refus.")
        return [widgets.HTML(f'<p class="kpa-help">{esc(intro)}</p>'), self.funder_rows, add, self.funders_coverage]

    def _funder_card(self, line: b.BudgetLine) -> widgets.Widget:
        line_id = line.id

        def find() -> b.BudgetLine | None:
            return next((x for x in self.plan.lines if x.id == line_id), None)

        setter = functools.partial(self._field_setter, find)

        def observer(name: str, convert: Callable[[Any], Any] = lambda v: v) -> Callable[[dict[str, Any]], None]:
            apply = setter(name, convert)
            return lambda change: apply(change["new"])

        funder = widgets.Text(value=line.funder, placeholder=_("Financeur"), description=_("Financeur"),
                              continuous_update=False, layout=_layout(width="520px", max_width="100%"))
        funder.add_class("kpa-funder-name")
        funder.observe(self.wrap(observer("funder", _text_value)), names="value")
        label = widgets.Text(value=line.label, placeholder=_("Objet de la demande"), description=_("Objet"),
                             continuous_update=False, layout=_layout(width="600px", max_width="100%"))
        label.observe(self.wrap(observer("label", _text_value)), names="value")
        account_options = [(f"74 · {_(b.ACCOUNTS['74'])}", "74"), (f"756 · {_(b.ACCOUNTS['756'])}", "756"),
                           (f"758 · {_(b.ACCOUNTS['758'])}", "758")]
        if line.account not in dict((v, k) for k, v in account_options):
            account_options.append((f"{line.account} · {_(b.account_label(line.account))}", line.account))
        subline = widgets.Dropdown(options=[(_(t), k) for k, t in b.SUBLINES.items()], value=line.effective_subline,
                                   description=_("Sous-ligne Cerfa"), layout=_layout(width="480px", max_width="100%"))
        subline.observe(self.wrap(observer("subline")), names="value")
        status = widgets.Dropdown(options=[(_(t), k) for k, t in b.STATUSES.items()], value=line.status or "envisage",
                                  description=_("Statut"), layout=_layout(width="260px"))
        status.add_class("kpa-status")
        status.observe(self.wrap(observer("status")), names="value")
        for control in (funder, label, subline, status):
            control.style.description_width = "initial"
        amount = Field(amount_text(line.amount), b.parse_money_field, setter("amount"), wrap=self.wrap,
                       label=_("Montant"), width="260px")
        advance = Field(format_decimal_text(line.advance_pct, cents=False), b.parse_percent, setter("advance_pct"),
                        wrap=self.wrap, label=_("Avance (%)"), width="180px", css="kpa-percent")
        advance_month = widgets.Dropdown(options=self.month_options(b.MAX_MONTH), value=line.advance_month,
                                         description=_("versée en"), layout=_layout(width="300px"))
        balance_month = widgets.Dropdown(options=self.month_options(b.MAX_MONTH, spread=_("fin d'année (mois 12)")),
                                         value=line.balance_month or 0, description=_("solde en"),
                                         layout=_layout(width="300px"))
        advance_month.observe(self.wrap(observer("advance_month")), names="value")
        balance_month.observe(self.wrap(observer("balance_month", lambda v: v or None)), names="value")
        deadline = widgets.DatePicker(value=line.deadline, description=_("Date limite de dépôt"), layout=_layout(width="auto"))
        answer = widgets.DatePicker(value=line.answer_date, description=_("Réponse attendue"), layout=_layout(width="auto"))
        deadline.observe(self.wrap(observer("deadline", self._date)), names="value")
        answer.observe(self.wrap(observer("answer_date", self._date)), names="value")
        for control in (advance_month, balance_month, deadline, answer):
            control.style.description_width = "initial"
        what_if = widgets.ToggleButton(value=line.assume_no, description=_("Et s'il dit non ?"), icon="",
                                       tooltip=_("Compter cette ligne comme refusée, pour voir l'effet"))
        what_if.add_class("kpa-what-if")
        what_if.observe(self.wrap(observer("assume_no", bool)), names="value")
        remove = widgets.Button(description=_("Supprimer"), button_style="danger")
        remove.on_click(self.wrap(lambda _b: self._remove_line(line_id)))
        card = widgets.VBox([
            widgets.HBox([funder, label]),
            widgets.HBox([subline, status, amount]),
            widgets.HBox([advance, advance_month, balance_month]),
            widgets.HBox([deadline, answer, what_if, remove]),
        ], layout=_layout(width="100%"))
        card.add_class("kpa-funder-card")
        if line.assume_no:
            card.add_class("kpa-assumed-no")
        what_if.observe(lambda change: card.add_class("kpa-assumed-no") if change["new"] else card.remove_class("kpa-assumed-no"),
                        names="value")
        return card

    @staticmethod
    def _date(value: object) -> dt.date | None:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date) and 2000 <= value.year <= 2100:
            return value
        return None

    def _add_funder(self) -> None:
        line = b.BudgetLine(account="74", label="", funder="", status="envisage", subline="commune")
        self.plan.lines = [*self.plan.lines, line]
        self.funder_rows.children = (*self.funder_rows.children, self._funder_card(line))
        self.changed()

    def _refresh_funders(self) -> None:
        self.funders_coverage.value = (H.coverage_bar_html(self.cover) + H.missing_html(self.cover))

    # ================================================================= staff
    def _build_staff(self) -> list[widgets.Widget]:
        team = list(self.workbook.checklist.team)
        self.staff_summary = widgets.HTML()
        self._refreshers["staff"] = self._refresh_staff
        intro_text = _("Les personnes viennent de l'équipe d'accompagnement de la check-list. Salaire brut mensuel pour un "
                       "temps plein (SMIC 2026 : 1 823,03 €), ramené à la part d'ETP ; charges patronales selon le "
                       "préréglage ; mois travaillés dans l'année 1.")
        intro = widgets.HTML(f'<p class="kpa-help">{esc(intro_text)}</p>')
        if not team:
            link = page_url("01_checklist.ipynb", self.session.name, self.lang)
            empty = esc(_("Aucune personne dans l'équipe d'accompagnement pour l'instant."))
            action = esc(_("Compléter l'équipe dans la check-list"))
            return [intro, widgets.HTML(f'<div class="kpa-banner kpa-banner-info">{empty} <a href="{esc(link)}">{action}</a></div>'),
                    self.staff_summary]
        rows = [self._staff_row(index, member) for index, member in enumerate(team)]
        equipment_month = widgets.Dropdown(options=self.month_options(), value=self.plan.equipment_month,
                                           description=_("Achat de l'équipement en"), layout=_layout(width="auto"))
        equipment_month.style.description_width = "initial"

        def set_equipment(change: dict[str, Any]) -> None:
            self.plan.equipment_month = change["new"]
            self.changed()

        equipment_month.observe(self.wrap(set_equipment), names="value")
        return [intro, *rows, equipment_month, self.staff_summary]

    def _settings(self, index: int) -> b.StaffCost:
        """The salary settings of team member *index* (created in the budget on first edit)."""
        team = list(self.workbook.checklist.team)
        used: set[int] = set()
        found: b.StaffCost | None = None
        for position, member in enumerate(team):
            match = None
            for i, settings in enumerate(self.plan.staff):
                if settings.member == member.label and i not in used:
                    used.add(i)
                    match = settings
                    break
            if position == index:
                found = match
        if found is None:
            found = b.StaffCost(member=team[index].label[:200])
            self.plan.staff = [*self.plan.staff, found]
        return found

    def _staff_row(self, index: int, member: Any) -> widgets.Widget:
        current = self._settings_view(index)
        paid_by = member.paid_by
        who = {"project": N_("salarié·e du projet"), "partner": N_("mis·e à disposition par un partenaire"),
               "volunteer": N_("bénévole")}[paid_by]
        head = widgets.HTML(f'<div class="kpa-staff-head"><b>{esc(member.label or "?")}</b> '
                            f'<span class="kpa-muted">{esc(member.organisation)}</span> · '
                            f'{esc(_("{fte} ETP").format(fte=format_decimal_text(member.fte, cents=False)))} · {esc(_(who))}</div>')
        result = widgets.HTML()
        result.add_class("kpa-staff-result")

        update = functools.partial(self._field_setter, lambda: self._settings(index))

        months = widgets.Dropdown(options=[(str(m), m) for m in range(0, 13)], value=current.months,
                                  description=_("Mois travaillés"), layout=_layout(width="auto"))
        start = widgets.Dropdown(options=self.month_options(), value=current.start_month, description=_("à partir de"),
                                 layout=_layout(width="auto"))
        months.observe(self.wrap(lambda c: update("months")(c["new"])), names="value")
        start.observe(self.wrap(lambda c: update("start_month")(c["new"])), names="value")
        for control in (months, start):
            control.style.description_width = "initial"
        controls: list[widgets.Widget]
        if paid_by == "project":
            gross = Field(amount_text(current.gross_monthly), b.parse_money_field, update("gross_monthly"), wrap=self.wrap,
                          label=_("Brut mensuel temps plein"), width="330px")
            preset = widgets.Dropdown(options=[(_("près du SMIC (~15 %)"), "smic"), (_("standard (~30 %)"), "standard"),
                                               (_("taux personnalisé"), "custom")], value=current.rate_preset,
                                      description=_("Charges patronales"), layout=_layout(width="auto"))
            preset.style.description_width = "initial"
            custom = Field(format_decimal_text(current.custom_rate, cents=False), b.parse_percent, update("custom_rate"),
                           wrap=self.wrap, label=_("Taux (%)"), width="170px", css="kpa-percent")
            custom.layout.display = "flex" if current.rate_preset == "custom" else "none"

            def set_preset(change: dict[str, Any]) -> None:
                custom.layout.display = "flex" if change["new"] == "custom" else "none"
                update("rate_preset")(change["new"])

            preset.observe(self.wrap(set_preset), names="value")
            controls = [gross, preset, custom, months, start]
        else:
            value = Field(amount_text(current.in_kind_value) if current.in_kind_value is not None else "",
                          lambda text: None if not text.strip() else b.parse_money_field(text),
                          update("in_kind_value"), wrap=self.wrap, label=_("Valeur retenue pour l'année"),
                          width="360px", placeholder=_("brut × ETP × mois"))
            controls = [value, months, start]
        box = widgets.VBox([head, widgets.HBox(controls), result], layout=_layout(width="100%"))
        box.add_class("kpa-staff-card")
        self._staff_results = getattr(self, "_staff_results", {})
        self._staff_results[index] = result
        return box

    def _settings_view(self, index: int) -> b.StaffCost:
        rows = b.staff_rows(self.workbook)
        return rows[index].settings

    def _refresh_staff(self) -> None:
        rows = b.staff_rows(self.workbook)
        results = getattr(self, "_staff_results", {})
        for index, row in enumerate(rows):
            widget = results.get(index)
            if widget is None:
                continue
            if row.paid_by == "project":
                text = _("641 rémunération {gross} + 645 charges {contrib} = {total} sur l'année ({monthly} par mois travaillé)").format(
                    gross=format_money(row.gross), contrib=format_money(row.contributions), total=format_money(row.total),
                    monthly=format_money(row.monthly_cost))
                widget.value = f'<p>{esc(text)}</p>'
            else:
                code = "861 / 871" if row.paid_by == "partner" else "864 / 870"
                widget.value = f'<p>{esc(_("Contribution en nature {code} : {amount}").format(code=code, amount=format_money(row.in_kind)))}</p>'
        staff_total = sum((r.total for r in rows), Decimal(0))
        in_kind = sum((r.in_kind for r in rows), Decimal(0))
        fte = sum((r.fte for r in rows), Decimal(0))
        equipment = [e for e in self.items if e.origin == "equipment"]
        bought = sum((e.amount for e in equipment if e.side == "charge"), Decimal(0))
        lent = sum((e.amount for e in equipment if e.side == "inkind"), Decimal(0))
        self.staff_summary.value = (
            f'<div class="kpa-cards"><div class="kpa-card"><div class="kpa-big-label">{esc(_("Équipe"))}</div>'
            f'<div class="kpa-big">{esc(_("{fte} ETP").format(fte=format_decimal_text(fte, cents=False)))}</div></div>'
            f'<div class="kpa-card"><div class="kpa-big-label">{esc(_("Salaires et charges (64)"))}</div><div class="kpa-big">{esc(format_money(staff_total))}</div></div>'
            f'<div class="kpa-card"><div class="kpa-big-label">{esc(_("Temps mis à disposition ou bénévole (86/87)"))}</div><div class="kpa-big">{esc(format_money(in_kind))}</div></div>'
            f'<div class="kpa-card"><div class="kpa-big-label">{esc(_("Équipement acheté (60) · prêté (86/87)"))}</div>'
            f'<div class="kpa-big">{esc(format_money(bought))}</div><div class="kpa-big-label">{esc(format_money(lent))}</div></div></div>')

    # ================================================================= revenue
    def _build_revenue(self) -> list[widgets.Widget]:
        self.activity_rows = widgets.VBox([self._activity_row(a) for a in self.plan.activities], layout=_layout(width="100%"))
        add = widgets.Button(description=_("Ajouter une activité"), button_style="primary", icon="plus")
        add.on_click(self.wrap(lambda _b: self._add_activity()))

        def set_plan(name: str) -> Callable[[Any], None]:
            def apply(value: Any) -> None:
                setattr(self.plan, name, value)
                self.changed()
            return apply

        cae = Field(format_decimal_text(self.plan.cae_rate, cents=False), b.parse_percent, set_plan("cae_rate"),
                    wrap=self.wrap, label=_("Contribution à la CAE (% du chiffre d'affaires)"), width="440px", css="kpa-percent")
        members = Field(str(self.plan.members), _parse_int(0, 500), set_plan("members"), wrap=self.wrap,
                        label=_("Nombre de coopérant·es"), width="300px", css="kpa-count")
        self.revenue_result = widgets.HTML()
        self._refreshers["revenue"] = self._refresh_revenue
        intro = _("Par activité : nombre d'unités vendues par mois (prestations, buffets, tee-shirts…) × prix moyen, "
                  "avec une montée en charge sur les premiers mois.")
        return [widgets.HTML(f'<p class="kpa-help">{esc(intro)}</p>'), self.activity_rows, add,
                widgets.HBox([cae, members]), self.revenue_result]

    def _activity_row(self, activity: b.Activity) -> widgets.Widget:
        activity_id = activity.id

        def find() -> b.Activity | None:
            return next((a for a in self.plan.activities if a.id == activity_id), None)

        update = functools.partial(self._field_setter, find)

        name = widgets.Text(value=activity.name, placeholder=_("Activité"), continuous_update=False,
                            layout=_layout(width="420px", max_width="100%"))
        name.observe(self.wrap(lambda c: update("name", _text_value)(c["new"])), names="value")
        units = Field(format_decimal_text(activity.units_per_month, cents=False), _parse_quantity, update("units_per_month"),
                      wrap=self.wrap, label=_("unités / mois"), width="210px", css="kpa-count")
        price = Field(amount_text(activity.unit_price), b.parse_money_field, update("unit_price"), wrap=self.wrap,
                      label=_("× prix"), width="200px")
        start = widgets.Dropdown(options=self.month_options(), value=activity.start_month, description=_("dès"),
                                 layout=_layout(width="auto"))
        ramp = widgets.Dropdown(options=[(_("aucune") if m == 0 else _("{n} mois").format(n=m), m) for m in range(0, 12)],
                                value=activity.ramp_months, description=_("montée en charge"), layout=_layout(width="auto"))
        for control in (start, ramp):
            control.style.description_width = "initial"
        start.observe(self.wrap(lambda c: update("start_month")(c["new"])), names="value")
        ramp.observe(self.wrap(lambda c: update("ramp_months")(c["new"])), names="value")
        remove = widgets.Button(description="✕", tooltip=_("Supprimer l'activité"), button_style="danger", layout=_layout(width="48px"))
        remove.on_click(self.wrap(lambda _b: self._remove_activity(activity_id)))
        row = widgets.VBox([widgets.HBox([name, units, price]), widgets.HBox([start, ramp, remove])], layout=_layout(width="100%"))
        row.add_class("kpa-activity-card")
        return row

    def _add_activity(self) -> None:
        activity = b.Activity(name="")
        self.plan.activities = [*self.plan.activities, activity]
        self.activity_rows.children = (*self.activity_rows.children, self._activity_row(activity))
        self.changed()

    def _remove_activity(self, activity_id: str) -> None:
        index = next((i for i, a in enumerate(self.plan.activities) if a.id == activity_id), None)

        def redraw() -> None:
            self._built.discard("revenue")
            self.changed()

        removed, undo = self._remove_undoably("activities", index, redraw)
        if removed is not None:
            self.say(_("Activité « {name} » supprimée.").format(name=removed.name or "?"), "info", undo)

    def _refresh_revenue(self) -> None:
        rows = b.activity_rows(self.workbook)
        lines = "".join(f'<tr><td>{esc(r.activity.name or "?")}</td><td class="num">{esc(format_money(r.total))}</td></tr>' for r in rows)
        total = sum((r.total for r in rows), Decimal(0))
        cae = next((e.amount for e in self.items if e.origin == "cae"), Decimal(0))
        self.revenue_result.value = (
            '<div class="kpa-table-wrap"><table class="kpa-table"><thead><tr><th>' + esc(_("Ventes de l'année 1 (compte 70)"))
            + f'</th><th class="num">{esc(_("Montant"))}</th></tr></thead>'
            f'<tbody>{lines}</tbody><tfoot><tr><th>{esc(_("Total"))}</th><td class="num"><b>{esc(format_money(total))}</b></td></tr>'
            f'<tr><th>{esc(_("Contribution à la CAE (charge, compte 62)"))}</th><td class="num">{esc(format_money(cae))}</td></tr></tfoot></table></div>'
            + H.network_html(b.network_comparison(self.workbook)))

    # ================================================================= cash
    def _build_cash(self) -> list[widgets.Widget]:
        def set_start(value: Decimal) -> None:
            self.plan.starting_cash = value
            self.changed()

        start_cash = Field(amount_text(self.plan.starting_cash), parse_amount, set_start, wrap=self.wrap,
                           label=_("Trésorerie au départ"), width="360px")
        self.cash_view = widgets.HTML()
        self.cash_view.add_class("kpa-cash-box")
        self._refreshers["cash"] = lambda: setattr(self.cash_view, "value", H.cash_html(self.cash))
        intro = _("Entrées : subventions selon leur échéancier, ventes. Sorties : salaires chaque mois, achats au mois prévu. "
                  "Le plan continue après l'année 1 jusqu'au dernier solde attendu.")
        return [widgets.HTML(f'<p class="kpa-help">{esc(intro)}</p>'), start_cash, self.cash_view]

    # ================================================================= scenarios
    def _build_scenarios(self) -> list[widgets.Widget]:
        self.scenario_name = widgets.Combobox(options=[_(n) for n in SCENARIO_NAMES], placeholder=_("Nom du scénario"),
                                              ensure_option=False, layout=_layout(width="320px"))
        save = widgets.Button(description=_("Enregistrer le budget actuel comme scénario"), button_style="primary")
        save.on_click(self.wrap(lambda _b: self._save_scenario()))
        self.scenario_list = widgets.VBox(layout=_layout(width="100%"))
        self.scenario_view = widgets.HTML()
        self._refreshers["scenarios"] = self._refresh_scenarios
        self._fill_scenarios()
        intro = _("Un scénario est une copie nommée du budget (prudent, central, ambitieux…). Comparez-les côte à côte ; "
                  "« Charger » remet un scénario dans le budget actuel (annulable).")
        return [widgets.HTML(f'<p class="kpa-help">{esc(intro)}</p>'), widgets.HBox([self.scenario_name, save]),
                self.scenario_list, self.scenario_view]

    def _fill_scenarios(self) -> None:
        rows = []
        for index, scenario in enumerate(self.plan.scenarios):
            load = widgets.Button(description=_("Charger"))
            update = widgets.Button(description=_("Remplacer par le budget actuel"))
            remove = widgets.Button(description=_("Supprimer"), button_style="danger")
            load.on_click(self.wrap(lambda _b, i=index: self._load_scenario(i)))
            update.on_click(self.wrap(lambda _b, i=index: self._update_scenario(i)))
            remove.on_click(self.wrap(lambda _b, i=index: self._remove_scenario(i)))
            row = widgets.HBox([widgets.HTML(f'<b class="kpa-scenario-name">{esc(scenario.name)}</b>', layout=_layout(width="220px")),
                                load, update, remove])
            row.add_class("kpa-scenario-row")
            rows.append(row)
        self.scenario_list.children = tuple(rows)

    def _save_scenario(self) -> None:
        name = _text_value(self.scenario_name.value, 80)
        if not name:
            raise b.BudgetError("Donnez un nom au scénario.")
        existing = next((i for i, s in enumerate(self.plan.scenarios) if s.name == name), None)
        scenario = b.Scenario(name=name, plan=b.copy_plan(self.plan))
        scenarios = list(self.plan.scenarios)
        if existing is None:
            if len(scenarios) >= 50:
                raise b.BudgetError("Cinquante scénarios au plus : supprimez-en un.")
            scenarios.append(scenario)
        else:
            scenarios[existing] = scenario
        self.plan.scenarios = scenarios
        self.scenario_name.value = ""
        self._fill_scenarios()
        self.changed()
        self.say(_("Scénario « {name} » enregistré.").format(name=name))

    def _update_scenario(self, index: int) -> None:
        scenarios = list(self.plan.scenarios)
        old = scenarios[index]
        scenarios[index] = b.Scenario(name=old.name, plan=b.copy_plan(self.plan))
        self.plan.scenarios = scenarios

        def undo() -> None:
            restored = list(self.plan.scenarios)
            restored[index] = old
            self.plan.scenarios = restored
            self.changed()

        self.changed()
        self.say(_("Scénario « {name} » remplacé par le budget actuel.").format(name=old.name), "info", undo)

    def _load_scenario(self, index: int) -> None:
        scenario = self.plan.scenarios[index]
        before = b.copy_plan(self.plan)
        self._replace_plan(scenario.plan)

        def undo() -> None:
            self._replace_plan(before)
            self.say(_("Budget d'avant rétabli."))

        self.say(_("Scénario « {name} » chargé dans le budget actuel.").format(name=scenario.name), "info", undo)

    def _replace_plan(self, plan: b.BudgetPlan) -> None:
        data = b.copy_plan(plan).model_dump()
        data["scenarios"] = [s.model_dump() for s in self.plan.scenarios]
        self.workbook.budget = b.Budget.model_validate(data)
        self._built = {"scenarios"} if "scenarios" in self._built else set()
        self.changed()

    def _remove_scenario(self, index: int) -> None:
        def redraw() -> None:
            self._fill_scenarios()
            self.changed()

        removed, undo = self._remove_undoably("scenarios", index, redraw)
        if removed is not None:
            self.say(_("Scénario « {name} » supprimé.").format(name=removed.name), "info", undo)

    def _refresh_scenarios(self) -> None:
        self.scenario_view.value = H.scenarios_html(b.scenario_comparison(self.workbook))

    # ================================================================= sharing
    def _build_sharing(self) -> list[widgets.Widget]:
        sharing = self.plan.sharing

        def set_sharing(name: str) -> Callable[[Any], None]:
            def apply(value: Any) -> None:
                setattr(self.plan.sharing, name, value)
                self.changed()
            return apply

        materials = Field(amount_text(sharing.materials), b.parse_money_field, set_sharing("materials"), wrap=self.wrap,
                          label=_("Matières et matériel"), width="330px")
        pot = Field(format_decimal_text(sharing.common_pot_pct, cents=False), b.parse_percent, set_sharing("common_pot_pct"),
                    wrap=self.wrap, label=_("Pot commun (%)"), width="230px", css="kpa-percent")
        self.people_rows = widgets.VBox([self._person_row(i) for i in range(len(sharing.people))])
        add = widgets.Button(description=_("Ajouter une personne"), icon="plus")
        add.on_click(self.wrap(lambda _b: self._add_person()))
        self.sharing_view = widgets.HTML()
        self._refreshers["sharing"] = lambda: setattr(self.sharing_view, "value", H.sharing_html(b.revenue_sharing(self.workbook)))
        intro = _("Sur le chiffre d'affaires des activités : la part de la CAE, les matières, un pot commun, "
                  "et le reste partagé selon les heures travaillées (prénoms seulement).")
        return [widgets.HTML(f'<p class="kpa-help">{esc(intro)}</p>'), widgets.HBox([materials, pot]), self.people_rows, add,
                self.sharing_view]

    def _person_row(self, index: int) -> widgets.Widget:
        person = self.plan.sharing.people[index]

        def find() -> b.Sharer | None:
            people = self.plan.sharing.people
            return people[index] if index < len(people) else None

        update = functools.partial(self._field_setter, find)

        name = widgets.Text(value=person.name, placeholder=_("Prénom"), continuous_update=False, layout=_layout(width="220px"))
        name.observe(self.wrap(lambda c: update("name")(_text_value(c["new"], 100))), names="value")
        hours = Field(format_decimal_text(person.hours, cents=False), _parse_quantity, update("hours"), wrap=self.wrap,
                      label=_("heures"), width="200px", css="kpa-count")
        remove = widgets.Button(description="✕", tooltip=_("Retirer"), button_style="danger", layout=_layout(width="48px"))
        remove.on_click(self.wrap(lambda _b: self._remove_person(index)))
        return widgets.HBox([name, hours, remove])

    def _add_person(self) -> None:
        self.plan.sharing.people = [*self.plan.sharing.people, b.Sharer(name="")]
        self.people_rows.children = tuple(self._person_row(i) for i in range(len(self.plan.sharing.people)))
        self.changed()

    def _remove_person(self, index: int) -> None:
        people = list(self.plan.sharing.people)
        if index >= len(people):
            return
        people.pop(index)
        self.plan.sharing.people = people
        self.people_rows.children = tuple(self._person_row(i) for i in range(len(people)))
        self.changed()

    # ================================================================= files
    def _build_files(self) -> list[widgets.Widget]:
        xlsx = widgets.Button(description=_("Préparer le classeur .xlsx"), icon="download")
        csv_button = widgets.Button(description=_("Préparer le fichier CSV"), icon="download")
        self.download = widgets.HTML()
        xlsx.on_click(self.wrap(lambda _b: self._prepare_download("xlsx")))
        csv_button.on_click(self.wrap(lambda _b: self._prepare_download("csv")))
        self.upload = widgets.FileUpload(accept=".csv,.xlsx", multiple=False, description=_("Importer des lignes"))
        self.upload.observe(self.wrap(self._on_upload), names="value")
        self.import_report = widgets.HTML()
        self.import_skip = widgets.Button(description=_("Importer quand même les lignes valides"), button_style="warning",
                                          layout=_layout(display="none"))
        self.import_skip.on_click(self.wrap(lambda _b: self._import_pending(skip=True)))
        self._pending_import: Any = None
        help_text = _("Colonnes : compte, libelle, montant ; pour un financeur : financeur, statut, avance_pct, avance_mois, "
                      "solde_mois. Séparateur ; ou , — UTF-8 — montants à la française (1 234,56). Rien n'est importé tant "
                      "qu'une ligne est fausse, sauf si vous choisissez de l'ignorer.")
        return [widgets.HTML(f'<h3 class="kpa-h3">{esc(_("Exporter"))}</h3>'), widgets.HBox([xlsx, csv_button]), self.download,
                widgets.HTML(f'<h3 class="kpa-h3">{esc(_("Importer"))}</h3><p class="kpa-help">{esc(help_text)}</p>'),
                self.upload, self.import_report, self.import_skip]

    def _prepare_download(self, kind: str) -> None:
        from kpawidgets.storage import spreadsheets
        from kpawidgets.storage.workspace import slugify

        name = slugify(self.workbook.identity.territory) + "-budget"
        if kind == "xlsx":
            data = spreadsheets.budget_xlsx(self.workbook)
            mime, filename = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name + ".xlsx"
        else:
            data = spreadsheets.budget_csv(self.workbook).encode("utf-8")
            mime, filename = "text/csv;charset=utf-8", name + ".csv"
        encoded = base64.b64encode(data).decode("ascii")
        self.download.value = (f'<a class="kpa-download" download="{esc(filename)}" href="data:{mime};base64,{encoded}">'
                               f'{esc(_("Télécharger {name}").format(name=filename))}</a>')

    def _on_upload(self, change: dict[str, Any]) -> None:
        from kpawidgets.storage import spreadsheets

        files = change["new"] or ()
        if not files:
            return
        item = files[0]
        name = str(item.get("name", "import.csv"))[:200]
        data = bytes(item.get("content", b""))
        self._pending_import = None
        self.import_skip.layout.display = "none"
        try:
            result = spreadsheets.parse_import(name, data)
        except KpaError as exc:
            self.import_report.value = message_html(exc.message(), "error")
            return
        if result.problems:
            self._pending_import = result
            items = "".join(f"<li>{esc(p.message())}</li>" for p in result.problems[:50])
            more = len(result.problems) - 50
            extra = f"<li>{esc(_('… et {count} autres.').format(count=more))}</li>" if more > 0 else ""
            self.import_report.value = (
                message_html(_("{count} ligne(s) invalide(s) : rien n'a été importé.").format(count=len(result.problems)), "error")
                + f'<ul class="kpa-import-problems">{items}{extra}</ul>')
            if result.lines:
                self.import_skip.description = _("Importer quand même les {count} lignes valides").format(count=len(result.lines))
                self.import_skip.layout.display = "inline-flex"
            return
        self._pending_import = result
        self._import_pending(skip=False)

    def _import_pending(self, *, skip: bool) -> None:
        from kpawidgets.storage import spreadsheets

        result = self._pending_import
        if result is None:
            return
        count = spreadsheets.apply_import(self.workbook, result, skip_bad_rows=skip)
        self._pending_import = None
        self.import_skip.layout.display = "none"
        self._built.discard("lines")
        self._built.discard("funders")
        self.changed()
        self.import_report.value = message_html(_("{count} ligne(s) importée(s).").format(count=count), "ok")


def build_budget(session: WorkbookSession) -> PageShell:
    """The budget page's widget tree for *session* (no browser needed)."""
    shell = PageShell("02_budget.ipynb", session)
    shell.follow_workbook(lambda: BudgetPage(session, shell) if session.workbook is not None else _placeholder(session))
    return shell


def _placeholder(session: WorkbookSession) -> widgets.HTML:
    link = page_url("00_accueil.ipynb", None, session.lang)
    reason = session.error.message() if session.error else _("Aucun carnet ouvert.")
    return widgets.HTML(message_html(reason, "warning" if session.error is None else "error")
                        + f'<p><a href="{esc(link)}">' + esc(_("Choisir ou créer un carnet sur la page d'accueil")) + '</a></p>')


def budget_page() -> PageShell:
    """Build and display the budget page for the current Voilà request."""
    from IPython.display import display

    from kpawidgets.app.request import query_params

    session = WorkbookSession.from_request(query_params())
    shell = build_budget(session)
    display(shell)
    return shell
