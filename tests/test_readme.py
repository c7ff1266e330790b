"""The README's "Analysing in Python" examples run, with their outputs, on the demo data."""
from __future__ import annotations

import doctest
from pathlib import Path

import pytest

from ledgerlib import config

README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.fixture(scope="module", autouse=True)
def processed():
    """The examples read data/processed (`./run.sh test` builds it first); build it if absent."""
    if not (config.processed_dir() / "ledger.parquet").exists():
        from ledgerlib.build import build

        build(progress=False)


def test_analyst_examples_in_the_readme_run_as_written():
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Analysing in Python"):]
    section = section[:section.index("\n## ", 1)]
    # Code fences end an example's expected output.
    section = "\n".join("" if line.startswith("```") else line for line in section.splitlines())
    parser = doctest.DocTestParser()
    test = parser.get_doctest(section, {}, "README: Analysing in Python", str(README), 0)
    assert len(test.examples) >= 15
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} README example(s) failed (printed above)"
