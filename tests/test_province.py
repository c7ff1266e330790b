"""The province report: cities compared for a month, on a multi-city sample built the real way.

The data set is written by `sample.write_sample(cities=3)` into submissions/<city>/<month>/,
ingested by `build.build`, and read back from the processed tables, as `ledger sample
--cities 3` and `ledger build` do.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from ledgerlib import bureau, cli, config, display, labels, metrics, province, reports, tables
from ledgerlib.build import build
from ledgerlib.sample import city_names, write_sample

from paths import RAW
from plans import one_dated_task

MONTH = "2021-06"
MONTHS = ["2021-05", "2021-06"]
CITIES = city_names(3)


def _raw_copy(root: Path) -> Path:
    """A raw folder holding the repository's ledger workbook and roster (never data/raw itself)."""
    raw = root / "raw"
    raw.mkdir(parents=True)
    shutil.copy2(RAW / "ledger_2021.xlsx", raw / "ledger_2021.xlsx")
    shutil.copy2(RAW / "departments.csv", raw / "departments.csv")
    return raw


@pytest.fixture(scope="module")
def province_raw(tmp_path_factory) -> Path:
    raw = _raw_copy(tmp_path_factory.mktemp("province"))
    write_sample(out_dir=raw / "submissions", seed=11, raw_dir=RAW, cities=3, departments_per_city=4,
                 months=MONTHS, workers=1, progress=False)
    return raw


@pytest.fixture(scope="module")
def processed(province_raw, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("processed")
    build(province_raw, out, progress=False)
    return out


@pytest.fixture(scope="module")
def data(processed) -> dict[str, pd.DataFrame]:
    return tables.load_processed(processed)


@pytest.fixture(scope="module")
def comparison(data) -> pd.DataFrame:
    return province.city_comparison(data, MONTH)


def test_sample_is_laid_out_by_city(province_raw, data):
    assert sorted(p.name for p in (province_raw / "submissions").iterdir() if p.is_dir()) == sorted(CITIES)
    assert set(data["submissions_log"]["city"]) == set(CITIES)


def test_one_row_per_city_with_the_cities_own_figures(data, comparison):
    assert sorted(comparison["city"]) == sorted(CITIES)
    assert comparison["city"].is_unique
    summary = metrics.monthly_summary(data, MONTH).set_index("city")
    for row in comparison.itertuples():
        # The same city totals the city's own monthly report shows.
        assert row.done_rate == pytest.approx(summary.loc[row.city, "done_rate"])
        assert row.n_overdue == summary.loc[row.city, "n_overdue"]
        assert row.n_missing == summary.loc[row.city, "n_missing"]
    # Only 4 of the scored departments return anything: the others are missing in every city.
    n_depts = data["assignments"]["department"].nunique()
    assert (comparison["n_missing"] >= n_depts - 4).all()


def test_rates_are_shares_and_submission_rate_counts_returns(data, comparison):
    for col in ("done_rate", "on_time_rate", "submission_rate", "collection_rate", "publicity_rate",
                "shared_record_rate", "kpi_pass_rate", "score"):
        vals = comparison[col].dropna()
        assert ((vals >= 0) & (vals <= 1)).all(), col
    # On-time submission rate from the compliance table itself, city by city.
    comp = metrics.submission_compliance(data["assignments"], data["submissions_log"], [MONTH], cities=CITIES)
    for city, group in comp.groupby("city"):
        expected = (group["status"] == "on_time").sum() / len(group)
        assert comparison.set_index("city").loc[city, "submission_rate"] == pytest.approx(expected)


def test_ranking_follows_the_score(comparison):
    assert comparison["rank"].iloc[0] == 1
    assert comparison["score"].is_monotonic_decreasing
    assert comparison["rank"].is_monotonic_increasing
    # The score is the mean of the available rates it names.
    mean = comparison[list(province.SCORE_COLUMNS)].mean(axis=1, skipna=True)
    assert comparison["score"].tolist() == pytest.approx(mean.tolist())


def test_kpi_verdicts_match_the_city_totals(data, comparison):
    k = metrics.kpis(data["collection"], data["shared_records"], data["publicity"], MONTH)
    k = k[k["department"] == metrics.ALL_DEPARTMENTS]
    matrix = province.kpi_matrix(comparison)
    assert matrix.index.tolist() == comparison["city"].tolist()
    assert list(matrix.columns) == list(labels.KPI_LABELS)
    for row in k.itertuples():
        got = matrix.loc[row.city, row.kpi]
        assert (pd.isna(got) and pd.isna(row.passed)) or got == row.passed, (row.city, row.kpi)
    # The ledger sets no target for the shared-record rate: never judged.
    assert matrix["shared_record_quality"].isna().all()
    judged = matrix.notna().sum(axis=1)
    assert comparison.set_index("city")["n_kpis_judged"].reindex(matrix.index).tolist() == judged.tolist()


def test_overdue_by_city_counts_every_overdue_assignment(data):
    most = province.overdue_by_city(data, MONTH)
    status = metrics.assignment_status(data["ledger"], data["assignments"], data["progress"], MONTH,
                                       cities=CITIES)
    per_city = status[status["status"] == "overdue"].groupby("city").size()
    assert most.set_index("city")["n_overdue"].to_dict() == per_city.to_dict()
    assert most["n_overdue"].is_monotonic_decreasing
    assert province.overdue_by_city(data, MONTH, top=1)["city"].tolist() == most["city"].head(1).tolist()
    tasks = set(status.loc[status["status"] == "overdue", "task_id"])
    assert all(set(t.split("、")) <= tasks for t in most["tasks_overdue"])


def _two_cities_one_claim() -> dict[str, pd.DataFrame]:
    """T1 due 2021-03-31, assigned to 法规科 and 运管科 in two cities. In April each city's
    法规科 reports T1 不适用 and its 运管科 reports it in progress: all four are past due."""
    ledger, assignments = one_dated_task("2021-03-31", "2021年3月")
    rows = [(city, dept, "2021-04", "T1", status, None, "")
            for city in ("安阳市", "鹤壁市")
            for dept, status in (("法规科", "not_applicable"), ("运管科", "in_progress"))]
    progress = pd.DataFrame(rows, columns=["city", "department", "month", "task_id", "status",
                                           "completion_date", "progress_note"])
    progress["completion_date"] = pd.to_datetime(progress["completion_date"])
    return {"ledger": ledger, "assignments": assignments, "progress": progress}


def test_an_approved_not_applicable_leaves_only_its_own_citys_figures():
    data = _two_cities_one_claim()
    # 安阳市's regulations section approved its 法规科's 不适用; 鹤壁市's is only claimed.
    approvals = pd.DataFrame({"city": ["安阳市"], "task_id": ["T1"], "department": ["法规科"],
                              "approved_on": pd.to_datetime(["2021-04-10"])})
    comp = province.city_comparison(data, "2021-04", approvals=approvals).set_index("city")
    # 安阳市: one assignment left (运管科, overdue); 鹤壁市: both stay, both overdue.
    assert comp.loc["安阳市", ["n_assignments", "n_overdue"]].tolist() == [1, 1]
    assert comp.loc["鹤壁市", ["n_assignments", "n_overdue"]].tolist() == [2, 2]
    assert comp.loc["安阳市", "done_rate"] == 0 and comp.loc["鹤壁市", "done_rate"] == 0
    late = province.overdue_by_city(data, "2021-04", approvals=approvals).set_index("city")
    assert late["n_overdue"].to_dict() == {"鹤壁市": 2, "安阳市": 1}
    assert late.loc["安阳市", "n_departments_overdue"] == 1
    # Without the approval list both cities' 法规科 stay in, overdue (a claim is no excuse).
    plain = province.city_comparison(data, "2021-04").set_index("city")
    assert plain["n_assignments"].to_dict() == {"安阳市": 2, "鹤壁市": 2}
    assert province.overdue_by_city(data, "2021-04")["n_overdue"].tolist() == [2, 2]


def test_a_city_whose_returns_are_gone_shows_every_return_missing(province_raw, tmp_path):
    raw = _raw_copy(tmp_path)
    shutil.copytree(province_raw / "submissions", raw / "submissions")
    gone = CITIES[-1]
    shutil.rmtree(raw / "submissions" / gone / MONTH)  # its June returns never arrived
    build(raw, tmp_path / "processed", progress=False)
    data = tables.load_processed(tmp_path / "processed")
    comp = province.city_comparison(data, MONTH).set_index("city")
    n_depts = data["assignments"]["department"].nunique()
    assert comp.loc[gone, "n_missing"] == n_depts
    assert comp.loc[gone, "submission_rate"] == 0
    assert (comp.drop(index=gone)["n_missing"] < n_depts).all()
    # A city asked for by name with no data at all is compared too, with nothing returned.
    asked = province.city_comparison(data, MONTH, cities=[*CITIES, "商丘市"]).set_index("city")
    assert asked.loc["商丘市", "n_missing"] == n_depts
    assert asked.loc["商丘市", "rank"] == asked["rank"].max()


def test_one_city_still_compares():
    shipped = config.processed_dir()
    if not (shipped / "ledger.parquet").exists():
        pytest.skip("run `ledger build` for the shipped single-city data")
    one = province.city_comparison(tables.load_processed(shipped), MONTH)
    assert one["city"].tolist() == [bureau.default_city()]
    assert one["rank"].tolist() == [1]


def test_province_report_end_to_end(processed, tmp_path, capsys):
    rc = cli.main(["report", "province", MONTH, "--data", str(processed), "--out", str(tmp_path)])
    assert rc == 0, capsys.readouterr().err
    nb_path, pdf_path = reports.report_paths("province", MONTH, tmp_path)
    assert nb_path.name == f"province_report_{MONTH}.ipynb" and pdf_path.exists()
    text = "\n".join(page.extract_text() or "" for page in PdfReader(pdf_path).pages)
    for city in CITIES:
        assert city in text
    for key in ("province_headline", "province_chart", "province_matrix", "province_overdue"):
        assert labels.REPORT_LABELS[key] in text, key
    assert labels.REPORT_LABELS["province_single_city"].split("（")[0] not in text
    assert "province." not in text and "NBVAL" not in text
    assert (nb_path.parent / f"cities_{MONTH}.csv").exists()


def test_province_report_leaves_out_the_approved_not_applicable(province_raw, processed, data, tmp_path, capsys):
    """`ledger --raw DIR report province`: DIR's approvals reach the report, one city only."""
    status = metrics.assignment_status(data["ledger"], data["assignments"], data["progress"], MONTH,
                                       cities=CITIES)
    city = status.loc[status["status"] == "na_claimed", "city"].iloc[0]
    claims = status[(status["city"] == city) & (status["status"] == "na_claimed")]
    raw = _raw_copy(tmp_path)
    lines = ["city,task_id,department,approved_on,approved_by,reason"]
    lines += [f"{city},{c.task_id},{c.department},2021-01-01,法规科,不承担" for c in claims.itertuples()]
    lines.append(f"{city},{claims['task_id'].iloc[0]},不存在科,2021-01-01,法规科,写错的部门")
    (raw / "not_applicable_approvals.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    shown, notes = {}, {}
    for name, args in (("plain", []), ("approved", ["--raw", str(raw)])):
        out = tmp_path / name
        assert cli.main([*args, "report", "province", MONTH, "--data", str(processed), "--out", str(out),
                         "--no-pdf"]) == 0, capsys.readouterr().err
        nb_path = reports.report_paths("province", MONTH, out)[0]
        csv = pd.read_csv(nb_path.parent / f"cities_{MONTH}.csv", dtype=str)
        shown[name] = dict(zip(csv[labels.COLUMN_LABELS["city"]], csv[labels.COLUMN_LABELS["done_rate"]]))
        notes[name] = labels.REPORT_LABELS["approvals_problems"].format(n=1) in nb_path.read_text(encoding="utf-8")
    # The city's approved claims leave its figures: done ÷ (assignments - approved), cut (not
    # rounded) to 0.1%; every other city keeps its own.
    mine = status[status["city"] == city]
    tenths = int(mine["done"].sum()) * 1000 // (len(mine) - len(claims))
    assert shown["approved"] == {**shown["plain"], city: f"{tenths // 10}.{tenths % 10}%"}
    assert shown["approved"][city] != shown["plain"][city]
    # The row naming no real department is said in the report, and the valid rows still count.
    assert notes == {"plain": False, "approved": True}


def test_province_period_is_a_month(tmp_path, capsys):
    assert reports.run_report("province", "2021Q2", data_dir=tmp_path, out_dir=tmp_path) == 2
    assert "YYYY-MM" in capsys.readouterr().err


def test_grouped_bars_draw_each_rate_of_each_city_and_skip_missing():
    from ledgerlib import charts

    charts.setup_fonts()
    df = pd.DataFrame({"city": ["甲市", "乙市", "丙市"], "a": [0.5, 1.0, None], "b": [0.25, 0.0, 0.8]})
    fig = charts.grouped_rate_bars(df, "city", {"a": "A", "b": "B"}, title="t")
    ax = fig.axes[0]
    widths = sorted(round(p.get_width(), 2) for p in ax.patches)
    assert widths == [0.0, 0.25, 0.5, 0.8, 1.0]  # five bars: 丙市 has no rate `a`
    # First city at the top.
    assert [t.get_text() for t in ax.get_yticklabels()] == ["丙市", "乙市", "甲市"]
    assert charts.to_png(fig).startswith(b"\x89PNG")


def test_nowrap_column_cells_carry_the_class():
    df = pd.DataFrame({"city": ["平顶山市"], "done_rate": [0.5]})
    markup = display.ReportTable(df, labels.COLUMN_LABELS, percent=("done_rate",), nowrap=("city",))._repr_html_()
    assert '<td class="nowrap">平顶山市</td>' in markup
    assert '<td class="num">50.0%</td>' in markup
