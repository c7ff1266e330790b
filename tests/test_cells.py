"""Cell-value parsing: dates, months, numbers, statuses, headers as people type them."""
from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from ledgerlib import cells, labels

JUNE_3 = pd.Timestamp(2021, 6, 3)


@pytest.mark.parametrize("raw", [
    date(2021, 6, 3), datetime(2021, 6, 3, 14, 30), 44350, 44350.0, "44350",
    "2021.6.3", "2021.06.03.", "2021-06-03", "2021/6/3", "2021年6月3日", "2021年6月3号",
    "２０２１年６月３日", "2021 - 06 - 03", "20210603", "2021-06-03 00:00:00", "6/3/2021",
    "\u30002021-6-3\u3000",
])
def test_parse_date_accepts_every_written_form(raw):
    parsed = cells.parse_date(raw)
    assert parsed.ok
    assert parsed.value == JUNE_3


def test_parse_date_without_year_takes_the_submission_year_with_a_warning():
    parsed = cells.parse_date("6/3", "2021-06")
    assert parsed.value == JUNE_3 and parsed.problem == "date_ambiguous_year" and parsed.severity == "warning"
    assert cells.parse_date("6月3日", "2021-06").value == JUNE_3
    # A December date in a January report belongs to the year before.
    assert cells.parse_date("12/28", "2022-01").value == pd.Timestamp(2021, 12, 28)
    # Without a month to go by, a year-less date cannot be read.
    assert cells.parse_date("6/3").problem == "bad_date"


@pytest.mark.parametrize("raw", ["2021-02-30", "明天", "2021.13.1", True, 12, "abc", 99999999])
def test_parse_date_rejects_non_dates(raw):
    parsed = cells.parse_date(raw)
    assert parsed.value is None and parsed.problem == "bad_date" and parsed.severity == "error"


@pytest.mark.parametrize("raw", [None, "", "  ", "\u3000", float("nan")])
def test_blank_cells_are_empty_not_problems(raw):
    for parse in (cells.parse_date, cells.parse_int, cells.parse_status, cells.parse_month):
        assert parse(raw) == cells.EMPTY


@pytest.mark.parametrize("raw, expected", [
    (12, 12), (12.0, 12), ("12", 12), ("１２", 12), ("1,234", 1234), ("12家", 12), (" 3 次", 3), ("0", 0),
])
def test_parse_int_reads_numbers_stored_as_text(raw, expected):
    parsed = cells.parse_int(raw)
    assert parsed.ok and parsed.value == expected and type(parsed.value) is int


@pytest.mark.parametrize("raw, problem", [
    (2.5, "not_integer"), ("2.5", "not_integer"), (-1, "negative"), ("约10", "bad_number"),
    ("十二", "bad_number"), (True, "bad_number"),
])
def test_parse_int_reports_what_is_wrong(raw, problem):
    parsed = cells.parse_int(raw)
    assert parsed.value is None and parsed.problem == problem


@pytest.mark.parametrize("raw, key", [
    ("已完成", "done"), ("完成", "done"), ("已完成（6月底）", "done"), (" 已办结。", "done"), ("done", "done"),
    ("推进中", "in_progress"), ("进行中", "in_progress"), ("正在推进", "in_progress"), ("持续推进", "in_progress"),
    ("未启动", "not_started"), ("未开始", "not_started"), ("不适用", "not_applicable"), ("不涉及", "not_applicable"),
    ("推\u3000进\u3000中", "in_progress"),
])
def test_parse_status_accepts_common_wordings(raw, key):
    assert cells.parse_status(raw) == cells.Parsed(key)


@pytest.mark.parametrize("raw", ["未完成", "差不多", "OK"])
def test_parse_status_rejects_unknown_wordings(raw):
    assert cells.parse_status(raw).problem == "bad_status"


def test_activity_and_category_choices():
    assert cells.parse_activity("专题会议").value == "special_meeting"
    assert cells.parse_activity("信用专题学习").value == "study_session"
    assert cells.parse_activity("培训").value == "training"
    assert cells.parse_activity("聚餐").problem == "bad_activity"
    assert cells.parse_category("行政处罚").value == "penalty"
    assert cells.parse_category("许可").value == "license"
    assert cells.parse_category("表扬").problem == "bad_category"


@pytest.mark.parametrize("raw, header", [
    ("进展\n状态", "进展状态"), ("任务\u3000编号", "任务编号"), ("完成日期（格式：2021-07-05）", "完成日期"),
    ("*进展状态", "进展状态"), ("状态", "进展状态"), ("完成时间", "完成日期"), ("填报单位：", "填报单位"),
    ("ｓｈｅｅｔ", "sheet"),
])
def test_norm_header(raw, header):
    assert cells.norm_header(raw) == header


def test_every_template_header_normalises_to_itself():
    for h in (*labels.PROGRESS_HEADERS, *labels.ACTIVITY_HEADERS, *labels.PUBLICITY_HEADERS,
              *labels.COLLECTION_HEADERS, *labels.JOINT_CASE_HEADERS, *labels.SHARED_HEADERS,
              *labels.COVER_LABELS.values()):
        assert cells.norm_header(h) == h


@pytest.mark.parametrize("raw, month", [
    ("2021-07", "2021-07"), ("2021年7月", "2021-07"), ("2021年07月份", "2021-07"), ("2021.7", "2021-07"),
    ("202107", "2021-07"), (date(2021, 7, 1), "2021-07"), ("2021-07-01", "2021-07"), (44378, "2021-07"),
])
def test_parse_month(raw, month):
    assert cells.parse_month(raw).value == month


def test_parse_month_without_year_needs_one():
    assert cells.parse_month("7月", 2021).value == "2021-07"
    assert cells.parse_month("7月").problem == "bad_month"
    assert cells.parse_month("2021-13").problem == "bad_month"


def test_month_in_text():
    assert cells.month_in_text("2021-06") == "2021-06"
    assert cells.month_in_text("运管科2021年6月报送") == "2021-06"
    assert cells.month_in_text("运管科") is None


@pytest.mark.parametrize("raw, tid", [("t1", "T01"), ("T01", "T01"), ("Ｔ１５Ａ", "T15a"), ("T-7", "T07"),
                                      (" T38 ", "T38"), ("其他", "其他")])
def test_normalise_task_id(raw, tid):
    assert cells.normalise_task_id(raw) == tid


def test_a1_references():
    assert cells.a1(0, 0) == "A1"
    assert cells.a1(4, 2) == "C5"
    assert cells.a1(9, 25) == "Z10"
    assert cells.a1(0, 26) == "AA1"
    assert cells.a1(2, 27) == "AB3"


@pytest.mark.parametrize("ref,rowcol", [("A1", (0, 0)), ("E5", (4, 4)), ("Z10", (9, 25)), ("AA2", (1, 26))])
def test_from_a1_inverts_a1(ref, rowcol):
    assert cells.from_a1(ref) == rowcol
    assert cells.a1(*rowcol) == ref


def test_a_choice_text_is_answered_per_choice_list_however_often_it_is_asked():
    # parse_choice keeps its answers per text; the same text under another list is that list's.
    for _ in range(2):
        assert cells.parse_choice("完成", {"done": "完成"}, {}, "bad").value == "done"
        assert cells.parse_choice("完成", {"ok": "完成"}, {}, "bad").value == "ok"
        assert cells.parse_choice("完成", {"x": "未启动"}, {}, "bad") == cells.Parsed(None, "bad")
        assert cells.parse_choice("完成", {"x": "未启动"}, {}, "other") == cells.Parsed(None, "other")
        assert cells.parse_status("已完成（6月底）").value == "done"
