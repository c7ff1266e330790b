"""`ledger sample`: a deterministic, realistic year of returned workbooks."""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ledgerlib import config, labels
from ledgerlib.intake import MANIFEST_NAME, ingest_submissions
from ledgerlib.sample import province_roster, synthetic_units, write_sample
from ledgerlib.workdays import working_day_deadline


def digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


SUBSET = dict(months=["2021-02", "2021-09"], departments=["法规科", "行政审批科", "运管科"])


def test_same_seed_same_bytes_and_subsets_agree(tmp_path, raw_dir):
    a = write_sample(tmp_path / "a", raw_dir=raw_dir, progress=False, workers=1, **SUBSET)
    b = write_sample(tmp_path / "b", raw_dir=raw_dir, progress=False, workers=1, **SUBSET)
    da, db = digests(a), digests(b)
    assert da == db
    assert sum(k.endswith(".xlsx") for k in da) >= 5 and MANIFEST_NAME in da
    # Every file is keyed by its own (city, department, month): a smaller subset writes
    # exactly the same bytes for the files it shares.
    month, name = sorted(k for k in da if k.endswith(".xlsx"))[-1].split("/")
    one = dict(months=[month], departments=[name.removesuffix(".xlsx")])
    c = write_sample(tmp_path / "c", raw_dir=raw_dir, progress=False, workers=1, **one)
    shared = {k: v for k, v in digests(c).items() if k.endswith(".xlsx")}
    assert shared and all(da[k] == v for k, v in shared.items())
    other = write_sample(tmp_path / "d", raw_dir=raw_dir, seed=7, progress=False, workers=1, **one)
    assert {k: v for k, v in digests(other).items() if k.endswith(".xlsx")} != shared


@pytest.fixture(scope="module")
def year(raw_dir, workbook_ledger, roster):
    """The demo year shipped in data/raw/submissions (read only), ingested."""
    out = raw_dir / "submissions"
    assert out.is_dir(), "the demo data set is missing: run `ledger sample`"
    return out, ingest_submissions(out, workbook_ledger, roster, progress=False)


def test_shipped_demo_set_is_what_ledger_sample_writes(tmp_path, raw_dir, year):
    """Regenerating some departments' year gives the shipped files byte for byte."""
    shipped = digests(year[0])
    depts = ["法规科", "行政审批科"]
    out = write_sample(tmp_path / "submissions", raw_dir=raw_dir, departments=depts, progress=False)
    fresh = digests(out)
    fresh_files = {k: v for k, v in fresh.items() if k.endswith(".xlsx")}
    assert len(fresh_files) >= 20
    assert fresh_files == {k: v for k, v in shipped.items()
                           if k.endswith(".xlsx") and k.split("/")[-1].split("_")[0].removesuffix(".xlsx") in depts}
    manifest = pd.read_csv(year[0] / MANIFEST_NAME, dtype=str)
    mine = pd.read_csv(out / MANIFEST_NAME, dtype=str)
    assert mine.merge(manifest, how="left", indicator=True)["_merge"].eq("both").all()


def test_year_covers_every_scored_department_with_gaps_lates_and_a_resubmission(year, assignments_table):
    out, tables = year
    log = tables["submissions_log"]
    scored = set(assignments_table["department"])
    assert set(log["department"]) == scored
    assert set(log["month"]) == {f"2021-{m:02d}" for m in range(1, 13)}
    current = log[~log["superseded"]]
    assert not current.duplicated(["department", "month"]).any()
    n_cells = len(scored) * 12
    assert 0 < n_cells - len(current) <= 0.08 * n_cells              # some months missing
    due = pd.to_datetime((pd.PeriodIndex(current["month"], freq="M") + 1).strftime("%Y-%m")) \
        + pd.Timedelta(days=config.SUBMISSION_DUE_DAY)
    late = current["received_at"].to_numpy() >= due.to_numpy()
    assert 0.03 < late.mean() < 0.2                                    # some late
    assert log["superseded"].sum() == 1                               # one resubmission
    assert set(log["received_source"]) == {"manifest", "cover"}       # a couple arrived by hand
    assert sorted(p.name for p in out.iterdir() if p.is_file()) == [MANIFEST_NAME]


def test_year_is_filled_the_way_people_fill_it(year):
    out, tables = year
    probs = tables["problems"]
    wrong = set(probs["problem"])
    assert labels.PROBLEM_LABELS["bad_status"] in wrong
    assert labels.PROBLEM_LABELS["publish_before_decision"] in wrong
    # Aliases on the cover resolve to the department; the files still load.
    assert labels.PROBLEM_LABELS["department_unknown"] not in wrong
    progress = tables["progress"]
    assert set(progress["status"]) >= {"done", "in_progress", "not_started", "not_applicable"}
    done = progress[progress["status"] == "done"]
    assert 0.95 < done["completion_date"].notna().mean() < 1      # a done task or two without its date


def test_year_publicity_spans_holidays_and_lands_on_the_deadline(year):
    pub = year[1]["publicity"]
    assert set(pub["category"]) == {"license", "penalty"}
    deadline = working_day_deadline(pub["decision_date"])
    naive = pd.to_datetime(np.busday_offset(pub["decision_date"].to_numpy().astype("datetime64[D]"),
                                            config.PUBLICITY_WORKING_DAYS, roll="forward"))
    # Nothing is dated after its file arrived: a decision published later is left blank.
    arrived = pub["file"].map(year[1]["submissions_log"].drop_duplicates("file").set_index("file")["received_at"])
    published = pub["publish_date"].notna()
    assert (pub.loc[published, "publish_date"] <= arrived[published]).all()
    assert (pub["decision_date"] <= arrived).all()
    assert 0 < (~published).sum() < 0.3 * len(pub)
    # Published since: listed again, dated, in the department's next return (blank before).
    key = ["city", "department", "decision_no"]
    twice = pub[pub.duplicated(key, keep=False)].sort_values("month", kind="mergesort")
    pairs = twice.drop_duplicates(key, keep="first").merge(twice.drop_duplicates(key, keep="last"), on=key,
                                                           suffixes=("", "_again"))
    assert len(pairs) > 10 and len(twice) == 2 * len(pairs)
    assert pairs["publish_date"].isna().all() and pairs["publish_date_again"].notna().all()
    assert (pd.to_datetime(pairs["month_again"]) == pd.to_datetime(pairs["month"]) + pd.DateOffset(months=1)).all()
    assert (pairs["decision_date"] == pairs["decision_date_again"]).all()
    on_time = pub["publish_date"] <= deadline
    assert 0.8 < on_time[published].mean() < 0.99               # most in time, a few late
    assert (pub["publish_date"] == deadline).sum() >= 10         # some exactly on the 7th working day
    spans = deadline.to_numpy() != naive.to_numpy()              # a holiday or 调休 lies between
    assert spans.sum() >= 30
    assert (spans & on_time & (pub["publish_date"] > naive)).any()  # late by plain counting only
    months_spanning = set(pub.loc[spans, "decision_date"].dt.month)
    assert {2, 4, 6, 9} <= months_spanning                       # Spring Festival … National Day
    assert (pub["decision_date"].dt.day_of_week >= 5).any()        # decisions on 调休 weekend days


def test_year_collection_and_shared_records_sit_on_the_thresholds(year):
    tables = year[1]
    c = tables["collection"].dropna(subset=["total_entities", "collected_entities"])
    ratio = c["collected_entities"] / c["total_entities"]
    assert 0.4 < (ratio >= config.COLLECTION_THRESHOLD).mean() < 0.95
    assert (c["collected_entities"] * 5 == c["total_entities"] * 4).any()      # exactly 80%
    assert ((ratio < 0.80) & (ratio >= 0.79)).any()                            # 79.x%
    s = tables["shared_records"]
    assert (s["n_indicators"] == len(labels.SHARED_INDICATOR_HEADERS)).all()
    assert ((s["n_filled"] == 6) & (s["n_indicators"] == 10)).sum() >= 10      # exactly 6 of 10
    assert 0.5 < (s["filled_ratio"] >= config.SHARED_RECORD_THRESHOLD).mean() < 0.95


def test_year_quarterly_obligations_mostly_met(year):
    acts = year[1]["activities"]
    acts = acts.assign(quarter=acts["date"].dt.quarter)
    per_q = acts.groupby(["activity_type", "quarter"])["count"].sum().unstack(fill_value=0)
    study = per_q.loc["study_session"].reindex(range(1, 5), fill_value=0)
    meeting = per_q.loc["special_meeting"].reindex(range(1, 5), fill_value=0)
    both = (study >= 1) & (meeting >= 1)
    assert both.sum() == 3                                        # one quarter missing one
    cases = per_q.loc["case_published"].reindex(range(1, 5), fill_value=0)
    assert 1.5 <= cases.mean() <= 3 and (cases >= 2).sum() >= 2
    monthly = acts[acts["activity_type"] == "result_list_submitted"].groupby(acts["date"].dt.month).size()
    assert 9 <= len(monthly) < 12                                 # most months, a miss or two


def test_province_sample_adds_cities_and_synthetic_units(tmp_path, raw_dir, workbook_ledger, roster,
                                                         assignments_table):
    n_real = assignments_table["department"].nunique()
    extra = synthetic_units(2)
    out = write_sample(tmp_path / "province", raw_dir=raw_dir, cities=2, departments_per_city=n_real + 2,
                       months=["2021-03"], departments=["法规科", *extra], progress=False, workers=1)
    cities = labels.PROVINCE_CITIES[:2]
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == sorted(cities)
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.xlsx"))
    assert all(f.split("/")[1] == "2021-03" for f in files)
    tables = ingest_submissions(out, workbook_ledger, province_roster(roster, n_real + 2, assignments_table),
                                progress=False)
    log = tables["submissions_log"]
    assert set(log["city"]) == set(cities)
    assert set(extra) <= set(log["department"])
    assert labels.PROBLEM_LABELS["department_unknown"] not in set(tables["problems"]["problem"])
    # A synthetic unit reports on the tasks of the department it copies.
    assert len(tables["progress"][tables["progress"]["department"] == extra[0]]) > 0


def test_a_bureaus_second_year_samples_the_newest_plan_or_the_year_asked(tmp_path, raw_dir, capsys):
    """Next year's plan made the way a bureau makes it: the notice with its year moved on,
    through `ledger workbook`. `ledger sample` then samples 2022; `--year 2021` the old plan,
    byte for byte the files the 2021 ledger alone gives; a year without a ledger is one line."""
    import shutil

    from ledgerlib.cli import main

    raw = tmp_path / "raw"
    raw.mkdir()
    for name in ("ledger_2021.xlsx", "departments.csv"):
        shutil.copy(raw_dir / name, raw / name)
    plan, judged = tmp_path / "plan_2022.txt", tmp_path / "j_2022.csv"
    plan.write_text((raw_dir / "anyang_credit_ledger_2021_notice.txt").read_text(encoding="utf-8")
                    .replace("2021", "2022"), encoding="utf-8")
    judged.write_text((raw_dir / "ledger_2021_judgements.csv").read_text(encoding="utf-8").replace("2021", "2022"),
                      encoding="utf-8")
    assert main(["--raw", str(raw), "workbook", str(plan), "--judgements", str(judged),
                 "--out", str(raw / "ledger_2022.xlsx")]) == 0
    months = ["2022-03"]
    newest = write_sample(out_dir=tmp_path / "newest", raw_dir=raw, months=months, workers=1, progress=False)
    assert sorted(p.name for p in newest.iterdir() if p.is_dir()) == ["2022-03"]
    old = write_sample(out_dir=tmp_path / "old", raw_dir=raw, months=["2021-03"], workers=1, progress=False,
                       year=2021)
    alone = tmp_path / "alone"
    alone.mkdir()
    for name in ("ledger_2021.xlsx", "departments.csv"):
        shutil.copy(raw_dir / name, alone / name)
    only = write_sample(out_dir=tmp_path / "only", raw_dir=alone, months=["2021-03"], workers=1, progress=False)
    assert digests(old) == digests(only) and any(p.suffix == ".xlsx" for p in (old / "2021-03").iterdir())
    capsys.readouterr()
    assert main(["--raw", str(raw), "sample", "--year", "2019", "--out", str(tmp_path / "none")]) == 2
    err = capsys.readouterr().err
    assert "ledger_2019.xlsx" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "none").exists()
