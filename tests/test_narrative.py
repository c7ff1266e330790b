"""The 通报 text and the bulletin's figures, on a small month worked out by hand.

June 2021, two departments. 法规科 (A): T1 due 05-31 still 推进中 (overdue), T2 ongoing with
progress (on track), T3 due 07-31 (in progress; due next month), collection 7997 of 10000
(79.97%: below 80%). 运管科 (B): no June return; in May it finished T1 on 05-20 and sent a
collection figure of 90 of 100 (carried forward into June, not judged, kept out of the
city total: with it pooled the city would read 80.07% and pass).
"""
from __future__ import annotations

import pandas as pd
import pytest

from ledgerlib import bulletin, narrative
from ledgerlib.chase import chase_items, chase_summary
from ledgerlib.rules import BureauRules, LightRules, ScoringRules, read_approvals

X, A, B = "安阳市", "法规科", "运管科"


def data() -> dict[str, pd.DataFrame]:
    ledger = pd.DataFrame({
        "task_id": ["T1", "T2", "T3"], "indicator_no": [1, 1, 2], "indicator": ["甲", "甲", "乙"],
        "task": ["制定文件。", "持续归集。", "发布清单。"], "deadline_text": ["2021年5月", "持续推进", "2021年7月"],
        "deadline_kind": ["date", "ongoing", "date"], "due_date": pd.to_datetime(["2021-05-31", None, "2021-07-31"]),
        "recurrence": "none", "min_per_period": "", "flags": ["", "", ""]})
    assignments = pd.DataFrame({"task_id": ["T1", "T2", "T3", "T1", "T2"], "department": [A, A, A, B, B],
                                "role": "lead", "via": "", "kind": "section"})
    rows = [(A, "2021-06", "T1", "in_progress", None, "起草中"), (A, "2021-06", "T2", "in_progress", None, "归集30条"),
            (A, "2021-06", "T3", "in_progress", None, "梳理中"),
            (B, "2021-05", "T1", "done", "2021-05-20", "已印发"), (B, "2021-05", "T2", "in_progress", None, "归集")]
    progress = pd.DataFrame(rows, columns=["department", "month", "task_id", "status", "completion_date",
                                           "progress_note"])
    progress.insert(0, "city", X)
    progress["completion_date"] = pd.to_datetime(progress["completion_date"])
    progress["row"] = 5
    log = pd.DataFrame({"city": X, "department": [A, B], "month": ["2021-06", "2021-05"],
                        "file": ["a.xlsx", "b.xlsx"], "received_at": pd.to_datetime(["2021-07-05 17:00", "2021-06-03 09:00"]),
                        "received_source": "manifest", "checksum": "", "superseded": False, "n_errors": 0,
                        "n_warnings": 0, "filled_by": ["王芳", "刘洋"]})
    collection = pd.DataFrame({"city": X, "department": [A, B], "month": ["2021-06", "2021-05"],
                               "field": ["道路运输", "水运"], "total_entities": [10000, 100],
                               "collected_entities": [7997, 90]})
    return {"ledger": ledger, "assignments": assignments, "progress": progress, "submissions_log": log,
            "collection": collection}


def rules() -> BureauRules:
    appr, probs = read_approvals(None)
    return BureauRules(LightRules(), ScoringRules(), appr, probs)


def test_bulletin_figures() -> None:
    b = bulletin.month_bulletin(data(), "2021-06", X, rules())
    st = b.status.set_index(["department", "task_id"])["status"].to_dict()
    assert st == {(A, "T1"): "overdue", (A, "T2"): "on_track", (A, "T3"): "in_progress",
                  (B, "T1"): "done_on_time", (B, "T2"): "not_reported"}
    # Received 07-05 17:00: on the due day, on time; B missing.
    assert b.compliance.set_index("department")["status"].to_dict() == {A: "on_time", B: "missing"}
    head = dict(zip(bulletin.headline(b)["item"], bulletin.headline(b)["count"]))
    assert (head["逾期未完成"], head["本月到期"], head["合计"], head["红灯"], head["黄灯"], head["绿灯"]) == (1, 0, 5, 3, 0, 3)
    assert b.due_next["task_id"].tolist() == ["T3"]
    kv = bulletin.kpi_view(b.kpis).set_index("department")
    assert kv.loc[B, "carried"] == "信用信息归集率沿用2021-05" and pd.isna(kv.loc[B, "collection_coverage_passed"])
    assert kv.loc["all", "collection_coverage"] == 0.7997  # A's June figures only
    # 79.97% alone fails, (7997 + 90) / 10100 pooled passes: the carried figure must not decide.
    assert pd.isna(kv.loc["all", "collection_coverage_passed"])


def test_opening_paragraph() -> None:
    b = bulletin.month_bulletin(data(), "2021-06", X, rules())
    text = narrative.opening(b)
    assert text.startswith("截至2021年6月底，全局2个部门共承担台账任务5项")
    assert "按期完成1项，按计划推进1项，推进中1项，逾期未完成1项，本月未报进展1项。" in text
    assert "三色预警：红灯3项、黄灯0项、绿灯3项。" in text
    assert "法规科、运管科等2个部门亮红灯。" in text
    # A's own 79.97% fails; with B's carried figure pooled the city would pass: not judged.
    assert "信用信息归集率79.9%（暂不判定）" in text and "法规科80.0%" not in text
    assert "信用信息归集率低于80.0%的有：法规科79.9%。" in text
    assert "运管科信用信息归集率（沿用2021-05）" in text
    # (7997 + 90) / 10100 = 80.07%: the carried figure would flip the city to a pass; said, not used.
    assert "若计入沿用数据，全局信用信息归集率为80.0%（达标），两种算法结论不同" in text
    assert "6月工作进展，运管科1个部门未报送。" in text


def test_next_steps_list_the_chase_items() -> None:
    b = bulletin.month_bulletin(data(), "2021-06", X, rules())
    items = chase_items(b.lights, b.compliance)
    lines = narrative.next_steps(b, items)
    assert lines[0] == "（一）法规科：对逾期未完成的T1说明原因，明确完成时限；针对信用信息归集率未达标制定整改措施。"
    assert lines[1] == "（二）运管科：立即补报6月工作进展。"
    assert lines[2].startswith("（三）临近提醒：法规科承担的T3（2021-07-31）")
    assert len(lines) == 4
    s = chase_summary(items, data()["submissions_log"], "2021-06").set_index("department")
    assert s.loc[B, "filled_by"] == "刘洋" and s.loc[A, "filled_by"] == "王芳"


def test_bulletin_scores_are_the_monthly_scores() -> None:
    from ledgerlib import scores

    d, r = data(), rules()
    b = bulletin.month_bulletin(d, "2021-06", X, r)
    pd.testing.assert_frame_equal(b.scores, scores.monthly_scores(d, "2021-06", X, r.scoring, r.approvals))
    s = b.scores.set_index("department")
    # A: tasks (0 + 1 + 0.8) / 3 = 0.6, return on time 1, KPI failed 0 -> (30 + 20 + 0) / 90.
    assert s.loc[A, "score"] == pytest.approx(100 * 50 / 90)
    # B: tasks (1 + 0) / 2, return missing 0, no KPI judged (carried) -> 25 / 70.
    assert s.loc[B, "score"] == pytest.approx(100 * 25 / 70)
    assert (s.loc[A, "rank"], s.loc[B, "rank"]) == (1, 2)


def test_sample_december_7997_is_shown_below_the_line(processed) -> None:
    """The sample's 地方海事事务服务中心 collected 555 of 694 in December 2021 (79.97%)."""
    from ledgerlib import summaries, tables
    from ledgerlib.display import ReportTable
    from ledgerlib.rules import load_rules

    data = summaries.only_city(tables.load_processed(processed), X)
    b = bulletin.month_bulletin(data, "2021-12", X, load_rules(None, data["ledger"]))
    view = bulletin.kpi_view(b.kpis)
    table = ReportTable(view, percent=("collection_coverage",),
                        colour_by={"collection_coverage": "collection_coverage_passed"})
    i = view.index[view["department"] == "地方海事事务服务中心"][0]
    assert table.shown.loc[i, "collection_coverage"] == "79.9%"
    assert "fail" in table.classes["collection_coverage"][i]
    assert "地方海事事务服务中心79.9%" in narrative.opening(b)
    lit = b.lights[(b.lights["department"] == "地方海事事务服务中心") & (b.lights["kpi"] == "collection_coverage")]
    assert lit["light"].tolist() == ["red"] and "79.9%，低于80.0%" in lit["reason"].iloc[0]


def test_changes_fold_and_january_has_none() -> None:
    d = data()
    b = bulletin.month_bulletin(d, "2021-06", X, rules())
    table, folded = bulletin.changes(b)
    # May -> June. A/T1: due 05-31, May's as-of day, so due this month in May (red: A sent no
    # May return), overdue in June (red). B/T2: on track in May (green), no June return (red).
    got = {(r.department, r.change, r.light_before, r.light_after) for r in table.itertuples()}
    assert (A, "newly_overdue", "red", "red") in got
    assert (B, "light_changed", "green", "red") in got
    jan = bulletin.month_bulletin(d, "2021-01", X, rules())
    assert bulletin.changes(jan) is None
