"""credit-ledger: parse, validate and report on work ledgers (台账).

The names most analysts need are importable from the package itself:
`read_ledger`, `assignments`, `load_roster`, `read_submission`, `working_day_deadline`,
`load_processed`.
"""
import os

# python-docx brings lxml, and openpyxl then serialises XML differently: written workbooks
# must not depend on which libraries happen to be installed, so openpyxl keeps its
# standard-library writer (set before anything imports openpyxl).
os.environ.setdefault("OPENPYXL_LXML", "False")

from .ledger import assignments, load_ledger, read_ledger
from .roster import load_roster
from .submissions import read_submission
from .tables import load_processed
from .workdays import working_day_deadline

__all__ = ["assignments", "load_ledger", "load_processed", "load_roster", "read_ledger",
           "read_submission", "working_day_deadline"]
