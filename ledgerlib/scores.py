"""考核: a score per department for a month or a quarter, its rank and its change of rank.

The rule (docs/metrics.md "Scores") is data: `rules.ScoringRules` from data/raw/scoring.toml.

- tasks        Σ points × credit of the assignment's status ÷ Σ points, over the department's
               assignments (an approved 不适用 is left out). Points are the plan's own 分值
               (a `points` column of the ledger) where it gives them, else 1 per task.
- returns      mean credit of the period's monthly returns (on time, late, unknown, missing).
- kpis         share of the department's KPIs judged on its own figures that passed.
- obligations  share of obligation periods met (quarterly scores; none in a monthly one).

score = 100 × Σ weight × share ÷ Σ weight, over the components the department has a figure
for. Ranks: 1 = best, ties share the better rank (ranking.department_ranking). Change of
rank = last period's rank − this period's (positive: moved up), within the same plan year.

Example::

    monthly_scores(data, "2021-06", "安阳市", rules)
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from . import metrics
from .ranking import department_ranking
from .rules import ScoringRules

COMPONENTS = ("tasks", "returns", "kpis", "obligations")
SCORE_COLUMNS = ["city", "period", "rank", "department", *COMPONENTS, "score", "prev_rank", "rank_change"]


def task_points(ledger: pd.DataFrame) -> pd.Series:
    """Points of each task (index task_id): the plan's 分值 where given (> 0), else 1.

    >>> task_points(data["ledger"]).head(2).tolist()
    [1.0, 1.0]
    """
    pts = pd.to_numeric(ledger["points"], errors="coerce") if "points" in ledger else \
        pd.Series(np.nan, index=ledger.index)
    pts = pts.where(pts > 0, 1.0)
    return pd.Series(pts.to_numpy(dtype="float64"), index=ledger["task_id"].astype(str))


def task_share(status: pd.DataFrame, ledger: pd.DataFrame, rules: ScoringRules) -> pd.DataFrame:
    """Per (city, department): the tasks component (points-weighted credit of each status).

    >>> from ledgerlib.rules import load_rules
    >>> from ledgerlib.bulletin import month_bulletin
    >>> b = month_bulletin(data, "2021-06", "安阳市", load_rules())
    >>> list(task_share(b.status, data["ledger"], b.rules.scoring).columns)
    ['city', 'department', 'tasks']
    """
    s = status[status["status"] != "na_approved"]
    pts = s["task_id"].astype(str).map(task_points(ledger)).fillna(1.0)
    credit = s["status"].map(rules.status_credit).astype("float64").fillna(0.0)
    g = pd.DataFrame({"city": s["city"], "department": s["department"], "_p": pts, "_c": pts * credit})
    g = g.groupby(["city", "department"], sort=False)[["_p", "_c"]].sum().reset_index()
    g["tasks"] = (g["_c"] / g["_p"].where(g["_p"] > 0)).astype("float64")
    return g[["city", "department", "tasks"]]


def return_share(compliance: pd.DataFrame, rules: ScoringRules) -> pd.DataFrame:
    """Per (city, department): mean credit of its months' returns (pending months left out).

    >>> from ledgerlib.rules import load_rules
    >>> from ledgerlib.bulletin import month_bulletin
    >>> b = month_bulletin(data, "2021-06", "安阳市", load_rules())
    >>> list(return_share(b.compliance, b.rules.scoring).columns)
    ['city', 'department', 'returns']
    """
    c = compliance[compliance["status"] != "pending"]
    c = c.assign(_c=c["status"].map(rules.return_credit).astype("float64").fillna(0.0))
    return c.groupby(["city", "department"], sort=False)["_c"].mean().rename("returns").reset_index()


def kpi_share(kpis: pd.DataFrame) -> pd.DataFrame:
    """Per (city, department): share of its KPIs judged on its own figures that passed.

    >>> from ledgerlib.rules import load_rules
    >>> from ledgerlib.bulletin import month_bulletin
    >>> list(kpi_share(month_bulletin(data, "2021-06", "安阳市", load_rules()).kpis).columns)
    ['city', 'department', 'kpis']
    """
    k = kpis[(kpis["department"] != metrics.ALL_DEPARTMENTS) & kpis["passed"].notna()]
    if "carried_forward" in k:
        k = k[~k["carried_forward"].astype(bool)]
    g = k.groupby(["city", "department"], sort=False)["passed"].mean().astype("float64")
    return g.rename("kpis").reset_index()


def obligation_share(matrix: pd.DataFrame | None) -> pd.DataFrame:
    """Per (city, department): obligation periods met ÷ periods (metrics.obligation_matrix rows).

    >>> list(obligation_share(None).columns)
    ['city', 'department', 'obligations']
    """
    if matrix is None or matrix.empty:
        return pd.DataFrame(columns=["city", "department", "obligations"])
    g = matrix.groupby(["city", "department"], sort=False)[["n_met", "n_periods"]].sum()
    return (g["n_met"] / g["n_periods"].where(g["n_periods"] > 0)).astype("float64") \
        .rename("obligations").reset_index()


def score_table(parts: list[pd.DataFrame], rules: ScoringRules, period: str) -> pd.DataFrame:
    """Join the component shares, weigh them, score and rank (one city at a time or several).

    >>> from ledgerlib.rules import load_rules
    >>> from ledgerlib.bulletin import month_bulletin
    >>> b = month_bulletin(data, "2021-06", "安阳市", load_rules())
    >>> t = score_table(parts_of(b.status, b.compliance, b.kpis, data["ledger"], b.rules.scoring), b.rules.scoring, "2021-06")
    >>> t.iloc[0]["department"], int(t.iloc[0]["rank"])
    ('建管科', 1)
    """
    out = parts[0]
    for p in parts[1:]:
        out = out.merge(p, on=["city", "department"], how="outer")
    for c in COMPONENTS:
        if c not in out:
            out[c] = np.nan
        out[c] = out[c].astype("float64")
    w = pd.Series({c: float(rules.weights.get(c, 0.0)) for c in COMPONENTS})
    shares = out[list(COMPONENTS)]
    have = shares.notna() & (w > 0)
    num = (shares.fillna(0.0) * w).sum(axis=1)
    den = have.mul(w).sum(axis=1)
    out["_weighted"] = (num / den.where(den > 0)).astype("float64")
    ranked = []
    for _city, g in out.groupby("city", sort=True):
        r = department_ranking(g, ["_weighted"])
        ranked.append(r)
    out = pd.concat(ranked, ignore_index=True)
    out["score"] = (out["_weighted"] * 100).astype("float64")
    out["period"] = period
    return out.drop(columns=["_weighted"])


def with_rank_change(current: pd.DataFrame, previous: pd.DataFrame | None) -> pd.DataFrame:
    """Add prev_rank and rank_change (previous rank − rank: positive means moved up).

    >>> cur = monthly_scores(data, "2021-06", "安阳市").drop(columns=["prev_rank", "rank_change"])
    >>> r = with_rank_change(cur, monthly_scores(data, "2021-05", "安阳市")).iloc[0]
    >>> int(r["prev_rank"]), int(r["rank"]), int(r["rank_change"])
    (8, 1, 7)
    """
    out = current.copy()
    if previous is None or previous.empty:
        out["prev_rank"] = pd.array([pd.NA] * len(out), dtype="Int64")
    else:
        prev = previous[["city", "department", "rank"]].rename(columns={"rank": "prev_rank"})
        out = out.merge(prev, on=["city", "department"], how="left")
        out["prev_rank"] = out["prev_rank"].astype("Int64")
    out["rank_change"] = (out["prev_rank"] - out["rank"].astype("Int64")).astype("Int64")
    return out[SCORE_COLUMNS].reset_index(drop=True)


# --------------------------------------------------------------------------- from the tables

def parts_of(status: pd.DataFrame, compliance: pd.DataFrame, kpis: pd.DataFrame, ledger: pd.DataFrame,
             rules: ScoringRules) -> list[pd.DataFrame]:
    """The tasks, returns and KPI components from figures already computed for a period.

    >>> from ledgerlib.rules import load_rules
    >>> from ledgerlib.bulletin import month_bulletin
    >>> b = month_bulletin(data, "2021-06", "安阳市", load_rules())
    >>> len(parts_of(b.status, b.compliance, b.kpis, data["ledger"], b.rules.scoring))
    3
    """
    return [task_share(status, ledger, rules), return_share(compliance, rules), kpi_share(kpis)]


def _month_parts(data: dict[str, Any], months: list[str], city: str, rules: ScoringRules,
                 approvals: pd.DataFrame | None) -> list[pd.DataFrame]:
    last = months[-1]
    data = metrics.plan_data(data, last)  # the period's own plan year
    status = metrics.assignment_status(data["ledger"], data["assignments"], data.get("progress"), last,
                                       cities=[city], approvals=approvals)
    comp = metrics.submission_compliance(data["assignments"], data.get("submissions_log"), months, cities=[city])
    kpis = metrics.kpis(data.get("collection"), data.get("shared_records"), data.get("publicity"), last)
    kpis = kpis[kpis["city"] == city]
    return parts_of(status, comp, kpis, data["ledger"], rules)


def monthly_scores(data: dict[str, Any], month: str, city: str, rules: ScoringRules | None = None,
                   approvals: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every department's score and rank for a month, with the change since last month
    (none for January: the previous month belongs to another plan year). Columns: SCORE_COLUMNS.

    >>> s = monthly_scores(data, "2021-06", "安阳市")
    >>> s.iloc[0]["department"], int(s.iloc[0]["rank"])
    ('建管科', 1)
    """
    rules = rules or ScoringRules()
    m = metrics.month_str(month)

    def one(mm: str) -> pd.DataFrame:
        return score_table(_month_parts(data, [mm], city, rules, approvals), rules, mm)

    prev_m = str(pd.Period(m, "M") - 1)
    prev = one(prev_m) if prev_m[:4] == m[:4] else None
    return with_rank_change(one(m), prev)


def quarterly_scores(data: dict[str, Any], quarter: str, city: str, rules: ScoringRules | None = None,
                     approvals: pd.DataFrame | None = None, matrix: pd.DataFrame | None = None,
                     prev_matrix: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every department's score and rank for a quarter (tasks as of its last month, the three
    months' returns, KPIs at its end, obligations from `matrix`), with the change since the
    previous quarter of the same year. Columns: SCORE_COLUMNS.

    >>> s = quarterly_scores(data, "2021Q2", "安阳市")
    >>> s.iloc[0]["department"], int(s.iloc[0]["rank"])
    ('执法监督科', 1)
    """
    rules = rules or ScoringRules()
    q = metrics.quarter_str(quarter)

    def one(qq: str, mat: pd.DataFrame | None) -> pd.DataFrame:
        parts = _month_parts(data, metrics.quarter_months(qq), city, rules, approvals)
        return score_table([*parts, obligation_share(mat)], rules, qq)

    prev_q = str(pd.Period(q, "Q") - 1)
    prev = None
    if prev_q[:4] == q[:4]:
        if prev_matrix is None:
            from .summaries import quarterly_matrix

            prev_matrix = quarterly_matrix(data, prev_q, city)
        prev = one(prev_q, prev_matrix)
    return with_rank_change(one(q, matrix), prev)
