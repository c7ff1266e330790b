"""Blank 公示日期 judged: a decision not yet published may be left blank while its deadline is ahead.

The reader, which runs without the calendar (in the build's workers, and in `ledger
validate`), warns of every blank publication date beside a decision date as 未填写公示日期.
Once the deadlines are known (the 7th working day after each decision, `metrics.publicity_deadlines`)
and the file's arrival, this module keeps that warning only where the deadline had passed
when the file arrived. `ledger build` and `ledger receive` apply it. docs/data-contract.md
"problems".
"""
from __future__ import annotations

import pandas as pd

from .labels import EXPECTED_LABELS, PROBLEM_LABELS


def blank_publication_warnings(problems: pd.DataFrame) -> pd.Series:
    """True for each of the reader's 未填写公示日期 warnings, the rows `judge_blank_publications` judges.

    >>> bool(blank_publication_warnings(data["problems"]).any())   # the build judged them already
    False
    """
    return problems["problem"].eq(PROBLEM_LABELS["publish_date_blank"]) & problems["field"].eq("publish_date")


def judge_blank_publications(problems: pd.DataFrame, publicity: pd.DataFrame,
                             log: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The reader's 未填写公示日期 warnings judged on the calendar -> (problems, log).

    A decision not yet published may be left blank while its deadline (publicity.deadline,
    the 7th working day after it) is still ahead. Each warning is matched to its 双公示 row
    (file and row number) and its file's arrival (submissions_log.received_at): deadline on
    or after the day the file arrived -> dropped, and its file's n_warnings counts one less;
    deadline before that day -> kept as 未填写公示日期，收到文件时已过公示期限, both dates
    named; no deadline (decision date unreadable) or no arrival time -> kept as it is.

    >>> problems, log = judge_blank_publications(data["problems"], data["publicity"], data["submissions_log"])
    >>> len(problems) == len(data["problems"])   # the build judged them already
    True
    """
    blank = blank_publication_warnings(problems)
    if not blank.any():
        return problems, log
    p = problems[blank]
    row = pd.to_numeric(p["cell"].str.extract(r"(\d+)$", expand=False), errors="coerce")
    deadlines = publicity.drop_duplicates(["file", "row"]).set_index(["file", "row"])["deadline"]
    deadline = pd.Series([deadlines.get((f, int(r)), pd.NaT) if pd.notna(r) else pd.NaT
                          for f, r in zip(p["file"], row)], index=p.index, dtype="datetime64[us]")
    arrived = log.drop_duplicates("file").set_index("file")["received_at"].dt.normalize()
    received = p["file"].map(arrived).astype("datetime64[us]")
    known = deadline.notna() & received.notna()
    not_due = known & (deadline >= received)
    overdue = known & (deadline < received)
    out = problems.copy()
    out.loc[overdue[overdue].index, "problem"] = PROBLEM_LABELS["publish_overdue_blank"]
    out.loc[overdue[overdue].index, "expected"] = [
        EXPECTED_LABELS["published_by"].format(deadline=d.date().isoformat(), received=r.date().isoformat())
        for d, r in zip(deadline[overdue], received[overdue])]
    dropped = not_due[not_due].index
    if len(dropped):
        out = out.drop(index=dropped).reset_index(drop=True)
        fewer = p.loc[dropped, "file"].value_counts()
        log = log.copy()
        log["n_warnings"] = (log["n_warnings"] - log["file"].map(fewer).fillna(0)).astype(log["n_warnings"].dtype)
    return out, log
