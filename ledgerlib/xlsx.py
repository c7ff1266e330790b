"""House style, inert cells and deterministic saving for every workbook the suite writes.

Templates, the problems workbook, the joint-case list and the ledger workbook share one
look (header fill, thin borders), one print setup (A4 landscape, one page wide at readable
type, header rows repeated, page numbers) and one way of saving that gives the same bytes
for the same content. Saving also makes every cell data: text that a
sender typed as `=HYPERLINK(...)`, `=cmd|' /C calc'!A0` or `#N/A` is stored as text (with
Excel's quote prefix, so editing the cell keeps it text), never as a formula or an error
value, and text over Excel's cell limit is cut visibly instead of by Excel.
"""
from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from copy import copy
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.writer.excel import ExcelWriter

from .cells import EXCEL_CELL_LIMIT, text_width  # noqa: F401 (re-exported; the reader needs them without openpyxl)
from .ooxml import save_package
from .xlsx_style import (  # noqa: F401 (the house style as plain values; cell_text, row_height re-exported)
    BORDER_RGB, FOOTER_PT, HEADER_FILL_RGB, HEADER_PT, PAGE_FOOTER, PRINT_MARGINS, cell_text, row_height,
)
from .xlsx_style import FORMULA_START as _FORMULA_START
from .xlsx_style import header_text as _header_text

DATE_FORMAT = "yyyy-mm-dd"
HEADER_FILL = PatternFill("solid", fgColor=HEADER_FILL_RGB)
THIN = Side(style="thin", color=BORDER_RGB)
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


#: Printing: A4 landscape (width in points) with narrow margins (inches); type never smaller
#: than PRINT_MIN_PT once a sheet is fitted to one page wide (readable on paper: ~9 pt).
A4_LANDSCAPE_WIDTH_PT = 842.0
PRINT_MIN_PT = 9.0
#: The workbook's body font (openpyxl's default, Calibri 11) and Excel's default column width.
BODY_FONT_PT = 11.0
DEFAULT_COLUMN_WIDTH = 8.43


def page_setup(ws, title_rows: str | None = None, header: Sequence[str] | None = None) -> None:
    """Print setup: A4 landscape, fitted to one page wide (as many pages tall as needed).

    `title_rows` ("4:4") repeat on every page; `header` (left, centre, right texts) goes at
    the top of every page; the footer numbers the pages (第 1 页，共 2 页). Column widths
    decide the printed type size: see `printed_type_size`.

    Example::

        >>> from openpyxl import Workbook
        >>> ws = Workbook().active
        >>> page_setup(ws, title_rows="1:1", header=("问题清单：运管科.xlsx", "", ""))
        >>> ws.page_setup.orientation, ws.page_setup.fitToWidth, ws.print_title_rows
        ('landscape', 1, '$1:$1')
    """
    from openpyxl.worksheet.page import PageMargins

    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(**PRINT_MARGINS)
    ws.print_options.horizontalCentered = True
    if title_rows:
        ws.print_title_rows = title_rows
    if header:
        for part, text in zip((ws.oddHeader.left, ws.oddHeader.center, ws.oddHeader.right), header):
            if text:
                part.text = _header_text(text)
                part.size = HEADER_PT
    ws.oddFooter.center.text = PAGE_FOOTER
    ws.oddFooter.center.size = FOOTER_PT


def column_points(width: float) -> float:
    """Printed width (pt) of a column `width` characters wide in the body font (Calibri 11:
    7 pixels a character plus 5 of padding, at 96 pixels an inch).

    Example::

        >>> column_points(10)
        56.25
    """
    return (7 * width + 5) * 0.75


def printed_type_size(ws, font_pt: float = BODY_FONT_PT) -> float:
    """The body type size (pt) a sheet prints at when fitted to one A4-landscape page wide.

    >>> from openpyxl import Workbook
    >>> ws = Workbook().active
    >>> for col, width in zip("ABC", (10, 60, 40)): ws.column_dimensions[col].width = width
    >>> round(printed_type_size(ws), 1)
    11.0
    >>> ws.column_dimensions["D"].width = 120  # 230 characters: 1222.5 pt on 784.4 pt of paper
    >>> round(printed_type_size(ws), 1)
    7.1
    """
    last = max([ws.max_column, *(column_index_from_string(k) for k in ws.column_dimensions
                                 if ws.column_dimensions[k].width)])
    total = sum(column_points(ws.column_dimensions[get_column_letter(j)].width or DEFAULT_COLUMN_WIDTH)
                for j in range(1, last + 1))
    available = A4_LANDSCAPE_WIDTH_PT - 72 * (PRINT_MARGINS["left"] + PRINT_MARGINS["right"])
    return font_pt * min(1.0, available / total)


def print_budget(font_pt: float = BODY_FONT_PT, min_pt: float = PRINT_MIN_PT) -> float:
    """Total column width (characters) a sheet may have and still print at `min_pt` or more.

    Example::

        >>> round(print_budget())
        183
    """
    available = A4_LANDSCAPE_WIDTH_PT - 72 * (PRINT_MARGINS["left"] + PRINT_MARGINS["right"])
    return (available * font_pt / min_pt / 0.75) / 7  # ignoring the 5-pixel padding per column


def header_row(ws, row: int, headers: Sequence[str], widths: Sequence[float],
               fill: PatternFill = HEADER_FILL) -> None:
    """Bold, filled, bordered header cells with their column widths; panes frozen below.

    Example::

        >>> from openpyxl import Workbook
        >>> ws = Workbook().active
        >>> header_row(ws, 4, ["任务编号", "进展状态"], [9, 10])
        >>> ws["A4"].value, ws["A4"].font.b, ws.freeze_panes
        ('任务编号', True, 'A5')
    """
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

    Example::

        >>> from openpyxl import Workbook
        >>> wb = Workbook()
        >>> wb.active["A1"] = "=1+1"
        >>> inert_cells(wb)
        >>> wb.active["A1"].data_type, wb.active["A1"].value
        ('s', '=1+1')
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

    Cells go through `inert_cells` first. The save time openpyxl stamps in is replaced by
    the workbook's `created` date (or 2000-01-01) and a fixed zip date, and the file is
    written beside path and renamed into place (ooxml.save_package), so a reader never sees
    half a workbook.

    Example::

        >>> import tempfile
        >>> from openpyxl import Workbook
        >>> path = Path(tempfile.mkdtemp()) / "a.xlsx"
        >>> save_workbook(Workbook(), path).read_bytes() == save_workbook(Workbook(), path).read_bytes()
        True
    """
    inert_cells(wb)
    # openpyxl learns the columns' outline level only while writing them, after the sheet
    # format that records it, so a second save of the same workbook added outlineLevelCol="0";
    # start every save from the state of the first.
    for ws in wb.worksheets:
        if hasattr(ws, "column_dimensions"):
            ws.column_dimensions.max_outline = None
    buf = io.BytesIO()
    # openpyxl's own save deflates every part, which save_package then inflates and deflates
    # again: write the first pass stored (uncompressed). The file's bytes do not change.
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        _InMemoryWriter(wb, archive).write_data()
    return save_package(buf.getvalue(), path, wb.properties.created)
