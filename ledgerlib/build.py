"""`ledger build`: rebuild every table in data/processed from data/raw, in one pass.

The DAG is small and fixed: roster + every ledger_<year>.xlsx -> ledger, assignments
(keyed by plan_year and task); submissions/** -> progress, activities, publicity,
collection, shared_records, joint_cases, submissions_log, problems; holidays.csv ->
publicity deadlines and their basis, deadline_changes (the deadlines this build moved).
Each submission month is scored against the ledger of its own plan year
(progress.plan_year), and the summary says which ledger served which months. A bureau's
first day (a ledger and a roster, no returns yet) builds every table, empty. Nothing under
data/raw is written.

The build is atomic: the tables and their build stamp (tables.BUILD_STAMP: the inputs'
checksums, the time, the version) are written into a temporary folder beside the output
(`.processed.tmp-XXXX`), flushed to disk, and swapped in with one rename, so data/processed
always holds one complete build, the old or the new, even if the build is killed.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import tempfile
from concurrent.futures import wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

from . import config
from .labels import CLI_MESSAGES
from .ledger import assignments, ledger_paths, load_ledgers, months_served
from .roster import load_roster
from .tables import (BUILD_STAMP, DTYPES, TABLES, empty_table, read_table, sha256_file, sort_table,
                     write_stamp, write_table)
from .workdays import default_calendar

@dataclass
class BuildResult:
    out_dir: Path
    rows: dict[str, int] = field(default_factory=dict)
    served: dict[str, list[str]] = field(default_factory=dict)  # ledger file -> months it scores
    warnings: list[str] = field(default_factory=list)
    cache_hits: int | None = None  # files taken from the reader cache (None: no cache used)

    def summary(self) -> str:
        """What `ledger build` prints: the ledgers read, the folder rebuilt, rows per table, warnings.

        Example::

            print(build(progress=False).summary())
            # 台账 / ledgers:
            #   ledger_2021.xlsx         2021-01 … 2021-12 (12 months)
            # 已重建处理后的数据 / data/processed rebuilt in data/processed:
            #   ledger                39 行 / rows ...
        """
        from .labels import CLI_MESSAGES

        lines = [CLI_MESSAGES["build_ledgers"]]
        for name, months in self.served.items():
            span = (f"{months[0]} … {months[-1]} ({len(months)} months)"
                    if len(months) > 1 else months[0]) if months else CLI_MESSAGES["build_no_returns"]
            lines.append(f"  {name:<24} {span}")
        lines.append(CLI_MESSAGES["build_done"].format(path=self.out_dir))
        lines += [f"  {name:<16} {n:>7} {CLI_MESSAGES['build_rows']}" for name, n in self.rows.items()]
        if self.cache_hits:
            lines.append(CLI_MESSAGES["build_cache"].format(hits=self.cache_hits,
                                                            files=self.rows.get("submissions_log", 0)))
        return "\n".join(lines + [CLI_MESSAGES["build_warning"].format(text=w) for w in self.warnings])


def ledger_problems(ledger: pd.DataFrame, assigned: pd.DataFrame) -> pd.DataFrame:
    """Department names in the ledgers that the roster does not know, as problem rows.

    >>> from ledgerlib.roster import load_roster
    >>> from ledgerlib.ledger import assignments
    >>> ledger_problems(data["ledger"], assignments(data["ledger"], load_roster())).empty
    True
    """
    rows = []
    problems = pd.DataFrame(assigned.attrs.get("problems", []),
                            columns=["plan_year", "task_id", "role", "name", "problem"])
    for p in problems.itertuples(index=False):
        src = ledger.loc[(ledger["plan_year"] == p.plan_year) & (ledger["task_id"] == p.task_id), "source"].iloc[0]
        file, sheet, cell = (src.split("!") + ["", "", ""])[:3]
        rows.append({"file": file, "sheet": sheet, "cell": cell.replace("D", "F", 1),
                     "field": "责任部门", "value": p.name, "problem": p.problem,
                     "expected": "departments.csv 中的部门名称或别名", "severity": "error",
                     "city": "", "department": "", "month": ""})
    return pd.DataFrame(rows, columns=list(empty_table("problems").columns))


def tag_plan_years(progress: pd.DataFrame, ledger: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """progress.plan_year from each row's month; problems for tasks not in that year's ledger.

    >>> progress, problems = tag_plan_years(data["progress"].drop(columns="plan_year"), data["ledger"])
    >>> progress["plan_year"].unique().tolist(), len(problems)
    ([2021], 0)
    """
    from .ledger import plan_years_for_months

    # Each distinct month is looked up once and mapped (a province has 100,000 rows, 12 months).
    months = progress["month"].unique().tolist()
    served = plan_years_for_months(ledger, [m for m in months if not pd.isna(m)])
    year_of = {m: served[m] if served.get(m) is not None else int(str(m)[:4]) for m in months}
    progress = progress.copy()
    progress["plan_year"] = pd.array(progress["month"].map(year_of).tolist(), dtype="Int64")
    known = set(zip(ledger["plan_year"].astype(int), ledger["task_id"]))
    all_ids = set(ledger["task_id"])
    # ids unknown to every ledger were reported by the reader; here: known, but of another
    # year. Judged per distinct (year, task), then the rows of the wrong pairs are found.
    pairs = progress[["plan_year", "task_id"]].drop_duplicates()
    bad = {(year, task_id) for year, task_id in zip(pairs["plan_year"].tolist(), pairs["task_id"].tolist())
           if task_id and task_id in all_ids and (int(year), task_id) not in known}
    wrong = [i for i, pair in enumerate(zip(progress["plan_year"].tolist(), progress["task_id"].tolist()))
             if pair in bad] if bad else []
    rows = []
    for r in progress.iloc[wrong].itertuples(index=False):
        rows.append({"file": r.file, "sheet": "", "cell": "", "field": "task_id", "value": r.task_id,
                     "problem": f"任务编号不在{int(r.plan_year)}年度台账中", "expected":
                     f"{r.month} 所属计划年度（{int(r.plan_year)}）台账中的任务编号", "severity": "error",
                     "city": r.city, "department": r.department, "month": r.month})
    return progress, pd.DataFrame(rows, columns=list(empty_table("problems").columns))


def previous_table(out_dir: Path, name: str) -> pd.DataFrame | None:
    """The previous build's table `name` in out_dir (contract columns), None when there is none.

    >>> previous_table(Path("no/such/folder"), "publicity") is None
    True
    """
    try:
        df = read_table(name, out_dir)
        return df[[c for c in DTYPES[name] if c in df.columns]]
    except (OSError, ValueError):  # no previous build, or an unreadable one
        return None


def deadline_changes(out_dir: Path, publicity: pd.DataFrame,
                     previous: tuple[pd.DataFrame | None, pd.DataFrame | None] | None = None) -> pd.DataFrame:
    """The 双公示 deadlines this build moved against the previous build in out_dir.

    When none moved, the previous record is kept, so the next report still lists what the
    last calendar change (a holiday arrangement added to holidays.csv) moved. previous: the
    previous build's (publicity, deadline_changes), when already read (`previous_table`).

    Example::

        moved = deadline_changes(Path("data/processed"), publicity)   # before the new build is swapped in
        moved.empty   # -> True when no 双公示 deadline moved since the previous build
    """
    from .metrics import moved_deadlines

    if previous is None:
        previous = previous_table(out_dir, "publicity"), previous_table(out_dir, "deadline_changes")
    moved = moved_deadlines(previous[0], publicity)
    if moved.empty:
        kept = previous[1]
        if kept is not None and list(kept.columns) == list(DTYPES["deadline_changes"]):
            return kept.astype(DTYPES["deadline_changes"])
        return empty_table("deadline_changes")
    return moved


def build(raw_dir: Path | None = None, out_dir: Path | None = None, progress: bool = True,
          cache: bool = True) -> BuildResult:
    """Rebuild data/processed (or out_dir) from raw_dir; return row counts per table.

    cache: take unchanged workbooks' reads from the reader cache beside out_dir
    (`readcache`: data/interim/); False reads every file (`ledger build --no-cache`).
    The tables are the same either way, byte for byte.

    Example::

        result = build(progress=False)   # data/raw -> data/processed, as `ledger build`
        result.rows["ledger"]            # -> 39
    """
    raw_dir = Path(raw_dir) if raw_dir else config.raw_dir()
    out_dir = Path(out_dir) if out_dir else config.processed_dir()
    _check_replaceable(out_dir)  # before any work, and before the reader cache is written beside it
    pool = _Pool()
    try:
        result = _build(raw_dir, out_dir, progress, cache, pool)
    except BaseException:
        pool.close(cancel=True)  # an error is not kept waiting for chunks nobody will use
        raise
    pool.close()
    return result


class _Pool:
    """One process pool for a whole build: it reads the workbooks, then writes the tables.

    Created before anything starts a thread; its processes start with the first chunk read
    (a set too small for a pool never starts them, and then the tables are written here).
    """

    def __init__(self) -> None:
        from concurrent.futures import ProcessPoolExecutor

        self.workers = os.cpu_count() or 1
        self.executor = ProcessPoolExecutor(max_workers=self.workers) if self.workers > 1 else None

    def started(self) -> bool:
        # The executor's own record of its processes: none until a task was submitted.
        return self.executor is not None and bool(getattr(self.executor, "_processes", None))

    def prepare_writers(self) -> None:
        """Have the workers import the contract's checks once they are free (the writes check
        each table there), so neither the first write nor this process waits for the import."""
        if self.started():
            for _ in range(self.workers):
                self.executor.submit(_import_checks)

    def close(self, cancel: bool = False) -> None:
        if self.executor is not None:
            self.executor.shutdown(cancel_futures=cancel)


def _build(raw_dir: Path, out_dir: Path, progress: bool, cache: bool, pool: _Pool) -> BuildResult:
    from .ledger import ledger_task_ids

    roster = load_roster(raw_dir)
    # The returns are checked against the ledgers' task ids alone: read first (no table, no
    # openpyxl), so the workers start reading while the ledger table is built here.
    early: dict = {}
    try:
        ids = {str(i) for year_ids in ledger_task_ids(raw_dir, roster).values() for i in year_ids}
    except Exception:  # noqa: BLE001 - the table's reader says what is wrong, in its words
        early["ledger"] = load_ledgers(raw_dir, roster)
        ids = set(early["ledger"]["task_id"].astype(str))

    # Work that does not need the returns is done while the workers read them: the ledgers
    # and their assignments, the working-day calendar, the previous build's 双公示 tables.
    # Then who checks the contract: if the workers are still reading (a cold or a month's
    # build), this process, which would otherwise wait, imports the checks and runs them
    # while the workers write; if they are done (little to read), the write jobs check
    # their tables and this process goes straight on. The tables are the same either way.
    def meanwhile(reading: Callable[[], tuple[int, int, float]] = lambda: (0, 0, 0.0)) -> None:  # once a build
        if "calendar" in early:
            return
        if "ledger" not in early:
            early["ledger"] = load_ledgers(raw_dir, roster)
        early["calendar"] = default_calendar(raw_dir)
        early["previous"] = previous_table(out_dir, "publicity"), previous_table(out_dir, "deadline_changes")
        if pool.started() and check_here(*reading()):
            from . import schemas  # noqa: F401

            early["check_here"] = True
        else:
            pool.prepare_writers()  # a worker imports the checks as soon as it is free

    def ingest(task_ids: set[str]) -> tuple[dict[str, pd.DataFrame], int | None]:
        from .intake import ingest_submissions

        reader_cache = None
        if cache:
            from .bureau import default_city
            from .readcache import ReaderCache, cache_path, context_digest

            reader_cache = ReaderCache(cache_path(out_dir), context_digest(task_ids, roster, default_city()))
        # Unsorted: every table is sorted as it is written (the rows' order here changes no result).
        ingested = ingest_submissions(subs_dir, task_ids, roster, progress=progress, cache=reader_cache,
                                      workers=pool.workers, executor=pool.executor,
                                      meanwhile=meanwhile, sort=False)
        return ingested, (reader_cache.hits if reader_cache is not None else None)

    subs_dir = raw_dir / "submissions"
    cache_hits = None
    ingested: dict[str, pd.DataFrame] = {}
    if subs_dir.is_dir():
        ingested, cache_hits = ingest(ids)
    meanwhile()  # when there was nothing to read (no submissions folder)
    ledger = early["ledger"]
    disagree = subs_dir.is_dir() and set(ledger["task_id"].astype(str)) != ids
    if disagree:
        # Never expected (both read the same items): the table's ids decide, read again with them.
        ingested, cache_hits = ingest(set(ledger["task_id"].astype(str)))
    assigned = assignments(ledger, roster)
    tables: dict[str, pd.DataFrame] = {"ledger": ledger, "assignments": assigned}
    problems = [ledger_problems(ledger, assigned)]
    read_at = len(problems)  # the reader's problems: judged once the deadlines are known
    problems.append(ingested.pop("problems", empty_table("problems")) if ingested else empty_table("problems"))
    tables.update(ingested or {})
    for name in ("progress", "activities", "publicity", "collection", "shared_records", "joint_cases",
                 "submissions_log"):
        tables.setdefault(name, empty_table(name))  # a bureau's first day: no returns yet
    result = BuildResult(out_dir)
    result.cache_hits = cache_hits
    if disagree:
        result.warnings.append(CLI_MESSAGES["build_ids_disagree"])

    def write(stage: Path) -> None:
        writing = _Writer(pool, stage, check=not early.get("check_here"))
        try:
            make_and_write(stage, writing)
        except BaseException:
            writing.abandon()  # nothing may still write into a stage that is removed
            raise
        # The workers hashed every submission's bytes as they read them: not again here. The
        # other inputs are hashed while the workers write.
        log = tables["submissions_log"]
        inputs = input_checksums(raw_dir, {f: c for f, c in zip(log["file"], log["checksum"])
                                           if isinstance(f, str) and isinstance(c, str) and len(c) == 64})
        writing.finish()
        write_stamp(stage, inputs)

    def make_and_write(stage: Path, writing: _Writer) -> None:
        # Tables are written while the others are made, the larger first, so that the write
        # that ends last starts soonest: progress, 双公示 (its deadlines), then those the
        # ingest left final.
        from .metrics import publicity_deadlines
        from .pending import judge_blank_publications

        tables["progress"], wrong_year = tag_plan_years(tables["progress"], ledger)
        writing.add("progress", tables["progress"])
        problems.append(wrong_year)
        calendar = early["calendar"]
        tables["publicity"] = publicity_deadlines(tables["publicity"], calendar=calendar)
        writing.add("publicity", tables["publicity"])
        problems[read_at], tables["submissions_log"] = judge_blank_publications(
            problems[read_at], tables["publicity"], tables["submissions_log"])
        for name in ("shared_records", "activities", "collection", "joint_cases", "submissions_log"):
            writing.add(name, tables[name])
        result.warnings.extend(calendar.warnings)
        problems.append(calendar.problem_rows())
        tables["deadline_changes"] = deadline_changes(out_dir, tables["publicity"], previous=early["previous"])
        files = {y: p.name for y, p in ledger_paths(raw_dir).items()}
        served = months_served(ledger, list(tables["submissions_log"]["month"].dropna().astype(str)))
        result.served = {files[y]: served.get(y, []) for y in sorted(files)}
        if served.get(None):
            years = sorted({m[:4] for m in served[None]})
            result.served[f"(no ledger: {', '.join(years)})"] = served[None]
            problems.append(pd.DataFrame([{
                "file": f"ledger_{m[:4]}.xlsx", "sheet": "", "cell": "", "field": "plan_year", "value": m[:4],
                "problem": f"{m} 有报送，但没有 {m[:4]} 年度的台账：该月进展未评分",
                "expected": f"data/raw/ledger_{m[:4]}.xlsx", "severity": "error", "city": "", "department": "",
                "month": m} for m in served[None]]))
        found = [p for p in problems if len(p)]
        tables["problems"] = pd.concat(found, ignore_index=True) if found else empty_table("problems")
        for name in ("deadline_changes", "problems", "ledger", "assignments"):
            writing.add(name, tables[name])
        result.rows = {name: len(tables[name]) for name in TABLES}  # in the contract's order
        if not writing.check:
            # Checked here while the workers write: a table that breaks the contract stops
            # the build, and only the stage, never data/processed, holds what was written.
            from .schemas import validate_table

            for name, df in tables.items():
                validate_table(name, df)

    publish(out_dir, write)  # the stamp last: a folder with a stamp is a complete build
    return result


def check_and_write(df: pd.DataFrame, stage: Path, name: str, formats: tuple[str, ...] = ("parquet", "csv"),
                    check: bool = True) -> Path:
    """One table checked against the data contract (schemas.validate_table), then written to
    stage in its contract order (tables.sort_table) as Parquet and CSV (formats).

    A job of the build's pool: tables are checked and written side by side. A table that
    breaks the contract raises ContractError, which stops the build; only the stage, never
    data/processed, holds what was written. check False: another job checks this table.

    >>> import tempfile
    >>> check_and_write(empty_table("ledger"), Path(tempfile.mkdtemp()), "ledger").name
    'ledger.parquet'
    """
    if isinstance(df, bytes):  # the contract's columns as an Arrow stream (`_Writer.add`)
        from .chunkcodec import to_frame

        df = to_frame(name, [df])
    if check:
        from .schemas import validate_table

        validate_table(name, df)
    return write_table(sort_table(df, name), stage, name, formats=formats)


def _import_checks() -> None:
    """A worker's first step towards writing: import the contract's checks (pandera)."""
    from . import schemas  # noqa: F401


#: From this many rows a table's Parquet and CSV files are written by two jobs (a province's
#: progress table has ~100,000).
SPLIT_WRITE_ROWS = 50_000
#: Reading still to come, in seconds, from which the main process checks the contract itself
#: rather than wait (the import of the checks alone takes ~0.2 s).
CHECK_HERE_SECONDS = 0.3


def check_here(done: int, total: int, elapsed: float) -> bool:
    """Whether the main process should check the contract itself: the workers, having read
    `done` of `total` chunks in `elapsed` seconds, will read for CHECK_HERE_SECONDS more.

    >>> check_here(200, 216, 0.4), check_here(100, 216, 0.4), check_here(0, 12, 0.4), check_here(12, 12, 0.4)
    (False, True, True, False)
    """
    left = total - done
    return left > 0 and (done == 0 or elapsed / done * left >= CHECK_HERE_SECONDS)


class _Writer:
    """Writes tables into a stage: on the build's pool when its workers are up, else here."""

    def __init__(self, pool: _Pool, stage: Path, check: bool = True) -> None:
        # check: the write jobs check their tables (False: the caller checks them itself).
        self.pool, self.stage, self.jobs = pool, stage, []
        self.check = check or not pool.started()

    def add(self, name: str, df: pd.DataFrame) -> None:
        if not self.pool.started():
            self.jobs.append((name, df))
            return
        submit = self.pool.executor.submit
        data = _sendable(name, df)
        if len(df) >= SPLIT_WRITE_ROWS:
            # Its CSV alone takes as long as the checks and the Parquet file: one job each,
            # so the two workers finish a province's progress table together.
            self.jobs.append(submit(check_and_write, data, self.stage, name, ("csv",), False))
            self.jobs.append(submit(check_and_write, data, self.stage, name, ("parquet",), self.check))
        else:
            self.jobs.append(submit(check_and_write, data, self.stage, name, ("parquet", "csv"), self.check))

    def finish(self) -> None:
        """Every table written (here, or waited for); a worker's error is raised here."""
        if not self.pool.started():
            for name, df in self.jobs:
                check_and_write(df, self.stage, name)
            return
        wait(self.jobs)
        for done in self.jobs:
            done.result()

    def abandon(self) -> None:
        """Write nothing more; wait for what the workers already started."""
        if self.pool.started():
            for job in self.jobs:
                job.cancel()
            wait(self.jobs)


def _sendable(name: str, df: pd.DataFrame) -> pd.DataFrame | bytes:
    """What a write job is sent: a table holding exactly the contract's columns and dtypes as
    an Arrow stream (a province's progress table: 0.02 s, where pickling the frame took 0.1 s
    a job); anything else as it is, for its job's checks to report."""
    if list(df.columns) != list(DTYPES[name]) or [str(t) for t in df.dtypes] != list(DTYPES[name].values()):
        return df
    from .chunkcodec import from_frame, stream

    return stream(from_frame(name, df))


def input_checksums(raw_dir: Path, known: dict[str, str] | None = None) -> dict[str, str]:
    """{file relative to raw_dir: sha256} for every file a build reads (the stamp's inputs).

    known: {file relative to raw_dir: sha256} already computed from the bytes that were read
    (the submissions log's checksums); an empty value is hashed here.

    >>> from ledgerlib import config
    >>> "departments.csv" in input_checksums(config.raw_dir())
    True
    """
    known = known or {}
    root = str(raw_dir)
    out = {}
    for d, dirs, names in os.walk(root, followlinks=True):
        dirs[:] = sorted(x for x in dirs if not x.startswith("."))
        # Paths as text (a province's 5,000 returns as Path objects cost 0.1 s).
        folder = os.path.relpath(d, root).replace(os.sep, "/")
        prefix = "" if folder == "." else folder + "/"
        for n in sorted(names):
            if not n.startswith((".", "~$")):
                rel = prefix + n
                out[rel] = known.get(rel) or sha256_file(Path(d, n))
    return out


# --------------------------------------------------------------------------- atomic publish

#: What a folder the build may replace holds: its own tables and stamp, nothing else.
_OWN_SUFFIXES = (".parquet", ".csv")


def publish(out_dir: Path, write) -> Path:
    """Run write(stage) on a fresh folder beside out_dir, then swap it in for out_dir.

    The stage is fsynced before the swap; the swap is one atomic rename where Linux offers
    it (renameat2 RENAME_EXCHANGE), else two renames (old aside, new in) with the old
    build restored by the next run if the process died between them. A folder that holds
    files a build does not write is never replaced (ValueError): --out must not be pointed
    at someone's documents.

    Example::

        publish(Path("data/processed"), lambda stage: df.to_parquet(stage / "ledger.parquet"))
        # -> Path('data/processed'), replaced whole: a reader never sees half a build
    """
    out_dir = Path(out_dir)
    parent = out_dir.parent
    parent.mkdir(parents=True, exist_ok=True)
    _recover(out_dir)
    _check_replaceable(out_dir)
    # The pid in the name tells a killed run's leftovers from a build running beside this one.
    stage = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-{os.getpid()}-", dir=parent))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(stage, 0o777 & ~umask)  # mkdtemp's 0700 would hide the build from a report user
    try:
        write(stage)
        if out_dir.is_dir():  # files the build does not make (git's .gitkeep) stay with the folder
            for p in out_dir.iterdir():
                if p.is_file() and p.name.startswith(".") and not p.name.endswith(".tmp"):
                    shutil.copy2(p, stage / p.name)
        _fsync_tree(stage)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)  # half a build never leaves its stage
        raise
    if out_dir.exists() and _exchange(stage, out_dir):
        old: Path | None = stage  # after the exchange the stage's name holds the previous build
    else:
        old = None
        if out_dir.exists():
            old = parent / f".{out_dir.name}.old-{stage.name.split('.tmp-', 1)[1]}"
            os.rename(out_dir, old)
        os.rename(stage, out_dir)
    _fsync_dir(parent)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    _sweep(out_dir)
    return out_dir


def _check_replaceable(out_dir: Path) -> None:
    if not out_dir.exists():
        return
    if not out_dir.is_dir():
        raise ValueError(CLI_MESSAGES["out_not_folder"].format(path=out_dir))
    strangers = [p.name for p in out_dir.iterdir()
                 if not (p.is_file() and (p.suffix in _OWN_SUFFIXES or p.name == BUILD_STAMP
                                          or p.name.startswith(".")))]
    if strangers:
        raise ValueError(CLI_MESSAGES["out_has_strangers"].format(path=out_dir,
                                                                 files=", ".join(sorted(strangers)[:3])))


def _recover(out_dir: Path) -> None:
    """Put back the old build if a run died between its two renames (out_dir missing)."""
    if out_dir.exists():
        return
    olds = sorted(out_dir.parent.glob(f".{out_dir.name}.old-*"), key=lambda p: p.stat().st_mtime)
    if olds and (olds[-1] / BUILD_STAMP).exists():
        os.rename(olds[-1], out_dir)


def _sweep(out_dir: Path) -> None:
    """Remove stages and old builds left by runs that were killed (not those of a running build)."""
    for p in out_dir.parent.glob(f".{out_dir.name}.*-*"):
        for kind in (".tmp-", ".old-"):
            head, _, rest = p.name.partition(kind)
            if head == f".{out_dir.name}" and p.is_dir() and not _running(rest.split("-", 1)[0]):
                shutil.rmtree(p, ignore_errors=True)


def _running(pid: str) -> bool:
    """Whether another process with this pid is alive (its build may still be writing)."""
    if not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except OSError:  # alive, owned by someone else
        return True
    return True


def _fsync_tree(folder: Path) -> None:
    for p in folder.iterdir():
        if p.is_file():
            fd = os.open(p, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems cannot sync a directory; the renames are still atomic
    finally:
        os.close(fd)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0
