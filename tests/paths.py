"""Where the repository's real raw data lives, for tests (read-only)."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"
NOTICE = RAW / "anyang_credit_ledger_2021_notice.txt"
WORKBOOK = RAW / "ledger_2021.xlsx"
