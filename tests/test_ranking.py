"""ledgerlib.ranking: departments ranked by the mean of their rates."""
from __future__ import annotations

import pandas as pd

from ledgerlib import ranking


def test_department_ranking_skips_missing_rates_and_shares_ties():
    parts = pd.DataFrame({"department": ["乙", "甲", "丙", "丁"],
                          "a": [1.0, 0.5, 0.5, None], "b": [None, 1.0, 1.0, None]})
    r = ranking.department_ranking(parts, ["a", "b"])
    # 乙: mean of 1.0 only; 甲 and 丙 tie at 0.75 and share rank 2; 丁 has no rate: last, unranked.
    assert r["department"].tolist() == ["乙", "丙", "甲", "丁"]
    assert r["score"].tolist()[:3] == [1.0, 0.75, 0.75]
    assert r["rank"].tolist()[:3] == [1, 2, 2] and pd.isna(r["rank"].iloc[3])
