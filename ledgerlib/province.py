"""The province view: cities compared for one month, from the per-city metrics.

Pure functions, processed tables in, one row per city out (docs/reports.md "Province
report"). Every figure is the city total that `metrics.monthly_summary` and `metrics.kpis`
already define (docs/metrics.md); this module only lines the cities up, ranks them and
picks out the ones with the most overdue assignments. Nothing here reads or writes files.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from . import metrics

#: The KPIs of the pass/fail matrix, in labels.KPI_LABELS order, with their rate column in
#: `city_comparison` (`<kpi>_passed` holds the verdict).
KPI_RATE_COLUMNS: dict[str, str] = {
    "collection_coverage": "collection_rate",
    "shared_record_quality": "shared_record_rate",
    "publicity_timeliness": "publicity_rate",
}
#: The rates whose mean is a city's score (the quarterly ranking's rule, for cities).
SCORE_COLUMNS: tuple[str, ...] = ("done_rate", "on_time_rate", "submission_rate", "kpi_pass_rate")


def _cities(tables: dict[str, pd.DataFrame]) -> list[str]:
    """Every city with a submission (any month): a city with none this month is still compared."""
    found = {str(c) for name in ("submissions_log", "progress") if name in tables and "city" in tables[name]
             for c in tables[name]["city"].dropna()}
    return sorted(found)


def city_comparison(tables: dict[str, pd.DataFrame], month: object,
                    cities: Sequence[str] | None = None,
                    approvals: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per city with the headline figures and KPI verdicts, best city first.

    `cities`: the cities to compare (default: every city that has ever submitted; a city
    given here with no data shows every return missing). `approvals` (rules.read_approvals):
    the approved 不适用, left out of each city's figures as its monthly report leaves them out
    (a row with a city counts for that city only). Columns: rank, city, score, the
    columns of metrics.monthly_summary, submission_rate (on-time returns ÷ returns due),
    `<kpi>_passed` for each KPI (metrics.kpis' city total; the shared-record KPI has no
    target, so its verdict is NA), n_kpis_judged, n_kpis_passed, kpi_pass_rate
    (passed ÷ judged). score = mean of the available SCORE_COLUMNS; rank 1 is the best,
    ties share the better rank, a city with no rate at all comes last without a rank.

    Example, on the demo data (`data = ledgerlib.load_processed()`)::

        >>> city_comparison(data, "2021-06")[["city", "done_rate", "rank"]].round(3).values.tolist()
        [['安阳市', 0.14, 1]]
    """
    from .ranking import department_ranking

    m = metrics.month_str(month)
    city_list = list(dict.fromkeys(cities)) if cities is not None else (_cities(tables) or None)
    summary = metrics.monthly_summary(tables, m, cities=city_list, approvals=approvals)
    counted = summary[["n_submitted_on_time", "n_submitted_late", "n_missing", "n_submitted_unknown"]]
    due = counted.fillna(0).sum(axis=1)
    summary["submission_rate"] = (summary["n_submitted_on_time"].astype("float64")
                                  / due.where(due > 0)).astype("float64")

    k = metrics.kpis(tables.get("collection"), tables.get("shared_records"), tables.get("publicity"), m)
    k = k[k["department"] == metrics.ALL_DEPARTMENTS].set_index(["city", "kpi"])["passed"]
    for kpi in KPI_RATE_COLUMNS:
        summary[f"{kpi}_passed"] = pd.array([k.get((c, kpi), pd.NA) for c in summary["city"]],
                                            dtype="boolean")
    verdicts = summary[[f"{kpi}_passed" for kpi in KPI_RATE_COLUMNS]]
    summary["n_kpis_judged"] = verdicts.notna().sum(axis=1).astype("int64")
    summary["n_kpis_passed"] = verdicts.fillna(False).astype(bool).sum(axis=1).astype("int64")
    summary["kpi_pass_rate"] = (summary["n_kpis_passed"]
                                / summary["n_kpis_judged"].where(summary["n_kpis_judged"] > 0)).astype("float64")

    ranked = department_ranking(summary, list(SCORE_COLUMNS), key="city")
    first = ["rank", "city", "score"]
    return ranked[first + [c for c in ranked.columns if c not in first]]


def kpi_matrix(comparison: pd.DataFrame) -> pd.DataFrame:
    """city × KPI verdicts (True/False/NA) from city_comparison, cities in its (rank) order.

    Example, on the demo data (`data = ledgerlib.load_processed()`)::

        >>> kpi_matrix(city_comparison(data, "2021-06")).iloc[0].tolist()
        [True, <NA>, False]
    """
    cols = {f"{kpi}_passed": kpi for kpi in KPI_RATE_COLUMNS}
    out = comparison.set_index("city")[list(cols)].rename(columns=cols).astype("boolean")
    out.columns.name = "kpi"
    return out


def overdue_by_city(tables: dict[str, pd.DataFrame], month: object,
                    cities: Sequence[str] | None = None, top: int | None = None,
                    top_tasks: int = 3, approvals: pd.DataFrame | None = None) -> pd.DataFrame:
    """Cities with overdue assignments, most first (metrics.overdue for every city).

    Columns: city, n_overdue, n_departments_overdue (departments with at least one),
    max_days_overdue, tasks_overdue (the `top_tasks` tasks overdue in most departments,
    `、`-joined, ledger order on ties). Sorted by n_overdue, then max_days_overdue (both
    descending), then city; cities with nothing overdue are left out; `top` keeps the first.
    `approvals`: the approved 不适用 (never overdue), as in city_comparison.

    Example, on the demo data (`data = ledgerlib.load_processed()`)::

        >>> overdue_by_city(data, "2021-06")[["city", "n_overdue"]].values.tolist()
        [['安阳市', 3]]
    """
    m = metrics.month_str(month)
    city_list = list(dict.fromkeys(cities)) if cities is not None else (_cities(tables) or None)
    status = metrics.assignment_status(tables["ledger"], tables["assignments"], tables.get("progress"),
                                       m, cities=city_list, approvals=approvals)
    late = metrics.overdue(status)
    cols = ["city", "n_overdue", "n_departments_overdue", "max_days_overdue", "tasks_overdue"]
    if late.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c.startswith(("n_", "max_")) else "str")
                             for c in cols})
    order = {t: i for i, t in enumerate(tables["ledger"]["task_id"])}

    def tasks(group: pd.DataFrame) -> str:
        n = group["task_id"].value_counts()
        ranked = sorted(n.index, key=lambda t: (-n[t], order.get(t, np.inf), t))
        return "、".join(ranked[:top_tasks])

    g = late.groupby("city", sort=True)
    out = pd.DataFrame({
        "n_overdue": g.size(),
        "n_departments_overdue": g["department"].nunique(),
        "max_days_overdue": g["days_overdue"].max(),
        "tasks_overdue": g[["task_id"]].apply(tasks),
    }).reset_index()
    for c in ("n_overdue", "n_departments_overdue", "max_days_overdue"):
        out[c] = out[c].astype("int64")
    out = out.sort_values(["n_overdue", "max_days_overdue", "city"], ascending=[False, False, True],
                          kind="mergesort").reset_index(drop=True)
    return (out.head(top) if top is not None else out)[cols]
