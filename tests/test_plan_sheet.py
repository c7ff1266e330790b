"""Spreadsheet ledgers (ledgerlib.plan_sheet): a bureau's own Excel, LibreOffice .xls, CSV."""
from __future__ import annotations

import warnings

import pytest
from openpyxl import Workbook

from ledgerlib.readers import read_ledger
from paths import ROOT

XLS = ROOT / "tests" / "fixtures" / "libreoffice_saved_ledger_spanning_indicators.xls"


def _read(path, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return read_ledger(path, **kw)


@pytest.mark.parametrize("suffix", [".xls", ".ods"])
def test_libreoffice_xls_with_spanning_indicators_points_and_merges(roster, suffix):
    # Saved by LibreOffice from a sheet with: a title row; 序号/重点工作/工作内容/牵头部门/配合部门/时间节点/分值;
    # indicator rows merged across the table (一、工作组织推进力度（20分）); 重点工作 merged over two rows.
    # calamine gives .xls its merged ranges, .ods none: an empty cell there means 'as above'.
    df = _read(XLS.with_suffix(suffix), roster=roster)
    assert list(df["task_id"]) == ["T01", "T02", "T03", "T04"]
    assert (df["plan_year"] == 2022).all()
    assert list(df["indicator"]) == ["工作组织推进力度"] * 3 + ["信用监管应用"]
    assert list(df["indicator_no"]) == [1, 1, 1, 2]
    assert list(df["sub_indicator"]) == ["组织领导", "组织领导", "制度建设", "分级分类"]  # merged B4:B5
    assert list(df["points"]) == [5.0, 5.0, 10.0, 30.0]
    assert list(df["lead"]) == ["办公室", "法规科", "法规科", "运管科"]
    assert list(df["cooperating"]) == ["法规科", "", "行政审批科;运管科", "道路运输服务中心"]
    assert list(df["deadline_kind"]) == ["date", "recurring", "date", "date"]
    assert [str(d.date()) if d == d else "" for d in df["due_date"]] == ["2022-03-31", "", "2022-06-30", "2022-12-31"]
    assert df["source"].iloc[0] == f"libreoffice_saved_ledger_spanning_indicators{suffix}!任务清单!C4"


def _bureau_workbook(path, header, rows, merges=(), title="XX县交通运输局信用体系建设2022年工作台账"):
    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    ws.append([title])
    ws.append(header)
    for r in rows:
        ws.append(r)
    for m in merges:
        ws.merge_cells(m)
    wb.save(path)
    return path


def test_bureau_excel_with_its_own_header_words(tmp_path, roster):
    p = _bureau_workbook(tmp_path / "own_header_words.xlsx",
                         ["序号", "主要任务", "具体措施", "牵头责任部门", "责任单位", "协同配合部门", "完成时限", "分管领导"],
                         [[1, "一、信用承诺", "推行告知承诺制。", "法规科", "行政审批科", "运管科", "2022年6月15日前", "张伟"],
                          [2, None, "公开信用承诺书。", "法规科", "", "", "长期坚持", "张伟"],
                          [3, "二、信用评价", "开展企业信用评价。", "运管科", "", "安监科", "根据省厅部署", ""]],
                         merges=["B3:B4"])
    df = _read(p, roster=roster)
    assert list(df["indicator"]) == ["信用承诺", "信用承诺", "信用评价"]
    assert list(df["lead"]) == ["法规科", "法规科", "运管科"]
    assert list(df["responsible"]) == ["行政审批科", "", ""]
    assert list(df["cooperating"]) == ["运管科", "", "安监科"]
    assert list(df["leaders"]) == ["张伟", "张伟", ""]
    assert list(df["deadline_kind"]) == ["date", "ongoing", "event"]
    assert str(df["due_date"].iloc[0].date()) == "2022-06-15"
    assert df["departments_text"].iloc[0] == "牵头责任部门：法规科；责任单位：行政审批科；协同配合部门：运管科"


def test_single_department_column_uses_the_grammar(tmp_path, roster):
    p = _bureau_workbook(tmp_path / "one_department_column.xlsx",
                         ["序号", "重点工作", "工作内容", "责任部门", "完成时间"],
                         [[1, "加强组织领导", "每月报送进展。", "局法规科牵头，局相关科室配合", "持续推进"]])
    df = _read(p, roster=roster)
    assert (df["lead"].iloc[0], df["cooperating"].iloc[0]) == ("法规科", "局相关科室")


def test_csv_in_gb18030_without_merges_fills_down(tmp_path, roster):
    p = tmp_path / "ledger_2022.csv"
    p.write_bytes("序号,重点工作,工作任务,牵头单位,完成时限\n1,组织领导,成立工作专班。,办公室,3月底前\n"
                  "2,,明确专人负责。,法规科,\n".encode("gb18030"))
    df = _read(p, roster=roster)
    assert list(df["indicator"]) == ["组织领导", "组织领导"]
    assert list(df["task"]) == ["成立工作专班。", "明确专人负责。"]
    assert (df["plan_year"] == 2022).all()  # from the file name: no title, the only date has no year
    assert df["deadline_kind"].iloc[1] == "unspecified"


@pytest.mark.parametrize("name,content", [
    ("empty.xlsx", b""), ("not_a_workbook.xlsx", b"hello"), ("garbage.xls", b"\xd0\xcf\x11\xe0garbage"),
    ("binary.csv", b"\x00\x01\x02\xff\xfe"),
])
def test_broken_spreadsheets_are_one_clear_error(tmp_path, roster, name, content):
    p = tmp_path / name
    p.write_bytes(content)
    with pytest.raises(ValueError) as e:
        read_ledger(p, roster=roster)
    assert name in str(e.value) and "\n" not in str(e.value)


def test_a_sheet_without_a_ledger_header_says_what_it_looked_for(tmp_path, roster):
    p = _bureau_workbook(tmp_path / "no_header.xlsx", ["姓名", "电话"], [["张三", "123"]])
    with pytest.raises(ValueError, match="具体任务"):
        read_ledger(p, roster=roster)


def test_heading_rows_not_merged_and_numbered_in_the_seq_column(tmp_path, roster):
    p = _bureau_workbook(tmp_path / "wps_headings.xlsx",
                         ["序号", "工作任务", "责任单位", "完成时限", "分值"],
                         [["一", "组织保障", None, None, None],
                          [1, "成立工作专班。", "办公室", "3月底前", 5],
                          ["（一）", "制度完善", None, None, None],
                          [2, "修订信用管理办法。", "法规科", "年底前", "10"],
                          ["二、信用应用（30分）", None, None, None, None],
                          [3, "推行信用承诺。", "行政审批科", "长期坚持", 30]])
    df = _read(p, roster=roster)
    assert list(df["task"]) == ["成立工作专班。", "修订信用管理办法。", "推行信用承诺。"]
    assert list(df["indicator"]) == ["组织保障", "组织保障", "信用应用"]
    assert list(df["indicator_no"]) == [1, 1, 2]
    assert list(df["sub_indicator"]) == ["", "制度完善", ""]
    assert list(df["points"]) == [5.0, 10.0, 30.0]


def test_a_ledger_split_over_sheets_is_read_whole(tmp_path, roster):
    wb = Workbook()
    for k, (name, task, who) in enumerate([("组织领导", "成立工作专班。", "办公室"),
                                           ("信用监管", "推行信用承诺。", "行政审批科")]):
        ws = wb.active if k == 0 else wb.create_sheet()
        ws.title = name
        ws.append([f"{name}任务台账（2022年）"])
        ws.append(["序号", "工作任务", "责任单位", "完成时限"])
        ws.append([1, task, who, "年底前"])
    wb.create_sheet("填表说明").append(["请按时填报"])
    p = tmp_path / "sheet_per_indicator.xlsx"
    wb.save(p)
    df = _read(p, roster=roster)
    assert list(df["task_id"]) == ["T01", "T02"] and list(df["responsible"]) == ["办公室", "行政审批科"]
    assert [s.split("!")[1] for s in df["source"]] == ["组织领导", "信用监管"]
