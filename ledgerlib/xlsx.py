"""House style and deterministic saving for every workbook the suite writes.

Templates, the problems workbook, the joint-case list and the ledger workbook share one
look (header fill, thin borders, A4 landscape fit-to-width) and one way of saving that
gives the same bytes for the same content.
"""
from __future__ import annotations

import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

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

    openpyxl stamps the save time into docProps/core.xml and into each zip entry; both are
    replaced by the workbook's `created` date (or 2000-01-01) and a fixed zip date.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # openpyxl learns the columns' outline level only while writing them, after the sheet
    # format that records it, so a second save of the same workbook added outlineLevelCol="0";
    # start every save from the state of the first.
    for ws in wb.worksheets:
        if hasattr(ws, "column_dimensions"):
            ws.column_dimensions.max_outline = None
    buf = io.BytesIO()
    wb.save(buf)
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


def write_cell(ws, row: int, column: int, value: object):
    """Write one value; text is always stored as text, never as a formula.

    openpyxl takes any string starting with "=" as a formula: a 填报人 or a task text typed
    as `=HYPERLINK(...)` would become live in the workbook read upstream. The cell type is
    forced back to a string for every str value.
    """
    c = ws.cell(row=row, column=column)
    c.value = value
    if isinstance(value, str):
        c.data_type = "s"
    return c
