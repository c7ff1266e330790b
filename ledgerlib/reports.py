"""Report documents: run a report notebook with papermill and render it as a PDF without code.

The route (measured in PLATFORM_NOTES): papermill executes the notebook in-process (its tqdm
bar is the progress shown), nbconvert's HTMLExporter turns the executed notebook into HTML
with every input, prompt, markdown note and stderr stream left out, and WeasyPrint lays the
HTML out as an A4 PDF with a CJK font. The same outputs, read back as blocks (`blocks`),
become an editable Word file beside the PDF (`wordfile`). What the notebooks call to show things lives in
`ledgerlib.display`; the tables they show are computed in `summaries`, `ranking` and `metrics`.

`ledger report monthly 2021-06` -> reports/monthly/2021-06/monthly_report_2021-06.{ipynb,pdf,docx}
`ledger report quarterly 2021Q2` -> reports/quarterly/2021Q2/quarterly_report_2021Q2.{ipynb,pdf,docx}
`ledger report province 2021-06` -> reports/province/2021-06/province_report_2021-06.{ipynb,pdf,docx}
"""
from __future__ import annotations

import copy
import html
import os
import re
import sys
import time
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any


from . import config, labels
from .blocks import HIDDEN_TAGS

if TYPE_CHECKING:  # nbformat takes ~1.7 s to import: only the runner needs it, not the kernel
    import nbformat

KERNEL_NAME = "python3"


@dataclass(frozen=True)
class ReportKind:
    """One kind of report: which notebook it runs and how its period parameter is called."""
    notebook: str
    period_param: str


REPORT_KINDS: dict[str, ReportKind] = {
    "monthly": ReportKind("monthly_report.ipynb", "month"),
    "quarterly": ReportKind("quarterly_report.ipynb", "quarter"),
    # Cities compared for a month (ledgerlib.province); no `city` parameter.
    "province": ReportKind("province_report.ipynb", "month"),
}


class ReportError(RuntimeError):
    """A report could not be produced; the message says why and what to do."""


@dataclass
class RunResult:
    """What one notebook run produced; `error` is set when a cell failed."""
    notebook: Path
    pdf: Path | None = None
    docx: Path | None = None
    error: str | None = None
    failed_cell: int | None = None
    timings: dict[str, float] = field(default_factory=dict)
    #: The executed notebook as written (scrubbed), so the PDF needs no second read.
    executed: Any = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        """True when every cell ran (no error recorded).

        >>> RunResult(Path("monthly.ipynb")).ok, RunResult(Path("monthly.ipynb"), error="boom").ok
        (True, False)
        """
        return self.error is None


def normalise_period(kind: str, period: str) -> str:
    """`2021-06` for monthly and province, `2021Q2` for quarterly; ReportError otherwise.

    Example::

        >>> normalise_period("quarterly", "2021q2")
        '2021Q2'
        >>> normalise_period("monthly", "2021Q2")
        Traceback (most recent call last):
        ...
        ledgerlib.reports.ReportError: 此处需要月份 YYYY-MM（如 2021-06），收到的是季度 '2021Q2' / expected a month YYYY-MM (e.g. 2021-06), got the quarter '2021Q2' (its last month is 2021-06)
    """
    from .periods import PeriodError, month_str, quarter_str

    if kind not in REPORT_KINDS:
        raise ReportError(labels.CLI_MESSAGES["unknown_kind"].format(kind=kind, kinds=", ".join(REPORT_KINDS)))
    try:
        return quarter_str(period) if kind == "quarterly" else month_str(period)
    except PeriodError as exc:
        raise ReportError(str(exc)) from None


def notebooks_dir() -> Path:
    """The project's notebooks/ folder (the report notebooks `ledger report` runs).

    >>> notebooks_dir().name
    'notebooks'
    """
    return config.project_root() / "notebooks"


def report_paths(kind: str, period: str, out_dir: Path | None = None,
                 city: str | None = None) -> tuple[Path, Path]:
    """(executed notebook, PDF) paths of a report: <out>/<kind>/<period>/<kind>_report_<period>[_<city>].*

    The Word file is the PDF's path with `.docx`. A city's name joins the file name only
    when it was asked for (`--city`), so the default report keeps its documented name.

    Example::

        >>> [p.as_posix() for p in report_paths("monthly", "2021-06", Path("reports"), "鹤壁市")]
        ['reports/monthly/2021-06/monthly_report_2021-06_鹤壁市.ipynb', 'reports/monthly/2021-06/monthly_report_2021-06_鹤壁市.pdf']
    """
    folder = Path(out_dir or config.reports_dir()) / kind / period
    stem = f"{kind}_report_{period}" + (f"_{city}" if city else "")
    return folder / f"{stem}.ipynb", folder / f"{stem}.pdf"


# --------------------------------------------------------------------------- running

def scrub_notebook(nb: nbformat.NotebookNode, root: Path | None = None) -> nbformat.NotebookNode:
    """Drop what changes from run to run (times, durations, environment, absolute paths).

    Same notebook and data -> same bytes; papermill's own paths become relative to the checkout.

    Example::

        nb = scrub_notebook(nbformat.read("out/monthly_2021-06.ipynb", as_version=4))
        # no execution times, durations, kernel versions or absolute paths: byte-identical reruns
    """
    root = Path(root or config.project_root()).resolve()
    pm = nb.metadata.get("papermill")
    if pm is not None:
        for key in ("start_time", "end_time", "duration", "environment_variables"):
            pm.pop(key, None)
        for key in ("input_path", "output_path"):
            if pm.get(key):
                pm[key] = _relative(pm[key], root)
    n_error_cells = 0
    for cell in nb.cells:
        # papermill gives the cells it adds random ids; they hold nothing else that varies.
        tags = cell.metadata.get("tags", [])
        if "injected-parameters" in tags:
            cell["id"] = "injected-parameters"
        elif "papermill-error-cell-tag" in tags:
            n_error_cells += 1
            cell["id"] = f"papermill-error-cell-{n_error_cells}"
        cell.metadata.pop("execution", None)
        cpm = cell.metadata.get("papermill")
        if cpm is not None:
            for key in ("start_time", "end_time", "duration"):
                cpm.pop(key, None)
    return nb


def _relative(path: str, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root).as_posix()
    except ValueError:
        return Path(path).name


def _first_line(source: str) -> str:
    for line in source.splitlines():
        if line.strip():
            return line.strip()
    return ""


#: How papermill runs the cells: "inprocess" (`ledgerlib.engine`, no kernel process: the
#: scheduled route) or "kernel" (papermill's own nbclient engine and a kernel process).
ENGINES = ("inprocess", "kernel")


def execute_notebook(input_path: Path, output_path: Path, parameters: dict[str, Any] | None = None,
                     cwd: Path | None = None, progress: bool = True, engine: str = "inprocess") -> RunResult:
    """Run a notebook with papermill and write the executed copy to output_path.

    Parameters go through papermill's Python API so that '03' stays a string. On a failing
    cell the partly executed notebook is still written and the result names the cell.
    `engine`: see ENGINES; both give the same outputs.

    Example::

        result = execute_notebook(Path("notebooks/monthly_report.ipynb"), Path("out/monthly_2021-06.ipynb"),
                                  {"month": "2021-06"})
        result.ok   # -> True; result.error and result.failed_cell say where a cell failed
    """
    from . import engine as inprocess

    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, got {engine!r}")
    inprocess.skip_slow_format_checks()
    import nbformat
    import papermill as pm

    engine_args: dict[str, Any] = (
        {"engine_name": inprocess.register()} if engine == "inprocess" else
        # ipykernel 7 warns on every start that local TCP is unencrypted;
        # keep the terminal for the progress bar and real errors.
        {"extra_arguments": ["--IPKernelApp.log_level=ERROR"]})

    output_path = Path(output_path)
    output_path.parent.mkdir(parents=True, exist_ok=True)
    result = RunResult(notebook=output_path)
    t0 = time.perf_counter()
    nb = None
    try:
        nb = pm.execute_notebook(str(input_path), str(output_path), parameters=parameters or {},
                            kernel_name=KERNEL_NAME, progress_bar=progress,
                            cwd=str(cwd or Path(input_path).parent), log_output=False, **engine_args)
    except pm.PapermillExecutionError as exc:
        # papermill's cell_index counts the injected-parameters cell and its error banner;
        # name the cell as the analyst sees it in the notebook they wrote.
        source = exc.source or ""
        src_nb = nbformat.read(input_path, as_version=4)
        index = next((i for i, c in enumerate(src_nb.cells) if c.source == source), exc.cell_index)
        result.failed_cell = index
        result.error = (f"cell {index} (In [{exc.exec_count}]) `{_first_line(source)}` raised "
                        f"{exc.ename}: {exc.evalue}")
    result.timings["execute"] = time.perf_counter() - t0
    if nb is None and output_path.exists():  # a failed run: papermill wrote what ran
        nb = nbformat.read(output_path, as_version=4)
    if nb is not None:
        nbformat.write(scrub_notebook(nb), output_path)
        result.executed = nb
    return result


def notebook_to_html(nb: nbformat.NotebookNode, title: str = "") -> str:
    """The notebook's outputs as a self-contained HTML page: no code, no prompts, no scripts.

    Markdown cells are analyst notes and stay out; so do stderr streams (warnings, progress
    bars) and cells tagged in HIDDEN_TAGS. Report headings come from outputs (`heading`).

    Example::

        page = notebook_to_html(result.executed, title="2021年6月通报")   # '<!DOCTYPE html>...'
    """
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs
                            if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
    exporter = HTMLExporter(template_name="basic", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True, exclude_markdown=True, exclude_raw=True)
    exporter.log.setLevel("ERROR")  # it warns about every chart without alt text
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags=set(HIDDEN_TAGS), enabled=True),
                                   enabled=True)
    body, _ = exporter.from_notebook_node(nb)
    # The basic template adds no <script> of its own; outputs may (widgets, plotly): drop them
    # so nothing reaches for a CDN offline.
    body = re.sub(r"<script\b.*?</script>", "", body, flags=re.S | re.I)
    css = resources.files("ledgerlib").joinpath("report.css").read_text(encoding="utf-8")
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title><style>{css}</style></head>"
            f"<body>{body}</body></html>")


def html_to_pdf(page: str, pdf_path: Path, font_path: str | None = None) -> Path:
    """Lay out HTML as PDF with WeasyPrint; `font_path` pins the CJK font file to embed.

    Example::

        html_to_pdf(page, Path("out/monthly_2021-06.pdf"))   # -> that Path, CJK font embedded
    """
    import logging

    from weasyprint import CSS, HTML

    # WeasyPrint logs every CSS property it ignores (from pandas' table HTML) as a warning.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    stylesheets = []
    if font_path:
        stylesheets.append(CSS(string=(
            "@font-face { font-family: 'LedgerCJK'; src: url('%s'); }"
            "html { font-family: 'LedgerCJK', 'Noto Sans CJK SC', 'WenQuanYi Micro Hei', sans-serif; }"
        ) % Path(font_path).resolve().as_uri()))
    pdf_path = Path(pdf_path)
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    # fontTools stamps the embedded font subsets with the current time unless
    # SOURCE_DATE_EPOCH is set: pin it so the same report gives the same bytes.
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = saved or "0"
    try:
        HTML(string=page, base_url=str(pdf_path.parent)).write_pdf(pdf_path, stylesheets=stylesheets)
    finally:
        if saved is None:
            del os.environ["SOURCE_DATE_EPOCH"]
    return pdf_path


def notebook_to_pdf(notebook: Path | nbformat.NotebookNode, pdf_path: Path, title: str = "") -> Path:
    """An executed notebook as a PDF holding its outputs only.

    Example::

        notebook_to_pdf(Path("out/monthly_2021-06.ipynb"), Path("out/monthly_2021-06.pdf"))
    """
    import nbformat

    from .charts import find_cjk_font

    nb = notebook if isinstance(notebook, nbformat.NotebookNode) else nbformat.read(notebook, as_version=4)
    return html_to_pdf(notebook_to_html(nb, title=title), pdf_path, font_path=find_cjk_font().path)


def notebook_to_docx(notebook: Path | nbformat.NotebookNode, docx_path: Path, title: str = "") -> Path:
    """An executed notebook as an editable Word file: the PDF's headings, text, tables and charts.

    Example::

        notebook_to_docx(Path("out/monthly_2021-06.ipynb"), Path("out/monthly_2021-06.docx"))
    """
    import nbformat

    from .blocks import notebook_blocks
    from .wordfile import write_docx

    nb = notebook if isinstance(notebook, nbformat.NotebookNode) else nbformat.read(notebook, as_version=4)
    return write_docx(notebook_blocks(nb), docx_path, title=title)


def run_notebook(input_path: Path, output_path: Path, parameters: dict[str, Any] | None = None,
                 pdf_path: Path | None = None, cwd: Path | None = None,
                 progress: bool = True, docx_path: Path | None = None,
                 engine: str = "inprocess") -> RunResult:
    """Execute a notebook, then (if it ran cleanly) write its PDF and Word file where asked.

    Example::

        r = run_notebook(Path("notebooks/monthly_report.ipynb"), Path("out/monthly_2021-06.ipynb"),
                         {"month": "2021-06"}, pdf_path=Path("out/monthly_2021-06.pdf"))
        r.ok, r.pdf, r.docx
    """
    result = execute_notebook(input_path, output_path, parameters, cwd=cwd, progress=progress, engine=engine)
    if result.ok and pdf_path is not None:
        if progress:
            print(labels.CLI_MESSAGES["rendering"].format(name=Path(pdf_path).name), file=sys.stderr)
        t0 = time.perf_counter()
        notebook_to_pdf(result.executed or result.notebook, pdf_path, title=Path(pdf_path).stem)
        result.pdf = Path(pdf_path)
        result.timings["pdf"] = time.perf_counter() - t0
    if result.ok and docx_path is not None:
        t0 = time.perf_counter()
        result.docx = notebook_to_docx(result.notebook, docx_path, title=Path(docx_path).stem)
        result.timings["docx"] = time.perf_counter() - t0
    return result


def _param_path(path: Path, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root).as_posix()
    except ValueError:
        return str(Path(path).resolve())


def run_report(kind: str, period: str, data_dir: Path | None = None, out_dir: Path | None = None,
               pdf: bool = True, progress: bool = True, notebook: Path | None = None,
               city: str | None = None, raw_dir: Path | None = None, engine: str = "inprocess") -> int:
    """`ledger report KIND PERIOD [--city NAME]`: run the report notebook, write it, its PDF and
    its Word file; exit code. `city` picks the city of a monthly or quarterly report (default:
    the only or default city in the data); the province report compares every city.

    `raw_dir` (`ledger --raw DIR report …`): where the rule files are read (lights.toml,
    scoring.toml, not_applicable_approvals.csv; the province report reads the approvals);
    passed only when it is not the default data/raw.

    0 done; 1 a cell failed (the partly executed notebook is kept and the cell named);
    2 bad arguments or no processed data; 3 no CJK font (checked before anything runs).

    Example::

        run_report("monthly", "2021-06")      # as `ledger report monthly 2021-06`; -> 0
        run_report("quarterly", "2021Q2", pdf=False)
    """
    from .charts import CJKFontMissingError, find_cjk_font

    try:
        period = normalise_period(kind, period)
    except ReportError as exc:
        print(f"ledger report: {exc}", file=sys.stderr)
        return 2
    try:
        find_cjk_font()
    except CJKFontMissingError as exc:
        print(f"ledger report: {exc}", file=sys.stderr)
        return 3
    data_dir = Path(data_dir or config.processed_dir()).resolve()
    from .tables import BuildIncompleteError, check_build

    try:
        check_build(data_dir)  # never report from half a build: the stamp says it is whole
    except BuildIncompleteError as exc:
        print(f"ledger report: {exc}", file=sys.stderr)
        return 2
    spec = REPORT_KINDS[kind]
    nb_in = Path(notebook) if notebook else notebooks_dir() / spec.notebook
    nb_out, pdf_out = report_paths(kind, period, out_dir, city)
    nb_out = nb_out.resolve()
    # The kernel runs in the checkout root and gets paths relative to it where it can, so
    # the executed notebook holds no machine-specific path and is the same on every checkout.
    root = config.project_root().resolve()
    params = {spec.period_param: period, "data_dir": _param_path(data_dir, root),
              "out_dir": _param_path(nb_out.parent, root)}
    if city:
        params["city"] = city
    if raw_dir is not None and Path(raw_dir).resolve() != config.raw_dir().resolve():
        params["raw_dir"] = _param_path(Path(raw_dir).resolve(), root)
    result = run_notebook(nb_in, nb_out, params, pdf_path=pdf_out.resolve() if pdf else None,
                          cwd=root, progress=progress, engine=engine,
                          docx_path=pdf_out.with_suffix(".docx").resolve() if pdf else None)
    if not result.ok:
        print("ledger report: " + labels.CLI_MESSAGES["report_failed"].format(
            kind=kind, period=period, notebook=nb_in.name, error=result.error, kept=nb_out), file=sys.stderr)
        return 1
    print(nb_out)
    for document in (result.pdf, result.docx):
        if document:
            print(document)
    return 0


# ----------------------------------------------------------------- committed notebook outputs

def refresh_notebooks(paths: list[Path] | None = None) -> list[Path]:
    """Re-execute notebooks in place with their default parameters (the outputs nbval checks).

    Run from the checkout after `ledger build` on the sample data. Uses nbclient directly so
    no papermill metadata or timings land in the committed files.

    Example::

        refresh_notebooks()   # -> [Path('notebooks/monthly_report.ipynb'), ...], re-executed in place
    """
    import nbformat

    from nbclient import NotebookClient

    paths = paths or sorted(notebooks_dir().glob("*.ipynb"))
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        NotebookClient(nb, kernel_name=KERNEL_NAME, timeout=600, record_timing=False,
                       resources={"metadata": {"path": str(Path(path).parent)}}).execute()
        nbformat.write(scrub_notebook(nb), path)
        print(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    """`python -m ledgerlib.reports refresh-notebooks [NOTEBOOK ...]`.

    Example::

        main(["refresh-notebooks", "notebooks/monthly_report.ipynb"])   # -> 0
    """
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] != "refresh-notebooks":
        print("usage: python -m ledgerlib.reports refresh-notebooks [NOTEBOOK ...]", file=sys.stderr)
        return 2
    refresh_notebooks([Path(p) for p in argv[1:]] or None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
