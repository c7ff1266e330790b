"""Intake of returned workbooks: file them under data/raw, and ingest them into tidy tables.

Two jobs, both about submissions as a set of files rather than one workbook's contents
(which is `submissions.read_submission`'s job):

- `receive` files a workbook a liaison sent into `data/raw/submissions/<YYYY-MM>/` and records
  when it arrived in `submissions/manifest.csv` (a file's own modification time survives
  neither git nor e-mail). It is the only code that writes under `data/raw/`.
- `ingest_submissions` reads every workbook under `submissions/` (one city, or one folder per
  city), decides which file is current for each (city, department, month) — a resubmission
  supersedes the earlier file in the figures, both stay in the log — and returns the
  submission tables of docs/data-contract.md, sorted so that two builds are byte-identical.

Province scale (issue 6): files are read a month folder at a time (`chunkread`), in worker
processes when there are many; results come back in file order (Arrow streams, no
workbook kept open), and a tqdm bar shows progress on a terminal.
"""
from __future__ import annotations

import csv
import datetime as dt
import os
import re
import shutil
import sys
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from . import config, labels
from .cells import MONTH_RE
from .safepath import check_name, inside
from .tables import DTYPES, empty_table, sha256_file, sort_table
from .bureau import default_city
from .chunkread import (CONTENT_TABLES, ChunkReply, ChunkResult, _chunks, _file_results, _init_worker,
                        _read_chunk, _read_task, _text, _WORKER)

#: The intake record kept beside the files.
MANIFEST_NAME = "manifest.csv"
MANIFEST_COLUMNS = ("file", "received_at")
#: File kinds read as submissions (Excel's own lock files `~$x.xlsx` are skipped).
SUBMISSION_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
#: Below this many files a process pool costs more to start than it saves.
PARALLEL_MIN_FILES = 48



# --------------------------------------------------------------------------- files


@dataclass(frozen=True)
class SubmissionFile:
    """One workbook found under submissions/, with what its path says about it."""

    path: Path          #: absolute path
    file: str           #: posix path relative to the raw-data folder (submissions' parent)
    manifest_key: str   #: posix path relative to submissions/ (the manifest's `file`)
    city: str           #: from the path (bureau.toml's city for the single-city layout)
    month: str | None   #: from the path, None when the file is outside the layout
    in_layout: bool


def discover_files(submissions_dir: Path) -> list[SubmissionFile]:
    """Every submission workbook under submissions_dir, sorted by relative path.

    Layouts: `<YYYY-MM>/<部门>.xlsx` (one city) and `<city>/<YYYY-MM>/<部门>.xlsx`. Anything
    else is still returned (marked `in_layout=False`) so that it is read and reported, never
    silently skipped.

    Example::

        files = discover_files(Path("data/raw/submissions"))
        files[0].manifest_key, files[0].city, files[0].month   # -> ('2021-01/交通运输综合行政执法支队.xlsx', '安阳市', '2021-01')
    """
    root = Path(submissions_dir)
    if not root.is_dir():
        return []
    home = default_city()  # reads bureau.toml: once, not once a file
    top = root.absolute()
    prefix = root.name + "/"  # `file` is relative to submissions' parent
    found: list[SubmissionFile] = []
    # os.walk, not rglob: a city folder may be a link to where that city's files live. Its
    # folders are relative to `top` by construction: the parts are cut from the text.
    for folder, _, names in os.walk(top, followlinks=True):
        rel_dir = os.path.relpath(folder, top)
        parts = () if rel_dir == "." else tuple(Path(rel_dir).parts)
        for name in names:
            if os.path.splitext(name)[1].lower() not in SUBMISSION_SUFFIXES or name.startswith(("~$", ".")):
                continue
            rel = "/".join((*parts, name))
            city, month, ok = home, None, False
            if len(parts) == 1 and MONTH_RE.match(parts[0]):
                month, ok = parts[0], True
            elif len(parts) == 2 and MONTH_RE.match(parts[1]):
                city, month, ok = parts[0], parts[1], True
            found.append(SubmissionFile(path=Path(folder, name), file=prefix + rel, manifest_key=rel, city=city,
                                        month=month, in_layout=ok))
    found.sort(key=lambda f: f.manifest_key)
    return found


def read_manifest(submissions_dir: Path) -> tuple[dict[str, pd.Timestamp], list[dict[str, Any]]]:
    """{file relative to submissions/: received_at} from manifest.csv, and its problems.

    A file listed twice keeps its last row (a re-run of `ledger receive` appends).

    Example::

        received, problems = read_manifest(Path("data/raw/submissions"))
        received["2021-06/运管科.xlsx"]   # -> the Timestamp `ledger receive` recorded for that file
    """
    path = Path(submissions_dir) / MANIFEST_NAME
    times: dict[str, pd.Timestamp] = {}
    problems: list[dict[str, Any]] = []
    if not path.is_file():
        return times, problems
    base_file = path.relative_to(Path(submissions_dir).parent).as_posix()
    table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    if "file" not in table.columns or "received_at" not in table.columns:
        problems.append(_problem(base_file, "manifest_bad_time", "iso_time", sheet="", cell="A1",
                                 field="received_at", value=",".join(table.columns)))
        return times, problems
    for i, (name, when, ts) in enumerate(zip(table["file"], table["received_at"],
                                             _manifest_times(table["received_at"])), start=2):
        key = name.strip().replace("\\", "/").lstrip("./")
        if pd.isna(ts):
            problems.append(_problem(base_file, "manifest_bad_time", "iso_time", sheet="",
                                     cell=f"B{i}", field="received_at", value=when))
            continue
        times[key] = ts
    return times, problems


def _manifest_times(column: pd.Series) -> list[pd.Timestamp]:
    """Each received_at as a naive Timestamp (NaT when not an ISO time), in one parse.

    Local wall time is what "by the 5th" means: an offset is dropped, the clock kept. A
    column mixing offsets (or offsets and none) cannot be parsed as one; it is parsed a
    value at a time, with the same result.
    """
    text = column.str.strip()
    try:
        parsed = pd.to_datetime(text.where(text != ""), errors="coerce", format="ISO8601")
    except (ValueError, TypeError):
        parsed = None
    if parsed is not None and pd.api.types.is_datetime64_any_dtype(parsed.dtype):
        if getattr(parsed.dtype, "tz", None) is not None:
            parsed = parsed.dt.tz_localize(None)
        return list(parsed)
    out = []
    for when in text:
        ts = pd.to_datetime(when, errors="coerce", format="ISO8601") if when else pd.NaT
        out.append(ts.tz_localize(None) if isinstance(ts, pd.Timestamp) and ts.tzinfo is not None else ts)
    return out


# --------------------------------------------------------------------------- reading


def _iter_results(files: list[SubmissionFile], ledger: pd.DataFrame | None, roster: Any,
                  base_dir: Path, workers: int | None, progress: bool,
                  received: dict[str, pd.Timestamp] | None = None, cache: Any = None,
                  executor: Any = None, meanwhile: Any = None) -> Iterator[ChunkResult]:
    """ChunkResults in file order, from a process pool when the set is large (the caller's
    executor when given: `ledger build` keeps one pool for reading and then writing).
    meanwhile: called once the workers have their chunks, before the first result is awaited."""
    n_workers = workers if workers is not None else (os.cpu_count() or 1)
    bar = _progress_bar(len(files), progress)
    try:
        if n_workers <= 1 or len(files) < PARALLEL_MIN_FILES:
            if meanwhile is not None:
                meanwhile()
            _init_worker(ledger, roster, base_dir, received, cache)
            try:
                for chunk in _chunks(files):
                    yield _result(chunk, _read_chunk(chunk))
                    bar.update(len(chunk))
            finally:
                _WORKER.clear()
            return
        # Import the reader (and openpyxl, calamine) here once: forked workers inherit it
        # instead of each importing it again.
        from . import submissions  # noqa: F401
        context = (ledger, roster, base_dir, received or {}, cache)
        if executor is not None:
            yield from _pool_results(executor, files, context, bar, meanwhile)
            return
        with ProcessPoolExecutor(max_workers=n_workers) as own:
            yield from _pool_results(own, files, context, bar, meanwhile)
    finally:
        bar.close()


def _pool_results(pool: Any, files: list[SubmissionFile], context: tuple, bar: Any,
                  meanwhile: Any) -> Iterator[ChunkResult]:
    """Every chunk submitted to the pool with its reading context, results in file order."""
    ledger, roster, base_dir, received, cache = context
    chunks = _chunks(files)
    # Every chunk is submitted here and the results are taken in submission order, so output
    # never depends on scheduling.
    started = time.perf_counter()
    futures = [pool.submit(_read_task, (ledger, roster, base_dir,
                                        {f.manifest_key: received[f.manifest_key] for f in chunk
                                         if f.manifest_key in received}, cache, chunk))
               for chunk in chunks]

    def reading() -> tuple[int, int, float]:
        return sum(f.done() for f in futures), len(futures), time.perf_counter() - started

    try:
        if meanwhile is not None:
            try:  # it may ask how far the reading is: (chunks read, chunks, seconds since it began)
                meanwhile(reading)
            except BaseException:
                pool.shutdown(cancel_futures=True)  # the error is not kept waiting for every chunk
                raise
        for chunk, future in zip(chunks, futures):
            yield _result(chunk, future.result())
            bar.update(len(chunk))
    finally:
        for future in futures:  # stopped early (an error): nothing more is read for nobody
            future.cancel()


def _result(chunk: list[SubmissionFile], reply: ChunkReply) -> ChunkResult:
    """A chunk's reply with each fact made the FileResult of its file."""
    return ChunkResult(_file_results(chunk, reply.facts), reply.tables, reply.cache)


def _progress_bar(total: int, progress: bool) -> Any:
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="ingest", unit="file",
                disable=not progress or not sys.stderr.isatty() or total == 0)


# --------------------------------------------------------------------------- ingest


def ingest_submissions(submissions_dir: Path, ledger: pd.DataFrame | set[str] | None, roster: Any, *,
                       progress: bool = True, workers: int | None = None,
                       cache: Any = None, executor: Any = None,
                       meanwhile: Any = None, sort: bool = True) -> dict[str, pd.DataFrame]:
    """Read every workbook under submissions_dir into the submission tables.

    Returns {name: DataFrame} for progress, activities, publicity, collection,
    shared_records, joint_cases (current files only), submissions_log (every file) and
    problems (every file, plus the intake's own: unreadable files, manifest rows without a
    file, no received time). Schemas and sort orders are those of docs/data-contract.md;
    `file` is relative to submissions_dir's parent (data/raw/).

    ledger: the ledger table, or just its task ids (a set): returns naming other ids are
    reported. workers: processes to read with (default os.cpu_count(); 1 = in this process). Sets
    smaller than PARALLEL_MIN_FILES are read in this process whatever `workers` says.
    cache: a `readcache.ReaderCache`: unchanged files are taken from it, the cache is saved
    with this ingest's files only (its `hits` then says how many were not read again).
    executor: a process pool of `workers` processes to read with instead of one of its own.
    meanwhile: a function called once while the workers read (the caller's own work, done
    on a core the reading leaves free), or before reading when the set is read here; from a
    pool it is given a function that says how far the reading is (chunks read, chunks,
    seconds since it began). sort False: the tables in the order read (the same rows; for a
    caller that sorts them as it writes them, as `ledger build` does).

    Example::

        tables = ingest_submissions(Path("data/raw/submissions"), load_ledger(), load_roster(), progress=False)
        tables["progress"], tables["problems"]   # every file's rows stacked; one problem row per issue
    """
    submissions_dir = Path(submissions_dir)
    base_dir = submissions_dir.parent.absolute()
    files = discover_files(submissions_dir)
    manifest, problems = read_manifest(submissions_dir)
    on_disk = {f.manifest_key for f in files}
    manifest_file = f"{submissions_dir.name}/{MANIFEST_NAME}"
    for key in sorted(set(manifest) - on_disk):
        problems.append(_problem(manifest_file, "manifest_file_missing", "manifest_file",
                                 severity="warning", field="file", value=key))

    from . import chunkcodec

    parts: dict[str, list[bytes]] = {name: [] for name in (*CONTENT_TABLES, "problems")}  # Arrow streams
    log_rows: list[dict[str, Any]] = []
    readable: dict[str, bool] = {}
    for chunk in _iter_results(files, ledger, roster, base_dir, workers, progress, manifest, cache, executor,
                               meanwhile):
        if cache is not None:
            cache.absorb(*chunk.cache)
        for res in chunk.files:
            src = res.source
            if not res.checksum:
                continue  # gone before its bytes could be read: its problem row says so; no log row
            ident = {"city": res.city, "department": res.department, "month": res.month}
            if not src.in_layout:
                problems.append(_problem(src.file, "layout", "layout", **ident))
            if src.manifest_key in manifest:
                received, how = manifest[src.manifest_key], "manifest"
            elif res.filled_on is not None:
                received, how = res.filled_on, "cover"
            else:
                received, how = pd.NaT, "none"
                problems.append(_problem(src.file, "no_received_time", "received_time",
                                         severity="warning", field="received_at", **ident))
            readable[src.file] = res.readable
            log_rows.append({**ident, "file": src.file, "received_at": received,
                             "received_source": how, "checksum": res.checksum, "filled_by": res.filled_by,
                             "n_errors": res.n_errors, "n_warnings": res.n_warnings})
        for name, stream in chunk.tables.items():
            parts[name].append(stream)

    if cache is not None:
        cache.save()
    log = _conform(pd.DataFrame(log_rows, columns=[c for c in DTYPES["submissions_log"]
                                                   if c != "superseded"]), "submissions_log")
    content = {name: chunkcodec.to_frame(name, parts[name]) for name in CONTENT_TABLES}
    reported = _files_reporting(content)
    usable = log["file"].map(lambda f: readable.get(f, True) and f in reported)
    log["superseded"] = supersede(log, usable)
    problems.extend(_duplicate_problems(log))
    problems.extend(_unusable_resubmission_problems(log, usable))
    log = _finish(log, "submissions_log", sort)
    current = set(log.loc[~log["superseded"], "file"])

    out: dict[str, pd.DataFrame] = {}
    # Every row's file is in the log: keep the rows of files not superseded. Asked that way
    # round (the few superseded files), as isin() converts its values one by one each call.
    superseded = sorted(set(log["file"]) - current)
    for name in CONTENT_TABLES:
        table = content[name]
        out[name] = _finish(table[~table["file"].isin(superseded)] if superseded else table, name, sort)
    out["submissions_log"] = log
    out["problems"] = _finish(_concat([chunkcodec.to_frame("problems", parts["problems"]), pd.DataFrame(problems)],
                                      "problems"), "problems", sort)
    return out


def supersede(log: pd.DataFrame, usable: pd.Series | None = None) -> pd.Series:
    """True for every file that is not the current one for its (city, department, month).

    The current file is the latest *usable* one: a resubmission that cannot be read
    (encrypted, damaged) or reports nothing (a blank template) never replaces a readable
    return; it is kept in the log and reported (docs/security.md). Among usable files (or
    among unusable ones when a month has nothing else) the latest received wins: order
    received_at (a file with no known time counts as the earliest), then the file name by
    length and text, so `运管科.xlsx` < `运管科_v2.xlsx` < `运管科_v10.xlsx` and a correction
    named `运管科(更正).xlsx` beats the original it corrects. Files whose department or month
    could not be determined are never superseded (they stand alone). usable: a boolean per
    row of log (default: every file usable).

    Example::

        log["superseded"] = supersede(log)   # a later return for the same (city, department, month) wins
    """
    if log.empty:
        return pd.Series([], dtype=bool, index=log.index)
    name = log["file"].map(lambda f: f.rsplit("/", 1)[-1])
    ok = usable.astype(bool) if usable is not None else pd.Series(True, index=log.index)
    order = pd.DataFrame({
        "city": log["city"].fillna(""), "department": log["department"].fillna(""),
        "month": log["month"].fillna(""), "usable": ok,
        "t": log["received_at"],
        "name_len": name.str.len(), "name": name, "file": log["file"],
    }, index=log.index).sort_values(["city", "department", "month", "usable", "t", "name_len", "name", "file"],
                                    kind="mergesort", na_position="first")
    last = ~order.duplicated(["city", "department", "month"], keep="last")
    known = (order["department"] != "") & (order["month"] != "")
    return (~last & known).reindex(log.index)


def _files_reporting(content: dict[str, pd.DataFrame]) -> set[str]:
    """Files that report anything: a progress status, or a row in any other content table."""
    # unique() first: iterating every row of an Arrow-backed column costs ~0.5 µs a value.
    out = set(content["progress"].loc[content["progress"]["status"].fillna("") != "", "file"].unique())
    for name, df in content.items():
        if name != "progress":
            out |= set(df["file"].unique())
    return out


def _unusable_resubmission_problems(log: pd.DataFrame, usable: pd.Series) -> list[dict[str, Any]]:
    """A warning on each unusable file received after the return that stays current.

    Without the rule, a blank template sent by mistake or a file saved with a password would
    silently replace a real return and lower the month's figures.
    """
    out = []
    df = log.assign(_usable=usable.astype(bool))
    keys = ["city", "department", "month"]
    for _, group in df[df.duplicated(keys, keep=False)].groupby(keys, sort=True):
        current = group[~group["superseded"]]
        if len(current) != 1 or not current["_usable"].iloc[0]:
            continue
        since = current["received_at"].iloc[0]
        # Every unusable file not known to be older than the current one (no time: reported too).
        later = group[~group["_usable"] & ~(group["received_at"] < since)]
        for row in later.itertuples(index=False):
            out.append(_problem(row.file, "unusable_resubmission", "usable_resubmission", severity="warning",
                                field="file", value=current["file"].iloc[0], city=row.city,
                                department=row.department, month=row.month))
    return out


def _duplicate_problems(log: pd.DataFrame) -> list[dict[str, Any]]:
    """A warning for each superseded file whose bytes equal another file of the same month."""
    out = []
    dup = log.duplicated(["city", "department", "month", "checksum"], keep=False) & log["superseded"]
    for row in log[dup].itertuples(index=False):
        out.append(_problem(row.file, "duplicate_file", "distinct", severity="warning",
                            field="checksum", value=row.checksum[:12], city=row.city,
                            department=row.department, month=row.month))
    return out


def _problem(file: str, key: str, expected: str, *, severity: str = "error", sheet: str = "",
             cell: str = "", field: str = "", value: Any = "", city: str = "",
             department: str = "", month: str = "") -> dict[str, Any]:
    return {"file": file, "sheet": sheet, "cell": cell, "field": field,
            "value": "" if value is None else str(value),
            "problem": labels.INTAKE_PROBLEM_LABELS[key],
            "expected": labels.INTAKE_EXPECTED_LABELS[expected], "severity": severity,
            "city": city, "department": department, "month": month}


def _concat(frames: list[pd.DataFrame], name: str) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty_table(name)
    cols = list(DTYPES[name])
    if all(list(f.columns) == cols and [str(t) for t in f.dtypes] == list(DTYPES[name].values())
           for f in frames):
        # The reader's frames already carry the contract (the usual case): one concat, no
        # column-by-column rebuild of every chunk.
        return pd.concat(frames, ignore_index=True)
    return pd.concat([_conform(f, name) for f in frames], ignore_index=True)


def _conform(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """Exactly the contract's columns, in order, with the contract's dtypes."""
    cols: dict[str, pd.Series] = {}
    for col, dtype in DTYPES[name].items():
        s = df[col] if col in df.columns else pd.Series([None] * len(df), index=df.index)
        cols[col] = _as_dtype(s, dtype)
    return pd.DataFrame(cols, index=df.index)


def _as_dtype(s: pd.Series, dtype: str) -> pd.Series:
    if str(s.dtype) == dtype:
        return s
    if dtype == "str":
        if s.dtype == "str":
            return s
        return s.map(lambda v: v if isinstance(v, str) else (None if _isna(v) else _plain(v))).astype("str")
    if dtype.startswith("datetime64"):
        if s.dtype == dtype:
            return s
        return pd.to_datetime(s, errors="coerce", format="mixed").astype(dtype)
    if dtype == "Int64":
        return pd.to_numeric(s, errors="coerce").astype("Float64").round().astype("Int64")
    if dtype == "int64":
        return pd.to_numeric(s, errors="coerce").fillna(0).astype("int64")
    if dtype == "float64":
        return pd.to_numeric(s, errors="coerce").astype("float64")
    if dtype == "bool":
        return s.fillna(False).astype(bool)
    return s.astype(dtype)


def _isna(v: Any) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _plain(v: Any) -> str:
    if isinstance(v, (pd.Timestamp, dt.datetime, dt.date)):
        return pd.Timestamp(v).strftime("%Y-%m-%d") if pd.Timestamp(v) == pd.Timestamp(v).normalize() \
            else pd.Timestamp(v).isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _finish(df: pd.DataFrame, name: str, sort: bool = True) -> pd.DataFrame:
    df = _conform(df, name)
    return sort_table(df, name) if sort else df.reset_index(drop=True)


# --------------------------------------------------------------------------- receive


@dataclass
class Receipt:
    """What `receive` did with one file: where it went, what it replaced, how it reads."""

    path: Path                  #: the filed copy (or the identical copy already filed)
    department: str             #: canonical roster name
    month: str
    city: str
    received_at: dt.datetime
    days_late: int              #: days after the due day (config.SUBMISSION_DUE_DAY); 0 when on time
    n_errors: int
    n_warnings: int
    usable: bool                #: readable and not blank: only a usable file supersedes
    previous: str | None = None  #: the earlier return for the month (relative to submissions/)
    already_filed: bool = False  #: the same bytes were filed before: nothing written

    def summary(self, sub_dir: Path) -> str:
        """One line for the operator, in the liaison's language.

        Example::

            receive(Path("inbox/运管科.xlsx"), received_at="2021-07-06T09:00").summary(sub_dir)
            # -> '已收文：运管科 2021-06 → submissions/2021-06/运管科.xlsx；逾期 1 天；错误 0 项，提示 0 项'
        """
        rel = self.path.relative_to(sub_dir).as_posix()
        if self.already_filed:
            return labels.RECEIVE_ALREADY.format(file=rel)
        parts = [labels.RECEIVE_FILED.format(department=self.department, month=self.month, file=rel)]
        if self.previous and self.usable:
            parts.append(labels.RECEIVE_SUPERSEDES.format(file=self.previous))
        elif self.previous:
            parts.append(labels.RECEIVE_KEEPS.format(file=self.previous))
        elif not self.usable:
            parts.append(labels.RECEIVE_UNUSABLE)
        parts.append(labels.RECEIVE_LATE.format(days=self.days_late) if self.days_late
                     else labels.RECEIVE_ON_TIME)
        parts.append(labels.RECEIVE_PROBLEMS.format(n_errors=self.n_errors, n_warnings=self.n_warnings))
        return "；".join(parts)


def due_date(month: str) -> dt.date:
    """The day a month's return is due: config.SUBMISSION_DUE_DAY of the next month.

    >>> due_date("2021-06")
    datetime.date(2021, 7, 5)
    """
    year, mon = (int(x) for x in month.split("-"))
    year, mon = (year + 1, 1) if mon == 12 else (year, mon + 1)
    return dt.date(year, mon, config.SUBMISSION_DUE_DAY)


def _warnings_as_built(sub: Any, when: dt.datetime, raw_dir: Path) -> int:
    """The file's warnings as `ledger build` will count them: a blank 公示日期 whose deadline
    is still ahead on arrival is not one (pending.judge_blank_publications, the bureau's calendar)."""
    from .pending import blank_publication_warnings, judge_blank_publications

    # The calendar is loaded only for a file that has such a warning.
    if sub.publicity.empty or not blank_publication_warnings(sub.problems).any():
        return sub.n_warnings
    from .metrics import publicity_deadlines
    from .workdays import default_calendar

    publicity = publicity_deadlines(sub.publicity, calendar=default_calendar(raw_dir))
    file = sub.problems["file"].iloc[0]
    log = pd.DataFrame({"file": [file], "received_at": pd.to_datetime([when]), "n_warnings": [sub.n_warnings]})
    return int(judge_blank_publications(sub.problems, publicity, log)[1]["n_warnings"].iloc[0])


def receive(path: Path, month: str | None = None, received_at: str | None = None,
            raw_dir: Path | None = None, *, city: str | None = None, department: str | None = None) -> Receipt:
    """File a returned workbook under raw_dir/submissions/ and record when it arrived.

    The department comes from the workbook (cover block, else its file name) and must be
    in the roster: the copy is named by the roster's canonical name, never by the cell's
    text, and an unknown department files nothing (ValueError). `month` overrides the
    cover. A second file for the same department and month becomes `<部门>_v2.xlsx` (never
    overwritten); a file whose bytes equal one already filed for that department and month
    is not filed again. `received_at` is an ISO time (default: now, to the second). `city`
    files under `submissions/<city>/` (province layout; one plain folder name). `department`
    (a roster name or alias) overrides the workbook, for a file that cannot be read.

    >>> receive(Path("inbox/运管科 6月.xlsx"), received_at="2021-07-06T09:00")  # doctest: +SKIP
    Receipt(path=.../submissions/2021-06/运管科.xlsx, days_late=1, ...)
    """
    from .submissions import read_submission

    path = Path(path)
    raw_dir = Path(raw_dir) if raw_dir else config.raw_dir()
    sub_dir = raw_dir / "submissions"
    suffix = path.suffix.lower()
    if suffix not in SUBMISSION_SUFFIXES:
        raise ValueError(labels.CLI_MESSAGES["not_a_workbook"].format(
            path=path, suffixes=", ".join(SUBMISSION_SUFFIXES)))
    if city is not None:
        check_name(city, "city name")
    roster = _load_roster_quietly(raw_dir)
    if roster is None:
        raise ValueError(labels.CLI_MESSAGES["no_roster"].format(path=raw_dir / "departments.csv"))
    if received_at is None:
        when = dt.datetime.now().replace(microsecond=0)
    else:
        when = pd.Timestamp(received_at).to_pydatetime()
    sub = read_submission(path, None, roster, base_dir=path.parent, city=city or default_city(raw_dir),
                          received_at=when)
    given = department
    department = _text(given) or _text(sub.department) or ""
    canonical = roster.resolve(department) if department else None
    if canonical is None or (given is None and canonical != department) or roster.is_collective(canonical):
        msg = labels.CLI_MESSAGES
        option = given is not None
        raise ValueError(msg["department_not_in_roster"].format(
            path=path, department_zh=repr(department) if department else msg["no_department_zh"],
            department_en=repr(department) if department else msg["no_department_en"],
            where_zh=msg["where_department_option"] if option else msg["where_cover_zh"],
            where_en=msg["where_department_option"] if option else msg["where_cover_en"]))
    month = month or _text(sub.month)
    if not month or not MONTH_RE.match(month):
        raise ValueError(labels.CLI_MESSAGES["month_unknown"].format(path=path, month=month))
    target_dir = inside(sub_dir, city, month) if city else inside(sub_dir, month)
    digest = sha256_file(path)
    earlier: list[Path] = []
    n = 1
    while True:  # 运管科, 运管科_v2, ... whatever format each earlier return came in
        stem = canonical if n == 1 else canonical + labels.RESUBMISSION_SUFFIX.format(n=n)
        target = inside(target_dir, f"{stem}{suffix}")
        taken = [p for p in (target_dir / f"{stem}{s}" for s in SUBMISSION_SUFFIXES) if p.exists()]
        if not taken:
            break
        earlier += taken
        if target in taken and sha256_file(target) == digest:
            break
        n += 1
    late = max(0, (when.date() - due_date(month)).days)
    usable = sub.readable and _reports_anything(sub)
    receipt = Receipt(path=target, department=canonical, month=month, city=city or default_city(raw_dir),
                      received_at=when, days_late=late, n_errors=sub.n_errors,
                      n_warnings=_warnings_as_built(sub, when, raw_dir), usable=usable)
    if target.exists():
        receipt.already_filed = True
        return receipt
    # Any earlier name for the department (another suffix: .xls then .xlsx) counts as earlier too.
    if target_dir.is_dir():
        same = re.compile(re.escape(canonical) + re.escape(labels.RESUBMISSION_SUFFIX).replace(r"\{n\}", r"\d+"))
        earlier = [p for p in target_dir.iterdir() if p.suffix.lower() in SUBMISSION_SUFFIXES
                   and (p.stem == canonical or same.fullmatch(p.stem))]
    times, _ = read_manifest(sub_dir)
    keyed = [(times.get(p.relative_to(sub_dir).as_posix(), pd.Timestamp.min), len(p.name), p.name, p)
             for p in earlier]
    if keyed:
        receipt.previous = max(keyed)[3].relative_to(sub_dir).as_posix()
    target_dir.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.part")  # hidden: discover_files skips it
    shutil.copyfile(path, tmp)
    os.replace(tmp, target)
    _append_manifest(sub_dir, target.relative_to(sub_dir).as_posix(), when.isoformat())
    return receipt


def _reports_anything(sub: Any) -> bool:
    """Whether a read submission holds anything: a status, or a row in any other sheet."""
    if len(sub.progress) and (sub.progress["status"].fillna("") != "").any():
        return True
    return any(len(getattr(sub, name)) for name in CONTENT_TABLES if name != "progress")


def _load_roster_quietly(raw_dir: Path) -> Any:
    try:
        from .roster import load_roster

        return load_roster(raw_dir)
    except (FileNotFoundError, ValueError):
        return None


def _append_manifest(sub_dir: Path, file: str, received_at: str) -> None:
    path = sub_dir / MANIFEST_NAME
    new = not path.exists() or path.stat().st_size == 0
    with open(path, "a", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        if new:
            w.writerow(MANIFEST_COLUMNS)
        w.writerow([file, received_at])


def write_manifest(sub_dir: Path, rows: Iterable[tuple[str, str]]) -> Path:
    """Write the manifest (file, received_at) sorted by file; used by the sample year.

    Rows already there for other files are kept: a receipt time recorded by `ledger
    receive` is the only record of when that file arrived and must not be lost.

    Example::

        write_manifest(Path("submissions"), [("2021-06/运管科.xlsx", "2021-07-03T09:30:00")])
        # -> Path('submissions/manifest.csv')
    """
    path = Path(sub_dir) / MANIFEST_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    merged: dict[str, str] = {}
    if path.is_file():
        old = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        if {"file", "received_at"} <= set(old.columns):
            merged.update(zip(old["file"], old["received_at"]))
    merged.update(dict(rows))
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(MANIFEST_COLUMNS)
        w.writerows(sorted(merged.items()))
    return path
