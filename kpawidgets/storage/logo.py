"""The territory's logo for the PDF's cover: a PNG or SVG file beside the workbook, checked and saved atomically.

At most :data:`MAX_LOGO_BYTES`. A PNG is recognised by its first bytes. An SVG is kept as
drawn (sharp in print) only when it is plain drawing:

* it is read with defusedxml, which refuses entities and external entities (no « billion
  laughs », no file read through an entity); a document type is allowed only as the standard
  ``<!DOCTYPE svg PUBLIC "…" "…">`` line that drawing programs write, with no internal subset
  (so no declared entity or default attribute), and no ``xml-stylesheet`` instruction;
* every element is a drawing element of the SVG namespace (or editors' metadata:
  Inkscape, Sodipodi, RDF, Creative Commons, Dublin Core) — no ``script``, no
  ``foreignObject`` (HTML inside), no ``a``, no animation that could change a link;
* no attribute is an event handler (``onload``…), a link (``href``) points only inside
  the file or to an embedded PNG/JPEG, and ``url(…)`` (in attributes or ``style``) only
  to ``#id`` — nothing outside the file is ever referred to.

So the same bytes are safe where they are shown: WeasyPrint runs no script and fetches only
``data:`` URLs (``report.render``), and the home page shows the logo in an ``<img>`` with a
``data:`` URL, where a browser runs no script and loads nothing else.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Literal
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from kpawidgets.errors import KpaError
from kpawidgets.i18n import format_number
from kpawidgets.storage.atomic import write_atomic

__all__ = ["MAX_LOGO_BYTES", "PNG_SIGNATURE", "LogoKind", "LogoError", "too_big", "logo_name_for", "logo_kind",
           "check_logo", "logo_media_type", "save_logo", "read_logo"]

MAX_LOGO_BYTES = 1024 * 1024
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: Elements an SVG logo may hold (more is refused: a drawing, not a program).
MAX_SVG_ELEMENTS = 20_000

LogoKind = Literal["png", "svg"]

_SVG = "http://www.w3.org/2000/svg"
_XLINK = "http://www.w3.org/1999/xlink"
#: Metadata that drawing programs write and renderers ignore.
_EDITOR_NAMESPACES = frozenset({
    "http://www.inkscape.org/namespaces/inkscape", "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://creativecommons.org/ns#", "http://web.resource.org/cc/",
    "http://purl.org/dc/elements/1.1/", "http://purl.org/dc/terms/",
})
_DRAWING = frozenset({
    "svg", "g", "defs", "title", "desc", "metadata", "symbol", "use", "path", "rect", "circle", "ellipse", "line",
    "polyline", "polygon", "text", "tspan", "textPath", "linearGradient", "radialGradient", "stop", "clipPath", "mask",
    "pattern", "marker", "style", "image", "switch", "filter", "feBlend", "feColorMatrix", "feComponentTransfer",
    "feComposite", "feDropShadow", "feFlood", "feFuncA", "feFuncB", "feFuncG", "feFuncR", "feGaussianBlur", "feMerge",
    "feMergeNode", "feMorphology", "feOffset", "feTile",
})
_INSIDE = re.compile(r"#[\w.:-]*")
_EMBEDDED_IMAGE = re.compile(r"data:image/(png|jpeg);base64,[A-Za-z0-9+/=\s]*")
_URL = re.compile(r"url\s*\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)
#: The document type drawing programs write: two quoted strings and ``>`` (no internal subset can follow).
_PLAIN_DOCTYPE = re.compile(rb'<!DOCTYPE\s+svg(\s+PUBLIC\s+"[^"\[\]<>]*")?(\s+"[^"\[\]<>]*")?\s*>')
_BOM = b"\xef\xbb\xbf"


class LogoError(KpaError):
    """A logo file that cannot be used (too big, not a PNG or a plain SVG)."""


def too_big(size: int) -> LogoError:
    """« Le logo pèse 3 072 Ko : 1 024 Ko au plus. » (the size in the current language)."""
    kilobytes = -(-size // 1024)  # rounded up: a file just over the limit does not read « 1 024 Ko »
    return LogoError("Le logo pèse {size} Ko : 1 024 Ko au plus.", size=format_number(kilobytes, digits=0))


def logo_name_for(workbook_path: Path, kind: LogoKind = "png") -> str:
    """The logo's file name beside *workbook_path*: ``<name>.logo.png`` or ``<name>.logo.svg``."""
    return f"{workbook_path.stem}.logo.{kind}"


def _local(name: str) -> tuple[str, str]:
    """``{namespace}local`` → (namespace, local)."""
    if name.startswith("{"):
        namespace, _sep, local = name[1:].partition("}")
        return namespace, local
    return "", name


def _element(name: str) -> LogoError:
    return LogoError("Ce SVG contient un élément « {what} », qui n'a pas sa place dans un logo : "
                     "enregistrez-le en dessin simple (ou en PNG).", what=name[:60])


def _attribute(name: str) -> LogoError:
    return LogoError("Ce SVG contient un attribut « {what} », qui n'a pas sa place dans un logo : "
                     "enregistrez-le en dessin simple (ou en PNG).", what=name[:60])


def _reference(text: str) -> LogoError:
    return LogoError("Ce SVG renvoie hors de son fichier (« {what} ») : enregistrez-le en dessin simple (ou en PNG).",
                     what=text[:60])


def _check_urls(text: str) -> None:
    if "\\" in text:  # a CSS escape could spell « url( » another way
        raise _reference("\\")
    for match in _URL.finditer(text):
        if not _INSIDE.fullmatch(match.group(2).strip()):
            raise _reference("url(" + match.group(2).strip() + ")")
    if "@import" in text.lower() or "javascript:" in text.lower():
        raise _reference("@import" if "@import" in text.lower() else "javascript:")


def _check_svg(data: bytes) -> None:
    if data.count(b"<!DOCTYPE") > 1 or (b"<!DOCTYPE" in data and not _PLAIN_DOCTYPE.search(data)):
        raise LogoError("Ce SVG déclare un type de document à lui (<!DOCTYPE … [ … ]>), qui peut définir des entités : "
                        "enregistrez-le en dessin simple (ou en PNG).")
    if b"<?xml-stylesheet" in data:
        raise _reference("<?xml-stylesheet …?>")
    try:
        root = fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except (ParseError, DefusedXmlException, ValueError):
        raise LogoError("Le logo doit être une image PNG ou SVG : ce fichier ne se lit pas comme l'un ou l'autre.") \
            from None
    if _local(root.tag) != (_SVG, "svg"):
        raise LogoError("Le logo doit être une image PNG ou SVG : ce fichier ne se lit pas comme l'un ou l'autre.")
    count = 0
    element: Element
    for element in root.iter():
        count += 1
        if count > MAX_SVG_ELEMENTS:
            raise LogoError("Ce SVG compte plus de {count} éléments : trop pour un logo.", count=MAX_SVG_ELEMENTS)
        if not isinstance(element.tag, str):  # a comment or a processing instruction: inert
            continue
        namespace, local = _local(element.tag)
        if namespace in _EDITOR_NAMESPACES:
            continue
        if namespace != _SVG or local not in _DRAWING:
            raise _element(local)
        for attribute, value in element.attrib.items():
            attr_namespace, name = _local(attribute)
            if name.lower().startswith("on") or name.lower() == "base":
                raise _attribute(name)
            if name == "href" and attr_namespace in ("", _XLINK):
                target = value.strip()
                if not (_INSIDE.fullmatch(target) or (local == "image" and _EMBEDDED_IMAGE.fullmatch(target))):
                    raise _reference(target)
            _check_urls(value)
        if local == "style":
            _check_urls("".join(element.itertext()))


def logo_kind(data: bytes) -> LogoKind:
    """``png`` or ``svg`` for a usable logo of at most 1 MB; a :class:`LogoError` otherwise."""
    if len(data) > MAX_LOGO_BYTES:
        raise too_big(len(data))
    if data.startswith(PNG_SIGNATURE):
        return "png"
    if not data.strip():
        raise LogoError("Ce fichier est vide.")
    if not data.removeprefix(_BOM).lstrip().startswith(b"<"):
        raise LogoError("Le logo doit être une image PNG ou SVG : ce fichier ne se lit pas comme l'un ou l'autre.")
    _check_svg(data)
    return "svg"


def check_logo(data: bytes) -> bytes:
    """*data* unchanged when it is a usable logo (:func:`logo_kind`); a :class:`LogoError` otherwise."""
    logo_kind(data)
    return data


def logo_media_type(data: bytes | None) -> str | None:
    """``image/png`` or ``image/svg+xml`` for a usable logo (for a ``data:`` URL); None for anything else."""
    if not data:
        return None
    try:
        return "image/png" if logo_kind(data) == "png" else "image/svg+xml"
    except LogoError:
        return None


def save_logo(workbook_path: str | os.PathLike[str], data: bytes) -> str:
    """Check *data* and write it whole beside the workbook; return the file name to put in ``identity.logo``.

    A refused file writes nothing: the previous logo stays as it was.
    """
    path = Path(workbook_path)
    name = logo_name_for(path, logo_kind(data))
    write_atomic(path.with_name(name), data)
    return name


def read_logo(workbook_path: str | os.PathLike[str], name: str) -> bytes | None:
    """The logo *name* beside the workbook when it is there and still usable (of its name's kind); None otherwise."""
    if not name or Path(name).name != name or not name.endswith((".png", ".svg")):
        return None
    target = Path(workbook_path).with_name(name)
    try:
        if target.is_symlink() or not target.is_file() or target.stat().st_size > MAX_LOGO_BYTES:
            return None
        data = target.read_bytes()
        return data if name.endswith("." + logo_kind(data)) else None
    except (OSError, LogoError):
        return None
