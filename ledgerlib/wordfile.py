"""The one writer of Word files (.docx): house style, Chinese that renders everywhere, same bytes.

Every command that writes a .docx goes through `write_docx` (or `new_document` + `save_document`):
- Chinese renders in Word, WPS and LibreOffice: python-docx's `run.font.name` sets only the
  Latin font, so `w:eastAsia` is set on every run's rFonts, on the document defaults and on
  the styles used, and theme fonts (which outrank named fonts in Word) are removed there.
  The font names are settings (`config.DOCX_FONTS`).
- Tables use the built-in "Table Grid" style, which every editor keeps when the document is
  edited; header rows repeat on every page; verdict cells are shaded as in the PDF.
- A4, the house margins; charts fit the text width.
- Fixed core properties and zip dates (`ooxml.save_package`): same blocks, same bytes.

Example::

    >>> import tempfile
    >>> from ledgerlib.blocks import Heading, Table
    >>> path = Path(tempfile.mkdtemp()) / "通报.docx"
    >>> _ = write_docx([Heading("一、总体情况"), Table([["部门", "完成率"]], [["运管科", "80.0%"]])], path)
    >>> import docx
    >>> [[c.text for c in r.cells] for r in docx.Document(path).tables[0].rows]
    [['部门', '完成率'], ['运管科', '80.0%']]
"""
from __future__ import annotations

import io
import re
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from . import config
from .blocks import Block, Heading, Paragraph, Picture, Table
from .ooxml import save_package

if TYPE_CHECKING:
    from docx.document import Document

TABLE_STYLE = "Table Grid"
#: Cell shading by the class a report table gives a cell (the PDF's colours, report.css).
SHADING = {"pass": "C8E6C9", "fail": "FFCDD2", "na": "EEEEEE",
           "light-red": "E53935", "light-amber": "FFB300", "light-green": "43A047"}
#: Text colour on those cells where black would not read well (the lights).
CELL_TEXT = {"light-red": "FFFFFF", "light-green": "FFFFFF"}
HEADER_SHADING = "E8EEF5"
NOTE_COLOUR = "555555"
#: Type sizes (pt): body, tables and notes, headings by level.
BODY_PT, TABLE_PT, NOTE_PT = 11, 9, 9
HEADING_PT = {1: 18, 2: 14, 3: 12}
MARGIN_MM = 20
#: A column's share of the width is its longest line, counted to this many half-width characters.
WIDE_COLUMN = 40
#: A text column is never narrower than this many half-width characters (four Chinese ones).
MIN_TEXT = 8
#: Runs of Latin letters, digits and signs: a line breaks only around them.
_UNBREAKABLE = re.compile(r"[0-9A-Za-z.,:%+\-/_()]+")


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(tag)


def set_fonts(rpr_owner, east_asia: str, latin: str) -> None:
    """Name the fonts on an element that holds rPr (a run, a style, the document defaults).

    Sets w:ascii/w:hAnsi/w:cs to `latin` and w:eastAsia to `east_asia`, and drops the theme
    attributes that would otherwise win in Word.

    Example::

        >>> doc = new_document()
        >>> run = doc.add_paragraph().add_run("通报")
        >>> set_fonts(run._element, "仿宋", "Times New Roman")
        >>> run._element.rPr.rFonts.get(_qn("w:eastAsia"))
        '仿宋'
    """
    rpr = rpr_owner.get_or_add_rPr()
    rfonts = rpr.find(_qn("w:rFonts"))
    if rfonts is None:
        from docx.oxml import OxmlElement

        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(_qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(_qn(attr), latin)
    rfonts.set(_qn("w:eastAsia"), east_asia)


def _set_language(rpr_owner) -> None:
    """Mark text as Chinese (zh-CN) so editors pick East Asian line breaking and fonts."""
    from docx.oxml import OxmlElement

    rpr = rpr_owner.get_or_add_rPr()
    lang = rpr.find(_qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(_qn("w:val"), "en-US")
    lang.set(_qn("w:eastAsia"), "zh-CN")


def new_document(title: str = "", created: datetime | None = None) -> "Document":
    """An empty A4 document in the house style, with fixed core properties.

    Example::

        >>> doc = new_document("月报")
        >>> doc.styles["Normal"].element.rPr.rFonts.get(_qn("w:eastAsia")), doc.core_properties.title
        ('宋体', '月报')
    """
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt, RGBColor

    fonts = config.DOCX_FONTS
    doc = docx.Document()
    defaults = doc.styles.element.find(_qn("w:docDefaults")).find(_qn("w:rPrDefault"))
    rpr_default = defaults.find(_qn("w:rPr"))
    _Owner = type("_Owner", (), {"get_or_add_rPr": lambda self: rpr_default})
    set_fonts(_Owner(), fonts["east_asia"], fonts["latin"])
    _set_language(_Owner())
    normal = doc.styles["Normal"]
    set_fonts(normal.element, fonts["east_asia"], fonts["latin"])
    normal.font.size = Pt(BODY_PT)
    for level, size in HEADING_PT.items():
        style = doc.styles["Title" if level == 1 else f"Heading {level - 1}"]
        set_fonts(style.element, fonts["heading_east_asia"], fonts["latin"])
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = RGBColor(0, 0, 0)
        if level == 1:
            style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
            # The template's Title has a blue rule under it; a 通报 title has none.
            ppr = style.element.find(_qn("w:pPr"))
            border = ppr.find(_qn("w:pBdr")) if ppr is not None else None
            if border is not None:
                ppr.remove(border)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(MARGIN_MM))
    props = doc.core_properties
    stamp = created or datetime(2000, 1, 1)
    props.title, props.author, props.last_modified_by = title, "ledgerlib", "ledgerlib"
    props.comments, props.revision = "", 1
    props.created = props.modified = props.last_printed = stamp
    return doc


def _run(paragraph, text: str, size: float | None = None, bold: bool = False, colour: str | None = None):
    """A run of text in the house fonts; line breaks in `text` stay line breaks."""
    from docx.shared import Pt, RGBColor

    run = paragraph.add_run()
    for i, line in enumerate(text.split("\n")):
        if i:
            run.add_break()
        run.add_text(line)
    set_fonts(run._element, config.DOCX_FONTS["east_asia"], config.DOCX_FONTS["latin"])
    if size:
        run.font.size = Pt(size)
    if bold:
        run.font.bold = True
    if colour:
        run.font.color.rgb = RGBColor.from_string(colour)
    return run


def _heading_run(paragraph, text: str):
    run = paragraph.add_run(text)
    set_fonts(run._element, config.DOCX_FONTS["heading_east_asia"], config.DOCX_FONTS["latin"])
    return run


def add_heading(doc: "Document", text: str, level: int = 2) -> None:
    """The report title (level 1, centred) or a section heading (level 2, 3 ...).

    Example::

        >>> doc = new_document()
        >>> add_heading(doc, "一、总体情况")
        >>> doc.paragraphs[-1].style.name
        'Heading 1'
    """
    style = "Title" if level <= 1 else f"Heading {min(level - 1, 9)}"
    _heading_run(doc.add_paragraph(style=style), text)


def add_paragraph(doc: "Document", text: str, style: str = "") -> None:
    """Body text; style "note" (small grey), "meta" (centred grey subtitle), "pre" (lines
    kept) or "narrative" (a 通报's opening: first line indented two characters).

    Example::

        >>> doc = new_document()
        >>> add_paragraph(doc, "第一行\\n第二行", "pre")
        >>> doc.paragraphs[-1].text
        '第一行\\n第二行'
    """
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from docx.shared import Pt

    p = doc.add_paragraph()
    if style == "meta":
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if style == "narrative":
        p.paragraph_format.first_line_indent = Pt(2 * BODY_PT)  # 首行缩进两字
    small = style in ("note", "meta", "pre")
    colour = NOTE_COLOUR if style in ("note", "meta") else None
    _run(p, text, size=NOTE_PT if small else None, colour=colour)


def _shade(cell, fill: str) -> None:
    from docx.oxml import OxmlElement

    shd = OxmlElement("w:shd")
    shd.set(_qn("w:val"), "clear")
    shd.set(_qn("w:color"), "auto")
    shd.set(_qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)


def _row_flag(row, flag: str) -> None:
    """Set a row property: w:tblHeader (repeat on every page) or w:cantSplit (keep whole)."""
    from docx.oxml import OxmlElement

    el = OxmlElement(f"w:{flag}")
    el.set(_qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(el)


def add_table(doc: "Document", table: Table) -> None:
    """A report table: header rows bold, shaded and repeated on every page; verdicts shaded.

    Example::

        >>> doc = new_document()
        >>> add_table(doc, Table([["部门"]], [["运管科"]], [["pass"]]))
        >>> doc.tables[0].style.name, doc.tables[0].cell(1, 0).text
        ('Table Grid', '运管科')
    """
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    width = max([len(r) for r in table.header + table.rows] or [0])
    if not width:
        return
    t = doc.add_table(rows=0, cols=width)
    t.style = doc.styles[TABLE_STYLE]
    widths = column_widths(table, _text_width(doc))
    for col, w in zip(t.columns, widths):
        col.width = w
    for header in table.header:
        row = t.add_row()
        _row_flag(row, "tblHeader")
        for cell, text in zip(row.cells, header):
            _run(cell.paragraphs[0], text, size=TABLE_PT, bold=True)
            _shade(cell, HEADER_SHADING)
    for i, values in enumerate(table.rows):
        row = t.add_row()
        _row_flag(row, "cantSplit")  # a row never breaks across pages, as in the PDF
        classes = table.classes[i] if i < len(table.classes) else []
        for j, (cell, text) in enumerate(zip(row.cells, values)):
            words = set((classes[j] if j < len(classes) else "").split())
            p = cell.paragraphs[0]
            _run(p, text, size=TABLE_PT, bold=any(w.startswith("light-") for w in words),
                 colour=next((CELL_TEXT[w] for w in words if w in CELL_TEXT), None))
            if "num" in words:
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            for cls, fill in SHADING.items():
                if cls in words:
                    _shade(cell, fill)
    for row in t.rows:  # Word reads each cell's width, LibreOffice the grid's: set both
        for cell, w in zip(row.cells, widths):
            cell.width = w
    doc.add_paragraph()  # space after the table, as in the PDF


def _text_width(doc: "Document") -> int:
    section = doc.sections[0]
    return int(section.page_width - section.left_margin - section.right_margin)


def column_widths(table: Table, total: int) -> list[int]:
    """Column widths (EMU) filling `total`.

    Every column first gets room for its longest unbreakable word (a date, a figure, a
    code: never wrapped) and at least MIN_TEXT characters; the text columns then share what
    is left by how much longer their lines are. Headers may wrap onto two lines.

    Example::

        >>> column_widths(Table([["部门", "截止日期"]], [["运管科", "2021-06-30"]]), 6_000_000)
        [2448275, 3551724]
    """
    n = max([len(r) for r in table.header + table.rows] or [1])
    word, line = [2] * n, [2] * n
    for r in table.header:
        for j, text in enumerate(r):
            line[j] = max(line[j], (_width(text) + 1) // 2)
    for r in table.rows:
        for j, text in enumerate(r):
            line[j] = max(line[j], min(_width(text), WIDE_COLUMN))
            word[j] = max(word[j], max((_width(w) for w in _UNBREAKABLE.findall(text)), default=0))
    # A half-width character at the table type size, measured on the widest common serif
    # (DejaVu, which LibreOffice puts in for Times New Roman where that is not installed).
    char = int(TABLE_PT * 12700 * 0.64)
    pad = 2 * 68580  # Word's default cell margins, 0.075 inch each side
    # One character of slack: a word exactly as wide as its column wraps in some fonts.
    base = [max(min(ln, MIN_TEXT), min(w, WIDE_COLUMN)) + 1 for ln, w in zip(line, word)]
    extra = [max(ln - b, 0) for ln, b in zip(line, base)]
    base_emu = [b * char + pad for b in base]
    if sum(base_emu) >= total or not sum(extra):
        return [int(total * b / sum(base_emu)) for b in base_emu]
    room = total - sum(base_emu)
    return [b + int(room * e / sum(extra)) for b, e in zip(base_emu, extra)]


def _width(text: str) -> int:
    from .xlsx import text_width

    return max((text_width(part) for part in text.split("\n")), default=0)


def add_picture(doc: "Document", png: bytes) -> None:
    """A chart, at its own size or shrunk to the text width.

    Example::

        >>> from ledgerlib import charts
        >>> doc = new_document()
        >>> add_picture(doc, charts.to_png(charts.new_figure(20, 4)))  # wider than the page
        >>> doc.inline_shapes[0].width <= _text_width(doc)
        True
    """
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    section = doc.sections[0]
    text_width = section.page_width - section.left_margin - section.right_margin
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    shape = _run(p, "").add_picture(io.BytesIO(png))
    if shape.width > text_width:
        ratio = text_width / shape.width
        shape.width, shape.height = int(text_width), int(shape.height * ratio)


def add_blocks(doc: "Document", blocks: list[Block]) -> None:
    """Append report blocks (blocks.py) to a document, in order.

    Example::

        >>> doc = new_document()
        >>> add_blocks(doc, [Heading("月报", 1), Paragraph("正文")])
        >>> [p.text for p in doc.paragraphs]
        ['月报', '正文']
    """
    for block in blocks:
        if isinstance(block, Heading):
            add_heading(doc, block.text, block.level)
        elif isinstance(block, Paragraph):
            add_paragraph(doc, block.text, block.style)
        elif isinstance(block, Table):
            add_table(doc, block)
        elif isinstance(block, Picture):
            add_picture(doc, block.png)


def save_document(doc: "Document", path: Path) -> Path:
    """Save a document atomically with fixed dates: the same content gives the same bytes.

    Example::

        >>> import tempfile
        >>> path = save_document(new_document(), Path(tempfile.mkdtemp()) / "a.docx")
        >>> path.read_bytes() == save_document(new_document(), path).read_bytes()
        True
    """
    buf = io.BytesIO()
    doc.save(buf)
    return save_package(buf.getvalue(), path, doc.core_properties.created)


def write_docx(blocks: list[Block], path: Path, title: str = "") -> Path:
    """Write report blocks as a Word file (the one way this suite writes .docx).

    Example::

        >>> import tempfile
        >>> write_docx([Paragraph("正文")], Path(tempfile.mkdtemp()) / "月报.docx").name
        '月报.docx'
    """
    doc = new_document(title)
    add_blocks(doc, blocks)
    return save_document(doc, path)
