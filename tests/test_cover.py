"""Issue 12: the partners' PDF cover — summary, contact block and logo, in French and English."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
from pydantic import ValidationError

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
    for bad_logo in ("../x.png", "x.svg", "/etc/x.png", "a b.png", "x.png.svg"):
        with pytest.raises(ValidationError):
            Identity(territory="x", logo=bad_logo)
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


def test_a_logo_that_is_not_a_small_png_is_refused(tmp_path: Path) -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    with pytest.raises(LogoError) as refused:
        check_logo(svg)
    assert "PNG" in refused.value.message("fr") and "PNG" in refused.value.message("en")
    with pytest.raises(LogoError):
        check_logo(png() + b"\0" * MAX_LOGO_BYTES)
    target = tmp_path / "t.json"
    with pytest.raises(LogoError):
        save_logo(target, svg)
    assert not (tmp_path / "t.logo.png").exists()  # nothing half-written
    (tmp_path / "t.logo.png").write_bytes(svg)  # renamed by hand: not used
    assert read_logo(target, "t.logo.png") is None and read_logo(target, "../t.logo.png") is None
    assert "<script" not in render_html(Workbook.new("T"), "fr", logo=svg)
