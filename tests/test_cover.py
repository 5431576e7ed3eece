"""Issue 12: the partners' PDF cover — summary, contact block and logo, in French and English."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from pydantic import ValidationError
from pypdf import PdfReader

from kpawidgets.model.records.workbook import SUMMARY_MAX, Contact, Identity
from kpawidgets.model.workbook import Workbook, dump_workbook, load_workbook_text
from kpawidgets.report.export import export_plan
from kpawidgets.report.render import render_html
from kpawidgets.storage.logo import MAX_LOGO_BYTES, LogoError, check_logo, read_logo, save_logo


def png(width: int = 4, height: int = 2) -> bytes:
    """A real, tiny PNG (teal pixels), built by hand so the test needs no image library."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    rows = b"".join(b"\x00" + b"\x0b\x5d\x54" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def cover_workbook() -> Workbook:
    wb = Workbook.new("KPA de Grande-Synthe")
    wb.identity.summary = "Dix habitant·es lancent <leur> coopérative.\nPremier marché en mars."
    wb.identity.contact = Contact(role="Cheffe de projet", email="lea@example.org", phone="+33 6 12 34 56 78")
    return wb


@pytest.mark.parametrize(("lang", "word"), [("fr", "Contact"), ("en", "Contact")])
def test_summary_and_contact_on_the_cover(lang: str, word: str) -> None:
    document = render_html(cover_workbook(), lang)
    cover = document[document.index('<section class="cover">'):document.index("</section>")]
    assert "Dix habitant·es lancent &lt;leur&gt; coopérative." in cover
    assert f"<b>{word}</b> · Cheffe de projet · lea@example.org · +33 6 12 34 56 78" in cover
    assert "<img" not in cover  # no logo given: nothing printed, no placeholder


def test_contact_and_summary_are_checked_lightly() -> None:
    for bad in ({"email": "lea.example.org"}, {"email": "lea@"}, {"phone": "appelez-moi"}, {"phone": "12"}):
        with pytest.raises(ValidationError):
            Contact(**bad)
    with pytest.raises(ValidationError):
        Identity(territory="x", summary="a" * (SUMMARY_MAX + 1))
    for bad_logo in ("../x.png", "x.gif", "/etc/x.png", "a b.png", "x.svg.html", "x.logo.svg/"):
        with pytest.raises(ValidationError):
            Identity(territory="x", logo=bad_logo)
    assert Identity(territory="x", logo="x.logo.svg").logo == "x.logo.svg"  # a plain SVG is a logo too
    wb = cover_workbook()
    assert load_workbook_text(dump_workbook(wb)).identity == wb.identity


def test_a_logo_is_saved_beside_the_workbook_and_printed_on_the_cover(tmp_path: Path) -> None:
    target = tmp_path / "grande-synthe.json"
    wb = cover_workbook()
    target.write_text(dump_workbook(wb), encoding="utf-8")
    name = save_logo(target, png())
    assert name == "grande-synthe.logo.png" and (tmp_path / name).read_bytes() == png()
    wb.identity.logo = name
    target.write_text(dump_workbook(wb), encoding="utf-8")
    assert read_logo(target, name) == png()
    written = export_plan(str(target), html=tmp_path / "plan.html", pdf=tmp_path / "plan.pdf")
    html = written["html"].read_text(encoding="utf-8")
    assert 'class="cover-logo" src="data:image/png;base64,' in html
    assert written["pdf"].read_bytes().startswith(b"%PDF")


def test_a_logo_that_is_not_a_small_png_or_a_plain_svg_is_refused(tmp_path: Path) -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    with pytest.raises(LogoError) as refused:
        check_logo(svg)
    assert "« script »" in refused.value.message("fr") and "“script”" in refused.value.message("en")
    with pytest.raises(LogoError):
        check_logo(png() + b"\0" * MAX_LOGO_BYTES)
    target = tmp_path / "t.json"
    with pytest.raises(LogoError):
        save_logo(target, svg)
    assert not (tmp_path / "t.logo.png").exists() and not (tmp_path / "t.logo.svg").exists()  # nothing half-written
    (tmp_path / "t.logo.png").write_bytes(svg)  # renamed by hand: not used
    (tmp_path / "t.logo.svg").write_bytes(svg)  # put there by hand: not used either
    assert read_logo(target, "t.logo.png") is None and read_logo(target, "../t.logo.png") is None
    assert read_logo(target, "t.logo.svg") is None
    (tmp_path / "t.logo.svg").write_bytes(png())  # a PNG under an SVG name: not used
    assert read_logo(target, "t.logo.svg") is None
    assert "<script" not in render_html(Workbook.new("T"), "fr", logo=svg)


#: A logo as a drawing program writes it: XML declaration, the standard DOCTYPE, Inkscape's metadata,
#: a gradient referred to inside the file, a <style>, and text (which the PDF keeps as text).
PLAIN_SVG = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" width="240" height="80" viewBox="0 0 240 80">
  <defs><linearGradient id="g"><stop offset="0" stop-color="#0b5d54"/><stop offset="1" stop-color="#b3470f"/></linearGradient>
  <rect id="dot" width="16" height="16" rx="8"/></defs>
  <style>.name { fill: #0b5d54; font-size: 30px; font-weight: bold; font-family: sans-serif; }</style>
  <g inkscape:label="Calque 1"><rect width="70" height="70" x="5" y="5" rx="12" fill="#b3470f"/>
  <use xlink:href="#dot" x="32" y="32" fill="#ffffff"/>
  <rect x="90" y="62" width="140" height="6" fill="url(#g)"/>
  <text class="name" x="90" y="50">Synthe</text></g>
</svg>"""

#: SVGs that are programs or that reach outside their file: each is refused, and what it names is said.
HOSTILE_SVGS = {
    "script": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "onload": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="1" height="1"/></svg>',
    "foreignObject": b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p xmlns="http://www.w3.org/1999/xhtml">'
                     b'x</p></foreignObject></svg>',
    "http://": b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
               b'<image xlink:href="http://127.0.0.1:9/x.png" width="9" height="9"/></svg>',
    "file:": b'<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/></svg>',
    "url(http": b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(http://127.0.0.1:9/f)"/></svg>',
    "@import": b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import "http://127.0.0.1:9/x.css";</style></svg>',
    "xml-stylesheet": b'<?xml-stylesheet href="http://127.0.0.1:9/x.css"?><svg xmlns="http://www.w3.org/2000/svg"/>',
    "DOCTYPE": b'<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
               b'<svg xmlns="http://www.w3.org/2000/svg"><text>&b;&b;&b;</text></svg>',
    "<!DOCTYPE": b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/hostname">]><svg xmlns="http://www.w3.org/2000/svg">'
                 b'<text>&x;</text></svg>',
    "ATTLIST": b'<!DOCTYPE svg PUBLIC "a" "b" [<!ATTLIST svg onload CDATA "alert(1)">]>'
               b'<svg xmlns="http://www.w3.org/2000/svg"/>',
    "« a »": b'<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><rect/></a></svg>',
    "animate": b'<svg xmlns="http://www.w3.org/2000/svg"><animate attributeName="href" to="javascript:x"/></svg>',
    "html": b'<html><body><svg xmlns="http://www.w3.org/2000/svg"/></body></html>',
}


def test_a_plain_svg_logo_is_kept_as_drawn_and_printed(tmp_path: Path) -> None:
    target = tmp_path / "grande-synthe.json"
    wb = cover_workbook()
    target.write_text(dump_workbook(wb), encoding="utf-8")
    name = save_logo(target, PLAIN_SVG)
    assert name == "grande-synthe.logo.svg" and (tmp_path / name).read_bytes() == PLAIN_SVG
    wb.identity.logo = name
    target.write_text(dump_workbook(wb), encoding="utf-8")
    assert read_logo(target, name) == PLAIN_SVG
    written = export_plan(str(target), html=tmp_path / "plan.html", pdf=tmp_path / "plan.pdf")
    assert 'class="cover-logo" src="data:image/svg+xml;base64,' in written["html"].read_text(encoding="utf-8")
    cover = PdfReader(io.BytesIO(written["pdf"].read_bytes())).pages[0].extract_text()
    assert "Synthe" in cover  # WeasyPrint drew the SVG, its text as text


@pytest.mark.parametrize("said", list(HOSTILE_SVGS))
def test_an_svg_that_is_a_program_or_reaches_outside_is_refused_and_the_old_logo_stays(tmp_path: Path,
                                                                                        said: str) -> None:
    target = tmp_path / "t.json"
    assert save_logo(target, PLAIN_SVG) == "t.logo.svg"
    with pytest.raises(LogoError) as refused:
        save_logo(target, HOSTILE_SVGS[said])
    french, english = refused.value.message("fr"), refused.value.message("en")
    assert french != english and "SVG" in french and "SVG" in english
    if said in ("script", "onload", "foreignObject", "animate"):
        assert f"« {said} »" in french and f"“{said}”" in english
    assert (tmp_path / "t.logo.svg").read_bytes() == PLAIN_SVG  # the previous logo, untouched
    assert "<img" not in render_html(Workbook.new("T"), "fr", logo=HOSTILE_SVGS[said]).split("</section>")[0]


def test_every_upload_limit_is_under_what_the_page_sends() -> None:
    """kpa.js sends a file over its UPLOAD_MAX_BYTES without content (the websocket would close):
    the kernel can only refuse it by size if every limit is below that."""
    import re

    from kpawidgets.resources import static_dir
    from kpawidgets.storage.spreadsheets import MAX_FILE_BYTES

    script = (static_dir() / "kpa.js").read_text(encoding="utf-8")
    found = re.search(r"UPLOAD_MAX_BYTES = (\d+) \* 1024 \* 1024;", script)
    assert found is not None
    page_limit = int(found.group(1)) * 1024 * 1024
    assert MAX_LOGO_BYTES < page_limit and MAX_FILE_BYTES < page_limit < 10 * 1024 * 1024
