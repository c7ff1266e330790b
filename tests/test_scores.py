"""考核: component shares, weights, ranks and change of rank, worked by hand."""
from __future__ import annotations

import pandas as pd
import pytest

from ledgerlib import scores as S
from ledgerlib.rules import ScoringRules

X = "安阳市"
A, B, C = "法规科", "运管科", "科技科"


def status(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame([(X, d, t, s) for d, t, s in rows], columns=["city", "department", "task_id", "status"])


def test_tasks_weigh_status_credit_by_the_plans_points() -> None:
    st = status([(A, "T1", "done_on_time"), (A, "T2", "overdue"), (A, "T3", "na_approved")])
    plain = pd.DataFrame({"task_id": ["T1", "T2", "T3"]})
    # No 分值: 1 point each, approved 不适用 left out -> (1 + 0) / 2.
    assert S.task_share(st, plain, ScoringRules())["tasks"].iloc[0] == 0.5
    # 分值 3 and 1 -> (3 × 1 + 1 × 0) / 4; a blank or 0 point counts 1.
    pts = plain.assign(points=["3", "1", ""])
    assert S.task_share(st, pts, ScoringRules())["tasks"].iloc[0] == 0.75


def test_returns_credit_and_pending_left_out() -> None:
    comp = pd.DataFrame({"city": X, "department": A, "month": ["2021-04", "2021-05", "2021-06", "2021-07"],
                         "status": ["on_time", "late", "missing", "pending"]})
    assert S.return_share(comp, ScoringRules())["returns"].iloc[0] == pytest.approx(0.5)  # (1 + .5 + 0) / 3


def test_score_rank_ties_and_rank_change() -> None:
    parts = [pd.DataFrame({"city": X, "department": [A, B, C], "tasks": [0.75, 1.0, 0.75]}),
             pd.DataFrame({"city": X, "department": [A, B, C], "returns": [0.5, 1.0, 0.5]}),
             pd.DataFrame({"city": X, "department": [B], "kpis": [0.0]})]
    t = S.score_table(parts, ScoringRules(), "2021-06").set_index("department")
    # A: (50 × .75 + 20 × .5) / (50 + 20) = 47.5 / 70; B: (50 + 20 + 0) / 90 (kpis weigh in).
    assert t.loc[A, "score"] == pytest.approx(100 * 47.5 / 70)
    assert t.loc[B, "score"] == pytest.approx(100 * 70 / 90)
    assert (t.loc[B, "rank"], t.loc[A, "rank"], t.loc[C, "rank"]) == (1, 2, 2)  # A and C tie
    prev = pd.DataFrame({"city": X, "department": [A, B], "rank": [1, 2]})
    ch = S.with_rank_change(S.score_table(parts, ScoringRules(), "2021-06"), prev).set_index("department")
    assert ch.loc[B, "rank_change"] == 1 and ch.loc[A, "rank_change"] == -1
    assert pd.isna(ch.loc[C, "rank_change"])  # no rank last time


def test_weights_come_from_the_rule() -> None:
    parts = [pd.DataFrame({"city": X, "department": [A], "tasks": [1.0]}),
             pd.DataFrame({"city": X, "department": [A], "returns": [0.0]})]
    rules = ScoringRules()
    rules.weights.update({"tasks": 30, "returns": 70})
    assert S.score_table(parts, rules, "2021-06")["score"].iloc[0] == pytest.approx(30.0)
