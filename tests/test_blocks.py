"""Notebook outputs read back as report blocks: what the PDF shows is what the .docx gets."""
from __future__ import annotations

import base64

import nbformat
import pandas as pd

from ledgerlib import display
from ledgerlib.blocks import Heading, Paragraph, Picture, Table, html_blocks, notebook_blocks


def _display(obj) -> dict:
    return nbformat.v4.new_output("display_data", data={"text/html": obj._repr_html_(), "text/plain": repr(obj)})


def test_report_table_comes_back_with_its_labels_and_verdicts():
    df = pd.DataFrame({"department": ["运管科", "法规科"], "rate": [0.8, 0.79], "ok": [True, False]})
    table = display.ReportTable(df, {"department": "部门", "rate": "归集率"}, percent=("rate",),
                                colour_by={"rate": "ok"})
    (block,) = html_blocks(table._repr_html_())
    assert block.header == [["部门", "归集率"]]
    assert block.rows == [["运管科", "80.0%"], ["法规科", "79.0%"]]
    assert block.classes == [["", "num pass"], ["", "num fail"]]


def test_plain_pandas_html_escapes_and_colspans():
    df = pd.DataFrame({("一", "a"): [1], ("一", "b"): ["<x> & y"]})
    (block,) = html_blocks(df.to_html())
    assert block.rows[0][-1] == "<x> & y"
    assert all(len(r) == len(block.rows[0]) for r in block.header + block.rows)
    assert html_blocks("<style>td {color: red}</style><p>正文</p>") == [Paragraph("正文")]


def test_notebook_blocks_follow_the_pdf_rules():
    png = base64.b64encode(b"\x89PNG fake").decode()
    nb = nbformat.v4.new_notebook()
    hidden = nbformat.v4.new_code_cell("x", metadata={"tags": ["parameters"]})
    hidden.outputs = [nbformat.v4.new_output("stream", name="stdout", text="HIDDEN")]
    shown = nbformat.v4.new_code_cell("y")
    shown.outputs = [
        nbformat.v4.new_output("display_data", data={"text/html": '<h2>一、总体情况</h2>', "text/plain": "x"}),
        nbformat.v4.new_output("display_data", data={"text/html": '<p class="report-note">注：说明</p>'}),
        nbformat.v4.new_output("stream", name="stderr", text="警告 noise"),
        nbformat.v4.new_output("stream", name="stdout", text="打印的文字\n"),
        nbformat.v4.new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"}),
        nbformat.v4.new_output("execute_result", data={"text/plain": "a    1"}, execution_count=1),
    ]
    nb.cells = [nbformat.v4.new_markdown_cell("分析员笔记"), hidden, shown]
    assert notebook_blocks(nb) == [Heading("一、总体情况", 2), Paragraph("注：说明", "note"),
                                   Paragraph("打印的文字", "pre"), Picture(b"\x89PNG fake"),
                                   Paragraph("a    1", "pre")]


def test_narrative_footnote_and_light_cells_keep_their_kind():
    html = ('<p class="narrative">本月，各部门认真落实……</p><p class="footnote">完成率＝已完成÷任务数</p>'
            '<table><tbody><tr><td class="light-red">红灯</td><td class="light-green">绿灯</td></tr></tbody></table>')
    narrative, footnote, table = html_blocks(html)
    assert narrative == Paragraph("本月，各部门认真落实……", "narrative")
    assert footnote == Paragraph("完成率＝已完成÷任务数", "note")
    assert table.classes == [["light-red", "light-green"]]
