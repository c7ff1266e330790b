"""House style, inert cells and deterministic saving for every workbook the suite writes.

Templates, the problems workbook, the joint-case list and the ledger workbook share one
look (header fill, thin borders, A4 landscape fit-to-width) and one way of saving that
gives the same bytes for the same content. Saving also makes every cell data: text that a
sender typed as `=HYPERLINK(...)`, `=cmd|' /C calc'!A0` or `#N/A` is stored as text (with
Excel's quote prefix, so editing the cell keeps it text), never as a formula or an error
value, and text over Excel's cell limit is cut visibly instead of by Excel.
"""
from __future__ import annotations

import io
import math
import re
import unicodedata
from copy import copy
import zipfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE as _ILLEGAL
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

DATE_FORMAT = "yyyy-mm-dd"
#: Excel's limit on the characters of one cell; longer text is cut, with a note, when written.
EXCEL_CELL_LIMIT = 32767
#: Text starting with these is a formula when typed into Excel: keep it text if edited.
_FORMULA_START = ("=", "+", "-", "@")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def text_width(text: str) -> int:
    """Display width in Excel's character units: CJK and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def row_height(cells: list[tuple[object, int]]) -> float:
    """A row height (points) that shows every wrapped cell in full.

    Written explicitly because LibreOffice keeps the default height for rows of wrapped
    text in a file that does not state one, and the text then overlaps the next row.
    """
    lines = 1
    for value, width in cells:
        if value is None:
            continue
        per_line = max(width - 1, 1)
        lines = max(lines, sum(max(1, math.ceil(text_width(part) / per_line))
                               for part in str(value).split("\n")))
    return 16.0 * lines + 2


def page_setup(ws) -> None:
    """A4 landscape, fit to one page wide."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def header_row(ws, row: int, headers: Sequence[str], widths: Sequence[float],
               fill: PatternFill = HEADER_FILL) -> None:
    """Bold, filled, bordered header cells with their column widths; panes frozen below."""
    first = None
    for j, (text, width) in enumerate(zip(headers, widths), start=1):
        c = ws.cell(row=row, column=j, value=text)
        if first is None:
            first = c
            c.font = Font(bold=True)
            c.fill = fill
            c.border = BORDER
            c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        else:  # the same style: copy it rather than hash four style objects again per cell
            c._style = copy(first._style)
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.freeze_panes = f"A{row + 1}"


def cell_text(text: str) -> str:
    """text as one cell can hold it: within EXCEL_CELL_LIMIT, cut with a visible note if longer.

    >>> len(cell_text("字" * 40000)) == EXCEL_CELL_LIMIT
    True
    """
    if _ILLEGAL.search(text):  # control characters an .xls or `_x0007_` can carry: XML forbids them
        text = _ILLEGAL.sub("\ufffd", text)
    if len(text) <= EXCEL_CELL_LIMIT:
        return text
    from .labels import CELL_TRUNCATED

    note = CELL_TRUNCATED.format(n=len(text))
    return text[:EXCEL_CELL_LIMIT - len(note)] + note


def put(ws, row: int, column: int, value: object):
    """Write one cell as data and return it: the one way the suite puts a value in a workbook.

    Text is stored as text (never a formula or an error value, quote prefix when it starts
    like a formula) and cut visibly at Excel's limit (`cell_text`): openpyxl, given a longer
    string, silently keeps the first 32,767 characters. Other values are written as they are.

    >>> from openpyxl import Workbook
    >>> put(Workbook().active, 1, 1, "=1+2").data_type
    's'
    """
    if not isinstance(value, str):
        return ws.cell(row=row, column=column, value=value)
    cell = ws.cell(row=row, column=column)
    cell._value = cell_text(value)  # assigning .value would infer a formula, and cut silently
    cell.data_type = "s"
    if cell._value.startswith(_FORMULA_START):
        cell.quotePrefix = True
    return cell


def inert_cells(wb: Workbook) -> None:
    """Make every cell of wb data, never code: no formula, no error value, no over-long text.

    The suite writes no formulas of its own, so any formula cell holds text that came from a
    file or a user (openpyxl turns a string starting with `=` into a formula, and `#N/A` into
    an error value): it is stored as a string. Text starting with `=`, `+`, `-` or `@` also
    gets Excel's quote prefix, which keeps it text when someone edits the cell.
    """
    for ws in wb.worksheets:
        # `_cells` holds only the cells that exist: iter_rows() would create the whole grid.
        for cell in getattr(ws, "_cells", {}).values():
            value = cell.value
            if cell.data_type in ("f", "e") and not isinstance(value, str):
                value = str(getattr(value, "text", None) or value)  # ArrayFormula and the like
            if not isinstance(value, str):
                continue
            text = cell_text(value)
            if text is not value or cell.data_type != "s":
                cell._value = text  # assigning .value would infer a formula again
                cell.data_type = "s"
            if text.startswith(_FORMULA_START) and not cell.quotePrefix:
                cell.quotePrefix = True


class _InMemoryWriter(ExcelWriter):
    """openpyxl's writer, each worksheet's XML built in memory rather than in a temporary
    file that is written, read back and removed (a few ms a sheet on a busy disk)."""

    def write_worksheet(self, ws):
        from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
        from openpyxl.worksheet._writer import WorksheetWriter

        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        out = io.BytesIO()
        writer = WorksheetWriter(ws, out=out)
        writer.write()
        ws._rels = writer._rels
        self._archive.writestr(ws.path[1:], out.getvalue())
        self.manifest.append(ws)


def save_workbook(wb: Workbook, path: Path) -> Path:
    """Save wb to path so that the same workbook always gives the same bytes, every cell inert.

    Cells go through `inert_cells` first. openpyxl stamps the save time into
    docProps/core.xml and into each zip entry; both are replaced by the workbook's `created`
    date (or 2000-01-01) and a fixed zip date. The file is written beside path and renamed
    into place, so a reader never sees half a workbook.
    """
    inert_cells(wb)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # openpyxl learns the columns' outline level only while writing them, after the sheet
    # format that records it, so a second save of the same workbook added outlineLevelCol="0";
    # start every save from the state of the first.
    for ws in wb.worksheets:
        if hasattr(ws, "column_dimensions"):
            ws.column_dimensions.max_outline = None
    buf = io.BytesIO()
    # openpyxl's own save deflates every part, which is then inflated and deflated again
    # below: write the first pass stored (uncompressed). The file's bytes do not change.
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        _InMemoryWriter(wb, archive).write_data()
    stamp = (wb.properties.created or datetime(2000, 1, 1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:modified|created)[^>]*>)[^<]*(<)",
                              rb"\g<1>" + stamp.encode() + rb"\g<2>", data)
            zi = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            zout.writestr(zi, data)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(out.getvalue())
    tmp.replace(path)
    return path

