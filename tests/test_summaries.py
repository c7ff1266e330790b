"""ledgerlib.summaries: report tables built from the metrics."""
from __future__ import annotations

import pandas as pd

from ledgerlib import summaries


def test_obligation_pivot_needs_every_task_met():
    m = pd.DataFrame({"city": "c", "department": ["甲", "甲", "乙"], "task_id": ["T01", "T02", "T01"],
                      "activity_type": ["study_session", "study_session", "case_published"],
                      "n_periods": 1, "n_met": [1, 0, 1], "met": [True, False, True]})
    p = summaries.obligation_pivot(m)
    assert list(p.columns) == ["study_session", "case_published"]  # labels.ACTIVITY_LABELS order
    assert p.loc["甲", "study_session"] == False  # noqa: E712 - one of its two tasks missed
    assert pd.isna(p.loc["甲", "case_published"]) and p.loc["乙", "case_published"] == True  # noqa: E712


def test_kpi_table_puts_the_total_last():
    k = pd.DataFrame({"city": "c", "department": ["all", "乙", "甲"], "kpi": "collection_coverage",
                      "numerator": [9, 4, 5], "denominator": [10, 5, 5], "rate": [0.9, 0.8, 1.0],
                      "threshold": 0.8, "passed": [True, True, True]})
    t = summaries.kpi_table(k)
    assert t["department"].tolist() == ["乙", "甲", "all"]
    assert t["collection_coverage"].tolist() == [0.8, 1.0, 0.9]


def test_monthly_trend_from_january_worked_by_hand():
    from test_metrics import B, X, assignments_small, ledger_small, log_small, progress_small

    data = {"ledger": ledger_small(), "assignments": assignments_small(), "progress": progress_small(),
            "submissions_log": log_small()}
    t = summaries.monthly_trend(data, "2021-04", X)
    assert t["month"].tolist() == ["2021-01", "2021-02", "2021-03", "2021-04"]
    # Done: nothing before March; A/T1 in March (1 of 6); April 3 of 6 (B/T4's 不适用 is
    # not approved, so it stays in the figures).
    assert t["done_rate"].tolist() == [0.0, 0.0, 1 / 6, 3 / 6]
    # On time: nothing due before T1's 03-31; then A/T1 on time, B/T1 not, in both months.
    assert t["on_time_rate"].isna().tolist() == [True, True, False, False]
    assert t["on_time_rate"].tolist()[2:] == [0.5, 0.5]
    # Returns: none in Jan/Feb (both missing); March both on time; April A a day late, B missing.
    assert t["submission_rate"].tolist() == [0.0, 0.0, 1.0, 0.0]
    # Each month as of its own end: the same as asking for that month alone.
    march = summaries.monthly_trend(data, "2021-03", X)
    pd.testing.assert_frame_equal(march, t.iloc[:3].reset_index(drop=True))
    # Approved on 04-30, B/T4 leaves April's figures (3 of 5), not March's.
    approvals = pd.DataFrame({"city": [""], "task_id": ["T4"], "department": [B],
                              "approved_on": pd.to_datetime(["2021-04-30"])})
    approved = summaries.monthly_trend(data, "2021-04", X, approvals=approvals)
    assert approved["done_rate"].tolist() == [0.0, 0.0, 1 / 6, 3 / 5]


def _publicity_2026_12(basis: list[str]) -> pd.DataFrame:
    return pd.DataFrame({
        "city": "安阳市", "department": ["运管科", "规划科"], "month": "2026-12", "decision_no": ["P1", "P2"],
        "category": "penalty", "decision_date": pd.to_datetime(["2026-12-28", "2026-12-01"]),
        "publish_date": pd.to_datetime(["2027-01-05", "2026-12-03"]),
        "deadline": pd.to_datetime(["2027-01-07", "2026-12-10"]), "deadline_basis": basis,
        "file": "f.xlsx", "row": [4, 5]})


def test_calendar_basis_names_provisional_figures_and_how_to_make_them_official():
    from ledgerlib import tables

    data = {"publicity": _publicity_2026_12(["provisional", "official"]),
            "deadline_changes": tables.empty_table("deadline_changes")}
    note, moved = summaries.calendar_basis(data, "2026-12", "安阳市")
    assert "1项" in note and "2027年" in note and "运管科" in note and "规划科" not in note
    assert "data/raw/holidays.csv" in note and "complete" in note and "ledger build" in note
    assert moved.empty
    data["publicity"] = _publicity_2026_12(["official", "official"])
    data["deadline_changes"] = pd.DataFrame({
        "city": ["安阳市", "林州市"], "department": "运管科", "month": "2027-09", "decision_no": ["P9", "P8"],
        "decision_date": pd.to_datetime(["2027-09-28"] * 2),
        "old_deadline": pd.to_datetime(["2027-10-08"] * 2), "old_basis": "provisional",
        "new_deadline": pd.to_datetime(["2027-10-13"] * 2), "new_basis": "official"})
    note, moved = summaries.calendar_basis(data, "2026-12", "安阳市")
    assert note == "" and moved["decision_no"].tolist() == ["P9"]
