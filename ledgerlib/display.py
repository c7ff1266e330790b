"""What a report notebook calls to show things: title, headings, paragraphs, tables, key figures.

Each helper displays an object with an HTML face (for the PDF, via nbconvert) and a plain-text
face (what nbval compares and a terminal shows). `write_csv` saves a list exactly as the
table shows it. Nothing here computes a figure: that is `summaries`, `ranking` and `metrics`.

Example, in a notebook cell::

    from ledgerlib.display import heading, show_table
    heading("逾期任务")
    show_table(late_tasks, labels.COLUMN_LABELS, empty="无")
"""
from __future__ import annotations

import html
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from . import config, labels


def percent_text(value: float, digits: int = 1) -> str:
    """A 0-1 rate as a percentage cut (never rounded up) to `digits` decimals.

    Cutting, not rounding, keeps every shown value on the same side of a pass line as the
    exact one: 0.7997 is "79.9%", never "80.0%" against a line of 80% (inclusive); 0.80
    exactly is "80.0%". The value is read from its shortest repr, so 4/5 is exactly 80.0%.

    >>> percent_text(0.7997), percent_text(0.8), percent_text(1/3)
    ('79.9%', '80.0%', '33.3%')
    """
    if value is None or pd.isna(value):
        return ""
    exact = Decimal(repr(float(value))) * 100
    return f"{exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_DOWN)}%"


class ReportTable:
    """A table as the report shows it: labelled HTML for the PDF, aligned text for nbval.

    `pass_fail` columns hold booleans shown as pass/fail text on green/red cells;
    `percent` columns hold 0-1 rates shown as percentages; `values` maps a column's keys to
    labels; `colour_by` colours a column green/red by a boolean column (which is not shown);
    `nowrap` columns never wrap in the PDF (short names a crowded table would break);
    `lights` columns hold red/amber/green keys, shown as 红灯/黄灯/绿灯 on their colour.
    """

    def __init__(self, df, columns: dict[str, str] | None = None, percent: tuple[str, ...] = (),
                 pass_fail: tuple[str, ...] = (), pass_text: tuple[str, str] | None = None,
                 values: dict[str, dict] | None = None, colour_by: dict[str, str] | None = None,
                 empty: str = "", index: bool = False, nowrap: tuple[str, ...] = (),
                 lights: tuple[str, ...] = ()) -> None:
        self.columns = dict(columns or {})
        pass_text = pass_text or (labels.PASS_LABELS[True], labels.PASS_LABELS[False])
        colour_by = dict(colour_by or {})
        values = dict(values or {})
        df = df.reset_index() if index else df.reset_index(drop=True)
        self.raw = df[[c for c in df.columns if c not in set(colour_by.values())]]
        shown = pd.DataFrame(index=df.index)
        self.classes: dict[str, list[str]] = {}
        for col in self.raw.columns:
            vals = df[col]
            if col in percent:
                shown[col] = [percent_text(v) for v in vals]
                self.classes[col] = ["num"] * len(df)
            elif col in lights:
                shown[col] = [labels.LIGHT_LABELS.get(v, "") if isinstance(v, str) else "" for v in vals]
                self.classes[col] = [f"light-{v}" if isinstance(v, str) and v else "" for v in vals]
            elif col in pass_fail:
                shown[col] = ["" if pd.isna(v) else pass_text[0 if bool(v) else 1] for v in vals]
                self.classes[col] = _pass_classes(vals)
            elif col in values:
                shown[col] = [_cell_text(values[col].get(v, v)) if not pd.isna(v) else "" for v in vals]
                self.classes[col] = [""] * len(df)
            else:
                shown[col] = [_cell_text(v) for v in vals]
                numeric = pd.api.types.is_numeric_dtype(vals) and not pd.api.types.is_bool_dtype(vals)
                self.classes[col] = ["num" if numeric else ""] * len(df)
            if col in colour_by:
                # Colour a figure by a verdict held in another (hidden) column.
                self.classes[col] = [f"{a} {b}".strip() for a, b in
                                     zip(self.classes[col], _pass_classes(df[colour_by[col]]))]
            if col in nowrap:
                self.classes[col] = [f"{a} nowrap".strip() for a in self.classes[col]]
        self.shown = shown.rename(columns=self.columns)
        self.empty = empty

    def __repr__(self) -> str:
        if self.shown.empty:
            return self.empty or "(empty)"
        return self.shown.to_string(index=False)

    def _repr_html_(self) -> str:
        if self.shown.empty:
            return f'<p class="report-note">{html.escape(self.empty)}</p>'
        head = "".join(f"<th>{html.escape(str(c))}</th>" for c in self.shown.columns)
        rows = []
        for i in range(len(self.shown)):
            tds = []
            for j, col in enumerate(self.raw.columns):
                cls = self.classes[col][i]
                attr = f' class="{cls}"' if cls else ""
                tds.append(f"<td{attr}>{html.escape(str(self.shown.iat[i, j]))}</td>")
            rows.append("<tr>" + "".join(tds) + "</tr>")
        return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _pass_classes(vals) -> list[str]:
    return ["na" if pd.isna(v) else ("pass" if bool(v) else "fail") for v in vals]


def _cell_text(v: Any) -> str:
    if v is None or (not isinstance(v, (list, tuple, dict)) and pd.isna(v)):
        return ""
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d" if v == v.normalize() else "%Y-%m-%d %H:%M")
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else f"{v:.4g}"
    return str(v)


class _Html:
    """HTML with a readable plain-text twin (what nbval and a terminal see)."""

    def __init__(self, markup: str, text: str) -> None:
        self.markup, self.text = markup, text

    def _repr_html_(self) -> str:
        return self.markup

    def __repr__(self) -> str:
        return self.text


def title(text: str, subtitle: str = "") -> None:
    """The report's title block.

    Example::

        >>> title("安阳市交通运输局信用体系建设工作月报", "2021年6月")
        安阳市交通运输局信用体系建设工作月报
        2021年6月
    """
    from IPython.display import display

    sub = f'<p class="report-meta">{html.escape(subtitle)}</p>' if subtitle else ""
    display(_Html(f"<h1>{html.escape(text)}</h1>{sub}", "\n".join(filter(None, [text, subtitle]))))


def heading(text: str, level: int = 2) -> None:
    """A section heading in the PDF (markdown cells are analyst notes and stay out of it).

    Example::

        >>> heading("一、总体情况")
        一、总体情况
    """
    from IPython.display import display

    display(_Html(f"<h{level}>{html.escape(text)}</h{level}>", text))


def paragraph(text: str, note: bool = False) -> None:
    """A paragraph of report text; `note=True` for small grey explanatory text.

    Example::

        >>> paragraph("本月无逾期任务。", note=True)
        本月无逾期任务。
    """
    from IPython.display import display

    cls = ' class="report-note"' if note else ""
    display(_Html(f"<p{cls}>{html.escape(text)}</p>", text))


def narrative(text: str) -> None:
    """The 通报's opening paragraph (indented, larger type).

    Example::

        narrative(opening(b))   # in a report cell: the paragraph, escaped, in the report's style
    """
    from IPython.display import display

    display(_Html(f'<p class="narrative">{html.escape(text)}</p>', text))


def footnote(text: str) -> None:
    """A definition under the report (small type): every rate shown carries one.

    Example::

        footnote("完成率 = 已完成任务数 ÷ 应完成任务数")   # small type under the table it defines
    """
    from IPython.display import display

    display(_Html(f'<p class="footnote">{html.escape(text)}</p>', text))


def show_table(df, columns: dict[str, str] | None = None, **kwargs: Any) -> None:
    """Display a DataFrame as a report table (see ReportTable for the options).

    Example::

        >>> show_table(pd.DataFrame({"department": ["运管科"], "rate": [0.8]}), labels.COLUMN_LABELS, percent=("rate",))
         部门    比率
        运管科 80.0%
    """
    from IPython.display import display

    display(ReportTable(df, columns, **kwargs))


def key_figures(row: Any, columns: list[str], percent: tuple[str, ...] = (),
                pass_fail: tuple[str, ...] = ()) -> pd.DataFrame:
    """One row of figures as a two-column table: item (Chinese label), value (as text).

    Example::

        >>> key_figures({"n_done": 42, "done_rate": 0.151}, ["n_done", "done_rate"], percent=("done_rate",)).values.tolist()
        [['已完成数', '42'], ['完成率', '15.1%']]
    """

    items, vals = [], []
    for col in columns:
        v = row[col]
        items.append(labels.COLUMN_LABELS.get(col, col))
        if pd.isna(v):
            vals.append("—")
        elif col in percent:
            vals.append(percent_text(v))
        elif col in pass_fail:
            vals.append(labels.PASS_LABELS[bool(v)])
        else:
            vals.append(_cell_text(v))
    return pd.DataFrame({"item": items, "value": vals})


def write_csv(df: pd.DataFrame, path: Path, columns: dict[str, str] | None = None, **kwargs: Any) -> Path:
    """A report list as CSV for Excel (UTF-8 with BOM): the same labels and values as shown.

    Takes show_table's arguments, so the file says what the PDF says.

    Example::

        >>> import tempfile
        >>> path = write_csv(pd.DataFrame({"rate": [0.8]}), Path(tempfile.mkdtemp()) / "a.csv", percent=("rate",))
        >>> path.read_text(encoding="utf-8-sig").splitlines()
        ['rate', '80.0%']
    """
    from .tables import write_csv as write_inert_csv  # the one CSV writer: fields stay inert

    kwargs.pop("empty", None)
    return write_inert_csv(ReportTable(df, columns, **kwargs).shown, Path(path))



def project_path(path: str | Path | None) -> Path | None:
    """A parameter path as given, relative ones read from the checkout root (None stays None).

    run_report passes paths relative to the checkout, so an executed notebook re-run from
    another folder (reports/...) still finds its data.

    Example::

        >>> project_path("data/processed") == config.project_root() / "data" / "processed", project_path(None)
        (True, None)
    """
    if path is None or str(path) == "":
        return None
    path = Path(path)
    return path if path.is_absolute() else config.project_root() / path


def show_calendar_basis(note: str, moved: pd.DataFrame) -> None:
    """The calendar note and the deadlines that moved (summaries.calendar_basis); nothing when
    both are empty, so a report on official deadlines only is unchanged.

    Example::

        >>> show_calendar_basis("", pd.DataFrame())  # all official, nothing moved: shows nothing
    """
    if note:
        paragraph(note, note=True)
    if not moved.empty:
        heading(labels.REPORT_LABELS["moved_heading"], level=3)
        paragraph(labels.REPORT_LABELS["moved_note"].format(n=len(moved)), note=True)
        basis = labels.CALENDAR_BASIS_LABELS
        show_table(moved, labels.COLUMN_LABELS, values={"old_basis": basis, "new_basis": basis})
