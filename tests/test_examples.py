"""Every docstring example in the package runs (doctests), on the demo data where it needs data.

The analyst's functions show their use on `data = ledgerlib.load_processed()` (the shipped
demo set, built by `./run.sh test` before the tests); the rest on small values of their own.
"""
from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import ledgerlib
from ledgerlib import config

MODULES = sorted(m.name for m in pkgutil.iter_modules(ledgerlib.__path__))


@pytest.fixture()
def data(processed, monkeypatch):
    # Examples that call load_processed() / read_table() with no folder read the demo build.
    monkeypatch.setattr(config, "processed_dir", lambda: processed)
    return ledgerlib.load_processed(processed)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name, data):
    module = importlib.import_module(f"ledgerlib.{name}")
    result = doctest.testmod(module, extraglobs={"data": data}, report=True,
                             optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} example(s) in ledgerlib/{name}.py failed (printed above)"


def test_the_analysts_functions_all_show_an_example():
    import ast
    from pathlib import Path

    for name in ("metrics", "periods", "tables", "summaries", "ranking", "province", "wordfile", "blocks"):
        tree = ast.parse(Path(ledgerlib.__path__[0], f"{name}.py").read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                assert ">>>" in (ast.get_docstring(node) or ""), f"{name}.{node.name} has no example"


def test_every_public_function_shows_an_example():
    """Issue 12: a docstring example (a `>>>` line, or an `Example::` block for a call that
    writes files or needs a plan) on every public function and public method of the package."""
    import ast
    from pathlib import Path

    def has_example(node) -> bool:
        doc = ast.get_docstring(node) or ""
        return ">>>" in doc or "Example::" in doc

    missing = []
    for path in sorted(Path(ledgerlib.__path__[0]).glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            members = [(node.name, node)] if isinstance(node, ast.FunctionDef) else []
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                members = [(f"{node.name}.{n.name}", n) for n in node.body if isinstance(n, ast.FunctionDef)]
            missing += [f"{path.stem}.{name}" for name, n in members
                        if not n.name.startswith("_") and not has_example(n)]
    assert missing == [], f"public functions without an example: {missing}"
