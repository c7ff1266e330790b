"""The monthly 联合奖惩成效清单: consolidation rules, the workbook, the CSV and the CLI.

Small joint_cases frames are built here with their expected lists worked out by hand;
one test goes from real filled-in templates through the submission reader to the list.
"""
from __future__ import annotations

from datetime import date, datetime

import numpy as np
import openpyxl
import pandas as pd
import pytest

from ledgerlib import labels
from ledgerlib.casebook import build_joint_workbook, joint_list, month_cities, write_joint_list
from ledgerlib.cli import main
from ledgerlib.submissions import read_submissions
from ledgerlib.tables import write_stamp, write_table
from ledgerlib.templates import FIRST_DATA_ROW, SHEETS, build_workbook, column_letter

COLUMNS = ["city", "department", "month", "subject", "measure", "executing_dept", "executed_on", "matter",
           "file", "row"]
A, B, C = "安阳通达运输有限公司", "安阳顺安物流有限公司", "安阳恒运客运有限公司"
LIMIT, FOCUS = "限制参加交通建设项目招投标", "列为重点监管对象，提高检查频次"


def case(department: str, row: int, subject: str, measure: str, when: str | None, *,
         executing: str | None = None, matter: str = "超限超载运输违法行为处理", month: str = "2021-06",
         city: str = "安阳市") -> dict:
    """One joint_cases row as the build writes it (executing_dept defaults to the reporter)."""
    return {"city": city, "department": department, "month": month, "subject": subject, "measure": measure,
            "executing_dept": department if executing is None else executing,
            "executed_on": pd.Timestamp(when) if when else pd.NaT, "matter": matter,
            "file": f"submissions/{month}/{department}.xlsx", "row": row}


def frame(rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=COLUMNS)
    df["executed_on"] = pd.to_datetime(df["executed_on"]).astype("datetime64[us]")
    for c in COLUMNS:
        if c not in ("executed_on", "row"):
            df[c] = df[c].astype("str")
    df["row"] = df["row"].astype("int64")
    return df


def test_a_case_reported_by_two_departments_is_listed_once_with_both_reporters():
    cases = frame([
        case("运管科", 5, A, LIMIT, "2021-06-10", matter="公路建设项目招投标"),
        # the same case from 执法支队, typed with a full-width space and a trailing blank
        case("执法支队", 6, "安阳通达运输　有限公司 ", LIMIT, "2021-06-10", executing="运管科",
             matter="超限超载运输违法行为处理"),
        # same subject and measure on another day: another case
        case("运管科", 6, A, LIMIT, "2021-06-18", matter="公路建设项目招投标"),
        # same subject and day, another measure: another case
        case("执法支队", 7, A, FOCUS, "2021-06-10"),
    ])
    ready, incomplete = joint_list(cases, "2021-06")
    assert incomplete.empty
    # sorted by (执行时间, department, row): 执法支队 < 运管科 in code-point order
    assert ready[["seq", "subject", "measure", "executed_on", "reporters"]].values.tolist() == [
        [1, "安阳通达运输　有限公司", LIMIT, pd.Timestamp("2021-06-10"), "执法支队、运管科"],
        [2, A, FOCUS, pd.Timestamp("2021-06-10"), "执法支队"],
        [3, A, LIMIT, pd.Timestamp("2021-06-18"), "运管科"],
    ]
    # both reporters named 运管科 as executing department; their 具体事项 differ and both are kept
    assert ready.loc[0, "executing_dept"] == "运管科"
    assert ready.loc[0, "matter"] == "超限超载运输违法行为处理；公路建设项目招投标"
    assert list(ready.columns) == ["seq", "subject", "measure", "executing_dept", "executed_on", "matter",
                                   "reporters"]


def test_rows_are_ordered_by_date_then_department_then_row():
    cases = frame([
        case("运管科", 9, A, LIMIT, "2021-06-20"),
        case("运管科", 7, B, LIMIT, "2021-06-20"),
        case("法规科", 8, C, LIMIT, "2021-06-20"),
        case("运管科", 5, C, FOCUS, "2021-06-02"),
    ])
    ready, _ = joint_list(cases.iloc[[0, 3, 1, 2]], "2021-06")  # row 9 before row 7
    assert ready[["subject", "reporters"]].values.tolist() == [
        [C, "运管科"], [C, "法规科"], [B, "运管科"], [A, "运管科"]]
    assert list(ready["seq"]) == [1, 2, 3, 4]


def test_rows_missing_a_field_go_to_the_incomplete_list_with_file_and_row():
    cases = frame([
        case("运管科", 5, A, LIMIT, "2021-06-10"),
        case("运管科", 6, "", LIMIT, "2021-06-11"),
        case("运管科", 7, B, LIMIT, None),
        case("法规科", 5, C, "　", "2021-06-12", matter=""),
        case("法规科", 6, C, FOCUS, "2021-06-12", executing=""),
    ])
    cases.loc[4, "executing_dept"] = np.nan  # a missing value, not an empty string
    ready, incomplete = joint_list(cases, "2021-06")
    assert ready["subject"].tolist() == [A]
    assert list(incomplete.columns) == ["reporters", "file", "row", "subject", "measure", "executing_dept",
                                        "executed_on", "matter", "missing_fields"]
    # ordered by department, file, row so that each liaison finds their rows together
    assert incomplete[["reporters", "file", "row", "missing_fields"]].values.tolist() == [
        ["法规科", "submissions/2021-06/法规科.xlsx", 5, "执行措施、具体事项"],
        ["法规科", "submissions/2021-06/法规科.xlsx", 6, "执行部门"],
        ["运管科", "submissions/2021-06/运管科.xlsx", 6, "被执行主体"],
        ["运管科", "submissions/2021-06/运管科.xlsx", 7, "执行时间"],
    ]
    # what was filled in is kept, so nothing is lost
    assert incomplete.loc[3, "subject"] == B and incomplete.loc[0, "executed_on"] == pd.Timestamp("2021-06-12")


def test_only_the_reporting_month_is_listed():
    cases = frame([
        case("运管科", 5, A, LIMIT, "2021-05-31", month="2021-05"),
        case("运管科", 5, B, LIMIT, "2021-06-01"),
        # carried out late May, reported in June: on June's list
        case("法规科", 5, C, LIMIT, "2021-05-28"),
        case("运管科", 5, C, FOCUS, "2021-07-01", month="2021-07"),
        case("运管科", 6, "", FOCUS, "2021-07-02", month="2021-07"),
    ])
    ready, incomplete = joint_list(cases, "2021-06")
    assert ready["subject"].tolist() == [C, B]
    assert incomplete.empty
    empty_ready, empty_incomplete = joint_list(cases, "2021-08")
    assert empty_ready.empty and empty_incomplete.empty
    assert list(empty_ready.columns) == list(ready.columns)


def test_a_city_column_only_when_the_month_holds_several_cities():
    one, _ = joint_list(frame([case("运管科", 5, A, LIMIT, "2021-06-10")]), "2021-06")
    assert "city" not in one.columns
    cases = frame([
        case("运管科", 5, A, LIMIT, "2021-06-01", city="新乡市"),
        case("运管科", 5, A, LIMIT, "2021-06-01", city="洛阳市"),
        case("法规科", 4, "", LIMIT, "2021-06-03", city="新乡市"),
        case("运管科", 6, B, FOCUS, "2021-06-02", city="洛阳市", month="2021-07"),
    ])
    ready, incomplete = joint_list(cases, "2021-06")
    # the same company in two cities is two cases; cities in province order (洛阳 before 新乡)
    assert ready[["seq", "city", "reporters"]].values.tolist() == [[1, "洛阳市", "运管科"], [2, "新乡市", "运管科"]]
    assert ready.columns[-1] == "city"
    assert incomplete[["city", "reporters", "row"]].values.tolist() == [["新乡市", "法规科", 4]]
    wb = build_joint_workbook(ready, incomplete, "2021-06", month_cities(cases, "2021-06"))
    assert wb["联合奖惩成效清单"]["A1"].value == "各市交通运输局联合奖惩成效清单（2021年6月）"
    assert wb["联合奖惩成效清单"]["H2"].value == "城市"


def test_a_malformed_month_is_refused():
    with pytest.raises(ValueError):
        joint_list(frame([]), "2021-6")


# --- the written list ------------------------------------------------------------------


@pytest.fixture()
def data_dir(tmp_path):
    cases = frame([
        case("运管科", 5, A, LIMIT, "2021-06-10"),
        case("执法支队", 6, A, LIMIT, "2021-06-10", executing="运管科"),
        case("法规科", 7, B, FOCUS, "2021-06-03", matter="信用评价结果应用"),
        case("法规科", 8, C, "", "2021-06-04"),
        case("运管科", 9, C, LIMIT, "2021-05-04", month="2021-05"),
    ])
    out = tmp_path / "processed"
    write_table(cases, out, "joint_cases", sort_by=["city", "department", "month", "file", "row"])
    write_stamp(out)  # a complete build, as `ledger build` leaves it
    return out


def test_the_workbook_has_title_headers_values_and_the_incomplete_sheet(data_dir, tmp_path):
    result = write_joint_list("2021-06", data_dir=data_dir, out=tmp_path / "out" / "list.xlsx")
    assert (result.n_ready, result.n_merged, result.n_incomplete) == (2, 1, 1)
    wb = openpyxl.load_workbook(result.xlsx)
    assert wb.sheetnames == ["联合奖惩成效清单", "待补充"]
    ws = wb["联合奖惩成效清单"]
    assert ws["A1"].value == "安阳市交通运输局联合奖惩成效清单（2021年6月）"
    assert [c.value for c in ws[2]] == ["序号", "被执行主体", "执行措施", "执行部门", "执行时间", "具体事项", "报送单位"]
    assert all(c.font.b for c in ws[2])
    assert ws.freeze_panes == "A3"
    assert [c.value for c in ws[3]] == [1, B, FOCUS, "法规科", datetime(2021, 6, 3), "信用评价结果应用", "法规科"]
    assert [c.value for c in ws[4]] == [2, A, LIMIT, "运管科", datetime(2021, 6, 10), "超限超载运输违法行为处理",
                                        "执法支队、运管科"]
    assert ws["E3"].number_format == "yyyy-mm-dd"
    assert ws.max_row == 4
    assert ws.column_dimensions["B"].width >= 20  # a company name fits

    todo = wb["待补充"]
    assert [c.value for c in todo[2]] == ["报送单位", "文件", "行号", "被执行主体", "执行措施", "执行部门", "执行时间",
                                          "具体事项", "缺少项"]
    assert [c.value for c in todo[3]] == ["法规科", "submissions/2021-06/法规科.xlsx", 8, C, None, "法规科",
                                          datetime(2021, 6, 4), "超限超载运输违法行为处理", "执行措施"]

    text = result.csv.read_bytes()
    assert result.csv == tmp_path / "out" / "list.csv"
    assert text.startswith("\ufeff".encode())
    assert text.decode("utf-8-sig").splitlines() == [
        "序号,被执行主体,执行措施,执行部门,执行时间,具体事项,报送单位",
        f"1,{B},{FOCUS},法规科,2021-06-03,信用评价结果应用,法规科",
        f"2,{A},{LIMIT},运管科,2021-06-10,超限超载运输违法行为处理,执法支队、运管科",
    ]


def test_same_table_gives_the_same_bytes(data_dir, tmp_path):
    first = write_joint_list("2021-06", data_dir=data_dir, out=tmp_path / "a" / "list.xlsx")
    second = write_joint_list("2021-06", data_dir=data_dir, out=tmp_path / "b" / "list.xlsx")
    assert first.xlsx.read_bytes() == second.xlsx.read_bytes()
    assert first.csv.read_bytes() == second.csv.read_bytes()


def test_a_month_without_cases_still_gives_a_list_saying_so(data_dir, tmp_path):
    result = write_joint_list("2021-08", data_dir=data_dir, out=tmp_path / "empty.xlsx")
    wb = openpyxl.load_workbook(result.xlsx)
    assert wb["联合奖惩成效清单"]["A3"].value == labels.JOINT_LIST_NONE
    assert wb["待补充"]["A3"].value == labels.JOINT_LIST_NONE_INCOMPLETE


def test_the_cli_writes_the_list_and_reports_a_missing_table(data_dir, tmp_path, capsys):
    out = tmp_path / "cli" / "list.xlsx"
    assert main(["joint-list", "--month", "2021-06", "--data", str(data_dir), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert out.exists() and out.with_suffix(".csv").exists()
    assert "2 条" in printed and "待补充 1 条" in printed
    assert main(["joint-list", "--month", "2021-06", "--data", str(tmp_path / "nowhere")]) == 2
    assert "ledger build" in capsys.readouterr().err


# --- from real returned workbooks ------------------------------------------------------

LEDGER = pd.DataFrame({"task_id": ["T01"], "indicator": ["健全工作机制"], "sub_indicator": ["a"],
                       "task": ["每月报送联合奖惩成效清单"], "deadline_text": ["每月"]})
ASSIGNMENTS = pd.DataFrame({"task_id": ["T01", "T01"], "department": ["运管科", "法规科"], "role": ["lead"] * 2})


def returned(tmp_path, department: str, rows: list[dict]):
    wb = build_workbook(department, "2021-06", LEDGER, ASSIGNMENTS)
    ws = wb[SHEETS["joint_cases"].name]
    for i, row in enumerate(rows):
        for field, value in row.items():
            ws[f"{column_letter('joint_cases', field)}{FIRST_DATA_ROW['joint_cases'] + i}"] = value
    path = tmp_path / "submissions" / "2021-06" / f"{department}.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def test_from_returned_workbooks_to_the_list(tmp_path):
    first = FIRST_DATA_ROW["joint_cases"]
    files = [
        returned(tmp_path, "运管科", [
            {"subject": A, "measure": LIMIT, "executing_dept": "运管科", "executed_on": date(2021, 6, 10),
             "matter": "公路建设项目招投标"},
            {"subject": None, "measure": FOCUS, "executing_dept": "运管科", "executed_on": date(2021, 6, 11),
             "matter": "信用评价结果应用"},
        ]),
        returned(tmp_path, "法规科", [
            {"subject": A, "measure": LIMIT, "executing_dept": "运管科", "executed_on": "2021年6月10日",
             "matter": "公路建设项目招投标"},
        ]),
    ]
    cases = read_submissions(files, base_dir=tmp_path).tables["joint_cases"]
    ready, incomplete = joint_list(cases, "2021-06")
    assert ready[["subject", "executed_on", "reporters"]].values.tolist() == [
        [A, pd.Timestamp("2021-06-10"), "法规科、运管科"]]
    assert incomplete[["file", "row", "missing_fields"]].values.tolist() == [
        ["submissions/2021-06/运管科.xlsx", first + 1, "被执行主体"]]
