"""A report's content as blocks (headings, paragraphs, tables, pictures) read from an executed notebook.

The PDF and the Word file show the same thing: the outputs of the code cells not tagged
hidden, without stderr (what `reports.notebook_to_html` renders). HTML outputs are read
back into blocks, so whatever a notebook shows through `ledgerlib.display` (or a plain
pandas table) reaches the .docx without the notebook doing anything for it; PNG outputs
become pictures, stdout and plain-text results preformatted paragraphs.

Example::

    >>> html = '<h2>一、总体情况</h2><table><thead><tr><th>部门</th></tr></thead>'
    >>> html += '<tbody><tr><td class="pass">运管科</td></tr></tbody></table>'
    >>> [type(b).__name__ for b in html_blocks(html)]
    ['Heading', 'Table']
    >>> html_blocks(html)[1].rows, html_blocks(html)[1].classes
    ([['运管科']], [['pass']])
"""
from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

#: Tags that keep a cell out of the documents (papermill's parameter cells, and one for analysts).
HIDDEN_TAGS = frozenset({"parameters", "injected-parameters", "hide-in-report"})


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2  # 1 = the report's title


@dataclass(frozen=True)
class Paragraph:
    text: str
    style: str = ""  # "" body text, "note" small grey, "meta" centred subtitle, "pre" as typed,
    #                  "narrative" a 通报's opening (first line indented two characters)


@dataclass(frozen=True)
class Table:
    header: list[list[str]]  # header rows (usually one)
    rows: list[list[str]]
    classes: list[list[str]] = field(default_factory=list)  # per body cell: "pass", "fail", "na", "num" ...


@dataclass(frozen=True)
class Picture:
    png: bytes


Block = Heading | Paragraph | Table | Picture

_WS = re.compile(r"[ \t\r\n]+")


class _Reader(HTMLParser):
    """HTML of notebook outputs -> blocks. Knows h1-h6, p, pre, table; skips style and script."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._text: list[str] | None = None  # text being collected for a heading, p or pre
        self._kind: tuple[str, str] = ("", "")
        self._skip = 0
        self._table: dict[str, Any] | None = None
        self._row: list[tuple[str, str, int]] | None = None
        self._cell: list[str] | None = None
        self._cell_attrs: tuple[str, int] = ("", 1)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag in ("style", "script"):
            self._skip += 1
        elif tag == "table":
            self._table = {"header": [], "rows": [], "classes": [], "in_head": False}
        elif self._table is not None:
            if tag == "thead":
                self._table["in_head"] = True
            elif tag == "tbody":
                self._table["in_head"] = False
            elif tag == "tr":
                self._row = []
            elif tag in ("td", "th") and self._row is not None:
                self._cell = []
                span = a.get("colspan", "1")
                self._cell_attrs = (a.get("class", ""), int(span) if span.isdigit() else 1)
            elif tag == "br" and self._cell is not None:
                self._cell.append("\n")
        elif re.fullmatch(r"h[1-6]|p|pre", tag):
            self._text = []
            cls = a.get("class", "")
            words = set(cls.split())
            style = ("pre" if tag == "pre" else "note" if words & {"report-note", "footnote"} else
                     "meta" if "report-meta" in words else "narrative" if "narrative" in words else "")
            self._kind = (tag, style)
        elif tag == "br" and self._text is not None:
            self._text.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self._skip = max(0, self._skip - 1)
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            text = _clean("".join(self._cell), keep_lines=True)
            cls, span = self._cell_attrs
            self._row.append((text, cls, span))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table is not None:
            cells = [(t, c) for text, cls, span in self._row
                     for t, c in [(text, cls)] + [("", cls)] * (span - 1)]
            # pandas puts the column names in <thead>; a row of only <th> there is a header row.
            if self._table["in_head"]:
                self._table["header"].append([t for t, _ in cells])
            else:
                self._table["rows"].append([t for t, _ in cells])
                self._table["classes"].append([c for _, c in cells])
            self._row = None
        elif tag == "table" and self._table is not None:
            t = self._table
            width = max([len(r) for r in t["header"] + t["rows"]] or [0])
            pad = lambda r, fill="": r + [fill] * (width - len(r))  # noqa: E731
            if width:
                self.blocks.append(Table([pad(r) for r in t["header"]], [pad(r) for r in t["rows"]],
                                         [pad(c) for c in t["classes"]]))
            self._table = None
        elif self._text is not None and tag == self._kind[0]:
            tag_, style = self._kind
            text = _clean("".join(self._text), keep_lines=(style == "pre"))
            if text:
                if tag_.startswith("h"):
                    self.blocks.append(Heading(text, int(tag_[1])))
                else:
                    self.blocks.append(Paragraph(text, style))
            self._text = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._cell is not None:
            self._cell.append(data)
        elif self._text is not None:
            self._text.append(data)


def _clean(text: str, keep_lines: bool = False) -> str:
    if keep_lines:
        return "\n".join(line.rstrip() for line in text.strip("\n").split("\n")).strip()
    return _WS.sub(" ", text).strip()


def html_blocks(markup: str) -> list[Block]:
    """Headings, paragraphs and tables of an HTML fragment, in order (styles and scripts ignored).

    Example::

        >>> html_blocks('<h2>二、逾期任务</h2><p class="report-note">无</p>')
        [Heading(text='二、逾期任务', level=2), Paragraph(text='无', style='note')]
    """
    reader = _Reader()
    reader.feed(markup)
    reader.close()
    return reader.blocks


def _joined(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def output_blocks(output: dict) -> list[Block]:
    """The blocks of one cell output, by the priority nbconvert renders them (HTML, PNG, text).

    Example::

        >>> output_blocks({"output_type": "stream", "name": "stdout", "text": "共 3 项\\n"})
        [Paragraph(text='共 3 项', style='pre')]
    """
    kind = output.get("output_type")
    if kind == "stream":
        text = _joined(output.get("text", "")).strip("\n")
        return [Paragraph(text, "pre")] if output.get("name") == "stdout" and text.strip() else []
    if kind not in ("display_data", "execute_result"):
        return []  # errors: a report with a failing cell gets no documents
    data = output.get("data", {})
    if "text/html" in data:
        return html_blocks(_joined(data["text/html"]))
    if "image/png" in data:
        return [Picture(base64.b64decode(_joined(data["image/png"])))]
    if "text/plain" in data:
        text = _joined(data["text/plain"]).strip("\n")
        return [Paragraph(text, "pre")] if text.strip() else []
    return []


def notebook_blocks(nb: dict) -> list[Block]:
    """Every block an executed notebook shows in its report, in order.

    Markdown and raw cells are analyst notes; cells tagged in HIDDEN_TAGS stay out.

    Example, on the demo data (`data = ledgerlib.load_processed()`)::

        >>> cell = {"cell_type": "code", "metadata": {}, "outputs": [{"output_type": "display_data", "data": {"text/html": "<h1>月报</h1>"}}]}
        >>> notebook_blocks({"cells": [cell]})
        [Heading(text='月报', level=1)]
    """
    out: list[Block] = []
    for cell in nb["cells"]:
        if cell.get("cell_type") != "code":
            continue
        if set(cell.get("metadata", {}).get("tags", [])) & HIDDEN_TAGS:
            continue
        for output in cell.get("outputs", []):
            out.extend(output_blocks(output))
    return out
