"""credit-ledger: parse, validate and report on work ledgers (台账).

The names most analysts need are importable from the package itself:
`read_ledger`, `assignments`, `load_roster`, `read_submission`, `working_day_deadline`,
`load_processed`.
"""
import os as _os

# openpyxl serialises through lxml when lxml is importable (python-docx brings it), and
# then writes different bytes (<v></v> for <v/>, namespaces placed otherwise). Workbooks
# must not depend on what else is installed: keep openpyxl's own writer, unless asked.
_os.environ.setdefault("OPENPYXL_LXML", "False")

from .ledger import assignments, load_ledger, read_ledger
from .roster import load_roster
from .submissions import read_submission
from .tables import load_processed
from .workdays import working_day_deadline

__all__ = ["assignments", "load_ledger", "load_processed", "load_roster", "read_ledger",
           "read_submission", "working_day_deadline"]
