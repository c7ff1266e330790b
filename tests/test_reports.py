"""Report runs: papermill execution, PDF without code, Chinese text, failures that name the cell."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from pypdf import PdfReader

from ledgerlib import charts, cli, config, labels, reports, tables

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"


def _pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def _pdf_fonts(path: Path) -> set[str]:
    names = set()
    for page in PdfReader(path).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


@pytest.fixture(scope="module")
def hello_run(tmp_path_factory) -> reports.RunResult:
    out = tmp_path_factory.mktemp("hello")
    result = reports.run_notebook(FIXTURES / "hello.ipynb", out / "hello.ipynb", {"month": "03"},
                                  pdf_path=out / "hello.pdf", progress=False, docx_path=out / "hello.docx")
    assert result.ok, result.error
    return result


def test_pdf_holds_chinese_outputs_and_no_code(hello_run):
    text = _pdf_text(hello_run.pdf)
    # Chinese from the outputs survives as Chinese text (extractable, so not boxes) ...
    assert labels.STATUS_LABELS["done"] + " 03" in text
    for status in labels.STATUS_LABELS.values():
        assert status in text
    assert "75.0%" in text
    # ... and the font that drew it is a CJK font embedded in the file.
    assert any(re.search(r"WenQuanYi|NotoSansCJK|SourceHan|Hei", f) for f in _pdf_fonts(hello_run.pdf))
    # No code, no markdown notes, no stderr, no prompts.
    for absent in ("CODE_ONLY_MARKER", "import pandas", "MARKDOWN_ONLY_MARKER", "STDERR_MARKER", "In ["):
        assert absent not in text


def test_docx_holds_what_the_pdf_shows_and_no_code(hello_run):
    import docx

    doc = docx.Document(hello_run.docx)
    text = "\n".join(p.text for p in doc.paragraphs)
    assert labels.STATUS_LABELS["done"] + " 03" in text and "'03'" in text  # title and stdout
    (table,) = doc.tables
    rows = [[c.text for c in r.cells] for r in table.rows]
    assert rows[0][0] == labels.COLUMN_LABELS["status"] and ["推进中", "75.0%"] in rows
    assert len(doc.inline_shapes) == 1  # the chart
    for absent in ("CODE_ONLY_MARKER", "import pandas", "MARKDOWN_ONLY_MARKER", "STDERR_MARKER"):
        assert absent not in text


def test_parameters_stay_strings_and_the_chart_is_png(hello_run):
    nb = nbformat.read(hello_run.notebook, as_version=4)
    printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "'03'" in printed  # papermill's CLI would have made it the number 3
    mimes = {m for c in nb.cells if c.cell_type == "code" for o in c.outputs for m in o.get("data", {})}
    assert "image/png" in mimes and "image/svg+xml" not in mimes


def test_executed_notebook_keeps_no_timings_or_absolute_paths(hello_run):
    raw = hello_run.notebook.read_text(encoding="utf-8")
    for volatile in ("start_time", "end_time", "duration", "environment_variables", str(ROOT)):
        assert volatile not in raw


def test_same_inputs_give_same_bytes(hello_run, tmp_path):
    again = reports.run_notebook(FIXTURES / "hello.ipynb", tmp_path / "hello.ipynb", {"month": "03"},
                                 pdf_path=tmp_path / "hello.pdf", progress=False, docx_path=tmp_path / "hello.docx")
    assert again.ok
    assert again.pdf.read_bytes() == hello_run.pdf.read_bytes()
    assert again.docx.read_bytes() == hello_run.docx.read_bytes()
    strip = lambda p: re.sub(r'"(input|output)_path": "[^"]*"', "", p.read_text(encoding="utf-8"))
    assert strip(again.notebook) == strip(hello_run.notebook)


def test_html_has_no_scripts_and_no_code():
    nb = nbformat.read(FIXTURES / "hello.ipynb", as_version=4)
    nb.cells[3].outputs = [nbformat.v4.new_output("display_data", data={
        "text/html": "<script src='https://cdn.example/require.js'></script><b>x</b>",
        "text/plain": "x"})]
    page = reports.notebook_to_html(nb)
    assert "<script" not in page and "<b>x</b>" in page
    assert "CODE_ONLY_MARKER" not in page


def _data_dir(tmp_path: Path) -> Path:
    """A complete (if tiny) build: every table present, a one-row ledger."""
    data = tmp_path / "processed"
    for name in tables.TABLES:
        tables.write_table(tables.empty_table(name), data, name)
    tables.write_table(pd.DataFrame({"task_id": ["T01"]}), data, "ledger")
    log = pd.concat([tables.empty_table("submissions_log"),
                     pd.DataFrame({"city": ["安阳市"], "department": ["运管科"], "month": ["2021-06"],
                                   "file": ["2021-06/运管科.xlsx"], "superseded": [False],
                                   "n_errors": [0], "n_warnings": [0]})])
    tables.write_table(log.astype(tables.DTYPES["submissions_log"]), data, "submissions_log")
    tables.write_stamp(data)
    return data


def test_a_half_built_folder_is_refused_naming_ledger_build(tmp_path, capsys):
    data = _data_dir(tmp_path)
    (data / "assignments.parquet").unlink()  # a build that stopped half-way
    assert reports.run_report("monthly", "2021-06", data_dir=data, out_dir=tmp_path / "r", progress=False) == 2
    err = capsys.readouterr().err
    assert "ledger build" in err and "assignments" in err and len(err.strip().splitlines()) == 1


def test_failing_cell_is_named_partial_notebook_kept_nonzero(tmp_path, capsys):
    rc = reports.run_report("monthly", "2021-06", data_dir=_data_dir(tmp_path), out_dir=tmp_path / "reports",
                            progress=False, notebook=FIXTURES / "broken.ipynb")
    err = capsys.readouterr().err
    assert rc == 1
    assert "cell 2" in err and "ratio = 1 / 0" in err and "ZeroDivisionError" in err
    nb_path, pdf_path = reports.report_paths("monthly", "2021-06", tmp_path / "reports")
    assert str(nb_path.resolve()) in err
    assert not pdf_path.exists()
    nb = nbformat.read(nb_path, as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert any("first cell ran" in o.get("text", "") for o in outputs)  # kept what ran
    assert any(o.get("ename") == "ZeroDivisionError" for o in outputs)
    assert not any("never reached" in o.get("text", "") for o in outputs)


def test_missing_font_stops_before_running(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(charts, "CJK_FAMILIES", ("No Such Chinese Font",))
    monkeypatch.setattr(charts, "CJK_FONT_PATHS", ())
    monkeypatch.setattr(charts, "_fc_list_files", lambda: [])
    rc = cli.main(["report", "monthly", "2021-06", "--data", str(_data_dir(tmp_path)),
                   "--out", str(tmp_path / "reports")])
    assert rc == 3
    assert "fonts-wqy-microhei" in capsys.readouterr().err
    assert not (tmp_path / "reports").exists()


@pytest.mark.parametrize("kind,period", [("monthly", "2021-6"), ("monthly", "2021-13"),
                                         ("quarterly", "2021Q5"), ("quarterly", "2021-06")])
def test_bad_period_is_refused(tmp_path, kind, period, capsys):
    assert reports.run_report(kind, period, data_dir=_data_dir(tmp_path), out_dir=tmp_path) == 2
    assert "YYYY" in capsys.readouterr().err


def test_period_forms():
    assert reports.normalise_period("quarterly", "2021q2") == "2021Q2"
    assert reports.report_paths("monthly", "2021-06", Path("r"))[1] == Path("r/monthly/2021-06/monthly_report_2021-06.pdf")


def test_no_processed_data_says_build_first(tmp_path, capsys):
    assert reports.run_report("monthly", "2021-06", data_dir=tmp_path / "nothing", out_dir=tmp_path) == 2
    assert "ledger build" in capsys.readouterr().err




# ------------------------------------------------------------------ the real report notebooks


def test_monthly_report_end_to_end(processed, tmp_path, capsys):
    rc = cli.main(["report", "monthly", "2021-06", "--data", str(processed), "--out", str(tmp_path)])
    assert rc == 0, capsys.readouterr().err
    nb_path, pdf_path = reports.report_paths("monthly", "2021-06", tmp_path)
    docx_path = pdf_path.with_suffix(".docx")
    assert capsys.readouterr().out.split() == [str(p.resolve()) for p in (nb_path, pdf_path, docx_path)]
    text = _pdf_text(pdf_path)
    for key in ("b_overview", "b_lights", "b_composition", "b_overdue", "b_due_next", "b_submissions",
                "b_kpis", "b_scores", "b_chase", "b_trend", "b_changes", "b_next", "b_notes"):
        assert labels.REPORT_LABELS[key] in text, key
    assert "metrics." not in text and "NBVAL" not in text
    # The headline shows the count of each status the metrics compute for this data.
    from ledgerlib import metrics, rules
    data = tables.load_processed(processed)
    status = metrics.assignment_status(data["ledger"], data["assignments"], data["progress"], "2021-06",
                                       approvals=rules.load_rules(config.raw_dir(), data["ledger"]).approvals)
    counts = status["status"].value_counts()
    for key in metrics.STATUSES:
        assert f"{labels.ASSIGNMENT_STATUS_LABELS[key]} {counts.get(key, 0)}" in text, key
    for name in ("overdue", "lights", "due_next", "scores", "submissions"):
        assert (nb_path.parent / f"{name}_2021-06.csv").exists(), name
    nb = nbformat.read(nb_path, as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and 'month = "2021-06"' in injected[0].source
    _docx_matches_notebook(docx_path, nb)


def _docx_matches_notebook(docx_path: Path, nb) -> None:
    """The Word file holds every table the report shows, cell for cell, and its headings."""
    import io

    import docx

    shown = []
    for cell in nb.cells:
        if cell.cell_type != "code" or set(cell.metadata.get("tags", [])) & reports.HIDDEN_TAGS:
            continue
        for out in cell.outputs:
            markup = out.get("data", {}).get("text/html", "")
            if "<table" in markup:  # read with pandas (lxml), not with the code under test
                for df in pd.read_html(io.StringIO(markup), keep_default_na=False):
                    shown.append([[str(c) for c in df.columns]] + df.astype(str).values.tolist())
    doc = docx.Document(docx_path)
    in_word = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    assert len(shown) >= 5
    assert in_word == shown
    assert all(t.style.name == "Table Grid" for t in doc.tables)
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    for key in ("b_overview", "b_overdue", "b_kpis"):
        assert labels.REPORT_LABELS[key] in headings
    assert len(doc.inline_shapes) >= 3  # the charts


def test_city_is_passed_to_the_notebook_and_named_in_the_files(processed, tmp_path, capsys):
    city = tables.load_processed(processed)["submissions_log"]["city"].iloc[0]
    rc = cli.main(["report", "quarterly", "2021Q2", "--city", city, "--data", str(processed),
                   "--out", str(tmp_path)])
    assert rc == 0, capsys.readouterr().err
    nb_path, pdf_path = reports.report_paths("quarterly", "2021Q2", tmp_path, city)
    assert nb_path.name == f"quarterly_report_2021Q2_{city}.ipynb" and pdf_path.exists()
    nb = nbformat.read(nb_path, as_version=4)
    injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    line = next(ln for ln in injected.source.splitlines() if ln.startswith("city = "))
    assert ast.literal_eval(line.split(" = ", 1)[1]) == city  # papermill writes it \u-escaped
    assert city in _pdf_text(pdf_path)


@pytest.mark.parametrize("argv, words", [
    (["report", "monthly", "2021-06", "--city", "不存在市"], ["不存在市", "no city"]),
    (["report", "province", "2021-06", "--city", "安阳市"], ["--city", "省级"]),
])
def test_city_mistakes_are_one_line_in_chinese_and_english(processed, argv, words, capsys):
    assert cli.main([*argv, "--data", str(processed)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and all(w in err for w in words)


def test_quarterly_report_end_to_end(processed, tmp_path, capsys):
    rc = reports.run_report("quarterly", "2021q2", data_dir=processed, out_dir=tmp_path, progress=False)
    assert rc == 0, capsys.readouterr().err
    _, pdf_path = reports.report_paths("quarterly", "2021Q2", tmp_path)
    text = _pdf_text(pdf_path)
    for key in ("matrix", "quarter_kpis", "quarter_scores"):
        assert labels.REPORT_LABELS[key] in text, key


def test_monthly_report_reads_the_rule_files_of_ledger_raw(processed, tmp_path, raw_dir):
    import shutil

    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(raw_dir / "departments.csv", raw)
    # Overdue tasks amber instead of red: the 通报's count of red lights must follow the file.
    (raw / "lights.toml").write_text('[lights]\noverdue = "amber"\nno_return = "amber"\nkpi_below = "none"\n',
                                     encoding="utf-8")
    rc = cli.main(["--raw", str(raw), "report", "monthly", "2021-06", "--data", str(processed),
                   "--out", str(tmp_path / "out"), "--no-pdf"])
    assert rc == 0
    nb_path, _ = reports.report_paths("monthly", "2021-06", tmp_path / "out")
    nb = nbformat.read(nb_path, as_version=4)
    text = "\n".join(o.get("data", {}).get("text/plain", "") for c in nb.cells if c.cell_type == "code"
                     for o in c.get("outputs", []))
    assert "三色预警：红灯0项" in text
