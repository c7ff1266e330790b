"""The bureau's supervision rules as files: lights, scoring, approved 不适用 — read and checked.

Three files under data/raw/, each optional (the defaults in `config.py` apply without it):
`lights.toml` (三色预警: which condition gives which light, the day windows),
`scoring.toml` (考核: component weights, credit per status and per return),
`not_applicable_approvals.csv` (the 不适用 the regulations section approved).
A bad entry never stops a report: it is left out (the default stands) and becomes a row of
the problems table (file, cell, field, value, problem, expected), like a bad submission cell.

Example::

    lights, problems = read_lights(raw_dir / "lights.toml")
    lights.light["overdue"]          # "red"
"""
from __future__ import annotations

import io
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl.utils import get_column_letter

from . import config, labels
from .cells import clean_text, normalise_task_id, parse_date

LIGHTS_FILE = "lights.toml"
SCORING_FILE = "scoring.toml"
APPROVALS_FILE = "not_applicable_approvals.csv"

LIGHTS = ("red", "amber", "none")
APPROVAL_COLUMNS = ["city", "task_id", "department", "approved_on", "approved_by", "reason"]
PROBLEM_COLUMNS = ["file", "sheet", "cell", "field", "value", "problem", "expected", "severity"]


@dataclass
class LightRules:
    """Which light each condition gives, and the day windows (defaults: config.py)."""
    light: dict[str, str] = field(default_factory=lambda: dict(config.LIGHT_RULES))
    due_soon_days: int = config.DUE_SOON_DAYS
    due_next_days: int = config.DUE_NEXT_DAYS


@dataclass
class ScoringRules:
    """Component weights and credits (defaults: config.py); docs/metrics.md "Scores"."""
    weights: dict[str, float] = field(default_factory=lambda: dict(config.SCORE_WEIGHTS))
    status_credit: dict[str, float] = field(default_factory=lambda: dict(config.SCORE_STATUS_CREDIT))
    return_credit: dict[str, float] = field(default_factory=lambda: dict(config.SCORE_RETURN_CREDIT))


class _Problems:
    def __init__(self, file: str) -> None:
        self.file, self.rows = file, []

    def add(self, cell: str, fld: str, value: Any, problem: str, expected: str) -> None:
        self.rows.append({"file": self.file, "sheet": "", "cell": cell, "field": fld,
                          "value": clean_text(value), "problem": labels.RULE_PROBLEM_LABELS[problem],
                          "expected": expected, "severity": "warning"})

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=PROBLEM_COLUMNS)


def _toml(path: Path | None, probs: _Problems) -> dict:
    if path is None or not Path(path).is_file():
        return {}
    try:
        return tomllib.loads(Path(path).read_bytes().decode("utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        probs.add("", "", "", "unreadable", f"TOML ({exc})"[:200])
        return {}


def _number(value: Any, low: float, high: float) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if low <= value <= high else None


def _read_table(section: str, given: Any, into: dict, allowed: tuple[str, ...] | dict, probs: _Problems,
                check) -> None:
    """Copy section's entries into `into` where check(value) passes; a problem row otherwise."""
    if not isinstance(given, dict):
        if given is not None:
            probs.add(f"[{section}]", section, given, "bad_section", "a table of key = value")
        return
    for key, value in given.items():
        if key not in allowed:
            probs.add(f"[{section}]", key, value, "unknown_key", "、".join(allowed))
            continue
        ok = check(value)
        if ok is None:
            probs.add(f"[{section}]", key, value, "bad_value", check.__doc__ or "")
            continue
        into[key] = ok


def read_lights(path: Path | None) -> tuple[LightRules, pd.DataFrame]:
    """lights.toml -> LightRules (defaults where absent or wrong) and its problems.

    >>> lights, problems = read_lights(None)
    >>> lights.due_soon_days, problems.empty
    (30, True)
    """
    probs = _Problems(Path(path).name if path else LIGHTS_FILE)
    data = _toml(path, probs)
    rules = LightRules()

    def light(v: Any) -> str | None:
        """red, amber or none"""
        return v if v in LIGHTS else None

    def days(v: Any) -> int | None:
        """a whole number of days, 0-366"""
        n = _number(v, 0, 366)
        return int(n) if n is not None and float(n).is_integer() else None

    _read_table("lights", data.get("lights"), rules.light, tuple(config.LIGHT_RULES), probs, light)
    windows = {"due_soon_days": rules.due_soon_days, "due_next_days": rules.due_next_days}
    _read_table("windows", data.get("windows"), windows, tuple(windows), probs, days)
    rules.due_soon_days, rules.due_next_days = windows["due_soon_days"], windows["due_next_days"]
    return rules, probs.frame()


def read_scoring(path: Path | None) -> tuple[ScoringRules, pd.DataFrame]:
    """scoring.toml -> ScoringRules (defaults where absent or wrong) and its problems.

    >>> scoring, problems = read_scoring(None)
    >>> scoring.weights["tasks"], problems.empty
    (50.0, True)
    """
    probs = _Problems(Path(path).name if path else SCORING_FILE)
    data = _toml(path, probs)
    rules = ScoringRules()

    def weight(v: Any) -> float | None:
        """a number of points, 0-1000"""
        return _number(v, 0, 1000)

    def credit(v: Any) -> float | None:
        """a share between 0 and 1"""
        return _number(v, 0, 1)

    _read_table("weights", data.get("weights"), rules.weights, tuple(config.SCORE_WEIGHTS), probs, weight)
    _read_table("status_credit", data.get("status_credit"), rules.status_credit,
                tuple(config.SCORE_STATUS_CREDIT), probs, credit)
    _read_table("return_credit", data.get("return_credit"), rules.return_credit,
                tuple(config.SCORE_RETURN_CREDIT), probs, credit)
    return rules, probs.frame()


def read_approvals(path: Path | None, roster=None, task_ids: set[str] | None = None
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """not_applicable_approvals.csv -> (approvals, problems).

    Columns city (empty: every city), task_id, department (aliases resolved through the
    roster), approved_on (date; empty: from the start), approved_by, reason. A row naming an
    unknown task or department, or with an unreadable date, is left out and reported.

    >>> approvals, problems = read_approvals(None)
    >>> approvals.empty, problems.empty
    (True, True)
    """
    name = Path(path).name if path else APPROVALS_FILE
    probs = _Problems(name)
    empty = pd.DataFrame({c: pd.Series(dtype="datetime64[us]" if c == "approved_on" else "str")
                          for c in APPROVAL_COLUMNS})
    if path is None or not Path(path).is_file():
        return empty, probs.frame()
    data = Path(path).read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030", errors="replace")  # Excel on a Chinese Windows saves CSV in GBK
    try:
        raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (ValueError, pd.errors.ParserError) as exc:
        probs.add("", "", "", "unreadable", f"CSV ({exc})"[:200])
        return empty, probs.frame()
    missing = [c for c in ("task_id", "department") if c not in raw.columns]
    if missing:
        probs.add("1", "、".join(missing), "", "missing_column", ",".join(APPROVAL_COLUMNS))
        return empty, probs.frame()
    raw.columns = [clean_text(c) for c in raw.columns]

    def cell(col: str, row: int) -> str:  # A1 reference of a field in the file, as Excel shows it
        return f"{get_column_letter(list(raw.columns).index(col) + 1)}{row}" if col in raw.columns else f"{row}"

    rows = []
    for i, rec in enumerate(raw.to_dict("records"), start=2):
        task = normalise_task_id(rec.get("task_id"))
        dept_raw = clean_text(rec.get("department"))
        dept = roster.resolve(dept_raw) if roster is not None else dept_raw
        if not task or (task_ids is not None and task not in task_ids):
            probs.add(cell("task_id", i), "task_id", rec.get("task_id"), "unknown_task", "台账中的任务编号，如 T31")
            continue
        if not dept:
            probs.add(cell("department", i), "department", dept_raw, "unknown_department", "部门名单中的部门名称")
            continue
        when = pd.NaT
        if clean_text(rec.get("approved_on")):
            parsed = parse_date(rec.get("approved_on"))
            if not parsed.ok or parsed.value is None:
                probs.add(cell("approved_on", i), "approved_on", rec.get("approved_on"), "bad_date", "日期，如 2021-06-10")
                continue
            when = pd.Timestamp(parsed.value)
        rows.append({"city": clean_text(rec.get("city")), "task_id": task, "department": dept,
                     "approved_on": when, "approved_by": clean_text(rec.get("approved_by")),
                     "reason": clean_text(rec.get("reason"))})
    if not rows:
        return empty, probs.frame()
    out = pd.DataFrame(rows, columns=APPROVAL_COLUMNS)
    out["approved_on"] = pd.to_datetime(out["approved_on"]).astype("datetime64[us]")
    for c in ("city", "task_id", "department", "approved_by", "reason"):
        out[c] = out[c].astype("str")
    return out, probs.frame()


@dataclass
class BureauRules:
    """Everything a bulletin needs from data/raw/ besides the processed tables."""
    lights: LightRules
    scoring: ScoringRules
    approvals: pd.DataFrame
    problems: pd.DataFrame


def load_rules(raw_dir: Path | None = None, ledger: pd.DataFrame | None = None) -> BureauRules:
    """Read the three rule files from raw_dir (default data/raw), with their problems.

    >>> load_rules().problems.empty
    True
    """
    from .roster import load_roster

    raw = Path(raw_dir) if raw_dir else config.raw_dir()
    roster_path = raw / "departments.csv"
    roster = load_roster(roster_path) if roster_path.is_file() else None
    task_ids = set(ledger["task_id"].astype(str)) if ledger is not None else None
    lights, p1 = read_lights(raw / LIGHTS_FILE)
    scoring, p2 = read_scoring(raw / SCORING_FILE)
    approvals, p3 = read_approvals(raw / APPROVALS_FILE, roster, task_ids)
    parts = [p for p in (p1, p2, p3) if not p.empty]
    problems = pd.concat(parts, ignore_index=True) if parts else p1
    return BureauRules(lights, scoring, approvals, problems)


def problems_note(problems: pd.DataFrame) -> str:
    """The reports' one-line note of the rule files' problems ("" when there are none).

    >>> problems_note(load_rules().problems)
    ''
    """
    if problems is None or problems.empty:
        return ""
    return labels.REPORT_LABELS["approvals_problems"].format(n=len(problems)) + "；".join(
        f"{p.file} {p.cell} {p.field}：{p.problem}" for p in problems.itertuples())
