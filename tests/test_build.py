"""`ledger build`: data/processed rebuilt from data/raw, deterministic, raw untouched."""
from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from paths import RAW
from ledgerlib.build import build
from ledgerlib.tables import BUILD_STAMP
from ledgerlib.cli import main


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def small_raw(tmp_path_factory) -> Path:
    """The real ledger and roster, with the first two months of the shipped submissions."""
    raw = tmp_path_factory.mktemp("raw")
    for name in ("ledger_2021.xlsx", "departments.csv"):
        shutil.copy(RAW / name, raw / name)
    subs = RAW / "submissions"
    if subs.is_dir():
        for month in sorted(p for p in subs.iterdir() if p.is_dir())[:2]:
            shutil.copytree(month, raw / "submissions" / month.name)
        if (subs / "manifest.csv").exists():
            manifest = pd.read_csv(subs / "manifest.csv", dtype=str, encoding="utf-8-sig")
            kept = manifest[manifest["file"].map(lambda f: (raw / "submissions" / f).exists())]
            kept.to_csv(raw / "submissions" / "manifest.csv", index=False, encoding="utf-8")
    return raw


def test_build_twice_is_byte_identical_and_leaves_raw_alone(small_raw, tmp_path):
    before = _digest(small_raw)
    build(small_raw, tmp_path / "a", progress=False)
    build(small_raw, tmp_path / "b", progress=False)
    assert _digest(small_raw) == before
    a, b = _digest(tmp_path / "a"), _digest(tmp_path / "b")
    # The stamp alone records when: every table is byte-identical, and so is what the stamp lists.
    stamps = [json.loads((tmp_path / d / BUILD_STAMP).read_text(encoding="utf-8")) for d in "ab"]
    assert a.pop(BUILD_STAMP) and b.pop(BUILD_STAMP)
    assert a == b
    assert stamps[0]["inputs"] == stamps[1]["inputs"] and stamps[0]["tables"] == stamps[1]["tables"]
    assert {"ledger.parquet", "ledger.csv", "assignments.parquet", "problems.parquet"} <= set(a)


def test_ledger_csv_opens_in_excel_and_matches_parquet(small_raw, tmp_path):
    build(small_raw, tmp_path, progress=False)
    raw_bytes = (tmp_path / "ledger.csv").read_bytes()
    assert raw_bytes.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    csv = pd.read_csv(tmp_path / "ledger.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    pq = pd.read_parquet(tmp_path / "ledger.parquet")
    assert list(csv.columns) == list(pq.columns)
    assert list(csv["task_id"]) == list(pq["task_id"])
    assert len(pq) == 39
    assigned = pd.read_parquet(tmp_path / "assignments.parquet")
    assert set(assigned["role"]) == {"lead", "responsible"}


def test_cli_build(small_raw, tmp_path, capsys):
    assert main(["--raw", str(small_raw), "build", "--out", str(tmp_path), "--quiet"]) == 0
    assert "ledger" in capsys.readouterr().out
    assert (tmp_path / "assignments.csv").exists()


def test_problems_are_listed_in_reading_order():
    from ledgerlib.tables import sort_table

    df = pd.DataFrame({"file": ["f"] * 4, "sheet": ["s"] * 4, "cell": ["A10", "AA2", "A9", "B9"],
                       "field": ["x"] * 4, "problem": ["p"] * 4, "value": [""] * 4})
    assert list(sort_table(df, "problems")["cell"]) == ["AA2", "A9", "B9", "A10"]


# --- atomic builds and the build stamp ----------------------------------------------------

def test_the_stamp_lists_the_inputs_time_version_and_every_table(small_raw, tmp_path):
    from ledgerlib.tables import check_build

    build(small_raw, tmp_path / "out", progress=False)
    stamp = check_build(tmp_path / "out")
    files = sorted(p.relative_to(small_raw).as_posix() for p in small_raw.rglob("*") if p.is_file())
    assert sorted(stamp["inputs"]) == files
    assert stamp["inputs"]["departments.csv"] == hashlib.sha256((small_raw / "departments.csv").read_bytes()).hexdigest()
    assert stamp["version"] == "0.1.0" and stamp["built_at"][:2] == "20"
    assert set(stamp["tables"]) >= {"ledger", "assignments", "progress", "problems", "submissions_log"}
    assert stamp["tables"]["ledger"]["rows"] == 39
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no stage or old build left beside it


@pytest.fixture(scope="module")
def built(small_raw, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("built") / "processed"
    build(small_raw, out, progress=False)
    return out


@pytest.mark.parametrize("damage", ["no stamp", "truncated parquet", "missing csv", "stamp cut short"])
def test_a_half_built_folder_is_refused_naming_the_fix(built, tmp_path, damage, capsys):
    from ledgerlib import reports
    from ledgerlib.casebook import write_joint_list
    from ledgerlib.tables import BuildIncompleteError, load_processed

    out = tmp_path / "processed"
    shutil.copytree(built, out)
    assert "progress" in load_processed(out)  # whole, it loads
    if damage == "no stamp":
        (out / BUILD_STAMP).unlink()
    elif damage == "truncated parquet":
        data = (out / "progress.parquet").read_bytes()
        (out / "progress.parquet").write_bytes(data[: len(data) // 2])
    elif damage == "missing csv":
        (out / "problems.csv").unlink()
    else:
        text = (out / BUILD_STAMP).read_text(encoding="utf-8")
        (out / BUILD_STAMP).write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(BuildIncompleteError, match="ledger build"):
        load_processed(out)
    with pytest.raises(BuildIncompleteError, match="ledger build"):
        write_joint_list("2021-01", data_dir=out, out=tmp_path / "list.xlsx")
    assert not (tmp_path / "list.xlsx").exists()
    assert main(["joint-list", "--month", "2021-01", "--data", str(out), "--out", str(tmp_path / "l.xlsx")]) == 2
    assert "ledger build" in capsys.readouterr().err
    assert reports.run_report("monthly", "2021-01", data_dir=out, out_dir=tmp_path / "r", progress=False) == 2
    assert "ledger build" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()


def test_build_never_replaces_a_folder_holding_other_files(small_raw, tmp_path, capsys):
    mine = tmp_path / "documents"
    mine.mkdir()
    (mine / "年度总结.docx").write_bytes(b"not the suite's")
    assert main(["--raw", str(small_raw), "build", "--out", str(mine), "--quiet"]) == 2
    assert "--out" in capsys.readouterr().err
    assert [p.name for p in mine.iterdir()] == ["年度总结.docx"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["documents"]  # no stage left behind


def test_kill_9_during_build_leaves_the_old_or_the_new_build_whole(small_raw, tmp_path):
    """A real `ledger build` killed with SIGKILL at moments spread over its run."""
    import os
    import random
    import signal
    import subprocess
    import sys
    import time

    from ledgerlib.tables import check_build, load_processed

    raw = tmp_path / "raw"
    shutil.copytree(small_raw, raw)
    for month in sorted((raw / "submissions").glob("20*"))[1:]:
        shutil.rmtree(month)  # one month: a short build, so the kills land in its work
    out = tmp_path / "processed"
    build(raw, out, progress=False)
    old_inputs = check_build(out)["inputs"]
    # The new build differs: one return fewer.
    victim = sorted((raw / "submissions").rglob("*.xlsx"))[0]
    victim.unlink()
    cmd = [sys.executable, "-m", "ledgerlib.cli", "--raw", str(raw), "build", "--out", str(out), "--quiet"]
    t0 = time.monotonic()
    subprocess.run(cmd, check=True, capture_output=True)
    duration = time.monotonic() - t0
    new_inputs = check_build(out)["inputs"]
    assert new_inputs != old_inputs
    victim.parent.mkdir(parents=True, exist_ok=True)
    def snapshot() -> tuple:
        try:
            return (sorted(p.name for p in tmp_path.iterdir()),
                    sorted((p.name, p.stat().st_mtime_ns) for p in out.iterdir()) if out.is_dir() else None)
        except FileNotFoundError:  # something was swapped while we looked: that is a change
            return ("changing",)

    rng = random.Random(10)
    killed = attempts = 0
    while killed < 4 and attempts < 12:
        attempts += 1
        # Alternate which build is on disk before the kill, so both directions are tried.
        if attempts % 2:
            shutil.copy(small_raw / victim.relative_to(raw), victim)
        elif victim.exists():
            victim.unlink()
        before = snapshot()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if attempts % 2:
            time.sleep(rng.uniform(0.5, 0.95) * duration)  # past the imports, into reading and writing
        else:
            # Into the write phase: once anything changes in or beside the output folder.
            while proc.poll() is None and snapshot() == before:
                time.sleep(0.002)
            time.sleep(rng.uniform(0, 0.1))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        killed += proc.wait() == -signal.SIGKILL
        stamp = check_build(out)  # raises if the folder is not one complete build
        assert stamp["inputs"] in (old_inputs, new_inputs)
        assert set(load_processed(out)) >= {"ledger", "progress", "problems"}
    assert killed == 4  # four kills landed while a build was running
    # The next build clears what killed runs left beside the output.
    build(raw, out, progress=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["processed", "raw"]


def _raw_with_a_2027_decision(tmp_path: Path) -> Path:
    """The real ledger and roster and one real return whose first 双公示 decision is moved to
    2027-09-28 (published 2027-10-12), as a liaison would type it in 2027."""
    import openpyxl

    raw = tmp_path / "raw"
    (raw / "submissions" / "2021-01").mkdir(parents=True)
    for name in ("ledger_2021.xlsx", "departments.csv"):
        shutil.copy(RAW / name, raw / name)
    target = raw / "submissions" / "2021-01" / "运管科.xlsx"
    shutil.copy(RAW / "submissions" / "2021-01" / "运管科.xlsx", target)
    wb = openpyxl.load_workbook(target)
    ws = wb["双公示"]
    header = next(r for r in ws.iter_rows() if any(c.value == "决定日期" for c in r))
    col = {c.value: c.column for c in header}
    row = header[0].row + 1
    ws.cell(row, col["决定日期"]).value = pd.Timestamp("2027-09-28").to_pydatetime()
    ws.cell(row, col["公示日期"]).value = pd.Timestamp("2027-10-12").to_pydatetime()
    wb.save(target)
    return raw


def test_adding_the_official_arrangement_moves_deadlines_and_records_it(tmp_path):
    from ledgerlib import metrics

    raw, out = _raw_with_a_2027_decision(tmp_path), tmp_path / "processed"
    fixture = Path(__file__).parent / "fixtures" / "holidays_2027_complete_made_up.csv"

    build(raw, out, progress=False)
    pub = pd.read_parquet(out / "publicity.parquet")
    row = pub[pub["decision_date"] == pd.Timestamp("2027-09-28")].iloc[0]
    # No 2027 arrangement: weekends + statutory 10-01..03 -> 10-08 (hand-counted), provisional.
    assert (row["deadline"], row["deadline_basis"]) == (pd.Timestamp("2027-10-08"), "provisional")
    assert set(pub.loc[pub["decision_date"].dt.year == 2021, "deadline_basis"]) == {"official"}
    assert pd.read_parquet(out / "deadline_changes.parquet").empty
    detail = metrics.publicity_timeliness_detail(pub, "2021-01")
    assert detail.loc[detail["decision_date"] == pd.Timestamp("2027-09-28"), "verdict"].item() == "late"

    shutil.copy(fixture, raw / "holidays.csv")  # the State Council's notice, typed in
    result = build(raw, out, progress=False)
    assert result.warnings == []
    pub = pd.read_parquet(out / "publicity.parquet")
    row = pub[pub["decision_date"] == pd.Timestamp("2027-09-28")].iloc[0]
    assert (row["deadline"], row["deadline_basis"]) == (pd.Timestamp("2027-10-13"), "official")
    moved = pd.read_parquet(out / "deadline_changes.parquet")
    assert len(moved) == 1
    assert moved.iloc[0][["old_deadline", "old_basis", "new_deadline", "new_basis"]].tolist() == [
        pd.Timestamp("2027-10-08"), "provisional", pd.Timestamp("2027-10-13"), "official"]
    detail = metrics.publicity_timeliness_detail(pub, "2021-01")
    assert detail.loc[detail["decision_date"] == pd.Timestamp("2027-09-28"), "verdict"].item() == "on_time"

    # A build with nothing new keeps the record for the next report.
    build(raw, out, progress=False)
    assert len(pd.read_parquet(out / "deadline_changes.parquet")) == 1


def test_partial_holidays_file_warns_in_the_build_and_in_problems(tmp_path):
    raw, out = _raw_with_a_2027_decision(tmp_path), tmp_path / "processed"
    (raw / "holidays.csv").write_text("date,kind,name\n2027-01-01,holiday,元旦\n2027-10-09,workday,\n"
                                      "2027-10-11,workday,星期一\n", encoding="utf-8")
    result = build(raw, out, progress=False)
    assert len(result.warnings) == 1 and "2027 stays provisional" in result.warnings[0]
    assert "国庆节" in result.summary()
    problems = pd.read_parquet(out / "problems.parquet")
    mine = problems[problems["file"] == "holidays.csv"]
    assert sorted(zip(mine["cell"], mine["severity"])) == [("A2", "warning"), ("A4", "error")]
    pub = pd.read_parquet(out / "publicity.parquet")
    row = pub[pub["decision_date"] == pd.Timestamp("2027-09-28")].iloc[0]
    # Typed Saturday 10-09 is worked, the statutory 10-01..03 are off: 09-29, 09-30, 10-04..08.
    assert (row["deadline"], row["deadline_basis"]) == (pd.Timestamp("2027-10-08"), "provisional")


def test_a_build_clears_a_killed_runs_leftovers_but_not_a_running_builds_stage(small_raw, built, tmp_path):
    import subprocess
    import sys

    out = tmp_path / "processed"
    shutil.copytree(built, out)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True).stdout.strip()
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        killed_stage = tmp_path / f".processed.tmp-{dead}-abc"
        running_stage = tmp_path / f".processed.tmp-{alive.pid}-def"
        for stage in (killed_stage, running_stage):
            stage.mkdir()
            (stage / "ledger.parquet").write_bytes(b"half")
        build(small_raw, out, progress=False)
        assert not killed_stage.exists() and running_stage.exists()
    finally:
        alive.kill()
        alive.wait()
