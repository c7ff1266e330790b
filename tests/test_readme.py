"""The README's "Analysing in Python" examples run, with their outputs, on the demo data."""
from __future__ import annotations

import doctest
from pathlib import Path

from ledgerlib import config

README = Path(__file__).resolve().parent.parent / "README.md"


def test_analyst_examples_in_the_readme_run_as_written(processed, monkeypatch):
    # The examples call load_processed() with no folder: point it at the demo build.
    monkeypatch.setattr(config, "processed_dir", lambda: processed)
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
