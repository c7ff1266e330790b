"""Ranking departments (or cities) by the mean of their rates, and the quarterly ranking.

The rule (documented in docs/metrics.md): a department's score is the mean of its available
0-1 rates; a missing rate is skipped; ties share the better rank.
"""
from __future__ import annotations

import pandas as pd

from . import metrics


QUARTERLY_RATES = ["done_rate", "submission_rate", "obligation_rate", "kpi_pass_rate"]


def quarterly_ranking(data: dict[str, pd.DataFrame], quarter: str, city: str, matrix: pd.DataFrame,
                      kpis: pd.DataFrame, approvals: pd.DataFrame | None = None) -> pd.DataFrame:
    """Departments ranked for a quarter by the mean of their rates (QUARTERLY_RATES).

    `approvals` (rules.read_approvals): the approved 不适用, left out of done_rate as the
    reports leave them out; without it every 不适用 is a claim and counts.

    done_rate: completion at the quarter's end; submission_rate: share of the quarter's
    months returned on time; obligation_rate: share of obligation periods met (matrix);
    kpi_pass_rate: share of the department's KPIs passed at the quarter's end.

    Example, on the demo data (`data = ledgerlib.load_processed()`)::

        >>> from ledgerlib import summaries
        >>> matrix = summaries.quarterly_matrix(data, "2021Q2", "安阳市")
        >>> kpis = metrics.kpis(data["collection"], data["shared_records"], data["publicity"], "2021Q2")
        >>> quarterly_ranking(data, "2021Q2", "安阳市", matrix, kpis)[["rank", "department", "score"]].round(3).head(2).values.tolist()
        [[1, '监管科', 0.766], [2, '办公室', 0.708]]
    """
    months = metrics.quarter_months(quarter)
    status = metrics.assignment_status(data["ledger"], data["assignments"], data.get("progress"), months[-1],
                                       cities=[city], approvals=approvals)
    done = metrics.completion_rates(status, by="department")[["department", "done_rate"]]
    submitted = metrics.compliance_summary(metrics.submission_compliance(
        data["assignments"], data.get("submissions_log"), months, cities=[city]), by=["department"])
    submitted = submitted[["department", "on_time_rate"]].rename(columns={"on_time_rate": "submission_rate"})
    met = matrix.groupby("department")[["n_met", "n_periods"]].sum()
    obligation = (met["n_met"] / met["n_periods"]).astype("float64").rename("obligation_rate").reset_index()
    passed = kpis[(kpis["department"] != metrics.ALL_DEPARTMENTS) & kpis["passed"].notna()]
    passed = passed.groupby("department")["passed"].mean().astype("float64").rename("kpi_pass_rate").reset_index()
    parts = (done.merge(submitted, on="department", how="left").merge(obligation, on="department", how="left")
             .merge(passed, on="department", how="left"))
    return department_ranking(parts, QUARTERLY_RATES)[["rank", "department", *QUARTERLY_RATES, "score"]]


def department_ranking(parts: pd.DataFrame, rate_columns: list[str],
                       key: str = "department") -> pd.DataFrame:
    """Rank departments (or cities: key="city") by the mean of their available 0-1 rates.

    A missing rate is skipped. Adds `score` and `rank` (1 = best, ties share the better
    rank); rows with no rate at all come last without a rank. Sorted by rank, then `key`.

    Example::

        >>> parts = pd.DataFrame({"department": ["甲", "乙", "丙"], "a": [0.5, 1.0, 0.5], "b": [1.0, None, 0.5]})
        >>> department_ranking(parts, ["a", "b"])[["department", "score", "rank"]].values.tolist()
        [['乙', 1.0, 1], ['甲', 0.75, 2], ['丙', 0.5, 3]]
    """
    out = parts.copy()
    out["score"] = out[rate_columns].astype("float64").mean(axis=1, skipna=True)
    out["rank"] = out["score"].rank(method="min", ascending=False).astype("Int64")
    out = out.sort_values(["score", key], ascending=[False, True], kind="mergesort",
                          na_position="last")
    return out.reset_index(drop=True)
