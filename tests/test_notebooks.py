"""The notebooks' parameter cells as papermill reads them, and the explore notebook for an analyst."""
from __future__ import annotations

import ast
import logging
from pathlib import Path

import nbformat
import papermill as pm
import pytest

from ledgerlib import config, labels, reports

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_papermill_reads_every_parameter_without_a_warning(path, caplog):
    nb = nbformat.read(path, as_version=4)
    (cell,) = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assigned = [n.target.id if isinstance(n, ast.AnnAssign) else n.targets[0].id
                for n in ast.parse(cell.source).body]
    with caplog.at_level(logging.WARNING, logger="papermill"):
        found = pm.inspect_notebook(str(path))
    assert not [r for r in caplog.records if "Unable to parse" in r.getMessage()]
    assert list(found) == assigned  # none silently dropped
    assert all(p["help"] for p in found.values())  # each says what it is (--help-notebook)


def test_explore_resolves_an_alias_and_says_what_the_month_holds(processed, tmp_path):
    # (A month nobody returned is said in so many words: summaries.month_note's examples.)
    out = tmp_path / "explore.ipynb"
    result = reports.execute_notebook(reports.notebooks_dir() / "explore.ipynb", out,
                                      {"month": "2021-06", "department": "执法支队", "data_dir": str(processed)},
                                      cwd=config.project_root(), progress=False)
    assert result.ok, result.error
    nb = nbformat.read(out, as_version=4)
    printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "2021-06：" in printed and "个部门报送了本月报表" in printed
    assert "交通运输综合行政执法支队" in printed
    last = nb.cells[-1].outputs[-1]["data"]["text/plain"]
    assert labels.COLUMN_LABELS["task_id"] in last and "T" in last  # its tasks, not an empty table


def test_explore_refuses_a_name_the_roster_does_not_know(processed, tmp_path):
    result = reports.execute_notebook(reports.notebooks_dir() / "explore.ipynb", tmp_path / "e.ipynb",
                                      {"department": "不存在科", "data_dir": str(processed)},
                                      cwd=config.project_root(), progress=False)
    assert not result.ok and "不存在科" in result.error and "运管科" in result.error
