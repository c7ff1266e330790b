"""Report tables built from the metrics: one city's data, the trend, KPI and obligation tables.

Pure DataFrame -> DataFrame steps on top of `ledgerlib.metrics` that the report notebooks
share; every figure a report shows is computed here or in `metrics`, never in a notebook.
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from . import config, labels, metrics
from .bureau import default_city


def report_city(data: dict[str, Any], city: str | None = None) -> str:
    """The city a report is about: the one asked for, else the only or default city.

    Example, on the demo data (`data = ledgerlib.load_processed()`)::

        >>> report_city(data), report_city(data, "鹤壁市")
        ('安阳市', '鹤壁市')
    """
    if city:
        return city
    found = sorted({str(c) for df in data.values() if "city" in df for c in df["city"].dropna()})
    if len(found) == 1:
        return found[0]
    home = default_city()
    return home if home in found or not found else found[0]


def only_city(data: dict[str, Any], city: str) -> dict[str, Any]:
    """Every table's rows for one city (tables without a city column are kept whole).

    Example, on the demo data (`data = ledgerlib.load_processed()`)::

        >>> len(only_city(data, "鹤壁市")["progress"]), len(only_city(data, "鹤壁市")["ledger"])
        (0, 39)
    """
    return {name: (df[df["city"] == city].reset_index(drop=True) if "city" in df else df)
            for name, df in data.items()}


def monthly_trend(data: dict[str, Any], month: str, city: str,
                  approvals: pd.DataFrame | None = None) -> pd.DataFrame:
    """From January to `month`: done rate, on-time completion rate and on-time submission rate
    (`approvals`: the approved 不适用, rules.read_approvals).

    Each month's status is as of that month's end (one `assignment_status` a month); the
    rates and the submission compliance of all months are then computed in one pass each,
    grouped by month, rather than once a month (December cost 12 of each).

    Example, on the demo data (`data = ledgerlib.load_processed()`)::

        >>> monthly_trend(data, "2021-03", "安阳市").round(3).values.tolist()
        [['2021-01', 0.033, 0.625, 0.938], ['2021-02', 0.05, 0.625, 1.0], ['2021-03', 0.067, 0.625, 0.938]]
    """
    months = metrics.months_through(month)
    status = pd.concat([metrics.assignment_status(data["ledger"], data["assignments"], data.get("progress"),
                                                  m, cities=[city], approvals=approvals) for m in months],
                       ignore_index=True)
    rates = metrics.completion_rates(status, by=["month"]).set_index("month")
    comp = metrics.compliance_summary(
        metrics.submission_compliance(data["assignments"], data.get("submissions_log"), months, cities=[city]),
        by=["city", "month"]).set_index("month")
    return pd.DataFrame({"month": months,
                         "done_rate": rates["done_rate"].reindex(months).to_numpy(),
                         "on_time_rate": rates["on_time_rate"].reindex(months).to_numpy(),
                         "submission_rate": comp["on_time_rate"].reindex(months).to_numpy()})


def kpi_table(kpis: pd.DataFrame) -> pd.DataFrame:
    """metrics.kpis' long table as one row per department: `<kpi>` rate and `<kpi>_passed`.

    Departments in roster order with the city total last; KPI columns in labels.KPI_LABELS order.

    Example, on the demo data (`data = ledgerlib.load_processed()`)::

        >>> wide = kpi_table(metrics.kpis(data["collection"], data["shared_records"], data["publicity"], "2021-06"))
        >>> total = wide.iloc[-1]
        >>> total["department"], round(float(total["collection_coverage"]), 3), bool(total["collection_coverage_passed"])
        ('all', 0.812, True)
    """
    if kpis.empty:
        return pd.DataFrame({"department": pd.Series(dtype="str")})
    order = [k for k in labels.KPI_LABELS if k in set(kpis["kpi"])]
    depts = list(dict.fromkeys(d for d in kpis["department"] if d != metrics.ALL_DEPARTMENTS))
    if (kpis["department"] == metrics.ALL_DEPARTMENTS).any():
        depts.append(metrics.ALL_DEPARTMENTS)
    out = pd.DataFrame({"department": depts})
    for k in order:
        part = kpis[kpis["kpi"] == k].set_index("department")
        out[k] = out["department"].map(part["rate"]).astype("float64")
        out[f"{k}_passed"] = out["department"].map(part["passed"]).astype("boolean")
    return out


def obligation_pivot(matrix: pd.DataFrame) -> pd.DataFrame:
    """metrics.obligation_matrix as department rows x activity-type columns: True/False/NA.

    A department accountable for one obligation through several tasks passes only if it met
    every one; NA where it is not accountable. Columns in labels.OBLIGATION_LABELS order.

    Example, on the demo data (`data = ledgerlib.load_processed()`)::

        >>> pivot = obligation_pivot(quarterly_matrix(data, "2021Q2", "安阳市"))
        >>> pivot.loc["法规科"].tolist()
        [True, True, True, False, False, <NA>]
    """

    if matrix.empty:
        return pd.DataFrame(index=pd.Index([], name="department"))
    g = matrix.groupby(["department", "activity_type"], sort=True)["met"].all().unstack("activity_type")
    cols = [a for a in labels.OBLIGATION_LABELS if a in g.columns]
    return g[cols].astype("boolean")


def quarterly_matrix(data: dict[str, pd.DataFrame], quarter: str, city: str) -> pd.DataFrame:
    """Department x obligation rows for a quarter: recurring activities and the monthly report.

    Example, on the demo data (`data = ledgerlib.load_processed()`)::

        >>> m = quarterly_matrix(data, "2021Q2", "安阳市")
        >>> m.loc[m["department"] == "法规科", ["activity_type", "n_met", "n_periods"]].head(2).values.tolist()
        [['study_session', 1, 1], ['special_meeting', 1, 1]]
    """
    per_period = metrics.quarterly_obligations(data["ledger"], data["assignments"], data.get("activities"),
                                               quarter, cities=[city])
    parts = [metrics.obligation_matrix(per_period),
             metrics.progress_report_obligation(data["ledger"], data["assignments"],
                                                data.get("submissions_log"), quarter, cities=[city])]
    parts = [p for p in parts if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else _empty_matrix()


def _empty_matrix() -> pd.DataFrame:
    return pd.DataFrame(columns=["city", "department", "task_id", "activity_type", "n_periods", "n_met", "met"])


def calendar_basis(data: dict[str, Any], month: str, city: str) -> tuple[str, pd.DataFrame]:
    """What the report says about the calendar: (note, moved deadlines).

    note: empty when every 双公示 deadline of the month is official; otherwise names how many
    rest on the provisional calendar, the years, the departments whose rate is provisional,
    and how to make them official. moved: the city's `deadline_changes` rows (the deadlines
    the last calendar change moved), columns department, decision_no, decision_date,
    old_deadline, old_basis, new_deadline, new_basis. docs/metrics.md "Deadlines that moved".

    Example, on the demo data (`data = ledgerlib.load_processed()`)::

        >>> note, moved = calendar_basis(data, "2021-06", "安阳市")
        >>> note, len(moved)  # 2021 rests on the official calendar
        ('', 0)
    """
    prov = metrics.provisional_deadlines(data.get("publicity"), month, city=city)
    note = ""
    if not prov.empty:
        note = labels.REPORT_LABELS["provisional_note"].format(
            n=len(prov), years="、".join(str(y) for y in sorted(set(prov["deadline"].dt.year))),
            departments="、".join(dict.fromkeys(prov["department"])))
    cols = ["department", "decision_no", "decision_date", "old_deadline", "old_basis", "new_deadline", "new_basis"]
    moved = data.get("deadline_changes")
    if moved is None or moved.empty:
        return note, pd.DataFrame(columns=cols)
    return note, moved.loc[moved["city"] == city, cols].reset_index(drop=True)


# --------------------------------------------------------------------------- the analyst's desk

def pick_department(data: dict[str, pd.DataFrame], roster, department: str | None = None) -> str:
    """The scored department an analyst means: any alias resolves through the roster
    ("执法支队" -> 交通运输综合行政执法支队); None picks the one with the most assignments.
    An unknown or unscored name raises ValueError listing the scored departments.

    >>> from ledgerlib.roster import load_roster
    >>> data = {"assignments": pd.DataFrame({"department": ["交通运输综合行政执法支队", "运管科", "运管科"]})}
    >>> pick_department(data, load_roster(), "执法支队"), pick_department(data, load_roster())
    ('交通运输综合行政执法支队', '运管科')
    """
    scored = data["assignments"]["department"]
    if department is None or str(department).strip() == "":
        return str(scored.value_counts().sort_index().idxmax())
    canonical = roster.resolve(str(department))
    if canonical not in set(scored):
        known = "、".join(dict.fromkeys(scored))
        raise ValueError(labels.DESK_TEXT["unknown_department"].format(name=department, known=known))
    return canonical


def month_note(data: dict[str, pd.DataFrame], month: str, city: str | None = None) -> str:
    """One sentence on what the processed data holds for a month: how many returns, or that
    there are none (and which months have data), so an empty table never goes unexplained.

    >>> log = pd.DataFrame({"city": ["安阳市"] * 2, "month": ["2021-05", "2021-06"],
    ...                     "department": ["运管科", "运管科"], "superseded": [False, False]})
    >>> month_note({"submissions_log": log}, "2021-06")
    '2021-06：1 个部门报送了本月报表。'
    >>> month_note({"submissions_log": log}, "2021-07")
    '2021-07 没有任何部门报送：以下进展均按未报送计。已有数据的月份：2021-05 至 2021-06。'
    """
    month = metrics.month_str(month)
    log = data.get("submissions_log")
    if log is None or log.empty:
        return labels.DESK_TEXT["no_data_at_all"].format(month=month)
    if city:
        log = log[log["city"] == city]
    rows = log[log["month"].astype(str) == month]
    if rows.empty:
        have = sorted(set(log["month"].astype(str)))
        return labels.DESK_TEXT["no_data_month"].format(
            month=month, first=have[0] if have else "—", last=have[-1] if have else "—")
    return labels.DESK_TEXT["month_data"].format(month=month, n=rows["department"].nunique())
