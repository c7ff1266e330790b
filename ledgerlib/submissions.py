"""Read a returned monthly workbook as people leave it, and list everything wrong with it.

`read_submission` opens a file once (bytes in memory; python-calamine for cell values,
zipfile for what calamine cannot say: formulas, macros), recognises each sheet by its
header row (not its name or position), finds the cover block wherever it is, and turns
every row into typed fields with `ledgerlib.cells`. Whatever cannot be taken as it is
becomes one row in `problems`; the rest of the row and the file still load. It never
raises for a bad file, never evaluates a formula, never runs a macro.

`validate_files` is `ledger validate`: a table on screen, a problems workbook on disk.
Reading a file works on plain Python values (rows as dicts, dates as `datetime`); pandas
is imported only where DataFrames are built, so `ledger validate` starts without it.
"""
from __future__ import annotations

import functools
import hashlib
import io
import os
import re
import struct
import sys
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Iterable, NamedTuple
from xml.etree import ElementTree

from . import cells, config, labels
from .dtypes import DTYPES
from .cells import EXCEL_CELL_LIMIT, text_width  # longer text: kept whole here, cut visibly in xlsx
from .sheets import SHEETS, SheetSpec
from .bureau import default_city

if TYPE_CHECKING:  # annotations only: pandas is imported where a DataFrame is built
    import pandas as pd

# --- output schemas (docs/data-contract.md) ----------------------------------------------

TABLE_KEYS = ("progress", "activities", "publicity", "collection", "shared_records", "joint_cases")
#: Columns and dtypes of what the reader returns: those of the processed tables.
SCHEMAS: dict[str, dict[str, str]] = {k: DTYPES[k] for k in (*TABLE_KEYS, "problems")}

#: The header that identifies each sheet kind; a header row must contain it.
_KEY_HEADER = {"progress": "任务编号", "activities": "活动类型", "publicity": "决定文书号",
               "collection": "市场主体总数", "shared_records": labels.SHARED_RECORD_ID_HEADER,
               "joint_cases": "被执行主体"}
#: (sheet kind, its key header, the headers that count towards recognising it), in SHEETS order.
_KINDS = tuple((kind, _KEY_HEADER[kind], frozenset({labels.SHARED_RECORD_ID_HEADER} if kind == "shared_records"
                                                   else spec.headers)) for kind, spec in SHEETS.items())
_HEADER_SCAN_ROWS = 30
_COVER_SCAN_ROWS = 12
_COVER_FIELDS = {v: k for k, v in labels.COVER_LABELS.items()}  # 填报单位 -> department
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: Characters of a cell's text that a problem row repeats.
_VALUE_SHOWN = 200
#: Dates further than this from the plan year (the submission month's year) are implausible.
PLAN_YEAR_SLACK = 1
_TOTAL_WORDS = labels.TOTAL_ROW_WORDS
#: Columns whose absence makes a sheet's rows meaningless (error); others only warn.
_REQUIRED_COLUMNS = {"task_id", "status", "date", "activity_type", "decision_no", "decision_date",
                     "total_entities", "collected_entities", "subject"}
#: Pre-filled progress columns: deleting them loses nothing (the ledger has them).
_PREFILLED = {"indicator", "task", "deadline_text"}

#: Field key -> the Chinese header a liaison sees (sheet headers win over generic labels).
FIELD_LABELS: dict[str, str] = {**labels.COLUMN_LABELS,
                                **{f: h for s in SHEETS.values() for f, h in zip(s.fields, s.headers)},
                                **{k: v for k, v in labels.COVER_LABELS.items()}}


_EMPTY: dict[str, pd.DataFrame] = {}
#: Choice key -> its Chinese label, for "read X, taken as Y".
_CHOICE_LABELS = {**labels.STATUS_LABELS, **labels.ACTIVITY_LABELS, **labels.PUBLICITY_CATEGORY_LABELS}


def _frame(name: str, rows: list[dict]) -> pd.DataFrame:
    """Rows (dicts) as a table with the contract's columns and dtypes (dates: datetime -> datetime64)."""
    return _frame_columns(name, {col: [r.get(col) for r in rows] for col in SCHEMAS[name]})


def _frame_columns(name: str, columns: dict[str, list]) -> pd.DataFrame:
    """Column lists (the contract's columns, in order) as a table with the contract's dtypes."""
    import pandas as pd

    if not next(iter(columns.values()), []):
        if name not in _EMPTY:
            from .tables import empty_table

            _EMPTY[name] = empty_table(name)
        return _EMPTY[name].copy()
    cols = {}
    for col, dtype in SCHEMAS[name].items():
        values = columns[col]
        if dtype.startswith("datetime"):
            cols[col] = pd.Series([pd.NaT if v is None else v for v in values]).astype(dtype).array
        elif dtype == "str":
            # Straight to the Arrow-backed array: a Series first, then astype, cost twice as much.
            cols[col] = pd.array(["" if v is None else v for v in values], dtype=dtype)
        else:
            cols[col] = pd.array(values, dtype=dtype)
    return pd.DataFrame(cols)


@dataclass
class Submission:
    """One returned workbook, read: its tables, where it came from, and its problems."""

    file: str
    city: str
    department: str
    month: str
    cover: dict[str, Any]
    progress: pd.DataFrame
    activities: pd.DataFrame
    publicity: pd.DataFrame
    collection: pd.DataFrame
    shared_records: pd.DataFrame
    joint_cases: pd.DataFrame
    problems: pd.DataFrame

    @property
    def n_errors(self) -> int:
        """Number of error rows among the file's problems.

        Example::

            read_submission(Path("2021-06/运管科.xlsx"), ledger, roster).n_errors   # -> 0 for a clean return
        """
        return int((self.problems["severity"] == "error").sum())

    @property
    def n_warnings(self) -> int:
        """Number of warning rows among the file's problems.

        Example::

            sub.n_warnings   # -> 2 when, say, two statuses were typed loosely and read as the nearest word
        """
        return int((self.problems["severity"] == "warning").sum())

    @property
    def readable(self) -> bool:
        """False when the file itself could not be opened (one problem, no tables).

        Example::

            read_submission(Path("encrypted.xlsx"), ledger, roster).readable   # -> False
        """
        return not self.cover.get("unreadable", False)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The file's tables by name (progress, activities, publicity, ...), as the build stacks them.

        Example::

            list(sub.tables)   # -> ['progress', 'activities', 'publicity', 'collection', 'shared_records', 'joint_cases']
        """
        return {k: getattr(self, k) for k in TABLE_KEYS}


# --- reading one file --------------------------------------------------------------------

class _Problems:
    """Collects problem rows for one file."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.rows: list[dict] = []

    def add(self, code: str, expected: str, *, sheet: str = "", cell: str = "", field: str = "",
            value: Any = None, severity: str = "error", fmt: dict[str, Any] | None = None) -> None:
        """One problem row; `fmt` fills the {placeholders} of the problem and expected texts."""
        problem, wanted = labels.PROBLEM_LABELS[code], labels.EXPECTED_LABELS[expected]
        if fmt:
            problem, wanted = problem.format(**fmt), wanted.format(**fmt)
        text = cells.clean_text(value)
        if len(text) > _VALUE_SHOWN:  # the problems table shows where, not a copy of a huge cell
            text = text[:_VALUE_SHOWN] + "…"
        self.rows.append({"file": self.file, "sheet": sheet, "cell": cell, "field": field,
                          "value": text, "problem": problem, "expected": wanted, "severity": severity})


@dataclass
class _Sheet:
    name: str
    rows: list[list[Any]]
    formulas: dict[str, bool]  # A1 -> has a cached value
    errors: dict[str, str] = field(default_factory=dict)  # A1 -> Excel error value (#N/A ...)
    kind: str | None = None
    header_row: int = -1  # 0-based
    columns: dict[int, str] = field(default_factory=dict)  # col -> field key
    cover_rows: set[int] = field(default_factory=set)
    headers: dict[int, list[str]] = field(default_factory=dict)  # row -> its non-blank cells as headers


def _row_headers(sheet: _Sheet, r: int) -> list[str]:
    """Row r's non-blank cells as the headers they would stand for ([] for a blank row).

    Kept per row: header detection and the data rows' repeated-header check ask for the same
    rows."""
    texts = sheet.headers.get(r)
    if texts is None:
        texts = sheet.headers[r] = _headers_of(sheet.rows[r])
    return texts


def _headers_of(row: list) -> list[str]:
    """`cells.norm_header` of the row's non-blank values (`_filled`), in one pass: called on
    most rows of every workbook, so one memoised call a cell says both (`_heading`)."""
    try:
        return [h for v in row if v != "" and (h := (_heading(v) if v.__class__ is not str or len(v) <= _HEADING_KEPT
                                                     else _heading.__wrapped__(v))) is not None]
    except TypeError:  # an unhashable value (never from calamine): the uncached way
        return [cells.norm_header(v) for v in _filled(row)]


#: Longer text is worked out each time, not kept by `_heading`: a template's titles and notes
#: (under 200 characters) are kept, a sender's thousands of long cells would otherwise stay
#: in every worker's memory (at most ~100 MB kept this way).
_HEADING_KEPT = 256


@functools.lru_cache(maxsize=65536, typed=True)
def _heading(value: Any) -> str | None:
    """None for a blank cell, else the header it stands for (`cells.norm_header`)."""
    return None if cells.is_blank(value) else cells._norm_header(value)


def _file_label(path: Path, base_dir: Path | None) -> str:
    """path relative to base_dir (posix, symlinks resolved), else path as given."""
    if base_dir is not None:
        real, base = _real_file(os.fspath(path)), _real_folder(os.fspath(base_dir))
        prefix = base if base.endswith(os.sep) else base + os.sep
        if real.startswith(prefix):
            # A real path is already normal (no "." or doubled separators): only the separators change.
            return real[len(prefix):].replace(os.sep, "/")
    return str(path)


def _real_file(path: str) -> str:
    """os.path.realpath(path), its folder resolved once per process: a file that is not a
    link is its real folder's entry (one lstat, not one per folder above it)."""
    folder, name = os.path.split(path)
    if not folder or name in ("", ".", "..") or os.path.islink(path):
        return os.path.realpath(path)
    return os.path.join(_real_folder(folder), name)


@functools.lru_cache(maxsize=4096)
def _real_folder(folder: str) -> str:
    """A folder's real path, resolved once per process: the base folder every file of a build
    shares, and the hundreds of folders a province's files are read from."""
    return os.path.realpath(folder)


def _member(zf: zipfile.ZipFile, name: str) -> bytes:
    """zf.read(name) for the small parts of a workbook held in memory, inflated in one call.

    zipfile streams a member through ZipExtFile (a Python loop of reads and CRC updates),
    which cost more than inflating it; here the deflated bytes are sliced from the archive
    and inflated at once, and the CRC-32 is checked as zipfile checks it (BadZipFile).
    Anything else (stored, other methods, encrypted, a local header that does not match)
    goes through zipfile, which says what is wrong as before. KeyError: no such member.
    """
    info = zf.getinfo(name)
    data = zf.fp.getbuffer() if isinstance(zf.fp, io.BytesIO) else None
    off = info.header_offset
    if (data is None or info.compress_type != zipfile.ZIP_DEFLATED or info.flag_bits & 0x1
            or bytes(data[off:off + 4]) != b"PK\x03\x04"):
        return _bounded_read(zf, info)
    n_name, n_extra = int.from_bytes(data[off + 26:off + 28], "little"), int.from_bytes(data[off + 28:off + 30], "little")
    start = off + 30 + n_name + n_extra
    raw = data[start:start + info.compress_size]
    if len(raw) != info.compress_size:
        return _bounded_read(zf, info)
    inflate = zlib.decompressobj(-15)
    try:
        # Never more than the size the zip declares: a part that would inflate further (a
        # "zip bomb" declaring a small size) stops here, as damage.
        out = inflate.decompress(raw, info.file_size + 1)
    except zlib.error:
        return _bounded_read(zf, info)  # zipfile raises for the damage, in its words
    if len(out) != info.file_size or inflate.unconsumed_tail or zlib.crc32(out) != info.CRC:
        raise zipfile.BadZipFile(f"Bad CRC-32 for file {name!r}")
    return out


def _bounded_read(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """zipfile's read of a member, never past the size the zip declares for it (BadZipFile)."""
    with zf.open(info) as fh:
        out = fh.read(info.file_size + 1)
    if len(out) != info.file_size:
        raise zipfile.BadZipFile(f"Bad size for file {info.filename!r}")
    if zlib.crc32(out) != info.CRC:
        raise zipfile.BadZipFile(f"Bad CRC-32 for file {info.filename!r}")
    return out


#: The most a returned workbook may unpack to, all its parts together (a month's return is
#: well under 1 MB). A "zip bomb" is refused by the sizes its parts declare, before anything
#: is inflated; a part that inflates past its declared size is damage, here (`_member`) and
#: in calamine ("larger than its declared uncompressed size"): memory never fills.
MAX_UNPACKED_MB = 512


def _check_unpacked(zf: zipfile.ZipFile, probs: "_Problems") -> bool:
    """False, after reporting it, for an archive whose parts declare more than MAX_UNPACKED_MB."""
    total = sum(i.file_size for i in zf.infolist())
    if total > MAX_UNPACKED_MB << 20:
        probs.add("too_large", "unpacked_size", fmt={"size": f"{total / (1 << 20):,.0f}", "limit": MAX_UNPACKED_MB})
        return False
    return True


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its XML part inside the zip."""
    try:
        wb, rels = _member(zf, "xl/workbook.xml"), _member(zf, "xl/_rels/workbook.xml.rels")
        # Memoised only for parts of a normal size: a sender's huge part is not kept.
        parts = _parts_of if len(wb) + len(rels) <= 65536 else _parts_of.__wrapped__
        return dict(parts(wb, rels))
    except (KeyError, ElementTree.ParseError):
        return {}


@functools.lru_cache(maxsize=256)
def _parts_of(workbook_xml: bytes, rels_xml: bytes) -> tuple[tuple[str, str], ...]:
    """(sheet name, part) pairs from the two parts' bytes. Memoised on the bytes: files made
    from one template share them, and parsing them was a tenth of a file's Python work."""
    wb = ElementTree.fromstring(workbook_xml)
    rels = ElementTree.fromstring(rels_xml)
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    out = {}
    for el in wb.iter():
        if el.tag.endswith("}sheet") or el.tag == "sheet":
            rid = next((v for k, v in el.attrib.items() if k.endswith("}id")), None)
            target = targets.get(rid, "")
            if target:
                part = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
                out[el.get("name", "")] = part
    return tuple(out.items())


_HAS_F = re.compile(rb"<(?:\w+:)?f[\s>/]")
_F_HINT = re.compile(rb"f[\s>/]")  # what every _HAS_F match contains
_CELL = re.compile(rb"<(?:\w+:)?c\s([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]+[0-9]+)"')
_HAS_V = re.compile(rb"<(?:\w+:)?v(?:\s[^>]*)?>[^<]+</")
_IS_ERROR = re.compile(rb'\bt="e"')
_V_TEXT = re.compile(rb"<(?:\w+:)?v(?:\s[^>]*)?>([^<]+)</")


def _formula_cells(zf: zipfile.ZipFile, part: str) -> tuple[dict[str, bool], dict[str, str]]:
    """For one sheet part: A1 -> whether a cached value was saved, for every formula cell;
    and A1 -> the error value (#N/A, #DIV/0! ...) of every error cell (calamine reads those as '')."""
    try:
        xml = _member(zf, part)
    except KeyError:
        return {}, {}
    # Cheap tests first, each true of every match of the exact pattern after it: every
    # _HAS_F match holds "f" + [\s>/] (a literal-led search, ~4x faster than _HAS_F's
    # "<" + optional prefix tried at every tag); every _IS_ERROR match holds 't="e"'
    # (_IS_ERROR's leading \b makes the engine try every byte). A sheet with neither
    # costs two fast scans; one that passes gets the exact answer.
    has_f = _F_HINT.search(xml) and _HAS_F.search(xml)
    has_e = b't="e"' in xml and _IS_ERROR.search(xml)
    if not has_f and not has_e:
        return {}, {}
    formulas, errors = {}, {}
    for m in _CELL.finditer(xml):
        attrs, body = m.group(1), m.group(2)
        is_f = bool(body and _HAS_F.search(body))
        is_e = bool(_IS_ERROR.search(attrs))
        if not is_f and not is_e:
            continue
        ref = _REF.search(attrs)
        if not ref:
            continue
        a1 = ref.group(1).decode()
        if is_e:
            v = _V_TEXT.search(body or b"")
            errors[a1] = v.group(1).decode("utf-8", "replace") if v else "#VALUE!"
        elif is_f:
            formulas[a1] = bool(_HAS_V.search(body))
    return formulas, errors


def _xls_cells(data: bytes) -> tuple[dict[str, dict[str, bool]], dict[str, dict[str, str]]] | None:
    """Formula and error cells of every sheet of an .xls (as `_ods_cells`); None when encrypted.

    xlrd reads BIFF as written by Excel, WPS and LibreOffice and reports the FILEPASS record
    of a password-protected file (which calamine, reading from memory, takes for an unknown
    format). Error cells are xlrd's (calamine reads them as ''); formula cells are its
    FORMULA records (`_biff_formulas`), which neither library reports. Anything xlrd cannot
    read is left to calamine to judge.
    """
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
    except xlrd.XLRDError as exc:
        return None if "encrypted" in str(exc).lower() else ({}, {})
    except Exception:  # noqa: BLE001 - damage is reported by the calamine read that follows
        return {}, {}
    formulas: dict[str, dict[str, bool]] = {}
    errors: dict[str, dict[str, str]] = {}
    try:
        sheets = book.sheets()
        for sh in sheets:
            for r in range(sh.nrows):
                for c, kind in enumerate(sh.row_types(r)):
                    if kind == xlrd.XL_CELL_ERROR:
                        code = sh.cell_value(r, c)
                        errors.setdefault(sh.name, {})[cells.a1(r, c)] = xlrd.error_text_from_code.get(code, "#VALUE!")
        try:  # xlrd's own record positions: without them no formula is flagged, nothing else lost
            positions = book._sh_abs_posn if book.biff_version >= 50 else []
            for sh, start in zip(sheets, positions):
                # An error value is said as such, as in .xlsx (a formula that fails is an error cell).
                kept = {a1: True for a1 in _biff_formulas(book.mem, start) if a1 not in errors.get(sh.name, {})}
                if kept:
                    formulas[sh.name] = kept
        except Exception:  # noqa: BLE001
            pass
    except Exception:  # noqa: BLE001
        return formulas, errors
    finally:
        book.release_resources()
    return formulas, errors


#: BIFF record types: FORMULA (BIFF2, 3, 4 and 5–8), BOF (each version) and EOF.
_BIFF_FORMULA = frozenset({0x0006, 0x0206, 0x0406})
_BIFF_BOF = frozenset({0x0009, 0x0209, 0x0409, 0x0809})
_BIFF_EOF = 0x000A


def _biff_formulas(mem: bytes, start: int) -> list[str]:
    """A1 of every FORMULA record of the worksheet substream whose BOF is at `start` (a shared
    or array formula has one at each of its cells; a chart inside the sheet is skipped). BIFF
    always saves a formula's result with it: every one has a cached value.

    >>> import struct
    >>> rec = lambda rc, body: struct.pack("<HH", rc, len(body)) + body
    >>> _biff_formulas(rec(0x0809, b"\\0" * 16) + rec(0x0006, struct.pack("<HH", 4, 2) + bytes(16)) + rec(0x000A, b""), 0)
    ['C5']
    """
    out, depth, pos, end = [], 0, start, len(mem)
    while pos + 4 <= end:
        rc, size = struct.unpack_from("<HH", mem, pos)
        if pos + 4 + size > end:
            break  # a record cut short: what came before it stands
        if rc in _BIFF_BOF:
            depth += 1
        elif rc == _BIFF_EOF:
            depth -= 1
            if depth <= 0:
                break
        elif rc in _BIFF_FORMULA and depth == 1 and size >= 4:
            row, col = struct.unpack_from("<HH", mem, pos + 4)
            out.append(cells.a1(row, col))
        pos += 4 + size
    return out


_ODS_NS = {"table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
           "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
           "calcext": "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0",
           "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0"}


def _ods_cells(zf: zipfile.ZipFile) -> tuple[dict[str, dict[str, bool]], dict[str, dict[str, str]]]:
    """Formula and error cells of every sheet of an .ods (as `_formula_cells` for one .xlsx sheet)."""
    t, o, c = (f"{{{_ODS_NS[k]}}}" for k in ("table", "office", "calcext"))
    formulas: dict[str, dict[str, bool]] = {}
    errors: dict[str, dict[str, str]] = {}
    sheet, row, col = "", -1, 0
    with zf.open("content.xml") as fh:
        for event, el in ElementTree.iterparse(fh, events=("start", "end")):
            tag = el.tag
            if event == "start":
                if tag == f"{t}table":
                    sheet, row = el.get(f"{t}name", ""), -1
                elif tag == f"{t}table-row":
                    row, col = row + 1, 0
                continue
            if tag == f"{t}table-row":
                row += int(el.get(f"{t}number-rows-repeated", "1")) - 1
                el.clear()
            elif tag in (f"{t}table-cell", f"{t}covered-table-cell"):
                ref = cells.a1(row, col)
                if el.get(f"{c}value-type") == "error":
                    errors.setdefault(sheet, {})[ref] = "".join(el.itertext()).strip() or "#VALUE!"
                elif el.get(f"{t}formula") is not None:
                    formulas.setdefault(sheet, {})[ref] = el.get(f"{o}value-type") is not None
                col += int(el.get(f"{t}number-columns-repeated", "1"))
                el.clear()
    return formulas, errors


def _open(data: bytes, probs: _Problems) -> list[_Sheet] | None:
    """The sheets of a workbook held in memory, or None after reporting why it can't be read.

    Reads .xlsx/.xlsm (zip with xl/workbook.xml), .ods (zip with content.xml) and .xls (an
    OLE2 container), whatever the file's name says. An encrypted file is recognised in every
    form: OOXML encrypted by Excel or WPS is an OLE2 container holding the streams
    EncryptionInfo and EncryptedPackage; an encrypted .xls (FILEPASS record) or .ods
    (manifest encryption-data) makes calamine raise PasswordError.
    """
    from python_calamine import CalamineWorkbook, PasswordError

    if not data:
        probs.add("file_empty", "xlsx")
        return None
    formulas: dict[str, dict[str, bool]] = {}
    errors: dict[str, dict[str, str]] = {}
    if data[:8] == _OLE2:
        if "EncryptionInfo".encode("utf-16-le") in data or "EncryptedPackage".encode("utf-16-le") in data:
            probs.add("encrypted", "no_password")
            return None
        xls = _xls_cells(data)
        if xls is None:
            probs.add("encrypted", "no_password")
            return None
        formulas, errors = xls
    elif data[:4] != b"PK\x03\x04":
        probs.add("not_a_workbook", "xlsx")
        return None
    else:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
                if not _check_unpacked(zf, probs):
                    return None
                if "xl/workbook.xml" in names:
                    if "xl/vbaProject.bin" in names:
                        probs.add("macros", "xlsx", severity="warning")
                    for n, p in _sheet_parts(zf).items():
                        formulas[n], errors[n] = _formula_cells(zf, p)
                elif "mimetype" in names and b"opendocument.spreadsheet" in zf.read("mimetype"):
                    manifest = zf.read("META-INF/manifest.xml") if "META-INF/manifest.xml" in names else b""
                    if b"encryption-data" in manifest:
                        probs.add("encrypted", "no_password")
                        return None
                    formulas, errors = _ods_cells(zf)
                else:
                    probs.add("not_a_workbook", "xlsx")
                    return None
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError,
                ElementTree.ParseError):
            probs.add("corrupt", "xlsx")
            return None
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = [_Sheet(n, wb.get_sheet_by_name(n).to_python(skip_empty_area=False), formulas.get(n, {}),
                         errors.get(n, {}))
                  for n in wb.sheet_names]
    except PasswordError:
        probs.add("encrypted", "no_password")
        return None
    except Exception:  # calamine raises its own error types for every kind of damage
        probs.add("corrupt", "xlsx")
        return None
    if not any(not cells.is_blank(v) for s in sheets for r in s.rows for v in r) and not any(
            s.formulas or s.errors for s in sheets):
        probs.add("workbook_empty", "xlsx")
        return None
    return sheets


def _classify(sheet: _Sheet) -> None:
    """Find the header row and kind of a sheet from its headers."""
    best: tuple[float, int, int] | None = None
    for r in range(min(len(sheet.rows), _HEADER_SCAN_ROWS)):
        heads = set(_row_headers(sheet, r))
        if len(heads) < 2:
            continue
        for kind, key, known in _KINDS:
            if key not in heads:
                continue
            matched = len(heads & known)
            score = (matched / len(known), matched, -r)
            if best is None or score > best[:3]:
                best = (*score, r, kind)  # type: ignore[assignment]
    if best is None:
        return
    r, kind = best[3], best[4]  # type: ignore[misc]
    sheet.kind, sheet.header_row = kind, r
    spec = SHEETS[kind]
    header = sheet.rows[r]
    if kind == "shared_records":
        for c, v in enumerate(header):
            if cells.is_blank(v):
                continue
            if cells.norm_header(v) == labels.SHARED_RECORD_ID_HEADER and "record_id" not in sheet.columns.values():
                sheet.columns[c] = "record_id"
            else:
                sheet.columns[c] = f"indicator:{cells.clean_text(v)}"
        return
    by_header = dict(zip(spec.headers, spec.fields))
    for c, v in enumerate(header):
        f = by_header.get(cells.norm_header(v))
        if f and f not in sheet.columns.values():
            sheet.columns[c] = f


@functools.lru_cache(maxsize=16384)
def _cover_label(v: str) -> tuple[str | None, str | None]:
    """(cover field, text after a colon or None) a short cell's text names; field None if none.

    Memoised: a template repeats the same few dozen texts in every file."""
    text = cells.nfkc(v).strip()
    label, inline = text, None
    if ":" in text:
        label, inline = text.split(":", 1)
    return _COVER_FIELDS.get(cells.norm_header(label)), inline


def _find_cover(sheets: list[_Sheet]) -> dict[str, tuple[Any, str, str]]:
    """Cover field -> (raw value, sheet, A1 of the value) for the first occurrence of each label."""
    found: dict[str, tuple[Any, str, str]] = {}
    for s in sheets:
        n = len(s.rows)
        if s.kind is None:
            scan = range(n)
        else:
            head = range(min(n, max(s.header_row, _COVER_SCAN_ROWS)))
            scan = sorted(set(head) | set(range(max(0, n - 5), n)))
        for r in scan:
            row = s.rows[r]
            # The row's cells that read as a cover label, found in one pass (most rows have none).
            labelled = [(c, v, *label) for c, v in enumerate(row)
                        if isinstance(v, str) and 0 < len(v) <= 40 and (label := _cover_label(v))[0] is not None]
            for c, v, fld, inline in labelled:
                s.cover_rows.add(r)
                if fld in found:
                    continue
                if inline is not None and not cells.is_blank(inline):
                    found[fld] = (inline.strip(), s.name, cells.a1(r, c))
                    continue
                value, ref = None, cells.a1(r, c + 1)
                for c2 in range(c + 1, min(len(row), c + 4)):
                    v2 = row[c2]
                    if cells.is_blank(v2):
                        continue
                    if isinstance(v2, str) and _COVER_FIELDS.get(cells.norm_header(cells.nfkc(v2).split(":")[0])):
                        break
                    value, ref = v2, cells.a1(r, c2)
                    break
                found[fld] = (value, s.name, ref)
    return found


def _path_identity(path: Path) -> tuple[str, str | None, str | None]:
    """(department text, month, city) as the file path states them."""
    dept, month = _stem_identity(path.stem)
    for parent in path.parts[-3:-1][::-1]:
        month = month or cells.month_in_text(parent)
    parts = path.parts
    city = None
    if "submissions" in parts:
        rest = parts[len(parts) - parts[::-1].index("submissions"):]
        if len(rest) == 3 and cells.month_in_text(rest[1]):
            city = rest[0]
    return dept, month, city


@functools.lru_cache(maxsize=4096)
def _stem_identity(stem: str) -> tuple[str, str | None]:
    """(department text, month) a file name states. Memoised: a province's thousands of
    returns carry a few dozen names (each department's, month after month)."""
    stem = cells.nfkc(stem)
    month = cells.month_in_text(stem)
    dept = cells._YM_ANYWHERE.sub("", stem)
    # A resubmission's copy suffix (运管科_v2, 运管科(1)) is not part of the name.
    dept = re.sub(r"(?i)[_\-\s]*(?:v\d+|\(\d+\))$", "", dept)
    # ... and neither is a note in brackets at its end (运管科(更正), 运管科【修改版】).
    dept = re.sub(r"[(（\[【][^)）\]】]*[)）\]】]$", "", dept) or dept
    return re.sub(r"[\s_\-—.()（）\[\]【】]+", "", dept), month


def _resolve_department(raw: str, roster) -> str | None:
    if roster is None:
        return cells.norm_key(raw) or None
    canonical = roster.resolve(raw)
    if canonical is None or (hasattr(roster, "is_collective") and roster.is_collective(canonical)):
        return None
    return canonical


def _filled(row: list) -> list:
    """The row's non-blank values, in order ('' and None, most cells of a template, skipped first)."""
    return [v for v in row if v != "" and v is not None and not cells.is_blank(v)]


class _Reader:
    """Reads the data rows of the recognised sheets of one file."""

    def __init__(self, file: str, month: str, probs: _Problems, ledger_ids: set[str] | None,
                 received: date | None = None) -> None:
        self.file, self.month, self.probs, self.ledger_ids = file, month, probs, ledger_ids
        self.received = received
        year = int(month[:4]) if cells.MONTH_RE.match(month or "") else None
        self.years = (year - PLAN_YEAR_SLACK, year + PLAN_YEAR_SLACK) if year else None
        self.out: dict[str, list[dict]] = {k: [] for k in TABLE_KEYS}
        self.seen_tasks: dict[str, str] = {}

    def read(self, sheet: _Sheet) -> None:
        spec = SHEETS[sheet.kind]
        header_keys = set(_row_headers(sheet, sheet.header_row))
        self._unknown_columns(sheet, spec)
        handle = getattr(self, f"_{sheet.kind}")
        columns = list(sheet.columns.items())
        for r in range(sheet.header_row + 1, len(sheet.rows)):
            if r in sheet.cover_rows:
                continue
            texts = _row_headers(sheet, r)
            if not texts:
                continue  # a blank row
            row = sheet.rows[r]
            if len(texts) >= 2 and len(set(texts) & header_keys) >= 2:
                continue  # the header repeated (a pasted second block)
            if texts and texts[0] in _TOTAL_WORDS:
                continue
            n = len(row)
            values = {f: (row[c] if c < n else None, c) for c, f in columns}
            for f, (v, c) in values.items():
                if isinstance(v, str) and len(v) > EXCEL_CELL_LIMIT:
                    self.probs.add("text_too_long", "cell_limit", sheet=sheet.name, cell=cells.a1(r, c),
                                   field="" if f.startswith("indicator:") else f, value=v, severity="warning")
            handle(sheet, r, values)

    def _unknown_columns(self, sheet: _Sheet, spec: SheetSpec) -> None:
        if sheet.kind != "shared_records":
            for h, f in zip(spec.headers, spec.fields):
                if f in sheet.columns.values() or f in _PREFILLED:
                    continue
                self.probs.add("column_missing", "template_sheet", sheet=sheet.name,
                               cell=cells.a1(sheet.header_row, 0), field=f, value=h,
                               severity="error" if f in _REQUIRED_COLUMNS else "warning")
        width = max((len(r) for r in sheet.rows), default=0)
        for c in range(width):
            if c in sheet.columns:
                continue
            has_data = any(c < len(row) and not cells.is_blank(row[c])
                           for r, row in enumerate(sheet.rows[sheet.header_row + 1:], sheet.header_row + 1)
                           if r not in sheet.cover_rows)
            if has_data:
                head = sheet.rows[sheet.header_row][c] if c < len(sheet.rows[sheet.header_row]) else None
                self.probs.add("column_unknown", "template_sheet", sheet=sheet.name,
                               cell=cells.a1(sheet.header_row, c), value=head, severity="warning")

    # helpers: each returns the clean value and reports a problem when there is one
    def _p(self, parsed: cells.Parsed, sheet: _Sheet, r: int, c: int, field: str, raw: Any, expected: str) -> Any:
        if parsed.problem:
            fmt = None
            if parsed.problem.endswith("_guessed"):  # say what was read and what it was taken as
                fmt = {"value": cells.clean_text(raw), "taken": _CHOICE_LABELS.get(parsed.value, parsed.value)}
            self.probs.add(parsed.problem, expected, sheet=sheet.name, cell=cells.a1(r, c), field=field,
                           value=raw, severity=parsed.severity, fmt=fmt)
        return parsed.value

    def _date(self, sheet, r, values, field) -> datetime | None:
        raw, c = values.get(field, (None, 0))
        value = self._p(cells.parse_date(raw, self.month), sheet, r, c, field, raw, "date")
        if value is not None:
            self._plausible(value, sheet, r, c, field, raw)
        return value

    def _plausible(self, value: datetime, sheet, r: int, c: int, field: str, raw: Any) -> None:
        """Warn about a date far from the plan year, or later than the file was received (kept)."""
        where = {"sheet": sheet.name, "cell": cells.a1(r, c), "field": field, "value": raw, "severity": "warning"}
        if self.years and not self.years[0] <= value.year <= self.years[1]:
            self.probs.add("date_implausible", "plan_year", **where,
                           fmt={"first": f"{self.years[0]}-01-01", "last": f"{self.years[1]}-12-31"})
        elif self.received is not None and value.date() > self.received:
            self.probs.add("date_after_receipt", "before_receipt", **where,
                           fmt={"received": self.received.isoformat()})

    def _int(self, sheet, r, values, field) -> int | None:
        raw, c = values.get(field, (None, 0))
        return self._p(cells.parse_int(raw), sheet, r, c, field, raw, "integer")

    def _text(self, values, field) -> str:
        return cells.clean_text(values.get(field, (None, 0))[0])

    def _missing(self, sheet, r, values, field, expected, severity="error", code="missing_value") -> None:
        c = values.get(field, (None, 0))[1]
        if cells.a1(r, c) in sheet.errors:
            return  # not blank: an error value, reported as such at the cell
        self.probs.add(code, expected, sheet=sheet.name, cell=cells.a1(r, c), field=field,
                       severity=severity)

    def _base(self, r: int) -> dict:
        return {"file": self.file, "row": r + 1}

    def _progress(self, sheet, r, values) -> None:
        raw_id, c_id = values.get("task_id", (None, 0))
        task_id = cells.normalise_task_id(raw_id) if not cells.is_blank(raw_id) else ""
        inputs = ("status", "completion_date", "progress_note", "evidence", "issues")
        if not task_id:
            if all(cells.is_blank(values.get(f, (None, 0))[0]) for f in inputs):
                return  # a row with only pre-filled text and no id: nothing reported on it
            self.probs.add("missing_task_id", "task_id", sheet=sheet.name, cell=cells.a1(r, c_id), field="task_id")
        elif self.ledger_ids is not None and task_id not in self.ledger_ids:
            self.probs.add("unknown_task", "task_id", sheet=sheet.name, cell=cells.a1(r, c_id), field="task_id",
                           value=raw_id)
        if task_id and task_id in self.seen_tasks:
            self.probs.add("duplicate_task", "unique", sheet=sheet.name, cell=cells.a1(r, c_id), field="task_id",
                           value=raw_id, severity="warning")
        if task_id:
            self.seen_tasks.setdefault(task_id, cells.a1(r, c_id))
        raw_status, c_st = values.get("status", (None, 0))
        status = self._p(cells.parse_status(raw_status), sheet, r, c_st, "status", raw_status, "status")
        if cells.is_blank(raw_status):
            self._missing(sheet, r, values, "status", "status", severity="warning")
        done_on = self._date(sheet, r, values, "completion_date")
        if done_on is not None and cells.date_after_month(done_on, self.month):
            raw, c = values["completion_date"]
            self.probs.add("date_after_month", "in_month", sheet=sheet.name, cell=cells.a1(r, c),
                           field="completion_date", value=raw, severity="warning")
        if status == "done" and done_on is None and cells.is_blank(values.get("completion_date", (None, 0))[0]):
            self._missing(sheet, r, values, "completion_date", "completion_date", severity="warning")
        self.out["progress"].append({
            "task_id": task_id, "status": status or "", "completion_date": done_on,
            "progress_note": self._text(values, "progress_note"), "evidence": self._text(values, "evidence"),
            "issues": self._text(values, "issues"), **self._base(r)})

    def _activities(self, sheet, r, values) -> None:
        d = self._date(sheet, r, values, "date")
        if d is None and cells.is_blank(values.get("date", (None, 0))[0]):
            self._missing(sheet, r, values, "date", "date", severity="warning")
        elif d is not None and cells.date_in_month(d, self.month) is False:
            raw, c = values["date"]
            self.probs.add("date_outside_month", "in_month", sheet=sheet.name, cell=cells.a1(r, c), field="date",
                           value=raw, severity="warning")
        raw_t, c_t = values.get("activity_type", (None, 0))
        kind = self._p(cells.parse_activity(raw_t), sheet, r, c_t, "activity_type", raw_t, "activity")
        if cells.is_blank(raw_t):
            self._missing(sheet, r, values, "activity_type", "activity")
        n = self._int(sheet, r, values, "count")
        if cells.is_blank(values.get("count", (None, 0))[0]):
            self._missing(sheet, r, values, "count", "integer", severity="warning")
        self.out["activities"].append({"date": d, "activity_type": kind or "", "count": n,
                                       "note": self._text(values, "note"), **self._base(r)})

    def _publicity(self, sheet, r, values) -> None:
        no = self._text(values, "decision_no")
        if not no:
            self._missing(sheet, r, values, "decision_no", "filled")
        raw_c, c_c = values.get("category", (None, 0))
        cat = self._p(cells.parse_category(raw_c), sheet, r, c_c, "category", raw_c, "category")
        if cells.is_blank(raw_c):
            self._missing(sheet, r, values, "category", "category")
        decided = self._date(sheet, r, values, "decision_date")
        if decided is None and cells.is_blank(values.get("decision_date", (None, 0))[0]):
            self._missing(sheet, r, values, "decision_date", "date")
        published = self._date(sheet, r, values, "publish_date")
        if published is None and cells.is_blank(values.get("publish_date", (None, 0))[0]):
            # Blank may be honest (not published yet, its deadline still ahead): the build
            # keeps this warning only where the deadline had passed when the file arrived.
            if decided is None:
                self._missing(sheet, r, values, "publish_date", "date", severity="warning")
            else:
                self._missing(sheet, r, values, "publish_date", "publish_or_pending", severity="warning",
                              code="publish_date_blank")
        if decided is not None and published is not None and published < decided:
            raw, c = values["publish_date"]
            self.probs.add("publish_before_decision", "after_decision", sheet=sheet.name, cell=cells.a1(r, c),
                           field="publish_date", value=raw)
        self.out["publicity"].append({"decision_no": no, "category": cat or "", "decision_date": decided,
                                      "publish_date": published, **self._base(r)})

    def _collection(self, sheet, r, values) -> None:
        name = self._text(values, "field")
        if not name:
            self._missing(sheet, r, values, "field", "filled", severity="warning")
        total = self._int(sheet, r, values, "total_entities")
        got = self._int(sheet, r, values, "collected_entities")
        for f, v in (("total_entities", total), ("collected_entities", got)):
            if v is None and cells.is_blank(values.get(f, (None, 0))[0]):
                self._missing(sheet, r, values, f, "integer")
        if total is not None and got is not None and got > total:
            raw, c = values["collected_entities"]
            self.probs.add("collected_exceeds_total", "le_total", sheet=sheet.name, cell=cells.a1(r, c),
                           field="collected_entities", value=raw)
        self.out["collection"].append({"field": name, "total_entities": total, "collected_entities": got,
                                       **self._base(r)})

    def _shared_records(self, sheet, r, values) -> None:
        indicators = [v for f, (v, _) in values.items() if f.startswith("indicator:")]
        rid = self._text(values, "record_id")
        if not rid:
            self._missing(sheet, r, values, "record_id", "filled", severity="warning")
        n = len(indicators)
        filled = sum(not cells.is_blank(v) for v in indicators)
        self.out["shared_records"].append({"record_id": rid, "n_indicators": n, "n_filled": filled,
                                           "filled_ratio": filled / n if n else 0.0, **self._base(r)})

    def _joint_cases(self, sheet, r, values) -> None:
        subject = self._text(values, "subject")
        if not subject:
            self._missing(sheet, r, values, "subject", "filled")
        when = self._date(sheet, r, values, "executed_on")
        if when is None and cells.is_blank(values.get("executed_on", (None, 0))[0]):
            self._missing(sheet, r, values, "executed_on", "date", severity="warning")
        self.out["joint_cases"].append({"subject": subject, "measure": self._text(values, "measure"),
                                        "executing_dept": self._text(values, "executing_dept"),
                                        "executed_on": when, "matter": self._text(values, "matter"),
                                        **self._base(r)})


@dataclass
class _Raw:
    """One file read into plain rows, before any DataFrame is built (cheap to batch)."""

    file: str
    city: str
    department: str
    month: str
    cover: dict[str, Any]
    rows: dict[str, list[dict]]  # table name -> rows, problems included
    checksum: str = ""  # sha256 of the bytes read ("" when the file could not be read)


def _read_rows(path: Path | str, ledger_ids: set[str] | None, roster, base_dir: Path | None,
               city: str | None, received_at: datetime | None = None, *,
               data: bytes | None = None, label: str | None = None, checksum: str | None = None) -> _Raw:
    """One file read into plain rows. data/label/checksum: the file's bytes, label and their
    sha256, when the caller has them."""
    path = Path(path)
    label = label if label is not None else _file_label(path, base_dir)
    probs = _Problems(label)
    path_dept, path_month, path_city = _path_identity(path)
    city = city or path_city or default_city()
    if data is None:
        try:
            data = path.read_bytes()
        except FileNotFoundError:  # found by the build, gone when it came to be read
            probs.add("file_gone", "xlsx")
        except OSError:
            probs.add("not_a_workbook", "xlsx")
    sheets = _open(data, probs) if data is not None else None
    cover: dict[str, Any] = {"filled_by": "", "filled_on": None, "unreadable": sheets is None}
    reader = None
    if sheets is not None:
        for s in sheets:
            _classify(s)
        found = _find_cover(sheets)
        department, month = _identity(found, path_dept, path_month, roster, probs, cover)
        received = _day(received_at)
        reader = _Reader(label, month, probs, ledger_ids, received)
        kinds_seen: dict[str, str] = {}
        for s in sheets:
            if s.kind is None:
                if not s.cover_rows and any(not cells.is_blank(v) for row in s.rows for v in row):
                    probs.add("sheet_unknown", "template_sheet", sheet=s.name, severity="warning")
                continue
            if s.kind in kinds_seen:
                probs.add("duplicate_sheet", "template_sheet", sheet=s.name, value=kinds_seen[s.kind],
                          severity="warning")
            kinds_seen.setdefault(s.kind, s.name)
            reader.read(s)
        if "progress" not in kinds_seen:
            probs.add("sheet_missing", "template_sheet", value=labels.SHEET_PROGRESS)
        for s in sheets:
            for ref, cached in sorted(s.formulas.items(), key=lambda kv: cells.from_a1(kv[0])):
                r, c = cells.from_a1(ref)
                raw = s.rows[r][c] if r < len(s.rows) and c < len(s.rows[r]) else None
                f = s.columns.get(c, "") if r > s.header_row else ""
                probs.add("formula" if cached else "formula_no_value", "values", sheet=s.name, cell=ref,
                          field="" if f.startswith("indicator:") else f, value=raw, severity="warning")
            # calamine reads an error cell as empty: say so at the cell, with the error's text.
            for ref, text in sorted(s.errors.items(), key=lambda kv: cells.from_a1(kv[0])):
                r, c = cells.from_a1(ref)
                f = s.columns.get(c, "") if r > s.header_row else ""
                probs.add("excel_error", "no_error", sheet=s.name, cell=ref,
                          field="" if f.startswith("indicator:") else f, value=text, severity="warning")
    else:
        department = (_resolve_department(path_dept, roster) or path_dept) if path_dept else ""
        month = path_month or ""
    key = {"city": city, "department": department, "month": month}
    rows = {k: [{**key, **row} for row in reader.out[k]] if reader else [] for k in TABLE_KEYS}
    rows["problems"] = [{**row, **key} for row in probs.rows]
    cover.update({"department": department, "month": month})
    if data is not None and checksum is None:
        checksum = hashlib.sha256(data).hexdigest()
    return _Raw(label, city, department, month, cover, rows, checksum or "")


def _day(when: Any) -> date | None:
    """The day of a receipt time (a datetime, a pandas Timestamp, or text pandas reads as one)."""
    if when is None:
        return None
    if isinstance(when, datetime):  # pandas' Timestamp too (NaT gives NaT, as it always did)
        return when.date()
    if isinstance(when, date):
        return when
    import pandas as pd

    return pd.Timestamp(when).date()


def _ledger_ids(ledger: pd.DataFrame | set[str] | None) -> set[str] | None:
    """The task ids returns are checked against: the ledger table's, or the ids themselves."""
    if ledger is None or isinstance(ledger, (set, frozenset)):
        return ledger
    return set(ledger["task_id"].astype(str))


def project_roster() -> Any:
    """The roster of the project the user works in (data/raw/departments.csv), or None.

    Found from the working directory like every other default path (`config.raw_dir`), so
    `read_submission(path)` in a JupyterLab notebook resolves aliases as the build does.

    >>> project_roster().departments[:2]
    ['法规科', '办公室']
    """
    from .roster import load_roster

    path = config.raw_dir() / "departments.csv"
    if not path.is_file():
        return None
    try:
        return load_roster(config.raw_dir())
    except (OSError, ValueError):
        return None


def _roster(roster: Any) -> Any:
    """None -> the project's roster when one is there; False -> no roster at all."""
    if roster is None:
        return project_roster()
    return None if roster is False else roster


def read_submission(path: Path | str, ledger: pd.DataFrame | None = None, roster=None, *,
                    base_dir: Path | None = None, city: str | None = None,
                    received_at: datetime | None = None) -> Submission:
    """Read one returned workbook; never raises for a bad file (see the module docstring).

    ledger: when given, task ids not in it are reported. roster (`ledgerlib.roster.Roster`):
    department aliases resolve to canonical names and unknown ones are reported; when not
    given, the project's roster (data/raw/departments.csv) is used if there is one, and
    `roster=False` reads with none. base_dir: `file` is the path relative to it (posix).
    city: default from the path (`submissions/<city>/<YYYY-MM>/…`), else
    bureau.toml's city (`bureau.default_city`). received_at: when the file arrived; dates after it are warned about.

    >>> sub = read_submission("data/raw/submissions/2021-06/运管科.xlsx")  # doctest: +SKIP
    >>> sub.department, sub.month, len(sub.progress)  # doctest: +SKIP
    ('运管科', '2021-06', 4)
    """
    raw = _read_rows(path, _ledger_ids(ledger), _roster(roster), base_dir, city, received_at)
    frames = {k: _frame(k, v) for k, v in raw.rows.items()}
    return Submission(file=raw.file, city=raw.city, department=raw.department, month=raw.month,
                      cover=raw.cover, **frames)


@dataclass
class SubmissionBatch:
    """Many files read at once: one DataFrame per table over all files, plus per-file facts.

    `files` has one row per file: file, city, department, month, filled_by, filled_on,
    readable, n_errors, n_warnings, checksum (sha256 of the bytes read).
    """

    files: pd.DataFrame
    tables: dict[str, pd.DataFrame]


def read_submissions(paths: Iterable[Path | str], ledger: pd.DataFrame | set[str] | None = None, roster=None, *,
                     base_dir: Path | None = None, city: str | None = None,
                     received_at: dict[str, datetime] | None = None,
                     cache: Any = None) -> SubmissionBatch:
    """`read_submission` over many files, building each table once (the fast path for a build).

    received_at: {str(path): when it arrived} for the files whose receipt is known.
    ledger: the ledger table, or just its task ids (a set), to report unknown task ids.
    cache: a `readcache.ReaderCache`; a file whose read it keeps (same bytes, same reader,
    ledger and roster) is not read again, and every file read is put into it.

    Example::

        batch = read_submissions(sorted(Path("data/raw/submissions/2021-06").glob("*.xlsx")), ledger, roster)
        batch.problems   # every problem row of every file
    """
    import pandas as pd

    facts, columns = read_columns(paths, ledger, roster, base_dir=base_dir, city=city,
                                  received_at=received_at, cache=cache)
    files = pd.DataFrame(facts, columns=_FILE_FACTS)
    files["filled_on"] = pd.to_datetime(files["filled_on"]).astype("datetime64[us]")
    return SubmissionBatch(files, {k: _frame_columns(k, v) for k, v in columns.items()})


def read_columns(paths: Iterable[Path | str], ledger: pd.DataFrame | set[str] | None = None, roster=None, *,
                 base_dir: Path | None = None, city: str | None = None,
                 received_at: dict[str, datetime] | None = None, cache: Any = None,
                 known: dict[str, ReadBytes] | None = None,
                 ) -> tuple[list[dict[str, Any]], dict[str, dict[str, list]]]:
    """`read_submissions` without pandas: one dict of facts per file (the columns of
    `SubmissionBatch.files`, filled_on a datetime or None) and, per table, its columns as lists
    (every table, the contract's columns in order; a table no file filled has empty lists).
    known: {str(path): ReadBytes} of files the caller has already read and hashed.

    Example::

        facts, columns = read_columns(paths, ids, roster)
        facts[0]["n_errors"], len(columns["progress"]["task_id"])
    """
    ids = _ledger_ids(ledger)
    roster = _roster(roster)
    received_at, known = received_at or {}, known or {}
    # Column lists per table, file after file: a cached file's columns are appended as kept.
    columns: dict[str, dict[str, list]] = {k: {c: [] for c in SCHEMAS[k]} for k in SCHEMAS}
    facts = []
    for p in paths:
        when = received_at.get(str(p))
        read = (_read_cached(Path(p), ids, roster, base_dir, city, when, cache, known.get(str(p)))
                if cache is not None else None)
        if read is None:
            fact, cols = _fact_and_columns(_read_rows(p, ids, roster, base_dir, city, when))
        else:
            fact, cols = read
        facts.append(fact)
        for k, table in cols.items():
            target = columns[k]
            for c, values in table.items():
                target[c].extend(values)
    return facts, columns


#: The datetime columns of each table: kept in the reader cache as ISO text.
_DATE_COLUMNS = {k: [c for c, t in cols.items() if t.startswith("datetime")] for k, cols in SCHEMAS.items()}


def _fact_and_columns(raw: _Raw, columns: bool = True) -> tuple[dict[str, Any], dict[str, dict[str, list]]]:
    """One file's row of `SubmissionBatch.files` and its tables as column lists (contract columns;
    {} when columns is False)."""
    sev = [r["severity"] for r in raw.rows["problems"]]
    fact = {"file": raw.file, "city": raw.city, "department": raw.department, "month": raw.month,
            "filled_by": raw.cover["filled_by"], "filled_on": raw.cover["filled_on"],
            "readable": not raw.cover["unreadable"], "n_errors": sev.count("error"),
            "n_warnings": sev.count("warning"), "checksum": raw.checksum}
    if not columns:
        return fact, {}
    cols = {k: {c: [r.get(c) for r in rows] for c in SCHEMAS[k]} for k, rows in raw.rows.items() if rows}
    return fact, cols


def _from_cache(kept: dict) -> tuple[dict, dict] | None:
    """A cached (fact, columns), dates back as datetimes; None (or an exception) for an entry
    whose shape is not what `_read_cached` stores."""
    fact, cols = kept["fact"], kept["columns"]
    if list(fact) != _FILE_FACTS or any(list(t) != list(SCHEMAS[k]) or len({len(v) for v in t.values()}) != 1
                                          for k, t in cols.items()):
        return None
    for k, table in cols.items():
        for c in _DATE_COLUMNS[k]:
            table[c] = [None if v is None else datetime.fromisoformat(v) for v in table[c]]
    if fact["filled_on"] is not None:
        fact["filled_on"] = datetime.fromisoformat(fact["filled_on"])
    return fact, cols


class ReadBytes(NamedTuple):
    """A file's bytes as read once: their sha256, the file's label and its reader-cache key."""

    data: bytes
    checksum: str
    label: str
    key: str


def read_bytes(path: Path, label: str, city: str | None, received_at: Any, cache: Any) -> ReadBytes:
    """path's bytes, hashed once, with the label given and its reader-cache key (`cache_key`);
    OSError when the file cannot be read.

    Example::

        read_bytes(path, "submissions/2021-06/运管科.xlsx", "安阳市", None, cache).key
    """
    data = path.read_bytes()
    checksum = hashlib.sha256(data).hexdigest()
    return ReadBytes(data, checksum, label, cache_key(path, checksum, label, city, received_at, cache))


def cache_key(path: Path, checksum: str, label: str, city: str | None, received_at: Any, cache: Any) -> str:
    """A file's reader-cache key: its bytes' sha256, label, what its path says, city and
    received time.

    Example::

        cache_key(path, sha256_hex, "submissions/2021-06/运管科.xlsx", "安阳市", None, cache)
    """
    # What the reader takes from the path counts too: department, month and city come from
    # its folder and file names (a link may name them differently from where the file is,
    # and a file outside a month folder takes its month from the folder above).
    from_path = "\0".join(str(v) for v in _path_identity(path))
    return cache.key(checksum, f"{label}\0{from_path}", city, received_at)


def _read_cached(path: Path, ids: set[str] | None, roster, base_dir: Path | None, city: str | None,
                 received_at: datetime | None, cache: Any,
                 known: ReadBytes | None = None) -> tuple[dict, dict] | None:
    """A file's (fact, columns) through the reader cache; None when the file must be read.

    On a miss the file is read here (its bytes are read and hashed once either way) and its
    read put into the cache, dates as ISO text. known: the file's ReadBytes, when the caller
    has them (`chunkread` made them for the chunk's own key)."""
    if known is None:
        try:
            known = read_bytes(path, _file_label(path, base_dir), city, received_at, cache)
        except OSError:
            return None
    data, checksum, label, key = known
    kept = cache.get(key, accept=_from_cache)
    if kept is not None:
        return kept
    fact, cols = _fact_and_columns(_read_rows(path, ids, roster, base_dir, city, received_at,
                                              data=data, label=label, checksum=checksum))
    if not fact["readable"]:
        return fact, cols  # not kept: a file that could not be opened is tried again next time
    try:
        iso = lambda v: None if v is None else v.isoformat()  # noqa: E731
        cache.put(key, {"fact": {**fact, "filled_on": iso(fact["filled_on"])},
                        "columns": {k: {c: ([iso(v) for v in vals] if c in _DATE_COLUMNS[k] else vals)
                                        for c, vals in t.items()} for k, t in cols.items()}})
    except (AttributeError, TypeError):
        pass  # a value the cache cannot keep as it is: this file is read again next time
    return fact, cols


_FILE_FACTS = ["file", "city", "department", "month", "filled_by", "filled_on", "readable", "n_errors",
               "n_warnings", "checksum"]


def _read_batch(paths: Iterable[Path | str], ledger_ids: set[str] | None, roster=None, *,
                base_dir: Path | None = None, city: str | None = None,
                received_at: dict[str, datetime] | None = None) -> tuple[dict[str, list[dict]], list[dict]]:
    """Many files read into plain rows: table name -> rows (problems included), and one dict
    of facts per file (the columns of `SubmissionBatch.files`). No pandas: `ledger validate`
    works from these; `read_submissions` builds its DataFrames from column lists instead."""
    roster = _roster(roster)
    received_at = received_at or {}
    rows: dict[str, list[dict]] = {k: [] for k in (*TABLE_KEYS, "problems")}
    facts = []
    for p in paths:
        raw = _read_rows(p, ledger_ids, roster, base_dir, city, received_at.get(str(p)))
        for k, v in raw.rows.items():
            rows[k].extend(v)
        facts.append(_fact_and_columns(raw, columns=False)[0])
    return rows, facts


def _identity(found: dict, path_dept: str, path_month: str | None, roster, probs: _Problems,
              cover: dict) -> tuple[str, str]:
    """Department and month: from the cover block, else from the path; disagreements reported."""
    if "department" not in found and "month" not in found:
        probs.add("cover_missing", "cover", severity="warning")
    # department
    raw, sheet, ref = found.get("department", (None, "", ""))
    cover_text = cells.clean_text(raw)
    from_cover = _resolve_department(cover_text, roster) if cover_text else None
    from_path = _resolve_department(path_dept, roster) if path_dept else None
    if cover_text and from_cover is None and roster is not None:
        probs.add("department_unknown", "department", sheet=sheet, cell=ref, field="department", value=raw)
    elif not cover_text and path_dept and from_path is None and roster is not None:
        probs.add("department_unknown", "department", field="department", value=path_dept)
    if from_cover and from_path and from_cover != from_path:
        probs.add("department_mismatch", "same", sheet=sheet, cell=ref, field="department",
                  value=f"{cover_text} / {path_dept}", severity="error" if roster is not None else "warning")
    department = from_cover or from_path or cells.norm_key(cover_text) or path_dept
    if not department:
        probs.add("department_missing", "department", field="department")
    # month
    raw, sheet, ref = found.get("month", (None, "", ""))
    year = int(path_month[:4]) if path_month else None
    parsed = cells.parse_month(raw, year)
    if parsed.problem:
        probs.add(parsed.problem, "month", sheet=sheet, cell=ref, field="month", value=raw)
    month = parsed.value or path_month or ""
    if parsed.value and path_month and parsed.value != path_month:
        probs.add("month_mismatch", "same", sheet=sheet, cell=ref, field="month",
                  value=f"{cells.clean_text(raw)} / {path_month}")
    if not month:
        probs.add("month_unknown", "month", field="month")
    # who and when
    cover["filled_by"] = cells.clean_text(found.get("filled_by", (None,))[0])
    raw, sheet, ref = found.get("filled_on", (None, "", ""))
    when = cells.parse_date(raw, month or None)
    if when.problem:
        probs.add(when.problem, "date", sheet=sheet, cell=ref, field="filled_on", value=raw, severity="warning")
    cover["filled_on"] = when.value
    return department, month


# --- ledger validate ---------------------------------------------------------------------
# Each function works on rows (dicts); the DataFrame versions notebooks use convert and call it.

_DISPLAY_COLUMNS = ["file", "sheet", "cell", "field", "value", "problem", "expected", "severity"]


def _clip(text: str, limit: int) -> str:
    out, w = "", 0
    for ch in text:
        cw = text_width(ch)
        if w + cw > limit - 1:
            return out + "…"
        out, w = out + ch, w + cw
    return out


def _records(df: pd.DataFrame) -> list[dict]:
    """A DataFrame's rows as dicts, a missing value (NaN, NaT, NA) as None."""
    return df.astype(object).where(df.notna(), None).to_dict("records")


def display_rows(problems: Iterable[dict]) -> tuple[list[str], list[list[Any]]]:
    """Problem rows (dicts) as a liaison reads them: Chinese headers, field names and severities.

    >>> display_rows([{"file": "a.xlsx", "sheet": "", "cell": "", "field": "department", "value": "",
    ...                "problem": "…", "expected": "…", "severity": "error"}])[1][0][3:]
    ['填报单位', '', '…', '…', '错误']
    """
    header = [labels.COLUMN_LABELS.get(c, c) for c in _DISPLAY_COLUMNS]
    rows = []
    for r in problems:
        row = [r.get(c) for c in _DISPLAY_COLUMNS]
        row[3] = FIELD_LABELS.get(row[3], row[3])
        row[7] = labels.SEVERITY_LABELS.get(row[7], row[7])
        rows.append(row)
    return header, rows


def problems_for_display(problems: pd.DataFrame) -> pd.DataFrame:
    """Problems with Chinese column names, Chinese field names and severities (`display_rows`).

    >>> problems_for_display(data["problems"]).columns[:3].tolist()
    ['文件', '工作表', '单元格']
    """
    import pandas as pd

    df = problems[_DISPLAY_COLUMNS].copy()
    _, rows = display_rows(df.to_dict("records"))
    for j in (_DISPLAY_COLUMNS.index("field"), _DISPLAY_COLUMNS.index("severity")):
        df[_DISPLAY_COLUMNS[j]] = pd.Series([r[j] for r in rows], index=df.index, dtype=object).infer_objects()
    return df.rename(columns=labels.COLUMN_LABELS)


def format_rows(header: list[str], rows: Iterable[Iterable[Any]], limit: int = 36) -> str:
    """A plain-text table that lines up with Chinese characters (double-width) in a terminal.

    >>> print(format_rows(["部门", "n"], [["运管科", 3]]))
    部门    n
    ------  -
    运管科  3
    """
    lines_in = [list(header)] + [[_clip(str(v), limit) for v in r] for r in rows]
    widths = [max(text_width(r[j]) for r in lines_in) for j in range(len(header))]
    lines = []
    for i, r in enumerate(lines_in):
        lines.append("  ".join(v + " " * (w - text_width(v)) for v, w in zip(r, widths)).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def format_table(df: pd.DataFrame, limit: int = 36) -> str:
    """A DataFrame as `format_rows` lays it out.

    >>> import pandas as pd
    >>> print(format_table(pd.DataFrame({"部门": ["运管科"], "n": [3]})))
    部门    n
    ------  -
    运管科  3
    """
    return format_rows(list(df.columns), df.itertuples(index=False), limit)


def file_name(label: str) -> str:
    """A file label without its folder (a liaison has no use for the server's path).

    >>> file_name("2021-06/运管科.xlsx"), file_name(r"D:\\收件\\运管科.xlsx")
    ('运管科.xlsx', '运管科.xlsx')
    """
    return re.split(r"[\\/]", str(label))[-1]


def page_header(problems: list[dict], files: list[dict] | None = None) -> tuple[str, str, str]:
    """What a printed problems list says at the top: file name(s), department(s) and month(s),
    from the files' facts when there are any, else from the problem rows (None: missing).

    >>> page_header([], [{"file": "2021-06/运管科.xlsx", "department": "运管科", "month": "2021-06"}])
    ('问题清单：运管科.xlsx', '填报单位：运管科', '报送月份：2021-06')
    """
    facts = files if files else problems

    def present(key: str) -> list[str]:
        return [str(r[key]) for r in facts if r.get(key) is not None and str(r[key])]

    names = list(dict.fromkeys(file_name(f) for f in present("file")))
    depts = list(dict.fromkeys(present("department")))
    months = list(dict.fromkeys(present("month")))
    h = labels.PROBLEMS_HEADER

    def listed(values: list[str], several: str, n: int) -> str:
        # Each of the three header parts gets a third of the page: a list that would run into
        # the next part is named by its first item and how many there are.
        text = "、".join(values)
        if len(values) > 1 and text_width(text) > _HEADER_PART_WIDTH:
            return h[several].format(first=values[0], n=n)
        return text or h["unknown"]

    n_files = len(set(present("file")))  # files, not names: two months' 运管科.xlsx are two
    return (h["file"].format(listed(names, "several_files", n_files)),
            h["department"].format(listed(depts, "several", len(depts))),
            h["month"].format(listed(months, "several", len(months))))


#: The most a page header part may hold (display width, a CJK character counting two)
#: before a list in it is shortened: a third of an A4 landscape page at the header's 10 pt.
_HEADER_PART_WIDTH = 40


def problems_page_header(problems: pd.DataFrame, files: pd.DataFrame | None = None) -> tuple[str, str, str]:
    """`page_header` of a problems table (and `read_submissions().files`).

    >>> problems_page_header(data["problems"].iloc[:0])
    ('问题清单：未识别', '填报单位：未识别', '报送月份：未识别')
    """
    return page_header(_records(problems), _records(files) if files is not None else None)


def write_problem_rows(problems: list[dict], out: Path, files: list[dict] | None = None) -> Path:
    """The problems workbook from problem rows (dicts): what `ledger validate` writes.

    One row per problem, errors in red, warnings in yellow; printed A4 landscape, one page
    wide, header row repeated, the file name (no folder), department and month at the top
    of every page (`problems_book.write_problems_book`). `files`: the files' facts, naming
    the department and month of files without problems.

    Example::

        write_problem_rows(rows, Path("问题清单.xlsx"), files=facts)   # -> Path('问题清单.xlsx')
    """
    from .problems_book import write_problems_book

    header, rows = display_rows({**r, "file": file_name(r.get("file"))} for r in problems)
    return write_problems_book(header, rows, Path(out), page_header(problems, files))


def write_problems_workbook(problems: pd.DataFrame, out: Path, files: pd.DataFrame | None = None) -> Path:
    """The problems as a workbook a liaison can act on (`write_problem_rows` of the table's rows).

    `files` (read_submissions().files) names the department and month of files without problems.

    Example::

        write_problems_workbook(batch.problems, Path("问题清单.xlsx"))   # -> Path('问题清单.xlsx')
    """
    return write_problem_rows(_records(problems), out, _records(files) if files is not None else None)


def validate_files(files: Iterable[Path], out: Path | None = None, raw_dir: Path | None = None) -> int:
    """`ledger validate`: print every problem, write the problems workbook; 1 if any error, else 0.

    The ledger's task ids and the roster are loaded from raw_dir when they can be, so task
    ids and department names are checked too; without them the files are still checked.
    Works on rows throughout: no pandas is imported.

    Example::

        validate_files([Path("inbox/运管科.xlsx")], out=Path("问题清单.xlsx"))   # as `ledger validate`
        # prints each problem; returns 1 when any is an error, else 0
    """
    files = [Path(f) for f in files]
    ledger_ids = roster = None
    raw_dir = Path(raw_dir) if raw_dir else config.raw_dir()
    try:
        from .roster import load_roster

        roster = load_roster(raw_dir)
    except Exception as exc:  # a missing or broken roster must not stop a liaison's check
        print(f"(roster not loaded: {exc})", file=sys.stderr)
    try:
        from .ledger import ledger_task_ids

        # every year: a return is checked against all plan years
        ledger_ids = set().union(*ledger_task_ids(raw_dir).values())
    except Exception as exc:
        print(f"(ledger not loaded: {exc})", file=sys.stderr)
    # A liaison checks a file before sending it: no date in it can be later than today.
    now = datetime.now()
    rows, facts = _read_batch(files, ledger_ids, roster, received_at={str(f): now for f in files})
    problems = rows["problems"]
    severities = [p["severity"] for p in problems]
    n_err, n_warn = severities.count("error"), severities.count("warning")
    if problems:
        print(format_rows(*display_rows(problems)))
    else:
        print(labels.VALIDATE_NO_PROBLEMS)
    print(labels.VALIDATE_SUMMARY.format(n_files=len(files), n_errors=n_err, n_warnings=n_warn))
    if out is None:  # reports/problems/问题清单_<file>.xlsx: beside the other outputs, not in git
        from .safepath import inside, plain_name

        stem = f"_{files[0].stem}" if len(files) == 1 else ""
        out = inside(config.reports_dir() / "problems", plain_name(f"{labels.PROBLEMS_SHEET}{stem}.xlsx"))
    out = Path(out)
    print(write_problem_rows(problems, out, facts))
    return 1 if n_err else 0
