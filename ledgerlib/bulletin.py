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
from .display import percent_text
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
    publicity: pd.DataFrame       # metrics.publicity_timeliness (n_invalid: left out of the rate)
    rules: BureauRules
    prev_status: pd.DataFrame     # last month's statuses and lights (changes, rank change)
    prev_lights: pd.DataFrame


def month_lights(data: dict[str, Any], month: str, city: str, rules: BureauRules
                 ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(status, compliance, kpis, lights) of one city and month.

    >>> from ledgerlib.rules import load_rules
    >>> status, compliance, kpis, lights = month_lights(data, "2021-06", "安阳市", load_rules())
    >>> sorted(lights["light"].unique())
    ['amber', 'green', 'red']
    """
    m = metrics.month_str(month)
    data = metrics.plan_data(data, m)  # the month's own plan year (task ids repeat across years)
    status = metrics.assignment_status(data["ledger"], data["assignments"], data.get("progress"), m,
                                       cities=[city], approvals=rules.approvals)
    comp = metrics.submission_compliance(data["assignments"], data.get("submissions_log"), [m], cities=[city])
    kpis = metrics.kpis(data.get("collection"), data.get("shared_records"), data.get("publicity"), m)
    kpis = kpis[kpis["city"] == city].reset_index(drop=True)
    return status, comp, kpis, L.assignment_lights(status, comp, kpis, rules.lights)


def month_bulletin(data: dict[str, Any], month: str, city: str, rules: BureauRules) -> Bulletin:
    """Every figure of the month's bulletin for one city (see the module docstring).

    >>> from ledgerlib.rules import load_rules
    >>> b = month_bulletin(data, "2021-06", "安阳市", load_rules())
    >>> b.month, b.city, len(b.scores)
    ('2021-06', '安阳市', 16)
    """
    m = metrics.month_str(month)
    status, comp, kpis, lit = month_lights(data, m, city, rules)
    prev_m = str(pd.Period(m, "M") - 1)
    p_status, p_comp, p_kpis, p_lit = month_lights(data, prev_m, city, rules)
    current = scores.score_table(scores.parts_of(status, comp, kpis, metrics.plan_data(data, m)["ledger"],
                                                 rules.scoring), rules.scoring, m)
    # Rank change within the plan year only: January is not compared with December.
    previous = scores.score_table(scores.parts_of(p_status, p_comp, p_kpis, metrics.plan_data(data, prev_m)["ledger"],
                                                  rules.scoring),
                                  rules.scoring, prev_m) if prev_m[:4] == m[:4] else None
    return Bulletin(month=m, city=city, status=status, compliance=comp, kpis=kpis, lights=lit,
                    department_lights=L.department_lights(lit),
                    due_next=L.due_next(status, rules.lights.due_next_days),
                    scores=scores.with_rank_change(current, previous),
                    publicity=metrics.publicity_timeliness(data.get("publicity"), m),
                    rules=rules, prev_status=p_status, prev_lights=p_lit)


def status_counts(status: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """How many assignments have each of the nine statuses: one row (by=None) or one per
    indicator / department, a column per status in metrics.STATUSES order plus `n_total`.

    >>> from ledgerlib.rules import load_rules
    >>> b = month_bulletin(data, "2021-06", "安阳市", load_rules())
    >>> status_counts(b.status)[["done_on_time", "overdue", "n_total"]].iloc[0].tolist()
    [33, 3, 299]
    """
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
    """KPI figures carried forward from an earlier month: department, kpi, as_of_month, rate, passed.

    >>> from ledgerlib.rules import load_rules
    >>> b = month_bulletin(data, "2021-06", "安阳市", load_rules())
    >>> list(carried_forward(b.kpis).columns)
    ['department', 'kpi', 'as_of_month', 'rate', 'passed']
    """
    k = kpis[kpis["carried_forward"].astype(bool)]
    return k[["department", "kpi", "as_of_month", "rate", "passed"]].reset_index(drop=True)


def collection_with_carried(kpis: pd.DataFrame) -> dict[str, Any] | None:
    """The city's collection rate with the carried-forward figures pooled in, when that would
    change the verdict of the city total (which is made of this month's figures only).

    >>> from ledgerlib.rules import load_rules
    >>> b = month_bulletin(data, "2021-06", "安阳市", load_rules())
    >>> c = collection_with_carried(b.kpis)
    >>> round(c["rate"], 3), c["passed"], c["months"]
    (0.816, True, '2021-05、2021-05')
    """
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
    fresh = Fraction(int(tot["numerator"].iloc[0]), max(int(tot["denominator"].iloc[0]), 1)) >= line
    # metrics.kpis leaves the city unjudged (passed NA) exactly when these two disagree.
    return {"rate": num / den, "passed": passed, "changes_verdict": passed != fresh,
            "departments": "、".join(carried["department"]), "months": "、".join(carried["as_of_month"])}


# --------------------------------------------------------------------------- report views

def headline(b: Bulletin) -> pd.DataFrame:
    """Page 1's counts: each status, then each light (item, count).

    >>> from ledgerlib.rules import load_rules
    >>> b = month_bulletin(data, "2021-06", "安阳市", load_rules())
    >>> headline(b).head(3).values.tolist()
    [['按期完成', 33], ['逾期完成', 9], ['按计划推进', 148]]
    """
    from . import labels
    from .lights import light_counts

    counts = b.status["status"].value_counts()
    rows = [(labels.ASSIGNMENT_STATUS_LABELS[k], int(counts.get(k, 0))) for k in metrics.STATUSES]
    rows.append((labels.COLUMN_LABELS["n_total"], len(b.status)))
    rows += [(labels.LIGHT_LABELS[k], v) for k, v in light_counts(b.lights).items()]
    return pd.DataFrame(rows, columns=["item", "count"])


def _with_task(df: pd.DataFrame, ledger: pd.DataFrame) -> pd.DataFrame:
    from .chase import flag_text

    keys = ["plan_year", "task_id"] if "plan_year" in df and "plan_year" in ledger else ["task_id"]
    out = df.merge(ledger[[*keys, "task"]].drop_duplicates(keys), on=keys, how="left")
    out["flags"] = out["flags"].fillna("").map(flag_text)
    return out


def overdue_view(b: Bulletin, ledger: pd.DataFrame) -> pd.DataFrame:
    """The overdue list with the task text and the ledger's flags (e.g. a 2020 deadline).

    >>> from ledgerlib.rules import load_rules
    >>> b = month_bulletin(data, "2021-06", "安阳市", load_rules())
    >>> list(overdue_view(b, data["ledger"]).columns)[:4]
    ['department', 'task_id', 'task', 'due_date']
    """
    o = metrics.overdue(b.status).merge(b.status[["city", "task_id", "department", "flags"]],
                                        on=["city", "task_id", "department"], how="left")
    o = _with_task(o, ledger)
    return o[["department", "task_id", "task", "due_date", "days_overdue", "reported_status", "flags"]]


def due_next_view(b: Bulletin, ledger: pd.DataFrame) -> pd.DataFrame:
    """临近提醒 with the task text and flags.

    >>> from ledgerlib.rules import load_rules
    >>> b = month_bulletin(data, "2021-06", "安阳市", load_rules())
    >>> list(due_next_view(b, data["ledger"]).columns)[:4]
    ['department', 'task_id', 'task', 'due_date']
    """
    d = _with_task(b.due_next, ledger)
    return d[["department", "task_id", "task", "due_date", "days_left", "status", "flags"]]


def lights_list(b: Bulletin) -> pd.DataFrame:
    """lights_<M>.csv: every item's light (department, task_id, kpi, light, reason, flags).

    >>> from ledgerlib.rules import load_rules
    >>> b = month_bulletin(data, "2021-06", "安阳市", load_rules())
    >>> list(lights_list(b).columns)
    ['department', 'task_id', 'kpi', 'light', 'reason', 'flags']
    """
    from .chase import flag_text

    out = b.lights[["department", "task_id", "kpi", "light", "reason", "flags"]].copy()
    out["flags"] = out["flags"].fillna("").map(flag_text)
    return out


def claimed_list(status: pd.DataFrame) -> pd.DataFrame:
    """不适用 reported but not approved, one row per department: department, n_tasks, task_ids.

    >>> from ledgerlib.rules import load_rules
    >>> b = month_bulletin(data, "2021-06", "安阳市", load_rules())
    >>> list(claimed_list(b.status).columns)
    ['department', 'n_tasks', 'task_ids']
    """
    c = status[status["claimed_not_applicable"].astype(bool)]
    if c.empty:
        return pd.DataFrame(columns=["department", "n_tasks", "task_ids"])
    return c.groupby("department", sort=False).agg(
        n_tasks=("task_id", "size"), task_ids=("task_id", lambda t: "、".join(t))).reset_index()


def kpi_view(kpis: pd.DataFrame) -> pd.DataFrame:
    """summaries.kpi_table with a carried-forward figure kept but not judged (grey, no verdict),
    and a `carried` column naming the month it comes from.

    >>> from ledgerlib.rules import load_rules
    >>> b = month_bulletin(data, "2021-06", "安阳市", load_rules())
    >>> list(kpi_view(b.kpis).columns)[:3]
    ['department', 'collection_coverage', 'collection_coverage_passed']
    """
    from . import labels
    from .summaries import kpi_table

    k = kpis.copy()
    k["passed"] = k["passed"].astype("boolean").mask(k["carried_forward"].astype(bool))
    wide = kpi_table(k)
    if wide.empty:
        return wide
    cf = kpis[kpis["carried_forward"].astype(bool)]
    notes = cf.groupby("department")[["kpi", "as_of_month"]].apply(
        lambda g: "；".join(f"{labels.KPI_LABELS[r.kpi]}沿用{r.as_of_month}" for r in g.itertuples()))
    if len(cf):  # the column only when a figure was carried forward
        wide["carried"] = wide["department"].map(notes).fillna("")
    return wide


def publicity_notes(publicity: pd.DataFrame) -> list[str]:
    """The notes under the KPI table on the 双公示 decisions left out of the 7-day rate: those
    published before their decision (an error) and those not yet published, deadline ahead.

    >>> publicity_notes(pd.DataFrame({"n_invalid": [1, 0], "n_pending": [0, 2]}))
    ['双公示：1条记录公示日期早于决定日期，已列入问题清单，未计入7天合格率。', '双公示：2条决定尚未公示、公示期限未到，未计入本月7天合格率；公示后请在下月报表中连同公示日期再次列出。']
    """
    from .labels import REPORT_LABELS

    out = []
    for column, key in (("n_invalid", "invalid_note"), ("n_pending", "pending_note")):
        n = int(publicity[column].sum()) if column in publicity and len(publicity) else 0
        if n:
            out.append(REPORT_LABELS[key].format(n=n))
    return out


def score_view(scores_: pd.DataFrame) -> pd.DataFrame:
    """Scores as shown: rank, department, component shares, score (1 decimal, cut), change.

    >>> from ledgerlib.rules import load_rules
    >>> b = month_bulletin(data, "2021-06", "安阳市", load_rules())
    >>> score_view(b.scores).iloc[0, [1, 5]].tolist()
    ['建管科', '96.0']
    """
    out = scores_[["rank", "department", "tasks", "returns", "kpis", "obligations", "score",
                   "prev_rank", "rank_change"]].copy()
    out = out.drop(columns=[c for c in ("tasks", "returns", "kpis", "obligations") if out[c].isna().all()])
    # Cut, not rounded, like every figure near a line (display.percent_text).
    out["score"] = out["score"].map(lambda v: "" if pd.isna(v) else percent_text(v / 100)[:-1])
    out["rank_change"] = out["rank_change"].map(lambda v: "" if pd.isna(v) else (f"↑{v}" if v > 0 else
                                                                                 (f"↓{-v}" if v < 0 else "—")))
    return out


def score_note(scoring, period: str = "month") -> str:
    """The scoring rule in one sentence, from the rule actually used (period: month or quarter).

    >>> from ledgerlib.rules import load_rules
    >>> score_note(load_rules().scoring)[:12]
    '考核得分 = 100 ×'
    """
    from . import labels

    w = "、".join(f"{labels.SCORE_COMPONENT_LABELS[k]}{v:g}" for k, v in scoring.weights.items())
    c = "、".join(f"{labels.ASSIGNMENT_STATUS_LABELS[k]}{v:g}" for k, v in scoring.status_credit.items())
    return labels.REPORT_LABELS["score_note"].format(weights=w, credits=c) + \
        labels.REPORT_LABELS[f"rank_change_{period}"]


def notes(rules: BureauRules) -> list[str]:
    """The definitions printed at the end of the bulletin, and any problem in the rule files.

    >>> from ledgerlib.rules import load_rules
    >>> len(notes(load_rules())) > 0
    True
    """
    from . import labels
    from .rules import problems_note

    out = list(labels.RATE_NOTES)
    out.append(labels.LIGHT_NOTE.format(days=rules.lights.due_soon_days, next_days=rules.lights.due_next_days))
    if note := problems_note(rules.problems):
        out.append(note)
    return out


def red_amber_view(items: pd.DataFrame, ledger: pd.DataFrame) -> pd.DataFrame:
    """The chase items as the bulletin lists them: a department with no return is one line
    (its tasks lit only for that are counted in it), the others item by item, no task text.

    >>> from ledgerlib.rules import load_rules
    >>> from ledgerlib.chase import chase_items
    >>> b = month_bulletin(data, "2021-06", "安阳市", load_rules())
    >>> list(red_amber_view(chase_items(b.lights, b.compliance), data["ledger"]).columns)
    ['department', 'item', 'task_id', 'light', 'reason', 'due_date', 'flags']
    """
    from . import labels
    from .chase import ITEM_VIEW, item_view

    if items.empty:
        return pd.DataFrame(columns=[c for c in ITEM_VIEW if c != "task"])
    codes = items["reasons"].fillna("").str.split(";")
    no_return = set(items.loc[items["item"] == "return", "department"])
    only_return = items["department"].isin(no_return) & items["item"].eq("task") & codes.map(
        lambda c: set(c) <= {"no_return", "no_progress"})
    folded = only_return.groupby(items["department"]).sum()
    kept = items[~only_return].copy()
    is_ret = kept["item"] == "return"
    kept.loc[is_ret, "reason"] = [
        r + labels.REPORT_LABELS["folded_tasks"].format(n=int(folded.get(d, 0))) if folded.get(d, 0) else r
        for r, d in zip(kept.loc[is_ret, "reason"], kept.loc[is_ret, "department"])]
    return item_view(kept, ledger).drop(columns="task")


def changes(b: Bulletin) -> tuple[pd.DataFrame, int] | None:
    """The changes since last month that matter, grouped, and the number folded; None in a
    plan year's first month (last month belongs to another ledger).

    >>> from ledgerlib.rules import load_rules
    >>> grouped, folded = changes(month_bulletin(data, "2021-06", "安阳市", load_rules()))
    >>> list(grouped.columns), folded
    (['city', 'department', 'change', 'light_before', 'light_after', 'n_tasks', 'task_ids'], 19)
    """
    if b.month[5:] == "01":
        return None
    kept, folded = L.changes_that_matter(b.prev_status, b.status, b.prev_lights, b.lights)
    return L.group_changes(kept), folded
