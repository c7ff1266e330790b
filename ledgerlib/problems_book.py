"""Write the problems workbook (问题清单) as Office Open XML with the standard library alone.

`ledger validate` writes this one workbook; importing openpyxl (which imports numpy when it
is installed) cost most of the command's start-up. The workbook is the one openpyxl wrote
before, part for part and byte for byte but for the creator and application it names (ours;
tests/test_problems_book.py compares them), so it
keeps every property: inert text cells (user text is never a formula: inline strings, with
Excel's quote prefix when it starts like one, cut visibly at Excel's cell limit), the bold
filled header row, column widths, error and warning fills, wrapped text, the autofilter, A4
landscape one page wide with the header row repeated, the page header naming file,
department and month, and the document title. Saved through `ooxml.save_package` like every
workbook of the suite (fixed zip dates, written atomically).

>>> import tempfile
>>> out = Path(tempfile.mkdtemp()) / "问题清单.xlsx"
>>> write_problems_book(["文件", "级别"], [["运管科.xlsx", "错误"]], out, ("a", "b", "c")).name
'问题清单.xlsx'
"""
from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence

from . import labels
from .ooxml import save_package
from .office_theme import THEME_XML
from .xlsx_style import (
    BORDER_RGB, FOOTER_PT, FORMULA_START, HEADER_FILL_RGB, HEADER_PT, PAGE_FOOTER, PRINT_MARGINS, cell_text,
    header_text, row_height,
)

#: Column widths (characters): 139 in all, so the list prints one A4 landscape page wide at
#: ~10 pt (xlsx.printed_type_size) with every column a liaison acts on.
PROBLEM_WIDTHS = (18, 10, 7, 12, 22, 34, 30, 6)
#: The severity column's fill for each severity label (errors red, warnings yellow).
SEVERITY_FILLS = {labels.SEVERITY_LABELS["error"]: "FFC7CE", labels.SEVERITY_LABELS["warning"]: "FFEB9C"}

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-"
# Excel's 64 indexed colours, as openpyxl lists them in every styles part.
_INDEXED = ("000000 FFFFFF FF0000 00FF00 0000FF FFFF00 FF00FF 00FFFF " * 2 + (
    "800000 008000 000080 808000 800080 008080 C0C0C0 808080 9999FF 993366 FFFFCC CCFFFF 660066 FF8080 "
    "0066CC CCCCFF 000080 FF00FF FFFF00 00FFFF 800080 800000 008080 0000FF 00CCFF CCFFFF CCFFCC FFFF99 "
    "99CCFF FF99CC CC99FF FFCC99 3366FF 33CCCC 99CC00 FFCC00 FF9900 FF6600 666699 969696 003366 339966 "
    "003300 333300 993300 993366 333399 333333")).split()
# Header-language codes openpyxl turns into their short forms, and its escape of control characters.
_HF_CODES = {"&[Tab]": "&A", "&[Pages]": "&N", "&[Date]": "&D", "&[Path]": "&Z", "&[Page]": "&P",
             "&[Time]": "&T", "&[File]": "&F", "&[Picture]": "&G"}
_HF_CODE = re.compile("|".join(f"({re.escape(k)})" for k in _HF_CODES))
_CONTROL = re.compile(r"[\001-\031]")

# Cell styles: (fill, quote prefix) of a data cell; the header cell and the default are fixed.
_XF_DEFAULT = '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" pivotButton="0" quotePrefix="0" xfId="0" />'
_XF_HEADER = ('<xf numFmtId="0" fontId="1" fillId="2" borderId="1" applyAlignment="1" pivotButton="0" '
              'quotePrefix="0" xfId="0"><alignment horizontal="center" vertical="center" wrapText="1" /></xf>')


def _text(value: str) -> str:
    """Element text as ElementTree escapes it."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _column(n: int) -> str:
    letters = ""
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _cell(ref: str, style: int, value: Any) -> str:
    """One cell: text inline (never a formula, never an error value); no value, an empty cell."""
    if value is None:
        return f'<c r="{ref}" s="{style}" t="n" />'
    if value == "":
        return f'<c r="{ref}" s="{style}" t="inlineStr" />'
    space = ' xml:space="preserve"' if value.strip() and value != value.strip() else ""
    return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t{space}>{_text(value)}</t></is></c>'


def _header_footer(parts: Sequence[tuple[str, str, int]]) -> str:
    """A header or footer in Excel's header language: (position L/C/R, text, size) parts."""
    text = "".join(f"&{pos}&{size} {t}" for pos, t, size in parts if t)
    text = _HF_CODE.sub(lambda m: _HF_CODES[m.group(0)], text)
    return _text(_CONTROL.sub(lambda m: f"_x{ord(m.group(0)):0>4x}_", text))


def _styles(fills: list[str], xfs: list[tuple[int, bool]]) -> str:
    fill_xml = "".join(f'<fill><patternFill patternType="solid"><fgColor rgb="00{rgb}" /></patternFill></fill>'
                       for rgb in [HEADER_FILL_RGB, *fills])
    side = f'style="thin"><color rgb="00{BORDER_RGB}" />'
    xf_xml = "".join(
        f'<xf numFmtId="0" fontId="0" fillId="{fill}" borderId="0" applyAlignment="1" pivotButton="0" '
        f'quotePrefix="{int(quote)}" xfId="0"><alignment vertical="top" wrapText="1" /></xf>' for fill, quote in xfs)
    return (f'<styleSheet xmlns="{_MAIN}"><numFmts count="0" /><fonts count="2"><font><name val="Calibri" />'
            '<family val="2" /><color theme="1" /><sz val="11" /><scheme val="minor" /></font><font><b val="1" />'
            f'</font></fonts><fills count="{len(fills) + 3}"><fill><patternFill /></fill><fill><patternFill '
            f'patternType="gray125" /></fill>{fill_xml}</fills><borders count="2"><border><left /><right /><top />'
            f'<bottom /><diagonal /></border><border><left {side}</left><right {side}</right><top {side}</top>'
            f'<bottom {side}</bottom></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" '
            f'fillId="0" borderId="0" /></cellStyleXfs><cellXfs count="{len(xfs) + 2}">{_XF_DEFAULT}{_XF_HEADER}'
            f'{xf_xml}</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0" hidden="0" />'
            '</cellStyles><tableStyles count="0" defaultTableStyle="TableStyleMedium9" '
            'defaultPivotStyle="PivotStyleLight16" /><colors><indexedColors>'
            + "".join(f'<rgbColor rgb="00{c}" />' for c in _INDEXED) + "</indexedColors></colors></styleSheet>")


def _sheet(header: Sequence[str], rows: Sequence[Sequence[Any]], page_header: Sequence[str],
           fills: list[str], xfs: list[tuple[int, bool]]) -> str:
    """The sheet's XML; fills and cell styles are numbered in the order cells first use them."""
    ncol = len(header)
    last = f"{_column(ncol)}{len(rows) + 1}"
    cols = "".join(f'<col width="{w}" customWidth="1" min="{j}" max="{j}" />'
                   for j, w in enumerate(PROBLEM_WIDTHS[:ncol], start=1))
    out = [f'<row r="1">' + "".join(_cell(f"{_column(j)}1", 1, cell_text(str(h)))
                                    for j, h in enumerate(header, start=1)) + "</row>"]
    for i, row in enumerate(rows, start=2):
        cells, texts = [], []
        for j, value in enumerate(row, start=1):
            if value is not None:
                value = cell_text(str(value))
            fill = 0
            if j == ncol and value in SEVERITY_FILLS:
                if SEVERITY_FILLS[value] not in fills:
                    fills.append(SEVERITY_FILLS[value])
                fill = 3 + fills.index(SEVERITY_FILLS[value])
            key = (fill, bool(value) and value.startswith(FORMULA_START))
            if key not in xfs:
                xfs.append(key)
            cells.append(_cell(f"{_column(j)}{i}", 2 + xfs.index(key), value))
            texts.append((value, PROBLEM_WIDTHS[j - 1] if j <= len(PROBLEM_WIDTHS) else 8))
        # Each row as tall as its wrapped text (LibreOffice and WPS keep the default height
        # otherwise, and a long file name or problem runs over the rows below).
        height = repr(row_height(texts)).removesuffix(".0")
        out.append(f'<row r="{i}" ht="{height}" customHeight="1">{"".join(cells)}</row>')
    margins = " ".join(f'{k}="{v}"' for k, v in PRINT_MARGINS.items())
    top = _header_footer([(pos, header_text(t) if t else "", HEADER_PT) for pos, t in zip("LCR", page_header)])
    bottom = _header_footer([("C", PAGE_FOOTER, FOOTER_PT)])
    return (f'<worksheet xmlns="{_MAIN}"><sheetPr><outlinePr summaryBelow="1" summaryRight="1" /><pageSetUpPr '
            f'fitToPage="1" /></sheetPr><dimension ref="A1:{last}" /><sheetViews><sheetView workbookViewId="0">'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen" /><selection '
            'pane="bottomLeft" activeCell="A1" sqref="A1" /></sheetView></sheetViews><sheetFormatPr '
            f'baseColWidth="8" defaultRowHeight="15" /><cols>{cols}</cols><sheetData>{"".join(out)}</sheetData>'
            f'<autoFilter ref="A1:{last}" /><printOptions horizontalCentered="1" /><pageMargins {margins} />'
            '<pageSetup orientation="landscape" paperSize="9" fitToHeight="0" fitToWidth="1" /><headerFooter>'
            f'<oddHeader>{top}</oddHeader><oddFooter>{bottom}</oddFooter><evenHeader /><evenFooter /><firstHeader />'
            '<firstFooter /></headerFooter></worksheet>')


def _workbook(sheet: str, last: str) -> str:
    quoted = "'{}'".format(sheet.replace("'", "''"))
    col, row = re.fullmatch(r"([A-Z]+)(\d+)", last).groups()  # type: ignore[union-attr]
    return (f'<workbook xmlns:r="{_REL}" xmlns="{_MAIN}"><workbookPr /><workbookProtection /><bookViews>'
            '<workbookView visibility="visible" minimized="0" showHorizontalScroll="1" showVerticalScroll="1" '
            'showSheetTabs="1" tabRatio="600" firstSheet="0" activeTab="0" autoFilterDateGrouping="1" />'
            f'</bookViews><sheets><sheet name="{_text(sheet)}" sheetId="1" state="visible" r:id="rId1" /></sheets>'
            '<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
            f'{_text(quoted)}!$A$1:${col}${row}</definedName><definedName name="_xlnm.Print_Titles" '
            f'localSheetId="0">{_text(quoted)}!$1:$1</definedName></definedNames><calcPr calcId="124519" '
            'fullCalcOnLoad="1" /></workbook>')


def _core(title: str, created: datetime) -> str:
    stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    return ('<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>credit-ledger</dc:creator>'
            f'<dc:title>{_text(title)}</dc:title><dcterms:created xsi:type="dcterms:W3CDTF">{stamp}'
            f'</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
            '</cp:coreProperties>')


def _rels(*targets: tuple[str, str]) -> str:
    return (f'<Relationships xmlns="{_PKG_REL}">'
            + "".join(f'<Relationship Type="{kind}" Target="{target}" Id="rId{i}" />'
                      for i, (kind, target) in enumerate(targets, start=1)) + "</Relationships>")


_APP = ('<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        '<Application>credit-ledger</Application><AppVersion>0.1</AppVersion>'
        '</Properties>')
_TYPES = (f'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" '
          f'ContentType="{_CT}package.relationships+xml" /><Default Extension="xml" ContentType="application/xml" />'
          f'<Override PartName="/xl/styles.xml" ContentType="{_CT}officedocument.spreadsheetml.styles+xml" />'
          f'<Override PartName="/xl/theme/theme1.xml" ContentType="{_CT}officedocument.theme+xml" />'
          f'<Override PartName="/docProps/core.xml" ContentType="{_CT}package.core-properties+xml" />'
          f'<Override PartName="/docProps/app.xml" ContentType="{_CT}officedocument.extended-properties+xml" />'
          f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_CT}officedocument.spreadsheetml.'
          f'worksheet+xml" /><Override PartName="/xl/workbook.xml" ContentType="{_CT}officedocument.spreadsheetml.'
          'sheet.main+xml" /></Types>')


def write_problems_book(header: Sequence[str], rows: Sequence[Sequence[Any]], out: Path,
                        page_header: Sequence[str], created: datetime | None = None) -> Path:
    """Write the problems workbook: `header` (display column names), `rows` (display values, the
    severity label last), `page_header` (left, centre, right texts atop every printed page; joined,
    the document title). `created`: the document date (UTC; default now).

    Example::

        write_problems_book(*display_rows(problems), Path("问题清单.xlsx"), page_header(problems, facts))
        # -> Path('问题清单.xlsx')
    """
    created = created or datetime.now(tz=timezone.utc).replace(tzinfo=None)
    fills: list[str] = []
    xfs: list[tuple[int, bool]] = []
    sheet = _sheet(header, rows, page_header, fills, xfs)
    last = f"{_column(len(header))}{len(rows) + 1}"
    wb_rel, pkg_rel = f"{_REL}/", f"{_PKG_REL}/"
    parts = {
        "docProps/app.xml": _APP,
        "docProps/core.xml": _core(" ".join(page_header), created),
        "xl/theme/theme1.xml": THEME_XML,
        "xl/worksheets/sheet1.xml": sheet,
        "xl/styles.xml": _styles(fills, xfs),
        "_rels/.rels": _rels((f"{wb_rel}officeDocument", "xl/workbook.xml"),
                             (f"{pkg_rel}metadata/core-properties", "docProps/core.xml"),
                             (f"{wb_rel}extended-properties", "docProps/app.xml")),
        "xl/workbook.xml": _workbook(labels.PROBLEMS_SHEET, last),
        "xl/_rels/workbook.xml.rels": _rels((f"{wb_rel}worksheet", "/xl/worksheets/sheet1.xml"),
                                            (f"{wb_rel}styles", "styles.xml"), (f"{wb_rel}theme", "theme/theme1.xml")),
        "[Content_Types].xml": _TYPES,
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as archive:
        for name, xml in parts.items():
            archive.writestr(name, xml.encode("utf-8"))
    return save_package(buf.getvalue(), out, created)
