"""The notice as a Word file (ledgerlib.plan_docx): a real table with merged cells, python-docx-written."""
from __future__ import annotations

import warnings

import docx
import pytest

from ledgerlib.readers import read_ledger
from ledgerlib.tasktable import parse_warnings

HEADER = ["一级指标", "二级指标", "具体任务", "完成时限", "责任部门"]
ROWS = [  # None: the cell is covered by the merge above it
    ["一、加强组织领导", "建立工作机制", "每季度组织开展1次信用专题学习。", "持续推进", "局法规科牵头，局相关科室配合"],
    [None, None, "制定年度信用工作方案。", "2022年3月底前", "局法规科"],
    [None, "加快推进落实", "每月汇总报送工作进展情况。", "持续推进", "局信用体系建设领导小组成员单位分别负责"],
    ["二、加大信用信息归集共享力度", "加强信用信息归集", "归集本业务领域80%（含）以上市场主体信用信息。", "长期坚持",
     "局运管科、安监科按照职责分工分别负责"],
    [None, None, "更新完善市级交通运输信用信息目录。", "", "局法规科牵头"],
]


def write_word_table_merged_indicators(path, rows=ROWS, merges=((1, 0, 3, 0), (1, 1, 2, 1), (4, 0, 5, 0), (4, 1, 5, 1)),
                                       title="安阳市交通运输局信用体系建设2022年工作要点及台账"):
    """A Word notice as a bureau receives it: title paragraph, then the ledger as a table whose
    indicator cells are vertically merged (w:vMerge), written with python-docx."""
    d = docx.Document()
    d.add_paragraph(title)
    t = d.add_table(rows=1 + len(rows), cols=len(HEADER))
    for j, h in enumerate(HEADER):
        t.cell(0, j).text = h
    for i, r in enumerate(rows, start=1):
        for j, v in enumerate(r):
            if v is not None:
                t.cell(i, j).text = v
    for r0, c0, r1, c1 in merges:
        t.cell(r0, c0).merge(t.cell(r1, c1))
    d.save(path)
    return path


def _read(path, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return read_ledger(path, **kw)


def test_merged_indicator_cells_are_read_as_merged(tmp_path, roster):
    path = write_word_table_merged_indicators(tmp_path / "word_table_merged_indicators.docx")
    body = docx.Document(str(path)).tables[0]._tbl.xml
    assert 'w:vMerge w:val="restart"' in body and "<w:vMerge/>" in body  # really merged in the file
    df = _read(path, roster=roster).set_index("task_id")
    assert len(df) == 5 and (df["plan_year"] == 2022).all()
    assert list(df["indicator_no"]) == [1, 1, 1, 2, 2]
    assert list(df["sub_indicator"]) == ["建立工作机制", "建立工作机制", "加快推进落实", "加强信用信息归集", "加强信用信息归集"]
    assert parse_warnings(_read(path, roster=roster)).empty  # nothing guessed
    assert (df.loc["T01", "lead"], df.loc["T01", "cooperating"]) == ("法规科", "局相关科室")
    assert df.loc["T04", "responsible"] == "运管科;安监科"
    assert str(df.loc["T02", "due_date"].date()) == "2022-03-31"
    assert df.loc["T05", "deadline_kind"] == "unspecified"


def test_heading_rows_spanning_the_table_and_a_table_continued_on_the_next_page(tmp_path, roster):
    d = docx.Document()
    d.add_paragraph("XX市交通运输局2022年信用工作任务台账")
    t = d.add_table(rows=4, cols=5)
    for j, h in enumerate(["序号", "工作任务", "牵头单位", "配合单位", "完成时间"]):
        t.cell(0, j).text = h
    t.cell(1, 0).merge(t.cell(1, 4)).text = "一、信用制度建设（20分）"
    for j, v in enumerate(["1", "制定信用承诺实施办法。", "法规科", "行政审批科", "6月底前"]):
        t.cell(2, j).text = v
    for j, v in enumerate(["2", "建立守信激励清单。", "运管科", "", "三季度"]):
        t.cell(3, j).text = v
    d.add_paragraph("")  # page break in the original: the table goes on without its header
    t2 = d.add_table(rows=2, cols=5)
    t2.cell(0, 0).merge(t2.cell(0, 4)).text = "二、信用监管（30分）"
    for j, v in enumerate(["3", "实施信用分级分类监管。", "运管科", "道路运输服务中心", "年底前"]):
        t2.cell(1, j).text = v
    path = tmp_path / "word_table_spanning_headings.docx"
    d.save(path)
    df = _read(path, roster=roster)
    assert list(df["task_id"]) == ["T01", "T02", "T03"]
    assert list(df["indicator"]) == ["信用制度建设", "信用制度建设", "信用监管"]
    assert list(df["lead"]) == ["法规科", "运管科", "运管科"]
    assert list(df["cooperating"]) == ["行政审批科", "", "道路运输服务中心"]
    assert [str(x.date()) for x in df["due_date"]] == ["2022-06-30", "2022-09-30", "2022-12-31"]


def test_word_file_without_a_table_is_read_as_a_list(tmp_path, roster):
    d = docx.Document()
    for line in ["安阳市交通运输局2022年信用体系建设工作要点", "一、加强组织领导",
                 "1.每季度组织开展1次信用专题学习。", "牵头单位：局法规科", "完成时限：持续推进",
                 "2.制定信用承诺书格式文本。", "牵头单位：局法规科", "配合单位：局行政审批科", "完成时限：2022年4月"]:
        d.add_paragraph(line)
    path = tmp_path / "list_form_in_word.docx"
    d.save(path)
    df = _read(path, roster=roster)
    assert list(df["lead"]) == ["法规科", "法规科"] and list(df["cooperating"]) == ["", "行政审批科"]
    assert str(df["due_date"].iloc[1].date()) == "2022-04-30"


@pytest.mark.parametrize("content", [b"", b"not a zip at all", b"PK\x03\x04broken"])
def test_a_broken_word_file_is_one_clear_error(tmp_path, roster, content):
    p = tmp_path / "broken.docx"
    p.write_bytes(content)
    with pytest.raises(ValueError, match="broken.docx") as e:
        read_ledger(p, roster=roster)
    assert "\n" not in str(e.value)


def test_two_row_header_lead_and_helper_under_one_merged_cell(tmp_path, roster):
    d = docx.Document()
    d.add_paragraph("XX县交通运输局2022年信用体系建设任务分工")
    t = d.add_table(rows=4, cols=5)
    for j, h in enumerate(["序号", "具体任务", "责任单位", None, "完成时限"]):
        if h:
            t.cell(0, j).text = h
    t.cell(0, 2).merge(t.cell(0, 3))
    t.cell(0, 0).merge(t.cell(1, 0))
    t.cell(0, 1).merge(t.cell(1, 1))
    t.cell(0, 4).merge(t.cell(1, 4))
    t.cell(1, 2).text, t.cell(1, 3).text = "牵头单位", "配合单位"
    for j, v in enumerate(["1", "建立信用修复协同机制。", "法规科", "执法监督科", "2022年8月"]):
        t.cell(2, j).text = v
    for j, v in enumerate(["2", "推行信用承诺制。", "行政审批科", "", "年底前"]):
        t.cell(3, j).text = v
    path = tmp_path / "word_two_row_header.docx"
    d.save(path)
    df = _read(path, roster=roster)
    assert list(df["task"]) == ["建立信用修复协同机制。", "推行信用承诺制。"]
    assert list(df["lead"]) == ["法规科", "行政审批科"] and list(df["cooperating"]) == ["执法监督科", ""]
