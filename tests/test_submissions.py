"""Reading returned workbooks as Excel and WPS users leave them, and `ledger validate`.

Every workbook here is a real .xlsx written under tmp_path: either the real template
filled in the way Excel saves it (date cells, serial numbers, formulas with cached
values), or built from scratch the way WPS users rework it (renamed and reordered sheets,
title rows, blank rows and columns, full-width spaces, dates and numbers typed as text).
"""
from __future__ import annotations

import io
import struct
import re
import shutil
import subprocess
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from ledgerlib import cells, labels, read_submission
from ledgerlib.roster import Roster
from ledgerlib.submissions import SCHEMAS, TABLE_KEYS, read_submissions, validate_files
from ledgerlib.templates import COVER_CELLS, FIRST_DATA_ROW, SHEETS, build_workbook, column_letter

LEDGER = pd.DataFrame({
    "task_id": ["T01", "T02", "T10", "T15a", "T15b"],
    "indicator": ["健全工作机制", "健全工作机制", "信用承诺", "信用承诺", "信用承诺"],
    "sub_indicator": ["a", "a", "b", "b", "b"],
    "task": ["每季度召开1次专题会议", "每月报送工作台账", "制定信用承诺制度", "制定承诺书", "公开承诺书"],
    "deadline_text": ["持续推进", "每月", "2021年6月", "2020年4月", "持续推进"],
})
ASSIGNMENTS = pd.DataFrame({"task_id": ["T01", "T10", "T15a", "T15b", "T02"],
                            "department": ["运管科", "运管科", "运管科", "运管科", "法规科"],
                            "role": ["lead"] * 5})
ROSTER = Roster(pd.DataFrame({
    "department": ["运管科", "法规科"],
    "aliases": ["运输管理科;局运管科", "局法规科;政策法规科"],
    "kind": ["section", "section"],
    "collectives": ["局相关科室", "局相关科室"],
}))


def problem_codes(sub) -> list[str]:
    """Problem rows as their PROBLEM_LABELS keys (the table holds the Chinese text)."""
    by_text = {v: k for k, v in labels.PROBLEM_LABELS.items()}
    return [by_text[p] for p in sub.problems["problem"]]


def problems_at(sub, cell: str, sheet: str | None = None) -> list[str]:
    """Problem codes reported at one cell (of one sheet, when given)."""
    by_text = {v: k for k, v in labels.PROBLEM_LABELS.items()}
    mask = sub.problems["cell"] == cell
    if sheet is not None:
        mask &= sub.problems["sheet"] == sheet
    return [by_text[p] for p in sub.problems.loc[mask, "problem"]]


# --- workbooks written the way Excel saves the template --------------------------------

def excel_template(department: str = "运管科", month: str = "2021-07"):
    return build_workbook(department, month, LEDGER, ASSIGNMENTS)


def put(wb, key: str, rows: list[dict]) -> None:
    """Write rows (field -> value) into a template sheet from its first data row."""
    ws = wb[SHEETS[key].name]
    for i, row in enumerate(rows):
        for field, value in row.items():
            ws[f"{column_letter(key, field)}{FIRST_DATA_ROW[key] + i}"] = value


def progress_cell(task_index: int, field: str) -> str:
    return f"{column_letter('progress', field)}{FIRST_DATA_ROW['progress'] + task_index}"


def set_cached_values(path: Path, part: str, values: dict[str, str]) -> None:
    """Give formula cells the cached result Excel saves (openpyxl writes `<v />`)."""
    with zipfile.ZipFile(path) as zin:
        items = [(i, zin.read(i.filename)) for i in zin.infolist()]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in items:
            if info.filename == part:
                for ref, v in values.items():
                    data, n = re.subn(rf'(<c r="{ref}"[^>]*><f>[^<]*</f>)(?:<v\s*/>|<v></v>)'.encode(),
                                      rb"\g<1><v>" + v.encode() + rb"</v>", data)
                    assert n == 1, ref
            zout.writestr(info, data)
    path.write_bytes(buf.getvalue())


def filled_excel(tmp_path: Path, name: str = "运管科.xlsx") -> Path:
    wb = excel_template()
    ws = wb[labels.SHEET_PROGRESS]
    ws[COVER_CELLS["filled_by"][1]] = "张三"
    ws[COVER_CELLS["filled_on"][1]] = datetime(2021, 8, 3)
    ws[progress_cell(0, "status")] = "已完成"
    ws[progress_cell(0, "completion_date")] = date(2021, 7, 2)
    ws[progress_cell(0, "progress_note")] = "召开专题会议1次"
    ws[progress_cell(0, "evidence")] = "会议纪要"
    ws[progress_cell(1, "status")] = "推进中"
    ws[progress_cell(1, "progress_note")] = "起草制度"
    ws[progress_cell(2, "status")] = "已完成"
    ws[progress_cell(2, "completion_date")] = 44378  # a serial number typed into a date cell: 2021-07-01
    ws[progress_cell(3, "status")] = "未启动"
    ws[progress_cell(3, "issues")] = "等待省厅部署"
    put(wb, "activities", [
        {"date": date(2021, 7, 5), "activity_type": "专题会议", "count": 1, "note": "第三季度专题会"},
        {"date": date(2021, 7, 20), "activity_type": "信用专题学习", "count": 2, "note": ""},
    ])
    put(wb, "publicity", [{"decision_no": "安交罚〔2021〕12号", "category": "行政处罚",
                           "decision_date": date(2021, 7, 1), "publish_date": date(2021, 7, 6)}])
    put(wb, "collection", [{"field": "道路运输", "total_entities": 1200, "collected_entities": 1000}])
    put(wb, "shared_records", [
        {"record_id": "R001", **{f"indicator_{i}": f"v{i}" for i in range(1, 7)}},
        {"record_id": "R002", **{f"indicator_{i}": f"v{i}" for i in range(1, 11)}},
    ])
    put(wb, "joint_cases", [{"subject": "某运输公司", "measure": "限制参与招投标", "executing_dept": "运管科",
                             "executed_on": date(2021, 7, 9), "matter": "失信联合惩戒"}])
    path = tmp_path / name
    wb.save(path)
    return path


def test_round_trip_template_fill_read(tmp_path):
    sub = read_submission(filled_excel(tmp_path), LEDGER, ROSTER)
    assert (sub.department, sub.month, sub.city) == ("运管科", "2021-07", "安阳市")
    assert sub.cover["filled_by"] == "张三" and sub.cover["filled_on"] == pd.Timestamp(2021, 8, 3)
    p = sub.progress.set_index("task_id")
    assert list(p.index) == ["T01", "T10", "T15a", "T15b"]
    assert list(p["status"]) == ["done", "in_progress", "done", "not_started"]
    assert p.loc["T01", "completion_date"] == pd.Timestamp(2021, 7, 2)
    assert p.loc["T15a", "completion_date"] == pd.Timestamp(2021, 7, 1)
    assert pd.isna(p.loc["T10", "completion_date"])
    assert p.loc["T01", "evidence"] == "会议纪要" and p.loc["T15b", "issues"] == "等待省厅部署"
    assert list(sub.progress["row"]) == [FIRST_DATA_ROW["progress"] + i for i in range(4)]
    assert list(sub.activities["activity_type"]) == ["special_meeting", "study_session"]
    assert list(sub.activities["count"]) == [1, 2]
    pub = sub.publicity.iloc[0]
    assert (pub["decision_no"], pub["category"]) == ("安交罚〔2021〕12号", "penalty")
    assert (pub["decision_date"], pub["publish_date"]) == (pd.Timestamp(2021, 7, 1), pd.Timestamp(2021, 7, 6))
    assert sub.collection[["field", "total_entities", "collected_entities"]].values.tolist() == [["道路运输", 1200, 1000]]
    sr = sub.shared_records
    assert list(sr["record_id"]) == ["R001", "R002"]
    assert list(sr["n_indicators"]) == [10, 10] and list(sr["n_filled"]) == [6, 10]
    assert list(sr["filled_ratio"]) == [0.6, 1.0]
    jc = sub.joint_cases.iloc[0]
    assert (jc["subject"], jc["executed_on"]) == ("某运输公司", pd.Timestamp(2021, 7, 9))
    assert sub.n_errors == 0 and sub.n_warnings == 0, sub.problems


def test_tables_follow_the_data_contract(tmp_path):
    sub = read_submission(filled_excel(tmp_path))
    for key in (*TABLE_KEYS, "problems"):
        df = getattr(sub, key)
        assert list(df.columns) == list(SCHEMAS[key]), key
    assert str(sub.progress["completion_date"].dtype) == "datetime64[us]"
    assert str(sub.activities["count"].dtype) == "Int64"
    assert set(sub.progress["city"]) == {"安阳市"}
    # A file with nothing in a sheet still gives that table, empty, with the same columns.
    empty = read_submission(_save(tmp_path / "blank.xlsx", excel_template()))
    assert empty.activities.empty and list(empty.activities.columns) == list(SCHEMAS["activities"])


def _save(path: Path, wb) -> Path:
    wb.save(path)
    return path


def test_formulas_are_not_evaluated_but_cached_values_read_and_flagged(tmp_path):
    wb = excel_template()
    put(wb, "activities", [{"date": date(2021, 7, 5), "activity_type": "培训", "count": "=1+1"},
                           {"date": date(2021, 7, 6), "activity_type": "约谈", "count": "=A1*0"}])
    path = _save(tmp_path / "运管科.xlsx", wb)
    count_col = column_letter("activities", "count")
    first = FIRST_DATA_ROW["activities"]
    # Sheet 2 is 活动台账; only the first formula gets a cached value, as if Excel saved it.
    set_cached_values(path, "xl/worksheets/sheet2.xml", {f"{count_col}{first}": "7"})
    sub = read_submission(path)
    # 7 is what was saved; a formula engine would have given 2.
    assert list(sub.activities["count"].astype("object")) == [7, pd.NA]
    assert problems_at(sub, f"{count_col}{first}") == ["formula"]
    assert "formula_no_value" in problems_at(sub, f"{count_col}{first + 1}")
    assert set(sub.problems["severity"]) == {"warning"}


def test_macros_are_never_run_but_the_data_is_read(tmp_path):
    path = filled_excel(tmp_path)
    xlsm = tmp_path / "运管科.xlsm"
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(xlsm, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Default Extension="bin" ContentType='
                                    b'"application/vnd.ms-office.vbaProject"/></Types>')
            zout.writestr(info, data)
        zout.writestr("xl/vbaProject.bin", b"\x00Attribute VB_Name = \"Module1\"\x00Sub Auto_Open()\x00")
    sub = read_submission(xlsm)
    assert problem_codes(sub) == ["macros"]
    assert len(sub.progress) == 4 and len(sub.activities) == 2


# --- workbooks as WPS users rework them --------------------------------------------------

def wps_workbook(path: Path, cover_department: str = "运输管理科", cover_month: str = "2021年7月") -> Path:
    wb = openpyxl.Workbook()
    acts = wb.active
    acts.title = "Sheet1"  # 活动台账, renamed and moved first
    acts["B1"] = "运管科信用活动统计表"
    acts["B4"], acts["C4"], acts["D4"], acts["E4"] = "日　期", "活动\n类型", "数量（次）", "备注"
    acts.append([])
    acts["B6"], acts["C6"], acts["D6"], acts["E6"] = "2021.7.3", "专题会", "2", "党组会"
    # row 7 blank
    acts["B8"], acts["C8"], acts["D8"] = "2021年7月15日", "培训", "１"
    acts["B9"], acts["C9"], acts["D9"] = "7/20", "信用专题学习", 1

    prog = wb.create_sheet("进展")
    prog["A1"] = "2021年7月工作台账"
    prog["A2"] = f"填报单位：{cover_department}"
    prog["D2"], prog["E2"] = "报送月份", cover_month
    prog["G2"], prog["H2"] = "填报日期", "2021/8/4"
    headers = ["任务\u3000编号", "一级指标", "具体任务", "完成时限", "进展\n状态", "完成时间", "本月工作进展", "佐证材料",
               "存在问题"]
    for j, h in enumerate(headers, start=1):
        prog.cell(row=5, column=j, value=h)
    prog.append(["T01", "", "", "", "完成", "2021/7/3", "已开会", "", ""])
    prog.append(["t10", "", "", "", "进行中", "", "起草中", "", ""])
    prog.append([None] * 9)
    prog.append(["T15a", "", "", "", "已完成", "2021年6月3日", "", "", ""])
    prog.append(["填报人：李四"])

    pub = wb.create_sheet("公示")
    pub["A3"], pub["B3"], pub["C3"], pub["D3"] = "文书号", "类别", "决定日期", "公示日期"
    pub["A4"], pub["B4"], pub["C4"], pub["D4"] = "安交许〔2021〕5号", "许可", 44378, "2021-07-06"

    col = wb.create_sheet("归集")
    col.append(["业务领域", "市场主体总数", "已归集主体数"])
    col.append(["道路运输", "1,200", "1000家"])
    col.append(["水路运输", 80, 70])
    col.append(["合计", 1280, 1070])

    shared = wb.create_sheet("共享")
    shared.append(["记录编号", "指标1", "指标2", "指标3", "指标4", "指标5"])
    shared.append(["A-1", "x", "x", "x", None, None])
    shared.append(["A-2", "x", "x", "x", "x", "x"])
    wb.save(path)
    return path


def test_wps_workbook_is_read_by_headers_not_names(tmp_path):
    sub = read_submission(wps_workbook(tmp_path / "运管科.xlsx"), LEDGER, ROSTER)
    assert (sub.department, sub.month) == ("运管科", "2021-07")  # alias in the cover resolved
    assert sub.cover["filled_by"] == "李四" and sub.cover["filled_on"] == pd.Timestamp(2021, 8, 4)
    p = sub.progress
    assert list(p["task_id"]) == ["T01", "T10", "T15a"]
    assert list(p["status"]) == ["done", "in_progress", "done"]
    assert list(p["completion_date"]) == [pd.Timestamp(2021, 7, 3), pd.NaT, pd.Timestamp(2021, 6, 3)]
    assert list(p["row"]) == [6, 7, 9]
    a = sub.activities
    assert list(a["date"]) == [pd.Timestamp(2021, 7, 3), pd.Timestamp(2021, 7, 15), pd.Timestamp(2021, 7, 20)]
    assert list(a["activity_type"]) == ["special_meeting", "training", "study_session"]
    assert list(a["count"]) == [2, 1, 1] and list(a["note"]) == ["党组会", "", ""]
    assert list(a["row"]) == [6, 8, 9]
    assert sub.publicity[["category", "decision_date", "publish_date"]].values.tolist() == [
        ["license", pd.Timestamp(2021, 7, 1), pd.Timestamp(2021, 7, 6)]]
    # The totals row is not data.
    assert sub.collection[["field", "total_entities", "collected_entities"]].values.tolist() == [
        ["道路运输", 1200, 1000], ["水路运输", 80, 70]]
    assert list(sub.shared_records["n_indicators"]) == [5, 5]
    assert list(sub.shared_records["filled_ratio"]) == [0.6, 1.0]
    # Only the year-less date is worth telling the liaison about.
    assert problem_codes(sub) == ["date_ambiguous_year"]
    assert sub.problems.iloc[0][["sheet", "cell", "field"]].tolist() == ["Sheet1", "B9", "date"]


def test_a_bad_field_keeps_the_rest_of_its_row(tmp_path):
    wb = excel_template()
    ws = wb[labels.SHEET_PROGRESS]
    ws[progress_cell(0, "status")] = "差不多了"
    ws[progress_cell(0, "completion_date")] = "2021-07-05"
    ws[progress_cell(0, "progress_note")] = "已开会"
    ws[progress_cell(1, "status")] = "推进中"
    ws[progress_cell(1, "completion_date")] = "下周"
    put(wb, "activities", [{"date": "7月32日", "activity_type": "培训", "count": "很多", "note": "全员"}])
    put(wb, "collection", [{"field": "道路运输", "total_entities": 100, "collected_entities": 120}])
    sub = read_submission(_save(tmp_path / "运管科.xlsx", wb))
    row0 = sub.progress.iloc[0]
    assert (row0["task_id"], row0["status"], row0["completion_date"], row0["progress_note"]) == (
        "T01", "", pd.Timestamp(2021, 7, 5), "已开会")
    row1 = sub.progress.iloc[1]
    assert row1["status"] == "in_progress" and pd.isna(row1["completion_date"])
    assert problems_at(sub, progress_cell(0, "status")) == ["bad_status"]
    assert problems_at(sub, progress_cell(1, "completion_date")) == ["bad_date"]
    bad = sub.problems.loc[sub.problems["cell"] == progress_cell(0, "status")].iloc[0]
    assert bad["value"] == "差不多了" and bad["field"] == "status" and bad["severity"] == "error"
    assert bad["expected"] == labels.EXPECTED_LABELS["status"] and bad["sheet"] == labels.SHEET_PROGRESS
    act = sub.activities.iloc[0]
    assert act["activity_type"] == "training" and act["note"] == "全员"
    assert pd.isna(act["date"]) and pd.isna(act["count"])
    first = FIRST_DATA_ROW["activities"]
    assert problems_at(sub, f"{column_letter('activities', 'count')}{first}", labels.SHEET_ACTIVITIES) == ["bad_number"]
    assert problems_at(sub, f"{column_letter('activities', 'date')}{first}", labels.SHEET_ACTIVITIES) == ["bad_date"]
    assert sub.collection.iloc[0]["collected_entities"] == 120
    assert "collected_exceeds_total" in problem_codes(sub)


def test_done_without_date_and_date_after_the_month_are_warnings(tmp_path):
    wb = excel_template()
    ws = wb[labels.SHEET_PROGRESS]
    ws[progress_cell(0, "status")] = "已完成"
    ws[progress_cell(1, "status")] = "已完成"
    ws[progress_cell(1, "completion_date")] = date(2021, 9, 1)
    sub = read_submission(_save(tmp_path / "运管科.xlsx", wb))
    assert problems_at(sub, progress_cell(0, "completion_date")) == ["missing_value"]
    assert problems_at(sub, progress_cell(1, "completion_date")) == ["date_after_month"]
    assert sub.n_errors == 0


# --- files that cannot be read -----------------------------------------------------------

def _unreadable_files(tmp_path: Path) -> dict[str, Path]:
    good = filled_excel(tmp_path, "good.xlsx").read_bytes()
    files = {
        "file_empty": b"",
        "not_a_workbook": "任务编号,进展状态\nT01,已完成\n".encode("utf-8"),
        "corrupt": good[: len(good) // 2],
        "encrypted": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptionInfo".encode("utf-16-le")
                     + b"\x00" * 512,
    }
    zbuf = io.BytesIO()
    with zipfile.ZipFile(zbuf, "w") as z:
        z.writestr("readme.txt", "not a workbook")
    files["zip_not_workbook"] = zbuf.getvalue()
    out = {}
    for name, data in files.items():
        p = tmp_path / f"{name}.xlsx"
        p.write_bytes(data)
        out[name] = p
    empty = tmp_path / "workbook_empty.xlsx"
    openpyxl.Workbook().save(empty)
    out["workbook_empty"] = empty
    return out


@pytest.mark.parametrize("kind, code", [
    ("file_empty", "file_empty"), ("not_a_workbook", "not_a_workbook"), ("corrupt", "corrupt"),
    ("encrypted", "encrypted"), ("zip_not_workbook", "not_a_workbook"), ("workbook_empty", "workbook_empty"),
])
def test_unreadable_file_gives_one_problem_row_not_an_exception(tmp_path, kind, code):
    path = _unreadable_files(tmp_path)[kind]
    sub = read_submission(path, LEDGER, ROSTER, base_dir=tmp_path)
    assert problem_codes(sub) == [code]
    assert sub.problems.iloc[0]["severity"] == "error" and sub.problems.iloc[0]["file"] == path.name
    assert all(getattr(sub, k).empty for k in TABLE_KEYS)
    assert not sub.readable or kind == "workbook_empty"


def test_missing_file_is_a_problem_too(tmp_path):
    sub = read_submission(tmp_path / "nope.xlsx")
    assert problem_codes(sub) == ["file_gone"]
    (tmp_path / "folder.xlsx").mkdir()  # there, but no file: not a workbook
    assert problem_codes(read_submission(tmp_path / "folder.xlsx")) == ["not_a_workbook"]


# --- department, month, city -------------------------------------------------------------

def test_department_and_month_come_from_the_path_without_a_cover(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(labels.PROGRESS_HEADERS)
    ws.append(["T01", "", "", "", "已完成", "2021-06-30"])
    folder = tmp_path / "submissions" / "2021-06"
    folder.mkdir(parents=True)
    sub = read_submission(_save(folder / "局运管科.xlsx", wb), LEDGER, ROSTER, base_dir=tmp_path)
    assert (sub.department, sub.month, sub.file) == ("运管科", "2021-06", "submissions/2021-06/局运管科.xlsx")
    assert problem_codes(sub) == ["cover_missing"]
    assert set(sub.progress["file"]) == {"submissions/2021-06/局运管科.xlsx"}


def test_cover_and_path_disagreeing_is_reported_and_the_cover_wins(tmp_path):
    folder = tmp_path / "2021-08"
    folder.mkdir()
    sub = read_submission(wps_workbook(folder / "法规科.xlsx"), LEDGER, ROSTER)
    assert (sub.department, sub.month) == ("运管科", "2021-07")
    codes = problem_codes(sub)
    assert "department_mismatch" in codes and "month_mismatch" in codes
    mm = sub.problems.loc[sub.problems["field"] == "month"].iloc[0]
    assert (mm["sheet"], mm["cell"], mm["severity"]) == ("进展", "E2", "error")


def test_unknown_department_and_task_are_reported_only_with_roster_and_ledger(tmp_path):
    wb = excel_template("运管科")
    wb[labels.SHEET_PROGRESS][COVER_CELLS["department"][1]] = "宣传科"
    wb[labels.SHEET_PROGRESS][progress_cell(0, "task_id")] = "T99"
    path = _save(tmp_path / "宣传科.xlsx", wb)
    with_both = read_submission(path, LEDGER, ROSTER)
    assert "department_unknown" in problem_codes(with_both) and "unknown_task" in problem_codes(with_both)
    assert problems_at(with_both, COVER_CELLS["department"][1]) == ["department_unknown"]
    without = read_submission(path, roster=False)
    assert without.department == "宣传科"
    assert "department_unknown" not in problem_codes(without) and "unknown_task" not in problem_codes(without)
    assert "T99" in set(without.progress["task_id"])  # kept, not dropped


def test_city_comes_from_a_multi_city_path(tmp_path):
    folder = tmp_path / "submissions" / "鹤壁市" / "2021-07"
    folder.mkdir(parents=True)
    path = filled_excel(folder)
    assert read_submission(path).city == "鹤壁市"
    assert read_submission(path, city="安阳市").city == "安阳市"
    assert set(read_submission(path).problems["city"]) <= {"鹤壁市"}


def test_batch_read_matches_single_reads(tmp_path):
    (tmp_path / "wps").mkdir()
    paths = [filled_excel(tmp_path), wps_workbook(tmp_path / "wps" / "运管科.xlsx"), tmp_path / "missing.xlsx"]
    batch = read_submissions(paths, LEDGER, ROSTER)
    singles = [read_submission(p, LEDGER, ROSTER) for p in paths]
    for key in (*TABLE_KEYS, "problems"):
        expected = pd.concat([getattr(s, key) for s in singles], ignore_index=True)
        pd.testing.assert_frame_equal(batch.tables[key], expected, check_dtype=True)
    assert list(batch.files["n_errors"]) == [s.n_errors for s in singles]
    assert list(batch.files["readable"]) == [True, True, False]


# --- ledger validate ---------------------------------------------------------------------

def test_validate_prints_writes_and_exits_nonzero_on_errors(tmp_path, capsys):
    good = filled_excel(tmp_path)
    bad = tmp_path / "坏文件.xlsx"
    bad.write_text("not a workbook")
    out = tmp_path / "out" / "problems.xlsx"
    assert validate_files([good, bad], out=out, raw_dir=tmp_path) == 1
    printed = capsys.readouterr().out
    assert labels.COLUMN_LABELS["problem"] in printed and labels.PROBLEM_LABELS["not_a_workbook"] in printed
    ws = openpyxl.load_workbook(out)[labels.PROBLEMS_SHEET]
    header = [c.value for c in ws[1]]
    assert header[:8] == [labels.COLUMN_LABELS[k] for k in
                          ("file", "sheet", "cell", "field", "value", "problem", "expected", "severity")]
    assert ws["A1"].font.bold and ws.freeze_panes == "A2"
    assert ws.max_row == 2  # one problem: the unreadable file
    assert ws["H2"].value == labels.SEVERITY_LABELS["error"] and ws["H2"].fill.fgColor.rgb.endswith("FFC7CE")


def test_validate_returns_zero_when_there_are_only_warnings(tmp_path, capsys):
    wb = excel_template()
    wb[labels.SHEET_PROGRESS][progress_cell(0, "status")] = "已完成"  # no date: a warning
    path = _save(tmp_path / "运管科.xlsx", wb)
    out = tmp_path / "p.xlsx"
    assert validate_files([path], out=out, raw_dir=tmp_path) == 0
    ws = openpyxl.load_workbook(out)[labels.PROBLEMS_SHEET]
    fields = [ws.cell(row=r, column=4).value for r in range(2, ws.max_row + 1)]
    assert labels.PROGRESS_HEADERS[5] in fields  # 完成日期, in Chinese for the liaison
    assert "提示" in capsys.readouterr().out


def test_a_resubmission_copy_suffix_is_not_part_of_the_department(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(labels.PROGRESS_HEADERS)
    wb.active.append(["T01", "", "", "", "推进中"])
    folder = tmp_path / "2021-07"
    folder.mkdir()
    for name in ("运管科_v2.xlsx", "运管科(1).xlsx"):
        sub = read_submission(_save(folder / name, wb), LEDGER, ROSTER)
        assert (sub.department, sub.month) == ("运管科", "2021-07")
        assert "department_unknown" not in problem_codes(sub)


def _bad_return(folder):
    """A real template returned with a wrong status and date on every task row."""
    wb = excel_template()
    ws = wb[labels.SHEET_PROGRESS]
    for i in range(3):
        ws[progress_cell(i, "status")] = "差不多完成了吧"
        ws[progress_cell(i, "completion_date")] = "2021年13月"
    folder.mkdir(parents=True, exist_ok=True)
    return _save(folder / "运管科.xlsx", wb)


def test_problems_workbook_prints_landscape_named_by_file_department_and_month(tmp_path, capsys):
    from ledgerlib.xlsx import PRINT_MIN_PT, printed_type_size

    path = _bad_return(tmp_path / "srv" / "收件" / "2021-07")
    out = tmp_path / "p.xlsx"
    assert validate_files([path], out=out, raw_dir=tmp_path) == 1
    ws = openpyxl.load_workbook(out)[labels.PROBLEMS_SHEET]
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.print_title_rows == "$1:$1"
    assert printed_type_size(ws) >= PRINT_MIN_PT
    # The top of every page: the file's name (no folder), the department, the month.
    assert ws.oddHeader.left.text == "问题清单：运管科.xlsx"
    assert "运管科" in ws.oddHeader.center.text and "2021-07" in ws.oddHeader.right.text
    files = {ws.cell(row=r, column=1).value for r in range(2, ws.max_row + 1)}
    assert files == {"运管科.xlsx"}
    assert "srv" not in "".join(str(c.value) for row in ws.iter_rows() for c in row)
    assert all(c.alignment.wrap_text for row in ws.iter_rows(min_row=2) for c in row)


def test_a_value_that_looks_like_a_formula_stays_text_in_the_problems_workbook(tmp_path, capsys):
    wb = excel_template()
    cell = wb[labels.SHEET_PROGRESS][progress_cell(0, "status")]
    cell.value = "=HYPERLINK(\"http://x\")"
    cell.data_type = "s"  # typed as text (a leading apostrophe in Excel): not a formula
    path = _save(tmp_path / "运管科.xlsx", wb)
    out = tmp_path / "p.xlsx"
    validate_files([path], out=out, raw_dir=tmp_path)
    ws = openpyxl.load_workbook(out)[labels.PROBLEMS_SHEET]
    values = [c for row in ws.iter_rows(min_row=2) for c in row if str(c.value).startswith("=HYPERLINK")]
    assert values and all(c.data_type == "s" for c in values)


@pytest.mark.skipif(shutil.which("soffice") is None,
                    reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-calc")
def test_libreoffice_prints_the_problems_on_one_landscape_page(tmp_path, capsys):
    from pypdf import PdfReader

    path = _bad_return(tmp_path / "in" / "2021-07")
    out = tmp_path / "问题清单.xlsx"
    validate_files([path], out=out, raw_dir=tmp_path)
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
                   check=True, capture_output=True, timeout=180)
    reader = PdfReader(tmp_path / "问题清单.pdf")
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert box.width > box.height  # landscape
    text = reader.pages[0].extract_text()
    for word in ("问题清单：运管科.xlsx", "填报单位：运管科", "2021-07", labels.COLUMN_LABELS["expected"]):
        assert word in text


# --- every format `receive` accepts, saved by office software; encrypted files ----------

FIXTURES = Path(__file__).parent / "fixtures"


def _content(sub) -> dict[str, list]:
    """What a return says, without where it came from (file names differ by format)."""
    return {"progress": sub.progress[["task_id", "status", "completion_date", "progress_note"]].values.tolist(),
            "activities": sub.activities[["date", "activity_type", "count", "note"]].astype(object).values.tolist(),
            "joint_cases": sub.joint_cases[["subject", "measure", "executing_dept", "executed_on", "matter"]]
            .values.tolist()}


@pytest.mark.parametrize("suffix", ["xlsx", "xls", "ods"])
def test_libreoffice_saved_returns_read_alike_in_every_format(suffix):
    """tests/fixtures/make_office_fixtures.py: the 运管科 template for 2021-06, filled and saved by LibreOffice."""
    sub = read_submission(FIXTURES / f"libreoffice_saved.{suffix}")
    assert (sub.department, sub.month, sub.readable) == ("运管科", "2021-06", True)
    content = _content(sub)
    assert [r[1] for r in content["progress"][:3]] == ["done", "in_progress", ""]
    assert content["progress"][0][2] == pd.Timestamp("2021-06-20") and content["progress"][1][3] == "完成初稿"
    assert content["activities"] == [[pd.Timestamp("2021-06-15"), "training", 3, "信用培训"],
                                     [pd.Timestamp("2021-06-25"), "interview", pd.NA, "约谈企业"]]
    assert content["joint_cases"] == [["安阳市某运输有限公司", "限制参与招投标", "运管科", pd.Timestamp("2021-06-18"),
                                       "失信联合惩戒"]]
    # =NA() in 数量: calamine reads it as empty; the reader says it is an error value, at its cell.
    at_c4 = sub.problems[(sub.problems["sheet"] == SHEETS["activities"].name) & (sub.problems["cell"] == "C4")]
    assert at_c4[["field", "value", "problem", "severity"]].values.tolist() == [
        ["count", "#N/A", labels.PROBLEM_LABELS["excel_error"], "warning"]]
    assert _content(sub) == _content(read_submission(FIXTURES / "libreoffice_saved.xlsx"))


@pytest.mark.parametrize("suffix", ["xlsx", "xls", "ods"])
def test_a_password_protected_file_is_reported_as_such_in_every_format(suffix, tmp_path):
    """Encrypted with the password `secret`: .xlsx by msoffcrypto-tool (as Excel/WPS do), .xls/.ods by LibreOffice."""
    sub = read_submission(FIXTURES / f"password_protected.{suffix}", base_dir=FIXTURES)
    assert sub.problems[["file", "problem", "expected", "severity"]].values.tolist() == [
        [f"password_protected.{suffix}", labels.PROBLEM_LABELS["encrypted"], labels.EXPECTED_LABELS["no_password"],
         "error"]]
    assert "密码" in labels.EXPECTED_LABELS["no_password"] and not sub.readable


# --- plausibility: warnings at the cell, the row kept -------------------------------------

def _problems_at(sub, sheet_key: str, cell: str) -> list[str]:
    p = sub.problems
    return p.loc[(p["sheet"] == SHEETS[sheet_key].name) & (p["cell"] == cell), "problem"].tolist()


def test_dates_outside_the_plan_year_or_after_receipt_are_warned_and_kept(tmp_path):
    wb = excel_template()  # a 2021-07 return: plan year 2021, plausible 2020-01-01 .. 2022-12-31
    rows = [(date(1900, 1, 1), date(2021, 7, 6)), (date(2021, 7, 1), date(2099, 1, 1)),
            (date(2027, 3, 1), date(2027, 3, 5)), (date(2020, 1, 1), date(2021, 8, 2)),
            (date(2019, 12, 31), date(2023, 1, 1)), (date(2021, 7, 30), date(2021, 8, 3)),
            (date(2021, 7, 30), date(2021, 8, 4))]
    put(wb, "publicity", [{"decision_no": f"安交罚〔2021〕{i}号", "category": "行政处罚", "decision_date": d,
                           "publish_date": p} for i, (d, p) in enumerate(rows, start=1)])
    path = _save(tmp_path / "运管科.xlsx", wb)
    sub = read_submission(path, received_at=datetime(2021, 8, 3, 9, 30))
    assert len(sub.publicity) == len(rows)  # every row kept, dates as written
    assert sub.publicity["decision_date"].tolist()[0] == pd.Timestamp("1900-01-01")
    first = FIRST_DATA_ROW["publicity"]
    d_col, p_col = column_letter("publicity", "decision_date"), column_letter("publicity", "publish_date")
    far, late = labels.PROBLEM_LABELS["date_implausible"], labels.PROBLEM_LABELS["date_after_receipt"]
    expected = {0: ([far], []), 1: ([], [far]), 2: ([far], [far]), 3: ([], []), 4: ([far], [far]),
                5: ([], []),  # published on the day of receipt: fine
                6: ([], [late])}  # published the day after the file arrived: not yet possible
    for i, (on_decision, on_publish) in expected.items():
        assert _problems_at(sub, "publicity", f"{d_col}{first + i}") == on_decision, i
        assert _problems_at(sub, "publicity", f"{p_col}{first + i}") == on_publish, i
    row = sub.problems[sub.problems["problem"] == far].iloc[0]
    assert row["severity"] == "warning" and "2020-01-01" in row["expected"] and "2022-12-31" in row["expected"]
    # Without a receipt time only the plan year is checked.
    assert late not in set(read_submission(path).problems["problem"])


def test_text_over_excels_cell_limit_is_warned_at_its_cell_and_kept_whole(tmp_path):
    wb = excel_template()
    put(wb, "joint_cases", [{"subject": "甲公司", "measure": "限制", "executing_dept": "运管科",
                             "executed_on": date(2021, 7, 9), "matter": "事" * 32767},
                            {"subject": "乙公司", "measure": "限制", "executing_dept": "运管科",
                             "executed_on": date(2021, 7, 9), "matter": "placeholder"}])
    # Excel and openpyxl cut at 32,767; a script or another program writing the file need not.
    cell = wb[SHEETS["joint_cases"].name][f"{column_letter('joint_cases', 'matter')}{FIRST_DATA_ROW['joint_cases'] + 1}"]
    cell._value = "事" * 40000
    sub = read_submission(_save(tmp_path / "运管科.xlsx", wb))
    assert sub.joint_cases["matter"].str.len().tolist() == [32767, 40000]  # the table keeps it all
    col, first = column_letter("joint_cases", "matter"), FIRST_DATA_ROW["joint_cases"]
    too_long = labels.PROBLEM_LABELS["text_too_long"]
    assert _problems_at(sub, "joint_cases", f"{col}{first}") == []
    assert _problems_at(sub, "joint_cases", f"{col}{first + 1}") == [too_long]
    row = sub.problems[sub.problems["problem"] == too_long].iloc[0]
    assert row["severity"] == "warning" and len(row["value"]) < 300  # the problem row does not copy 40,000 characters


@pytest.mark.parametrize("typed, taken, guessed", [
    ("已完成", "done", False), ("已完成（6月底）", "done", False), ("完成", "done", False),
    ("完成80%", "done", True), ("推进种", "in_progress", True), ("未启动吧", "not_started", True),
])
def test_a_status_read_by_a_near_match_says_what_was_read_and_taken(tmp_path, typed, taken, guessed):
    wb = excel_template()
    wb[labels.SHEET_PROGRESS][progress_cell(0, "status")] = typed
    sub = read_submission(_save(tmp_path / "运管科.xlsx", wb))
    assert sub.progress["status"].iloc[0] == taken
    said = sub.problems.loc[sub.problems["cell"] == progress_cell(0, "status"), "problem"].tolist()
    if guessed:
        assert said == [f"进展状态「{typed}」不是规范写法，已按「{labels.STATUS_LABELS[taken]}」读取"]
    else:
        assert said == []


def test_without_a_roster_the_projects_roster_resolves_aliases(tmp_path):
    """As in JupyterLab: `read_submission(path)` in the checkout uses data/raw/departments.csv."""
    wb = excel_template("运管科")
    wb[labels.SHEET_PROGRESS][COVER_CELLS["department"][1]] = "局运管科"  # the roster's alias
    path = _save(tmp_path / "return.xlsx", wb)
    assert read_submission(path).department == "运管科"
    assert read_submission(path, roster=False).department == "局运管科"


@pytest.mark.parametrize("name", ["运管科(更正).xlsx", "运管科（修改版）.xlsx", "运管科【2】.xlsx", "运管科_v3.xlsx"])
def test_an_unreadable_file_takes_its_department_from_a_name_with_a_note(tmp_path, name):
    path = tmp_path / "2021-07" / name
    path.parent.mkdir()
    path.write_bytes((FIXTURES / "password_protected.xlsx").read_bytes())
    sub = read_submission(path, LEDGER, ROSTER)
    assert (sub.department, sub.month, sub.readable) == ("运管科", "2021-07", False)


# --- the workbook's parts, inflated in one call ------------------------------------------

def _rezip(src: bytes, change) -> bytes:
    """The workbook's zip written again, each member's bytes through change(name, data) and
    stored or deflated as change says (name -> (data, compress_type))."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(src)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            data, kind = change(info.filename, zin.read(info.filename))
            zout.writestr(info.filename, data, compress_type=kind)
    return out.getvalue()


def test_every_part_is_what_zipfile_reads(tmp_path):
    from ledgerlib.submissions import _member

    files = sorted((Path(__file__).parent.parent / "data" / "raw" / "submissions").rglob("*.xlsx"))[:20]
    stored = _rezip(files[0].read_bytes(), lambda n, d: (d, zipfile.ZIP_STORED))
    for data in [f.read_bytes() for f in files] + [stored]:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for name in zf.namelist():
                assert _member(zf, name) == zf.read(name)
            with pytest.raises(KeyError):
                _member(zf, "xl/worksheets/sheet99.xml")


def _flip_in_sheet1(data: bytes) -> bytes:
    """One byte of sheet1's deflated bytes changed, the zip's records left as they were."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    at = start + info.compress_size // 2
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1:]


def test_a_damaged_part_is_corrupt_as_before(tmp_path):
    # A flipped bit inside a sheet's deflated bytes: the inflate fails or the CRC-32 does not
    # match. Either way the file is reported corrupt, as zipfile's own read reported it.
    good = filled_excel(tmp_path, "good.xlsx").read_bytes()
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(_flip_in_sheet1(good))
    sub = read_submission(path, LEDGER, ROSTER, base_dir=tmp_path)
    assert problem_codes(sub) == ["corrupt"] and not sub.readable


def test_a_workbook_stored_without_compression_reads_the_same(tmp_path):
    good = filled_excel(tmp_path, "good.xlsx")
    stored = tmp_path / "stored.xlsx"
    stored.write_bytes(_rezip(good.read_bytes(), lambda n, d: (d, zipfile.ZIP_STORED)))
    a = read_submission(good, LEDGER, ROSTER, base_dir=tmp_path)
    b = read_submission(stored, LEDGER, ROSTER, base_dir=tmp_path)
    pd.testing.assert_frame_equal(a.progress.drop(columns="file"), b.progress.drop(columns="file"))
    assert problem_codes(a) == problem_codes(b)


def test_a_part_whose_crc_does_not_match_is_refused_like_zipfile_refuses_it(tmp_path):
    from ledgerlib.submissions import _member

    data = filled_excel(tmp_path, "good.xlsx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        zf.getinfo("xl/worksheets/sheet1.xml").CRC ^= 1  # inflates fine, checks wrong
        with pytest.raises(zipfile.BadZipFile):
            zf.read("xl/worksheets/sheet1.xml")
        with pytest.raises(zipfile.BadZipFile):
            _member(zf, "xl/worksheets/sheet1.xml")


# --- a "zip bomb": small on disk, huge once inflated ----------------------------------------

def _padded(src: bytes, part: str, pad: int) -> bytes:
    """The workbook with `pad` spaces inside one part (deflated: ~1,000 to 1 on disk)."""
    def change(name, data):
        if name == part:
            end = data.rfind(b"</")
            data = data[:end] + b" " * pad + data[end:]
        return data, zipfile.ZIP_DEFLATED
    return _rezip(src, change)


def _declare(data: bytes, part: str, size: int) -> bytes:
    """The zip with `part` declaring another uncompressed size (local header and directory)."""
    out = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo(part)
    struct.pack_into("<I", out, info.header_offset + 22, size)
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        n = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46:at + 46 + n] == part.encode():
            struct.pack_into("<I", out, at + 24, size)
        at = data.find(b"PK\x01\x02", at + 4)
    return bytes(out)


def test_a_workbook_that_unpacks_past_the_limit_is_refused_before_it_is_inflated(tmp_path, monkeypatch):
    import ledgerlib.submissions as submissions

    monkeypatch.setattr(submissions, "MAX_UNPACKED_MB", 2)
    good = filled_excel(tmp_path, "good.xlsx").read_bytes()
    inflating = {"deflate": submissions.zlib.decompressobj, "calamine": None}
    monkeypatch.setattr(submissions.zlib, "decompressobj",
                        lambda *a: inflating.__setitem__("used", True) or inflating["deflate"](*a))
    for pad, refused in ((1 << 20, False), (3 << 20, True)):  # 1 MB reads; 3 MB is over 2 MB
        path = tmp_path / f"padded-{pad}.xlsx"
        path.write_bytes(_padded(good, "xl/styles.xml", pad))
        assert path.stat().st_size < 60_000
        inflating.pop("used", None)
        sub = read_submission(path, LEDGER, ROSTER, base_dir=tmp_path)
        problems = sub.problems["problem"].tolist()
        if refused:
            assert problems == ["文件解压后过大（3 MB，上限 2 MB），未读取"] and not sub.readable
            assert sub.problems.iloc[0]["severity"] == "error"
            assert "used" not in inflating  # refused on the declared sizes: nothing inflated
        else:
            assert not any("过大" in p for p in problems) and sub.readable


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/styles.xml"])
def test_a_part_that_inflates_past_its_declared_size_is_corrupt(tmp_path, part):
    # Declares 1,000 bytes, inflates to 3 MB: stopped at 1,001 bytes (a sheet, inflated here
    # for the formula scan) or by calamine (any other part), reported as damage.
    good = filled_excel(tmp_path, "good.xlsx").read_bytes()
    path = tmp_path / "lying.xlsx"
    path.write_bytes(_declare(_padded(good, part, 3 << 20), part, 1000))
    sub = read_submission(path, LEDGER, ROSTER, base_dir=tmp_path)
    assert problem_codes(sub) == ["corrupt"] and not sub.readable


def test_a_page_header_list_longer_than_a_third_of_the_page_is_named_by_its_first_and_count():
    from ledgerlib.submissions import page_header

    def files(*names, month="2021-07"):
        return [{"file": f"{month}/{n}", "department": n.split(".")[0], "month": month} for n in names]

    # Display width, worked by hand: ASCII 1, CJK and 、 2. 22 + 2 + 16 = 40: listed whole.
    at_limit = page_header([], files("a" * 17 + ".xlsx", "b" * 11 + ".xlsx"))
    assert at_limit[0] == "问题清单：" + "a" * 17 + ".xlsx、" + "b" * 11 + ".xlsx"
    # 22 + 2 + 17 = 41: the first name and how many files.
    over = page_header([], files("a" * 17 + ".xlsx", "b" * 12 + ".xlsx"))
    assert over[0] == "问题清单：" + "a" * 17 + ".xlsx 等 2 个文件"
    # Two months of the same three departments: six files, three departments, both months listed.
    six = page_header([], files("交通运输综合行政执法支队.xlsx", "公路事业发展中心.xlsx", "办公室.xlsx", month="2021-06")
                      + files("交通运输综合行政执法支队.xlsx", "公路事业发展中心.xlsx", "办公室.xlsx"))
    assert six == ("问题清单：交通运输综合行政执法支队.xlsx 等 6 个文件", "填报单位：交通运输综合行政执法支队 等 3 个",
                   "报送月份：2021-06、2021-07")


def test_long_cell_text_is_not_kept_in_the_readers_memo():
    # A sender's thousands of long cells must not stay in a worker's memory between files.
    from ledgerlib import submissions

    submissions._heading.cache_clear()
    long_texts = [f"{i}：" + "情况说明" * 80 for i in range(50)]  # 322+ characters each
    assert submissions._headers_of(["任务编号", *long_texts]) == ["任务编号", *[cells.norm_header(t) for t in long_texts]]
    assert submissions._heading.cache_info().currsize == 1


@pytest.mark.parametrize("suffix", ["xlsx", "xls", "ods"])
def test_formula_cells_are_flagged_alike_in_every_format(suffix):
    """tests/fixtures/make_office_fixtures.py (formula_return): 数量 =1+2; 已归集主体数 =B5-100
    filled down three rows (a shared formula in .xls); =NA() an error, said as such."""
    sub = read_submission(FIXTURES / f"libreoffice_saved_formulas.{suffix}")
    flagged = sub.problems[sub.problems["problem"].isin([labels.PROBLEM_LABELS["formula"],
                                                         labels.PROBLEM_LABELS["excel_error"]])]
    formula, error = labels.PROBLEM_LABELS["formula"], labels.PROBLEM_LABELS["excel_error"]
    assert flagged[["sheet", "cell", "value", "problem"]].values.tolist() == [
        [SHEETS["activities"].name, "C5", "3", formula], [SHEETS["activities"].name, "C6", "#N/A", error],
        [SHEETS["collection"].name, "C5", "900", formula], [SHEETS["collection"].name, "C6", "1000", formula],
        [SHEETS["collection"].name, "C7", "1100", formula]]
    assert sub.collection["collected_entities"].tolist() == [900, 1000, 1100]  # the saved results, read


def test_biff_formula_records_are_found_in_their_sheet_only():
    import struct

    from ledgerlib.submissions import _biff_formulas

    def rec(rc: int, body: bytes = b"") -> bytes:
        return struct.pack("<HH", rc, len(body)) + body

    def formula(row: int, col: int) -> bytes:
        return rec(0x0006, struct.pack("<HH", row, col) + bytes(16))

    chart = rec(0x0809, bytes(16)) + formula(9, 9) + rec(0x000A)  # a chart's substream inside the sheet
    sheet = rec(0x0809, bytes(16)) + formula(0, 0) + chart + formula(2, 27) + rec(0x000A)
    next_sheet = rec(0x0809, bytes(16)) + formula(5, 5) + rec(0x000A)
    assert _biff_formulas(sheet + next_sheet, 0) == ["A1", "AB3"]
    assert _biff_formulas(sheet + next_sheet, len(sheet)) == ["F6"]
    assert _biff_formulas(sheet[:-4] + formula(3, 3)[:6], 0) == ["A1", "AB3"]  # a record cut short: no overrun


def test_a_failing_formula_record_scan_loses_nothing_else_of_an_xls(monkeypatch):
    # The FORMULA records are found through xlrd's record positions; should that scan ever
    # fail, the file still reads, its error cells are still said, and nothing raises.
    from ledgerlib import submissions

    def broken(mem, start):
        raise IndexError("a record position past the end")

    monkeypatch.setattr(submissions, "_biff_formulas", broken)
    sub = read_submission(FIXTURES / "libreoffice_saved_formulas.xls")
    assert sub.readable and sub.collection["collected_entities"].tolist() == [900, 1000, 1100]
    said = sub.problems[sub.problems["problem"].isin([labels.PROBLEM_LABELS["excel_error"],
                                                      labels.PROBLEM_LABELS["formula"]])]
    assert said[["sheet", "cell", "value"]].values.tolist() == [[SHEETS["activities"].name, "C6", "#N/A"]]
