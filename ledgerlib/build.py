"""`ledger build`: rebuild every table in data/processed from data/raw, in one pass.

The DAG is small and fixed: roster + ledger workbook -> ledger, assignments;
submissions/** -> progress, activities, publicity, collection, shared_records,
joint_cases, submissions_log, problems; holidays.csv -> publicity deadlines and their basis,
deadline_changes (the deadlines this build moved). Nothing under data/raw is written.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import config
from .ledger import assignments, ledger_path, read_ledger_workbook
from .roster import load_roster
from .schemas import validate_table
from .tables import DTYPES, TABLES, empty_table, read_table, sort_table, write_table
from .workdays import default_calendar

@dataclass
class BuildResult:
    out_dir: Path
    rows: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        from .labels import CLI_MESSAGES

        lines = [CLI_MESSAGES["build_done"].format(path=self.out_dir)]
        lines += [f"  {name:<16} {n:>7} {CLI_MESSAGES['build_rows']}" for name, n in self.rows.items()]
        return "\n".join(lines + [CLI_MESSAGES["build_warning"].format(text=w) for w in self.warnings])


def ledger_problems(ledger_file: Path, ledger: pd.DataFrame, assigned: pd.DataFrame) -> pd.DataFrame:
    """Department names in the ledger that the roster does not know, as problem rows."""
    rows = []
    for p in pd.DataFrame(assigned.attrs.get("problems", []), columns=["task_id", "role", "name", "problem"]).itertuples(index=False):
        src = ledger.loc[ledger["task_id"] == p.task_id, "source"].iloc[0]
        sheet, cell = (src.split("!")[1:3] + ["", ""])[:2] if "!" in src else ("", "")
        rows.append({"file": ledger_file.name, "sheet": sheet, "cell": cell.replace("D", "F", 1),
                     "field": "责任部门", "value": p.name, "problem": p.problem,
                     "expected": "departments.csv 中的部门名称或别名", "severity": "error",
                     "city": "", "department": "", "month": ""})
    return pd.DataFrame(rows, columns=["file", "sheet", "cell", "field", "value", "problem", "expected",
                                       "severity", "city", "department", "month"])


def deadline_changes(out_dir: Path, publicity: pd.DataFrame) -> pd.DataFrame:
    """The 双公示 deadlines this build moved against the previous build in out_dir.

    When none moved, the previous record is kept, so the next report still lists what the
    last calendar change (a holiday arrangement added to holidays.csv) moved.
    """
    from .metrics import moved_deadlines

    def previous(name: str) -> pd.DataFrame | None:
        try:
            df = read_table(name, out_dir)
            return df[[c for c in DTYPES[name] if c in df.columns]]
        except (OSError, ValueError):  # no previous build, or an unreadable one
            return None

    moved = moved_deadlines(previous("publicity"), publicity)
    if moved.empty:
        kept = previous("deadline_changes")
        if kept is not None and list(kept.columns) == list(DTYPES["deadline_changes"]):
            return kept.astype(DTYPES["deadline_changes"])
        return empty_table("deadline_changes")
    return moved


def build(raw_dir: Path | None = None, out_dir: Path | None = None, progress: bool = True) -> BuildResult:
    """Rebuild data/processed (or out_dir) from raw_dir; return row counts per table."""
    raw_dir = Path(raw_dir) if raw_dir else config.raw_dir()
    out_dir = Path(out_dir) if out_dir else config.processed_dir()
    roster = load_roster(raw_dir)
    lp = ledger_path(raw_dir)
    ledger = read_ledger_workbook(lp, roster)
    assigned = assignments(ledger, roster)
    tables: dict[str, pd.DataFrame] = {"ledger": ledger, "assignments": assigned}
    problems = [ledger_problems(lp, ledger, assigned)]

    subs_dir = raw_dir / "submissions"
    if subs_dir.is_dir():
        from .intake import ingest_submissions

        ingested = ingest_submissions(subs_dir, ledger, roster, progress=progress)
        problems.append(ingested.pop("problems", pd.DataFrame()))
        tables.update(ingested)
    calendar = default_calendar(raw_dir)
    problems.append(calendar.problem_rows())
    if "publicity" in tables:
        from .metrics import publicity_deadlines

        tables["publicity"] = publicity_deadlines(tables["publicity"], calendar=calendar)
        tables["deadline_changes"] = deadline_changes(out_dir, tables["publicity"])
    tables["problems"] = pd.concat([p for p in problems if len(p)] or [empty_table("problems")], ignore_index=True)
    # Every table is written, empty where nothing was submitted: a folder missing one is half-built.
    tables = {name: tables.get(name, empty_table(name)) for name in TABLES}

    result = BuildResult(out_dir, warnings=list(calendar.warnings))
    for name, df in tables.items():
        df = sort_table(df, name)
        validate_table(name, df)  # the contract is checked before anything is written
        write_table(df, out_dir, name)
        result.rows[name] = len(df)
    return result
