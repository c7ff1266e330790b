"""A deterministic, realistic year of monthly submissions (`ledger sample`).

Each workbook is the real template (`templates.build_workbook`) filled in with openpyxl the
way liaisons fill them: most tasks reported, dated tasks mostly done on time, some late,
some overdue; the leading group's quarterly study sessions and meetings (one quarter
missing one); about two joint reward/punishment cases published a quarter; the monthly
lists with a miss or two; 双公示 decisions around Spring Festival, Qingming, May Day, Dragon
Boat, Mid-Autumn and National Day 2021 and on 调休 days, most published in time, some exactly
on the 7th working day, a few late; collection around the 80% line (some exactly 80%,
some 79.x%); shared records around the 60% line (some exactly 6 of 10 filled). The set is
messy the way real sets are: some months missing, some late (manifest time after the 5th
of the next month), one resubmission, a few department aliases on the cover, hand-typed
dates (`2021.6.3`, `2021年6月3日`) and occasional mistakes (a status not in the list, a
number typed as `120家`, a done task without its date, a publish date before the decision).
Nothing in a return is dated after the day it was filled in: a decision published in time is
published by that day at the latest, one published later (on its 7th working day, or late)
is left blank (not yet published: `pending` in its month) and listed again, with its date,
in the department's next return once published by then; an early return's decisions and
cases are dated no later than its filling day.

Determinism: every random choice comes from a `random.Random` seeded with a hash of
(seed, city, department, month, ...), never from global state, so the output does not depend
on the order or the process in which files are written; `xlsx.save_workbook` fixes
the zip and document timestamps, so the same seed gives byte-identical files.

Province scale (issue 6): `cities=18` writes `<out>/<city>/<month>/<部门>.xlsx` for the
cities in `labels.PROVINCE_CITIES`; `departments_per_city` above the number of scored
departments adds synthetic units (`测试单位01` …) that copy a real department's tasks and
exist only in that sample (`province_roster` gives the roster that knows them).
"""
from __future__ import annotations

import calendar as _calendar
import datetime as dt
import hashlib
import os
import random
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import config, labels
from .bureau import default_city, title_words

#: Files below this count are written in this process (a pool costs ~0.3 s to start).
PARALLEL_MIN_FILES = 64

_TEXT = labels.SAMPLE_TEXT


# --------------------------------------------------------------------------- helpers


def _seed(*parts: Any) -> int:
    """A stable 64-bit seed from any parts (Python's hash() is salted per process)."""
    digest = hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def _rng(*parts: Any) -> random.Random:
    return random.Random(_seed(*parts))


def _months(year: int) -> list[str]:
    return [f"{year}-{m:02d}" for m in range(1, 13)]


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, _calendar.monthrange(year, month)[1])


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def _month_before(month: str) -> str | None:
    """The plan year's month before `month` (YYYY-MM); None for January (another plan year).

    >>> _month_before("2021-03"), _month_before("2021-01")
    ('2021-02', None)
    """
    y, mo = int(month[:4]), int(month[5:])
    return f"{y}-{mo - 1:02d}" if mo > 1 else None


def hand_typed(day: dt.date, style: int) -> str:
    """A date the way people type it into a text cell: `2021.6.3` or `2021年6月3日`.

    >>> hand_typed(dt.date(2021, 6, 3), 0), hand_typed(dt.date(2021, 6, 3), 1)
    ('2021.6.3', '2021年6月3日')
    """
    if style % 2 == 0:
        return f"{day.year}.{day.month}.{day.day}"
    return _TEXT["date_cn"].format(y=day.year, m=day.month, d=day.day)


# --------------------------------------------------------------------------- context


@dataclass
class Context:
    """Everything a worker needs to fill any file; built once, sent once per process."""

    ledger: pd.DataFrame
    assignments: pd.DataFrame
    year: int
    tasks: dict[str, dict[str, Any]]          # task_id -> kind, due date
    dept_tasks: dict[str, list[str]]         # department -> task ids
    dept_index: dict[str, int]               # department -> its number (decision nos.)
    publicity: set[str]                      # departments in the 双公示 task
    collection: set[str]                     # departments in the 80% collection task
    shared: set[str]                         # departments in the 60% shared-records task
    joint: set[str]                          # departments in the joint reward/punishment task
    leading_group: set[str]                  # lead of the quarterly study/meeting tasks
    cases: set[str]                          # lead of the joint-case publication task
    dishonest: set[str]                      # lead of the monthly dishonest-list task
    workdays: np.ndarray                     # official working days, datetime64[D]
    special_days: dict[int, list[dt.date]]   # month -> days whose deadline crosses a holiday/调休
    aliases: dict[str, list[str]] = field(default_factory=dict)


def _tasks_matching(ledger: pd.DataFrame, text: str) -> list[str]:
    return ledger.loc[ledger["task"].str.contains(text, regex=False), "task_id"].tolist()


def _departments_of(assignments: pd.DataFrame, task_ids: list[str], role: str | None = None) -> set[str]:
    sel = assignments["task_id"].isin(task_ids)
    if role:
        sel &= assignments["role"] == role
    return set(assignments.loc[sel, "department"])


def build_context(ledger: pd.DataFrame, assignments: pd.DataFrame, roster: Any) -> Context:
    """Which department fills which sheet, read from the ledger itself (not hard-coded).

    Example::

        ctx = build_context(load_ledger(), assignments(load_ledger(), roster), roster)
        # who fills which sheet (progress, activities, publicity ...), read from the ledger
    """
    from .workdays import default_calendar, working_day_deadline

    year = int(ledger["plan_year"].iloc[0]) if "plan_year" in ledger.columns else 2021
    tasks = {r.task_id: {"kind": r.deadline_kind,
                         "due": None if pd.isna(r.due_date) else pd.Timestamp(r.due_date).date(),
                         "recurrence": r.recurrence}
             for r in ledger.itertuples(index=False)}
    depts = list(dict.fromkeys(assignments["department"]))
    from .templates import department_tasks

    dept_tasks = {d: department_tasks(d, ledger, assignments)["task_id"].tolist() for d in depts}
    # Sheets follow the ledger's own words: the 双公示 task, the 80% and 60% thresholds, the
    # task naming the joint-case fields, the quarterly study/meeting tasks.
    pct = lambda x: f"{round(x * 100)}%"  # noqa: E731
    monthly = ledger.loc[ledger["recurrence"].str.contains("monthly"), "task_id"].tolist()
    dishonest = [t for t in _tasks_matching(ledger, labels.SAMPLE_TASK_KEYWORDS["dishonest_list_submitted"])
                 if t in monthly]
    joint = _tasks_matching(ledger, labels.JOINT_CASE_HEADERS[0])
    study = (_tasks_matching(ledger, labels.ACTIVITY_LABELS["study_session"])
             + _tasks_matching(ledger, labels.ACTIVITY_LABELS["special_meeting"]))
    cal = default_calendar()
    lo, hi = np.datetime64(f"{year}-01-01"), np.datetime64(f"{year}-12-31")
    work = cal.workdays[(cal.workdays >= lo) & (cal.workdays <= hi)]
    # A decision day is "special" when its official deadline differs from a plain
    # Monday-Friday count (a holiday or a 调休 working Saturday/Sunday lies in between),
    # or when it is itself a 调休 working weekend day.
    official = working_day_deadline(pd.Series(work.astype("datetime64[us]")), config.PUBLICITY_WORKING_DAYS,
                                     calendar=cal).to_numpy().astype("datetime64[D]")
    naive = np.busday_offset(work, config.PUBLICITY_WORKING_DAYS, roll="forward")
    weekend_work = np.is_busday(work) == False  # noqa: E712
    special: dict[int, list[dt.date]] = {}
    for d in work[(official != naive) | weekend_work]:
        day = pd.Timestamp(d).date()
        special.setdefault(day.month, []).append(day)
    aliases = {}
    if roster is not None:
        for row in roster.table.itertuples(index=False):
            # Aliases a liaison would type: not the 局/市-qualified full name, not a fragment.
            names = [a for a in str(row.aliases).split(";")
                     if len(a) > 2 and a != row.department and roster.resolve(a[1:]) != row.department]
            aliases[row.department] = names
    return Context(
        ledger=ledger, assignments=assignments, year=year, tasks=tasks, dept_tasks=dept_tasks,
        dept_index={d: i + 1 for i, d in enumerate(depts)},
        publicity=_departments_of(assignments, _tasks_matching(ledger, labels.SHEET_PUBLICITY)),
        collection=_departments_of(assignments, _tasks_matching(ledger, pct(config.COLLECTION_THRESHOLD))),
        shared=_departments_of(assignments, _tasks_matching(ledger, pct(config.SHARED_RECORD_THRESHOLD))),
        joint=_departments_of(assignments, joint),
        leading_group=_departments_of(assignments, study, "lead"),
        cases=_departments_of(assignments, joint, "lead"),
        dishonest=_departments_of(assignments, dishonest, "lead"),
        workdays=cal.workdays, special_days=special, aliases=aliases,
    )


# --------------------------------------------------------------------------- the plan


@dataclass(frozen=True)
class FilePlan:
    """One workbook to write and how it was 'returned'."""

    city: str
    department: str                 # canonical (the template's department)
    month: str
    rel: str                        # posix path relative to out_dir
    version: int                    # 1, or 2 for the resubmission
    received_at: dt.datetime        # when it arrived
    in_manifest: bool               # False: arrived by hand, only the cover date tells
    cover_department: str           # what the liaison typed (an alias, sometimes)
    filled_on: dt.date
    filled_on_typed: bool           # cover date typed as text
    mistakes: tuple[str, ...] = ()  # deliberate slips, see _fill
    as_of: dt.date | None = None    # what the content knows: the first version's filling day
    previous_as_of: dt.date | None = None  # the department's previous return's filling day (None: none that month)

    @property
    def content_as_of(self) -> dt.date:
        """The last day the return's content can know: dates after it are not yet known.

        >>> FilePlan("安阳市", "法规科", "2021-01", "2021-01/法规科.xlsx", 1, dt.datetime(2021, 2, 3, 9),
        ...          True, "法规科", dt.date(2021, 2, 2), False).content_as_of
        datetime.date(2021, 2, 2)
        """
        return self.as_of or self.filled_on


def scored_departments(assignments: pd.DataFrame, roster: Any) -> list[str]:
    """Scored departments in roster order (the order of departments.csv).

    >>> from ledgerlib.roster import load_roster
    >>> scored_departments(data["assignments"], load_roster())[:2]
    ['法规科', '办公室']
    """
    scored = set(assignments["department"])
    order = list(roster.departments) if roster is not None else sorted(scored)
    return [d for d in order if d in scored] + sorted(scored - set(order))


def synthetic_units(n: int) -> list[str]:
    """Names of n made-up scored units (a province-scale sample has more than the roster).

    >>> synthetic_units(2)
    ['测试单位01', '测试单位02']
    """
    return [_TEXT["synthetic_unit"].format(n=i) for i in range(1, n + 1)]


def province_assignments(assignments: pd.DataFrame, departments: list[str], n: int) -> tuple[list[str], pd.DataFrame]:
    """The first n departments; past the real ones, synthetic units copying their tasks.

    Example::

        departments, assigned = province_assignments(data["assignments"], scored, 20)
        departments[-1]   # a synthetic unit when 20 exceeds the roster's scored departments
    """
    if n <= len(departments):
        return departments[:n], assignments
    extra = synthetic_units(n - len(departments))
    assignments = assignments.copy()
    assignments.attrs = {}  # the ledger's problem list rides in attrs; concat can't compare it
    copies = []
    for i, name in enumerate(extra):
        src = assignments[assignments["department"] == departments[i % len(departments)]].copy()
        src["department"] = name
        src["kind"] = "unit"
        copies.append(src)
    return departments + extra, pd.concat([assignments, *copies], ignore_index=True)


def province_roster(roster: Any, n_departments: int, assignments: pd.DataFrame | None = None) -> Any:
    """The roster plus the synthetic units a `departments_per_city=n` sample adds.

    Example::

        roster20 = province_roster(load_roster(), 20, data["assignments"])   # + the synthetic units
    """
    from .roster import Roster

    scored = scored_departments(assignments, roster) if assignments is not None else list(roster.departments)
    extra = synthetic_units(max(0, n_departments - len(scored)))
    if not extra:
        return roster
    rows = pd.DataFrame({"department": extra, "aliases": "", "kind": "unit", "collectives": ""})
    return Roster(pd.concat([roster.table, rows], ignore_index=True))


def city_names(cities: int) -> list[str]:
    """The sample's cities: the data set's own city first, then others of the province.

    >>> city_names(1)
    ['安阳市']
    """
    if cities <= 1:
        return [default_city()]
    names = [default_city()] + [c for c in labels.PROVINCE_CITIES if c != default_city()]
    if cities > len(names):
        raise ValueError(labels.CLI_MESSAGES["too_many_cities"].format(n=len(names)))
    return names[:cities]


def _received(rng: random.Random, year: int, month: int, late: bool, early: bool) -> dt.datetime:
    ny, nm = _next_month(year, month)
    if late:
        day = dt.date(ny, nm, config.SUBMISSION_DUE_DAY) + dt.timedelta(days=rng.randint(1, 12))
    elif early:
        day = _month_end(year, month) - dt.timedelta(days=rng.randint(0, 2))
    else:
        # Most arrive on the 1st-5th of the next month; the 5th itself is common.
        d = config.SUBMISSION_DUE_DAY if rng.random() < 0.3 else rng.randint(1, config.SUBMISSION_DUE_DAY)
        day = dt.date(ny, nm, d)
    return dt.datetime(day.year, day.month, day.day, rng.randint(8, 17), rng.randint(0, 59), rng.randint(0, 59))


def plan_city(ctx: Context, city: str, departments: list[str], seed: int, multi_city: bool) -> list[FilePlan]:
    """Every file one city returns in the year, with its slips and its arrival time.

    Example::

        plans = plan_city(ctx, "安阳市", departments, seed=2021, multi_city=False)
        plans[0]   # FilePlan: department, month, slips to make, arrival time
    """
    rng = _rng(seed, city, "plan")
    months = _months(ctx.year)
    cells = [(d, m) for d in departments for m in months]
    # ~4% of department-months never arrive (never the section that collects them).
    collector = next(iter(sorted(ctx.leading_group)), None)
    candidates = [c for c in cells if c[0] != collector]
    missing = set(rng.sample(candidates, k=max(2, round(0.04 * len(cells)))))
    present = [c for c in cells if c not in missing]
    late = set(rng.sample(present, k=max(2, round(0.08 * len(present)))))
    early = set(rng.sample([c for c in present if c not in late], k=max(1, round(0.04 * len(present)))))
    by_hand = set(rng.sample([c for c in present if c not in late], k=2))
    typed_cover = set(rng.sample(present, k=2))
    # Aliases: departments whose roster aliases differ from the name, two months each.
    alias_cells = set()
    with_alias = [d for d in departments if ctx.aliases.get(d)]
    for d in rng.sample(with_alias, k=min(4, len(with_alias))):
        for m in rng.sample(months, k=2):
            if (d, m) in present:
                alias_cells.add((d, m))
    mistakes: dict[tuple[str, str], list[str]] = {}
    pools = {
        "bad_status": present,
        # Late in the year, when most dated tasks are done and have a date to omit.
        "no_completion_date": [c for c in present if c[1] >= f"{ctx.year}-07"],
        "typed_completion_date": [c for c in present if c[1] >= f"{ctx.year}-07"],
        "count_with_unit": [c for c in present if c[0] in ctx.collection],
        "typed_publish_date": [c for c in present if c[0] in ctx.publicity],
        "publish_before_decision": [c for c in present if c[0] in ctx.publicity],
    }
    for kind, pool in pools.items():
        for c in rng.sample(pool, k=min(2, len(pool))):
            mistakes.setdefault(c, []).append(kind)
    # One resubmission: a file with slips, corrected and sent again two days later.
    resub_pool = [c for c in present if c[0] in ctx.collection and c not in late and c not in by_hand] or present
    resub = rng.choice(resub_pool)
    mistakes.setdefault(resub, [])
    for kind in ("bad_status", "count_with_unit"):
        if kind not in mistakes[resub] and (kind != "count_with_unit" or resub[0] in ctx.collection):
            mistakes[resub].append(kind)

    arrivals = {}
    for d, m in present:
        y, mo = int(m[:4]), int(m[5:])
        frng = _rng(seed, city, d, m, "arrival")
        received = _received(frng, y, mo, (d, m) in late, (d, m) in early)
        filled_on = received.date() - dt.timedelta(days=1 if frng.random() < 0.3 else 0)
        arrivals[(d, m)] = (frng, received, filled_on)
    plans = []
    for d, m in present:
        frng, received, filled_on = arrivals[(d, m)]
        before = _month_before(m)
        previous_as_of = arrivals[(d, before)][2] if (d, before) in arrivals else None
        cover = frng.choice(ctx.aliases[d]) if (d, m) in alias_cells else d
        folder = f"{city}/{m}" if multi_city else m
        common = dict(city=city, department=d, month=m, in_manifest=(d, m) not in by_hand,
                      cover_department=cover, filled_on_typed=(d, m) in typed_cover,
                      previous_as_of=previous_as_of)
        plans.append(FilePlan(rel=f"{folder}/{d}.xlsx", version=1, received_at=received,
                              filled_on=filled_on, mistakes=tuple(sorted(mistakes.get((d, m), ()))),
                              **common))
        if (d, m) == resub:
            # The correction is the same content as of the first filling, its slips mended.
            again = received + dt.timedelta(days=2, hours=1)
            plans.append(FilePlan(rel=f"{folder}/{d}{labels.RESUBMISSION_SUFFIX.format(n=2)}.xlsx",
                                  version=2, received_at=again, filled_on=again.date(), as_of=filled_on,
                                  **common))
    return plans


# --------------------------------------------------------------------------- filling


_CTX: dict[str, Context] = {}


_TASKS: dict[tuple, tuple] = {}


def _init_worker(ctx: Context) -> None:
    _TASKS.clear()
    _CTX["ctx"] = ctx


def _write_one(job: tuple[FilePlan, str, int]) -> str:
    plan, out_dir, seed = job
    from .safepath import inside
    from .xlsx import save_workbook

    wb = fill_workbook(_CTX["ctx"], plan, seed)
    save_workbook(wb, inside(Path(out_dir), *plan.rel.split("/")))  # roster names stay in out_dir
    return plan.rel


def fill_workbook(ctx: Context, plan: FilePlan, seed: int) -> Any:
    """The template of plan's department/month, filled in as its liaison would.

    Example::

        wb = fill_workbook(ctx, plans[0], seed=2021)   # an openpyxl Workbook, filled as a liaison would
    """
    from .templates import COVER_CELLS, FIRST_DATA_ROW, SHEETS, build_workbook, data_cell, department_tasks

    # A department's tasks are the same every month: looked up once per sample and process
    # (the entry holds the tables it came from, so their ids cannot be reused while cached).
    hit = _TASKS.get((id(ctx.ledger), id(ctx.assignments), plan.department))
    if hit is None or hit[0] is not ctx.ledger or hit[1] is not ctx.assignments:
        hit = (ctx.ledger, ctx.assignments, department_tasks(plan.department, ctx.ledger, ctx.assignments))
        _TASKS[(id(ctx.ledger), id(ctx.assignments), plan.department)] = hit
    tasks = hit[2]
    wb = build_workbook(plan.department, plan.month, ctx.ledger, ctx.assignments, city=plan.city, tasks=tasks)
    # Content depends on (department, month) only, so a resubmission differs from the
    # original exactly where the slips were corrected.
    # Each sheet draws from its own stream, and the slips from theirs.
    def rng(part: str) -> random.Random:
        return _rng(seed, plan.city, plan.department, plan.month, part)

    slips = set(plan.mistakes)
    people = labels.SAMPLE_PEOPLE

    ws = wb[SHEETS["progress"].name]
    ws[COVER_CELLS["department"][1]] = plan.cover_department
    ws[COVER_CELLS["filled_by"][1]] = people[_seed(plan.city, plan.department) % len(people)]
    ws[COVER_CELLS["filled_on"][1]] = (hand_typed(plan.filled_on, _seed(plan.month, plan.department))
                                       if plan.filled_on_typed else dt.datetime.combine(plan.filled_on, dt.time()))
    _fill_progress(ctx, ws, plan, seed, rng("progress"), rng("slips"), slips, SHEETS["progress"],
                   FIRST_DATA_ROW["progress"])
    d = plan.department
    rows = {
        "activities": _activities(ctx, plan, seed, rng("activities")),
        "publicity": _publicity(ctx, plan, seed, rng("publicity"), rng("slips"), slips) if d in ctx.publicity else [],
        "collection": _collection(ctx, plan, seed, rng("collection"), slips) if d in ctx.collection else [],
        "shared_records": _shared(ctx, plan, rng("shared")) if d in ctx.shared else [],
        "joint_cases": _joint_cases(ctx, plan, rng("joint")) if d in ctx.joint else [],
    }
    for key, values in rows.items():
        sheet = wb[SHEETS[key].name]
        for i, row in enumerate(values):
            for j, value in enumerate(row, start=1):
                if value is not None and value != "":
                    data_cell(sheet, FIRST_DATA_ROW[key] + i, j).value = value  # styled as typed in Excel
    stamp = dt.datetime.combine(plan.filled_on, dt.time(9, 0))
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.lastModifiedBy = ws[COVER_CELLS["filled_by"][1]].value
    return wb


def _task_outcome(ctx: Context, plan: FilePlan, seed: int, task_id: str) -> dt.date | None:
    """When a dated task is (or was) completed by this department; None = not in the year."""
    info = ctx.tasks[task_id]
    due = info["due"]
    r = _rng(seed, plan.city, plan.department, task_id, "outcome")
    start = dt.date(ctx.year, 1, 1)
    roll = r.random()
    if due < start:
        # Due before the plan year (2020年4月 in a 2021 plan): mostly done back then.
        if roll < 0.7:
            return due - dt.timedelta(days=r.randint(0, 60))
        return None if roll > 0.92 else start + dt.timedelta(days=r.randint(10, 150))
    if roll < 0.75:                                     # on time
        lo = max(start + dt.timedelta(days=20), due - dt.timedelta(days=75))
        return lo + dt.timedelta(days=r.randint(0, max(0, (due - lo).days)))
    if roll < 0.9:                                      # late
        return due + dt.timedelta(days=r.randint(1, 60))
    return None                                         # overdue all year


def _fill_progress(ctx: Context, ws: Any, plan: FilePlan, seed: int, rng: random.Random,
                   slip_rng: random.Random, slips: set[str], spec: Any, first: int) -> None:
    col = {f: i + 1 for i, f in enumerate(spec.fields)}
    y, mo = int(plan.month[:4]), int(plan.month[5:])
    month_end = _month_end(y, mo)
    status = labels.STATUS_LABELS
    rows = []
    r = first
    while ws.cell(row=r, column=col["task_id"]).value:
        rows.append((r, str(ws.cell(row=r, column=col["task_id"]).value)))
        r += 1
    done_rows: list[int] = []
    for r, task_id in rows:
        info = ctx.tasks.get(task_id, {"kind": "ongoing", "due": None})
        kind = info["kind"]
        values: dict[str, Any] = {}
        if kind == "date" and info["due"] is not None:
            finished = _task_outcome(ctx, plan, seed, task_id)
            if finished is not None and finished <= month_end:
                values = {"status": status["done"], "completion_date": finished,
                          "progress_note": rng.choice(labels.SAMPLE_DONE_NOTES),
                          "evidence": rng.choice(labels.SAMPLE_EVIDENCE)}
                done_rows.append(r)
            elif mo <= 2 and rng.random() < 0.5:
                values = {"status": status["not_started"]}
            else:
                values = {"status": status["in_progress"], "progress_note": rng.choice(labels.SAMPLE_PROGRESS_NOTES)}
                if finished is None and info["due"] < month_end and rng.random() < 0.5:
                    values["issues"] = rng.choice(labels.SAMPLE_ISSUES)
        elif kind == "event":
            if rng.random() < 0.4:
                values = {"status": status["not_applicable"]}
            else:
                values = {"status": status["in_progress"], "progress_note": rng.choice(labels.SAMPLE_PROGRESS_NOTES)}
        else:
            # An ongoing task now and then goes unreported for a month.
            if rng.random() < 0.05:
                continue
            values = {"status": status["in_progress"], "progress_note": rng.choice(labels.SAMPLE_PROGRESS_NOTES)}
            if rng.random() < 0.1:
                values["issues"] = rng.choice(labels.SAMPLE_ISSUES)
        for f, v in values.items():
            if isinstance(v, dt.date):
                v = dt.datetime.combine(v, dt.time())
            ws.cell(row=r, column=col[f], value=v)
    if "bad_status" in slips and rows:
        ws.cell(row=slip_rng.choice(rows)[0], column=col["status"], value=_TEXT["bad_status"])
    if "no_completion_date" in slips and done_rows:
        # (ws.cell(..., value=None) would leave the value in place.)
        ws.cell(row=slip_rng.choice(done_rows), column=col["completion_date"]).value = None
    if "typed_completion_date" in slips and done_rows:
        cell = ws.cell(row=done_rows[0], column=col["completion_date"])
        if isinstance(cell.value, dt.datetime):
            cell.value = hand_typed(cell.value.date(), slip_rng.randint(0, 1))


def _day_in_month(rng: random.Random, y: int, mo: int, weekdays_only: bool = True) -> dt.date:
    last = _month_end(y, mo).day
    for _ in range(20):
        d = dt.date(y, mo, rng.randint(1, last))
        if not weekdays_only or d.weekday() < 5:
            return d
    return d


def _activities(ctx: Context, plan: FilePlan, seed: int, rng: random.Random) -> list[list[Any]]:
    """活动台账 rows: the leading group's quarterly work, the monthly lists, the rest."""
    y, mo = int(plan.month[:4]), int(plan.month[5:])
    q = (mo - 1) // 3
    notes = labels.SAMPLE_ACTIVITY_NOTES
    acts: list[tuple[str, int]] = []
    d = plan.department
    if d in ctx.leading_group:
        qr = _rng(seed, plan.city, d, y, "quarters")
        skip_q, skip_kind = qr.randrange(4), qr.choice(["study_session", "special_meeting"])
        for kind in ("study_session", "special_meeting"):
            # One month of each quarter; one quarter of the year misses one of the two.
            month_in_q = _rng(seed, plan.city, d, y, q, kind).randrange(3)
            if (mo - 1) % 3 == month_in_q and not (q == skip_q and kind == skip_kind):
                acts.append((kind, 1))
    if d in ctx.cases:
        # About two cases a quarter, spread over its months; one quarter falls short.
        qr = _rng(seed, plan.city, d, y, "cases")
        per_q = [2, 3, 2, 2]
        per_q[qr.randrange(4)] = 1
        split = _rng(seed, plan.city, d, y, q, "case_split")
        months = [split.randrange(3) for _ in range(per_q[q])]
        n = months.count((mo - 1) % 3)
        if n:
            acts.append(("case_published", n))
    monthly = []
    if d in ctx.cases:
        monthly.append("result_list_submitted")
    if d in ctx.dishonest:
        monthly.append("dishonest_list_submitted")
    for kind in monthly:
        skipped = set(_rng(seed, plan.city, d, y, kind, "skip").sample(range(1, 13), k=1 + _seed(d, kind) % 2))
        if mo not in skipped:
            acts.append((kind, 1))
    for kind in ("training", "publicity_event", "interview", "credit_repair"):
        if rng.random() < 0.12:
            acts.append((kind, rng.randint(1, 3)))
    rows = []
    for kind, n in acts:
        day = _day_in_month(rng, y, mo)
        rows.append([dt.datetime.combine(day, dt.time()), labels.ACTIVITY_LABELS[kind], n, notes[kind]])
    rows.sort(key=lambda r: r[0])
    return rows


def _decisions(ctx: Context, city: str, department: str, month: str, known: dt.date,
               rng: random.Random) -> list[tuple[str, str, dt.date, dt.date]]:
    """A department's 双公示 decisions of a month: (number, category label, decided, published).

    `known`: the day its return was filled in. No decision is dated after it, and one
    published in time is published by then; one published later keeps its real day, which
    the return leaves blank (`_publicity`).
    """
    from .workdays import working_day_deadline

    y, mo = int(month[:4]), int(month[5:])
    idx = ctx.dept_index.get(department, 0)
    penalty_heavy = idx % 3 == 0
    n = rng.randint(6, 14) if idx % 2 else rng.randint(3, 8)
    special = ctx.special_days.get(mo, [])
    days = []
    for _ in range(n):
        if special and rng.random() < 0.35:
            days.append(rng.choice(special))
        else:
            days.append(_day_in_month(rng, y, mo))
    # An early return cannot list a decision taken after it was filled in.
    days = sorted(min(day, known) for day in days)
    deadlines = working_day_deadline(pd.Series(pd.to_datetime(days)), config.PUBLICITY_WORKING_DAYS)
    city0 = city[0]
    out = []
    for i, (day, deadline) in enumerate(zip(days, deadlines.dt.date), start=1):
        wd = ctx.workdays
        after = wd[wd > np.datetime64(day)]
        roll = rng.random()
        if roll < 0.12:                      # exactly on the 7th working day
            pub = deadline
        elif roll < 0.19:                    # late by 1-4 working days
            k = int(np.searchsorted(after, np.datetime64(deadline), side="right"))
            pub = pd.Timestamp(after[k + rng.randint(0, 3)]).date()
        else:                                # in time, by the day the return was filled in at the latest
            pub = pd.Timestamp(after[rng.randint(0, config.PUBLICITY_WORKING_DAYS - 2)]).date()
            by_then = after[after <= np.datetime64(known)]
            if pub > known and len(by_then):
                pub = pd.Timestamp(by_then[-1]).date()
        category = "penalty" if (rng.random() < (0.8 if penalty_heavy else 0.25)) else "license"
        kind = _TEXT["kind_penalty"] if category == "penalty" else _TEXT["kind_license"]
        number = _TEXT["decision_no"].format(city=city0, kind=kind, year=y, dept=idx, serial=mo * 100 + i)
        out.append((number, labels.PUBLICITY_CATEGORY_LABELS[category], day, pub))
    return out


def _publicity(ctx: Context, plan: FilePlan, seed: int, rng: random.Random, slip_rng: random.Random,
               slips: set[str]) -> list[list[Any]]:
    """双公示 rows: the month's decisions and when each was published (blank: not yet), after
    the previous month's decisions published since its return was filled in, listed again
    with their dates."""
    known = plan.content_as_of
    rows = [[number, category, dt.datetime.combine(day, dt.time()),
             dt.datetime.combine(pub, dt.time()) if pub <= known else None]
            for number, category, day, pub in _decisions(ctx, plan.city, plan.department, plan.month, known, rng)]
    dated = [r for r in rows if r[3] is not None]
    if dated and "typed_publish_date" in slips:
        r = dated[slip_rng.randrange(len(dated))]
        r[3] = hand_typed(r[3].date(), slip_rng.randint(0, 1))
    if dated and "publish_before_decision" in slips:
        r = dated[slip_rng.randrange(len(dated))]
        if isinstance(r[3], dt.datetime):
            r[3] = r[2] - dt.timedelta(days=slip_rng.randint(1, 3))
    if plan.previous_as_of is not None:  # the department returned the plan year's month before
        before = _month_before(plan.month)
        earlier = _decisions(ctx, plan.city, plan.department, before, plan.previous_as_of,
                             _rng(seed, plan.city, plan.department, before, "publicity"))
        again = [[number, category, dt.datetime.combine(day, dt.time()), dt.datetime.combine(pub, dt.time())]
                 for number, category, day, pub in earlier if plan.previous_as_of < pub <= known]
        rows = again + rows
    return rows


def _collection(ctx: Context, plan: FilePlan, seed: int, rng: random.Random, slips: set[str]) -> list[list[Any]]:
    """信用归集 rows: one or two fields, coverage drifting upward around the 80% line."""
    mo = int(plan.month[5:])
    fr = _rng(seed, plan.city, plan.department, "fields")
    fields = fr.sample(labels.SAMPLE_FIELDS, k=1 + fr.randrange(2))
    rows = []
    for f in fields:
        base = _rng(seed, plan.city, plan.department, f, "base")
        total = base.randint(40, 2400) + (mo - 1) * base.randint(0, 6)
        start, gain = base.uniform(0.70, 0.80), base.uniform(0.005, 0.015)
        mode = rng.random()
        if mode < 0.12:                      # exactly 80%
            total -= total % 5
            collected = total * 4 // 5
        elif mode < 0.22:                    # just under: 79.x%
            total = max(total, 200)
            collected = -(-total * 4 // 5) - 1
        else:
            ratio = min(0.99, start + gain * (mo - 1) + rng.uniform(-0.02, 0.02))
            collected = int(total * ratio)
        rows.append([f, total, collected])
    if rows and "count_with_unit" in slips:
        rows[0][1] = _TEXT["count_with_unit"].format(n=rows[0][1])
    return rows


def _shared(ctx: Context, plan: FilePlan, rng: random.Random) -> list[list[Any]]:
    """共享记录 rows: records with 10 indicators, about 60% of them or more filled."""
    y, mo = int(plan.month[:4]), int(plan.month[5:])
    idx = ctx.dept_index.get(plan.department, 0)
    n_ind = len(labels.SHARED_INDICATOR_HEADERS)
    rows = []
    for i in range(1, rng.randint(5, 12) + 1):
        roll = rng.random()
        if roll < 0.3:
            k = round(n_ind * config.SHARED_RECORD_THRESHOLD)           # exactly 6 of 10
        elif roll < 0.8:
            k = rng.randint(round(n_ind * config.SHARED_RECORD_THRESHOLD) + 1, n_ind)
        else:
            k = rng.randint(3, round(n_ind * config.SHARED_RECORD_THRESHOLD) - 1)
        values = _record_values(rng, plan, y, mo, idx, i)
        keep = set(rng.sample(range(n_ind), k))
        rows.append([_TEXT["record_id"].format(dept=idx, month=mo, serial=i)]
                    + [v if j in keep else None for j, v in enumerate(values)])
    return rows


def _company(rng: random.Random, city: str) -> str:
    return _TEXT["company"].format(city=city.rstrip("市"), word=rng.choice(labels.SAMPLE_COMPANY_WORDS),
                                   trade=rng.choice(labels.SAMPLE_COMPANY_TRADES))


def _record_values(rng: random.Random, plan: FilePlan, y: int, mo: int, idx: int, i: int) -> list[Any]:
    day = _day_in_month(rng, y, mo)
    code = "91410500" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(10))
    kind = rng.choice(labels.SAMPLE_RECORD_TYPES)
    return [code, _company(rng, plan.city), rng.choice(labels.SAMPLE_PEOPLE), kind,
            _TEXT["decision_no"].format(city=plan.city[0], kind=_TEXT["kind_license"], year=y, dept=idx,
                                        serial=mo * 100 + i),
            dt.datetime.combine(day, dt.time()), _TEXT["measure_agency"].format(**title_words(plan.city)),
            dt.datetime(y + 3, mo, min(day.day, 28)), rng.choice(labels.SAMPLE_DATA_SOURCES),
            rng.choice(labels.SAMPLE_REMARKS) or None]


def _joint_cases(ctx: Context, plan: FilePlan, rng: random.Random) -> list[list[Any]]:
    """联合奖惩成效 rows: the cases this department carried out this month (often none)."""
    y, mo = int(plan.month[:4]), int(plan.month[5:])
    n = rng.randint(1, 3) if plan.department in ctx.cases else (rng.randint(1, 2) if rng.random() < 0.25 else 0)
    rows = []
    for _ in range(n):
        # An early return cannot list a case carried out after it was filled in.
        day = min(_day_in_month(rng, y, mo), plan.content_as_of)
        rows.append([_company(rng, plan.city), rng.choice(labels.SAMPLE_MEASURES), plan.department,
                     dt.datetime.combine(day, dt.time()), rng.choice(labels.SAMPLE_MATTERS)])
    return rows


# --------------------------------------------------------------------------- writing


def plan_sample(ctx: Context, roster: Any, seed: int, cities: int,
                departments_per_city: int | None) -> tuple[list[FilePlan], Context]:
    """Every file of the sample, and the context (with synthetic units when asked for).

    Example::

        plans, ctx = plan_sample(ctx, roster, seed=2021, cities=3, departments_per_city=None)
    """
    depts = scored_departments(ctx.assignments, roster)
    if departments_per_city is not None:
        depts, asg = province_assignments(ctx.assignments, depts, departments_per_city)
        if asg is not ctx.assignments:
            ctx = _with_synthetic(ctx, asg, depts)
    plans = []
    for city in city_names(cities):
        plans += plan_city(ctx, city, depts, seed, multi_city=cities > 1)
    return plans, ctx


def _with_synthetic(ctx: Context, asg: pd.DataFrame, depts: list[str]) -> Context:
    """Context extended so that each synthetic unit fills what its model department fills."""
    from .templates import department_tasks

    real = [d for d in depts if d in ctx.dept_tasks]
    groups = ("publicity", "collection", "shared", "joint", "leading_group", "cases", "dishonest")
    new = {g: set(getattr(ctx, g)) for g in groups}
    dept_tasks = dict(ctx.dept_tasks)
    dept_index = dict(ctx.dept_index)
    for i, name in enumerate(d for d in depts if d not in ctx.dept_tasks):
        model = real[i % len(real)]
        dept_tasks[name] = department_tasks(name, ctx.ledger, asg)["task_id"].tolist()
        dept_index[name] = len(dept_index) + 1
        for g in ("publicity", "collection", "shared", "joint"):
            if model in new[g]:
                new[g].add(name)
    return Context(ledger=ctx.ledger, assignments=asg, year=ctx.year, tasks=ctx.tasks, dept_tasks=dept_tasks,
                   dept_index=dept_index, workdays=ctx.workdays, special_days=ctx.special_days,
                   aliases=ctx.aliases, **new)


def _iter_write(jobs: list[tuple[FilePlan, str, int]], ctx: Context, workers: int | None) -> Iterator[str]:
    n = workers if workers is not None else (os.cpu_count() or 1)
    if n <= 1 or len(jobs) < PARALLEL_MIN_FILES:
        _init_worker(ctx)
        try:
            yield from map(_write_one, jobs)
        finally:
            _CTX.clear()
        return
    with ProcessPoolExecutor(max_workers=n, initializer=_init_worker, initargs=(ctx,)) as pool:
        yield from pool.map(_write_one, jobs, chunksize=max(1, min(32, len(jobs) // (n * 8))))


def write_sample(out_dir: Path | None = None, seed: int = 2021, raw_dir: Path | None = None,
                 cities: int = 1, departments_per_city: int | None = None, *,
                 months: list[str] | None = None, departments: list[str] | None = None,
                 workers: int | None = None, progress: bool = True, year: int | None = None) -> Path:
    """Write the sample year under out_dir (default raw_dir/submissions); return out_dir.

    year: the plan year sampled, from raw_dir's `ledger_<year>.xlsx` (default: the newest).

    cities: 1 writes `<out>/<YYYY-MM>/<部门>.xlsx`; more write `<out>/<city>/<YYYY-MM>/…`.
    departments_per_city: None = every scored department; more than there are adds
    synthetic units (see `province_roster`). months/departments restrict the output to a
    subset (tests) without changing any file in it: every choice is keyed by its own
    (city, department, month). Also writes `<out>/manifest.csv`. Same arguments, same bytes.

    Example::

        write_sample(out_dir=Path("sample"), cities=1)   # as `ledger sample`
        # -> Path('sample'): <YYYY-MM>/<部门>.xlsx for the year, and manifest.csv
    """
    from tqdm.auto import tqdm

    from .intake import write_manifest
    from .ledger import assignments as make_assignments, load_ledger
    from .roster import load_roster

    raw_dir = Path(raw_dir) if raw_dir else config.raw_dir()
    out_dir = Path(out_dir) if out_dir else raw_dir / "submissions"
    ledger = load_ledger(raw_dir, year)
    roster = load_roster(raw_dir)
    ctx = build_context(ledger, make_assignments(ledger, roster), roster)
    plans, ctx = plan_sample(ctx, roster, seed, cities, departments_per_city)
    if months is not None:
        plans = [p for p in plans if p.month in set(months)]
    if departments is not None:
        plans = [p for p in plans if p.department in set(departments)]
    out_dir.mkdir(parents=True, exist_ok=True)
    _TASKS.clear()
    jobs = [(p, str(out_dir), seed) for p in plans]
    bar = tqdm(total=len(jobs), desc="sample", unit="file",
               disable=not progress or not __import__("sys").stderr.isatty())
    for _ in _iter_write(jobs, ctx, workers):
        bar.update(1)
    bar.close()
    write_manifest(out_dir, [(p.rel, p.received_at.isoformat()) for p in plans if p.in_manifest])
    return out_dir
