"""Metrics from the ledger's rules: hand-worked expectations on small frames, plus properties.

Every expected number below was worked out by hand from the rules in docs/metrics.md;
the comments next to each assertion show the working.
"""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledgerlib import labels
from ledgerlib import metrics as M

X, Y = "安阳市", "鹤壁市"
A, B = "法规科", "运管科"


def ledger_small() -> pd.DataFrame:
    return pd.DataFrame({
        "task_id": ["T1", "T2", "T3", "T4"],
        "indicator_no": [1, 1, 2, 2],
        "indicator": ["甲", "甲", "乙", "乙"],
        "task": ["制定文件。", "发布清单。", "持续归集。", "按部署开展。"],
        "deadline_text": ["2021年3月", "2021年6月", "持续推进", "根据部署实施"],
        "deadline_kind": ["date", "date", "ongoing", "event"],
        "due_date": pd.to_datetime(["2021-03-31", "2021-06-30", None, None]),
        "recurrence": ["none"] * 4,
        "min_per_period": [""] * 4,
    })


def assignments_small() -> pd.DataFrame:
    return pd.DataFrame({
        "task_id": ["T1", "T1", "T2", "T3", "T3", "T4"],
        "department": [A, B, A, A, B, B],
        "role": ["lead", "responsible", "lead", "lead", "responsible", "responsible"],
        "via": [""] * 6,
        "kind": ["section"] * 6,
    })


def progress_small() -> pd.DataFrame:
    rows = [
        # month, department, task, status, completion_date, note
        ("2021-02", A, "T1", "in_progress", None, "起草中"),
        ("2021-02", B, "T1", "not_started", None, ""),
        ("2021-03", A, "T1", "done", "2021-03-20", "已印发"),
        ("2021-03", B, "T1", "in_progress", None, "配合起草"),
        ("2021-03", A, "T3", "in_progress", None, "归集12条"),
        ("2021-03", B, "T3", "in_progress", None, ""),          # no note: not on track
        ("2021-04", A, "T1", "in_progress", None, "误报"),       # done stays done
        ("2021-04", B, "T1", "done", "2021-04-02", "已完成"),    # after its 03-31 deadline
        ("2021-04", A, "T2", "done", None, "已发布"),            # no date: month end inferred
        ("2021-04", B, "T4", "not_applicable", None, ""),
        ("2021-04", A, "T3", "in_progress", None, "归集30条"),
        ("2021-04", A, "T9", "done", "2021-04-01", "不在台账"),  # not an assignment: ignored
        ("2021-04", B, "T2", "", None, "状态无法识别"),           # unreadable status: no report
    ]
    df = pd.DataFrame(rows, columns=["month", "department", "task_id", "status", "completion_date",
                                     "progress_note"])
    df.insert(0, "city", X)
    df["completion_date"] = pd.to_datetime(df["completion_date"])
    df["row"] = np.arange(5, 5 + len(df))
    return df


def status_of(st_df: pd.DataFrame, dept: str, task: str, city: str = X) -> pd.Series:
    row = st_df[(st_df["city"] == city) & (st_df["department"] == dept) & (st_df["task_id"] == task)]
    assert len(row) == 1
    return row.iloc[0]


# --------------------------------------------------------------------------- status

def test_assignment_status_april() -> None:
    s = M.assignment_status(ledger_small(), assignments_small(), progress_small(), "2021-04")
    assert len(s) == 6 and set(s["month"]) == {"2021-04"}
    r = status_of(s, A, "T1")
    assert r["status"] == "done_on_time" and r["completion_date"] == pd.Timestamp("2021-03-20")
    assert r["reported_status"] == "in_progress"  # latest report, yet done is kept
    r = status_of(s, B, "T1")
    assert r["status"] == "done_late" and bool(r["due"])
    r = status_of(s, A, "T2")
    assert r["status"] == "done_on_time" and bool(r["completion_inferred"])
    assert r["completion_date"] == pd.Timestamp("2021-04-30") and not bool(r["due"])
    r = status_of(s, A, "T3")
    assert r["status"] == "on_track" and r["on_track"] == True  # noqa: E712
    r = status_of(s, B, "T3")  # reported in March, not in April
    assert r["status"] == "not_reported" and r["on_track"] == False  # noqa: E712
    assert not bool(r["reported_this_month"]) and r["reported_month"] == "2021-03"
    # B's 不适用 for T4 is a claim: no approval list, so it stays in the figures.
    r = status_of(s, B, "T4")
    assert r["status"] == "na_claimed" and bool(r["claimed_not_applicable"])
    assert pd.isna(r["on_track"])  # event task: no on-track test
    assert set(s["status"]) <= set(labels.ASSIGNMENT_STATUS_LABELS)


def test_assignment_status_march_overdue_and_no_report() -> None:
    s = M.assignment_status(ledger_small(), assignments_small(), progress_small(), "2021-03")
    assert status_of(s, A, "T1")["status"] == "done_on_time"
    # T1 is due 03-31, the March report's as-of day: not passed yet, so due this month.
    assert status_of(s, B, "T1")["status"] == "due_this_month"
    assert status_of(s, A, "T2")["status"] == "not_reported"
    assert status_of(s, B, "T3")["on_track"] == False  # noqa: E712  # in_progress but 本月进展 empty
    assert status_of(s, A, "T3")["on_track"] == True  # noqa: E712


def test_completion_rates_overall_and_by_group() -> None:
    s = M.assignment_status(ledger_small(), assignments_small(), progress_small(), "2021-04")
    overall = M.completion_rates(s).iloc[0]
    # 6 assignments; B/T4's 不适用 is not approved, so all 6 count; done: A/T1, B/T1, A/T2 -> 3/6.
    assert overall["n_assignments"] == 6 and overall["n_not_applicable"] == 0
    assert overall["done_rate"] == pytest.approx(3 / 6)
    # Due by April: A/T1, B/T1; on time: A/T1 only.
    assert (overall["n_due"], overall["n_done_on_time"]) == (2, 1)
    assert overall["on_time_rate"] == pytest.approx(1 / 2)
    # Ongoing: A/T3 (on track), B/T3 (not reported in April).
    assert (overall["n_ongoing"], overall["n_on_track"]) == (2, 1)
    assert overall["n_overdue"] == 0

    by_dept = M.completion_rates(s, by="department").set_index("department")
    assert list(by_dept.columns[:1]) == ["city"]
    assert by_dept.loc[A, "n_assignments"] == 3 and by_dept.loc[A, "n_done"] == 2
    assert by_dept.loc[B, "n_assignments"] == 3 and by_dept.loc[B, "n_done"] == 1
    assert by_dept.loc[B, "on_time_rate"] == 0.0

    by_ind = M.completion_rates(s, by="indicator").set_index("indicator")
    # 甲: T1 x2 + T2 all done; 乙: T3 x2 and T4 (claimed n/a) none done.
    assert by_ind.loc["甲", "done_rate"] == 1.0 and by_ind.loc["乙", "done_rate"] == 0.0
    assert np.isnan(by_ind.loc["乙", "on_time_rate"])  # nothing due: no rate, not 0%


def test_completion_rates_march() -> None:
    s = M.assignment_status(ledger_small(), assignments_small(), progress_small(), "2021-03")
    r = M.completion_rates(s).iloc[0]
    # 6 assignments (T4 not yet reported n/a); done A/T1 only; due A/T1, B/T1; B/T1 is due
    # on 03-31, the as-of day itself: due this month, not overdue.
    assert (r["n_assignments"], r["n_done"], r["n_due"], r["n_overdue"]) == (6, 1, 2, 0)
    assert r["on_time_rate"] == 0.5


def test_cities_each_get_every_assignment() -> None:
    s = M.assignment_status(ledger_small(), assignments_small(), progress_small(), "2021-04",
                            cities=[X, Y])
    assert len(s) == 12
    rates = M.completion_rates(s).set_index("city")
    assert rates.loc[Y, "n_done"] == 0 and set(s[s["city"] == Y]["status"]) == {"not_reported", "overdue"}


def test_overdue_list_days() -> None:
    feb_only = progress_small().query("month == '2021-02'")
    s = M.assignment_status(ledger_small(), assignments_small(), feb_only, "2021-05")
    o = M.overdue(s)
    assert list(o["task_id"]) == ["T1", "T1"]
    assert set(o["department"]) == {A, B}
    assert set(o["days_overdue"]) == {61}  # 03-31 -> 05-31
    assert set(o["reported_status"]) == {"in_progress", "not_started"}


def test_on_track_list() -> None:
    s = M.assignment_status(ledger_small(), assignments_small(), progress_small(), "2021-04")
    t = M.on_track(s).set_index("department")
    assert set(t["task_id"]) == {"T3"}
    assert bool(t.loc[A, "on_track"]) and not bool(t.loc[B, "on_track"])


def test_changes_since() -> None:
    led, asg, prog = ledger_small(), assignments_small(), progress_small()
    feb, mar, apr = (M.assignment_status(led, asg, prog, m) for m in ("2021-02", "2021-03", "2021-04"))
    ch = M.changes_since(mar, apr).set_index(["department", "task_id"])
    # B/T3: in_progress in March (no note), not reported in April.
    assert ch["change"].to_dict() == {(B, "T1"): "newly_done", (A, "T2"): "newly_done",
                                      (B, "T4"): "status_changed", (B, "T3"): "status_changed"}
    assert ch.loc[(B, "T1"), "status_before"] == "due_this_month"
    ch2 = M.changes_since(feb, mar).set_index(["department", "task_id"])["change"].to_dict()
    assert ch2[(B, "T1")] == "status_changed" and ch2[(A, "T1")] == "newly_done"
    assert ch2[(A, "T3")] == "status_changed" and (B, "T3") in ch2  # not_reported -> on_track / in_progress
    ch3 = M.changes_since(mar, M.assignment_status(led, asg, prog[prog["month"] <= "2021-03"], "2021-04"))
    assert ch3.set_index(["department", "task_id"])["change"][(B, "T1")] == "newly_overdue"
    added = M.changes_since(mar[mar["task_id"] != "T4"], apr)
    assert set(added[added["change"] == "added"]["task_id"]) == {"T4"}
    assert set(added["change"]) <= set(labels.CHANGE_LABELS)


# --------------------------------------------------------------------------- submissions

def log_small() -> pd.DataFrame:
    rows = [
        (A, "2021-03", "2021-03/法规科.xlsx", "2021-04-05 23:30", False),   # last minute of the 5th
        (A, "2021-04", "2021-04/法规科.xlsx", "2021-05-06 00:00", False),   # a day late
        (B, "2021-03", "2021-03/运管科.xlsx", "2021-04-03 09:00", True),    # first receipt
        (B, "2021-03", "2021-03/运管科_v2.xlsx", "2021-04-20 10:00", False),  # correction
        (A, "2021-05", "2021-05/法规科.xlsx", None, False),                # no receipt time
        (B, "2021-05", "2021-05/运管科.xlsx", "2021-06-01 10:00", True),    # only a superseded file
        ("科技科", "2021-03", "2021-03/科技科.xlsx", "2021-04-01 10:00", False),  # not scored
    ]
    df = pd.DataFrame(rows, columns=["department", "month", "file", "received_at", "superseded"])
    df.insert(0, "city", X)
    df["received_at"] = pd.to_datetime(df["received_at"])
    return df


def test_submission_compliance() -> None:
    c = M.submission_compliance(assignments_small(), log_small(), ["2021-03", "2021-04", "2021-05"])
    got = c.set_index(["department", "month"])
    assert len(c) == 6 and "科技科" not in set(c["department"])
    assert got.loc[(A, "2021-03"), "status"] == "on_time"
    assert got.loc[(A, "2021-03"), "due_date"] == pd.Timestamp("2021-04-05")
    assert got.loc[(A, "2021-04"), "status"] == "late" and got.loc[(A, "2021-04"), "days_late"] == 1
    r = got.loc[(B, "2021-03")]
    assert r["status"] == "on_time" and r["n_files"] == 2
    assert r["current_file"] == "2021-03/运管科_v2.xlsx"
    assert r["received_at"] == pd.Timestamp("2021-04-03 09:00")
    assert got.loc[(B, "2021-04"), "status"] == "missing"
    assert got.loc[(A, "2021-05"), "status"] == "unknown"
    assert got.loc[(B, "2021-05"), "status"] == "missing"
    assert set(c["status"]) <= set(labels.SUBMISSION_STATUS_LABELS)

    summary = M.compliance_summary(c).set_index("department")
    # A: on_time, late, unknown -> 1/3; B: on_time, missing, missing -> 1/3.
    assert summary.loc[A, "on_time_rate"] == pytest.approx(1 / 3)
    assert (summary.loc[B, "n_on_time"], summary.loc[B, "n_missing"]) == (1, 2)


def test_submission_due_day_setting_and_pending() -> None:
    c = M.submission_compliance(assignments_small(), log_small(), "2021-04", due_day=10)
    assert c.set_index("department").loc[A, "status"] == "on_time"
    p = M.submission_compliance(assignments_small(), log_small(), ["2021-06"],
                                as_of=pd.Timestamp("2021-07-05 18:00"))
    assert set(p["status"]) == {"pending"}
    p = M.submission_compliance(assignments_small(), log_small(), ["2021-06"],
                                as_of=pd.Timestamp("2021-07-06 00:00"))
    assert set(p["status"]) == {"missing"}


def test_submission_compliance_without_any_log() -> None:
    c = M.submission_compliance(assignments_small(), None, ["2021-01"], cities=[X, Y])
    assert len(c) == 4 and set(c["status"]) == {"missing"}


# --------------------------------------------------------------------------- obligations

# The recurring tasks as the notice words them (T29's quarterly half spilled into 完成时限).
OBL_LEDGER = pd.DataFrame({
    "task_id": ["T01", "T02", "T03", "T25", "T29"],
    "task": ["市交通运输局信用体系建设领导小组每季度组织开展1次信用专题学习。",
             "每季度组织召开1次专题会议研究推进信用交通体系建设相关工作。",
             "根据工作台账内容，每月汇总报送工作进展情况。",
             "报送四级联网系统严重违法失信超限超载运输车辆的相关责任主体名单。",
             "每月报送联合奖惩成效清单至省、市信用信息系统。反馈信息包括被执行主体、执行措施、执行部门、执行时间、具体事项等内容。"],
    "deadline_text": ["持续推进", "持续推进", "持续推进", "每月报送，持续推进行",
                      "每季度在“信用交通·河南”公示2个以上联合奖惩案例，并同步给“信用交通”“信用河南”网站。"],
    "recurrence": ["quarterly", "quarterly", "monthly", "monthly", "monthly;quarterly"],
    "min_per_period": ["1", "1", "1", "", "1;2"],
})
ZD, ZF = "执法监督科", "交通运输综合行政执法支队"
OBL_ASSIGN = pd.DataFrame({
    "task_id": ["T01", "T02", "T03", "T25", "T25", "T29", "T29"],
    "department": [A, A, A, ZD, ZF, A, B],
    "role": ["lead", "lead", "lead", "lead", "responsible", "lead", "responsible"],
})


def test_obligations_read_from_ledger() -> None:
    o = M.obligations(OBL_LEDGER, OBL_ASSIGN)
    heads = o.drop_duplicates(["task_id", "activity_type"]).set_index(["task_id", "activity_type"])
    assert heads[["frequency", "required"]].to_dict("index") == {
        ("T01", "study_session"): {"frequency": "quarterly", "required": 1},
        ("T02", "special_meeting"): {"frequency": "quarterly", "required": 1},
        ("T25", "dishonest_list_submitted"): {"frequency": "monthly", "required": 1},
        ("T29", "result_list_submitted"): {"frequency": "monthly", "required": 1},
        ("T29", "case_published"): {"frequency": "quarterly", "required": 2},
    }
    acc = o[o["accountable"]].set_index(["task_id", "activity_type"])["department"].to_dict()
    assert acc[("T25", "dishonest_list_submitted")] == ZD and acc[("T01", "study_session")] == A
    assert set(o[o["task_id"] == "T25"]["department"]) == {ZD, ZF}


def activities_q2() -> pd.DataFrame:
    rows = [
        (A, "2021-04", "2021-04-10", "study_session", 1),
        (A, "2021-04", "2021-03-30", "special_meeting", 1),   # held in Q1, reported in April
        (B, "2021-05", "2021-05-12", "case_published", 1),
        (A, "2021-06", "2021-06-02", "case_published", 1),
        ("科技科", "2021-06", "2021-06-03", "case_published", 5),  # not assigned to T29
        (A, "2021-04", "2021-04-28", "result_list_submitted", 1),
        (A, "2021-05", "2021-05-28", "result_list_submitted", 1),
        (ZF, "2021-04", None, "dishonest_list_submitted", None),  # no date, no count: 1 in April
        (ZF, "2021-05", "2021-05-30", "dishonest_list_submitted", 1),
        (ZD, "2021-06", "2021-06-30", "dishonest_list_submitted", 1),
    ]
    df = pd.DataFrame(rows, columns=["department", "month", "date", "activity_type", "count"])
    df.insert(0, "city", X)
    df["date"] = pd.to_datetime(df["date"])
    df["count"] = df["count"].astype("Int64")
    return df


def test_quarterly_obligations_q2() -> None:
    q = M.quarterly_obligations(OBL_LEDGER, OBL_ASSIGN, activities_q2(), "2021Q2")
    got = q.set_index(["task_id", "activity_type", "period"])
    assert len(q) == 1 + 1 + 3 + 1 + 3  # T01, T02, T25 x3 months, T29 cases, T29 lists x3
    assert got.loc[("T01", "study_session", "2021Q2"), "met"]
    assert got.loc[("T02", "special_meeting", "2021Q2"), "count"] == 0
    r = got.loc[("T29", "case_published", "2021Q2")]
    assert r["count"] == 2 and r["met"] and r["reported_by"] == f"{B};{A}"
    lists = got.loc["T29"].loc["result_list_submitted"]["met"].to_dict()
    assert lists == {"2021-04": True, "2021-05": True, "2021-06": False}
    assert got.loc["T25"].loc["dishonest_list_submitted"]["met"].all()
    assert got.loc[("T25", "dishonest_list_submitted", "2021-04"), "accountable"] == ZD

    m = M.obligation_matrix(q).set_index(["department", "activity_type"])
    assert m.loc[(A, "study_session"), "met"] and not m.loc[(A, "special_meeting"), "met"]
    assert (m.loc[(A, "result_list_submitted"), "n_met"], m.loc[(A, "result_list_submitted"), "n_periods"]) == (2, 3)
    assert m.loc[(ZD, "dishonest_list_submitted"), "met"]


def test_quarterly_obligations_q1_counts_the_march_meeting() -> None:
    q = M.quarterly_obligations(OBL_LEDGER, OBL_ASSIGN, activities_q2(), "2021-Q1")
    assert q.set_index("activity_type").loc["special_meeting", "met"]
    assert q["quarter"].unique().tolist() == ["2021Q1"]


def test_obligations_on_the_real_ledger() -> None:
    from ledgerlib.ledger import assignments, load_ledger
    from ledgerlib.roster import load_roster

    led = load_ledger()
    o = M.obligations(led, assignments(led, load_roster()))
    acc = o[o["accountable"]].groupby(["task_id", "activity_type"])["department"].agg(";".join)
    assert acc.to_dict() == {
        ("T01", "study_session"): "法规科", ("T02", "special_meeting"): "法规科",
        ("T25", "dishonest_list_submitted"): ZD,
        ("T29", "case_published"): "法规科", ("T29", "result_list_submitted"): "法规科",
    }
    assert o.set_index(["task_id", "activity_type"])["required"].groupby(level=[0, 1]).first()[
        ("T29", "case_published")] == 2


# --------------------------------------------------------------------------- KPIs

def collection_small() -> pd.DataFrame:
    rows = [
        (A, "2021-03", "道路运输", 100, 70),
        (A, "2021-04", "道路运输", 100, 80),   # exactly 80%: passes
        (A, "2021-02", "水运", 10, 5),          # latest for this field is February
        (B, "2021-04", "公路建设", 0, 0),       # nothing to collect: no rate
        ("安监科", "2021-04", "安全生产", 100, 120),  # over the total: counts as 100
        (B, "2021-05", "公路建设", 50, 50),     # after the report month: ignored
    ]
    df = pd.DataFrame(rows, columns=["department", "month", "field", "total_entities",
                                     "collected_entities"])
    df.insert(0, "city", X)
    return df


def test_collection_coverage() -> None:
    by_field = M.collection_coverage(collection_small(), "2021-04", by="field").set_index(["department", "field"])
    assert bool(by_field.loc[(A, "道路运输"), "passed"]) and by_field.loc[(A, "道路运输"), "rate"] == 0.8
    assert by_field.loc[(A, "水运"), "as_of_month"] == "2021-02"
    dept = M.collection_coverage(collection_small(), "2021-04").set_index("department")
    # A pools (80 + 5) / (100 + 10) = 85/110 < 80%.
    assert (dept.loc[A, "collected_entities"], dept.loc[A, "total_entities"]) == (85, 110)
    assert not bool(dept.loc[A, "passed"])
    assert np.isnan(dept.loc[B, "rate"]) and pd.isna(dept.loc[B, "passed"])
    assert dept.loc["安监科", "rate"] == 1.0
    march = M.collection_coverage(collection_small(), "2021-03").set_index("department")
    assert march.loc[A, "collected_entities"] == 75 and not bool(march.loc[A, "passed"])


def test_threshold_compared_exactly_not_in_floats() -> None:
    # 0.55 * 100 == 55.00000000000001 and 0.56 * 25 == 14.000000000000002 in floats, so a
    # float comparison would fail 55 of 100 and 14 of 25. The 80%/60% settings happen to be
    # safe in floats; a bureau that changes them must not meet this.
    df = pd.DataFrame({"city": X, "department": A, "month": "2021-06", "field": "f",
                       "total_entities": [100], "collected_entities": [55]})
    assert bool(M.collection_coverage(df, "2021-06", threshold=0.55)["passed"].iloc[0])
    rec = pd.DataFrame({"city": X, "department": A, "month": "2021-06", "record_id": ["r"],
                        "n_indicators": [25], "n_filled": [14]})
    assert M.shared_record_quality(rec, "2021-06", threshold=0.56)["n_qualified"].iloc[0] == 1


def shared_small() -> pd.DataFrame:
    rows = [
        (A, "2021-04", "r1", 5, 3),    # 60% exactly: qualified
        (A, "2021-04", "r2", 10, 5),   # 50%
        (A, "2021-04", "r3", 0, 0),    # no indicators: left out
        (B, "2021-04", "r4", 5, 5),
        (B, "2021-04", "r5", 5, 4),
        (B, "2021-04", "r6", 5, 2),
        (B, "2021-03", "r7", 5, 1),    # another month
    ]
    df = pd.DataFrame(rows, columns=["department", "month", "record_id", "n_indicators", "n_filled"])
    df.insert(0, "city", X)
    return df


def test_shared_record_quality() -> None:
    q = M.shared_record_quality(shared_small(), "2021-04").set_index("department")
    assert (q.loc[A, "n_records"], q.loc[A, "n_qualified"]) == (2, 1)
    assert (q.loc[B, "n_records"], q.loc[B, "n_qualified"]) == (3, 2)
    cum = M.shared_record_quality(shared_small(), "2021-04", cumulative=True).set_index("department")
    assert (cum.loc[B, "n_records"], cum.loc[B, "n_qualified"]) == (4, 2)


def publicity_small() -> pd.DataFrame:
    rows = [
        (A, "P1", "2021-09-28", "2021-10-13"),  # deadline 10-13: on time
        (A, "P2", "2021-09-28", "2021-10-14"),  # late
        (A, "P3", "2021-09-29", None),          # deadline 10-14, after 09-30: pending
        (A, "P4", None, "2021-09-10"),          # no decision date: unreadable
        (A, "P5", "2021-09-01", None),          # deadline 09-10 passed, unpublished: late
        (B, "P6", "2021-09-26", "2021-10-11"),  # working Sunday; deadline 10-11: on time
    ]
    df = pd.DataFrame(rows, columns=["department", "decision_no", "decision_date", "publish_date"])
    df.insert(0, "city", X)
    df.insert(2, "month", "2021-09")
    df["category"] = "penalty"
    df["decision_date"] = pd.to_datetime(df["decision_date"])
    df["publish_date"] = pd.to_datetime(df["publish_date"])
    return df


def test_a_decision_listed_again_with_its_publication_counts_once_at_its_latest_listing() -> None:
    # 2021-05-25 (Tue): May 26, 27, 28, 31, Jun 1, 2, 3 -> due 2021-06-03.
    rows = [("2021-05", "R1", "2021-05-25", None),          # blank in May's return
            ("2021-06", "R1", "2021-06-02", "2021-06-02"),  # June's return: published by the deadline
            ("2021-06", "", "2021-06-01", "2021-06-03"),    # two rows without a number: both kept
            ("2021-06", "", "2021-06-01", "2021-06-03")]
    df = pd.DataFrame(rows, columns=["month", "decision_no", "decision_date", "publish_date"])
    df.loc[1, "decision_date"] = "2021-05-25"
    df.insert(0, "city", X)
    df.insert(1, "department", A)
    df["category"] = "penalty"
    df["decision_date"] = pd.to_datetime(df["decision_date"])
    df["publish_date"] = pd.to_datetime(df["publish_date"])
    may = M.publicity_timeliness_detail(df, "2021-05")
    assert may["verdict"].tolist() == ["pending"]            # deadline after May 31
    q2 = M.publicity_timeliness_detail(df, "2021Q2")
    assert q2["decision_no"].tolist() == ["R1", "", ""]      # R1 once, at its June listing
    assert q2["verdict"].tolist() == ["on_time"] * 3
    t = M.publicity_timeliness(df, "2021Q2").iloc[0]
    assert (t["n_on_time"], t["n_late"]) == (3, 0)
    # Never listed again: by the quarter's end (06-30) its deadline has passed unpublished.
    alone = M.publicity_timeliness_detail(df.drop(index=1), "2021Q2")
    assert alone.loc[alone["decision_no"] == "R1", "verdict"].tolist() == ["late"]


def test_publicity_timeliness() -> None:
    d = M.publicity_timeliness_detail(publicity_small(), "2021-09").set_index("decision_no")
    assert d["verdict"].to_dict() == {"P1": "on_time", "P2": "late", "P3": "pending",
                                      "P4": "unreadable", "P5": "late", "P6": "on_time"}
    assert d.loc["P1", "deadline"] == pd.Timestamp("2021-10-13")
    t = M.publicity_timeliness(publicity_small(), "2021-09").set_index("department")
    assert t.loc[A, "rate"] == pytest.approx(1 / 3) and not bool(t.loc[A, "passed"])
    assert t.loc[B, "rate"] == 1.0 and bool(t.loc[B, "passed"])
    assert M.publicity_timeliness(publicity_small(), "2021-10").empty


def test_publicity_year_unknown_to_calendar_does_not_crash() -> None:
    p = publicity_small().iloc[:1].copy()
    p["decision_date"] = pd.Timestamp("2102-09-28")  # a typo'd year
    d = M.publicity_timeliness_detail(p, "2021-09")
    assert d["verdict"].tolist() == ["unreadable"]


def test_publicity_deadline_basis_and_provisional_count() -> None:
    from ledgerlib.workdays import load_calendar

    cal = load_calendar()  # the package alone: 2027 has no arrangement
    p = publicity_small().iloc[:2].copy()
    p["month"] = "2026-12"
    # 2026-12-28 (Mon) + 7: 12-29..31, 2027-01-04..07 (01-01 is 元旦) -> 2027-01-07, provisional.
    # 2026-12-17 (Thu) + 7: 12-18, 12-21..25, 12-28 -> 2026-12-28, official.
    p["decision_date"] = pd.to_datetime(["2026-12-28", "2026-12-17"])
    p["publish_date"] = pd.to_datetime(["2027-01-07", "2026-12-29"])
    d = M.publicity_timeliness_detail(p, "2026-12", calendar=cal).set_index("decision_no")
    assert d.loc["P1", ["deadline", "deadline_basis", "verdict"]].tolist() == [
        pd.Timestamp("2027-01-07"), "provisional", "on_time"]
    assert d.loc["P2", ["deadline", "deadline_basis", "verdict"]].tolist() == [
        pd.Timestamp("2026-12-28"), "official", "late"]
    t = M.publicity_timeliness(p, "2026-12", calendar=cal).set_index("department")
    assert t.loc[A, ["n_decisions", "n_provisional"]].tolist() == [2, 1]
    # The table a build stored is used as it is (its deadlines, its basis).
    stored = M.publicity_deadlines(p, calendar=cal)
    stored.loc[0, "deadline"] = pd.Timestamp("2027-01-06")
    d = M.publicity_timeliness_detail(stored, "2026-12").set_index("decision_no")
    assert d.loc["P1", "verdict"] == "late"
    prov = M.provisional_deadlines(stored, "2026-12", city=X)
    assert prov["decision_no"].tolist() == ["P1"]
    assert M.provisional_deadlines(stored, "2026-12", city="elsewhere").empty


def test_moved_deadlines_lists_changed_days_and_bases_only() -> None:
    from ledgerlib.workdays import load_calendar

    p = publicity_small().iloc[:3].copy()
    p["decision_date"] = pd.to_datetime(["2027-09-28", "2027-06-01", "2021-09-28"])
    before = M.publicity_deadlines(p, calendar=load_calendar())
    complete = __import__("pathlib").Path(__file__).parent / "fixtures" / "holidays_2027_complete_made_up.csv"
    after = M.publicity_deadlines(p, calendar=load_calendar(complete))
    moved = M.moved_deadlines(before, after)
    # P1: 10-08 provisional -> 10-13 official; P2 (Tue 06-01: 06-02..04, 06-07, 06-08, 06-10, 06-11
    # -> 06-11 both ways, 端午 06-09 off in
    # both) changes basis only; P3 (2021) does not move and is not listed.
    assert moved["decision_no"].tolist() == ["P1", "P2"]
    assert moved[["old_deadline", "new_deadline"]].iloc[0].tolist() == [pd.Timestamp("2027-10-08"),
                                                                         pd.Timestamp("2027-10-13")]
    assert moved.iloc[1][["old_deadline", "new_deadline", "old_basis", "new_basis"]].tolist() == [
        pd.Timestamp("2027-06-11"), pd.Timestamp("2027-06-11"), "provisional", "official"]
    assert M.moved_deadlines(None, after).empty and M.moved_deadlines(after, after).empty


def test_kpis_long_table_with_city_totals() -> None:
    k = M.kpis(collection_small(), shared_small(), publicity_small(), "2021-04")
    assert set(k["kpi"]) <= set(labels.KPI_LABELS)
    tot = k[k["department"] == M.ALL_DEPARTMENTS].set_index("kpi")
    # 85 + 0 + 100 collected of 110 + 0 + 100.
    assert (tot.loc["collection_coverage", "numerator"], tot.loc["collection_coverage", "denominator"]) == (185, 210)
    assert bool(tot.loc["collection_coverage", "passed"])
    assert (tot.loc["shared_record_quality", "numerator"], tot.loc["shared_record_quality", "denominator"]) == (3, 5)
    assert "publicity_timeliness" not in tot.index  # no September decisions in April
    sep = M.kpis(None, None, publicity_small(), "2021-09")
    sep_tot = sep[sep["department"] == M.ALL_DEPARTMENTS].iloc[0]
    assert (sep_tot["numerator"], sep_tot["denominator"]) == (2, 4) and not sep_tot["passed"]
    assert M.kpis(None, None, None, "2021-04").empty


def test_kpis_of_a_quarter_count_its_three_months_not_its_first() -> None:
    # Publicity: every decision is from September. Q3 holds them (P1, P6 on time; P2, P5 late:
    # 2 of 4 judged); July, the month "2021Q3" used to be read as, holds none.
    q3 = M.kpis(None, None, publicity_small(), "2021Q3")
    tot = q3[q3["department"] == M.ALL_DEPARTMENTS].iloc[0]
    assert (tot["numerator"], tot["denominator"]) == (2, 4)
    # Shared records: Q1 holds only r7 (March, 1 of 5 filled: not qualified); Q2 the April ones.
    q1 = M.kpis(None, shared_small(), None, "2021Q1").set_index("department")
    assert (q1.loc[M.ALL_DEPARTMENTS, "numerator"], q1.loc[M.ALL_DEPARTMENTS, "denominator"]) == (0, 1)
    q2 = M.kpis(None, shared_small(), None, "2021Q2").set_index("department")
    assert (q2.loc[M.ALL_DEPARTMENTS, "numerator"], q2.loc[M.ALL_DEPARTMENTS, "denominator"]) == (3, 5)


def test_status_as_of_a_quarter_is_as_of_its_last_month() -> None:
    by_quarter = M.assignment_status(ledger_small(), assignments_small(), progress_small(), "2021Q2")
    by_month = M.assignment_status(ledger_small(), assignments_small(), progress_small(), "2021-06")
    pd.testing.assert_frame_equal(by_quarter, by_month)
    comp = M.submission_compliance(assignments_small(), log_small(), "2021Q2")
    assert sorted(set(comp["month"])) == ["2021-04", "2021-05", "2021-06"]


def test_a_monthly_figure_refuses_a_quarter() -> None:
    tables = {"ledger": ledger_small(), "assignments": assignments_small()}
    with pytest.raises(M.PeriodError, match="2021Q2"):
        M.monthly_summary(tables, "2021Q2")
    with pytest.raises(M.PeriodError, match="2021-06"):
        M.quarterly_obligations(ledger_small(), assignments_small(), None, "2021-06")


def test_monthly_summary() -> None:
    tables = {"ledger": ledger_small(), "assignments": assignments_small(),
              "progress": progress_small(), "submissions_log": log_small(),
              "collection": collection_small(), "shared_records": shared_small()}
    s = M.monthly_summary(tables, "2021-04")
    assert len(s) == 1
    r = s.iloc[0]
    assert r["month"] == "2021-04" and r["n_departments"] == 2
    assert r["done_rate"] == pytest.approx(3 / 6) and r["on_time_rate"] == 0.5
    # April returns: A a day late, B missing.
    assert (r["n_submitted_on_time"], r["n_submitted_late"], r["n_missing"]) == (0, 1, 1)
    assert r["collection_rate"] == pytest.approx(185 / 210) and bool(r["collection_passed"])
    assert r["shared_record_rate"] == pytest.approx(3 / 5) and np.isnan(r["publicity_rate"])
    assert set(s.columns) <= set(labels.COLUMN_LABELS)


def test_monthly_summary_leaves_out_only_the_approved_not_applicable() -> None:
    tables = {"ledger": ledger_small(), "assignments": assignments_small(), "progress": progress_small()}
    # B reported T4 不适用 in April. Approved on 04-30 (April's last day): out of April's
    # figures, 5 assignments, done A/T1, B/T1, A/T2 -> 3/5.
    appr = pd.DataFrame({"city": [X], "task_id": ["T4"], "department": [B],
                         "approved_on": pd.to_datetime(["2021-04-30"])})
    r = M.monthly_summary(tables, "2021-04", approvals=appr).iloc[0]
    assert (r["n_assignments"], r["n_done"]) == (5, 3) and r["done_rate"] == pytest.approx(3 / 5)
    # Approved a day later, 05-01: still a claim in April, 6 assignments -> 3/6; counted in May.
    later = appr.assign(approved_on=pd.to_datetime(["2021-05-01"]))
    r = M.monthly_summary(tables, "2021-04", approvals=later).iloc[0]
    assert (r["n_assignments"], r["n_done"]) == (6, 3) and r["done_rate"] == pytest.approx(3 / 6)
    assert M.monthly_summary(tables, "2021-05", approvals=later).iloc[0]["n_assignments"] == 5
    # No approvals given: every 不适用 is a claim.
    assert M.monthly_summary(tables, "2021-04").iloc[0]["n_assignments"] == 6


def test_outputs_are_deterministic() -> None:
    a = M.assignment_status(ledger_small(), assignments_small(), progress_small(), "2021-04")
    shuffled = progress_small().sample(frac=1, random_state=3)
    b = M.assignment_status(ledger_small(), assignments_small(), shuffled, "2021-04")
    pd.testing.assert_frame_equal(a, b)


def test_periods() -> None:
    assert M.months_through("2021-03") == ["2021-01", "2021-02", "2021-03"]
    assert M.quarter_months("2021Q4") == ["2021-10", "2021-11", "2021-12"]
    with pytest.raises(M.PeriodError, match="2021Q2"):  # a month is not taken for its quarter
        M.quarter_str("2021-05")
    assert M.submission_due("2021-12") == pd.Timestamp("2022-01-05")


# --------------------------------------------------------------------------- properties

# January-July covers both deadlines (T1 in March, T2 in June) and keeps the test quick.
MONTHS = [f"2021-{m:02d}" for m in range(1, 8)]


@st.composite
def progress_frames(draw) -> pd.DataFrame:
    pairs = list(assignments_small()[["task_id", "department"]].itertuples(index=False))
    rows = []
    for month in MONTHS:
        for task, dept in pairs:
            if not draw(st.booleans()):
                continue
            status = draw(st.sampled_from(["done", "in_progress", "not_started", "not_applicable", ""]))
            day = draw(st.one_of(st.none(), st.dates(min_value=pd.Timestamp("2021-01-01").date(),
                                                     max_value=pd.Timestamp("2021-07-31").date())))
            note = draw(st.sampled_from(["", "进展"]))
            rows.append((X, dept, month, task, status, day, note))
    df = pd.DataFrame(rows, columns=["city", "department", "month", "task_id", "status",
                                     "completion_date", "progress_note"])
    df["completion_date"] = pd.to_datetime(df["completion_date"])
    return df


@settings(max_examples=15, deadline=None)
@given(progress_frames())
def test_rates_within_0_1_and_done_never_falls(progress: pd.DataFrame) -> None:
    prev_done: dict[str, int] = {}
    for month in MONTHS:
        s = M.assignment_status(ledger_small(), assignments_small(), progress, month)
        for by in (None, "department"):
            r = M.completion_rates(s, by=by)
            for col in ("done_rate", "on_time_rate", "on_track_rate"):
                vals = r[col].dropna()
                assert ((vals >= 0) & (vals <= 1)).all()
        # Cumulative completion (the number done) never falls from one month to the next.
        done = s.groupby("department")["done"].sum().to_dict()
        for dept, n in done.items():
            assert n >= prev_done.get(dept, 0)
        prev_done = done


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 500), st.integers(0, 600)), min_size=1, max_size=12))
def test_collection_pass_is_exact(pairs: list[tuple[int, int]]) -> None:
    df = pd.DataFrame({"city": X, "department": [f"d{i}" for i in range(len(pairs))],
                       "month": "2021-06", "field": "f",
                       "total_entities": [t for t, _ in pairs],
                       "collected_entities": [c for _, c in pairs]})
    out = M.collection_coverage(df, "2021-06").set_index("department")
    for i, (total, collected) in enumerate(pairs):
        r = out.loc[f"d{i}"]
        if total == 0:
            assert pd.isna(r["passed"]) and np.isnan(r["rate"])
            continue
        assert 0 <= r["rate"] <= 1
        assert bool(r["passed"]) == (Fraction(min(collected, total), total) >= Fraction(4, 5))


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(1, 40).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n))),
                min_size=1, max_size=20))
def test_shared_record_qualification_is_exact(records: list[tuple[int, int]]) -> None:
    df = pd.DataFrame({"city": X, "department": A, "month": "2021-06",
                       "record_id": [f"r{i}" for i in range(len(records))],
                       "n_indicators": [n for n, _ in records], "n_filled": [f for _, f in records]})
    out = M.shared_record_quality(df, "2021-06").iloc[0]
    expected = sum(Fraction(f, n) >= Fraction(3, 5) for n, f in records)
    assert out["n_qualified"] == expected and 0 <= out["rate"] <= 1


def test_progress_report_obligation_binds_every_assigned_department():
    ledger = pd.DataFrame({"task_id": ["T03", "T07"], "recurrence": ["monthly", "none"],
                           "task": ["每月汇总报送工作进展情况。", "归集信用信息。"]})
    assignments = pd.DataFrame({"task_id": ["T03", "T03", "T07"], "department": ["法规科", "运管科", "规划科"],
                                "role": ["lead", "responsible", "responsible"]})
    log = pd.DataFrame({
        "city": ["安阳市"] * 5,
        "department": ["法规科", "法规科", "法规科", "运管科", "运管科"],
        "month": ["2021-04", "2021-05", "2021-06", "2021-04", "2021-05"],
        "file": list("abcde"),
        "received_at": pd.to_datetime(["2021-05-05 17:00", "2021-06-04 10:00", "2021-07-05 09:00",
                                       "2021-05-03 10:00", "2021-06-07 10:00"]),
        "superseded": [False] * 5,
    })
    out = M.progress_report_obligation(ledger, assignments, log, "2021Q2")
    got = out.set_index("department")[["task_id", "activity_type", "n_periods", "n_met", "met"]]
    # 法规科: three returns by the 5th; 运管科: May late (6-07), June missing.
    assert got.loc["法规科"].tolist() == ["T03", "progress_report", 3, 3, True]
    assert got.loc["运管科"].tolist() == ["T03", "progress_report", 3, 1, False]
    assert "规划科" not in got.index  # not assigned the monthly report


# --------------------------------------------------------------------------- the nine statuses (issue 11)

def _one_task(due: str, rows: list[tuple]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    led = pd.DataFrame({"task_id": ["T1"], "indicator_no": [1], "indicator": ["甲"], "task": ["x"],
                        "deadline_text": [""], "deadline_kind": ["date"], "due_date": pd.to_datetime([due]),
                        "recurrence": ["none"], "min_per_period": [""], "flags": ["deadline_before_plan_year"]})
    asg = pd.DataFrame({"task_id": ["T1"], "department": [A], "role": ["lead"], "via": [""], "kind": ["section"]})
    prog = pd.DataFrame(rows, columns=["month", "status", "completion_date", "progress_note"])
    prog.insert(0, "city", X)
    prog.insert(1, "department", A)
    prog.insert(3, "task_id", "T1")
    prog["completion_date"] = pd.to_datetime(prog["completion_date"])
    prog["row"] = 5
    return led, asg, prog


def test_done_on_the_due_date_is_on_time_a_day_later_is_late() -> None:
    led, asg, prog = _one_task("2021-06-30", [("2021-06", "done", "2021-06-30", "已完成")])
    s = M.assignment_status(led, asg, prog, "2021-06").iloc[0]
    assert s["status"] == "done_on_time" and s["flags"] == "deadline_before_plan_year"
    led, asg, prog = _one_task("2021-06-30", [("2021-07", "done", "2021-07-01", "已完成")])
    assert M.assignment_status(led, asg, prog, "2021-07").iloc[0]["status"] == "done_late"


def test_due_today_is_due_this_month_a_day_after_is_overdue() -> None:
    # Due 2021-06-30; the June report is as of 06-30 (not passed), the July one as of 07-31.
    led, asg, prog = _one_task("2021-06-30", [("2021-06", "in_progress", None, "起草中")])
    assert M.assignment_status(led, asg, prog, "2021-06").iloc[0]["status"] == "due_this_month"
    july = M.assignment_status(led, asg, prog, "2021-07")
    assert july.iloc[0]["status"] == "overdue"
    assert M.overdue(july)["days_overdue"].tolist() == [31]  # 06-30 -> 07-31
    # A deadline mid-month has passed by the month's end: overdue in its own month.
    led, asg, prog = _one_task("2021-06-15", [("2021-06", "in_progress", None, "起草中")])
    s = M.assignment_status(led, asg, prog, "2021-06")
    assert s.iloc[0]["status"] == "overdue" and M.overdue(s)["days_overdue"].tolist() == [15]
    # Not yet due: reported this month -> in progress; nothing this month -> not reported.
    led, asg, prog = _one_task("2021-09-30", [("2021-06", "not_started", None, "")])
    assert M.assignment_status(led, asg, prog, "2021-06").iloc[0]["status"] == "in_progress"
    assert M.assignment_status(led, asg, prog, "2021-07").iloc[0]["status"] == "not_reported"


def test_not_applicable_counts_only_when_approved() -> None:
    led, asg, prog = _one_task("2021-09-30", [("2021-06", "not_applicable", None, "")])
    claimed = M.assignment_status(led, asg, prog, "2021-06")
    assert claimed.iloc[0]["status"] == "na_claimed"
    assert M.completion_rates(claimed).iloc[0]["n_assignments"] == 1  # stays in the figures
    appr = pd.DataFrame({"city": [""], "task_id": ["T1"], "department": [A],
                         "approved_on": pd.to_datetime(["2021-06-30"])})
    ok = M.assignment_status(led, asg, prog, "2021-06", approvals=appr)
    assert ok.iloc[0]["status"] == "na_approved"
    r = M.completion_rates(ok).iloc[0]
    assert (r["n_assignments"], r["n_not_applicable"]) == (0, 1)
    # Approved on 07-01: not yet approved as of 06-30.
    late = appr.assign(approved_on=pd.to_datetime(["2021-07-01"]))
    assert M.assignment_status(led, asg, prog, "2021-06", approvals=late).iloc[0]["status"] == "na_claimed"
    # An approval for another city does not count here.
    other = appr.assign(city=Y)
    assert M.assignment_status(led, asg, prog, "2021-06", approvals=other).iloc[0]["status"] == "na_claimed"
    # A dated task past its deadline and claimed 不适用 (unapproved) is overdue, flagged as a claim.
    led, asg, prog = _one_task("2021-04-30", [("2021-06", "not_applicable", None, "")])
    s = M.assignment_status(led, asg, prog, "2021-06").iloc[0]
    assert s["status"] == "overdue" and bool(s["claimed_not_applicable"])


def test_every_assignment_has_exactly_one_of_nine_statuses() -> None:
    s = M.assignment_status(ledger_small(), assignments_small(), progress_small(), "2021-04")
    assert set(s["status"]) <= set(M.STATUSES) and list(labels.ASSIGNMENT_STATUS_LABELS) == list(M.STATUSES)


def test_collection_carried_forward_is_marked_and_left_out_of_the_city_total() -> None:
    rows = [(A, "2021-05", "f", 100, 79), (A, "2021-06", "f", 100, 80),   # A: exactly 80% in June
            (B, "2021-05", "g", 100, 95)]                                  # B: nothing in June
    c = pd.DataFrame(rows, columns=["department", "month", "field", "total_entities", "collected_entities"])
    c.insert(0, "city", X)
    k = M.kpis(c, None, None, "2021-06").set_index("department")
    assert not bool(k.loc[A, "carried_forward"]) and bool(k.loc[A, "passed"])
    assert bool(k.loc[B, "carried_forward"]) and k.loc[B, "as_of_month"] == "2021-05"
    # City total: A's June figures only, 80/100 (not 175/200); both pass, so it is judged.
    assert (k.loc[M.ALL_DEPARTMENTS, "numerator"], k.loc[M.ALL_DEPARTMENTS, "denominator"]) == (80, 100)
    assert bool(k.loc[M.ALL_DEPARTMENTS, "passed"])
    # B's stale 95/100 would lift a failing city (79/100 in June) to a pass: not judged.
    c.loc[1, "collected_entities"] = 79
    k = M.kpis(c, None, None, "2021-06").set_index("department")
    assert pd.isna(k.loc[M.ALL_DEPARTMENTS, "passed"]) and k.loc[M.ALL_DEPARTMENTS, "rate"] == 0.79
    # And leaving a silent failing department out must not make the city pass either.
    c.loc[2, "collected_entities"] = 10   # B: 10/100 in May; A: 80/100 in June passes alone
    c.loc[1, "collected_entities"] = 80
    k = M.kpis(c, None, None, "2021-06").set_index("department")
    assert pd.isna(k.loc[M.ALL_DEPARTMENTS, "passed"])  # 80/100 alone, 90/200 pooled


def test_publication_before_its_decision_is_left_out_of_the_rate() -> None:
    p = pd.DataFrame({"city": X, "department": A, "month": "2021-06",
                      "decision_no": ["1", "2", "3"], "category": "penalty",
                      # 2021-06-01 (Tue) + 7 working days -> 06-10; 06-14 is the Dragon Boat holiday.
                      "decision_date": pd.to_datetime(["2021-06-01", "2021-06-01", "2021-06-10"]),
                      "publish_date": pd.to_datetime(["2021-06-10", "2021-06-11", "2021-06-09"])})
    d = M.publicity_timeliness_detail(p, "2021-06")
    assert d["verdict"].tolist() == ["on_time", "late", "invalid"]
    t = M.publicity_timeliness(p, "2021-06").iloc[0]
    assert (t["n_on_time"], t["n_late"], t["n_invalid"]) == (1, 1, 1) and t["rate"] == 0.5
