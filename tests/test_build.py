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


# --------------------------------------------------------------------------- each year its own ledger

LEDGER_2022 = Path(__file__).parent / "fixtures" / "ledger_2022.xlsx"


@pytest.fixture(scope="module")
def full_raw(tmp_path_factory) -> Path:
    """The whole shipped raw folder (a year of 2021 returns), copied."""
    raw = tmp_path_factory.mktemp("full") / "raw"
    shutil.copytree(RAW, raw)
    return raw


def test_adding_a_2022_ledger_leaves_2021_byte_identical(full_raw, tmp_path, capsys):
    from ledgerlib import metrics
    from ledgerlib.tables import load_processed

    build(full_raw, tmp_path / "only2021", progress=False)
    shutil.copy(LEDGER_2022, full_raw / "ledger_2022.xlsx")
    try:
        assert main(["--raw", str(full_raw), "build", "--out", str(tmp_path / "both"), "--quiet"]) == 0
    finally:
        (full_raw / "ledger_2022.xlsx").unlink()
    out = capsys.readouterr().out
    assert "ledger_2021.xlsx         2021-01 … 2021-12 (12 months)" in out
    assert "ledger_2022.xlsx         no submissions yet" in out
    a, b = _digest(tmp_path / "only2021"), _digest(tmp_path / "both")
    from ledgerlib.tables import BUILD_STAMP

    changed = {k for k in a if a[k] != b[k]} - {BUILD_STAMP}  # the stamp records inputs and time
    assert changed == {"ledger.csv", "ledger.parquet", "assignments.csv", "assignments.parquet"}
    t1, t2 = load_processed(tmp_path / "only2021"), load_processed(tmp_path / "both")
    for name in ("ledger", "assignments"):
        old = t2[name][t2[name]["plan_year"] == 2021].reset_index(drop=True)
        pd.testing.assert_frame_equal(old, t1[name])
        assert (t2[name]["plan_year"] == 2022).any()
    # the same task id in two years is two tasks
    assert t2["ledger"].duplicated(["task_id"]).any() and not t2["ledger"].duplicated(["plan_year", "task_id"]).any()
    # every 2021 figure as before: 2021-12 is scored against the 2021 deadlines
    for m in ("2021-06", "2021-12"):
        s1 = metrics.assignment_status(t1["ledger"], t1["assignments"], t1["progress"], m)
        s2 = metrics.assignment_status(t2["ledger"], t2["assignments"], t2["progress"], m)
        pd.testing.assert_frame_equal(s1, s2)
    assert (s2["status"] == "overdue").sum() == (s1["status"] == "overdue").sum() > 1
    # a 2022 month is scored against the 2022 ledger only
    s22 = metrics.assignment_status(t2["ledger"], t2["assignments"], t2["progress"], "2022-07")
    assert set(s22["task_id"]) <= set(t2["ledger"].query("plan_year == 2022")["task_id"])
    overdue = s22[s22["status"] == "overdue"]
    assert set(overdue["task_id"]) == {"T03"}  # 更新信用信息目录, due 2022-06-30; T06 is due 2022-09-30


def test_a_progress_row_for_a_task_of_another_year_is_a_problem():
    from ledgerlib.build import tag_plan_years
    from ledgerlib.tables import empty_table

    ledger = pd.DataFrame({"plan_year": [2021, 2021, 2022], "plan_end_year": [2021, 2021, 2022],
                           "task_id": ["T01", "T39", "T01"]})
    progress = empty_table("progress").reindex(range(2))
    progress = progress.assign(city="安阳", department="法规科", month=["2021-12", "2022-01"],
                               task_id=["T01", "T39"], file="x.xlsx", row=[5, 5])
    tagged, problems = tag_plan_years(progress, ledger)
    assert list(tagged["plan_year"]) == [2021, 2022]
    assert list(problems["value"]) == ["T39"] and problems["month"].iloc[0] == "2022-01"


def test_first_day_a_ledger_and_a_roster_no_returns_yet(tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in ("ledger_2021.xlsx", "departments.csv"):
        shutil.copy(RAW / name, raw / name)
    result = build(raw, tmp_path / "processed", progress=False)
    assert result.rows["ledger"] == 39 and result.rows["progress"] == 0 and result.rows["submissions_log"] == 0
    assert result.served == {"ledger_2021.xlsx": []}
    assert main(["--raw", str(raw), "template", "--month", "2021-02", "--out", str(tmp_path / "t"),
                 "--department", "法规科"]) == 0
    assert (tmp_path / "t" / "2021-02" / "法规科.xlsx").exists()
    assert main(["--raw", str(raw), "template", "--month", "2023-01", "--out", str(tmp_path / "t")]) == 2
    assert "no ledger for 2023" in capsys.readouterr().err


def test_first_day_report_says_nothing_has_been_returned(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in ("ledger_2021.xlsx", "departments.csv"):
        shutil.copy(RAW / name, raw / name)
    build(raw, tmp_path / "processed", progress=False)
    assert main(["report", "monthly", "2021-02", "--data", str(tmp_path / "processed"),
                 "--out", str(tmp_path / "reports"), "--no-pdf"]) == 0
    executed = next((tmp_path / "reports").rglob("*.ipynb")).read_text(encoding="utf-8")
    assert "尚未收到任何报送材料" in executed


# --- atomic builds and the build stamp ----------------------------------------------------

def test_the_stamp_lists_the_inputs_time_version_and_every_table(small_raw, tmp_path):
    from ledgerlib.tables import check_build

    build(small_raw, tmp_path / "out", progress=False)
    stamp = check_build(tmp_path / "out")
    files = sorted(p.relative_to(small_raw).as_posix() for p in small_raw.rglob("*") if p.is_file())
    assert sorted(stamp["inputs"]) == files
    assert stamp["inputs"]["departments.csv"] == hashlib.sha256((small_raw / "departments.csv").read_bytes()).hexdigest()
    # A submission's sum comes from the bytes the reader read: the same sha256 as the file's.
    sub = next(f for f in files if f.startswith("submissions/") and f.endswith(".xlsx"))
    assert stamp["inputs"][sub] == hashlib.sha256((small_raw / sub).read_bytes()).hexdigest()
    assert stamp["version"] == "0.1.0" and stamp["built_at"][:2] == "20"
    assert set(stamp["tables"]) >= {"ledger", "assignments", "progress", "problems", "submissions_log"}
    assert stamp["tables"]["ledger"]["rows"] == 39
    # No stage or old build left beside it; the reader cache is data/interim's one file.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["interim", "out"]
    assert [p.name for p in (tmp_path / "interim").iterdir()] == ["reader-cache.sqlite"]


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
    assert sorted(p.name for p in tmp_path.iterdir()) == ["interim", "processed", "raw"]


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


def test_a_second_bureau_with_its_own_roster_builds_with_no_code_change(tmp_path):
    from ledgerlib.ledger import make_ledger_workbook
    from ledgerlib.roster import load_roster
    from ledgerlib.tables import load_processed

    fixtures = Path(__file__).parent / "fixtures"
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(fixtures / "county_roster.csv", raw / "departments.csv")
    j = tmp_path / "j.csv"
    j.write_text("task_id,field,value,reason\n", encoding="utf-8")
    make_ledger_workbook(fixtures / "list_form_with_parenthesis_leads.txt", j, raw / "ledger_2022.xlsx",
                         load_roster(raw))
    build(raw, tmp_path / "processed", progress=False)
    t = load_processed(tmp_path / "processed")
    assert t["problems"].empty  # every name resolved through the county's own roster
    a = t["assignments"]
    assert set(a["department"]) == {"县发改委", "人行滑县支行", "县市场监管局", "县司法局", "县委宣传部", "县文明办"}
    assert "县政府办" not in set(a["department"])  # listed in the plan, scored=no in the roster
    assert set(a["kind"]) == {"office"} and (a["plan_year"] == 2022).all()
    assert main(["--raw", str(raw), "template", "--month", "2022-03", "--out", str(tmp_path / "t")]) == 0
    assert sorted(p.stem for p in (tmp_path / "t" / "2022-03").glob("*.xlsx")) == sorted(set(a["department"]))


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


def test_each_months_template_lists_its_own_years_tasks(tmp_path):
    from openpyxl import load_workbook

    from ledgerlib.templates import FIRST_DATA_ROW, SHEETS, write_templates

    raw = tmp_path / "raw"
    raw.mkdir()
    for src in (RAW / "ledger_2021.xlsx", RAW / "departments.csv", LEDGER_2022):
        shutil.copy(src, raw / src.name)

    def task_ids(month: str) -> list[str]:
        (path,) = write_templates(month=month, departments=["法规科"], out_dir=tmp_path / "t", raw_dir=raw)
        ws = load_workbook(path)[SHEETS["progress"].name]
        return [ws.cell(r, 1).value for r in range(FIRST_DATA_ROW["progress"], ws.max_row + 1) if ws.cell(r, 1).value]

    assert task_ids("2022-01") == ["T01", "T02", "T03", "T05"]  # 法规科 leads T01-T03 and T05 of 2022
    assert len(task_ids("2021-12")) > 20  # the 2021 ledger's tasks of 法规科


def test_the_2021_monthly_report_is_the_same_with_a_2022_ledger_beside_it(full_raw, tmp_path):
    import json

    def report(out: Path) -> tuple[list[str], bytes]:
        assert main(["report", "monthly", "2021-12", "--data", str(out), "--out", str(out.parent / f"r_{out.name}"),
                     "--no-pdf"]) == 0
        folder = out.parent / f"r_{out.name}" / "monthly" / "2021-12"
        nb = json.loads((folder / "monthly_report_2021-12.ipynb").read_text(encoding="utf-8"))
        return ([json.dumps(c.get("outputs", []), sort_keys=True) for c in nb["cells"]],
                (folder / "overdue_2021-12.csv").read_bytes())

    build(full_raw, tmp_path / "one", progress=False)
    shutil.copy(LEDGER_2022, full_raw / "ledger_2022.xlsx")
    try:
        build(full_raw, tmp_path / "two", progress=False)
    finally:
        (full_raw / "ledger_2022.xlsx").unlink()
    assert report(tmp_path / "one") == report(tmp_path / "two")
    # the chase pack and the quarter's scores look tasks up in 2021's ledger, not 2022's
    for d in ("one", "two"):
        assert main(["chase", "2021-12", "--data", str(tmp_path / d), "--out", str(tmp_path / f"c_{d}"),
                     "--no-pdf"]) == 0
    a, b = (sorted((tmp_path / f"c_{d}" / "chase" / "2021-12").iterdir()) for d in ("one", "two"))
    assert [p.read_bytes() for p in a if p.suffix == ".csv"] == [p.read_bytes() for p in b if p.suffix == ".csv"]


def test_returns_are_read_again_if_the_early_task_ids_disagree_with_the_ledger(small_raw, tmp_path, monkeypatch):
    # The workers start on the ids read without building the table; should those ever differ
    # from the table's, the table's ids decide and the returns are read again with them.
    import ledgerlib.ledger as ledger_module

    build(small_raw, tmp_path / "right", progress=False, cache=False)
    real = ledger_module.ledger_task_ids
    monkeypatch.setattr(ledger_module, "ledger_task_ids",
                        lambda raw, roster=None: {y: ids[:-3] for y, ids in real(raw, roster).items()})
    checked = build(small_raw, tmp_path / "checked", progress=False, cache=False)
    assert any("disagree" in w for w in checked.warnings)  # said, not silently slower
    a, b = _digest(tmp_path / "right"), _digest(tmp_path / "checked")
    assert a.pop(BUILD_STAMP) and b.pop(BUILD_STAMP)
    assert a == b


@pytest.mark.parametrize("months, check_here", [(2, None), (None, True), (None, False)],
                         ids=["read-here", "pool-checked-here", "pool-checked-by-the-writers"])
def test_a_table_that_breaks_the_contract_stops_the_build_and_leaves_the_old_one(tmp_path, monkeypatch, months,
                                                                                 check_here):
    # A bug that writes a status no one defined: the build stops, data/processed keeps the
    # previous build whole, and no stage is left beside it (small sets are written here;
    # larger ones by the pool's workers, the contract checked here while they write, or by
    # the write jobs when the reading left this process nothing to wait for).
    import ledgerlib.build as build_module
    from ledgerlib.schemas import ContractError

    import ledgerlib.schemas as schemas_module

    if check_here is not None:  # this process checks, or the write jobs do
        monkeypatch.setattr(build_module, "check_here", lambda done, total, elapsed: check_here)
    checked_here = []
    real_validate = schemas_module.validate_table
    monkeypatch.setattr(schemas_module, "validate_table",
                        lambda name, df: checked_here.append(name) or real_validate(name, df))

    raw = tmp_path / "raw"
    raw.mkdir()
    for name in ("ledger_2021.xlsx", "departments.csv"):
        shutil.copy(RAW / name, raw / name)
    for month in sorted(p for p in (RAW / "submissions").iterdir() if p.is_dir())[:months]:
        shutil.copytree(month, raw / "submissions" / month.name)
    out = tmp_path / "processed"
    build(raw, out, progress=False)
    before = _digest(out)
    real = build_module.tag_plan_years

    def buggy(progress, ledger):
        progress, problems = real(progress, ledger)
        return progress.assign(status="bogus"), problems

    monkeypatch.setattr(build_module, "tag_plan_years", buggy)
    checked_here.clear()
    with pytest.raises(ContractError, match="status"):
        build(raw, out, progress=False)
    assert _digest(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["interim", "processed", "raw"]
    # Who checked: this process when it reads itself or the workers were still reading.
    assert bool(checked_here) == (check_here is not False)


def test_an_error_while_the_tables_are_written_leaves_no_stage(tmp_path, monkeypatch):
    # The pool is already writing the finished tables when a later step fails: the workers
    # are stopped and waited for before the stage is removed, so nothing half-built stays.
    import ledgerlib.build as build_module

    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)  # every shipped return: the pool reads and writes
    out = tmp_path / "processed"
    build(raw, out, progress=False)
    before = _digest(out)

    def calendar_gone(*args, **kwargs):
        raise ValueError("no working-day calendar for 2031")

    monkeypatch.setattr("ledgerlib.metrics.publicity_deadlines", calendar_gone)
    with pytest.raises(ValueError, match="2031"):
        build_module.build(raw, out, progress=False)
    assert _digest(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["interim", "processed", "raw"]


def test_a_broken_ledger_is_one_line_in_the_ledger_readers_words(tmp_path, capsys):
    # The workers start on ids read the quick way; when that way fails, the ledger table's
    # reader reads it and says what is wrong, as it always has.
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(RAW / "departments.csv", raw / "departments.csv")
    (raw / "ledger_2021.xlsx").write_text("saved as text by mistake")
    assert main(["--raw", str(raw), "build", "--out", str(tmp_path / "out"), "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "ledger_2021.xlsx" in err[0] and "BadZipFile" in err[0]


def test_a_table_goes_to_its_write_job_as_arrow_only_when_it_is_the_contracts(tmp_path):
    # A contract-shaped table travels as an Arrow stream and comes back the same frame; any
    # other (a bug's extra column, a wrong dtype) is sent as it is, for the job's checks to
    # report rather than for the conversion to fail first.
    from ledgerlib.build import _sendable, check_and_write
    from ledgerlib.chunkcodec import to_frame
    from ledgerlib.schemas import ContractError
    from ledgerlib.tables import read_table

    build(out_dir=tmp_path / "processed", progress=False)
    progress = read_table("progress", tmp_path / "processed")
    sent = _sendable("progress", progress)
    assert isinstance(sent, bytes)
    pd.testing.assert_frame_equal(to_frame("progress", [sent]), progress, check_exact=True)
    odd = progress.assign(row=progress["row"].astype("float64"))
    assert _sendable("progress", odd) is odd
    assert _sendable("progress", progress.assign(extra=1)).columns[-1] == "extra"
    # The split jobs: the CSV job alone writes only the CSV, the Parquet job checks and writes.
    stage = tmp_path / "stage"
    check_and_write(sent, stage, "progress", ("csv",), False)
    assert sorted(p.name for p in stage.iterdir()) == ["progress.csv"]
    check_and_write(sent, stage, "progress", ("parquet",))
    assert (stage / "progress.csv").read_bytes() == (tmp_path / "processed" / "progress.csv").read_bytes()
    assert (stage / "progress.parquet").read_bytes() == (tmp_path / "processed" / "progress.parquet").read_bytes()
    with pytest.raises(ContractError):
        check_and_write(_sendable("progress", progress.assign(status="bogus")), stage, "progress", ("parquet",))


def test_a_return_gone_while_the_build_runs_is_reported_and_the_build_goes_on(small_raw, tmp_path, monkeypatch):
    import ledgerlib.intake as intake

    raw = tmp_path / "raw"
    shutil.copytree(small_raw, raw)
    found = intake.discover_files
    victim = sorted((raw / "submissions").glob("*/*.xlsx"))[0]

    def discover_then_delete(folder):
        files = found(folder)
        victim.unlink()
        return files

    monkeypatch.setattr(intake, "discover_files", discover_then_delete)
    result = build(raw, tmp_path / "processed", progress=False)  # the workers' pool reads the rest
    name = f"submissions/{victim.parent.name}/{victim.name}"
    log = pd.read_parquet(tmp_path / "processed" / "submissions_log.parquet")
    problems = pd.read_parquet(tmp_path / "processed" / "problems.parquet")
    assert name not in set(log["file"]) and len(log) == result.rows["submissions_log"] > 0
    assert problems.loc[problems["file"] == name, "problem"].tolist() == ["读取时文件已不存在（被移走或删除），本次未读取"]


def test_a_blank_publication_date_is_warned_only_when_its_deadline_had_passed(tmp_path):
    """双公示 rows left blank: the build keeps the reader's warning only where the 7th working
    day after the decision fell before the day the file arrived (2021-08-03)."""
    from datetime import date

    from ledgerlib import labels, read_submission
    from ledgerlib.ledger import load_ledger
    from ledgerlib.roster import load_roster
    from ledgerlib.ledger import assignments as make_assignments
    from ledgerlib.templates import FIRST_DATA_ROW, SHEETS, build_workbook, column_letter
    from ledgerlib.xlsx import save_workbook

    raw = tmp_path / "raw"
    (raw / "submissions" / "2021-07").mkdir(parents=True)
    for name in ("ledger_2021.xlsx", "departments.csv"):
        shutil.copy(RAW / name, raw / name)
    ledger = load_ledger(raw)
    wb = build_workbook("运管科", "2021-07", ledger, make_assignments(ledger, load_roster(raw / "departments.csv")))
    # Worked by hand on the 2021 calendar (no holiday in late July), counting from the next day:
    rows = [("安交罚〔2021〕1号", date(2021, 7, 23), None),   # Jul 26-30, Aug 2, 3: due Aug 3, the day it arrived
            ("安交罚〔2021〕2号", date(2021, 7, 22), None),   # Jul 23, 26-30, Aug 2: due Aug 2, a day before
            ("安交罚〔2021〕3号", None, None),                # no decision date: no deadline to judge by
            ("安交罚〔2021〕4号", date(2021, 7, 26), date(2021, 7, 28))]
    ws = wb[SHEETS["publicity"].name]
    first = FIRST_DATA_ROW["publicity"]
    for i, (no, decided, published) in enumerate(rows):
        for field, value in (("decision_no", no), ("category", "行政处罚"), ("decision_date", decided),
                             ("publish_date", published)):
            if value is not None:
                ws[f"{column_letter('publicity', field)}{first + i}"] = value
    path = raw / "submissions" / "2021-07" / "运管科.xlsx"
    save_workbook(wb, path)
    (raw / "submissions" / "manifest.csv").write_text("file,received_at\n2021-07/运管科.xlsx,2021-08-03T09:30:00\n",
                                                      encoding="utf-8")
    build(raw, tmp_path / "out", progress=False)
    problems = pd.read_parquet(tmp_path / "out" / "problems.parquet")
    col = column_letter("publicity", "publish_date")
    at = {int(c[len(col):]) - first: (p, e) for c, p, e in
          problems.loc[problems["field"].eq("publish_date"), ["cell", "problem", "expected"]].itertuples(index=False)}
    assert 0 not in at                                   # due the day it arrived: may still be published that day
    assert at[1] == (labels.PROBLEM_LABELS["publish_overdue_blank"], "公示日期（公示期限 2021-08-02，收到文件 2021-08-03）")
    assert at[2][0] == labels.PROBLEM_LABELS["missing_value"]   # kept as the reader said it
    assert 3 not in at
    # The file's warning count in the log follows: one warning fewer than the reader counted.
    log = pd.read_parquet(tmp_path / "out" / "submissions_log.parquet")
    read = read_submission(path, received_at=pd.Timestamp("2021-08-03 09:30").to_pydatetime())
    assert labels.PROBLEM_LABELS["publish_date_blank"] in set(read.problems["problem"])
    assert int(log["n_warnings"].iloc[0]) == read.n_warnings - 1
    assert int(log["n_warnings"].iloc[0]) == int((problems["severity"] == "warning").sum())
