"""The Word writer: Chinese fonts on every run, editable tables, same bytes, LibreOffice opens it."""
from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from pypdf import PdfReader

from ledgerlib import charts, config
from ledgerlib.blocks import Heading, Paragraph, Picture, Table
from ledgerlib.wordfile import TABLE_STYLE, column_widths, write_docx

EAST_ASIA = config.DOCX_FONTS["east_asia"]


def _blocks() -> list:
    charts.setup_fonts()
    fig = charts.rate_bars(__import__("pandas").DataFrame({"部门": ["运管科", "法规科"], "r": [0.8, 0.5]}),
                           "部门", "r", title="完成率")
    return [
        Heading("安阳市交通运输局信用体系建设工作月报", 1),
        Paragraph("2021年6月 · 数据截至2021-06-30", "meta"),
        Heading("一、总体情况", 2),
        Paragraph("本月共有16个部门报送进展。"),
        Paragraph("说明：达标线80%", "note"),
        Table([["部门", "完成率", "信用信息归集率"]],
              [["运管科", "80.0%", "81.6%"], ["交通运输综合行政执法支队", "7.1%", "79.9%"]],
              [["", "num", "num pass"], ["", "num", "num fail"]]),
        Picture(charts.to_png(fig)),
        Paragraph("第一行\n第二行", "pre"),
    ]


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    return write_docx(_blocks(), tmp_path_factory.mktemp("docx") / "通报.docx", title="通报")


def test_every_run_and_the_normal_style_name_the_east_asian_font(written):
    doc = docx.Document(written)
    runs = doc.element.body.findall(".//" + qn("w:r"))
    assert len(runs) > 10
    for run in runs:
        fonts = run.find(qn("w:rPr")).find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) in (EAST_ASIA, config.DOCX_FONTS["heading_east_asia"])
    normal = doc.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == EAST_ASIA
    # A theme font outranks a named one in Word: none is left where we named fonts.
    styles = zipfile.ZipFile(written).read("word/styles.xml").decode()
    defaults = styles[styles.index("<w:docDefaults>"):styles.index("</w:docDefaults>")]
    assert "eastAsiaTheme" not in defaults and f'w:eastAsia="{EAST_ASIA}"' in defaults


def test_headings_text_tables_and_chart_are_there(written):
    doc = docx.Document(written)
    paras = [(p.style.name, p.text) for p in doc.paragraphs if p.text]
    assert ("Title", "安阳市交通运输局信用体系建设工作月报") in paras
    assert ("Heading 1", "一、总体情况") in paras
    assert any(t == "本月共有16个部门报送进展。" for _, t in paras)
    (table,) = doc.tables
    assert table.style.name == TABLE_STYLE
    assert [[c.text for c in r.cells] for r in table.rows] == [
        ["部门", "完成率", "信用信息归集率"], ["运管科", "80.0%", "81.6%"],
        ["交通运输综合行政执法支队", "7.1%", "79.9%"]]
    # The header row repeats on every page; verdict cells are shaded green / red.
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(r._tr.trPr.find(qn("w:cantSplit")) is not None for r in table.rows[1:])
    fills = [c._tc.tcPr.find(qn("w:shd")).get(qn("w:fill")) for c in (table.cell(1, 2), table.cell(2, 2))]
    assert fills == ["C8E6C9", "FFCDD2"]
    assert len(doc.inline_shapes) == 1
    section = doc.sections[0]
    assert doc.inline_shapes[0].width <= section.page_width - section.left_margin - section.right_margin
    assert doc.core_properties.title == "通报"


def test_same_blocks_give_same_bytes(written, tmp_path):
    again = write_docx(_blocks(), tmp_path / "again.docx", title="通报")
    assert again.read_bytes() == written.read_bytes()


def test_short_columns_never_squeezed_text_columns_share_the_rest():
    table = Table([["部门", "具体任务", "截止日期"]],
                  [["运管科", "制定并应用格式规范的信用承诺书，" * 4, "2021-06-30"]])
    total = 6_000_000
    widths = column_widths(table, total)
    assert sum(widths) <= total
    assert widths[1] > widths[0] and widths[1] > widths[2]
    # The date gets at least ten digits at 9 pt (0.64 em each) and the cell margins.
    assert widths[2] >= 10 * 9 * 12700 * 0.64


@pytest.mark.skipif(shutil.which("soffice") is None,
                    reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-writer")
def test_libreoffice_converts_it_with_chinese_text(written, tmp_path):
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(written)],
                   check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "通报.pdf"
    assert pdf.exists()
    reader = PdfReader(pdf)
    text = "".join(p.extract_text() or "" for p in reader.pages)
    for word in ("一、总体情况", "交通运输综合行政执法支队", "81.6%"):
        assert word in text
    fonts = {str(f.get_object()["/BaseFont"]) for p in reader.pages
             for f in (p["/Resources"].get("/Font") or {}).values()}
    assert any("Hei" in f or "CJK" in f or "Song" in f for f in fonts), fonts


def test_a_narrative_is_indented_and_lights_are_filled_in_their_colours(tmp_path):
    path = write_docx([Paragraph("本月，各部门认真落实。", "narrative"),
                       Table([["部门", "灯"]], [["运管科", "红灯"], ["法规科", "绿灯"]],
                             [["", "light-red"], ["", "light-green"]])], tmp_path / "l.docx")
    doc = docx.Document(path)
    assert doc.paragraphs[0].paragraph_format.first_line_indent.pt == 22  # two 11-pt characters
    table = doc.tables[0]
    fills = [table.cell(r, 1)._tc.tcPr.find(qn("w:shd")).get(qn("w:fill")) for r in (1, 2)]
    assert fills == ["E53935", "43A047"]
    assert str(table.cell(1, 1).paragraphs[0].runs[0].font.color.rgb) == "FFFFFF"
