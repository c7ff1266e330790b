"""The 通报 text of the monthly bulletin, written from the figures: the opening and 下一步工作要求.

The opening gives, in the register of a 督查通报, the counts by status and by light, the
departments with red lights, the KPIs below their line (and any figure carried forward),
and the missing returns; 下一步工作要求 lists, department by department, what the chase
items ask of it, then what falls due next. Every word comes from labels.NARRATIVE_LABELS;
every number from the Bulletin given. Pure functions: figures in, text out.

Example::

    opening(b)        # "截至2021年6月底，全局16个部门共承担台账任务305项。……"
    next_steps(b, items)
"""
from __future__ import annotations

import pandas as pd

from . import labels, metrics
from .bulletin import Bulletin, carried_forward, collection_with_carried
from .display import percent_text
from .lights import light_counts

T = labels.NARRATIVE_LABELS
SEP = "、"


def _names(values) -> str:
    return SEP.join(dict.fromkeys(str(v) for v in values))


def opening(b: Bulletin) -> str:
    """The 通报 paragraph: status counts, lights, red departments, KPIs, missing returns.

    >>> from ledgerlib.rules import load_rules
    >>> from ledgerlib.bulletin import month_bulletin
    >>> opening(month_bulletin(data, "2021-06", "安阳市", load_rules()))[:30]
    '截至2021年6月底，全局16个部门共承担台账任务299项（'
    """
    year, mon = int(b.month[:4]), int(b.month[5:])
    counts = b.status["status"].value_counts()
    n = {k: int(counts.get(k, 0)) for k in metrics.STATUSES}
    parts = [T["scope"].format(year=year, mon=mon, n_depts=b.status["department"].nunique(),
                               n_total=len(b.status))]
    status_words = [T["status_item"].format(label=labels.ASSIGNMENT_STATUS_LABELS[k], n=n[k])
                    for k in metrics.STATUSES if n[k]]
    parts.append(T["status"].format(items="，".join(status_words)))
    lc = light_counts(b.lights)
    parts.append(T["lights"].format(red=lc["red"], amber=lc["amber"], green=lc["green"]))
    red = b.department_lights[b.department_lights["light"] == "red"]
    if len(red):
        parts.append(T["red_depts"].format(names=_names(red["department"]), n=len(red)))
    else:
        parts.append(T["no_red"])
    parts.append(_kpi_sentence(b))
    missing = b.compliance[b.compliance["status"] == "missing"]
    late = b.compliance[b.compliance["status"] == "late"]
    if len(missing):
        parts.append(T["missing"].format(mon=mon, names=_names(missing["department"]), n=len(missing)))
    else:
        parts.append(T["all_returned"].format(mon=mon))
    if len(late):
        parts.append(T["late"].format(names=_names(late["department"]), n=len(late)))
    return "".join(parts)


def _kpi_sentence(b: Bulletin) -> str:
    k = b.kpis
    bits = []
    total = k[k["department"] == metrics.ALL_DEPARTMENTS]
    for rec in total.itertuples():
        if pd.isna(rec.rate):
            continue
        if pd.notna(rec.passed):
            verdict = labels.PASS_LABELS[bool(rec.passed)]
        else:  # a line to judge against and figures, yet no verdict: carried figures decide it
            verdict = T["undecided"] if pd.notna(rec.threshold) and rec.denominator else ""
        bits.append(T["kpi_item"].format(kpi=labels.KPI_LABELS[rec.kpi], rate=percent_text(rec.rate),
                                         verdict=f"（{verdict}）" if verdict else ""))
    text = T["kpis"].format(items="，".join(bits)) if bits else ""
    below = k[(k["department"] != metrics.ALL_DEPARTMENTS) & k["passed"].eq(False).fillna(False)
              & ~k["carried_forward"].astype(bool)]
    for kpi, g in below.groupby("kpi", sort=False):
        text += T["kpi_below"].format(
            kpi=labels.KPI_LABELS[kpi],
            items=SEP.join(f"{r.department}{percent_text(r.rate)}" for r in g.itertuples()),
            line=percent_text(g["threshold"].iloc[0]))
    cf = carried_forward(k)
    if len(cf):
        text += T["carried"].format(items=SEP.join(
            f"{r.department}{labels.KPI_LABELS[r.kpi]}（沿用{r.as_of_month}）" for r in cf.itertuples()))
        alt = collection_with_carried(k)
        if alt and alt["changes_verdict"]:
            text += T["carried_flip"].format(rate=percent_text(alt["rate"]),
                                             verdict=labels.PASS_LABELS[alt["passed"]])
    n_invalid = int(b.publicity["n_invalid"].sum()) if len(b.publicity) else 0
    if n_invalid:
        text += T["invalid"].format(n=n_invalid)
    return text


def next_steps(b: Bulletin, items: pd.DataFrame) -> list[str]:
    """下一步工作要求: one numbered line per chased department (what its items ask), then the
    tasks falling due next, then the standing request.

    >>> from ledgerlib.rules import load_rules
    >>> from ledgerlib.bulletin import month_bulletin
    >>> from ledgerlib.chase import chase_items
    >>> b = month_bulletin(data, "2021-06", "安阳市", load_rules())
    >>> next_steps(b, chase_items(b.lights, b.compliance))[0][:2]
    '（一'
    """
    lines = []
    mon = int(b.month[5:])
    for dept, g in items.groupby("department", sort=False):
        asks = []
        if (g["item"] == "return").any():
            asks.append(T["ask_return"].format(mon=mon))
        tasks = g[g["item"] == "task"]
        codes = tasks["reasons"].fillna("").str.split(";")
        overdue = tasks[codes.map(lambda c: "overdue" in c)]
        if len(overdue):
            asks.append(T["ask_overdue"].format(tasks=_names(overdue["task_id"])))
        due = tasks[codes.map(lambda c: "due_soon" in c)]
        if len(due):
            asks.append(T["ask_due"].format(tasks=_names(due["task_id"])))
        # A department without a return is asked for the return, not for each task's progress.
        quiet = tasks[codes.map(lambda c: "no_progress" in c)]
        if len(quiet) and not (g["item"] == "return").any():
            asks.append(T["ask_progress"].format(tasks=_names(quiet["task_id"])))
        claimed = tasks[codes.map(lambda c: "na_claimed" in c)]
        if len(claimed):
            asks.append(T["ask_claimed"].format(tasks=_names(claimed["task_id"])))
        kpis = g[g["item"] == "kpi"]
        if len(kpis):
            asks.append(T["ask_kpi"].format(kpis=_names(labels.KPI_LABELS.get(x, x) for x in kpis["kpi"])))
        if asks:
            lines.append(T["dept_line"].format(dept=dept, asks="；".join(asks)))
    if len(b.due_next):
        for dept, g in b.due_next.groupby("department", sort=False):
            lines.append(T["due_next_line"].format(
                dept=dept, items=SEP.join(f"{r.task_id}（{pd.Timestamp(r.due_date).strftime('%Y-%m-%d')}）"
                                          for r in g.itertuples())))
    lines.append(T["standing"])
    return [f"{_ordinal(i)}{line}" for i, line in enumerate(lines, start=1)]


_CN = "零一二三四五六七八九十"


def _ordinal(i: int) -> str:
    """（一）…（九十九）: the numbering of a 通报's list."""
    if i <= 10:
        word = _CN[i]
    elif i < 20:
        word = "十" + _CN[i - 10]
    else:
        word = _CN[i // 10] + "十" + (_CN[i % 10] if i % 10 else "")
    return f"（{word}）"
