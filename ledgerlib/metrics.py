"""The ledger's own rules as metrics: pure functions from processed tables to tidy tables.

Every metric is defined once, with the ledger words it comes from, in docs/metrics.md;
each function's docstring names its section there and shows an example on the demo data
(`data = ledgerlib.load_processed()`), run as a test (tests/test_examples.py). Inputs are the tables of
docs/data-contract.md; every per-department figure is keyed by (city, department, ...)
so a province can compare cities. Nothing here reads or writes files.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from fractions import Fraction

import numpy as np
import pandas as pd

from . import config
from .cells import text_column
from .ledger import plan_year_for_month
# Months and quarters are read by ledgerlib.periods; these names stay importable from here.
from .periods import (PeriodError, as_of_month, month_end, month_str, months_through,  # noqa: F401
                      period_months, quarter_months, quarter_str)
from .tables import DTYPES, empty_table, sort_table
from .workdays import PROVISIONAL, WorkCalendar, deadline_with_basis
from .bureau import default_city

#: `department` value of a city-wide total row (label: labels.TOTAL_LABELS).
ALL_DEPARTMENTS = "all"

DONE_STATUSES = ("done_on_time", "done_late")
#: The nine statuses of an assignment as of a month, in the order reports show them
#: (keys of labels.ASSIGNMENT_STATUS_LABELS). docs/metrics.md "Assignment status".
STATUSES = ("done_on_time", "done_late", "on_track", "in_progress", "due_this_month", "overdue",
            "not_reported", "na_approved", "na_claimed")

# Activity obligations recognised in recurring ledger tasks: (activity_type, period, keywords).
# A recurring task's period part (每月 / 每季度) is matched with the rule of the same period
# whose keyword is in the task text; see docs/metrics.md "Quarterly obligations".
OBLIGATION_RULES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("study_session", "quarterly", ("学习",)),
    ("special_meeting", "quarterly", ("会议",)),
    ("case_published", "quarterly", ("案例",)),
    ("result_list_submitted", "monthly", ("成效清单",)),
    ("dishonest_list_submitted", "monthly", ("失信",)),
)

# --------------------------------------------------------------------------- helpers

def _table(df: pd.DataFrame | None, name: str) -> pd.DataFrame:
    """The table, or an empty one with the contract's columns when absent."""
    return empty_table(name) if df is None else df


def _cities(cities: Sequence[str] | None, *frames: pd.DataFrame) -> list[str]:
    if cities is not None:
        return list(dict.fromkeys(cities))
    found = sorted({c for f in frames if "city" in f for c in f["city"].dropna().astype(str)})
    return found or [default_city()]


def _dates(s: pd.Series) -> pd.Series:
    """A datetime column as datetime64; text that is not a date becomes NaT (never raises)."""
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        return s
    return pd.to_datetime(s, errors="coerce", format="mixed")


def _ratio(num: pd.Series | float, den: pd.Series | float) -> pd.Series:
    """num/den as float, NaN where den is 0 (no denominator, no rate)."""
    num = pd.Series(num, dtype="float64") if not isinstance(num, pd.Series) else num.astype("float64")
    den = pd.Series(den, dtype="float64") if not isinstance(den, pd.Series) else den.astype("float64")
    return (num / den.where(den > 0)).astype("float64")


def _at_least(num: pd.Series, den: pd.Series, threshold: float) -> pd.Series:
    """num/den >= threshold in exact integer arithmetic (3/5 passes 0.60), NA when den is 0."""
    frac = Fraction(str(threshold)).limit_denominator(10_000)
    n = num.astype("float64")
    d = den.astype("float64")
    ok = (n * frac.denominator >= frac.numerator * d)
    return ok.astype("boolean").mask(~(d > 0))


def _cross_cities(df: pd.DataFrame, cities: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"city": cities}).merge(df, how="cross")


def _latest_month_rows(df: pd.DataFrame, month: str, keys: list[str]) -> pd.DataFrame:
    """Rows of the latest reported month <= month for each key."""
    df = df[df["month"].astype(str) <= month]
    if df.empty:
        return df
    last = df.groupby(keys, dropna=False)["month"].transform("max")
    return df[df["month"] == last]


# --------------------------------------------------------------------------- the plan year of a month


def plan_of_month(ledger: pd.DataFrame, assignments: pd.DataFrame, month: object,
                  *others: pd.DataFrame) -> tuple[pd.DataFrame, ...]:
    """The ledger, assignments (and any other task-keyed tables) of the plan serving `month`.

    Each plan year keeps its own ledger and task ids are unique only within a year, so a
    month is scored against its own year's tasks alone. Tables without a plan_year column
    (a single plan) pass through unchanged.

    Example, on the demo data (`data = ledgerlib.load_processed()`)::

        >>> ledger, assignments = plan_of_month(data["ledger"], data["assignments"], "2021-06")
        >>> len(ledger), len(assignments), len(plan_of_month(data["ledger"], data["assignments"], "2022-03")[0])
        (39, 299, 0)
    """
    if "plan_year" not in ledger:
        return (ledger, assignments, *others)
    year = plan_year_for_month(ledger, month_str(month))
    keep = [df[df["plan_year"] == year] if (df is not None and "plan_year" in df) else df
            for df in (ledger, assignments, *others)]
    return tuple(keep)


def plan_data(data: dict, month: object) -> dict:
    """The processed tables with the ledger and assignments of the plan serving `month` only.

    For code that looks tasks up by task_id (scores, chase, report views): task ids repeat
    from one plan year to the next.

    Example, on the demo data (`data = ledgerlib.load_processed()`)::

        >>> sorted(set(plan_data(data, "2021-06")["ledger"]["plan_year"]))
        [2021]
    """
    ledger, assignments = plan_of_month(data["ledger"], data["assignments"], month)
    return {**data, "ledger": ledger.reset_index(drop=True), "assignments": assignments.reset_index(drop=True)}


def _plan_year_of(years: Sequence[int], month: str) -> int | None:
    """The latest plan year at or before month's year (for tables that hold only plan_year)."""
    y = int(month[:4])
    before = [p for p in years if p <= y]
    return max(before) if before else (min(years) if len(years) else None)


# --------------------------------------------------------------------------- assignment status

def assignment_status(ledger: pd.DataFrame, assignments: pd.DataFrame,
                      progress: pd.DataFrame | None, month: object,
                      cities: Sequence[str] | None = None,
                      approvals: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each scored assignment's status as of the end of `month`, one row per (city, task, department).

    Columns: city, month, task_id, department, role, indicator_no, indicator, deadline_kind,
    due_date, flags, reported_status, reported_month, completion_date, completion_inferred,
    reported_this_month, due, done, done_on_time, on_track, claimed_not_applicable, status
    (one of STATUSES). `approvals` (rules.read_approvals: city, task_id, department,
    approved_on) lists the 不适用 the regulations section approved; any other 不适用 is a
    claim and the assignment stays in the figures. Rules: docs/metrics.md "Assignment status".

    Example, on the demo data (`data = ledgerlib.load_processed()`)::

        >>> status = assignment_status(data["ledger"], data["assignments"], data["progress"], "2021-06")
        >>> status.loc[status["task_id"] == "T04", ["department", "status"]].head(3).values.tolist()
        [['法规科', 'done_on_time'], ['办公室', 'done_late'], ['规划科', 'done_on_time']]
    """
    m = as_of_month(month)
    end = month_end(m)
    progress = _table(progress, "progress")
    ledger, assignments, progress = plan_of_month(ledger, assignments, m, progress)
    base = assignments[["task_id", "department", "role"]].reset_index(drop=True)
    base["_order"] = np.arange(len(base))
    lcols = ["task_id", "indicator_no", "indicator", "deadline_kind", "due_date"]
    led = ledger[lcols].assign(flags=text_column(ledger["flags"]) if "flags" in ledger else "")
    base = base.merge(led, on="task_id", how="left")
    base = _cross_cities(base, _cities(cities, progress))
    keys = ["city", "task_id", "department"]

    p = progress[progress["month"].astype(str) <= m].copy()
    p["status"] = text_column(p["status"])
    p = p[p["status"] != ""]
    p["month"] = p["month"].astype(str)
    p = p.sort_values(["month", "row"] if "row" in p else ["month"], kind="mergesort")

    latest = p.groupby(keys, sort=False).tail(1)[keys + ["status", "month"]]
    latest = latest.rename(columns={"status": "reported_status", "month": "reported_month"})

    done_rows = p[p["status"] == "done"]
    first_done = done_rows.groupby(keys)["month"].min().rename("_first_done")
    dated = done_rows[_dates(done_rows["completion_date"]).notna()]
    stated = dated.groupby(keys, sort=False)["completion_date"].first().rename("_stated")

    this = p[p["month"] == m].groupby(keys, sort=False).tail(1)
    this = this.assign(_note=text_column(this["progress_note"]))[keys + ["status", "_note"]]
    this = this.rename(columns={"status": "_status_m"})

    out = (base.merge(latest, on=keys, how="left")
               .merge(first_done.reset_index(), on=keys, how="left")
               .merge(stated.reset_index(), on=keys, how="left")
               .merge(this, on=keys, how="left"))
    out["month"] = m
    is_date = out["deadline_kind"].eq("date") & out["due_date"].notna()
    out["done"] = out["_first_done"].notna()
    inferred_date = pd.to_datetime(out["_first_done"], format="%Y-%m", errors="coerce").dt.to_period("M").dt.end_time.dt.normalize()
    completion = _dates(out["_stated"])
    out["completion_inferred"] = out["done"] & completion.isna()
    out["completion_date"] = completion.where(completion.notna(), inferred_date.where(out["done"]))
    out["completion_date"] = out["completion_date"].astype("datetime64[us]")
    out["due"] = is_date & (pd.to_datetime(out["due_date"]) <= end)
    on_time = out["completion_date"] <= pd.to_datetime(out["due_date"])
    out["done_on_time"] = on_time.astype("boolean").where(is_date & out["done"], pd.NA)
    out["reported_this_month"] = out["_status_m"].notna()
    claimed = out["reported_status"].eq("not_applicable")
    approved = claimed & _approved(out, approvals, end)
    ongoing = out["deadline_kind"].isin(["ongoing", "recurring"]) & ~approved
    on_track = out["_status_m"].isin(["in_progress", "done"]) & out["_note"].fillna("").ne("")
    out["on_track"] = on_track.astype("boolean").where(ongoing, pd.NA)
    out["claimed_not_applicable"] = claimed & ~approved
    out["status"] = _derive_status(out, is_date, end, approved)

    cols = ["city", "month", "task_id", "department", "role", "indicator_no", "indicator",
            "deadline_kind", "due_date", "flags", "reported_status", "reported_month",
            "completion_date", "completion_inferred", "reported_this_month", "due", "done",
            "done_on_time", "on_track", "claimed_not_applicable", "status"]
    if "plan_year" in ledger:  # the plan year whose ledger scored the month: part of the task key
        out["plan_year"] = plan_year_for_month(ledger, m) if len(ledger) else pd.NA
        cols.insert(2, "plan_year")
    out = out.sort_values(["city", "_order"], kind="mergesort")
    return out[cols].reset_index(drop=True)


def _approved(out: pd.DataFrame, approvals: pd.DataFrame | None, end: pd.Timestamp) -> pd.Series:
    """True where an approval (same task and department; same city or none given; approved
    on or before the as-of day, or undated) covers the assignment."""
    if approvals is None or approvals.empty:
        return pd.Series(False, index=out.index)
    a = approvals.copy()
    a["city"] = text_column(a["city"]) if "city" in a else ""
    when = _dates(a["approved_on"]) if "approved_on" in a else pd.Series(pd.NaT, index=a.index)
    a = a[when.isna() | (when <= end)]
    keys = out[["city", "task_id", "department"]].reset_index()
    hit = pd.concat([
        keys.merge(a[a["city"] == ""][["task_id", "department"]].drop_duplicates(), on=["task_id", "department"]),
        keys.merge(a[a["city"] != ""][["city", "task_id", "department"]].drop_duplicates(),
                   on=["city", "task_id", "department"])])
    return out.index.to_series().isin(hit["index"])


def _derive_status(out: pd.DataFrame, is_date: pd.Series, end: pd.Timestamp,
                   approved: pd.Series) -> pd.Series:
    """One of STATUSES per row, first match wins (docs/metrics.md "Assignment status").

    Overdue means the due date has passed: a task due on the as-of day (the month's last
    day, where a 完成时限 of a month puts it) is due this month, not overdue.
    """
    due_date = pd.to_datetime(out["due_date"])
    not_done = ~out["done"]
    conditions = [
        approved,
        out["done"] & (~is_date | out["done_on_time"].fillna(False).astype(bool)),
        out["done"],
        not_done & is_date & (due_date < end),
        not_done & is_date & (due_date.dt.to_period("M") == end.to_period("M")),
        out["reported_status"].eq("not_applicable"),
        ~out["reported_this_month"].astype(bool),
        out["on_track"].fillna(False).astype(bool),
    ]
    choices = ["na_approved", "done_on_time", "done_late", "overdue", "due_this_month",
               "na_claimed", "not_reported", "on_track"]
    return pd.Series(np.select(conditions, choices, default="in_progress"), index=out.index, dtype="str")


def _group_keys(by: str | Sequence[str] | None) -> list[str]:
    if by is None or by == "overall":
        return ["city"]
    if by == "indicator":
        return ["city", "indicator_no", "indicator"]
    if by == "department":
        return ["city", "department"]
    cols = [by] if isinstance(by, str) else list(by)
    return cols if "city" in cols else ["city", *cols]


def completion_rates(status: pd.DataFrame, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Completion by city (by=None), indicator, department, or any status columns.

    Columns: the group keys, n_assignments, n_not_applicable, n_done, done_rate, n_due,
    n_done_on_time, on_time_rate, n_overdue, n_ongoing, n_on_track, on_track_rate.
    Rates are in [0, 1], NaN when their denominator is 0. docs/metrics.md "Completion rates".

    Example, on the demo data (`data = ledgerlib.load_processed()`)::

        >>> status = assignment_status(data["ledger"], data["assignments"], data["progress"], "2021Q2")
        >>> completion_rates(status)[["n_assignments", "n_done", "n_overdue"]].values.tolist()
        [[299, 42, 3]]
    """
    keys = _group_keys(by)
    s = status.copy()
    applicable = s["status"].ne("na_approved")
    s["n_assignments"] = applicable.astype(int)
    s["n_not_applicable"] = (~applicable).astype(int)
    s["n_done"] = (applicable & s["done"].astype(bool)).astype(int)
    due = applicable & s["due"].astype(bool)
    s["n_due"] = due.astype(int)
    s["n_done_on_time"] = (due & s["done_on_time"].fillna(False).astype(bool)).astype(int)
    s["n_overdue"] = s["status"].eq("overdue").astype(int)
    s["n_ongoing"] = s["on_track"].notna().astype(int)
    s["n_on_track"] = s["on_track"].fillna(False).astype(bool).astype(int)
    counts = ["n_assignments", "n_not_applicable", "n_done", "n_due", "n_done_on_time",
              "n_overdue", "n_ongoing", "n_on_track"]
    g = s.groupby(keys, sort=False, dropna=False)[counts].sum().reset_index()
    g["done_rate"] = _ratio(g["n_done"], g["n_assignments"])
    g["on_time_rate"] = _ratio(g["n_done_on_time"], g["n_due"])
    g["on_track_rate"] = _ratio(g["n_on_track"], g["n_ongoing"])
    cols = keys + ["n_assignments", "n_not_applicable", "n_done", "done_rate", "n_due",
                   "n_done_on_time", "on_time_rate", "n_overdue", "n_ongoing", "n_on_track",
                   "on_track_rate"]
    return g.sort_values(keys, kind="mergesort").reset_index(drop=True)[cols]


def overdue(status: pd.DataFrame) -> pd.DataFrame:
    """Assignments overdue as of the status month, with days overdue at the month's end.

    Columns: city, department, task_id, indicator, due_date, days_overdue, reported_status,
    reported_month. docs/metrics.md "Overdue list".

    Example, on the demo data (`data = ledgerlib.load_processed()`)::

        >>> status = assignment_status(data["ledger"], data["assignments"], data["progress"], "2021-06")
        >>> overdue(status)[["department", "task_id", "days_overdue"]].tail(2).values.tolist()
        [['财审科', 'T04', 61], ['运管科', 'T15a', 426]]
    """
    o = status[status["status"] == "overdue"].copy()
    ends = o["month"].map(month_end)
    o["days_overdue"] = (pd.to_datetime(ends) - pd.to_datetime(o["due_date"])).dt.days.astype("int64")
    cols = ["city", "department", "task_id", "indicator", "due_date", "days_overdue",
            "reported_status", "reported_month"]
    if "plan_year" in o:
        cols.insert(2, "plan_year")
    return o.sort_values(["city", "department", "due_date", "task_id"], kind="mergesort")[cols] \
            .reset_index(drop=True)


def on_track(status: pd.DataFrame) -> pd.DataFrame:
    """Ongoing assignments and whether each reported progress in the status month.

    Columns: city, department, task_id, indicator, on_track, reported_this_month,
    reported_status. docs/metrics.md "Ongoing tasks on track".

    Example, on the demo data (`data = ledgerlib.load_processed()`)::

        >>> status = assignment_status(data["ledger"], data["assignments"], data["progress"], "2021-06")
        >>> int(on_track(status)["on_track"].sum()), len(on_track(status))
        (148, 179)
    """
    o = status[status["on_track"].notna()]
    cols = ["city", "department", "task_id", "indicator", "on_track", "reported_this_month",
            "reported_status"]
    return o[cols].reset_index(drop=True)


def changes_since(prev_status: pd.DataFrame, cur_status: pd.DataFrame) -> pd.DataFrame:
    """What changed between two assignment_status results (e.g. last month and this month).

    Columns: city, task_id, department, indicator, status_before, status_after, change
    (a key of labels.CHANGE_LABELS). Unchanged assignments are left out.
    docs/metrics.md "Changes since last month".

    Example, on the demo data (`data = ledgerlib.load_processed()`)::

        >>> may = assignment_status(data["ledger"], data["assignments"], data["progress"], "2021-05")
        >>> june = assignment_status(data["ledger"], data["assignments"], data["progress"], "2021-06")
        >>> changes_since(may, june)["change"].value_counts().to_dict()
        {'status_changed': 76, 'newly_done': 8}
    """
    keys = ["city", "task_id", "department"]
    if "plan_year" in prev_status and "plan_year" in cur_status:
        keys.insert(1, "plan_year")  # across a new year, T03 of 2021 and T03 of 2022 are two tasks
    a = prev_status[keys + ["indicator", "status"]].rename(columns={"status": "status_before",
                                                                     "indicator": "_ind_b"})
    b = cur_status[keys + ["indicator", "status"]].rename(columns={"status": "status_after"})
    b["_order"] = np.arange(len(b))
    m = a.merge(b, on=keys, how="outer", sort=False)
    m["indicator"] = m["indicator"].where(m["indicator"].notna(), m["_ind_b"])
    m = m[m["status_before"].fillna("") != m["status_after"].fillna("")].copy()
    before_done = m["status_before"].isin(DONE_STATUSES)
    after_done = m["status_after"].isin(DONE_STATUSES)
    m["change"] = np.select(
        [m["status_before"].isna(), m["status_after"].isna(), after_done & ~before_done,
         m["status_after"].eq("overdue")],
        ["added", "removed", "newly_done", "newly_overdue"], default="status_changed")
    rank = {k: i for i, k in enumerate(["newly_done", "newly_overdue", "status_changed", "added",
                                        "removed"])}
    m["_rank"] = m["change"].map(rank)
    m = m.sort_values(["city", "_rank", "_order", "task_id", "department"], kind="mergesort")
    cols = keys + ["indicator", "status_before", "status_after", "change"]
    return m[cols].reset_index(drop=True)


# --------------------------------------------------------------------------- submissions

def submission_due(month: object, due_day: int = config.SUBMISSION_DUE_DAY) -> pd.Timestamp:
    """The day by which month's return is on time: `due_day` of the next month (whole day).

    Example::

        >>> submission_due("2021-12")
        Timestamp('2022-01-05 00:00:00')
    """
    nxt = pd.Period(month_str(month), "M") + 1
    return nxt.start_time.normalize() + pd.Timedelta(days=due_day - 1)


def submission_compliance(assignments: pd.DataFrame, submissions_log: pd.DataFrame | None,
                          months: Iterable[object] | object, cities: Sequence[str] | None = None,
                          *, due_day: int = config.SUBMISSION_DUE_DAY,
                          as_of: object | None = None) -> pd.DataFrame:
    """On time / late / missing for each (city, scored department, month).

    A month counts as received at its first receipt (the earliest received_at over all its
    files); a month none of whose files is current is missing. With `as_of`, a month whose
    due day has not ended by then and has no file is `pending`, not missing. Columns: city,
    department, month, due_date, received_at, current_file, n_files, status (a key of
    labels.SUBMISSION_STATUS_LABELS), days_late. docs/metrics.md "Submission compliance".

    Example, on the demo data (`data = ledgerlib.load_processed()`)::

        >>> comp = submission_compliance(data["assignments"], data["submissions_log"], "2021Q2")
        >>> comp.groupby("month")["status"].apply(lambda s: (s == "on_time").sum()).to_dict()
        {'2021-04': 14, '2021-05': 13, '2021-06': 12}
    """
    month_list = period_months(months) if isinstance(months, (str, pd.Period)) else \
        [month_str(x) for x in months]
    log = _table(submissions_log, "submissions_log").copy()
    log["month"] = log["month"].astype(str)
    log["received_at"] = _dates(log["received_at"])
    log["_current"] = ~log["superseded"].astype("boolean").fillna(False).astype(bool)

    depts = assignments[["department"]].drop_duplicates().reset_index(drop=True)
    depts["_order"] = np.arange(len(depts))
    pairs = depts.merge(pd.DataFrame({"month": month_list}), how="cross")
    if "plan_year" in assignments and assignments["plan_year"].nunique() > 1:
        # each month owes returns from the departments of its own plan year
        years = sorted(assignments["plan_year"].unique())
        owed = set(zip(assignments["plan_year"], assignments["department"]))
        pairs = pairs[[(_plan_year_of(years, mo), d) in owed for d, mo in zip(pairs["department"], pairs["month"])]]
    grid = _cross_cities(pairs, _cities(cities, log))
    keys = ["city", "department", "month"]
    log = log.sort_values(["received_at", "file"], kind="mergesort", na_position="last")
    agg = log.groupby(keys, sort=False).agg(
        received_at=("received_at", "min"), n_files=("file", "size"), n_current=("_current", "sum"))
    current = log[log["_current"]].groupby(keys, sort=False)["file"].last().rename("current_file")
    out = grid.merge(agg.reset_index(), on=keys, how="left").merge(current.reset_index(), on=keys, how="left")
    out["n_files"] = out["n_files"].fillna(0).astype("int64")
    out["due_date"] = out["month"].map(lambda x: submission_due(x, due_day)).astype("datetime64[us]")
    deadline = out["due_date"] + pd.Timedelta(days=1)  # end of the due day
    present = out["n_current"].fillna(0) > 0
    late = out["received_at"] >= deadline
    pending = pd.Series(False, index=out.index)
    if as_of is not None:
        pending = ~present & (pd.Timestamp(as_of) < deadline)
    out["status"] = np.select(
        [pending, ~present, out["received_at"].isna(), late],
        ["pending", "missing", "unknown", "late"], default="on_time")
    days = (out["received_at"].dt.normalize() - out["due_date"]).dt.days
    out["days_late"] = days.where(out["status"] == "late").astype("Int64")
    out["received_at"] = out["received_at"].where(present)
    out = out.sort_values(["city", "_order", "month"], kind="mergesort")
    cols = ["city", "department", "month", "due_date", "received_at", "current_file", "n_files",
            "status", "days_late"]
    return out[cols].reset_index(drop=True)


def compliance_summary(compliance: pd.DataFrame,
                       by: Sequence[str] = ("city", "department")) -> pd.DataFrame:
    """Counts of on_time / late / missing / unknown / pending and on_time_rate per group.

    on_time_rate = on_time / (on_time + late + missing + unknown): pending months are not
    yet due. docs/metrics.md "Submission compliance".

    Example, on the demo data (`data = ledgerlib.load_processed()`)::

        >>> comp = submission_compliance(data["assignments"], data["submissions_log"], "2021-06")
        >>> compliance_summary(comp, by=["city"])[["n_on_time", "n_late", "n_missing"]].values.tolist()
        [[12, 2, 2]]
    """
    keys = list(by)
    kinds = ["on_time", "late", "missing", "unknown", "pending"]
    c = compliance.assign(**{f"n_{k}": compliance["status"].eq(k).astype(int) for k in kinds})
    g = c.groupby(keys, sort=False)[[f"n_{k}" for k in kinds]].sum().reset_index()
    g["on_time_rate"] = _ratio(g["n_on_time"], g[["n_on_time", "n_late", "n_missing", "n_unknown"]].sum(axis=1))
    return g


# --------------------------------------------------------------------------- quarterly obligations

def obligations(ledger: pd.DataFrame, assignments: pd.DataFrame) -> pd.DataFrame:
    """Recurring activity obligations read from the ledger, one row per (obligation, department).

    A ledger row whose recurrence is not `none` gives one obligation per period part
    (monthly / quarterly) whose rule keyword (OBLIGATION_RULES) is in its task or deadline
    text; `required` is the matching min_per_period (1 when blank). The departments are the
    task's assignments; `accountable` marks its leads (its responsible departments when it
    has no lead). Columns: task_id, activity_type, frequency, required, department, role,
    accountable. docs/metrics.md "Quarterly obligations".

    Example, on the demo data (`data = ledgerlib.load_processed()`)::

        >>> obl = obligations(data["ledger"], data["assignments"])
        >>> sorted(set(obl["activity_type"]))
        ['case_published', 'dishonest_list_submitted', 'result_list_submitted', 'special_meeting', 'study_session']
    """
    rows = []
    for rec in ledger.itertuples(index=False):
        recurrence = str(rec.recurrence or "none")
        if recurrence in ("none", "", "nan"):
            continue
        text = f"{rec.task} {rec.deadline_text}"
        parts = recurrence.split(";")
        mins = str(rec.min_per_period or "").split(";")
        for i, part in enumerate(parts):
            try:
                required = int(mins[i])
            except (IndexError, ValueError):
                required = 1
            for activity, period, words in OBLIGATION_RULES:
                if period == part.strip() and any(w in text for w in words):
                    rows.append({"task_id": rec.task_id, "activity_type": activity,
                                 "frequency": period, "required": required})
    obl = pd.DataFrame(rows, columns=["task_id", "activity_type", "frequency", "required"])
    a = assignments[["task_id", "department", "role"]]
    out = obl.merge(a, on="task_id", how="left")
    has_lead = out.groupby(["task_id", "activity_type"])["role"].transform(lambda r: (r == "lead").any())
    out["accountable"] = np.where(has_lead, out["role"].eq("lead"), out["role"].eq("responsible"))
    out["required"] = out["required"].astype("int64")
    return out.reset_index(drop=True)


def _activity_period_month(activities: pd.DataFrame) -> pd.Series:
    """The month an activity counts in: its own date when readable, else its report month."""
    date = _dates(activities["date"])
    own = date.dt.strftime("%Y-%m")
    return own.where(date.notna(), activities["month"].astype(str))


def quarterly_obligations(ledger: pd.DataFrame, assignments: pd.DataFrame,
                          activities: pd.DataFrame | None, quarter: object,
                          cities: Sequence[str] | None = None) -> pd.DataFrame:
    """Each recurring obligation per city and period (month or quarter) of `quarter`: met or not.

    Columns: city, quarter, task_id, activity_type, frequency, period, required, count, met,
    accountable (`;`-joined), reported_by (`;`-joined departments that reported it).
    docs/metrics.md "Quarterly obligations".

    Example, on the demo data (`data = ledgerlib.load_processed()`)::

        >>> q = quarterly_obligations(data["ledger"], data["assignments"], data["activities"], "2021Q2")
        >>> q[["task_id", "activity_type", "period", "count", "met"]].head(2).values.tolist()
        [['T01', 'study_session', '2021Q2', 1, True], ['T02', 'special_meeting', '2021Q2', 1, True]]
    """
    q = quarter_str(quarter)
    months = quarter_months(q)
    acts = _table(activities, "activities").copy()
    city_list = _cities(cities, acts)
    ledger, assignments = plan_of_month(ledger, assignments, months[-1])
    obl = obligations(ledger, assignments)
    acts["_month"] = _activity_period_month(acts)
    acts = acts[acts["_month"].isin(months)]
    # A row is at least one occurrence; its count says how many.
    cnt = pd.to_numeric(acts["count"], errors="coerce")
    acts["_n"] = cnt.where(cnt.notna(), 1).clip(lower=0)

    heads = obl.drop_duplicates(["task_id", "activity_type"])[["task_id", "activity_type",
                                                                "frequency", "required"]]
    accountable = (obl[obl["accountable"]].groupby(["task_id", "activity_type"], sort=False)["department"]
                   .agg(";".join).rename("accountable"))
    heads = heads.merge(accountable.reset_index(), on=["task_id", "activity_type"], how="left")
    periods = pd.DataFrame({"frequency": ["monthly"] * 3 + ["quarterly"], "period": months + [q]})
    grid = _cross_cities(heads.merge(periods, on="frequency"), city_list)
    grid["quarter"] = q

    # Which activity rows count: reported by a department assigned to the task.
    rel = acts.merge(obl[["task_id", "activity_type", "frequency", "department"]],
                     on=["activity_type", "department"])
    rel["period"] = np.where(rel["frequency"] == "quarterly", q, rel["_month"])
    keys = ["city", "task_id", "activity_type", "period"]
    counted = rel.groupby(keys, sort=False)["_n"].sum().rename("count")
    who = (rel[rel["_n"] > 0].groupby(keys, sort=False)["department"]
           .agg(lambda d: ";".join(dict.fromkeys(d))).rename("reported_by"))
    out = grid.merge(counted.reset_index(), on=keys, how="left").merge(who.reset_index(), on=keys, how="left")
    out["count"] = out["count"].fillna(0).astype("int64")
    out["met"] = out["count"] >= out["required"]
    out["reported_by"] = out["reported_by"].fillna("")
    out["accountable"] = out["accountable"].fillna("")
    cols = ["city", "quarter", "task_id", "activity_type", "frequency", "period", "required",
            "count", "met", "accountable", "reported_by"]
    return out.sort_values(["city", "task_id", "activity_type", "period"], kind="mergesort")[cols] \
              .reset_index(drop=True)


def obligation_matrix(quarterly: pd.DataFrame) -> pd.DataFrame:
    """Accountable department x obligation for the quarter: met only when every period was met.

    Columns: city, department, task_id, activity_type, n_periods, n_met, met. Pivot on
    activity_type for the report's matrix. docs/metrics.md "Quarterly obligations".

    Example, on the demo data (`data = ledgerlib.load_processed()`)::

        >>> q = quarterly_obligations(data["ledger"], data["assignments"], data["activities"], "2021Q2")
        >>> obligation_matrix(q)["met"].value_counts().to_dict()
        {False: 3, True: 2}
    """
    q = quarterly.assign(department=quarterly["accountable"].str.split(";")).explode("department")
    q = q[q["department"].fillna("") != ""]
    g = q.groupby(["city", "department", "task_id", "activity_type"], sort=False).agg(
        n_periods=("met", "size"), n_met=("met", "sum")).reset_index()
    g["n_met"] = g["n_met"].astype("int64")
    g["met"] = g["n_met"] == g["n_periods"]
    return g.sort_values(["city", "department", "task_id", "activity_type"], kind="mergesort") \
            .reset_index(drop=True)


def progress_report_obligation(ledger: pd.DataFrame, assignments: pd.DataFrame,
                               submissions_log: pd.DataFrame | None, quarter: object,
                               cities: Sequence[str] | None = None,
                               *, due_day: int = config.SUBMISSION_DUE_DAY) -> pd.DataFrame:
    """The monthly progress report as an obligation of every department assigned to it.

    The ledger's monthly task about progress (T03 "每月汇总报送工作进展情况") binds every
    department it assigns; a month is met when that month's return arrived on time
    (submission_compliance status on_time). Same columns as obligation_matrix, with
    activity_type `progress_report`. docs/metrics.md "Quarterly obligations".

    Example, on the demo data (`data = ledgerlib.load_processed()`)::

        >>> p = progress_report_obligation(data["ledger"], data["assignments"], data["submissions_log"], "2021Q2")
        >>> p.loc[~p["met"], ["department", "n_met", "n_periods"]].head(2).values.tolist()
        [['交通运输综合行政执法支队', 2, 3], ['公路事业发展中心', 2, 3]]
    """
    cols = ["city", "department", "task_id", "activity_type", "n_periods", "n_met", "met"]
    ledger, assignments = plan_of_month(ledger, assignments, quarter_months(quarter)[-1])
    monthly = ledger[ledger["recurrence"].astype(str).str.split(";").map(lambda r: "monthly" in r)
                     & ledger["task"].astype(str).str.contains("进展")]
    if monthly.empty:
        return pd.DataFrame(columns=cols)
    task_id = str(monthly["task_id"].iloc[0])
    bound = assignments[assignments["task_id"] == task_id]
    comp = submission_compliance(bound, submissions_log, quarter_months(quarter), cities, due_day=due_day)
    comp["on_time"] = comp["status"].eq("on_time")
    g = comp.groupby(["city", "department"], sort=False).agg(
        n_periods=("on_time", "size"), n_met=("on_time", "sum")).reset_index()
    g["n_met"] = g["n_met"].astype("int64")
    g["met"] = g["n_met"] == g["n_periods"]
    g["task_id"] = task_id
    g["activity_type"] = "progress_report"
    return g[cols].sort_values(["city", "department"], kind="mergesort").reset_index(drop=True)


# --------------------------------------------------------------------------- KPIs

def collection_coverage(collection: pd.DataFrame | None, month: object,
                        by: str = "department",
                        threshold: float = config.COLLECTION_THRESHOLD) -> pd.DataFrame:
    """Credit-information collection coverage from each field's latest figures up to `month`
    (a month, or a quarter: up to its last month).

    by="department" (city, department) or "field" (city, department, field). Columns: keys,
    as_of_month (the latest month whose figures are used), total_entities, collected_entities,
    carried_forward (as_of_month, its latest figures' month, is before `month`: it sent none this month),
    rate, passed (rate >= threshold, inclusive, exact). docs/metrics.md "Collection coverage".

    Example, on the demo data (`data = ledgerlib.load_processed()`)::

        >>> cov = collection_coverage(data["collection"], "2021-06")
        >>> cov.loc[cov["department"] == "运管科", ["collected_entities", "total_entities", "passed"]].values.tolist()
        [[2585, 3175, True]]
    """
    m = as_of_month(month)
    c = _table(collection, "collection").copy()
    c["month"] = c["month"].astype(str)
    c["total_entities"] = pd.to_numeric(c["total_entities"], errors="coerce")
    c["collected_entities"] = pd.to_numeric(c["collected_entities"], errors="coerce")
    c = c[c["total_entities"].notna() & c["collected_entities"].notna() & (c["total_entities"] >= 0)]
    c = _latest_month_rows(c, m, ["city", "department", "field"])
    # A count above the total is a validation problem; the metric counts at most the total.
    c = c.assign(collected_entities=np.minimum(c["collected_entities"].clip(lower=0), c["total_entities"]))
    keys = ["city", "department"] + (["field"] if by == "field" else [])
    g = c.groupby(keys, sort=True).agg(as_of_month=("month", "max"),
                                       total_entities=("total_entities", "sum"),
                                       collected_entities=("collected_entities", "sum")).reset_index()
    # A figure from an earlier month stands in for one the department did not send this month.
    g["carried_forward"] = g["as_of_month"] < m
    return _coverage_rates(g, threshold)


def _coverage_rates(g: pd.DataFrame, threshold: float) -> pd.DataFrame:
    g["total_entities"] = g["total_entities"].astype("int64")
    g["collected_entities"] = g["collected_entities"].astype("int64")
    g["rate"] = _ratio(g["collected_entities"], g["total_entities"])
    g["passed"] = _at_least(g["collected_entities"], g["total_entities"], threshold)
    return g


def shared_record_quality(shared_records: pd.DataFrame | None, month: object,
                          cumulative: bool = False,
                          threshold: float = config.SHARED_RECORD_THRESHOLD) -> pd.DataFrame:
    """Share of qualified shared records (>= 60% of indicators non-empty, inclusive, exact).

    Records of `month` (or, cumulative, the latest report of each record up to `month`).
    Columns: city, department, n_records, n_qualified, rate. docs/metrics.md "Shared-record
    qualification".

    Example, on the demo data (`data = ledgerlib.load_processed()`)::

        >>> q = shared_record_quality(data["shared_records"], "2021-06")
        >>> int(q["n_records"].sum()), int(q["n_qualified"].sum())
        (61, 48)
    """
    r = _qualified_records(shared_records, month, cumulative, threshold)
    g = r.groupby(["city", "department"], sort=True).agg(
        n_records=("qualified", "size"), n_qualified=("qualified", "sum")).reset_index()
    g["n_qualified"] = g["n_qualified"].astype("int64")
    g["rate"] = _ratio(g["n_qualified"], g["n_records"])
    return g


def _month_rows(df: pd.DataFrame | None, name: str, month: object, cumulative: bool,
                key: str) -> pd.DataFrame:
    """Rows reported in `month` (every month of a quarter), or up to its end with each
    (city, department, key) at its latest report."""
    months = period_months(month)
    r = _table(df, name).copy()
    r["month"] = r["month"].astype(str)
    r = r[r["month"] <= months[-1]] if cumulative else r[r["month"].isin(months)]
    if cumulative:
        r = r.sort_values("month", kind="mergesort").drop_duplicates(["city", "department", key], keep="last")
    return r


def _qualified_records(shared_records: pd.DataFrame | None, month: object, cumulative: bool,
                       threshold: float) -> pd.DataFrame:
    r = _month_rows(shared_records, "shared_records", month, cumulative, "record_id")
    n_ind = pd.to_numeric(r["n_indicators"], errors="coerce")
    n_fill = pd.to_numeric(r["n_filled"], errors="coerce")
    # A record without indicators cannot be judged; it is left out.
    r = r[n_ind > 0].assign(n_indicators=n_ind[n_ind > 0], n_filled=n_fill[n_ind > 0].fillna(0))
    r["qualified"] = _at_least(r["n_filled"], r["n_indicators"], threshold).fillna(False).astype(bool)
    return r


def publicity_deadlines(publicity: pd.DataFrame | None,
                        n_days: int = config.PUBLICITY_WORKING_DAYS,
                        calendar: WorkCalendar | None = None) -> pd.DataFrame:
    """The 双公示 table with `deadline` and `deadline_basis` computed from each decision date.

    deadline_basis is `official` or `provisional` (some day counted lies in a year whose
    holiday arrangement is not published yet), empty where there is no deadline. `ledger
    build` stores both columns. docs/metrics.md "双公示 timeliness".

    Example, on the demo data (`data = ledgerlib.load_processed()`)::

        >>> d = publicity_deadlines(data["publicity"].head(1))
        >>> d[["decision_date", "deadline", "deadline_basis"]].astype(str).values.tolist()
        [['2021-01-01', '2021-01-12', 'official']]
    """
    p = _table(publicity, "publicity").copy()
    d = deadline_with_basis(_dates(p["decision_date"]), n_days, calendar=calendar)
    p["deadline"] = d["deadline"].astype("datetime64[us]")
    p["deadline_basis"] = d["deadline_basis"]
    return p


def _with_deadlines(p: pd.DataFrame, n_days: int, calendar: WorkCalendar | None) -> pd.DataFrame:
    """The build's stored deadlines when they answer the question asked, else computed now."""
    stored = (calendar is None and n_days == config.PUBLICITY_WORKING_DAYS
              and {"deadline", "deadline_basis"} <= set(p.columns)
              and not (p["decision_date"].notna() & p["deadline_basis"].fillna("").eq("")).any())
    return p if stored else publicity_deadlines(p, n_days, calendar)


def publicity_timeliness_detail(publicity: pd.DataFrame | None, month: object,
                                cumulative: bool = False,
                                n_days: int = config.PUBLICITY_WORKING_DAYS,
                                calendar: WorkCalendar | None = None) -> pd.DataFrame:
    """Each 双公示 decision with its deadline, the deadline's basis, and a verdict.

    verdict: on_time (published by the deadline), late (published after it, or unpublished
    once it has passed by the month's end), pending (unpublished, deadline still ahead),
    invalid (published before its decision: an error in the problems table, left out of the
    rate), unreadable (no decision date, or one outside the calendar's 1950-2100).
    deadline_basis: official | provisional (see `publicity_deadlines`). The deadlines stored
    by `ledger build` are used unless another calendar or n_days is asked for.
    docs/metrics.md "双公示 timeliness".

    Example, on the demo data (`data = ledgerlib.load_processed()`)::

        >>> d = publicity_timeliness_detail(data["publicity"], "2021-06")
        >>> d["verdict"].value_counts().to_dict()
        {'on_time': 48, 'late': 3, 'pending': 2}
    """
    m = as_of_month(month)
    p = _latest_listing(_month_rows(publicity, "publicity", month, cumulative, "decision_no"))
    p = _with_deadlines(p, n_days, calendar)
    published = _dates(p["publish_date"])
    decided = _dates(p["decision_date"])
    deadline = _dates(p["deadline"])
    end = month_end(m)
    p["verdict"] = np.select(
        [deadline.isna(), published.notna() & (published < decided),
         published.notna() & (published <= deadline), published.notna(), deadline < end],
        ["unreadable", "invalid", "on_time", "late", "late"], default="pending")
    return p.reset_index(drop=True)


def _latest_listing(p: pd.DataFrame) -> pd.DataFrame:
    """A decision listed again (a later month's return giving the date it was published) counts
    once, at its latest listing; rows without a decision number are all kept."""
    numbered = text_column(p["decision_no"]).ne("")
    if not numbered.any():
        return p
    order = ["month", "row"] if "row" in p else ["month"]
    latest = (p[numbered].sort_values(order, kind="mergesort")
              .drop_duplicates(["city", "department", "decision_no"], keep="last"))
    return p.loc[p.index.isin(latest.index) | ~numbered]


def publicity_timeliness(publicity: pd.DataFrame | None, month: object, cumulative: bool = False,
                         n_days: int = config.PUBLICITY_WORKING_DAYS,
                         calendar: WorkCalendar | None = None) -> pd.DataFrame:
    """双公示 7-working-day rate per (city, department).

    Columns: city, department, n_decisions, n_on_time, n_late, n_pending, n_invalid,
    n_unreadable, rate (on_time / (on_time + late); invalid and unreadable left out), passed
    (no late decision: 无…迟报现象), n_provisional
    (decisions whose deadline rests on the provisional calendar).
    docs/metrics.md "双公示 timeliness".

    Example, on the demo data (`data = ledgerlib.load_processed()`)::

        >>> t = publicity_timeliness(data["publicity"], "2021Q2")
        >>> int(t["n_on_time"].sum()), int(t["n_late"].sum())
        (159, 14)
    """
    d = publicity_timeliness_detail(publicity, month, cumulative, n_days, calendar)
    kinds = ["on_time", "late", "pending", "invalid", "unreadable"]
    d = d.assign(**{f"n_{k}": d["verdict"].eq(k).astype(int) for k in kinds},
                 n_provisional=d["deadline_basis"].eq(PROVISIONAL).astype(int))
    g = d.groupby(["city", "department"], sort=True).agg(
        n_decisions=("verdict", "size"), **{f"n_{k}": (f"n_{k}", "sum") for k in kinds},
        n_provisional=("n_provisional", "sum")).reset_index()
    judged = g["n_on_time"] + g["n_late"]
    g["rate"] = _ratio(g["n_on_time"], judged)
    g["passed"] = (g["n_late"] == 0).astype("boolean").mask(judged == 0)
    return g[["city", "department", "n_decisions", *[f"n_{k}" for k in kinds], "rate", "passed",
              "n_provisional"]]


def provisional_deadlines(publicity: pd.DataFrame | None, month: object, *,
                          city: str | None = None) -> pd.DataFrame:
    """The month's 双公示 decisions whose deadline rests on the provisional calendar.

    Columns: city, department, decision_no, decision_date, deadline, verdict. Empty when
    every deadline is official. docs/metrics.md "双公示 timeliness".

    Example, on the demo data (`data = ledgerlib.load_processed()`)::

        >>> len(provisional_deadlines(data["publicity"], "2021-06"))  # 2021 is official
        0
    """
    d = publicity_timeliness_detail(publicity, month)
    d = d[d["deadline_basis"].eq(PROVISIONAL) & (d["city"].eq(city) if city is not None else True)]
    cols = ["city", "department", "decision_no", "decision_date", "deadline", "verdict"]
    return d[cols].reset_index(drop=True)


def moved_deadlines(before: pd.DataFrame | None, after: pd.DataFrame) -> pd.DataFrame:
    """双公示 deadlines that a new build moved or re-based (a holiday arrangement was added).

    `before`, `after`: the publicity table of the previous and of this build (with their
    deadline columns). A decision is matched on (city, department, month, decision_no,
    decision_date); it is listed when its deadline or its basis changed. Columns: those of
    tables.DTYPES["deadline_changes"]. docs/metrics.md "Deadlines that moved".

    Example, on the demo data (`data = ledgerlib.load_processed()`)::

        >>> moved_deadlines(data["publicity"], data["publicity"]).empty  # same calendar, nothing moved
        True
    """
    cols = list(DTYPES["deadline_changes"])
    if before is None or not {"deadline", "deadline_basis"} <= set(before.columns) or before.empty:
        return empty_table("deadline_changes")
    key = ["city", "department", "month", "decision_no", "decision_date"]
    old = before[key + ["deadline", "deadline_basis"]].drop_duplicates(key).rename(
        columns={"deadline": "old_deadline", "deadline_basis": "old_basis"})
    new = after[key + ["deadline", "deadline_basis"]].drop_duplicates(key).rename(
        columns={"deadline": "new_deadline", "deadline_basis": "new_basis"})
    both = old.merge(new, on=key, how="inner")
    same_day = (both["old_deadline"] == both["new_deadline"]) | (both["old_deadline"].isna() & both["new_deadline"].isna())
    moved = both[~same_day.fillna(False).astype(bool) | (both["old_basis"].fillna("") != both["new_basis"].fillna(""))]
    return sort_table(moved[cols].astype(DTYPES["deadline_changes"]), "deadline_changes")


def kpis(collection: pd.DataFrame | None, shared_records: pd.DataFrame | None,
         publicity: pd.DataFrame | None, month: object, *,
         calendar: WorkCalendar | None = None) -> pd.DataFrame:
    """The three KPIs per (city, department) plus a city total (department == ALL_DEPARTMENTS).

    Long table: city, department, kpi (a key of labels.KPI_LABELS), numerator, denominator,
    rate, threshold, passed, as_of_month, carried_forward (a figure from an earlier month: the
    department sent none this month; the city total leaves it out). A quarter is as of its
    last month, over its three months' records. docs/metrics.md "KPIs".

    Example, on the demo data (`data = ledgerlib.load_processed()`)::

        >>> k = kpis(data["collection"], data["shared_records"], data["publicity"], "2021-06")
        >>> k.loc[k["department"] == ALL_DEPARTMENTS, ["kpi", "numerator", "denominator"]].values.tolist()
        [['collection_coverage', 10932, 13460], ['shared_record_quality', 48, 61], ['publicity_timeliness', 48, 51]]
    """
    parts = []
    m = as_of_month(month)
    cov = collection_coverage(collection, month)
    # The city's figure is made of this month's figures only: a carried-forward figure is
    # shown (marked) for its department, not pooled. Neither keeping a stale figure nor
    # leaving a silent department out may decide the verdict: when pooling the carried
    # figures in would give the other verdict, the city is not judged (passed = NA).
    fresh = cov[~cov["carried_forward"]]
    tot = fresh.groupby("city", sort=True)[["total_entities", "collected_entities"]].sum().reset_index()
    tot = _coverage_rates(tot.assign(department=ALL_DEPARTMENTS), config.COLLECTION_THRESHOLD)
    pooled = cov.groupby("city", sort=True)[["total_entities", "collected_entities"]].sum().reset_index()
    pooled = _coverage_rates(pooled, config.COLLECTION_THRESHOLD).set_index("city")["passed"]
    undecided = tot["passed"].astype("boolean") != tot["city"].map(pooled).astype("boolean")
    tot["passed"] = tot["passed"].astype("boolean").mask(undecided.fillna(False).astype(bool))
    tot = tot.assign(as_of_month=m, carried_forward=False)
    for df in (cov, tot):
        parts.append(pd.DataFrame({
            "city": df["city"], "department": df["department"], "kpi": "collection_coverage",
            "numerator": df["collected_entities"], "denominator": df["total_entities"],
            "rate": df["rate"], "threshold": config.COLLECTION_THRESHOLD, "passed": df["passed"],
            "as_of_month": df["as_of_month"], "carried_forward": df["carried_forward"]}))

    sr = shared_record_quality(shared_records, month)
    sr_tot = sr.groupby("city", sort=True)[["n_records", "n_qualified"]].sum().reset_index()
    sr_tot["department"] = ALL_DEPARTMENTS
    for df in (sr, sr_tot):
        parts.append(pd.DataFrame({
            "city": df["city"], "department": df["department"], "kpi": "shared_record_quality",
            "numerator": df["n_qualified"], "denominator": df["n_records"],
            "rate": _ratio(df["n_qualified"], df["n_records"]), "threshold": np.nan,
            "passed": pd.Series(pd.NA, index=df.index, dtype="boolean")}))

    pt = publicity_timeliness(publicity, month, calendar=calendar)
    pt_tot = pt.groupby("city", sort=True)[["n_on_time", "n_late"]].sum().reset_index()
    pt_tot["department"] = ALL_DEPARTMENTS
    for df in (pt, pt_tot):
        judged = df["n_on_time"] + df["n_late"]
        parts.append(pd.DataFrame({
            "city": df["city"], "department": df["department"], "kpi": "publicity_timeliness",
            "numerator": df["n_on_time"], "denominator": judged,
            "rate": _ratio(df["n_on_time"], judged), "threshold": 1.0,
            "passed": (df["n_late"] == 0).astype("boolean").mask(judged == 0)}))

    parts = [p for p in parts if not p.empty]
    cols = ["city", "department", "kpi", "numerator", "denominator", "rate", "threshold", "passed",
            "as_of_month", "carried_forward"]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    out = pd.concat(parts, ignore_index=True).reindex(columns=cols)
    out["numerator"] = out["numerator"].astype("int64")
    out["denominator"] = out["denominator"].astype("int64")
    out["passed"] = out["passed"].astype("boolean")
    out["as_of_month"] = out["as_of_month"].astype("object").where(out["as_of_month"].notna(), m).astype("str")
    out["carried_forward"] = out["carried_forward"].astype("boolean").fillna(False).astype(bool)
    kpi_rank = {"collection_coverage": 0, "shared_record_quality": 1, "publicity_timeliness": 2}
    out["_k"] = out["kpi"].map(kpi_rank)
    out["_all"] = out["department"].eq(ALL_DEPARTMENTS)
    out = out.sort_values(["city", "_k", "_all", "department"], kind="mergesort")
    return out[cols].reset_index(drop=True)


# --------------------------------------------------------------------------- headline

def monthly_summary(tables: dict[str, pd.DataFrame], month: object,
                    cities: Sequence[str] | None = None,
                    approvals: pd.DataFrame | None = None) -> pd.DataFrame:
    """Headline figures of the monthly report, one row per city.

    `tables`: the processed tables by name (tables.load_processed()); ledger and assignments
    are required, the others may be missing (counted as nothing reported). Columns: city,
    month, n_assignments, n_done, done_rate, n_due, on_time_rate, n_overdue, n_ongoing,
    on_track_rate, n_departments, n_submitted_on_time, n_submitted_late, n_missing,
    n_submitted_unknown, collection_rate, collection_passed, shared_record_rate, publicity_rate.
    `approvals` (rules.read_approvals): the approved 不适用, left out of the rates as in the
    monthly report; without it every 不适用 is a claim and stays in. docs/metrics.md "Monthly summary".

    Example, on the demo data (`data = ledgerlib.load_processed()`)::

        >>> s = monthly_summary(data, "2021-06").iloc[0]
        >>> [int(s[k]) for k in ("n_assignments", "n_done", "n_overdue", "n_missing")]
        [299, 42, 3, 2]
    """
    m = month_str(month)
    ledger, assignments = tables["ledger"], tables["assignments"]
    log = _table(tables.get("submissions_log"), "submissions_log")
    progress = _table(tables.get("progress"), "progress")
    city_list = _cities(cities, progress, log)
    status = assignment_status(ledger, assignments, progress, m, city_list, approvals=approvals)
    rates = completion_rates(status)
    ledger, assignments = plan_of_month(ledger, assignments, m)
    comp = compliance_summary(submission_compliance(assignments, log, [m], city_list), by=["city"])
    k = kpis(tables.get("collection"), tables.get("shared_records"), tables.get("publicity"), m)
    k = k[k["department"] == ALL_DEPARTMENTS].set_index(["city", "kpi"])

    out = rates[["city", "n_assignments", "n_done", "done_rate", "n_due", "on_time_rate",
                 "n_overdue", "n_ongoing", "on_track_rate"]].copy()
    out.insert(1, "month", m)
    out["n_departments"] = assignments["department"].nunique()
    out = out.merge(comp[["city", "n_on_time", "n_late", "n_missing", "n_unknown"]].rename(columns={
        "n_on_time": "n_submitted_on_time", "n_late": "n_submitted_late",
        "n_unknown": "n_submitted_unknown"}), on="city", how="left")

    def kpi(city: str, name: str, col: str) -> object:
        return k[col].get((city, name), np.nan if col == "rate" else pd.NA)

    out["collection_rate"] = [kpi(c, "collection_coverage", "rate") for c in out["city"]]
    out["collection_passed"] = pd.array([kpi(c, "collection_coverage", "passed") for c in out["city"]],
                                        dtype="boolean")
    out["shared_record_rate"] = [kpi(c, "shared_record_quality", "rate") for c in out["city"]]
    out["publicity_rate"] = [kpi(c, "publicity_timeliness", "rate") for c in out["city"]]
    for col in ("collection_rate", "shared_record_rate", "publicity_rate"):
        out[col] = out[col].astype("float64")
    return out.reset_index(drop=True)
