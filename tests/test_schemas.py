"""The pandera schemas hold the build to docs/data-contract.md."""
from __future__ import annotations

import re

import pandas as pd
import pytest

from ledgerlib.schemas import SCHEMAS, ContractError, validate_table
from ledgerlib.tables import TABLES
from paths import ROOT


def test_every_processed_table_has_a_schema_and_a_documented_column_list():
    assert set(SCHEMAS) == set(TABLES)
    doc = (ROOT / "docs" / "data-contract.md").read_text(encoding="utf-8")
    for name, schema in SCHEMAS.items():
        for column in schema.columns:
            assert re.search(rf"\b{column}\b", doc), f"{name}.{column} is not in docs/data-contract.md"


def test_the_real_ledger_and_assignments_conform(workbook_ledger, assignments_table):
    validate_table("ledger", workbook_ledger)
    validate_table("assignments", assignments_table)


def test_a_wrong_value_a_missing_column_and_a_stray_column_are_caught(workbook_ledger):
    bad = workbook_ledger.copy()
    bad.loc[0, "deadline_kind"] = "soon"
    with pytest.raises(ContractError, match="deadline_kind"):
        validate_table("ledger", bad)
    with pytest.raises(ContractError, match="due_date"):
        validate_table("ledger", workbook_ledger.drop(columns="due_date"))
    with pytest.raises(ContractError):
        validate_table("ledger", workbook_ledger.assign(extra=1))


def test_a_dated_task_without_a_due_date_is_caught(workbook_ledger):
    bad = workbook_ledger.copy()
    bad.loc[bad["deadline_kind"] == "date", "due_date"] = pd.NaT
    with pytest.raises(ContractError, match="dated tasks"):
        validate_table("ledger", bad)


def test_problem_cells_are_a1_references():
    row = {"file": "f.xlsx", "sheet": "任务进展", "cell": "E5", "field": "status", "value": "基本完成",
           "problem": "无法识别的进展状态", "expected": "已完成", "severity": "error",
           "city": "安阳市", "department": "监管科", "month": "2021-01"}
    validate_table("problems", pd.DataFrame([row]))
    with pytest.raises(ContractError, match="cell"):
        validate_table("problems", pd.DataFrame([{**row, "cell": "row 5"}]))


def test_checking_a_table_does_not_import_hypothesis_which_stays_importable():
    # pandera imports hypothesis when installed (0.13 s a process that checks); the build never needs it.
    import subprocess
    import sys

    code = ("import sys; from ledgerlib.schemas import validate_table; from ledgerlib.tables import empty_table; "
            "validate_table('progress', empty_table('progress')); print('hypothesis' in sys.modules); "
            "import hypothesis.strategies; print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "ok"]
