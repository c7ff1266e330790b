"""List-form plans (ledgerlib.plan_list): headings, numbered items, field lines, parentheses."""
from __future__ import annotations

import warnings

import pytest

from ledgerlib.plan_list import cut_lines
from ledgerlib.readers import read_ledger
from ledgerlib.roster import load_roster
from ledgerlib.tasktable import parse_warnings
from paths import ROOT

FIXTURES = ROOT / "tests" / "fixtures"
PAREN = FIXTURES / "list_form_with_parenthesis_leads.txt"
LINES = FIXTURES / "list_form_with_field_lines.txt"


@pytest.fixture(scope="module")
def county():
    return load_roster(FIXTURES / "county_roster.csv")


def _read(path, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return read_ledger(path, **kw)


def test_parenthesis_plan_under_cn_headings(county):
    df = _read(PAREN, roster=county).set_index("task_id")
    assert len(df) == 7 and (df["plan_year"] == 2022).all()
    assert list(df["indicator"].unique()) == ["夯实信用信息基础", "强化信用监管", "营造诚信氛围"]
    assert list(df["indicator_no"].unique()) == [1, 2, 3]
    assert (df.loc["T01", "lead"], df.loc["T01", "responsible"]) == ("县发改委;人行滑县支行", "")
    assert (df.loc["T02", "responsible"], df.loc["T02", "cooperating"]) == ("县市场监管局", "县信用体系建设成员单位")
    assert (df.loc["T03", "lead"], df.loc["T03", "cooperating"]) == ("县发改委", "县市场监管局")
    assert df.loc["T06", "lead"] == "县委宣传部;县文明办"  # X、Y分别牵头
    # the parenthesis is the departments, not part of the task
    assert df.loc["T01", "task"].endswith("全量归集。") and "牵头" not in df.loc["T01", "task"]
    assert df.loc["T01", "departments_text"] == "县发改委、人行滑县支行牵头负责"


def test_deadlines_in_parentheses_and_task_words(county):
    df = _read(PAREN, roster=county).set_index("task_id")
    assert str(df.loc["T03", "due_date"].date()) == "2022-06-30"       # （县发改委牵头，…，6月底前）
    assert str(df.loc["T01", "due_date"].date()) == "2022-06-15"       # …2022年6月15日前实现…
    assert str(df.loc["T04", "due_date"].date()) == "2022-06-30"       # …上半年完成
    assert df.loc["T06", "deadline_kind"] == "ongoing"                 # （长期坚持）
    assert "deadline_from_task" in df.loc["T01", "flags"]
    assert (df.loc["T02", "deadline_kind"], "deadline_missing" in df.loc["T02", "flags"]) == ("unspecified", True)
    assert df.loc["T05", "recurrence"] == "quarterly"                  # 按季度报送
    assert set(parse_warnings(_read(PAREN, roster=county))["field"]) >= {"deadline_text"}


def test_field_lines_parts_headings_and_first_unit_leads():
    df = _read(LINES).set_index("task_id")
    assert len(df) == 7
    # 第一部分 > 一、 > 1.: the two headings nearest a task are its indicator and sub-indicator
    assert tuple(df.loc["T01", ["indicator", "sub_indicator"]]) == ("基础建设", "完善信用制度")
    assert tuple(df.loc["T05", ["indicator", "sub_indicator"]]) == ("信用应用", "推动信用评价结果应用")
    # 责任单位列第一位的为牵头单位
    assert (df.loc["T01", "lead"], df.loc["T01", "responsible"]) == ("厅政策法规处", "厅运输服务处")
    assert (df.loc["T02", "lead"], df.loc["T02", "cooperating"]) == ("厅建设管理处", "省公路事业发展中心")
    assert df.loc["T01", "leaders"] == "李明" and "李明" not in df.loc["T01", "lead"]
    assert df.loc["T03", "points"] == 20.0 and df["points"].isna().sum() == 6
    kinds = df["deadline_kind"].to_dict()
    assert kinds == {"T01": "date", "T02": "date", "T03": "date", "T04": "recurring", "T05": "ongoing",
                     "T06": "unspecified", "T07": "event"}
    assert [str(df.loc[t, "due_date"].date()) for t in ("T01", "T02", "T03")] == \
        ["2022-09-30", "2022-09-30", "2022-12-31"]


def test_names_outside_the_roster_are_kept_and_flagged():
    df = _read(LINES)  # the default (Anyang) roster knows none of the province's units
    assert (df["flags"].str.contains("unknown_department")).all()
    assert {n for n in df["lead"].str.split(";").sum() if n} >= {"厅政策法规处", "省交通运输信息中心"}


def test_a_page_on_one_line_is_cut_back_into_items(county):
    one_line = " ".join(line.strip() for line in PAREN.read_text(encoding="utf-8").splitlines() if line.strip())
    p = PAREN.parent / "_tmp_page_a_line.txt"
    try:
        p.write_text(one_line, encoding="utf-8")
        a, b = _read(PAREN, roster=county), _read(p, roster=county)
    finally:
        p.unlink()
    cols = ["task_id", "indicator", "task", "deadline_text", "lead", "responsible", "cooperating"]
    assert a[cols].equals(b[cols])


def test_cut_lines_splits_labels_and_numbers_but_not_dates():
    segs = [s for _, s in cut_lines("1.完成平台建设，2022.6.30前上线。牵头单位：县发改委；完成时限：年底前 2.开展培训。")]
    assert segs == ["1.完成平台建设，2022.6.30前上线。", "牵头单位：县发改委；", "完成时限：年底前", "2.开展培训。"]


def test_sections_without_departments_are_not_tasks(tmp_path, county):
    p = tmp_path / "plan.txt"
    p.write_text("XX县2022年信用工作要点\n一、总体要求\n以习近平新时代中国特色社会主义思想为指导。\n"
                 "二、重点任务\n1.建立信用承诺制度。\n牵头单位：县发改委\n完成时限：2022年5月\n"
                 "2.开展信用修复培训。\n三、保障措施\n1.加强组织领导。\n2.强化督导考核。\n", encoding="utf-8")
    df = _read(p, roster=county)
    assert list(df["task"]) == ["建立信用承诺制度。", "开展信用修复培训。"]
    assert "no_department" in df["flags"].iloc[1]  # a sibling of a task: kept, flagged, not dropped


def test_fields_written_inline_and_inside_the_parenthesis():
    df = _read(FIXTURES / "list_form_with_inline_fields.txt").set_index("task_id")
    assert (df.loc["T01", "lead"], df.loc["T01", "cooperating"]) == ("市发改委", "市大数据局")
    assert df.loc["T01", "deadline_text"] == "2022年6月底前" and df.loc["T01", "task"] == "完善信用信息平台功能"
    assert (df.loc["T02", "responsible"], df.loc["T02", "deadline_kind"]) == ("市直各有关部门", "ongoing")
    assert (df.loc["T03", "lead"], df.loc["T03", "cooperating"]) == ("市金融局;人行XX中心支行", "市发改委")
    assert (df.loc["T04", "responsible"], str(df.loc["T04", "due_date"].date())) == ("市公共资源交易中心", "2022-09-30")
    assert df.loc["T04", "task"] == "推动信用报告在招投标中应用"


def test_a_text_table_with_its_own_header_words():
    df = _read(FIXTURES / "text_table_with_own_header_words.txt")
    assert list(df["indicator"]) == ["完善信用制度", "完善信用制度", "强化信用监管"]  # empty = merged above
    assert list(df["lead"]) == ["省发展改革委", "省发展改革委;人行XX中心支行", "省市场监管局"]
    assert list(df["cooperating"]) == ["省司法厅", "", "省直有关部门"]
    assert [str(d.date()) if d == d else "" for d in df["due_date"]] == ["2022-10-31", "2022-12-31", ""]


def test_a_bureau_table_flattened_one_cell_a_line(county):
    # 序号/重点工作/工作任务/牵头单位/配合单位/完成时限, each cell on its own line, merged cells gone
    df = _read(FIXTURES / "text_table_one_cell_a_line_own_header.txt", roster=county)
    assert list(df["indicator"]) == ["信用制度建设", "信用制度建设", "信用监管"]
    assert list(df["lead"]) == ["县发改委", "县发改委", "县市场监管局"]
    assert list(df["cooperating"]) == ["县司法局", "", "县信用体系建设成员单位"]
    assert list(df["deadline_text"]) == ["2022年6月底前", "年底前", "长期坚持"]
    assert df["task"].iloc[1] == "建立信用修复协同机制。"


def test_headings_that_are_themselves_tasks(tmp_path, roster):
    p = tmp_path / "plan.txt"
    p.write_text("XX县交通运输局2022年信用体系建设工作要点\n"
                 "一、加强组织领导。调整充实局信用体系建设领导小组，每季度召开一次专题会议。（局法规科牵头，局相关科室配合）\n"
                 "二、推进信用信息归集。按要求归集行政许可信息，6月底前完成历史数据补录。（局行政审批科、执法监督科负责）\n",
                 encoding="utf-8")
    df = _read(p, roster=roster)
    assert list(df["indicator"]) == ["加强组织领导", "推进信用信息归集"] and list(df["indicator_no"]) == [1, 2]
    assert (df["lead"].iloc[0], df["cooperating"].iloc[0]) == ("法规科", "局相关科室")
    assert df["responsible"].iloc[1] == "行政审批科;执法监督科"
    assert str(df["due_date"].iloc[1].date()) == "2022-06-30"
    assert df["recurrence"].iloc[0] == "quarterly"


def test_people_under_any_leader_label_stay_out_of_the_departments(tmp_path, county):
    p = tmp_path / "plan.txt"
    p.write_text("XX县2022年信用工作要点\n一、信用承诺\n1.推行告知承诺制。\n牵头单位：县司法局\n分管副县长：王强\n"
                 "完成时限：年底前\n2.建立信用修复机制。（县发改委牵头；责任县领导：李华）\n", encoding="utf-8")
    df = _read(p, roster=county)
    assert list(df["leaders"]) == ["王强", "李华"]
    assert list(df["lead"]) == ["县司法局", "县发改委"] and "unknown_department" not in "".join(df["flags"])


@pytest.mark.parametrize("task,due", [("于2022年6月完成平台建设。", "2022-06-30"), ("2022年底前完成清理。", "2022-12-31"),
                                      ("力争年底完成。", "2022-12-31"), ("9月底前出台办法。", "2022-09-30")])
def test_a_deadline_written_only_in_the_task(tmp_path, county, task, due):
    p = tmp_path / "plan.txt"
    p.write_text(f"XX县2022年信用工作要点\n一、制度\n1.{task}\n牵头单位：县发改委\n", encoding="utf-8")
    df = _read(p, roster=county)
    assert str(df["due_date"].iloc[0].date()) == due and "deadline_from_task" in df["flags"].iloc[0]


def test_page_numbers_in_extracted_text_are_not_task_text(county):
    text = PAREN.read_text(encoding="utf-8").replace("二、强化信用监管", "— 2 —\n二、强化信用监管")
    p = PAREN.parent / "_tmp_page_numbers.txt"
    try:
        p.write_text(text, encoding="utf-8")
        df = _read(p, roster=county)
    finally:
        p.unlink()
    assert not df["task"].str.contains("—").any() and len(df) == 7
