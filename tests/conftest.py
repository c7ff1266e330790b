"""Shared fixtures: the real raw data of the repository, read-only."""
from __future__ import annotations

import os
import warnings

# As ledgerlib/__init__.py does: openpyxl's writer must not depend on whether lxml (which
# python-docx brings) is installed, even when a test module imports openpyxl first.
os.environ.setdefault("OPENPYXL_LXML", "False")
from pathlib import Path

import pytest

from paths import NOTICE, RAW, WORKBOOK


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    return RAW


@pytest.fixture(scope="session")
def roster():
    from ledgerlib.roster import load_roster

    return load_roster(RAW)


@pytest.fixture(scope="session")
def notice_ledger(roster):
    from ledgerlib.notice import LedgerParseWarning, parse_notice

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LedgerParseWarning)
        return parse_notice(NOTICE, roster)


@pytest.fixture(scope="session")
def workbook_ledger(roster):
    from ledgerlib.ledger import read_ledger

    return read_ledger(WORKBOOK, roster)


@pytest.fixture(scope="session")
def assignments_table(workbook_ledger, roster):
    from ledgerlib.ledger import assignments

    return assignments(workbook_ledger, roster)


@pytest.fixture(scope="session")
def processed(tmp_path_factory) -> Path:
    """The demo data's processed tables: data/processed when `ledger build` has run (as
    `./run.sh test` does first), else a fresh build under tmp."""
    from ledgerlib import config

    if (config.processed_dir() / "ledger.parquet").exists():
        return config.processed_dir()
    from ledgerlib.build import build

    out = tmp_path_factory.mktemp("processed")
    build(raw_dir=config.raw_dir(), out_dir=out, progress=False)
    return out
