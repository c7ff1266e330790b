"""The 2021 ledger workbook of record, read by ledgerlib.ledger, and its assignments."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from ledgerlib.ledger import assignments, parse_departments, read_ledger
from paths import WORKBOOK


def test_item_count_and_ids(workbook_ledger):
    # 38 printed rows; one cell with two deadlines becomes two items.
    assert len(workbook_ledger) == 39
    assert workbook_ledger["task_id"].is_unique
    assert list(workbook_ledger["task_id"][:3]) == ["T01", "T02", "T03"]
    assert {"T15a", "T15b"} <= set(workbook_ledger["task_id"])


def test_every_dated_deadline(workbook_ledger):
    dated = workbook_ledger[workbook_ledger["deadline_kind"] == "date"].set_index("task_id")
    expected = {
        "T04": "2021-04-30", "T06": "2021-09-30", "T12": "2021-04-30", "T13": "2020-04-30",
        "T15a": "2020-04-30", "T16": "2021-06-30", "T17": "2021-05-31", "T18": "2021-06-30",
        "T19": "2021-10-31", "T20": "2021-06-30", "T23": "2021-10-31", "T35": "2021-12-31",
        "T36": "2021-12-31",
    }
    assert {k: str(v.date()) for k, v in dated["due_date"].items()} == expected


def test_ongoing_and_event_deadlines(workbook_ledger):
    kinds = workbook_ledger.set_index("task_id")["deadline_kind"]
    assert (kinds[["T24", "T27", "T31", "T32"]] == "event").all()  # 根据…部署实施, 适时调整
    assert kinds["T25"] == "ongoing"  # 每月报送，持续推进行
    assert workbook_ledger["due_date"].isna().sum() == len(workbook_ledger) - 13


def test_deadline_before_plan_year_is_kept_and_flagged(workbook_ledger):
    flagged = workbook_ledger[workbook_ledger["flags"].str.contains("deadline_before_plan_year")]
    assert list(flagged["task_id"]) == ["T13", "T15a"]
    assert (flagged["deadline_text"] == "2020年4月").all()


def test_split_row_keeps_both_deadlines(workbook_ledger):
    t = workbook_ledger.set_index("task_id")
    assert t.loc["T15a", "task"] == "制定并应用格式规范的信用承诺书。"
    assert t.loc["T15b", "task"].startswith("将信用承诺书通过市信用信息共享平台")
    assert (t.loc["T15a", "deadline_kind"], t.loc["T15b", "deadline_kind"]) == ("date", "ongoing")
    assert t.loc["T15a", "responsible"] == t.loc["T15b", "responsible"]


def test_recurrence_from_task_words(workbook_ledger):
    rec = workbook_ledger.set_index("task_id")[["recurrence", "min_per_period"]]
    assert tuple(rec.loc["T01"]) == ("quarterly", "1")
    assert tuple(rec.loc["T02"]) == ("quarterly", "1")
    assert tuple(rec.loc["T03"]) == ("monthly", "1")
    assert tuple(rec.loc["T25"]) == ("monthly", "1")
    assert (rec.drop(["T01", "T02", "T03", "T25", "T29"])["recurrence"] == "none").all()


def test_every_lead_department(workbook_ledger):
    leads = workbook_ledger.set_index("task_id")["lead"]
    led = leads[leads != ""].to_dict()
    fagui = {t for t, v in led.items() if v == "法规科"}
    assert {t: v for t, v in led.items() if v != "法规科"} == {
        "T08": "安监科", "T18": "运管科", "T19": "安监科", "T23": "运管科", "T25": "执法监督科", "T37": "办公室"}
    assert fagui == {"T01", "T02", "T03", "T05", "T06", "T09", "T10", "T12", "T13", "T15a", "T15b",
                     "T24", "T26", "T29", "T30", "T31", "T32", "T35", "T38"}


def test_roles_split_lead_responsible_cooperating(workbook_ledger):
    t = workbook_ledger.set_index("task_id")
    assert t.loc["T01", "cooperating"] == "局信用体系建设领导小组成员单位;局相关科室"
    assert t.loc["T02", "lead"] == "法规科"  # its department cell is merged with T01's
    assert t.loc["T18", "responsible"] == "道路运输服务中心"  # 负责落实
    assert t.loc["T25", "responsible"] == "交通运输综合行政执法支队"  # 落实
    # 执法科 and 监督 (a name cut in two) are both 执法监督科: listed once.
    assert t.loc["T07", "responsible"].split(";").count("执法监督科") == 1
    assert t.loc["T11", "responsible"].split(";")[-1] == "交通运输综合行政执法支队"


def test_indicators_decided_by_meaning(workbook_ledger):
    t = workbook_ledger.set_index("task_id")
    commitment = t[t["task"].str.contains("信用承诺") & ~t["task"].str.contains("信用评价|评级")]
    assert (commitment["indicator_no"] == 3).all(), commitment["indicator_no"]
    assert list(t["indicator_no"]) == sorted(t["indicator_no"])  # blocks are contiguous
    counts = t.groupby("indicator_no").size().to_dict()
    assert counts == {1: 5, 2: 6, 3: 6, 4: 6, 5: 8, 6: 5, 7: 3}
    assert t.loc["T11", "sub_indicator"] == "加大信用信息公开"  # truncated across a page break


def test_workbook_has_merged_indicators_and_notes():
    wb = load_workbook(WORKBOOK)
    ws = wb["台账"]
    merged_b = [r for r in ws.merged_cells.ranges if r.min_col == 2]
    assert len(merged_b) == 7  # one merged cell per first-level indicator
    notes = list(wb["说明"].iter_rows(min_row=2, values_only=True))
    noted = {(r[0], r[1]) for r in notes}
    for tid, what in [("T04", "一级指标"), ("T11", "二级指标"), ("T13", "完成时限"), ("T29", "具体任务"),
                      ("T34", "一级指标")]:
        assert (tid, what) in noted


def test_unknown_department_is_reported_not_dropped(roster):
    d = parse_departments("局法规科牵头，局宣传科、运管科配合", roster)
    assert d.lead == ["法规科"]
    assert d.cooperating == ["局宣传科", "运管科"]
    assert d.unknown == ["局宣传科"]


def _other_ledger(path: Path) -> Path:
    """A ledger workbook of another bureau and year, written the way Excel saves one."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws["A1"] = "某某市交通运输局2023年信用工作台账"
    ws.append([])
    ws.append(["一级指标", "二级指标", "具体任务", "完成时限", "责任部门"])
    rows = [
        ("一、夯实信用基础", "健全制度", "修订信用管理办法。", "2023年3月", "局法规科牵头，局相关科室配合"),
        (None, None, "每月报送信用工作动态。", "持续推进", "局属有关单位分别负责"),
        (None, "数据归集", "归集行政许可信息。", "2023年 6 月", "行政审批科"),
        ("二、强化信用监管", "分级监管", "每季度开展2次以上信用监管检查。", "根据省厅部署实施", "运管科、安监局按照职责分工分别负责"),
        (None, None, "建立信用档案。", "2023年12月", None),
    ]
    for r in rows:
        ws.append(list(r))
    ws.merge_cells("A4:A6")
    ws.merge_cells("B4:B5")
    ws.merge_cells("A7:A8")
    ws.merge_cells("B7:B8")
    ws.merge_cells("E7:E8")
    wb.save(path)
    return path


def test_another_ledger_workbook_parses_without_code_changes(tmp_path, roster):
    df = read_ledger(_other_ledger(tmp_path / "ledger_2023.xlsx"), roster)
    assert list(df["task_id"]) == ["T01", "T02", "T03", "T04", "T05"]
    assert set(df["plan_year"]) == {2023}
    assert list(df["indicator_no"]) == [1, 1, 1, 2, 2]
    assert list(df["indicator"]) == ["夯实信用基础"] * 3 + ["强化信用监管"] * 2
    assert list(df["sub_indicator"]) == ["健全制度", "健全制度", "数据归集", "分级监管", "分级监管"]
    assert str(df.loc[2, "due_date"].date()) == "2023-06-30"
    assert (df.loc[3, "deadline_kind"], df.loc[3, "recurrence"], df.loc[3, "min_per_period"]) == ("event", "quarterly", "2")
    assert df.loc[4, "responsible"] == "运管科;安监科"  # merged department cell
    assert df.loc[1, "responsible"] == "局相关单位"
    assert df["flags"].eq("").all()


def test_assignments_expand_collectives_and_skip_helpers(assignments_table, roster):
    a = assignments_table
    assert not a.duplicated(["task_id", "department"]).any()
    t01 = a[a["task_id"] == "T01"]
    assert list(t01["department"]) == ["法规科"]  # helpers (配合) are not scored
    t03 = a[a["task_id"] == "T03"].set_index("department")
    assert t03.loc["法规科", "role"] == "lead"  # lead wins over membership of the collective
    assert set(t03.index) == set(roster.expand("局信用体系建设领导小组成员单位")) | set(roster.expand("局相关科室"))
    t25 = a[a["task_id"] == "T25"].set_index("department")["role"].to_dict()
    assert t25 == {"执法监督科": "lead", "交通运输综合行政执法支队": "responsible"}
    assert set(a["kind"]) == {"section", "unit"}


def test_assignment_to_unknown_name_becomes_a_problem(workbook_ledger, roster):
    df = workbook_ledger.head(2).copy()
    df.loc[0, "responsible"] = "局宣传科"
    a = assignments(df, roster)
    assert [p["name"] for p in a.attrs["problems"]] == ["局宣传科"]
    pd.concat([a, a])  # plain-record attrs do not break concatenation


def test_a_multi_year_plan_keeps_its_range_and_serves_every_year(tmp_path, roster):
    from ledgerlib.ledger import load_ledgers, make_ledger_workbook, plan_year_for_month

    plan = tmp_path / "plan.txt"
    plan.write_text("安阳市交通运输局信用交通建设2015—2020年规划任务分解\n一、制度建设\n"
                    "1.建立信用承诺制度。\n牵头单位：局法规科\n完成时限：2016年底前\n"
                    "2.完善信用评价办法。\n牵头单位：局运管科\n完成时限：6月底前\n", encoding="utf-8")
    j = tmp_path / "j.csv"
    j.write_text("task_id,field,value,reason\n", encoding="utf-8")
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "departments.csv").write_bytes((WORKBOOK.parent / "departments.csv").read_bytes())
    make_ledger_workbook(plan, j, raw / "ledger_2015.xlsx", roster)
    df = load_ledgers(raw, roster)
    assert (df["plan_year"] == 2015).all() and (df["plan_end_year"] == 2020).all()
    assert str(df["due_date"].iloc[0].date()) == "2016-12-31"
    assert "deadline_year_assumed" in df["flags"].iloc[1]  # '6月底前' in a six-year plan
    assert [plan_year_for_month(df, m) for m in ("2014-12", "2015-01", "2018-06", "2020-12", "2021-01")] == \
        [None, 2015, 2015, 2015, None]


def test_a_later_plan_serves_its_own_year_inside_a_longer_one():
    from ledgerlib.ledger import plan_year_for_month

    df = pd.DataFrame({"plan_year": [2015, 2018], "plan_end_year": [2020, 2018], "task_id": ["T01", "T01"]})
    assert [plan_year_for_month(df, m) for m in ("2017-12", "2018-01", "2019-01")] == [2015, 2018, 2015]


def test_workbook_title_year_must_match_its_file_name(tmp_path, roster):
    import shutil

    from ledgerlib.ledger import load_ledgers

    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(WORKBOOK, raw / "ledger_2022.xlsx")
    (raw / "departments.csv").write_bytes((WORKBOOK.parent / "departments.csv").read_bytes())
    with pytest.raises(ValueError, match="title says plan year 2021"):
        load_ledgers(raw, roster)


FIRST_LISTED_LEADS_PLAN = """某县2023年社会信用体系建设工作要点

各项任务中，列第一位的为牵头单位。

一、夯实信用基础
1.制定县级公共信用信息目录。
责任单位：县发改委、县市场监管局
完成时限：2023年6月底前
2.根据省市部署适时开展诚信宣传周活动。
责任单位：县委宣传部
"""


def test_the_workbook_of_record_keeps_a_lead_the_plan_gave_by_position(tmp_path):
    """列第一位的为牵头单位 is said once in the plan: the workbook must still say who leads."""
    from ledgerlib.ledger import make_ledger_workbook
    from ledgerlib.roster import load_roster

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "departments.csv").write_text(
        "department,aliases,kind,collectives\n县发改委,,unit,\n县市场监管局,,unit,\n县委宣传部,,unit,\n",
        encoding="utf-8")
    plan = tmp_path / "first_listed_leads.txt"
    plan.write_text(FIRST_LISTED_LEADS_PLAN, encoding="utf-8")
    judgements = tmp_path / "j.csv"
    judgements.write_text("task_id,field,value,reason\n", encoding="utf-8")
    roster = load_roster(raw)
    out = make_ledger_workbook(plan, judgements, tmp_path / "ledger_2023.xlsx", roster)
    back = read_ledger(out, roster=roster)
    first = back.iloc[0]
    assert (first["lead"], first["responsible"]) == ("县发改委", "县市场监管局")
    # No deadline written, but the task says 根据省市部署适时: event-driven, flagged for a person.
    second = back.iloc[1]
    assert second["deadline_kind"] == "event" and "deadline_from_task" in second["flags"]
