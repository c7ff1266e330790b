"""House style of written workbooks: byte-stable saving, CJK-aware widths, row heights that
show wrapped text, and a header row with the panes frozen below it.
"""
from __future__ import annotations

import datetime as dt
import re
import time
import zipfile

import openpyxl
import pytest
from openpyxl import Workbook

from ledgerlib import xlsx


def _workbook() -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = "任务进展"
    xlsx.header_row(ws, 3, ["任务编号", "进展状态", "完成时间"], [10, 14, 12])
    ws.append(["T01", "已完成", dt.date(2021, 6, 3)])
    ws["C4"].number_format = xlsx.DATE_FORMAT
    xlsx.page_setup(ws)
    return wb


def test_same_workbook_saved_a_second_apart_gives_the_same_bytes(tmp_path):
    wb = _workbook()
    first = xlsx.save_workbook(wb, tmp_path / "a" / "运管科.xlsx")
    # openpyxl alone stamps the save time: check that the wait really crosses a second.
    wb.save(tmp_path / "plain_1.xlsx")
    time.sleep(1.1)
    wb.save(tmp_path / "plain_2.xlsx")
    second = xlsx.save_workbook(wb, tmp_path / "b" / "运管科.xlsx")
    assert (tmp_path / "plain_1.xlsx").read_bytes() != (tmp_path / "plain_2.xlsx").read_bytes()
    assert first.read_bytes() == second.read_bytes()
    assert [p.name for p in (tmp_path / "a").iterdir()] == ["运管科.xlsx"]  # no .tmp left behind


def test_saved_workbook_reads_back_and_stamps_the_created_date(tmp_path):
    wb = _workbook()
    wb.properties.created = dt.datetime(2021, 7, 1, 8, 0, 0)
    path = xlsx.save_workbook(wb, tmp_path / "t.xlsx")
    with zipfile.ZipFile(path) as z:
        core = z.read("docProps/core.xml").decode()
        assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in z.infolist())
    stamps = re.findall(r"<dcterms:(created|modified)[^>]*>([^<]*)<", core)
    assert sorted(stamps) == [("created", "2021-07-01T08:00:00Z"), ("modified", "2021-07-01T08:00:00Z")]
    ws = openpyxl.load_workbook(path)["任务进展"]
    assert [c.value for c in ws[3]] == ["任务编号", "进展状态", "完成时间"]
    assert ws["B4"].value == "已完成" and ws["C4"].value == dt.datetime(2021, 6, 3)


def test_different_content_gives_different_bytes(tmp_path):
    a = xlsx.save_workbook(_workbook(), tmp_path / "a.xlsx")
    wb = _workbook()
    wb.active["B4"] = "推进中"
    b = xlsx.save_workbook(wb, tmp_path / "b.xlsx")
    assert a.read_bytes() != b.read_bytes()


@pytest.mark.parametrize("text,width", [("", 0), ("T15a", 4), ("运管科", 6), ("T01 运管科", 10),
                                        ("ＡＢ", 4), ("\u3000", 2), ("2021年6月3日", 12)])
def test_text_width_counts_cjk_and_full_width_as_two(text, width):
    assert xlsx.text_width(text) == width


def test_row_height_grows_with_wrapped_text():
    one_line = xlsx.row_height([("已完成", 14)])
    assert 12 <= one_line <= 24  # about one line of 11-point text
    assert xlsx.row_height([(None, 14)]) == one_line
    long_cjk = "按照省厅要求完成信用信息归集并按月报送" * 3
    taller = xlsx.row_height([(long_cjk, 14)])
    assert taller > one_line
    assert xlsx.row_height([(long_cjk, 40)]) < taller  # a wider column needs fewer lines
    # The same number of characters in Latin letters is half as wide: fewer lines.
    assert xlsx.row_height([("x" * len(long_cjk), 14)]) < taller
    # Line breaks typed in the cell count, and the tallest cell sets the row.
    assert xlsx.row_height([("甲\n乙\n丙", 40)]) > xlsx.row_height([("甲乙丙", 40)])
    assert xlsx.row_height([("已完成", 14), (long_cjk, 14), (None, 10)]) == taller


def test_header_row_styles_and_freezes_panes_below_it(tmp_path):
    wb = Workbook()
    ws = wb.active
    xlsx.header_row(ws, 4, ["填报单位", "报送月份"], [18, 12])
    assert ws.freeze_panes == "A5"
    for cell in ws[4]:
        assert cell.font.bold and cell.fill.fgColor.rgb.endswith("DDEBF7")
        assert cell.alignment.wrap_text and cell.border.left.style == "thin"
    path = xlsx.save_workbook(wb, tmp_path / "h.xlsx")
    back = openpyxl.load_workbook(path).active
    assert back.freeze_panes == "A5"
    assert [c.value for c in back[4]] == ["填报单位", "报送月份"]
    assert back.column_dimensions["A"].width == 18 and back.column_dimensions["B"].width == 12


def test_page_setup_is_a4_landscape_one_page_wide(tmp_path):
    path = xlsx.save_workbook(_workbook(), tmp_path / "p.xlsx")
    ws = openpyxl.load_workbook(path).active
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert int(ws.page_setup.fitToWidth) == 1 and ws.sheet_properties.pageSetUpPr.fitToPage


def test_printed_type_size_on_both_sides_of_the_nine_point_line():
    # A4 landscape with 0.4" margins leaves 842 - 57.6 = 784.4 pt. Nine points of an 11-pt
    # font means a scale of 9/11: columns may add up to 784.4 * 11 / 9 = 958.7 pt.
    # One column of w characters prints (7w + 5) * 0.75 pt: w = 181.9 gives 958.7 pt.
    ws = openpyxl.Workbook().active
    ws.column_dimensions["A"].width = 181
    assert xlsx.printed_type_size(ws) >= 9.0
    ws.column_dimensions["A"].width = 183
    assert xlsx.printed_type_size(ws) < 9.0
    # Columns never given a width print at Excel's default 8.43 characters.
    ws = openpyxl.Workbook().active
    ws["J1"] = "x"
    assert xlsx.printed_type_size(ws) == pytest.approx(11.0)


def test_page_setup_repeats_rows_and_names_the_page(tmp_path):
    wb = _workbook()
    xlsx.page_setup(wb.active, title_rows="4:4", header=("问题清单：运管科.xlsx", "填报单位：A&B", ""))
    ws = openpyxl.load_workbook(xlsx.save_workbook(wb, tmp_path / "p.xlsx")).active
    assert ws.print_title_rows == "$4:$4"
    assert int(ws.page_setup.fitToHeight) == 0
    assert ws.oddHeader.left.text == "问题清单：运管科.xlsx"
    assert ws.oddHeader.center.text == "填报单位：A&&B"  # "&" is a code in Excel's header language
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    assert ws.page_margins.left == pytest.approx(0.4)
