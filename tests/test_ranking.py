"""ledgerlib.ranking: departments ranked by the mean of their rates."""
from __future__ import annotations

import pandas as pd

from ledgerlib import ranking

from plans import one_dated_task


def test_department_ranking_skips_missing_rates_and_shares_ties():
    parts = pd.DataFrame({"department": ["乙", "甲", "丙", "丁"],
                          "a": [1.0, 0.5, 0.5, None], "b": [None, 1.0, 1.0, None]})
    r = ranking.department_ranking(parts, ["a", "b"])
    # 乙: mean of 1.0 only; 甲 and 丙 tie at 0.75 and share rank 2; 丁 has no rate: last, unranked.
    assert r["department"].tolist() == ["乙", "丙", "甲", "丁"]
    assert r["score"].tolist()[:3] == [1.0, 0.75, 0.75]
    assert r["rank"].tolist()[:3] == [1, 2, 2] and pd.isna(r["rank"].iloc[3])


def test_quarterly_ranking_leaves_out_an_approved_not_applicable():
    # One task, two departments of one city; 法规科 reports it 不适用 in June, 运管科 done.
    ledger, assignments = one_dated_task("2021-12-31", "2021年12月")
    progress = pd.DataFrame({"city": ["安阳市"] * 2, "department": ["法规科", "运管科"], "month": ["2021-06"] * 2,
                             "task_id": ["T1", "T1"], "status": ["not_applicable", "done"],
                             "completion_date": pd.to_datetime([None, "2021-06-10"]), "progress_note": ["", ""]})
    data = {"ledger": ledger, "assignments": assignments, "progress": progress}
    empty = pd.DataFrame(columns=["department", "n_met", "n_periods"])
    kpis = pd.DataFrame(columns=["department", "kpi", "passed"])
    claimed = ranking.quarterly_ranking(data, "2021Q2", "安阳市", empty, kpis).set_index("department")
    # A claim stays in: 法规科 0 of 1 done.
    assert claimed.loc["法规科", "done_rate"] == 0
    approvals = pd.DataFrame({"city": [""], "task_id": ["T1"], "department": ["法规科"],
                              "approved_on": pd.to_datetime(["2021-06-30"])})
    approved = ranking.quarterly_ranking(data, "2021Q2", "安阳市", empty, kpis, approvals).set_index("department")
    # Approved by the quarter's last day: nothing left to count, no done rate; 运管科 1 of 1.
    assert pd.isna(approved.loc["法规科", "done_rate"]) and approved.loc["运管科", "done_rate"] == 1
