"""三色预警: a red, amber or green light for every assignment and department, from a rules file.

Conditions (docs/metrics.md "Lights"), each given a light by `rules.LightRules` (the bureau's
data/raw/lights.toml; defaults in config.LIGHT_RULES):

- overdue      the due date has passed and the task is not done (status `overdue`);
- no_return    the department sent no return for the month, on an assignment not done;
- kpi_below    a KPI of the department's own figures for the month below its line (a
               figure carried forward from an earlier month is not judged here);
- due_soon     a dated task not done, due within `due_soon_days` of the month's last day;
- no_progress  an ongoing task with no progress reported this month;
- na_claimed   不适用 reported but not approved.

An item takes the most severe light among its conditions; green when none applies. A
department takes the most severe light of its items. Also here: 临近提醒 (`due_next`) and the
changes since last month that matter (`changes_that_matter`). Pure DataFrame -> DataFrame.

Example::

    lit = assignment_lights(status, compliance, kpis, rules.lights)
    department_lights(lit)
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import labels, metrics
from .display import percent_text
from .rules import LightRules

#: Lights from most to least severe.
LIGHT_ORDER = ("red", "amber", "green")
#: Conditions in the order their reasons are written.
CONDITIONS = ("overdue", "no_return", "kpi_below", "due_soon", "no_progress", "na_claimed")

LIGHT_COLUMNS = ["city", "department", "task_id", "kpi", "indicator", "light", "reasons", "reason",
                 "status", "due_date", "flags"]


def _worst(lights: pd.Series) -> str:
    for light in LIGHT_ORDER:
        if (lights == light).any():
            return light
    return "green"


def assignment_lights(status: pd.DataFrame, compliance: pd.DataFrame | None, kpis: pd.DataFrame | None,
                      rules: LightRules | None = None) -> pd.DataFrame:
    """One light per assignment, plus one per department KPI below its line.

    `status`: metrics.assignment_status for the month; `compliance`:
    metrics.submission_compliance for the same month; `kpis`: metrics.kpis. Columns:
    LIGHT_COLUMNS; `reasons` holds condition keys (`;`-joined), `reason` the words a
    report prints (labels.LIGHT_REASON_LABELS with the figures). Sorted red, amber, green.

    >>> from ledgerlib.rules import load_rules
    >>> from ledgerlib.bulletin import month_lights
    >>> status, compliance, kpis, lights = month_lights(data, "2021-06", "安阳市", load_rules())
    >>> bool(assignment_lights(status, compliance, kpis)["light"].isin(["red", "amber", "green"]).all())
    True
    """
    rules = rules or LightRules()
    s = status.copy()
    end = pd.to_datetime(s["month"].map(metrics.month_end))
    due = pd.to_datetime(s["due_date"])
    done_or_na = s["status"].isin([*metrics.DONE_STATUSES, "na_approved"])
    missing = pd.Series(False, index=s.index)
    if compliance is not None and not compliance.empty:
        miss = compliance[compliance["status"] == "missing"][["city", "department", "month"]].drop_duplicates()
        missing = s[["city", "department", "month"]].merge(miss.assign(_m=True), how="left",
                                                           on=["city", "department", "month"])["_m"]
        missing = missing.fillna(False).astype(bool).set_axis(s.index)
    days_left = (due - end).dt.days
    cond = {
        "overdue": s["status"].eq("overdue"),
        "no_return": missing & ~done_or_na,
        "kpi_below": pd.Series(False, index=s.index),
        "due_soon": (s["deadline_kind"].eq("date") & ~done_or_na & ~s["status"].eq("overdue")
                     & days_left.between(0, rules.due_soon_days)),
        "no_progress": s["on_track"].eq(False).fillna(False).astype(bool),
        "na_claimed": s["claimed_not_applicable"].astype(bool),
    }
    overdue_days = (end - due).dt.days
    details = {"overdue": overdue_days, "due_soon": days_left}
    rows = _items(s, cond, details, rules)
    rows["kpi"] = ""
    parts = [rows, _kpi_items(kpis, rules, s)]
    out = pd.concat([p for p in parts if not p.empty], ignore_index=True) if any(len(p) for p in parts) else rows
    out = out.reindex(columns=LIGHT_COLUMNS)
    out["_l"] = out["light"].map({k: i for i, k in enumerate(LIGHT_ORDER)})
    out["_k"] = out["kpi"].fillna("").ne("")
    out = out.sort_values(["city", "_l", "department", "_k", "task_id", "kpi"], kind="mergesort")
    out["due_date"] = pd.to_datetime(out["due_date"]).astype("datetime64[us]")
    return out.drop(columns=["_l", "_k"]).reset_index(drop=True)


def _items(s: pd.DataFrame, cond: dict[str, pd.Series], details: dict[str, pd.Series],
           rules: LightRules) -> pd.DataFrame:
    lights = pd.Series("green", index=s.index, dtype="object")
    reasons = [[] for _ in range(len(s))]
    words = [[] for _ in range(len(s))]
    for light in ("amber", "red"):  # red last: it wins
        for key in CONDITIONS:
            if rules.light.get(key) == light:
                lights = lights.mask(cond[key], light)
    for key in CONDITIONS:
        if rules.light.get(key, "none") == "none":
            continue
        hit = cond[key].to_numpy()
        det = details.get(key)
        for i in np.flatnonzero(hit):
            reasons[i].append(key)
            text = labels.LIGHT_REASON_LABELS[key]
            if det is not None and pd.notna(det.iloc[i]):
                days = int(det.iloc[i])
                if key == "due_soon" and days == 0:
                    text = labels.LIGHT_REASON_LABELS["due_today"]
                text = text.format(days=days)
            words[i].append(text)
    out = s[["city", "department", "task_id", "indicator", "status", "due_date", "flags"]].copy()
    out["light"] = lights.to_numpy()
    out["reasons"] = [";".join(r) for r in reasons]
    out["reason"] = ["；".join(w) for w in words]
    return out


def _kpi_items(kpis: pd.DataFrame | None, rules: LightRules, s: pd.DataFrame) -> pd.DataFrame:
    light = rules.light.get("kpi_below", "none")
    if kpis is None or kpis.empty or light == "none":
        return pd.DataFrame(columns=LIGHT_COLUMNS)
    k = kpis[(kpis["department"] != metrics.ALL_DEPARTMENTS) & kpis["passed"].eq(False).fillna(False)
             & ~kpis["carried_forward"].astype(bool)]
    if k.empty:
        return pd.DataFrame(columns=LIGHT_COLUMNS)
    text = [labels.LIGHT_REASON_LABELS["kpi_below"].format(
        kpi=labels.KPI_LABELS.get(r.kpi, r.kpi), rate=percent_text(r.rate), line=percent_text(r.threshold))
        for r in k.itertuples()]
    return pd.DataFrame({"city": k["city"].to_numpy(), "department": k["department"].to_numpy(),
                         "task_id": "", "kpi": k["kpi"].to_numpy(), "indicator": "", "light": light,
                         "reasons": "kpi_below", "reason": text, "status": "", "due_date": pd.NaT,
                         "flags": ""})


def department_lights(lights: pd.DataFrame) -> pd.DataFrame:
    """Per department: its light (the worst of its items) and the count of items of each light.

    Columns: city, department, light, n_red, n_amber, n_green. Sorted red first, then by name.

    >>> from ledgerlib.rules import load_rules
    >>> from ledgerlib.bulletin import month_lights
    >>> lights = month_lights(data, "2021-06", "安阳市", load_rules())[3]
    >>> sorted(department_lights(lights)["light"].unique())
    ['amber', 'green', 'red']
    """
    g = lights.assign(**{f"n_{k}": lights["light"].eq(k).astype(int) for k in LIGHT_ORDER})
    out = g.groupby(["city", "department"], sort=False).agg(
        light=("light", _worst), n_red=("n_red", "sum"), n_amber=("n_amber", "sum"),
        n_green=("n_green", "sum")).reset_index()
    out["_l"] = out["light"].map({k: i for i, k in enumerate(LIGHT_ORDER)})
    out = out.sort_values(["city", "_l", "n_red", "n_amber", "department"],
                          ascending=[True, True, False, False, True], kind="mergesort")
    return out.drop(columns="_l").reset_index(drop=True)


def light_counts(lights: pd.DataFrame) -> dict[str, int]:
    """{red, amber, green: number of items} (assignments and KPI items).

    >>> light_counts(pd.DataFrame({"light": ["red", "green", "green"]}))
    {'red': 1, 'amber': 0, 'green': 2}
    """
    return {k: int(lights["light"].eq(k).sum()) for k in LIGHT_ORDER}


def due_next(status: pd.DataFrame, days: int) -> pd.DataFrame:
    """临近提醒: dated tasks not done that fall due after the month, by the end of next month
    or within `days` of the month's last day, whichever is later.

    Columns: city, department, task_id, indicator, due_date, days_left, status, flags.
    Sorted by due date, then department. docs/metrics.md "Due next".

    >>> from ledgerlib.rules import load_rules
    >>> from ledgerlib.bulletin import month_lights
    >>> status = month_lights(data, "2021-06", "安阳市", load_rules())[0]
    >>> bool((due_next(status, 30)["due_date"] > "2021-06-30").all())
    True
    """
    s = status
    end = pd.to_datetime(s["month"].map(metrics.month_end))
    next_end = pd.to_datetime(s["month"].map(lambda m: metrics.month_end(pd.Period(m, "M") + 1)))
    horizon = np.maximum(next_end, end + pd.Timedelta(days=days))
    due = pd.to_datetime(s["due_date"])
    open_ = ~s["status"].isin([*metrics.DONE_STATUSES, "na_approved"])
    keep = s["deadline_kind"].eq("date") & open_ & (due > end) & (due <= horizon)
    out = s[keep].copy()
    out["days_left"] = (due[keep] - end[keep]).dt.days.astype("int64")
    cols = ["city", "department", "task_id", "indicator", "due_date", "days_left", "status", "flags"]
    return out.sort_values(["city", "due_date", "department", "task_id"], kind="mergesort")[cols] \
              .reset_index(drop=True)


def changes_that_matter(prev_status: pd.DataFrame, cur_status: pd.DataFrame,
                        prev_lights: pd.DataFrame, cur_lights: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """What changed since last month that matters, and how many other changes were folded.

    Kept: newly done, newly overdue, and a change of light (assignments). Any other change
    of status (e.g. 不适用 <-> 推进中 back and forth) is only counted. Columns: city,
    department, task_id, indicator, change (labels.CHANGE_LABELS), status_before,
    status_after, light_before, light_after. docs/metrics.md "Changes since last month".

    >>> from ledgerlib.rules import load_rules
    >>> from ledgerlib.bulletin import month_bulletin
    >>> b = month_bulletin(data, "2021-06", "安阳市", load_rules())
    >>> changes, folded = changes_that_matter(b.prev_status, b.status, b.prev_lights, b.lights)
    >>> folded
    19
    """
    keys = ["city", "task_id", "department"]
    ch = metrics.changes_since(prev_status, cur_status)
    la = prev_lights[prev_lights["kpi"].fillna("") == ""][keys + ["light"]].rename(columns={"light": "light_before"})
    lb = cur_lights[cur_lights["kpi"].fillna("") == ""][keys + ["light"]].rename(columns={"light": "light_after"})
    lights = la.merge(lb, on=keys, how="outer")
    moved = lights[lights["light_before"].notna() & lights["light_after"].notna()
                   & (lights["light_before"] != lights["light_after"])]
    ch = ch.merge(lights, on=keys, how="left")
    major = ch["change"].isin(["newly_done", "newly_overdue"])
    light_only = moved.merge(ch[major][keys], on=keys, how="left", indicator=True)
    light_only = light_only[light_only["_merge"] == "left_only"].drop(columns="_merge")
    light_only = light_only.merge(cur_status[keys + ["indicator", "status"]].rename(columns={"status": "status_after"}),
                                  on=keys, how="left").merge(
        prev_status[keys + ["status"]].rename(columns={"status": "status_before"}), on=keys, how="left")
    light_only["change"] = "light_changed"
    kept = pd.concat([ch[major], light_only], ignore_index=True)
    n_folded = int((~major).sum()) - int(ch[~major].merge(light_only[keys], on=keys).shape[0])
    rank = {"newly_overdue": 0, "light_changed": 1, "newly_done": 2}
    kept["_r"] = kept["change"].map(rank)
    kept["_l"] = kept["light_after"].map({k: i for i, k in enumerate(LIGHT_ORDER)})
    kept = kept.sort_values(["city", "_r", "_l", "department", "task_id"], kind="mergesort")
    cols = ["city", "department", "task_id", "indicator", "change", "status_before", "status_after",
            "light_before", "light_after"]
    return kept[cols].reset_index(drop=True), max(n_folded, 0)


def group_changes(changes: pd.DataFrame) -> pd.DataFrame:
    """changes_that_matter as one row per (department, change, light before -> after), with the
    tasks listed: a department whose return went missing is one row, not twenty.

    Columns: city, department, change, light_before, light_after, n_tasks, task_ids (、-joined).

    >>> from ledgerlib.rules import load_rules
    >>> from ledgerlib.bulletin import month_bulletin
    >>> b = month_bulletin(data, "2021-06", "安阳市", load_rules())
    >>> len(group_changes(changes_that_matter(b.prev_status, b.status, b.prev_lights, b.lights)[0])) > 0
    True
    """
    keys = ["city", "department", "change", "light_before", "light_after"]
    if changes.empty:
        return pd.DataFrame(columns=[*keys, "n_tasks", "task_ids"])
    c = changes.assign(_o=np.arange(len(changes)))
    g = c.groupby(keys, sort=False, dropna=False).agg(
        n_tasks=("task_id", "size"), task_ids=("task_id", lambda t: "、".join(t)), _o=("_o", "min")).reset_index()
    return g.sort_values("_o", kind="mergesort").drop(columns="_o").reset_index(drop=True)
