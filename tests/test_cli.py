"""The `ledger` command: every sub-command parses its documented options, and the mistakes
people make on a command line (a bad month, a missing file, an unknown department, a
period with no data) end in one clear line on stderr and a non-zero exit, never a traceback.
"""
from __future__ import annotations

import subprocess
import sys
import re
from pathlib import Path

import pandas as pd
import pytest

from paths import NOTICE, RAW
from ledgerlib import cli, tables

SUBCOMMANDS = ("build", "workbook", "template", "validate", "sample", "receive", "report", "joint-list",
               "calendar", "lab")


def _one_line_error(capsys, command: str) -> str:
    """The error a command printed: exactly one line, naming the command, no traceback."""
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith(f"ledger {command}: "), lines[0]
    assert "Traceback" not in captured.err + captured.out
    return lines[0]


# --- parsing --------------------------------------------------------------------------------

def test_help_lists_every_sub_command(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for name in SUBCOMMANDS:
        assert name in out


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_each_sub_command_has_help(name, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main([name, "--help"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: ledger {name}")


@pytest.mark.parametrize("argv,func,expected", [
    (["build", "--out", "o", "--quiet"], "_cmd_build", {"out": Path("o"), "quiet": True}),
    (["workbook", "n.txt", "--judgements", "j.csv", "--out", "l.xlsx"], "_cmd_workbook",
     {"source": Path("n.txt"), "judgements": Path("j.csv"), "out": Path("l.xlsx"), "year": None}),
    (["workbook", "plan.docx", "--year", "2022", "--judgements", "j.csv", "--out", "l.xlsx"], "_cmd_workbook",
     {"source": Path("plan.docx"), "year": 2022}),
    (["template", "--month", "2021-07", "--department", "运管科", "--department", "法规科", "--out", "t"],
     "_cmd_template", {"month": "2021-07", "department": ["运管科", "法规科"], "out": Path("t")}),
    (["validate", "a.xlsx", "b.xlsx", "--out", "p.xlsx"], "_cmd_validate",
     {"files": [Path("a.xlsx"), Path("b.xlsx")], "out": Path("p.xlsx")}),
    (["sample", "--seed", "7", "--out", "s", "--cities", "18", "--departments", "25"], "_cmd_sample",
     {"seed": 7, "out": Path("s"), "cities": 18, "departments": 25}),
    (["receive", "a.xlsx", "--month", "2021-07", "--received-at", "2021-08-04T10:00", "--city", "安阳市"],
     "_cmd_receive", {"files": ["a.xlsx"], "month": "2021-07", "received_at": "2021-08-04T10:00",
                      "city": "安阳市"}),
    (["report", "monthly", "2021-06", "--data", "d", "--out", "r", "--no-pdf"], "_cmd_report",
     {"kind": "monthly", "period": "2021-06", "data": Path("d"), "out": Path("r"), "no_pdf": True}),
    (["report", "quarterly", "2021Q2"], "_cmd_report", {"kind": "quarterly", "period": "2021Q2"}),
    (["report", "province", "2021-06"], "_cmd_report", {"kind": "province", "no_pdf": False}),
    (["joint-list", "--month", "2021-06", "--data", "d", "--out", "j.xlsx"], "_cmd_joint_list",
     {"month": "2021-06", "data": Path("d"), "out": Path("j.xlsx")}),
    (["--raw", "elsewhere", "build"], "_cmd_build", {"raw": Path("elsewhere"), "quiet": False}),
])
def test_documented_options_parse(argv, func, expected):
    args = cli.build_parser().parse_args(argv)
    assert args.func is getattr(cli, func)
    for key, value in expected.items():
        assert getattr(args, key) == value, key


def test_defaults_of_the_documented_forms():
    p = cli.build_parser()
    sample = p.parse_args(["sample"])
    assert (sample.seed, sample.cities, sample.departments, sample.out) == (2021, 1, None, None)
    template = p.parse_args(["template", "--month", "2021-07"])
    assert template.department is None and template.out == Path("templates")
    assert p.parse_args(["receive", "a.xlsx"]).month is None


@pytest.mark.parametrize("argv", [[], ["template"], ["report", "weekly", "2021-06"], ["validate"],
                                  ["workbook", "n.txt", "--out", "x.xlsx"], ["sample", "--seed", "x"]])
def test_argparse_refuses_incomplete_commands(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(argv)
    assert exc.value.code == 2
    assert "usage: ledger" in capsys.readouterr().err


# --- expected mistakes: one line, exit 2 ------------------------------------------------------

def test_validate_a_missing_file(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # the default problems workbook would land here
    missing = tmp_path / "运管科.xlsx"
    assert cli.main(["validate", str(missing)]) == 2
    line = _one_line_error(capsys, "validate")
    assert "no such file" in line and str(missing) in line
    assert list(tmp_path.iterdir()) == []  # no problems workbook for a typo


def test_template_for_an_unknown_department(tmp_path, capsys):
    rc = cli.main(["--raw", str(RAW), "template", "--month", "2021-07", "--department", "不存在科",
                   "--out", str(tmp_path)])
    assert rc == 2
    line = _one_line_error(capsys, "template")
    assert "不存在科" in line and "运管科" in line  # names the mistake and what is known
    assert not any(tmp_path.rglob("*.xlsx"))


@pytest.mark.parametrize("month", ["2021-13", "2021-7", "july"])
def test_template_with_a_bad_month(month, tmp_path, capsys):
    assert cli.main(["--raw", str(RAW), "template", "--month", month, "--out", str(tmp_path)]) == 2
    line = _one_line_error(capsys, "template")
    assert "YYYY-MM" in line and repr(month) in line


def test_template_accepts_an_alias(tmp_path, capsys):
    rc = cli.main(["--raw", str(RAW), "template", "--month", "2021-07", "--department", "局运管科",
                   "--out", str(tmp_path)])
    assert rc == 0, capsys.readouterr().err
    written = tmp_path / "2021-07" / "运管科.xlsx"
    assert capsys.readouterr().out.split() == [str(written)]
    assert written.stat().st_size > 0


@pytest.mark.parametrize("kind,period", [("monthly", "2021-13"), ("monthly", "2021-6"),
                                         ("quarterly", "2021Q5"), ("province", "2021Q2")])
def test_report_with_a_bad_period(kind, period, tmp_path, capsys):
    assert cli.main(["report", kind, period, "--data", str(tmp_path), "--out", str(tmp_path / "r")]) == 2
    line = _one_line_error(capsys, "report")
    assert "YYYY" in line and repr(period) in line
    assert not (tmp_path / "r").exists()


@pytest.fixture
def june_only(tmp_path) -> Path:
    """Processed data that has submissions for 2021-06 and nothing else."""
    data = tmp_path / "processed"
    tables.write_table(pd.DataFrame({"task_id": ["T01"]}), data, "ledger")
    tables.write_table(pd.DataFrame({"city": ["安阳市"], "department": ["运管科"], "month": ["2021-06"],
                                     "file": ["submissions/2021-06/运管科.xlsx"]}), data, "submissions_log")
    tables.write_stamp(data)
    return data


@pytest.mark.parametrize("argv,command", [
    (["report", "monthly", "2030-01"], "report"),
    (["report", "province", "2030-01"], "report"),
    (["report", "quarterly", "2021Q1"], "report"),  # June is in Q2, not Q1
    (["joint-list", "--month", "2030-01"], "joint-list"),
])
def test_a_period_without_submissions_is_refused(argv, command, june_only, tmp_path, capsys):
    out = tmp_path / "out"
    rc = cli.main([*argv, "--data", str(june_only), "--out", str(out / "x.xlsx" if command == "joint-list" else out)])
    assert rc == 2
    line = _one_line_error(capsys, command)
    assert "no submissions" in line and "2021-06" in line  # says which months do have data
    assert not out.exists()


def test_joint_list_with_a_bad_month(june_only, capsys):
    assert cli.main(["joint-list", "--month", "2021-13", "--data", str(june_only)]) == 2
    assert "YYYY-MM" in _one_line_error(capsys, "joint-list")


def test_receive_a_missing_file_files_nothing(tmp_path, capsys):
    raw = tmp_path / "raw"
    assert cli.main(["--raw", str(raw), "receive", str(tmp_path / "nope.xlsx")]) == 2
    assert "no such file" in _one_line_error(capsys, "receive")
    assert not raw.exists()


@pytest.mark.parametrize("option,value", [("--month", "2021-13"), ("--received-at", "yesterday")])
def test_receive_with_a_bad_option_files_nothing(option, value, tmp_path, capsys):
    raw = tmp_path / "raw"
    arrived = tmp_path / "运管科.xlsx"
    arrived.write_bytes(b"PK\x03\x04")  # exists; the option is checked before it is read
    assert cli.main(["--raw", str(raw), "receive", str(arrived), option, value]) == 2
    line = _one_line_error(capsys, "receive")
    assert option in line and repr(value) in line
    assert not raw.exists()


@pytest.mark.parametrize("argv", [["--departments", "1"], ["--cities", "0"]])
def test_sample_with_too_few_units(argv, tmp_path, capsys):
    assert cli.main(["--raw", str(RAW), "sample", "--out", str(tmp_path / "s"), *argv]) == 2
    assert argv[0] in _one_line_error(capsys, "sample")
    assert not (tmp_path / "s").exists()


def test_build_from_a_missing_raw_folder(tmp_path, capsys):
    assert cli.main(["--raw", str(tmp_path / "noraw"), "build", "--out", str(tmp_path / "p"), "--quiet"]) == 2
    line = _one_line_error(capsys, "build")
    assert str(tmp_path / "noraw") in line and "Errno" not in line


def test_workbook_from_a_missing_notice(tmp_path, capsys):
    out = tmp_path / "ledger_2022.xlsx"
    rc = cli.main(["workbook", str(tmp_path / "none.txt"), "--judgements", str(tmp_path / "j.csv"),
                   "--out", str(out)])
    assert rc == 2
    assert "none.txt" in _one_line_error(capsys, "workbook")
    assert not out.exists()


def test_workbook_with_a_missing_judgements_file(tmp_path, capsys):
    out = tmp_path / "ledger_2021.xlsx"
    rc = cli.main(["workbook", str(NOTICE), "--judgements", str(tmp_path / "missing.csv"), "--out", str(out)])
    assert rc == 2
    assert "missing.csv" in _one_line_error(capsys, "workbook")
    assert not out.exists()


# --- the installed console script -----------------------------------------------------------

def test_console_script_reports_a_bad_month_without_a_traceback(tmp_path):
    script = Path(sys.executable).with_name("ledger")
    if not script.exists():
        pytest.skip("the `ledger` console script is not installed (run ./run.sh setup)")
    proc = subprocess.run([str(script), "--raw", str(RAW), "template", "--month", "2021-13",
                           "--out", str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ledger template: ")
    assert "YYYY-MM" in lines[0] and "2021-13" in lines[0]
    assert proc.stdout == "" and not any(tmp_path.iterdir())


# --- start-up -------------------------------------------------------------------------------

_IMPORTED = "import sys\n{stmt}\nprint(' '.join(m for m in {heavy!r} if m in sys.modules))"
_HEAVY = ("pandas", "numpy", "openpyxl", "matplotlib", "nbformat", "papermill")


@pytest.mark.parametrize("stmt", ["ledgerlib.cli", "ledgerlib"])
def test_starting_the_command_imports_no_heavy_library(stmt):
    # `ledger --help` must not pay for pandas/openpyxl/nbformat: each command imports its own.
    out = subprocess.run([sys.executable, "-c", _IMPORTED.format(stmt=f"import {stmt}", heavy=_HEAVY)],
                         capture_output=True, text=True, check=True).stdout.split()
    assert out == []


def test_help_runs_without_pandas():
    code = ("import sys, contextlib, io\nfrom ledgerlib import cli\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    try: cli.main(['--help'])\n"
            "    except SystemExit: pass\n"
            "print('pandas' in sys.modules, 'openpyxl' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_package_names_load_on_first_use():
    code = ("import sys, ledgerlib\nbefore = 'pandas' in sys.modules\n"
            "from ledgerlib import read_ledger, working_day_deadline\n"
            "from ledgerlib.ledger import read_ledger as r\n"
            "print(before, read_ledger is r, 'working_day_deadline' in dir(ledgerlib))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "True", "True"]


# --- ledger calendar ----------------------------------------------------------------------

FIXTURES = Path(__file__).parent / "fixtures"


def test_calendar_year_without_an_arrangement_is_listed_as_provisional(tmp_path, capsys):
    assert cli.main(["--raw", str(tmp_path), "calendar", "2027"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("2027 年：临时安排") and "2027: provisional" in out[0] and "holidays.csv" in out[0]
    days = [line.split()[0] for line in out[1:] if line.startswith("  2027-")]
    # 元旦 1, 春节 4 from 除夕 (2027-02-05), 清明 1, 劳动 2, 端午 1, 中秋 1, 国庆 3.
    assert len(days) == 13 and "2027-02-05" in days and "2027-10-03" in days
    assert all(line.endswith("provisional") for line in out[1:14])


def test_calendar_year_from_a_complete_file_is_official(tmp_path, capsys):
    (tmp_path / "holidays.csv").write_bytes((FIXTURES / "holidays_2027_complete_made_up.csv").read_bytes())
    assert cli.main(["--raw", str(tmp_path), "calendar", "2027"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("2027 年：正式安排（holidays.csv） / 2027: official (holidays.csv)")
    assert "2027-10-09 周六  调休上班 workday" in out and "28 holidays, 5 调休 working days" in out
    assert "共 28 天放假、5 天调休上班" in out  # 3+8+3+5+1+1+7
    assert cli.main(["--raw", str(tmp_path), "calendar", "--check"]) == 0
    assert "2027: official" in capsys.readouterr().out


def test_calendar_check_reports_bad_rows_and_exits_1(tmp_path, capsys):
    (tmp_path / "holidays.csv").write_text("date,kind,name\n2027-10-01,holiday,国庆节\n2027-10-04,workday,\n",
                                           encoding="utf-8")
    assert cli.main(["--raw", str(tmp_path), "calendar", "--check"]) == 1
    out = capsys.readouterr().out
    assert "错误 / error: holidays.csv A3:" in out and "注意 / warning: holidays.csv A2:" in out
    assert "2027 年：临时 / 2027: provisional" in out
    assert "2027: provisional" in out


@pytest.mark.parametrize("year", ["20x7", "27", "2200"])
def test_calendar_with_a_bad_year(year, tmp_path, capsys):
    assert cli.main(["--raw", str(tmp_path), "calendar", year]) == 2
    _one_line_error(capsys, "calendar")


@pytest.mark.parametrize("argv", [
    ["template", "--month", "2021-13"],
    ["validate", "没有这个文件.xlsx"],
    ["sample", "--cities", "0"],
    ["report", "quarterly", "2021-06"],
    ["receive", "没有这个文件.xlsx"],
])
def test_mistakes_are_told_in_chinese_and_english(argv, capsys):
    assert cli.main(argv) == 2
    line = _one_line_error(capsys, argv[0])
    zh, _, en = line.partition(" / ")
    assert re.search(r"[\u4e00-\u9fff]", zh), line  # Chinese first, as in the reports
    assert re.search(r"[a-z]{3,}", en), line          # then English for the analyst


def test_build_summary_is_in_chinese_too(tmp_path, capsys):
    from ledgerlib.build import BuildResult

    text = BuildResult(tmp_path, rows={"ledger": 39}, warnings=["x"]).summary()
    assert "已重建" in text and "39 行" in text and "注意" in text and text.startswith("台账")
