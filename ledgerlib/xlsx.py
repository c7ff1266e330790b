"""House style and deterministic saving for every workbook the suite writes.

Templates, the problems workbook, the joint-case list and the ledger workbook share one
look (header fill, thin borders, A4 landscape fit-to-width) and one way of saving that
gives the same bytes for the same content.
"""
from __future__ import annotations

import io
import math
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from .ooxml import save_package

DATE_FORMAT = "yyyy-mm-dd"
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
    for j, (text, width) in enumerate(zip(headers, widths), start=1):
        c = ws.cell(row=row, column=j, value=text)
        c.font = Font(bold=True)
        c.fill = fill
        c.border = BORDER
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.freeze_panes = f"A{row + 1}"


def save_workbook(wb: Workbook, path: Path) -> Path:
    """Save wb to path so that the same workbook always gives the same bytes.

    The save time openpyxl stamps in is replaced by the workbook's `created` date (or
    2000-01-01) and a fixed zip date (ooxml.save_package).
    """
    # openpyxl learns the columns' outline level only while writing them, after the sheet
    # format that records it, so a second save of the same workbook added outlineLevelCol="0";
    # start every save from the state of the first.
    for ws in wb.worksheets:
        if hasattr(ws, "column_dimensions"):
            ws.column_dimensions.max_outline = None
    buf = io.BytesIO()
    wb.save(buf)
    return save_package(buf.getvalue(), path, wb.properties.created)
