"""Hypothesis strategies and checks for bad input (amounts, workbook files, spreadsheets).

Shared by the fast tests (tests/test_reliability_input.py) and ``make stress``, which
runs the same properties with many more examples.
"""

from __future__ import annotations

import copy
import io
import json
import math
import struct
import zlib
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from kpawidgets.errors import KpaError
from kpawidgets.i18n import format_money, format_money_rounded
from kpawidgets.model.money import MAX_AMOUNT, AmountError, parse_amount
from kpawidgets.model.workbook import Workbook, dump_workbook, load_workbook_text

EXAMPLE_TEXT = (Path(__file__).resolve().parents[2] / "sample_data" / "exemple-quartier-des-tisserands.json").read_text("utf-8")
EXAMPLE = json.loads(EXAMPLE_TEXT)

#: How many generated cases each property ran (written to out/reliability/ at the end).
CASES: Counter[str] = Counter()
#: How the cases ended: accepted, or rejected with which error class.
OUTCOMES: Counter[str] = Counter()


def assert_clear_rejection(exc: KpaError) -> None:
    """A rejection is a KpaError whose message is non-empty in French and in English."""
    for lang in ("fr", "en"):
        text = exc.message(lang)
        assert isinstance(text, str) and text.strip(), f"empty {lang} message for {exc.template!r}"
        assert "Traceback" not in text


# ----------------------------------------------------------------- amounts
DIGITS = "0123456789"
amount_alphabet = st.sampled_from(list(DIGITS + " ,.'-+€\u00a0\u202f\u2212kKmMeE$%" ) + ["EUR", "eur", "1 234", "1.234", "1,234"])
amount_texts = st.one_of(
    st.text(max_size=30),  # anything at all
    st.lists(amount_alphabet, max_size=14).map("".join),  # near-misses of real amounts
    st.from_regex(r"\A[+-]?\d{1,3}([ .,\u202f]\d{3}){0,3}([,.]\d{1,3})?( ?€)?\Z"),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(repr),
    st.integers().map(str),
)
cents = st.decimals(min_value=-MAX_AMOUNT, max_value=MAX_AMOUNT, places=2, allow_nan=False, allow_infinity=False)


def check_parse_amount(text: str) -> None:
    CASES["parse_amount random text"] += 1
    try:
        value = parse_amount(text)
    except AmountError as exc:
        OUTCOMES["parse_amount rejected"] += 1
        assert_clear_rejection(exc)
        return
    OUTCOMES["parse_amount accepted"] += 1
    assert isinstance(value, Decimal) and value.is_finite()
    assert abs(value) <= MAX_AMOUNT and value == value.quantize(Decimal("0.01"))
    # Whatever was accepted reads back the same once formatted, in both languages.
    for lang in ("fr", "en"):
        assert parse_amount(format_money(value, lang)) == value


def check_amount_round_trip(value: Decimal, lang: str) -> None:
    CASES[f"format_money → parse_amount ({lang})"] += 1
    assert parse_amount(format_money(value, lang)) == value
    assert parse_amount(f"{value:.2f}") == value
    rounded = value.quantize(Decimal(1))
    if abs(rounded) <= MAX_AMOUNT:
        assert parse_amount(format_money_rounded(value, lang)) == rounded
    if value >= 0:
        assert parse_amount(format_money(value, lang), allow_negative=False) == value
    elif value < 0:
        try:
            parse_amount(format_money(value, lang), allow_negative=False)
        except AmountError as exc:
            assert_clear_rejection(exc)
        else:
            raise AssertionError("a negative amount was accepted where it is not allowed")


# ----------------------------------------------------------- workbook loader
json_scalars = st.one_of(
    st.none(), st.booleans(), st.text(max_size=40),
    st.integers(min_value=-(10**30), max_value=10**30), st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["-1", "-0.01", "1e309", "NaN", "Infinity", "9" * 40, "2026-13-45", "0000-01-01",
                     "9999-12-31", "2027-03-15T25:00:00Z", "<script>alert(1)</script>", "../../etc/passwd",
                     "\x00", "é" * 300, "-999999999999.99", "1234.567"]),
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(st.lists(children, max_size=5),
                               st.dictionaries(st.text(max_size=12), children, max_size=5)),
    max_leaves=25,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found.extend(_paths(value, (*prefix, key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.extend(_paths(value, (*prefix, index)))
    return found


EXAMPLE_PATHS = _paths(EXAMPLE)[1:]


def _set(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    data = copy.deepcopy(data)
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return data


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, allow_nan=True, default=str)


@st.composite
def mutated_example(draw: st.DrawFn) -> str:
    """The example workbook with one to three values replaced by hostile ones."""
    data = EXAMPLE
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(EXAMPLE_PATHS))
        try:
            data = _set(data, path, draw(json_values))
        except (KeyError, IndexError, TypeError):
            continue
    return _dumps(data)


@st.composite
def negative_amount_example(draw: st.DrawFn) -> str:
    """The example with one amount (a string like "1234.56" in the file) made negative or odd."""
    money_paths = [p for p in EXAMPLE_PATHS if isinstance(_get(EXAMPLE, p), str) and _is_amount(_get(EXAMPLE, p))]
    path = draw(st.sampled_from(money_paths))
    value = draw(st.sampled_from(["-0.01", "-1.00", "-1823.03", "-999999999.99", "-1e3", "1e999", "NaN",
                                  "12.345", "1 234,56", "-0", "+5", "0x10"]))
    return _dumps(_set(EXAMPLE, path, value))


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def _is_amount(text: str) -> bool:
    try:
        return text.count(".") == 1 and len(text.split(".")[1]) == 2 and Decimal(text).is_finite()
    except Exception:  # noqa: BLE001
        return False


@st.composite
def truncated_example(draw: st.DrawFn) -> bytes:
    data = EXAMPLE_TEXT.encode("utf-8")
    return data[: draw(st.integers(0, len(data) - 1))]


@st.composite
def deep_nesting(draw: st.DrawFn) -> str:
    depth = draw(st.sampled_from([10, 100, 900, 1000, 5000, 100_000]))
    where = draw(st.sampled_from(["top", "identity", "checklist", "budget"]))
    opening, closing = draw(st.sampled_from([("[", "]"), ('{"a":', "}")]))
    nested = opening * depth + "1" + closing * depth
    if where == "top":
        return nested
    return _dumps(_set(EXAMPLE, (where,), None)).replace("null", nested, 1)


future_versions = st.one_of(st.integers(min_value=2, max_value=10**6), st.integers(max_value=-1),
                            st.sampled_from([1.5, "2", True, None, 10**4000]))


def version_example(version: Any) -> str:
    return _dumps({**EXAMPLE, "schema_version": version})


workbook_texts = st.one_of(
    json_values.map(_dumps),
    mutated_example(),
    negative_amount_example(),
    truncated_example(),
    deep_nesting(),
    future_versions.map(version_example),
    st.binary(max_size=200),
    st.text(max_size=200),
)


def check_load_workbook(text: str | bytes, family: str = "loader") -> None:
    CASES[f"load_workbook_text ({family})"] += 1
    try:
        workbook = load_workbook_text(text, source="carnet.json")
    except KpaError as exc:
        OUTCOMES[f"loader rejected: {type(exc).__name__}"] += 1
        assert_clear_rejection(exc)
        return
    OUTCOMES["loader accepted"] += 1
    assert isinstance(workbook, Workbook)
    # What loads, saves and loads again to the same workbook.
    again = load_workbook_text(dump_workbook(workbook), source="carnet.json")
    assert again == workbook


# -------------------------------------------------------------- spreadsheets
cell_texts = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["=1+1", "=HYPERLINK(\"http://x\")", "+33 6", "-5", "@SUM(A1)", "'=2", "1 234,56", "1,234.56",
                     "12k", "NaN", "inf", "1e9", "-0,01", "74", "741", "606", "6061", "86", "870", "voté", "versé",
                     "refusé", "13", "²", "٣", "0", "", " ", "\t=1", "\r", "\"", ";", ",", "Ville", "CAF", "é" * 250]),
    st.decimals(allow_nan=True, allow_infinity=True, places=3).map(str),
)
HEADERS = ["compte", "libelle", "montant", "financeur", "statut", "avance_pct", "avance_mois", "solde_mois",
           "sous_ligne", "mois", "origine", "Compte", "Libellé", "Montant (€)", "autre"]


@st.composite
def headers(draw: st.DrawFn) -> list[str]:
    """Mostly a usable header (the three required columns and some others), sometimes not."""
    if draw(st.integers(0, 4)) == 0:
        return draw(st.lists(st.sampled_from(HEADERS), min_size=0, max_size=8))
    extra = draw(st.lists(st.sampled_from(HEADERS[3:]), max_size=5, unique=True))
    return draw(st.permutations(["compte", "libelle", "montant", *extra]))


account_cells = st.sampled_from(["606", "6061", "613", "622", "641", "645", "70", "706", "74", "741", "7411", "756",
                                 "758", "860", "864", "870", "99", "", "abc"])


@st.composite
def import_rows(draw: st.DrawFn, header: list[str], cell: st.SearchStrategy[Any]) -> list[list[Any]]:
    rows = []
    for _ in range(draw(st.integers(0, 8))):
        row = []
        for column in header:
            if column.lower() == "compte" and draw(st.booleans()):
                row.append(draw(account_cells))
            elif column.lower().startswith("montant") and draw(st.booleans()):
                row.append(draw(st.sampled_from(["1 234,56", "1200", "0", "15,5", "-3", "12k", "1e3", ""])))
            else:
                row.append(draw(cell))
        if draw(st.integers(0, 5)) == 0:
            row.extend(draw(st.lists(cell, max_size=2)))
        rows.append(row)
    return rows


@st.composite
def csv_files(draw: st.DrawFn) -> tuple[str, bytes]:
    header = draw(headers())
    rows = draw(import_rows(header, cell_texts))
    delimiter = draw(st.sampled_from([";", ",", "\t"]))
    buffer = io.StringIO()
    import csv

    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    text = buffer.getvalue()
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "latin-1", "cp1252", "utf-16", "mac_roman"]))
    data = text.encode(encoding, errors="replace")
    if draw(st.integers(0, 3)) == 0 and data:  # sometimes cut or corrupt the bytes
        cut = draw(st.integers(0, len(data)))
        data = data[:cut] + draw(st.binary(max_size=8))
    name = draw(st.sampled_from(["budget.csv"] * 6 + ["budget.CSV", "budget.txt", "budget", "budget.xls", "budget.ods"]))
    return name, data


@st.composite
def xlsx_files(draw: st.DrawFn) -> tuple[str, bytes]:
    from openpyxl import Workbook as XlsxBook

    book = XlsxBook()
    sheet = book.active
    header = draw(headers())
    sheet.append(header)
    cell = st.one_of(cell_texts, st.none(), st.integers(-10**12, 10**12),
                     st.floats(allow_nan=False, allow_infinity=False), st.booleans(),
                     st.dates(), st.sampled_from(["=1/0", "=A1*2", "=SUM(C2:C9)", "=NA()"]))
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    for row in draw(import_rows(header, cell)):
        # Control characters cannot be stored in a .xlsx at all (openpyxl refuses them).
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
    if draw(st.booleans()):
        book.create_sheet("Autre").append(["compte", "montant"])
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    if draw(st.integers(0, 4)) == 0:  # a damaged file (cut as a fraction: the zip's length varies with its timestamps)
        data = data[: len(data) * draw(st.integers(0, 999)) // 1000]
    return "budget.xlsx", data


def check_import(name: str, data: bytes, family: str) -> None:
    from kpawidgets.storage.spreadsheets import apply_import, parse_import

    CASES[f"spreadsheet import ({family})"] += 1
    try:
        result = parse_import(name, data)
    except KpaError as exc:
        OUTCOMES[f"import file refused ({family})"] += 1
        assert_clear_rejection(exc)
        return
    for problem in result.problems:
        for lang in ("fr", "en"):
            assert problem.message(lang).strip()
    OUTCOMES[f"import read ({family}): {'clean' if result.clean else 'bad rows'}"] += 1
    for line in result.lines:  # imported text never starts a formula once exported
        assert not math.isnan(float(line.amount))
    workbook = load_workbook_text(EXAMPLE_TEXT)
    try:
        added = apply_import(workbook, result)
    except KpaError as exc:
        assert result.problems or len(result.lines) > 0
        assert_clear_rejection(exc)
        return
    assert added == len(result.lines)
    # The workbook with the imported lines is still a valid file.
    assert load_workbook_text(dump_workbook(workbook)) == workbook


def write_case_counts(name: str) -> dict[str, Any]:
    from tests.stress.faults import write_counts

    counts = {"cases": dict(CASES), "total": sum(CASES.values()), "outcomes": dict(OUTCOMES)}
    write_counts(name, counts)
    return counts


# -------------------------------------------------------------- hostile .xlsx files, small on disk
def _deflate_repeated(head: bytes, unit: bytes, times: int, tail: bytes) -> bytes:
    """Raw deflate of ``head + unit * times + tail`` without compressing every repetition.

    ``unit`` is compressed once into a block that refers to nothing before it (a full flush), and
    the block is repeated: a gigabyte of text costs a millisecond and a megabyte of memory to build.
    """
    start = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = start.compress(head) + start.flush(zlib.Z_FULL_FLUSH)
    block = zlib.compressobj(9, zlib.DEFLATED, -15)
    unit_block = block.compress(unit) + block.flush(zlib.Z_FULL_FLUSH)
    end = zlib.compressobj(9, zlib.DEFLATED, -15)
    return data + unit_block * times + end.compress(tail) + end.flush()


def zip_parts(parts: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip file from already deflated parts: (name, raw deflate data, unpacked size, CRC-32)."""
    out = io.BytesIO()
    central = []
    for name, raw, size, crc in parts:
        offset = out.tell()
        encoded = name.encode()
        out.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, len(raw), size, len(encoded), 0))
        out.write(encoded + raw)
        central.append(struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x21, crc, len(raw), size,
                                   len(encoded), 0, 0, 0, 0, 0, offset) + encoded)
    directory = out.tell()
    for entry in central:
        out.write(entry)
    out.write(struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(parts), len(parts), out.tell() - directory, directory, 0))
    return out.getvalue()


def _deflated(data: bytes) -> tuple[bytes, int, int]:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush(), len(data), zlib.crc32(data)


def small_xlsx_parts(rows: list[list[Any]] | None = None) -> dict[str, bytes]:
    """The parts of a real small import file written by openpyxl (name → unpacked bytes)."""
    import zipfile

    from openpyxl import Workbook as XlsxBook

    book = XlsxBook()
    for row in rows or [["compte", "libelle", "montant"], ["606", "Fournitures", 120]]:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def xlsx_with(replaced: dict[str, bytes | tuple[bytes, int, int]], rows: list[list[Any]] | None = None) -> bytes:
    """A small real .xlsx with some parts replaced (bytes, or already deflated (raw, size, crc))."""
    parts = small_xlsx_parts(rows)
    parts.update({name: value for name, value in replaced.items() if isinstance(value, bytes)})
    names = list(parts) + [name for name in replaced if name not in parts]
    built = []
    for name in names:
        value = replaced.get(name, parts.get(name, b""))
        raw, size, crc = value if isinstance(value, tuple) else _deflated(value)
        built.append((name, raw, size, crc))
    return zip_parts(built)


_MAIN = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def shared_string_bomb(gib: int = 1) -> bytes:
    """About 1 MB on disk: a shared string of ``gib`` GiB of "a" (the CRC is not checked: nothing reads that far)."""
    raw = _deflate_repeated(b"<sst " + _MAIN + b' count="1" uniqueCount="1"><si><t>', b"a" * (1 << 20), 1024 * gib,
                            b"</t></si></sst>")
    size = len(b"<sst " + _MAIN + b' count="1" uniqueCount="1"><si><t>') + (1 << 30) * gib + len(b"</t></si></sst>")
    return xlsx_with({"xl/sharedStrings.xml": (raw, size, 0)})


def wide_row_bomb(cells: int = 5_000_000) -> bytes:
    """A few dozen KB on disk: one row of ``cells`` empty cells (openpyxl walks each)."""
    head = b"<worksheet " + _MAIN + b'><sheetData><row r="1">'
    tail = b"</row></sheetData></worksheet>"
    raw = _deflate_repeated(head, b"<c/>" * 1000, cells // 1000, tail)
    return xlsx_with({"xl/worksheets/sheet1.xml": (raw, len(head) + 4 * cells + len(tail), 0)})


def sheet_xml(cells: str) -> bytes:
    """A worksheet part whose first row is the import header and whose second row is *cells* (raw XML)."""
    header = "".join(f'<c r="{col}1" t="inlineStr"><is><t>{text}</t></is></c>' for col, text in zip("ABC", ("compte", "libelle", "montant")))
    return (f'<worksheet {_MAIN.decode()}><sheetData><row r="1">{header}</row><row r="2">{cells}</row>'
            "</sheetData></worksheet>").encode()


#: XML fragments a damaged or hostile sheet may hold in its second row.
HOSTILE_CELLS = [
    '<c r="A2"><v>606</v>', '<c r="A2" t="s"><v>99</v></c>', '<c r="C2"><v>abc</v></c>', '<c r="C2" t="d"><v>hier</v></c>',
    '<c r="C2" t="d"><v>9999-99-99T00:00:00</v></c>', '<c r="C2" t="b"><v>2</v></c>', '<c r="C2" t="e"><v>#DIV/0!</v></c>',
    '<c r="C2"><v>1234.5600000000002</v></c>', '<c r="C2"><v>1e308</v></c>', '<c r="C2"><v>-0</v></c>',
    '<c r="C2"><v>NaN</v></c>', '<c r="C2"><v>inf</v></c>', '<c r="XFD2"><v>1</v></c>', '<c r="A1048577"><v>1</v></c>',
    '<c r="C2" t="inlineStr"><is><t>=HYPERLINK("x")</t></is></c>', '<c r="C2" t="str"><f>1/0</f></c>',
    '<c r="B2" t="inlineStr"><is><t>&#0;</t></is></c>', '<c r="B2" t="inlineStr"><is><t>&amp;lt;</t></is></c>',
    '<c><v>606</v></c><c><v>x</v></c><c><v>1</v></c>', '<c r="a2"><v>606</v></c>', '<c r="2A"><v>606</v></c>',
    '<c r="A2" s="999"><v>606</v></c>', '<row r="2">', "</sheetData>", "<![CDATA[x]]>", "\x00", "é",
]


@st.composite
def damaged_xlsx_files(draw: st.DrawFn) -> tuple[str, bytes]:
    """A small real .xlsx whose sheet's second row is hostile XML (bad types, references, encodings, structure)."""
    cells = "".join(draw(st.lists(st.one_of(st.sampled_from(HOSTILE_CELLS), st.text(max_size=10)), min_size=1, max_size=4)))
    data = sheet_xml(cells.replace("\x00", "")) if draw(st.booleans()) else sheet_xml(cells.replace("\x00", "")).replace(b"<sheetData>", b"", 1)
    return "abime.xlsx", xlsx_with({"xl/worksheets/sheet1.xml": data})


def check_bomb(name: str, data: bytes) -> float:
    """A bomb is refused with a clear message; returns the seconds it took (printed, never asserted)."""
    import time

    from kpawidgets.storage.spreadsheets import parse_import

    CASES[f"xlsx bomb ({name})"] += 1
    started = time.perf_counter()
    try:
        parse_import(f"{name}.xlsx", data)
    except KpaError as exc:
        assert_clear_rejection(exc)
        OUTCOMES[f"bomb refused: {exc.template[:40]}"] += 1
        return time.perf_counter() - started
    raise AssertionError(f"the {name} bomb was accepted")


def bombs() -> dict[str, bytes]:
    """Every bomb of issue 13, small on disk."""
    many = "".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c><c r="B{r}"><v>1</v></c></row>' for r in range(3, 100_003))
    return {
        "shared string of 1 GiB": shared_string_bomb(),
        "one row of 5 million cells": wide_row_bomb(5_000_000),
        "200 002 cells": xlsx_with({"xl/worksheets/sheet1.xml": sheet_xml("").replace(b"</sheetData>", many.encode() + b"</sheetData>")}),
        "a 40 000-character cell": xlsx_with({"xl/worksheets/sheet1.xml": sheet_xml('<c r="B2" t="inlineStr"><is><t>' + "x" * 40_000 + "</t></is></c>")}),
        "3 million empty rows": xlsx_with({"xl/worksheets/sheet1.xml": (
            _deflate_repeated(b"<worksheet " + _MAIN + b"><sheetData>", b"<row/>" * 1000, 3000, b"</sheetData></worksheet>"),
            6 * 3_000_000 + 100, 0)}),
        "entities": xlsx_with({"xl/worksheets/sheet1.xml": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>' + sheet_xml("")}),
    }
