"""The launch plan page (``notebooks/03_plan.ipynb``): timeline, asks to partners, PDF export.

The timeline is generated from the workbook (:func:`kpawidgets.model.plan.build_timeline`);
the person moves, re-assigns, marks done, removes or adds steps, and each change is saved
as an override in ``workbook.plan``. « Exporter le plan en PDF » renders the partners'
document (:mod:`kpawidgets.report`), saves it beside the workbook and offers a download link.

Report mode: when the notebook is executed with a workbook parameter (the nbconvert
pipeline, see :mod:`kpawidgets.report.notebook`), :func:`plan_page` displays only the
report's HTML as a plain output, which the ``kpa_report`` nbconvert template lays out.
"""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import ipywidgets as widgets
from IPython.display import HTML, display

from kpawidgets.app.fields import labelled
from kpawidgets.app.request import query_params
from kpawidgets.app.session import WorkbookSession
from kpawidgets.app.shell import PageShell, esc, message_html, page_url
from kpawidgets.errors import KpaError
from kpawidgets.i18n import _, format_date, translate, use_language
from kpawidgets.model.plan import (
    STEP_KINDS,
    Timeline,
    add_custom_step,
    build_timeline,
    remove_step,
    restore_step,
    set_step_dates,
    set_step_done,
    set_step_owner,
)
from kpawidgets.charts import KIND_COLOURS, gantt, gantt_rows, mark_icon

__all__ = ["PlanApp", "build_plan", "plan_page", "PAGE"]

PAGE = "03_plan.ipynb"


class PlanError(KpaError):
    """A plan edit that cannot be made."""


def _timeline_html(timeline: Timeline, launch: dt.date | None, today: dt.date) -> str:
    warned = {w.step_key for w in timeline.warnings if w.step_key}
    if not timeline.steps:
        return message_html(_("Pas encore d'étapes : indiquez la date de lancement sur la page d'accueil."), "info")
    chart = gantt(gantt_rows(timeline), _("Diagramme de Gantt du lancement"), width=1100,
                  label_width=380, marker=(launch, _("Lancement")) if launch else None,
                  today=(today, _("Aujourd'hui")))
    from kpawidgets.model.plan import months_of

    months = []
    for month, steps in months_of(timeline.steps):
        title = _month_name(month)
        items = []
        for step in steps:
            classes = " ".join(c for c in ("done" if step.done else "", "warn" if step.key in warned else "") if c)
            owner = f' <span class="kpa-muted">· {esc(step.owner)}</span>' if step.owner else ""
            detail = f'<div class="kpa-plan-detail">→ {esc(step.detail)}</div>' if step.detail and not step.done else ""
            done = f' <span class="kpa-plan-done">✓ {esc(_("fait"))}</span>' if step.done else ""
            colour = KIND_COLOURS.get(step.kind, KIND_COLOURS["custom"])
            items.append(
                f'<li class="{classes}"><i style="background:{colour}"></i>'
                f'<span class="kpa-plan-when">{esc(_dates(step.start, step.end))}</span> '
                f'<span class="kpa-plan-what">{esc(step.title)}</span>{owner}{done}{detail}</li>')
        months.append(f'<div class="kpa-plan-month"><h4>{esc(title)}</h4><ul>{"".join(items)}</ul></div>')
    legend = "".join(
        f'<li><i style="background:{KIND_COLOURS.get(kind, "#37474f")}"></i>{esc(translate(label))}</li>'
        for kind, label in STEP_KINDS.items() if any(s.kind == kind for s in timeline.steps))
    if any(s.lane for s in timeline.steps):
        legend += "".join(f"<li>{mark_icon(mark, 13)} {esc(text)}</li>" for mark, text in (
            ("deadline", _("dépôt du dossier")), ("answer", _("réponse attendue")), ("advance", _("versement"))))
    return (f'<ul class="kpa-plan-legend">{legend}</ul><div class="kpa-plan-gantt">{chart}</div>'
            f'<h3 class="kpa-section-title">{esc(_("Mois par mois"))}</h3>'
            f'<div class="kpa-plan-months">{"".join(months)}</div>')


def _month_name(day: dt.date) -> str:
    from kpawidgets.i18n import format_month

    text = format_month(day)
    return text[:1].upper() + text[1:]


def _dates(start: dt.date, end: dt.date) -> str:
    if start == end:
        return format_date(start)
    return _("du {start} au {end}").format(start=format_date(start), end=format_date(end))


def _warnings_html(timeline: Timeline) -> str:
    if not timeline.warnings:
        return f'<div class="kpa-banner kpa-banner-ok" role="status">{esc(_("Le calendrier tient : aucun point d’attention."))}</div>'
    items = "".join(f"<li>{esc(w.message)}</li>" for w in timeline.warnings)
    return (f'<div class="kpa-banner kpa-banner-warning" role="status"><strong>{esc(_("Points d’attention du calendrier"))}'
            f'</strong><ul class="kpa-plan-warnings">{items}</ul></div>')


class PlanApp(widgets.VBox):
    """Timeline (Gantt + months), step editor, new step, asks to partners, PDF export."""

    def __init__(self, session: WorkbookSession, shell: PageShell, today: dt.date | None = None) -> None:
        assert session.workbook is not None
        self.session = session
        self.shell = shell
        self.lang = session.lang
        self.today = today or dt.date.today()
        report = shell.guard

        self.warnings = widgets.HTML()
        self.timeline_html = widgets.HTML()
        self.timeline_html.add_class("kpa-plan-timeline")

        # --- editing a step
        self.step = widgets.Dropdown(description=_("Étape"), layout=widgets.Layout(width="100%"))
        self.start = widgets.DatePicker(description=_("Début"))
        self.end = widgets.DatePicker(description=_("Fin"))
        self.owner = widgets.Text(description=_("Qui"), placeholder=_("rôle ou structure"))
        self.done = widgets.Checkbox(description=_("Fait"), indent=False)
        self.save_step = widgets.Button(description=_("Enregistrer l'étape"), button_style="primary")
        self.remove = widgets.Button(description=_("Retirer du plan"), button_style="danger")
        self.restore = widgets.Button(description=_("Revenir à l'étape calculée"))
        self.removed = widgets.Dropdown(description=_("Étapes retirées"), layout=widgets.Layout(width="100%"))
        self.bring_back = widgets.Button(description=_("Remettre dans le plan"))
        self.removed_box = widgets.VBox([self.removed, self.bring_back])
        editor = widgets.VBox([
            widgets.HTML(f'<h3 class="kpa-section-title">{esc(_("Modifier une étape"))}</h3>'),
            self.step, widgets.HBox([self.start, self.end]), widgets.HBox([self.owner, self.done]),
            widgets.HBox([self.save_step, self.restore, self.remove]), self.removed_box,
        ])
        editor.add_class("kpa-card")

        # --- adding a step
        self.new_title = widgets.Text(description=_("Intitulé"), placeholder=_("par exemple : Fête de quartier"),
                                      layout=widgets.Layout(width="100%"))
        self.new_start = widgets.DatePicker(description=_("Début"))
        self.new_end = widgets.DatePicker(description=_("Fin"))
        self.new_owner = widgets.Text(description=_("Qui"))
        self.add = widgets.Button(description=_("Ajouter l'étape"), button_style="primary",
                                  layout=widgets.Layout(width="auto"))
        adder = widgets.VBox([
            widgets.HTML(f'<h3 class="kpa-section-title">{esc(_("Ajouter une étape"))}</h3>'),
            self.new_title, widgets.HBox([self.new_start, self.new_end]), self.new_owner, self.add,
        ])
        adder.add_class("kpa-card")

        # --- asks to partners
        self.asks = widgets.Textarea(
            placeholder=_("Une demande par ligne (3 à 5). Vide : le plan propose des demandes tirées du carnet."),
            layout=widgets.Layout(width="100%", height="140px"))
        labelled(self.asks, _("Ce que nous demandons à nos partenaires"))
        self.save_asks = widgets.Button(description=_("Enregistrer les demandes"), button_style="primary",
                                        layout=widgets.Layout(width="auto"))
        asks = widgets.VBox([
            widgets.HTML(f'<h3 class="kpa-section-title">{esc(_("Ce que nous demandons à nos partenaires"))}</h3>'),
            self.asks, self.save_asks,
        ])
        asks.add_class("kpa-card")

        # --- export
        self.doc_lang = widgets.ToggleButtons(options=[("Français", "fr"), ("English", "en")],
                                              value=session.workbook.identity.language,
                                              description=_("Langue du PDF"))
        self.export = widgets.Button(description=_("Exporter le plan en PDF"), button_style="primary", icon="file-pdf")
        self.export.add_class("kpa-plan-export")
        self.progress = widgets.IntProgress(value=0, min=0, max=4, layout=widgets.Layout(display="none", width="320px"))
        self.export_status = widgets.HTML()
        self.export_status.add_class("kpa-plan-export-status")
        export = widgets.VBox([
            widgets.HTML(f'<h3 class="kpa-section-title">{esc(_("Le plan pour les partenaires"))}</h3>'
                         f'<p>{esc(_("Un PDF A4 : couverture, l’essentiel, check-list, groupe, équipe, partenaires, budget Cerfa, financements, calendrier, engagements."))}</p>'),
            self.doc_lang, widgets.HBox([self.export, self.progress]), self.export_status,
        ])
        export.add_class("kpa-card")

        self.step.observe(report(lambda change: self._show_step()), names="value")
        self.save_step.on_click(report(lambda _b: self._save_step()))
        self.remove.on_click(report(lambda _b: self._remove_step()))
        self.restore.on_click(report(lambda _b: self._restore_step()))
        self.bring_back.on_click(report(lambda _b: self._bring_back()))
        self.add.on_click(report(lambda _b: self._add_step()))
        self.save_asks.on_click(report(lambda _b: self._save_asks()))
        self.export.on_click(report(lambda _b: self.export_pdf()))

        super().__init__([
            export, self.warnings, self.timeline_html,
            widgets.HBox([editor, adder], layout=widgets.Layout(width="100%")), asks,
        ])
        self.add_class("kpa-plan")
        self.asks.value = "\n".join(session.workbook.plan.asks)
        self.refresh()

    # ------------------------------------------------------------ drawing
    @property
    def workbook(self) -> Any:
        return self.session.workbook

    def refresh(self, keep: str | None = None) -> None:
        """Recompute the timeline and redraw everything from it."""
        with use_language(self.lang):
            self.timeline = build_timeline(self.workbook, today=self.today)
            self.warnings.value = _warnings_html(self.timeline)
            self.timeline_html.value = _timeline_html(self.timeline, self.workbook.identity.launch_date, self.today)
            options = [(f"{format_date(s.start, style='medium')} — {s.title}", s.key) for s in self.timeline.steps]
            current = keep if keep is not None else self.step.value
            self.step.options = options
            keys = [key for _label, key in options]
            self.step.value = current if current in keys else (keys[0] if keys else None)
            self._show_step()
            removed = [(s.title, s.key) for s in self.timeline.removed]
            self.removed.options = removed
            self.removed_box.layout.display = "flex" if removed else "none"

    def follow_external(self, _changes: object) -> None:
        """Another device saved: recompute the timeline (the chosen step stays chosen)."""
        self.refresh()

    def _show_step(self) -> None:
        step = self.timeline.get(self.step.value) if self.step.value else None
        for control in (self.start, self.end, self.owner, self.done, self.save_step, self.remove, self.restore):
            control.disabled = step is None
        if step is None:
            return
        self.start.value, self.end.value = step.start, step.end
        self.owner.value = step.owner
        self.done.value = step.done
        self.restore.disabled = step.source == "custom" or self.workbook.plan.override(step.key) is None

    # ------------------------------------------------------------ edits
    def _changed(self, keep: str | None = None) -> None:
        self.session.changed()
        self.refresh(keep)

    def _save_step(self) -> None:
        key = self.step.value
        step = self.timeline.get(key) if key else None
        if step is None:
            raise PlanError("Choisissez d'abord une étape.")
        start, end = self.start.value, self.end.value
        if start is None:
            raise PlanError("Indiquez la date de début de l'étape.")
        if end is not None and end < start:
            raise PlanError("La fin de l'étape est avant son début.")
        plan = self.workbook.plan
        if (start, end) != (step.start, step.end):
            set_step_dates(plan, key, start, end)
        if self.owner.value.strip() != step.owner:
            set_step_owner(plan, key, self.owner.value.strip()[:200])
        if self.done.value != step.done:
            set_step_done(plan, key, bool(self.done.value))
        self._changed(key)

    def _remove_step(self) -> None:
        if self.step.value:
            remove_step(self.workbook.plan, self.step.value)
            self._changed()

    def _restore_step(self) -> None:
        if self.step.value:
            restore_step(self.workbook.plan, self.step.value)
            self._changed(self.step.value)

    def _bring_back(self) -> None:
        if self.removed.value:
            key = self.removed.value
            restore_step(self.workbook.plan, key)
            self._changed(key)

    def _add_step(self) -> None:
        title = self.new_title.value.strip()
        if not title:
            raise PlanError("Donnez un intitulé à la nouvelle étape.")
        if self.new_start.value is None:
            raise PlanError("Indiquez la date de début de la nouvelle étape.")
        if self.new_end.value is not None and self.new_end.value < self.new_start.value:
            raise PlanError("La fin de l'étape est avant son début.")
        try:
            step = add_custom_step(self.workbook.plan, title[:200], self.new_start.value, self.new_end.value,
                                   self.new_owner.value.strip()[:200])
        except ValueError as exc:
            raise PlanError("Étape refusée : {detail}", detail=str(exc).splitlines()[-1]) from None
        self.new_title.value = ""
        self.new_owner.value = ""
        self._changed(f"custom:{step.id}")

    def _save_asks(self) -> None:
        lines = [line.strip()[:300] for line in self.asks.value.splitlines() if line.strip()]
        if len(lines) > 8:
            raise PlanError("Pas plus de 8 demandes : gardez les plus importantes (3 à 5).")
        self.workbook.plan.asks = lines
        self._changed()

    # ------------------------------------------------------------ export
    def export_pdf(self) -> bytes:
        """Render the PDF, save it beside the workbook and show a download link; returns the bytes."""
        from kpawidgets.report.export import pdf_path_for, plan_html
        from kpawidgets.storage.atomic import write_atomic
        from kpawidgets.report.render import html_to_pdf

        self.export.disabled = True
        self.progress.layout.display = "flex"
        self.progress.value = 1
        self.export_status.value = f'<p class="kpa-muted">{esc(_("Préparation du document…"))}</p>'
        done = False
        try:
            # the one path of kpa export: logo read beside the file, contact and summary on the cover
            html = plan_html(self.workbook, self.session.path, self.doc_lang.value, self.today)
            self.progress.value = 2
            self.export_status.value = f'<p class="kpa-muted">{esc(_("Mise en page du PDF…"))}</p>'
            pdf = html_to_pdf(html)
            self.progress.value = 3
            saved = ""
            if self.session.path is not None:
                target = pdf_path_for(self.session.path)
                write_atomic(target, pdf)
                saved = _("Enregistré aussi dans le dossier de travail : {name}").format(name=target.name)
            self.progress.value = 4
            name = f"{self.session.name or 'plan'}-plan{'-en' if self.doc_lang.value == 'en' else ''}.pdf"
            data = base64.b64encode(pdf).decode("ascii")
            self.export_status.value = (
                f'<p class="kpa-plan-ready"><a class="kpa-plan-download" download="{esc(name)}" '
                f'href="data:application/pdf;base64,{data}">⬇ {esc(_("Télécharger le plan (PDF)"))}</a> '
                f'<span class="kpa-muted">{esc(_("{size} Ko").format(size=max(1, len(pdf) // 1024)))}</span></p>'
                + (f'<p class="kpa-muted">{esc(saved)}</p>' if saved else ""))
            done = True
            return pdf
        finally:
            if not done:  # the guard reports the problem; no half-made progress text stays
                self.export_status.value = ""
            self.export.disabled = False
            self.progress.layout.display = "none"


def _placeholder(session: WorkbookSession) -> widgets.Widget:
    if session.error is not None:
        text = session.error.message(session.lang)
        return widgets.HTML(message_html(text, "error"))
    home = page_url("00_accueil.ipynb", None, session.lang)
    return widgets.HTML(message_html(_("Aucun carnet ouvert."), "info")
                        + f'<p><a href="{esc(home)}">{esc(_("Choisir ou créer un carnet sur la page d’accueil"))}</a></p>')


def build_plan(session: WorkbookSession, today: dt.date | None = None) -> PageShell:
    """The plan page's widget tree for *session* (testable without a browser)."""
    with use_language(session.lang):
        shell = PageShell(PAGE, session)
        shell.follow_workbook(
            lambda: PlanApp(session, shell, today) if session.workbook is not None else _placeholder(session))
    return shell


def display_report(params: dict[str, str]) -> None:
    """Report mode: display the plan's HTML body as a plain output (what nbconvert exports)."""
    from pathlib import Path

    from kpawidgets.model.workbook import load_workbook_text
    from kpawidgets.report.context import build_context
    from kpawidgets.report.render import document_title, render_body

    path = Path(params["workbook"])
    workbook = load_workbook_text(path.read_bytes(), source=path.name)
    today = dt.date.fromisoformat(params["today"]) if params.get("today") else None
    context = build_context(workbook, params.get("lang") or None, today)
    display(HTML(render_body(context)),
            metadata={"kpa_report": {"lang": context.lang, "title": document_title(context)}})


def plan_page(report: dict[str, str] | None = None) -> PageShell | None:
    """Build and display the plan page for the current Voilà request, or, given the notebook's *report*
    parameters (the plan printed through the notebook, :func:`kpawidgets.report.notebook.parameterize`),
    the report."""
    if isinstance(report, dict) and report.get("workbook"):
        display_report(report)
        return None
    session = WorkbookSession.from_request(query_params())
    shell = build_plan(session)
    display(shell)
    return shell
