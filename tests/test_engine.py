"""ledgerlib.engine: report notebooks run in this process give what a kernel process gives."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from ledgerlib import engine, reports

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"


def test_streams_results_and_errors_as_a_kernel_reports_them():
    kernel = engine.InProcessKernel()
    try:
        outputs, count, error = kernel.run("import sys\nprint('out')\nprint('err', file=sys.stderr)\n6 * 7")
        assert count == 1 and error is None
        assert [(o.output_type, o.get("name"), o.get("text")) for o in outputs[:2]] == [
            ("stream", "stdout", "out\n"), ("stream", "stderr", "err\n")]
        assert outputs[2].output_type == "execute_result" and outputs[2].data["text/plain"] == "42"
        outputs, count, error = kernel.run("1 / 0")
        assert count == 2 and error["ename"] == "ZeroDivisionError"
        assert outputs[-1].output_type == "error"
    finally:
        kernel.shutdown()


def test_each_run_starts_clean_and_leaves_no_shell():
    import IPython

    first = engine.InProcessKernel()
    first.run("leftover = 1")
    first.shutdown()
    assert IPython.get_ipython() is None  # later code must not think it is in a notebook
    second = engine.InProcessKernel()
    try:
        outputs, count, error = second.run("leftover")
        assert count == 1 and error["ename"] == "NameError"
    finally:
        second.shutdown()


def test_both_engines_give_the_same_notebook_and_pdf(tmp_path):
    runs = {}
    for name in reports.ENGINES:
        result = reports.run_notebook(FIXTURES / "hello.ipynb", tmp_path / name / "hello.ipynb", {"month": "03"},
                                      pdf_path=tmp_path / name / "hello.pdf", progress=False, engine=name)
        assert result.ok, result.error
        runs[name] = result
    strip = lambda p: re.sub(r'"(input|output)_path": "[^"]*"', "", p.read_text(encoding="utf-8"))
    assert strip(runs["inprocess"].notebook) == strip(runs["kernel"].notebook)
    assert runs["inprocess"].pdf.read_bytes() == runs["kernel"].pdf.read_bytes()


def test_nbformat_loads_without_the_rfc3987_grammars():
    code = ("import sys\nfrom ledgerlib import engine\nengine.skip_slow_format_checks()\nimport nbformat\n"
            "print(sys.modules.get('rfc3987_syntax'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "None"
