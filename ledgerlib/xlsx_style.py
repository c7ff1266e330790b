"""The house style of every workbook as plain values, and how text goes into a cell.

Colours, print margins and page texts, and the rule for a cell's text (`cell_text`), with no
openpyxl: xlsx.py builds its openpyxl styles from these, and problems_book.py writes the
problems workbook from them without importing openpyxl (`ledger validate` starts faster).

>>> HEADER_FILL_RGB, PRINT_MARGINS["left"]
('DDEBF7', 0.4)
"""
from __future__ import annotations

import math
import re

from .cells import EXCEL_CELL_LIMIT, text_width

#: Header cells' fill and every border's colour (RGB).
HEADER_FILL_RGB = "DDEBF7"
BORDER_RGB = "A6A6A6"
#: Printing: narrow margins (inches); page headers at HEADER_PT, the page-number footer at FOOTER_PT.
PRINT_MARGINS = {"left": 0.4, "right": 0.4, "top": 0.75, "bottom": 0.6, "header": 0.3, "footer": 0.3}
HEADER_PT, FOOTER_PT = 10, 9
PAGE_FOOTER = "第 &P 页，共 &N 页"
#: Text starting with these is a formula when typed into Excel: keep it text if edited.
FORMULA_START = ("=", "+", "-", "@")
#: Characters XML 1.0 forbids (openpyxl's ILLEGAL_CHARACTERS_RE, which raises on them).
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


def header_text(text: str) -> str:
    """A page header part as Excel's header language takes it: '&' doubled, ~80 characters at most.

    >>> header_text("A&B")
    'A&&B'
    """
    text = str(text).replace("&", "&&")
    return text if len(text) <= 80 else text[:79] + "…"


def cell_text(text: str) -> str:
    """text as one cell can hold it: within EXCEL_CELL_LIMIT, cut with a visible note if longer.

    >>> len(cell_text("字" * 40000)) == EXCEL_CELL_LIMIT
    True
    """
    if ILLEGAL_CHARACTERS_RE.search(text):  # control characters an .xls or `_x0007_` can carry: XML forbids them
        text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)
    if len(text) <= EXCEL_CELL_LIMIT:
        return text
    from .labels import CELL_TRUNCATED

    note = CELL_TRUNCATED.format(n=len(text))
    return text[:EXCEL_CELL_LIMIT - len(note)] + note


#: The tallest row Excel keeps (points): a taller stated height makes it repair the file.
MAX_ROW_HEIGHT = 409.5


def row_height(cells: list[tuple[object, int]]) -> float:
    """A row height (points) that shows every wrapped cell in full (at most MAX_ROW_HEIGHT).

    Written explicitly because LibreOffice keeps the default height for rows of wrapped
    text in a file that does not state one, and the text then overlaps the next row.

    Example::

        >>> row_height([("一二三四五六七八九十" * 3, 22)]), row_height([("字" * 40000, 22)])
        (50.0, 409.5)
    """
    lines = 1
    for value, width in cells:
        if value is None:
            continue
        per_line = max(width - 1, 1)
        lines = max(lines, sum(max(1, math.ceil(text_width(part) / per_line))
                               for part in str(value).split("\n")))
    return min(16.0 * lines + 2, MAX_ROW_HEIGHT)
