"""Intake: real template workbooks filed under submissions/, ingested into the tables."""
from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pandas as pd
import pytest

from ledgerlib import bureau, config, intake, labels
from ledgerlib.intake import CONTENT_TABLES, ingest_submissions, receive
from ledgerlib.tables import DTYPES
from ledgerlib.tables import write_table
from ledgerlib.templates import COVER_CELLS, FIRST_DATA_ROW, SHEETS, build_workbook, column_letter, save_workbook

MONTH = "2021-06"


@pytest.fixture(scope="module")
def dept(assignments_table) -> str:
    """A scored department with at least two tasks."""
    counts = assignments_table["department"].value_counts()
    return str(counts.index[0])


def make_workbook(path: Path, dept: str, ledger, assignments, *, month: str = MONTH,
                  status: str = "in_progress", filled_on: object = dt.datetime(2021, 7, 2),
                  cover_department: str | None = None, city: str = "安阳市") -> Path:
    """The real template for dept/month, with its first task's status and the cover filled in."""
    wb = build_workbook(dept, month, ledger, assignments, city=city)
    ws = wb[SHEETS["progress"].name]
    first = FIRST_DATA_ROW["progress"]
    ws[f"{column_letter('progress', 'status')}{first}"] = labels.STATUS_LABELS[status]
    if status == "done":
        ws[f"{column_letter('progress', 'completion_date')}{first}"] = dt.datetime(2021, 6, 20)
    ws[COVER_CELLS["filled_by"][1]] = labels.SAMPLE_PEOPLE[0]
    if filled_on is not None:
        ws[COVER_CELLS["filled_on"][1]] = filled_on
    if cover_department:
        ws[COVER_CELLS["department"][1]] = cover_department
    return save_workbook(wb, path)


def write_manifest(subs: Path, rows: dict[str, str]) -> None:
    intake.write_manifest(subs, rows.items())


def ingest(subs: Path, ledger, roster, **kw) -> dict[str, pd.DataFrame]:
    return ingest_submissions(subs, ledger, roster, progress=False, **kw)


def first_status(out: dict[str, pd.DataFrame], dept: str, ledger, assignments) -> str:
    from ledgerlib.templates import department_tasks

    first_task = department_tasks(dept, ledger, assignments)["task_id"].iloc[0]
    rows = out["progress"]
    return rows.loc[(rows["department"] == dept) & (rows["task_id"] == first_task), "status"].item()


def test_ingest_sample_set_gives_contract_tables(tmp_path, raw_dir, workbook_ledger, roster):
    from ledgerlib.sample import write_sample

    subs = write_sample(tmp_path / "submissions", raw_dir=raw_dir, months=["2021-09", "2021-10"],
                        departments=["法规科", "运管科", "安监科"], progress=False, workers=1)
    files = sorted(p.relative_to(subs).as_posix() for p in subs.rglob("*.xlsx"))
    assert files, "the sample wrote nothing"
    out = ingest(subs, workbook_ledger, roster, workers=1)
    assert set(out) == {*CONTENT_TABLES, "submissions_log", "problems"}
    for name, df in out.items():
        assert list(df.columns) == list(DTYPES[name]), name
        assert {c: str(t) for c, t in df.dtypes.items()} == DTYPES[name], name
    log = out["submissions_log"]
    assert sorted(log["file"].str.removeprefix("submissions/")) == files
    assert (log["city"] == bureau.default_city()).all()
    assert set(log["department"]) == {"法规科", "运管科", "安监科"}
    assert (log["received_source"] == "manifest").sum() >= len(files) - 2
    assert log["checksum"].tolist() == [hashlib.sha256((tmp_path / f).read_bytes()).hexdigest()
                                        for f in log["file"]]
    current = set(log.loc[~log["superseded"], "file"])
    for name in intake.CONTENT_TABLES:
        assert set(out[name]["file"]) <= current, name
    assert len(out["progress"]) > 0 and out["progress"]["task_id"].isin(workbook_ledger["task_id"]).all()


def test_resubmission_supersedes_by_received_time(tmp_path, dept, workbook_ledger, assignments_table, roster):
    subs = tmp_path / "submissions"
    make_workbook(subs / MONTH / f"{dept}.xlsx", dept, workbook_ledger, assignments_table, status="in_progress")
    make_workbook(subs / MONTH / f"{dept}_v2.xlsx", dept, workbook_ledger, assignments_table, status="done")
    write_manifest(subs, {f"{MONTH}/{dept}.xlsx": "2021-07-02T09:00:00",
                          f"{MONTH}/{dept}_v2.xlsx": "2021-07-04T15:30:00"})
    out = ingest(subs, workbook_ledger, roster)
    log = out["submissions_log"]
    assert len(log) == 2
    assert dict(zip(log["file"].str.rsplit("/", n=1).str[-1], log["superseded"])) == {
        f"{dept}.xlsx": True, f"{dept}_v2.xlsx": False}
    assert set(out["progress"]["file"]) == {f"submissions/{MONTH}/{dept}_v2.xlsx"}
    assert first_status(out, dept, workbook_ledger, assignments_table) == "done"

    # The time received decides, not the name: if the plain file came last, it wins.
    write_manifest(subs, {f"{MONTH}/{dept}.xlsx": "2021-07-05T09:00:00",
                          f"{MONTH}/{dept}_v2.xlsx": "2021-07-04T15:30:00"})
    out = ingest(subs, workbook_ledger, roster)
    assert first_status(out, dept, workbook_ledger, assignments_table) == "in_progress"


def test_same_time_correction_beats_original(tmp_path, dept, workbook_ledger, assignments_table, roster):
    """No manifest, same cover date: the longer (corrected) name is the later file."""
    subs = tmp_path / "submissions"
    make_workbook(subs / MONTH / f"{dept}.xlsx", dept, workbook_ledger, assignments_table, status="in_progress")
    make_workbook(subs / MONTH / f"{dept}(更正).xlsx", dept, workbook_ledger, assignments_table, status="done")
    out = ingest(subs, workbook_ledger, roster)
    log = out["submissions_log"]
    assert (log["received_source"] == "cover").all()
    assert log.loc[log["superseded"], "file"].str.endswith(f"/{dept}.xlsx").all()
    assert first_status(out, dept, workbook_ledger, assignments_table) == "done"


def test_received_time_from_manifest_then_cover_then_none(tmp_path, workbook_ledger, assignments_table, roster):
    depts = sorted(set(assignments_table["department"]))[:3]
    subs = tmp_path / "submissions"
    make_workbook(subs / MONTH / f"{depts[0]}.xlsx", depts[0], workbook_ledger, assignments_table,
                  filled_on=dt.datetime(2021, 7, 1))
    # Hand-typed cover date: the reader parses it.
    make_workbook(subs / MONTH / f"{depts[1]}.xlsx", depts[1], workbook_ledger, assignments_table,
                  filled_on="2021年7月9日")
    make_workbook(subs / MONTH / f"{depts[2]}.xlsx", depts[2], workbook_ledger, assignments_table, filled_on=None)
    write_manifest(subs, {f"{MONTH}/{depts[0]}.xlsx": "2021-07-06T08:15:00",
                          f"{MONTH}/gone.xlsx": "2021-07-01T08:00:00",
                          f"{MONTH}/{depts[1]}.xlsx": "sometime in July"})
    out = ingest(subs, workbook_ledger, roster)
    log = out["submissions_log"].set_index("department")
    assert log.loc[depts[0], "received_source"] == "manifest"
    assert log.loc[depts[0], "received_at"] == pd.Timestamp("2021-07-06 08:15:00")
    assert log.loc[depts[1], "received_source"] == "cover"
    assert log.loc[depts[1], "received_at"] == pd.Timestamp("2021-07-09")
    assert log.loc[depts[2], "received_source"] == "none" and pd.isna(log.loc[depts[2], "received_at"])
    probs = out["problems"]
    mine = {k: labels.INTAKE_PROBLEM_LABELS[k] for k in ("manifest_file_missing", "manifest_bad_time",
                                                          "no_received_time")}
    assert probs["problem"].isin([mine["manifest_file_missing"]]).sum() == 1
    bad_time = probs[probs["problem"] == mine["manifest_bad_time"]]
    assert bad_time["value"].tolist() == ["sometime in July"] and bad_time["cell"].tolist() == ["B4"]
    none = probs[probs["problem"] == mine["no_received_time"]]
    assert none["department"].tolist() == [depts[2]]


def test_alias_on_cover_files_under_canonical_department(tmp_path, workbook_ledger, assignments_table, roster):
    dept = next(d for d in roster.departments
                if d in set(assignments_table["department"]) and len(roster.table.set_index("department")
                                                                      .loc[d, "aliases"]) > 0)
    alias = roster.table.set_index("department").loc[dept, "aliases"].split(";")[-1]
    subs = tmp_path / "submissions"
    # A file name that names no department: only the cover can tell.
    make_workbook(subs / MONTH / "report.xlsx", dept, workbook_ledger, assignments_table, cover_department=alias)
    out = ingest(subs, workbook_ledger, roster)
    assert out["submissions_log"]["department"].tolist() == [dept]
    assert (out["progress"]["department"] == dept).all()


def test_unreadable_file_is_logged_and_reported_others_still_load(tmp_path, dept, workbook_ledger,
                                                                  assignments_table, roster):
    subs = tmp_path / "submissions"
    make_workbook(subs / MONTH / f"{dept}.xlsx", dept, workbook_ledger, assignments_table)
    (subs / MONTH / "broken.xlsx").write_bytes(b"PK\x03\x04 this is not really a workbook")
    (subs / MONTH / "~$lockfile.xlsx").write_bytes(b"excel lock file")
    (subs / "stray.xlsx").write_bytes(b"")
    out = ingest(subs, workbook_ledger, roster)
    log = out["submissions_log"]
    assert sorted(log["file"]) == sorted([f"submissions/{MONTH}/{dept}.xlsx", f"submissions/{MONTH}/broken.xlsx",
                                          "submissions/stray.xlsx"])
    assert (log.set_index("file").loc[f"submissions/{MONTH}/broken.xlsx", "n_errors"]) >= 1
    probs = out["problems"]
    assert (probs["file"] == f"submissions/{MONTH}/broken.xlsx").any()
    assert ((probs["file"] == "submissions/stray.xlsx")
            & (probs["problem"] == labels.INTAKE_PROBLEM_LABELS["layout"])).any()
    assert set(out["progress"]["department"]) == {dept}


def test_province_layout_takes_city_from_path(tmp_path, dept, workbook_ledger, assignments_table, roster):
    subs = tmp_path / "submissions"
    for city in labels.PROVINCE_CITIES[:2]:
        make_workbook(subs / city / MONTH / f"{dept}.xlsx", dept, workbook_ledger, assignments_table, city=city)
    out = ingest(subs, workbook_ledger, roster)
    assert sorted(out["submissions_log"]["city"]) == sorted(labels.PROVINCE_CITIES[:2])
    assert not out["submissions_log"]["superseded"].any()
    assert set(out["progress"]["city"]) == set(labels.PROVINCE_CITIES[:2])


def test_double_build_is_byte_identical_and_parallel_equals_serial(tmp_path, raw_dir, workbook_ledger, roster,
                                                                   monkeypatch):
    from ledgerlib.sample import write_sample

    subs = write_sample(tmp_path / "submissions", raw_dir=raw_dir, months=["2021-10"], progress=False, workers=1)
    serial = ingest(subs, workbook_ledger, roster, workers=1)
    monkeypatch.setattr(intake, "PARALLEL_MIN_FILES", 1)
    parallel = ingest(subs, workbook_ledger, roster, workers=2)
    for name in serial:
        pd.testing.assert_frame_equal(serial[name], parallel[name], check_exact=True)
    digests = []
    for out_dir, tables in ((tmp_path / "a", serial), (tmp_path / "b", parallel)):
        for name, df in tables.items():
            write_table(df, out_dir, name)
        digests.append({p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out_dir.iterdir())})
    assert digests[0] == digests[1] and len(digests[0]) == 2 * len(serial)


def test_receive_files_copies_never_overwrites_and_records_time(tmp_path, dept, workbook_ledger,
                                                                assignments_table, roster, raw_dir):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "departments.csv").write_bytes((raw_dir / "departments.csv").read_bytes())
    inbox = tmp_path / "inbox"
    first = make_workbook(inbox / "a.xlsx", dept, workbook_ledger, assignments_table, status="in_progress")
    second = make_workbook(inbox / "b.xlsx", dept, workbook_ledger, assignments_table, status="done")

    p1 = receive(first, received_at="2021-07-03T10:00:00", raw_dir=raw).path
    again = receive(first, received_at="2021-07-04T10:00:00", raw_dir=raw).path
    p2 = receive(second, received_at="2021-07-06T16:45:00", raw_dir=raw).path
    subs = raw / "submissions"
    assert p1 == subs / MONTH / f"{dept}.xlsx" and again == p1
    assert p2 == subs / MONTH / f"{dept}{labels.RESUBMISSION_SUFFIX.format(n=2)}.xlsx"
    assert p1.read_bytes() == first.read_bytes() and p2.read_bytes() == second.read_bytes()
    manifest = pd.read_csv(subs / intake.MANIFEST_NAME, dtype=str)
    assert manifest.values.tolist() == [[f"{MONTH}/{p1.name}", "2021-07-03T10:00:00"],
                                        [f"{MONTH}/{p2.name}", "2021-07-06T16:45:00"]]
    out = ingest(subs, workbook_ledger, roster)
    log = out["submissions_log"]
    assert (log["received_source"] == "manifest").all()
    assert log.loc[~log["superseded"], "file"].tolist() == [f"submissions/{MONTH}/{p2.name}"]
    assert first_status(out, dept, workbook_ledger, assignments_table) == "done"


def test_a_reader_failure_falls_back_to_file_by_file(tmp_path, dept, workbook_ledger, assignments_table, roster,
                                                     monkeypatch):
    """Should the batch reader raise, each file is read alone; a failing file becomes a problem."""
    import ledgerlib.submissions as submissions

    subs = tmp_path / "submissions"
    make_workbook(subs / MONTH / f"{dept}.xlsx", dept, workbook_ledger, assignments_table, status="done")
    make_workbook(subs / MONTH / "other.xlsx", dept, workbook_ledger, assignments_table)
    real = submissions.read_submission

    def flaky(path, *args, **kwargs):
        if Path(path).name == "other.xlsx":
            raise RuntimeError("reader bug")
        return real(path, *args, **kwargs)

    def broken_batch(*args, **kwargs):
        raise RuntimeError("batch reader bug")

    monkeypatch.setattr(submissions, "read_columns", broken_batch)
    monkeypatch.setattr(submissions, "read_submission", flaky)
    out = ingest(subs, workbook_ledger, roster, workers=1)
    log = out["submissions_log"].set_index("file")
    assert len(log) == 2
    assert log.loc[f"submissions/{MONTH}/other.xlsx", "n_errors"] == 1
    unreadable = out["problems"][out["problems"]["problem"] == labels.INTAKE_PROBLEM_LABELS["unreadable"]]
    assert unreadable["file"].tolist() == [f"submissions/{MONTH}/other.xlsx"]
    assert "reader bug" in unreadable["value"].item()
    assert first_status(out, dept, workbook_ledger, assignments_table) == "done"


def test_write_manifest_keeps_receipts_recorded_for_other_files(tmp_path):
    from ledgerlib.intake import read_manifest, write_manifest

    write_manifest(tmp_path, [("2021-07/运管科_v2.xlsx", "2021-08-09T10:00:00")])  # as `ledger receive` left it
    write_manifest(tmp_path, [("2021-07/运管科.xlsx", "2021-08-04T09:00:00")])  # a sample run afterwards
    times, problems = read_manifest(tmp_path)
    assert problems == []
    assert times == {"2021-07/运管科.xlsx": pd.Timestamp("2021-08-04 09:00"),
                     "2021-07/运管科_v2.xlsx": pd.Timestamp("2021-08-09 10:00")}


def test_a_blank_resubmission_does_not_replace_a_real_return(tmp_path, dept, workbook_ledger, assignments_table,
                                                              roster):
    subs = tmp_path / "submissions"
    make_workbook(subs / MONTH / f"{dept}.xlsx", dept, workbook_ledger, assignments_table, status="done")
    blank = build_workbook(dept, MONTH, workbook_ledger, assignments_table)  # the template, sent by mistake
    save_workbook(blank, subs / MONTH / f"{dept}_v2.xlsx")
    write_manifest(subs, {f"{MONTH}/{dept}.xlsx": "2021-07-02T09:00:00",
                          f"{MONTH}/{dept}_v2.xlsx": "2021-07-03T09:00:00"})
    out = ingest(subs, workbook_ledger, roster)
    log = out["submissions_log"].set_index("file")
    assert log.loc[f"submissions/{MONTH}/{dept}.xlsx", "superseded"] == False  # noqa: E712
    assert log.loc[f"submissions/{MONTH}/{dept}_v2.xlsx", "superseded"] == True  # noqa: E712
    assert first_status(out, dept, workbook_ledger, assignments_table) == "done"
    flagged = out["problems"][out["problems"]["problem"] == labels.INTAKE_PROBLEM_LABELS["unusable_resubmission"]]
    assert list(flagged["file"]) == [f"submissions/{MONTH}/{dept}_v2.xlsx"]
    assert list(flagged["severity"]) == ["warning"]
    assert list(flagged["value"]) == [f"submissions/{MONTH}/{dept}.xlsx"]  # which return still counts

    # A resubmission that does report something is an ordinary correction: it wins, no warning.
    make_workbook(subs / MONTH / f"{dept}_v2.xlsx", dept, workbook_ledger, assignments_table, status="in_progress")
    out = ingest(subs, workbook_ledger, roster)
    assert labels.INTAKE_PROBLEM_LABELS["unusable_resubmission"] not in set(out["problems"]["problem"])
    assert first_status(out, dept, workbook_ledger, assignments_table) == "in_progress"


# --- receive: never a path from cell text; says what it did ------------------------------

@pytest.fixture
def raw(tmp_path, raw_dir) -> Path:
    """A raw-data folder with the real roster and nothing filed yet."""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "departments.csv").write_bytes((raw_dir / "departments.csv").read_bytes())
    return raw


def _tree(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")}


@pytest.mark.parametrize("cover", ["../../evil", "/tmp/evil", "..\\..\\evil", "宣传科", "局相关科室"])
def test_a_department_not_in_the_roster_files_nothing_anywhere(tmp_path, raw, dept, workbook_ledger,
                                                               assignments_table, cover, capsys):
    from ledgerlib.cli import main

    if cover.startswith("/tmp/"):
        cover = str(tmp_path / "evil")  # an absolute path the operator can write to
    path = make_workbook(tmp_path / "inbox" / "return.xlsx", dept, workbook_ledger, assignments_table,
                         cover_department=cover)
    before = _tree(tmp_path)
    assert main(["--raw", str(raw), "receive", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ledger receive: ") and "departments.csv" in err and "nothing filed" in err
    assert "未登记" in err and "封面填报单位或文件名" in err  # the liaison's language first, English after
    assert len(err.strip().splitlines()) == 1
    assert _tree(tmp_path) == before  # nothing written: not in submissions/, not outside it


def test_a_city_option_that_is_not_a_plain_name_files_nothing(tmp_path, raw, dept, workbook_ledger,
                                                              assignments_table, capsys):
    from ledgerlib.cli import main

    path = make_workbook(tmp_path / "inbox" / "return.xlsx", dept, workbook_ledger, assignments_table)
    before = _tree(tmp_path)
    assert main(["--raw", str(raw), "receive", str(path), "--city", "../鹤壁市"]) == 2
    assert "city" in capsys.readouterr().err
    assert _tree(tmp_path) == before


def test_an_alias_is_filed_under_the_roster_name_and_receive_says_what_it_did(tmp_path, raw, workbook_ledger,
                                                                               assignments_table, capsys):
    from ledgerlib.cli import main

    inbox = tmp_path / "inbox"
    # The liaison writes the alias 局运管科 on the cover and names the file anything.
    first = make_workbook(inbox / "6月台账.xlsx", "运管科", workbook_ledger, assignments_table,
                          cover_department="局运管科")
    assert main(["--raw", str(raw), "receive", str(first), "--received-at", "2021-07-05T17:00:00"]) == 0
    said = capsys.readouterr().out.strip()
    assert said.startswith(f"已收文：运管科 {MONTH} → submissions/{MONTH}/运管科.xlsx")
    assert "按时报送" in said and "错误 0 项" in said and "取代" not in said
    # The 5th is the last day on time; the 8th is 3 days late. A correction supersedes the first.
    second = make_workbook(inbox / "更正.xlsx", "运管科", workbook_ledger, assignments_table, status="done")
    assert main(["--raw", str(raw), "receive", str(second), "--received-at", "2021-07-08T09:00:00"]) == 0
    said = capsys.readouterr().out.strip()
    assert f"→ submissions/{MONTH}/运管科_v2.xlsx" in said
    assert f"取代此前报送的 {MONTH}/运管科.xlsx" in said and "逾期 3 天" in said
    assert sorted(p.name for p in (raw / "submissions" / MONTH).iterdir()) == ["运管科.xlsx", "运管科_v2.xlsx"]


def test_an_unreadable_resubmission_is_filed_and_logged_but_the_return_stands(tmp_path, raw, workbook_ledger,
                                                                                assignments_table, roster, capsys):
    """An encrypted resubmission (the LibreOffice-saved fixture, password `secret`) after a real return."""
    from ledgerlib.cli import main

    fixtures = Path(__file__).parent / "fixtures"
    good = make_workbook(tmp_path / "inbox" / "运管科.xlsx", "运管科", workbook_ledger, assignments_table,
                         status="done")
    assert main(["--raw", str(raw), "receive", str(good), "--received-at", "2021-07-02T09:00"]) == 0
    locked = tmp_path / "inbox" / "更正.xlsx"  # a name that says nothing, and a cover nobody can read
    locked.write_bytes((fixtures / "password_protected.xlsx").read_bytes())
    capsys.readouterr()
    assert main(["--raw", str(raw), "receive", str(locked), "--month", MONTH]) == 2
    assert "--department" in capsys.readouterr().err
    assert main(["--raw", str(raw), "receive", str(locked), "--month", MONTH, "--department", "局运管科",
                 "--received-at", "2021-07-03T09:00"]) == 0
    said = capsys.readouterr().out
    assert f"不取代此前报送的 {MONTH}/运管科.xlsx" in said and "错误 1 项" in said
    out = ingest(raw / "submissions", workbook_ledger, roster)
    log = out["submissions_log"].set_index("file")
    assert not log.loc[f"submissions/{MONTH}/运管科.xlsx", "superseded"]
    assert log.loc[f"submissions/{MONTH}/运管科_v2.xlsx", "superseded"]
    assert first_status(out, "运管科", workbook_ledger, assignments_table) == "done"
    problems = out["problems"].set_index("problem")
    assert problems.loc[labels.PROBLEM_LABELS["encrypted"], "file"] == f"submissions/{MONTH}/运管科_v2.xlsx"
    kept = problems.loc[labels.INTAKE_PROBLEM_LABELS["unusable_resubmission"]]
    assert (kept["file"], kept["value"]) == (f"submissions/{MONTH}/运管科_v2.xlsx", f"submissions/{MONTH}/运管科.xlsx")


@pytest.mark.parametrize("suffix", ["xls", "ods"])
def test_a_returned_xls_or_ods_is_filed_and_read_by_the_build(tmp_path, raw, workbook_ledger, roster, suffix):
    fixtures = Path(__file__).parent / "fixtures"
    receipt = receive(fixtures / f"libreoffice_saved.{suffix}", received_at="2021-07-02T09:00", raw_dir=raw)
    assert receipt.path == raw / "submissions" / "2021-06" / f"运管科.{suffix}"
    # The same return as .xlsx afterwards is the second version, whatever the format.
    again = receive(fixtures / "libreoffice_saved.xlsx", received_at="2021-07-02T10:00", raw_dir=raw)
    assert again.path.name == "运管科_v2.xlsx" and again.previous == f"2021-06/运管科.{suffix}"
    again.path.unlink()
    assert (receipt.department, receipt.month, receipt.days_late, receipt.usable) == ("运管科", "2021-06", 0, True)
    out = ingest(raw / "submissions", workbook_ledger, roster)
    assert out["submissions_log"]["file"].tolist() == [f"submissions/2021-06/运管科.{suffix}"]
    assert out["progress"]["status"].tolist()[:2] == ["done", "in_progress"]
    assert len(out["joint_cases"]) == 1


def test_receive_refuses_a_file_the_build_would_not_read_and_says_when_it_already_has_it(
        tmp_path, raw, workbook_ledger, assignments_table, capsys):
    from ledgerlib.cli import main

    csv_file = tmp_path / "inbox" / "运管科.csv"
    csv_file.parent.mkdir(parents=True)
    csv_file.write_text("任务编号,进展状态\nT01,已完成\n", encoding="utf-8")
    assert main(["--raw", str(raw), "receive", str(csv_file), "--month", MONTH]) == 2
    assert ".xlsx" in capsys.readouterr().err and not (raw / "submissions").exists()
    path = make_workbook(tmp_path / "inbox" / "运管科.xlsx", "运管科", workbook_ledger, assignments_table)
    assert main(["--raw", str(raw), "receive", str(path), "--received-at", "2021-07-02T09:00"]) == 0
    capsys.readouterr()
    assert main(["--raw", str(raw), "receive", str(path), "--received-at", "2021-07-09T09:00"]) == 0
    assert capsys.readouterr().out.strip() == labels.RECEIVE_ALREADY.format(file=f"{MONTH}/运管科.xlsx")
    assert intake.read_manifest(raw / "submissions")[0] == {f"{MONTH}/运管科.xlsx": pd.Timestamp("2021-07-02 09:00")}


def test_an_error_beside_the_reading_cancels_the_chunks_not_yet_read():
    # `ledger build` loads the ledger table while the pool reads; if that fails, the error is
    # raised at once, not after every workbook of a province was read.
    from ledgerlib.intake import _pool_results

    class Pool:
        cancelled = None

        def submit(self, fn, task):
            raise AssertionError("no chunk to read in this test")

        def shutdown(self, wait=True, cancel_futures=False):
            self.cancelled = cancel_futures

    def broken_ledger(reading):
        assert reading()[:2] == (0, 0)  # nothing was given to read
        raise ValueError("ledger_2021.xlsx: not a workbook")

    pool = Pool()
    with pytest.raises(ValueError, match="not a workbook"):
        list(_pool_results(pool, [], (None, None, Path("."), {}, None), None, broken_ledger))
    assert pool.cancelled is True


def test_unsorted_ingest_holds_the_same_rows_in_read_order(raw_dir, workbook_ledger, roster):
    # `ledger build` asks for the tables unsorted (it sorts each as it writes it): the same
    # rows, which sort to exactly the sorted tables.
    from ledgerlib.tables import sort_table

    subs = raw_dir / "submissions"
    ordered = ingest(subs, workbook_ledger, roster, workers=1)
    unsorted = ingest(subs, workbook_ledger, roster, workers=1, sort=False)
    assert set(ordered) == set(unsorted)
    for name, df in ordered.items():
        pd.testing.assert_frame_equal(sort_table(unsorted[name], name), df, check_exact=True)


@pytest.mark.parametrize("how", ["read", "cached", "file-by-file"])
def test_a_return_gone_after_it_was_found_is_one_problem_row_and_the_rest_loads(tmp_path, dept, workbook_ledger,
                                                                                assignments_table, roster,
                                                                                monkeypatch, how):
    """A clerk moves a return away while the build runs: it is reported, never the end of the build."""
    import ledgerlib.submissions as submissions
    from ledgerlib.readcache import ReaderCache, context_digest

    subs = tmp_path / "submissions"
    make_workbook(subs / MONTH / f"{dept}.xlsx", dept, workbook_ledger, assignments_table, status="done")
    make_workbook(subs / MONTH / "gone.xlsx", dept, workbook_ledger, assignments_table)
    found = intake.discover_files

    def discover_then_delete(folder):
        files = found(folder)
        (subs / MONTH / "gone.xlsx").unlink()
        return files

    monkeypatch.setattr(intake, "discover_files", discover_then_delete)
    kw = {"workers": 1}
    if how == "cached":
        kw["cache"] = ReaderCache(tmp_path / "reader-cache.sqlite",
                                  context_digest(set(workbook_ledger["task_id"]), roster, "安阳市"))
    if how == "file-by-file":
        monkeypatch.setattr(submissions, "read_columns", lambda *a, **k: 1 / 0)
    out = ingest(subs, workbook_ledger, roster, **kw)
    assert out["submissions_log"]["file"].tolist() == [f"submissions/{MONTH}/{dept}.xlsx"]
    gone = out["problems"][out["problems"]["file"] == f"submissions/{MONTH}/gone.xlsx"]
    assert gone["problem"].tolist() == ["读取时文件已不存在（被移走或删除），本次未读取"]
    assert gone["month"].tolist() == [MONTH]
    assert first_status(out, dept, workbook_ledger, assignments_table) == "done"
