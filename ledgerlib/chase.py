"""催办: what each department owes this month, and `ledger chase` — the pack that asks for it.

The chase items of a month are its red and amber lights (overdue, due soon, no progress,
KPIs below their line, …) plus one line per missing return; each department with an item
is chased, addressed to the 填报人 of its last return. `ledger chase 2021-06` writes
reports/chase/2021-06/:

- 催办单_2021-06.pdf   one page per department (HTML -> WeasyPrint, the report route);
- 催办清单_2021-06.xlsx every chase item, and the summary (xlsx.put: text never a formula);
- 催办汇总_2021-06.csv  who is chased (also shown in the monthly report).

Example::

    items = chase_items(b.lights, b.compliance)
    chase_summary(items, data["submissions_log"], "2021-06")
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from . import config, labels, metrics
from .display import ReportTable, write_csv
from .lights import LIGHT_ORDER
from .bureau import title_words

#: Cell fills of the lights in the workbook (the PDF's colours, report.css).
LIGHT_FILLS = {"red": "E53935", "amber": "FFB300", "green": "43A047"}
ITEM_COLUMNS = ["city", "department", "item", "task_id", "kpi", "light", "reasons", "reason", "due_date",
                "flags"]
SUMMARY_COLUMNS = ["city", "department", "light", "n_red", "n_amber", "missing_return",
                   "last_return_month", "filled_by"]


def chase_items(lights: pd.DataFrame, compliance: pd.DataFrame,
                missing_light: str = "red") -> pd.DataFrame:
    """Every red and amber item, plus one `return` item per department whose return is missing.

    Columns: ITEM_COLUMNS; `item` is `return`, `task` or `kpi`. Sorted by department (red
    departments first), then return, tasks, KPIs.

    >>> from ledgerlib.rules import load_rules
    >>> from ledgerlib.bulletin import month_bulletin
    >>> b = month_bulletin(data, "2021-06", "安阳市", load_rules())
    >>> sorted(chase_items(b.lights, b.compliance)["light"].unique())
    ['amber', 'red']
    """
    lit = lights[lights["light"].isin(["red", "amber"])].copy()
    lit["item"] = lit["kpi"].fillna("").ne("").map({True: "kpi", False: "task"})
    miss = compliance[compliance["status"] == "missing"]
    ret = pd.DataFrame({
        "city": miss["city"], "department": miss["department"], "item": "return", "task_id": "", "kpi": "",
        "light": missing_light, "reasons": "no_return",
        "reason": [labels.CHASE_LABELS["missing_return"].format(
            year=int(m[:4]), mon=int(m[5:]), due=pd.Timestamp(d).strftime("%Y-%m-%d"))
            for m, d in zip(miss["month"], miss["due_date"])],
        "due_date": pd.NaT, "flags": ""})
    out = pd.concat([p for p in (ret, lit) if len(p)], ignore_index=True) if len(ret) or len(lit) else \
        pd.DataFrame(columns=ITEM_COLUMNS)
    out = out.reindex(columns=ITEM_COLUMNS)
    rank = {k: i for i, k in enumerate(LIGHT_ORDER)}
    worst = out.groupby("department")["light"].transform(lambda s: min(rank[x] for x in s)) if len(out) else None
    out = out.assign(_w=worst, _i=out["item"].map({"return": 0, "task": 1, "kpi": 2}),
                     _l=out["light"].map(rank))
    out = out.sort_values(["city", "_w", "department", "_i", "_l", "task_id", "kpi"], kind="mergesort")
    out["due_date"] = pd.to_datetime(out["due_date"]).astype("datetime64[us]")
    return out.drop(columns=["_w", "_i", "_l"]).reset_index(drop=True)


def last_returns(submissions_log: pd.DataFrame | None, month: str) -> pd.DataFrame:
    """Per (city, department): the latest month ≤ `month` with a current return, and its 填报人.

    >>> list(last_returns(data["submissions_log"], "2021-06").columns)
    ['city', 'department', 'last_return_month', 'filled_by']
    """
    log = submissions_log if submissions_log is not None else pd.DataFrame(
        columns=["city", "department", "month", "superseded", "received_at", "file", "filled_by"])
    log = log[(log["month"].astype(str) <= month) & ~log["superseded"].astype(bool)].copy()
    if "filled_by" not in log:
        log["filled_by"] = ""
    log = log.sort_values(["month", "received_at", "file"], kind="mergesort", na_position="first")
    last = log.groupby(["city", "department"], sort=False).tail(1)
    return last[["city", "department", "month", "filled_by"]].rename(
        columns={"month": "last_return_month"}).reset_index(drop=True)


def chase_summary(items: pd.DataFrame, submissions_log: pd.DataFrame | None, month: str) -> pd.DataFrame:
    """Who is chased: one row per department with an item. Columns: SUMMARY_COLUMNS.

    >>> from ledgerlib.rules import load_rules
    >>> from ledgerlib.bulletin import month_bulletin
    >>> b = month_bulletin(data, "2021-06", "安阳市", load_rules())
    >>> chase_summary(chase_items(b.lights, b.compliance), data["submissions_log"], "2021-06").columns.tolist() == SUMMARY_COLUMNS
    True
    """
    if items.empty:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    g = items.assign(n_red=items["light"].eq("red").astype(int), n_amber=items["light"].eq("amber").astype(int),
                     missing_return=items["item"].eq("return"))
    g = g.groupby(["city", "department"], sort=False).agg(
        n_red=("n_red", "sum"), n_amber=("n_amber", "sum"), missing_return=("missing_return", "any")).reset_index()
    g["light"] = g["n_red"].gt(0).map({True: "red", False: "amber"})
    g = g.merge(last_returns(submissions_log, metrics.month_str(month)), on=["city", "department"], how="left")
    g["filled_by"] = g["filled_by"].fillna("").astype(str)
    g["last_return_month"] = g["last_return_month"].fillna("").astype(str)
    return g[SUMMARY_COLUMNS].reset_index(drop=True)


# --------------------------------------------------------------------------- documents

#: How the chase documents show the item columns.
ITEM_VIEW = ["department", "item", "task_id", "task", "light", "reason", "due_date", "flags"]


def item_view(items: pd.DataFrame, ledger: pd.DataFrame) -> pd.DataFrame:
    """Chase items with the task text and readable flags, in ITEM_VIEW order.

    >>> from ledgerlib.rules import load_rules
    >>> from ledgerlib.bulletin import month_bulletin
    >>> b = month_bulletin(data, "2021-06", "安阳市", load_rules())
    >>> item_view(chase_items(b.lights, b.compliance), data["ledger"]).columns.tolist() == ITEM_VIEW
    True
    """
    tasks = ledger.set_index("task_id")["task"].astype(str)
    out = items.copy()
    out["task"] = out["task_id"].map(tasks).fillna("")
    out.loc[out["item"] == "kpi", "task"] = out["kpi"].map(labels.KPI_LABELS).fillna("")
    out["flags"] = out["flags"].fillna("").map(flag_text)
    return out[ITEM_VIEW]


def flag_text(flags: str) -> str:
    """Ledger flag keys (;-joined) as the words a reader needs; flags without a label are omitted.

    >>> flag_text("")
    ''
    """
    return "；".join(labels.FLAG_LABELS[f] for f in str(flags).split(";") if f in labels.FLAG_LABELS)


def _view_kwargs() -> dict[str, Any]:
    """How chase items are shown (labels, light colours): the PDF, the workbook and the bulletin."""
    return dict(columns={**labels.COLUMN_LABELS, "item": labels.CHASE_LABELS["item"],
                         "task": labels.CHASE_LABELS["task"]},
                values={"item": labels.CHASE_ITEM_LABELS}, lights=("light",),
                nowrap=("item", "task_id", "light", "due_date"))


def chase_html(items: pd.DataFrame, summary: pd.DataFrame, ledger: pd.DataFrame, month: str,
               city: str) -> str:
    """The chase pack as one HTML document: a page per chased department.

    >>> from ledgerlib.rules import load_rules
    >>> from ledgerlib.bulletin import month_bulletin
    >>> b = month_bulletin(data, "2021-06", "安阳市", load_rules())
    >>> items = chase_items(b.lights, b.compliance)
    >>> chase_html(items, chase_summary(items, data["submissions_log"], "2021-06"), data["ledger"], "2021-06", "安阳市")[:15]
    '<!DOCTYPE html>'
    """
    from importlib import resources

    year, mon = int(month[:4]), int(month[5:])
    view = item_view(items, ledger)
    pages = []
    for rec in summary.itertuples(index=False):
        mine = view[view["department"] == rec.department].drop(columns="department")
        title = labels.CHASE_LABELS["title"].format(**title_words(city), year=year, mon=mon)
        who = rec.filled_by or labels.CHASE_LABELS["nobody"]
        last = rec.last_return_month or labels.CHASE_LABELS["never"]
        body = [f"<h1>{html.escape(title)}</h1>",
                f'<p class="chase-to">{html.escape(rec.department)}（{html.escape(labels.CHASE_LABELS["to"].format(who=who))}）</p>',
                f"<p>{html.escape(labels.CHASE_LABELS['opening'].format(year=year, mon=mon, n_red=rec.n_red, n_amber=rec.n_amber))}</p>",
                f'<p class="report-note">{html.escape(labels.CHASE_LABELS["last_return"].format(month=last, who=who))}</p>',
                ReportTable(mine, **_view_kwargs())._repr_html_(),
                f"<p>{html.escape(labels.CHASE_LABELS['request'])}</p>",
                f'<p class="chase-sign">{html.escape(labels.CHASE_LABELS["sign"].format(**title_words(city)))}</p>']
        pages.append(f'<section class="chase-page">{"".join(body)}</section>')
    if not pages:
        pages.append(f"<p>{html.escape(labels.CHASE_LABELS['none'])}</p>")
    css = resources.files("ledgerlib").joinpath("report.css").read_text(encoding="utf-8")
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(labels.CHASE_LABELS['title'].format(**title_words(city), year=year, mon=mon))}</title>"
            f"<style>{css}</style></head><body>{''.join(pages)}</body></html>")


def chase_workbook(items: pd.DataFrame, summary: pd.DataFrame, ledger: pd.DataFrame, month: str, city: str):
    """Sheet 催办清单 (every item) and sheet 催办汇总 (who is chased), in the house style.

    >>> from ledgerlib.rules import load_rules
    >>> from ledgerlib.bulletin import month_bulletin
    >>> b = month_bulletin(data, "2021-06", "安阳市", load_rules())
    >>> items = chase_items(b.lights, b.compliance)
    >>> chase_workbook(items, chase_summary(items, data["submissions_log"], "2021-06"), data["ledger"], "2021-06", "安阳市").sheetnames
    ['催办清单', '催办汇总']
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    from .xlsx import BORDER, header_row, page_setup, put, row_height, text_width

    year, mon = int(month[:4]), int(month[5:])
    wb = Workbook()
    kwargs = _view_kwargs()
    sheets = [(labels.CHASE_LABELS["sheet_items"], ReportTable(item_view(items, ledger), **kwargs)),
              (labels.CHASE_LABELS["sheet_summary"],
               ReportTable(summary.drop(columns="city"), **SUMMARY_VIEW))]
    for n, (name, table) in enumerate(sheets):
        ws = wb.active if n == 0 else wb.create_sheet()
        ws.title = name
        title = put(ws, 1, 1, labels.CHASE_LABELS["title"].format(**title_words(city), year=year, mon=mon) + f" · {name}")
        title.font = Font(bold=True, size=13)
        shown = table.shown
        widths = [min(max([text_width(str(h)), *(text_width(str(v)) for v in shown[h])]) + 2, 48)
                  for h in shown.columns]
        header_row(ws, 2, list(shown.columns), widths)
        for i, rec in enumerate(shown.itertuples(index=False), start=3):
            for j, v in enumerate(rec, start=1):
                c = put(ws, i, j, v if v != "" else None)
                c.border = BORDER
                c.alignment = Alignment(vertical="top", wrap_text=True)
                light = next((cls[6:] for cls in table.classes[table.raw.columns[j - 1]][i - 3].split()
                              if cls.startswith("light-")), None)
                if light in LIGHT_FILLS:
                    c.fill = PatternFill("solid", fgColor=LIGHT_FILLS[light])
            ws.row_dimensions[i].height = row_height(list(zip(rec, widths)))
        page_setup(ws)
    wb.properties.creator = "ledgerlib"
    wb.properties.created = datetime(year, mon, 1)
    return wb


@dataclass
class ChaseOutput:
    pdf: Path | None
    xlsx: Path
    csv: Path
    n_departments: int
    n_items: int
    month: str

    def summary(self) -> str:
        """One line for the operator: how many departments and items are chased.

        Example::

            write_chase("2021-06", pdf=False).summary()   # -> '催办 2021-06：12 个部门，55 项。'
        """
        return labels.CHASE_LABELS["cli_summary"].format(month=self.month, n_departments=self.n_departments,
                                                         n_items=self.n_items)


def chase_dir(month: str, out_dir: Path | None = None) -> Path:
    """reports/chase/<month>/ (out_dir replaces reports/).

    >>> chase_dir("2021-06", Path("out")).as_posix()
    'out/chase/2021-06'
    """
    return Path(out_dir or config.reports_dir()) / "chase" / month


def write_chase(month: str, data_dir: Path | None = None, raw_dir: Path | None = None,
                out_dir: Path | None = None, city: str | None = None, pdf: bool = True) -> ChaseOutput:
    """`ledger chase MONTH`: the chase pack of a month (PDF, workbook, summary CSV).

    Example::

        out = write_chase("2021-06", out_dir=Path("reports"), pdf=False)
        out.xlsx   # -> reports/chase/2021-06/催办清单_2021-06.xlsx (and out.csv, out.pdf)
    """
    from .bulletin import month_bulletin
    from .cells import check_month
    from .rules import load_rules
    from .summaries import only_city, report_city
    from .tables import load_processed
    from .xlsx import save_workbook

    check_month(month)
    data = load_processed(data_dir)
    city = report_city(data, city)
    data = only_city(data, city)
    rules = load_rules(raw_dir, data["ledger"])
    b = month_bulletin(data, month, city, rules)
    from .metrics import plan_data

    data = plan_data(data, month)  # task texts of the month's own plan year
    # A missing return is always chased: with the light lights.toml gives it, amber if none.
    missing_light = rules.lights.light.get("no_return", "red")
    items = chase_items(b.lights, b.compliance, missing_light if missing_light != "none" else "amber")
    summary = chase_summary(items, data.get("submissions_log"), month)
    folder = chase_dir(month, out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    xlsx = save_workbook(chase_workbook(items, summary, data["ledger"], month, city),
                         folder / f"{labels.CHASE_LABELS['file_items']}_{month}.xlsx")
    csv = write_csv(summary.drop(columns="city"), folder / f"{labels.CHASE_LABELS['file_summary']}_{month}.csv",
                    **SUMMARY_VIEW)
    pdf_path = None
    if pdf:
        from .charts import find_cjk_font
        from .reports import html_to_pdf

        pdf_path = html_to_pdf(chase_html(items, summary, data["ledger"], month, city),
                               folder / f"{labels.CHASE_LABELS['file_pdf']}_{month}.pdf",
                               font_path=find_cjk_font().path)
    return ChaseOutput(pdf=pdf_path, xlsx=xlsx, csv=csv, n_departments=len(summary), n_items=len(items),
                       month=month)


#: show_table / ReportTable options for chase items, and for the summary of who is chased.
VIEW = _view_kwargs()
SUMMARY_VIEW: dict[str, Any] = dict(columns=labels.COLUMN_LABELS, lights=("light",),
                                    values={"missing_return": labels.YES_NO})
