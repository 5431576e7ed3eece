"""Context → HTML (Jinja, autoescaped) and HTML → PDF (WeasyPrint): the report's two thin steps."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import io
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from kpawidgets.charts import css_variables
from kpawidgets.model.workbook import Workbook
from kpawidgets.report.context import ReportContext, build_context
from kpawidgets.resources import static_dir, templates_dir

__all__ = ["TEMPLATE_NAME", "template_dir", "font_css", "render_body", "render_document", "render_html", "html_to_pdf",
           "render_pdf", "palette_css", "document_title"]

#: The nbconvert template (``templates/nbconvert/templates/kpa_report``) that also serves the direct rendering.
TEMPLATE_NAME = "kpa_report"


def template_dir() -> Path:
    return templates_dir() / "nbconvert" / "templates" / TEMPLATE_NAME


def fonts_dir() -> Path:
    return static_dir() / "fonts"


@lru_cache(maxsize=1)
def font_css() -> str:
    """``@font-face`` rules with the Atkinson Hyperlegible fonts inlined (a self-contained document)."""
    rules = []
    for weight in (400, 700):
        path = fonts_dir() / f"atkinson-hyperlegible-latin-{weight}-normal.woff"
        if not path.is_file():
            continue
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        rules.append('@font-face { font-family: "Atkinson Hyperlegible"; font-style: normal; '
                     f'font-weight: {weight}; src: url("data:font/woff;base64,{data}") format("woff"); }}')
    return "\n".join(rules)


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_dir())),
        autoescape=True,
        undefined=jinja2.ChainableUndefined,
        trim_blocks=False,
    )


def render_body(context: ReportContext) -> str:
    """The report's body (what the plan notebook displays in report mode)."""
    fields = {field.name: getattr(context, field.name) for field in dataclasses.fields(context)}
    return _environment().get_template("body.html.j2").render(**fields)


def render_document(body: str, *, lang: str, title: str) -> str:
    """The whole HTML document around *body* (the same layout the nbconvert template uses)."""
    template = _environment().from_string(
        '{% extends "document.html.j2" %}{% block report_body %}{{ body | safe }}{% endblock %}')
    return template.render(body=body, doc_lang=lang, doc_title=title, font_css=_markup(font_css()),
                           palette_css=palette_css())


def palette_css() -> str:
    """The palette as CSS custom properties on ``:root`` (the stylesheet uses ``var(--kpa-…)``)."""
    return f":root {{ {css_variables()} }}"


def _markup(text: str) -> Any:
    from markupsafe import Markup

    return Markup(text)


def document_title(context: ReportContext) -> str:
    """The document's title (``Plan de lancement — <territory>``)."""
    return context.title


def render_html(workbook: Workbook, lang: str | None = None, today: dt.date | None = None, *,
                logo: bytes | None = None) -> str:
    """Workbook → the complete HTML document of the launch plan (*logo*: the territory's PNG or SVG, for the cover)."""
    context = build_context(workbook, lang, today, logo=logo)
    return render_document(render_body(context), lang=context.lang, title=context.title)


def html_to_pdf(html: str) -> bytes:
    """HTML → PDF/UA-1 bytes with WeasyPrint (fonts are inlined; nothing is fetched)."""
    import weasyprint

    fetcher: Any
    if hasattr(weasyprint, "URLFetcher"):  # WeasyPrint ≥ 67
        fetcher = weasyprint.URLFetcher(allowed_protocols=["data"])
    else:  # pragma: no cover - older WeasyPrint
        def fetcher(url: str, *args: Any, **kwargs: Any) -> Any:
            if not url.startswith("data:"):
                raise ValueError("only data: URLs are used by the report")
            return weasyprint.default_url_fetcher(url, *args, **kwargs)

    out = io.BytesIO()
    # PDF/UA-1: tagged (headings, lists, tables with their headers, each chart a Figure with its title
    # as text alternative), with the document's language and title (issue 23: screen readers)
    weasyprint.HTML(string=html, base_url=str(template_dir()), url_fetcher=fetcher).write_pdf(out, pdf_variant="pdf/ua-1")
    return out.getvalue()


def render_pdf(workbook: Workbook, lang: str | None = None, today: dt.date | None = None, *,
               logo: bytes | None = None) -> bytes:
    """Workbook → PDF bytes of the launch plan."""
    return html_to_pdf(render_html(workbook, lang, today, logo=logo))
