"""The problems workbook, written without openpyxl, is the workbook openpyxl wrote: part for part,
byte for byte (only the document's own creation time differs)."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from ledgerlib import labels
from ledgerlib.office_theme import THEME_XML
from ledgerlib.submissions import file_name, problems_for_display, problems_page_header, write_problems_workbook
from ledgerlib.xlsx_style import ILLEGAL_CHARACTERS_RE

WIDTHS = (18, 10, 7, 12, 22, 34, 30, 6)


def _with_openpyxl(problems: pd.DataFrame, out: Path, files: pd.DataFrame | None = None) -> Path:
    """write_problems_workbook as it was written with openpyxl (the reference)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, PatternFill

    from ledgerlib.xlsx import header_row, page_setup, put, row_height, save_workbook

    df = problems_for_display(problems.assign(file=problems["file"].map(file_name)))
    wb = Workbook()
    ws = wb.active
    ws.title = labels.PROBLEMS_SHEET
    header_row(ws, 1, list(df.columns), WIDTHS)
    fills = {labels.SEVERITY_LABELS["error"]: PatternFill("solid", fgColor="FFC7CE"),
             labels.SEVERITY_LABELS["warning"]: PatternFill("solid", fgColor="FFEB9C")}
    sev_col = len(df.columns)
    wrap = Alignment(wrap_text=True, vertical="top")
    for i, row in enumerate(df.itertuples(index=False), start=2):
        for j, value in enumerate(row, start=1):
            put(ws, i, j, value).alignment = wrap
        ws.row_dimensions[i].height = row_height([(ws.cell(row=i, column=j).value, w)
                                                  for j, w in enumerate(WIDTHS[:len(row)], start=1)])
        c = ws.cell(row=i, column=sev_col)
        if c.value in fills:
            c.fill = fills[c.value]
    ws.auto_filter.ref = f"A1:{chr(64 + sev_col)}{max(ws.max_row, 1)}"
    page_setup(ws, title_rows="1:1", header=problems_page_header(problems, files))
    wb.properties.title = " ".join(problems_page_header(problems, files))
    return save_workbook(wb, out)


def _problem(**kw) -> dict:
    row = {"file": "2021-07/运管科.xlsx", "sheet": "任务进展", "cell": "E9", "field": "status", "value": "差不多",
           "problem": labels.PROBLEM_LABELS["bad_status"], "expected": labels.EXPECTED_LABELS["status"],
           "severity": "error", "city": "安阳市", "department": "运管科", "month": "2021-07"}
    return {**row, **kw}


CASES = {
    "none": [],
    "one_warning": [_problem(severity="warning")],
    "warning_then_error": [_problem(severity="warning"), _problem(), _problem(severity="warning")],
    "text_that_looks_like_code": [_problem(value="=HYPERLINK(\"http://x\")"), _problem(value="+1"),
                                  _problem(value="-x", severity="warning"), _problem(value="@SUM(A1)"),
                                  _problem(value="#N/A"), _problem(value="=cmd|' /C calc'!A0")],
    "awkward_text": [_problem(value=" 前后有空格 ", field="no_such_field"), _problem(value="响铃\x07与\x1b控制符"),
                     _problem(value="<b>&amp;</b> \"引号\" 'x'"), _problem(value="字" * 40000),
                     _problem(value="", sheet="", cell="", field=""), _problem(value="第一行\n第二行\r\n\t制表")],
    "awkward_names": [_problem(file="D:\\收件\\A&B [Page] &[Page] &P.xlsx", department="局&办公室 ",
                               month="2021-07"),
                      _problem(file="x/" + "很长的文件名" * 20 + ".xlsx", department="法规科", month="2021-08")],
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_problems_workbook_is_byte_for_byte_the_one_openpyxl_wrote(tmp_path, case):
    problems = pd.DataFrame(CASES[case], columns=list(_problem()))
    files = None
    if case == "none":
        files = pd.DataFrame([{"file": "2021-07/办公室.xlsx", "department": "办公室", "month": "2021-07"}])
    ours = write_problems_workbook(problems, tmp_path / "ours.xlsx", files)
    ref = _with_openpyxl(problems, tmp_path / "ref.xlsx", files)
    with zipfile.ZipFile(ours) as a, zipfile.ZipFile(ref) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            x, y = a.read(name), b.read(name)
            if name == "docProps/core.xml":  # the time each was made, and who says they made it
                x, y = (re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"", v) for v in (x, y))
                assert b"<dc:creator>credit-ledger</dc:creator>" in x
                y = y.replace(b"<dc:creator>openpyxl</dc:creator>", b"<dc:creator>credit-ledger</dc:creator>")
            if name == "docProps/app.xml":  # the application named: ours, not openpyxl's release
                assert b"<Application>credit-ledger</Application>" in x
                y = re.sub(rb"<Application>[^<]*</Application><AppVersion>[^<]*</AppVersion>",
                           b"<Application>credit-ledger</Application><AppVersion>0.1</AppVersion>", y)
            assert x == y, name
        assert [i.date_time for i in a.infolist()] == [i.date_time for i in b.infolist()]
    ws = openpyxl.load_workbook(ours)[labels.PROBLEMS_SHEET]  # and openpyxl reads it as before
    assert ws.max_row == len(CASES[case]) + 1 and ws.print_title_rows == "$1:$1"


def test_the_shared_pieces_are_openpyxls():
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE as openpyxl_illegal
    from openpyxl.writer.theme import theme_xml

    assert THEME_XML == theme_xml
    assert ILLEGAL_CHARACTERS_RE.pattern == openpyxl_illegal.pattern


def test_each_row_is_as_tall_as_its_wrapped_text(tmp_path):
    # LibreOffice and WPS keep the default height of a row that states none: wrapped text ran
    # over the rows below. Heights worked out by hand: 16 pt a line + 2; the file column is
    # 18 wide (17 characters a line), a CJK character counts two; Excel keeps at most 409.5.
    short = _problem(file="2021-07/运管科.xlsx", value="x", problem="未填写", expected="整数")
    long_name = _problem(file="2021-07/交通运输综合行政执法支队.xlsx", value="x", problem="未填写", expected="整数")
    huge = _problem(value="字" * 40000, problem="未填写", expected="整数")
    out = write_problems_workbook(pd.DataFrame([short, long_name, huge]), tmp_path / "p.xlsx")
    ws = openpyxl.load_workbook(out)[labels.PROBLEMS_SHEET]
    value_col = 5  # 文件, 工作表, 单元格, 字段, 填写内容
    heights = sorted((ws.cell(row=r, column=1).value, len(ws.cell(row=r, column=value_col).value),
                      ws.row_dimensions[r].height) for r in (2, 3, 4))
    assert heights == [("交通运输综合行政执法支队.xlsx", 1, 34), ("运管科.xlsx", 1, 18),
                       ("运管科.xlsx", 32767, 409.5)]
