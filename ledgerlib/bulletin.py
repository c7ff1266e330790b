"""The month's supervision figures, assembled once for the bulletin, the chase pack and the narrative.

`month_bulletin(data, month, city, rules)` runs the metrics (statuses with the approved
不适用, returns, KPIs), the lights, 临近提醒 and the scores for one city and month, and keeps
them together so that the monthly notebook, `ledger chase` and the 通报 text all read the same
numbers. Nothing here reads files (rules come in as `rules.BureauRules`).

Example::

    b = month_bulletin(data, "2021-06", "安阳市", load_rules(raw_dir, data["ledger"]))
    b.status["status"].value_counts()
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from . import lights as L
from . import metrics, scores
from .rules import BureauRules


@dataclass
class Bulletin:
    month: str
    city: str
    status: pd.DataFrame          # metrics.assignment_status (nine statuses)
    compliance: pd.DataFrame      # metrics.submission_compliance for the month
    kpis: pd.DataFrame            # metrics.kpis (with carried_forward)
    lights: pd.DataFrame          # lights.assignment_lights
    department_lights: pd.DataFrame
    due_next: pd.DataFrame
    scores: pd.DataFrame          # scores.monthly_scores
    rules: BureauRules


def month_bulletin(data: dict[str, Any], month: str, city: str, rules: BureauRules) -> Bulletin:
    """Every figure of the month's bulletin for one city (see the module docstring)."""
    m = metrics.month_str(month)
    status = metrics.assignment_status(data["ledger"], data["assignments"], data.get("progress"), m,
                                       cities=[city], approvals=rules.approvals)
    comp = metrics.submission_compliance(data["assignments"], data.get("submissions_log"), [m], cities=[city])
    kpis = metrics.kpis(data.get("collection"), data.get("shared_records"), data.get("publicity"), m)
    kpis = kpis[kpis["city"] == city].reset_index(drop=True)
    lit = L.assignment_lights(status, comp, kpis, rules.lights)
    return Bulletin(month=m, city=city, status=status, compliance=comp, kpis=kpis, lights=lit,
                    department_lights=L.department_lights(lit),
                    due_next=L.due_next(status, rules.lights.due_next_days),
                    scores=scores.monthly_scores(data, m, city, rules.scoring, rules.approvals),
                    rules=rules)


def status_counts(status: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """How many assignments have each of the nine statuses: one row (by=None) or one per
    indicator / department, a column per status in metrics.STATUSES order plus `n_total`."""
    keys = {None: [], "indicator": ["indicator_no", "indicator"], "department": ["department"]}[by]
    s = status.assign(_one=1)
    if keys:
        g = s.pivot_table(index=keys, columns="status", values="_one", aggfunc="sum", fill_value=0,
                          sort=True)
    else:
        g = s.groupby("status")["_one"].sum().to_frame().T
    g = g.reindex(columns=list(metrics.STATUSES), fill_value=0).astype("int64")
    g["n_total"] = g.sum(axis=1)
    out = g.reset_index() if keys else g.reset_index(drop=True)
    out.columns.name = None
    return out


def carried_forward(kpis: pd.DataFrame) -> pd.DataFrame:
    """KPI figures carried forward from an earlier month: department, kpi, as_of_month, rate, passed."""
    k = kpis[kpis["carried_forward"].astype(bool)]
    return k[["department", "kpi", "as_of_month", "rate", "passed"]].reset_index(drop=True)


def collection_with_carried(kpis: pd.DataFrame) -> dict[str, Any] | None:
    """The city's collection rate with the carried-forward figures pooled in, when that would
    change the verdict of the city total (which is made of this month's figures only)."""
    k = kpis[kpis["kpi"] == "collection_coverage"]
    tot = k[k["department"] == metrics.ALL_DEPARTMENTS]
    carried = k[k["carried_forward"].astype(bool)]
    if tot.empty or carried.empty:
        return None
    num = int(tot["numerator"].iloc[0] + carried["numerator"].sum())
    den = int(tot["denominator"].iloc[0] + carried["denominator"].sum())
    if den == 0:
        return None
    from fractions import Fraction

    line = Fraction(str(tot["threshold"].iloc[0]))
    passed = num * line.denominator >= line.numerator * den
    return {"rate": num / den, "passed": passed, "changes_verdict": passed != bool(tot["passed"].iloc[0]),
            "departments": "、".join(carried["department"]), "months": "、".join(carried["as_of_month"])}
