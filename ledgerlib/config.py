"""Settings that the ledger leaves to the bureau: thresholds, due days, paths.

Every number here comes from the notice or the SPEC; change it here, not in code.
See docs/metrics.md for where each comes from.
"""
from __future__ import annotations

import os
from pathlib import Path

#: Day of the next month by which a monthly submission counts as on time ("by the 5th").
SUBMISSION_DUE_DAY: int = 5
#: 归集本业务领域80%（含）以上市场主体信用信息 — inclusive.
COLLECTION_THRESHOLD: float = 0.80
#: 记录不为空的指标占60%以上为合格记录 — 以上 includes 60%.
SHARED_RECORD_THRESHOLD: float = 0.60
#: 双公示: 自作出行政决定之日起7个工作日内向社会公示.
PUBLICITY_WORKING_DAYS: int = 7
# --- Supervision bulletin defaults (a bureau overrides them in data/raw/lights.toml and
# scoring.toml; docs/metrics.md "Lights" and "Scores").
#: 三色预警: the light each condition gives ("red", "amber" or "none").
LIGHT_RULES: dict[str, str] = {
    "overdue": "red",        # the due date has passed, not done
    "no_return": "red",      # the department sent no return for the month
    "kpi_below": "red",      # a KPI of the department's own figures for the month below its line
    "due_soon": "amber",     # due within DUE_SOON_DAYS after the month's end, not done
    "no_progress": "amber",  # an ongoing task with no progress reported this month
    "na_claimed": "none",    # 不适用 reported but not approved (listed either way)
}
#: Amber when a task not done falls due within this many days of the report's as-of day.
DUE_SOON_DAYS: int = 30
#: 临近提醒: tasks falling due next month, or within this many days.
DUE_NEXT_DAYS: int = 30
#: 考核: points of each component; a component without a figure is left out and the others rescaled.
SCORE_WEIGHTS: dict[str, float] = {"tasks": 50.0, "returns": 20.0, "kpis": 20.0, "obligations": 10.0}
#: Share of an assignment's points (分值, 1 when the plan gives none) each status earns.
SCORE_STATUS_CREDIT: dict[str, float] = {
    "done_on_time": 1.0, "done_late": 0.6, "on_track": 1.0, "in_progress": 0.8,
    "due_this_month": 0.8, "overdue": 0.0, "not_reported": 0.0, "na_claimed": 0.5,
}
#: Share of the returns component each month's return earns.
SCORE_RETURN_CREDIT: dict[str, float] = {"on_time": 1.0, "late": 0.5, "unknown": 0.5, "missing": 0.0}
#: Fonts named in Word files: every Chinese-language office has 宋体 and 黑体 (LibreOffice
#: substitutes an installed CJK font); Latin letters and digits in Times New Roman.
DOCX_FONTS: dict[str, str] = {"east_asia": "宋体", "heading_east_asia": "黑体", "latin": "Times New Roman"}


def project_root() -> Path:
    """The checkout root: the folder holding data/, notebooks/ and reports/.

    Found from the working directory upwards, so the CLI and notebooks work from any
    sub-folder; falls back to the package's parent for an editable install.

    Example::

        >>> (project_root() / "ledgerlib").is_dir()
        True
    """
    here = Path.cwd().resolve()
    for cand in (here, *here.parents):
        if (cand / "data" / "raw").is_dir() and (cand / "ledgerlib").is_dir():
            return cand
    return Path(__file__).resolve().parent.parent


#: Environment variable naming the raw-data folder: `ledger --raw DIR` sets it, so notebooks
#: the command runs (papermill kernels are child processes) read the same bureau files.
RAW_DIR_ENV = "LEDGER_RAW_DIR"


def raw_dir() -> Path:
    """data/raw of the checkout, or the folder `ledger --raw DIR` named.

    Example::

        >>> raw_dir().relative_to(project_root()).as_posix()  # without `ledger --raw DIR`
        'data/raw'
    """
    override = os.environ.get(RAW_DIR_ENV)
    return Path(override) if override else project_root() / "data" / "raw"


def processed_dir() -> Path:
    """data/processed of the checkout: what `ledger build` writes.

    Example::

        >>> processed_dir().relative_to(project_root()).as_posix()
        'data/processed'
    """
    return project_root() / "data" / "processed"


def reports_dir() -> Path:
    """reports/ of the checkout: where report runs and lists go.

    Example::

        >>> reports_dir().name
        'reports'
    """
    return project_root() / "reports"
