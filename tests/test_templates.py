"""The monthly submission template: content, drop-downs, formats, protection, determinism."""
from __future__ import annotations

import hashlib
from datetime import date

import openpyxl
import pandas as pd
import pytest

from ledgerlib import labels
from ledgerlib.templates import (COVER_CELLS, EXAMPLE_ROW, FIRST_DATA_ROW, GUIDE_ROW, HEADER_ROW, SHEETS,
                                 build_workbook, column_letter,
                                 department_tasks, save_workbook, write_templates)

LEDGER = pd.DataFrame({
    "task_id": ["T01", "T02", "T10", "T15a", "T15b", "T03"],
    "indicator": ["健全工作机制", "健全工作机制", "信用承诺", "信用承诺", "信用承诺", "健全工作机制"],
    "sub_indicator": ["a", "a", "b", "b", "b", "a"],
    "task": ["每季度召开1次专题会议", "每月报送工作台账", "制定信用承诺制度", "制定承诺书", "公开承诺书",
             "开展信用宣传"],
    "deadline_text": ["持续推进", "每月", "2021年6月", "2020年4月", "持续推进", "2021年12月"],
})
ASSIGNMENTS = pd.DataFrame({
    "task_id": ["T10", "T01", "T15b", "T15a", "T02", "T03"],
    "department": ["运管科", "运管科", "运管科", "运管科", "法规科", "法规科"],
    "role": ["lead", "responsible", "lead", "lead", "lead", "responsible"],
})


@pytest.fixture()
def saved(tmp_path):
    path = save_workbook(build_workbook("运管科", "2021-07", LEDGER, ASSIGNMENTS), tmp_path / "运管科.xlsx")
    return openpyxl.load_workbook(path)


def test_only_the_departments_own_tasks_in_task_order(saved):
    ws = saved[labels.SHEET_PROGRESS]
    first = FIRST_DATA_ROW["progress"]
    ids = [ws.cell(row=r, column=1).value for r in range(first, ws.max_row + 1)]
    assert ids == ["T01", "T10", "T15a", "T15b"]
    row = {h: ws.cell(row=first + 1, column=j).value for j, h in enumerate(labels.PROGRESS_HEADERS, start=1)}
    assert row["一级指标"] == "信用承诺" and row["具体任务"] == "制定信用承诺制度" and row["完成时限"] == "2021年6月"
    assert row["进展状态"] is None and row["完成日期"] is None


def test_every_sheet_has_its_header_at_the_documented_row(saved):
    assert saved.sheetnames == [s.name for s in SHEETS.values()]
    for key, spec in SHEETS.items():
        ws = saved[spec.name]
        header = [c.value for c in ws[HEADER_ROW[key]]][: len(spec.headers)]
        assert header == list(spec.headers)
        assert ws.freeze_panes == f"A{FIRST_DATA_ROW[key]}"
        assert ws[f"A{HEADER_ROW[key]}"].font.bold
        assert all(ws.column_dimensions[chr(65 + j)].width >= 8 for j in range(len(spec.headers)))


def test_cover_block_is_filled_in(saved):
    ws = saved[labels.SHEET_PROGRESS]
    for field, (label_cell, _) in COVER_CELLS.items():
        assert ws[label_cell].value == labels.COVER_LABELS[field]
    assert ws[COVER_CELLS["department"][1]].value == "运管科"
    assert ws[COVER_CELLS["month"][1]].value == "2021-07"
    assert ws[COVER_CELLS["filled_on"][1]].number_format == "yyyy-mm-dd"


def _validations(ws) -> dict[str, object]:
    return {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}


def test_drop_downs_for_status_activity_type_and_category(saved):
    ws = saved[labels.SHEET_PROGRESS]
    col = column_letter("progress", "status")
    first = FIRST_DATA_ROW["progress"]
    dv = _validations(ws)[f"{col}{first}:{col}{first + 3}"]
    assert dv.type == "list"
    assert dv.formula1.strip('"').split(",") == list(labels.STATUS_LABELS.values())

    acts = _validations(saved[labels.SHEET_ACTIVITIES])
    lists = [dv for dv in acts.values() if dv.type == "list"]
    assert len(lists) == 1 and lists[0].formula1.strip('"').split(",") == list(labels.ACTIVITY_LABELS.values())
    assert str(lists[0].sqref).startswith(f"{column_letter('activities', 'activity_type')}{FIRST_DATA_ROW['activities']}:")

    pub = [dv for dv in _validations(saved[labels.SHEET_PUBLICITY]).values() if dv.type == "list"]
    assert pub[0].formula1.strip('"').split(",") == list(labels.PUBLICITY_CATEGORY_LABELS.values())


def test_date_columns_are_date_formatted(saved):
    for key, spec in SHEETS.items():
        ws = saved[spec.name]
        for field in spec.date_fields:
            cell = ws[f"{column_letter(key, field)}{FIRST_DATA_ROW[key]}"]
            assert cell.number_format == "yyyy-mm-dd", (key, field)
            if key != "progress":
                # Below the first row the column carries the format: what Excel gives a typed cell.
                assert ws.column_dimensions[column_letter(key, field)].number_format == "yyyy-mm-dd", (key, field)


def test_prefilled_columns_are_locked_and_inputs_unlocked(saved):
    ws = saved[labels.SHEET_PROGRESS]
    assert ws.protection.sheet
    r = FIRST_DATA_ROW["progress"]
    for field in SHEETS["progress"].fields:
        locked = ws[f"{column_letter('progress', field)}{r}"].protection.locked
        assert locked == (field in ("task_id", "indicator", "task", "deadline_text")), field
    assert not ws[COVER_CELLS["filled_by"][1]].protection.locked
    assert ws[COVER_CELLS["department"][1]].protection.locked


def test_wrapped_rows_are_tall_enough(saved):
    ws = saved[labels.SHEET_PROGRESS]
    heights = [ws.row_dimensions[r].height for r in range(FIRST_DATA_ROW["progress"], ws.max_row + 1)]
    assert all(h and h >= 15 for h in heights)


def test_save_is_byte_identical(tmp_path):
    a = save_workbook(build_workbook("运管科", "2021-07", LEDGER, ASSIGNMENTS), tmp_path / "a.xlsx")
    b = save_workbook(build_workbook("运管科", "2021-07", LEDGER, ASSIGNMENTS), tmp_path / "b.xlsx")
    assert hashlib.sha256(a.read_bytes()).digest() == hashlib.sha256(b.read_bytes()).digest()
    c = save_workbook(build_workbook("运管科", "2021-08", LEDGER, ASSIGNMENTS), tmp_path / "c.xlsx")
    assert a.read_bytes() != c.read_bytes()


def test_bad_month_is_refused():
    with pytest.raises(ValueError):
        build_workbook("运管科", "2021-7", LEDGER, ASSIGNMENTS)


def test_department_without_tasks_gets_an_empty_task_list():
    assert department_tasks("办公室", LEDGER, ASSIGNMENTS).empty
    wb = build_workbook("办公室", "2021-07", LEDGER, ASSIGNMENTS)
    assert wb[labels.SHEET_PROGRESS].max_row == HEADER_ROW["progress"]


def test_write_templates_from_the_real_raw_data(raw_dir, tmp_path, assignments_table):
    paths = write_templates("2021-07", out_dir=tmp_path, raw_dir=raw_dir)
    scored = sorted(set(assignments_table["department"]))
    assert [p.name for p in paths] == [f"{d}.xlsx" for d in scored]
    assert all(p.parent == tmp_path / "2021-07" for p in paths)
    # Each file holds exactly its department's tasks.
    p = paths[0]
    dept = p.stem
    ws = openpyxl.load_workbook(p, read_only=True)[labels.SHEET_PROGRESS]
    ids = [r[0] for r in ws.iter_rows(min_row=FIRST_DATA_ROW["progress"], values_only=True) if r[0]]
    assert set(ids) == set(assignments_table.loc[assignments_table["department"] == dept, "task_id"])


def test_write_templates_resolves_an_alias_and_refuses_unknown_names(raw_dir, tmp_path, roster):
    alias, canonical = "局法规科", roster.resolve("局法规科")
    paths = write_templates("2021-07", departments=[alias], out_dir=tmp_path, raw_dir=raw_dir)
    assert [p.name for p in paths] == [f"{canonical}.xlsx"]
    with pytest.raises(ValueError):
        write_templates("2021-07", departments=["不存在科"], out_dir=tmp_path, raw_dir=raw_dir)


def test_filled_on_cell_takes_a_real_date(tmp_path):
    wb = build_workbook("运管科", "2021-07", LEDGER, ASSIGNMENTS)
    wb[labels.SHEET_PROGRESS][COVER_CELLS["filled_on"][1]] = date(2021, 8, 3)
    path = save_workbook(wb, tmp_path / "x.xlsx")
    back = openpyxl.load_workbook(path)[labels.SHEET_PROGRESS][COVER_CELLS["filled_on"][1]].value
    assert back.date() == date(2021, 8, 3)


def test_every_sheet_prints_landscape_one_page_wide_at_readable_type(saved):
    from ledgerlib.xlsx import PRINT_MIN_PT, printed_type_size

    for ws in saved.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
        assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        header = HEADER_ROW[next(k for k, s in SHEETS.items() if s.name == ws.title)]
        assert ws.print_title_rows == f"${header}:${header}", ws.title
        assert printed_type_size(ws) >= PRINT_MIN_PT, (ws.title, printed_type_size(ws))


# --------------------------------------------------------------------------- the loop closes (issue 11)

def _progress(rows: list[tuple]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["department", "month", "task_id", "status", "completion_date"])
    df.insert(0, "city", "安阳市")
    df["completion_date"] = pd.to_datetime(df["completion_date"])
    df["row"] = 5
    return df


def test_last_reported_status_and_completion_date() -> None:
    from ledgerlib.templates import last_reported

    p = _progress([
        ("运管科", "2021-05", "T10", "done", "2021-05-20"),
        ("运管科", "2021-06", "T10", "done", "2021-06-02"),      # the first stated date stands
        ("运管科", "2021-05", "T01", "in_progress", None),
        ("运管科", "2021-06", "T01", "", None),                  # unreadable: May's status stands
        ("运管科", "2021-06", "T15a", "not_started", None),
        ("运管科", "2021-07", "T15a", "done", "2021-07-03"),     # the template's own month: not used
        ("法规科", "2021-06", "T15b", "done", "2021-06-01"),     # another department
    ])
    got = last_reported(p, "运管科", "2021-07").set_index("task_id")
    assert got["status"].to_dict() == {"T10": "done", "T01": "in_progress", "T15a": "not_started"}
    assert got.loc["T10", "completion_date"] == pd.Timestamp("2021-05-20")
    assert pd.isna(got.loc["T01", "completion_date"])
    assert last_reported(None, "运管科", "2021-07").empty


def test_template_is_prefilled_and_still_editable(tmp_path) -> None:
    from ledgerlib.templates import last_reported

    prev = last_reported(_progress([("运管科", "2021-06", "T10", "done", "2021-06-30"),
                                    ("运管科", "2021-06", "T01", "in_progress", None)]), "运管科", "2021-07")
    path = save_workbook(build_workbook("运管科", "2021-07", LEDGER, ASSIGNMENTS, previous=prev), tmp_path / "a.xlsx")
    ws = openpyxl.load_workbook(path)[labels.SHEET_PROGRESS]
    rows = {ws[f"A{r}"].value: r for r in range(FIRST_DATA_ROW["progress"], ws.max_row + 1)}
    status, done_on = column_letter("progress", "status"), column_letter("progress", "completion_date")
    assert ws[f"{status}{rows['T10']}"].value == "已完成"
    assert ws[f"{done_on}{rows['T10']}"].value.date() == date(2021, 6, 30)
    assert ws[f"{status}{rows['T01']}"].value == "推进中" and ws[f"{done_on}{rows['T01']}"].value is None
    assert ws[f"{status}{rows['T15a']}"].value is None  # never reported: left empty
    assert not ws[f"{status}{rows['T10']}"].protection.locked


def test_every_data_sheet_has_an_instruction_and_an_example_row_the_reader_skips(tmp_path, workbook_ledger,
                                                                              assignments_table, roster) -> None:
    from ledgerlib.submissions import read_submission

    wb = build_workbook("运管科", "2021-07", workbook_ledger, assignments_table)
    for key, spec in SHEETS.items():
        ws = wb[spec.name]
        guide, example = GUIDE_ROW[key], EXAMPLE_ROW[key]
        assert ws[f"A{guide}"].value.startswith("说明") and ws[f"A{example}"].value.startswith("示例")
        assert [c.value for c in ws[example]][: len(spec.headers)].count(None) == 0
        assert example < HEADER_ROW[key]
    ws = wb[labels.SHEET_ACTIVITIES]
    r = FIRST_DATA_ROW["activities"]
    ws[f"A{r}"], ws[f"B{r}"], ws[f"C{r}"] = date(2021, 7, 3), "专题会议", 1
    prog = wb[labels.SHEET_PROGRESS]
    prog[f"{column_letter('progress', 'status')}{FIRST_DATA_ROW['progress']}"] = "推进中"
    path = save_workbook(wb, tmp_path / "运管科.xlsx")
    sub = read_submission(path, workbook_ledger, roster)
    # Only the rows filled in below the header: the examples above them are not data.
    assert len(sub.activities) == 1 and sub.activities["activity_type"].iloc[0] == "special_meeting"
    assert [st for st in sub.progress["status"] if st] == ["in_progress"]
    assert len(sub.progress) == len(department_tasks("运管科", workbook_ledger, assignments_table))
    assert not sub.problems["value"].astype(str).str.contains("示例").any()
    assert sub.publicity.empty and sub.collection.empty and sub.joint_cases.empty
