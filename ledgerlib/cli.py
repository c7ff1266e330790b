"""The `ledger` command: everything a scheduler or a liaison runs.

Each sub-command parses its arguments here and calls one function in the module that
owns the work; imports are lazy so `ledger --help` stays fast.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import config



def _require_files(files: list) -> None:
    """Stop on a mistyped path before any work: a file that is not there is not a problem row."""
    missing = [str(f) for f in files if not Path(f).exists()]
    if missing:
        from .labels import CLI_MESSAGES

        raise FileNotFoundError(CLI_MESSAGES["no_such_file"].format(files=", ".join(missing)))


def _require_month(month: str | None, option: str = "--month") -> None:
    if month is not None:
        from .cells import check_month

        check_month(month, option)


def _months_with_data(data_dir: Path | None) -> list[str] | None:
    """Months that have a submission in the processed data; None when there is no log to ask."""
    from .tables import BuildIncompleteError, check_build

    path = Path(data_dir or config.processed_dir()) / "submissions_log.parquet"
    try:
        check_build(path.parent)
    except BuildIncompleteError:
        return None  # the command itself says to run `ledger build`
    if not path.exists():
        return None
    import pandas as pd

    return sorted(set(pd.read_parquet(path, columns=["month"])["month"].dropna()))


def _require_city(city: str, data_dir: Path | None) -> None:
    """A city the processed data does not hold is a typo: say which cities it holds."""
    from .labels import CLI_MESSAGES

    path = Path(data_dir or config.processed_dir()) / "submissions_log.parquet"
    if not path.exists():
        return  # the report itself says to run `ledger build`
    import pandas as pd

    known = sorted(set(pd.read_parquet(path, columns=["city"])["city"].dropna().astype(str)))
    if city not in known:
        raise ValueError(CLI_MESSAGES["unknown_city"].format(city=city, known="、".join(known) or "—"))


def _require_data_for(months: list[str], data_dir: Path | None, what: str) -> None:
    """A period nobody submitted for is a typo or a missing build, not an empty report."""
    have = _months_with_data(data_dir)
    if have == []:
        return  # a bureau's first day: nothing returned yet, and the report says so
    if have is not None and not set(months) & set(have):
        from .labels import CLI_MESSAGES

        span = f"{have[0]} … {have[-1]}" if have else CLI_MESSAGES["none"]

        raise ValueError(CLI_MESSAGES["no_submissions"].format(what=what, span=span))


def _cmd_build(args: argparse.Namespace) -> int:
    from .build import build

    result = build(raw_dir=args.raw, out_dir=args.out, progress=not args.quiet, cache=not args.no_cache)
    print(result.summary())
    return 0


def _cmd_workbook(args: argparse.Namespace) -> int:
    from .ledger import make_ledger_workbook
    from .roster import load_roster

    _require_files([args.source, args.judgements])
    if args.out.suffix.lower() != ".xlsx":
        from .labels import CLI_MESSAGES

        raise ValueError(CLI_MESSAGES["out_not_xlsx"].format(name=args.out.name))
    report: list[dict] = []
    out = make_ledger_workbook(args.source, args.judgements, args.out, load_roster(args.raw),
                               year=args.year, report=report)
    # Every uncertain choice, so a person can settle it with a judgements row (task_id,field,value,reason).
    from .labels import CLI_MESSAGES

    for w in report:
        alt = CLI_MESSAGES["uncertain_alternatives"].format(candidates=w["candidates"]) if w["candidates"] else ""
        print(CLI_MESSAGES["uncertain"].format(task_id=w["task_id"], source=w["source"], field=w["field"],
                                               chosen=w["chosen"] or CLI_MESSAGES["uncertain_empty"], alt=alt,
                                               reason=w["reason"]), file=sys.stderr)
    print(out)
    return 0


def _cmd_template(args: argparse.Namespace) -> int:
    from .templates import write_templates

    paths = write_templates(month=args.month, departments=args.department or None,
                            out_dir=args.out, raw_dir=args.raw)
    for p in paths:
        print(p)
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from .submissions import validate_files

    _require_files(args.files)
    return validate_files(args.files, out=args.out, raw_dir=args.raw)


def _cmd_sample(args: argparse.Namespace) -> int:
    from .labels import CLI_MESSAGES
    from .sample import write_sample

    if args.cities < 1:
        raise ValueError(CLI_MESSAGES["at_least"].format(option="--cities", minimum=1, value=args.cities))
    # The sample plans missing and late files among departments other than the collecting one.
    if args.departments is not None and args.departments < 2:
        raise ValueError(CLI_MESSAGES["at_least"].format(option="--departments", minimum=2, value=args.departments))
    out = write_sample(out_dir=args.out, seed=args.seed, raw_dir=args.raw,
                       cities=args.cities, departments_per_city=args.departments, year=args.year)
    print(out)
    return 0


def _cmd_receive(args: argparse.Namespace) -> int:
    from .intake import receive

    _require_files(args.files)
    _require_month(args.month)
    if args.received_at is not None:
        import pandas as pd

        try:
            ok = not pd.isna(pd.Timestamp(args.received_at))
        except ValueError:
            ok = False
        if not ok:
            from .labels import CLI_MESSAGES

            raise ValueError(CLI_MESSAGES["received_at"].format(value=args.received_at))
    for f in args.files:
        receipt = receive(Path(f), month=args.month, received_at=args.received_at, raw_dir=args.raw,
                          city=args.city, department=args.department)
        print(receipt.summary(Path(args.raw) / "submissions"))
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from .labels import CLI_MESSAGES
    from .reports import ReportError, normalise_period, run_report

    if args.city is not None:
        if args.kind == "province":
            raise ValueError(CLI_MESSAGES["city_province"])
        _require_city(args.city, args.data)

    try:
        period = normalise_period(args.kind, args.period)
    except ReportError:
        period = None  # run_report says what a period looks like
    if period is not None:
        from .periods import period_months

        _require_data_for(period_months(period), args.data, period)
    return run_report(kind=args.kind, period=args.period, data_dir=args.data,
                      out_dir=args.out, pdf=not args.no_pdf, city=args.city, raw_dir=args.raw)


def _cmd_joint_list(args: argparse.Namespace) -> int:
    from .casebook import write_joint_list

    _require_month(args.month)
    _require_data_for([args.month], args.data, args.month)
    result = write_joint_list(month=args.month, data_dir=args.data, out=args.out)
    print(result.xlsx)
    print(result.csv)
    print(result.summary())
    return 0


def _cmd_chase(args: argparse.Namespace) -> int:
    from .chase import write_chase

    _require_month(args.month, "month")
    _require_data_for([args.month], args.data, args.month)
    result = write_chase(month=args.month, data_dir=args.data, raw_dir=args.raw, out_dir=args.out,
                         city=args.city, pdf=not args.no_pdf)
    for path in (result.pdf, result.xlsx, result.csv):
        if path is not None:
            print(path)
    print(result.summary())
    return 0


def _cmd_lab(args: argparse.Namespace) -> int:
    from .lab import run_lab

    return run_lab(args.jupyter_args, dry_run=args.print_command)


def _cmd_calendar(args: argparse.Namespace) -> int:
    from .workdays import check_holidays_file, default_calendar, describe_calendar, describe_year

    if args.check:
        text, code = check_holidays_file(args.raw)
        print(text)
        return code
    cal = default_calendar(args.raw)
    if args.year is None:
        print(describe_calendar(cal))
        return 0
    if not args.year.isdigit() or len(args.year) != 4:
        from .labels import CLI_MESSAGES

        raise ValueError(CLI_MESSAGES["bad_year"].format(value=args.year))
    print(describe_year(int(args.year), cal))
    return 0


class _Parser(argparse.ArgumentParser):
    """argparse, with its usage errors said in Chinese too (sub-commands share the class)."""

    def error(self, message: str):  # type: ignore[override]
        from .labels import CLI_MESSAGES

        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: {CLI_MESSAGES['usage_error']} / error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The `ledger` argument parser: one sub-command per job, usage errors in Chinese and English.

    >>> build_parser().parse_args(["calendar", "2027"]).year
    '2027'
    """
    p = _Parser(prog="ledger", description="credit-ledger：工作台账分析 / 台账 analytics")
    p.add_argument("--raw", type=Path, default=None, help="原始数据文件夹 / raw data folder (default: data/raw)")
    sub = p.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="由 data/raw 重建处理后的数据 / rebuild data/processed from data/raw")
    b.add_argument("--out", type=Path, default=None, help="输出文件夹 / output folder (default: data/processed)")
    b.add_argument("--quiet", action="store_true", help="不显示进度条 / no progress bar")
    b.add_argument("--no-cache", action="store_true",
                   help="重新读取全部报表，不用读取缓存 / read every workbook again, not from data/interim's reader cache")
    b.set_defaults(func=_cmd_build)

    w = sub.add_parser("workbook", help="由工作方案和判断文件生成台账工作簿 / build the ledger workbook of record from a plan (any form) and a judgements file")
    w.add_argument("source", type=Path, help="the plan: notice text (.txt), Word (.docx) or a spreadsheet "
                                              "(.xlsx, .xls, .ods, .csv)")
    w.add_argument("--year", type=int, default=None, help="the plan year, when the plan does not say it")
    w.add_argument("--judgements", type=Path, required=True, help="CSV: task_id,field,value,reason")
    w.add_argument("--out", type=Path, required=True, help="ledger_<year>.xlsx to write")
    w.set_defaults(func=_cmd_workbook)

    t = sub.add_parser("template", help="生成各部门月度报送模板 / write monthly submission templates")
    t.add_argument("--month", required=True, help="YYYY-MM")
    t.add_argument("--department", action="append", help="只生成该部门（可重复，可用别名）/ only this department (repeatable, aliases accepted)")
    t.add_argument("--out", type=Path, default=Path("templates"))
    t.set_defaults(func=_cmd_template)

    v = sub.add_parser("validate", help="检查报回的报表并列出问题清单 / check returned workbooks and list their problems")
    v.add_argument("files", nargs="+", type=Path)
    v.add_argument("--out", type=Path, default=None, help="问题清单工作簿 / problems workbook to write")
    v.set_defaults(func=_cmd_validate)

    s = sub.add_parser("sample", help="生成一年的示例报表 / write a deterministic year of sample submissions")
    s.add_argument("--seed", type=int, default=2021)
    s.add_argument("--out", type=Path, default=None, help="default: data/raw/submissions")
    s.add_argument("--cities", type=int, default=1, help="number of cities (province scale)")
    s.add_argument("--departments", type=int, default=None,
                   help="departments per city (default: every scored department)")
    s.add_argument("--year", type=int, default=None,
                   help="计划年度 / the plan year sampled, from ledger_<year>.xlsx (default: the newest)")
    s.set_defaults(func=_cmd_sample)

    r = sub.add_parser("receive", help="登记收到的报表（记录收到时间）/ file a returned workbook into data/raw/submissions and record when")
    r.add_argument("files", nargs="+")
    r.add_argument("--month", default=None, help="YYYY-MM (default: from the cover block)")
    r.add_argument("--received-at", default=None, help="ISO time received (default: now)")
    r.add_argument("--city", default=None,
                   help="file under submissions/<city>/ (province layout; default: single city)")
    r.add_argument("--department", default=None,
                   help="the department (roster name or alias), for a file whose cover cannot be read")
    r.set_defaults(func=_cmd_receive)

    rep = sub.add_parser("report", help="生成报告（PDF、Word 和笔记本）/ run a report notebook and write its PDF and .docx")
    rep.add_argument("kind", choices=["monthly", "quarterly", "province"],
                     help="province: every city compared for a month")
    rep.add_argument("period", help="YYYY-MM for monthly and province, YYYYQn for quarterly")
    rep.add_argument("--data", type=Path, default=None, help="processed data folder")
    rep.add_argument("--out", type=Path, default=None, help="default: reports/")
    rep.add_argument("--no-pdf", action="store_true", help="只写执行后的笔记本 / executed notebook only (no PDF, no .docx)")
    rep.add_argument("--city", default=None,
                     help="报告哪个城市（月报、季报）/ the city of a monthly or quarterly report "
                          "(default: the only or default city in the data)")
    rep.set_defaults(func=_cmd_report)

    j = sub.add_parser("joint-list", help="汇总本月联合奖惩成效清单 / write the monthly joint reward/punishment result list")
    j.add_argument("--month", required=True, help="YYYY-MM")
    j.add_argument("--data", type=Path, default=None, help="processed data folder (default: data/processed)")
    j.add_argument("--out", type=Path, default=None,
                   help="xlsx to write, CSV beside it (default: reports/joint_list/联合奖惩成效清单_<month>.xlsx)")
    j.set_defaults(func=_cmd_joint_list)

    c = sub.add_parser("chase", help="write the month's chase pack (催办单): a page per department with what it owes")
    c.add_argument("month", help="YYYY-MM")
    c.add_argument("--data", type=Path, default=None, help="processed data folder (default: data/processed)")
    c.add_argument("--out", type=Path, default=None, help="reports folder (default: reports/); writes <out>/chase/<month>/")
    c.add_argument("--city", default=None, help="the city to chase (default: the only or default city)")
    c.add_argument("--no-pdf", action="store_true", help="workbook and summary only")
    c.set_defaults(func=_cmd_chase)

    c = sub.add_parser("calendar", help="the working-day calendar: a year's holidays and 调休 days, official or provisional")
    c.add_argument("year", nargs="?", default=None, help="YYYY (default: which years are official)")
    c.add_argument("--check", action="store_true", help="validate data/raw/holidays.csv (exit 1 on errors)")
    c.set_defaults(func=_cmd_calendar)
    lab = sub.add_parser("lab", help="打开 JupyterLab（root 用户也可） / open JupyterLab on the checkout (as root too)")
    lab.add_argument("--print-command", action="store_true",
                     help="只显示启动命令 / print the command instead of running it")
    lab.add_argument("jupyter_args", nargs=argparse.REMAINDER,
                     help="传给 JupyterLab 的参数 / arguments for JupyterLab, e.g. --no-browser --port 8890")
    lab.set_defaults(func=_cmd_lab)
    return p


def main(argv: list[str] | None = None) -> int:
    """Run one `ledger` command; its exit code (2 and one line on stderr for an expected mistake).

    Example::

        main(["calendar", "2027"])   # prints the year's holidays; -> 0
        main(["calendar", "27"])     # ledger calendar: 年份应为四位数字… / the year must be four digits…; -> 2
    """
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown and args.command != "lab":
        parser.parse_args(argv)  # the usual one-line usage error, exit 2
    if args.command == "lab":  # JupyterLab's own options (--port 8890 ...) pass through
        args.jupyter_args = [*unknown, *args.jupyter_args]
    previous_raw = os.environ.get(config.RAW_DIR_ENV)
    if args.raw is None:
        args.raw = config.raw_dir()
    else:  # every default, and the notebooks a report runs, read this raw folder
        os.environ[config.RAW_DIR_ENV] = str(Path(args.raw).resolve())
    try:
        return int(args.func(args) or 0)
    except (OSError, ValueError) as exc:
        # Expected mistakes (a bad month, a missing file, an unknown department): one line, exit 2.
        print(f"ledger {args.command}: {_message(exc)}", file=sys.stderr)
        return 2
    except Exception as exc:  # whatever the input: one line, never a traceback
        if args.command != "workbook":
            raise
        print(f"ledger {args.command}: {type(exc).__name__}: {_message(exc)}", file=sys.stderr)
        return 2
    finally:
        if previous_raw is None:
            os.environ.pop(config.RAW_DIR_ENV, None)
        else:
            os.environ[config.RAW_DIR_ENV] = previous_raw


def _message(exc: Exception) -> str:
    if isinstance(exc, OSError) and exc.filename is not None:
        import errno

        from .labels import CLI_MESSAGES, OS_ERROR_LABELS

        zh = OS_ERROR_LABELS.get(errno.errorcode.get(exc.errno or 0, ""), "文件操作失败")
        return CLI_MESSAGES["os_error"].format(zh=zh, en=exc.strerror, path=exc.filename)  # not "[Errno 2] ..."
    return " ".join(str(exc).split("\n")[:1]) or type(exc).__name__


if __name__ == "__main__":
    sys.exit(main())
