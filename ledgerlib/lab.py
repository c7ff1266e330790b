"""`ledger lab`: open JupyterLab on the checkout, as an ordinary user or as root.

Jupyter refuses to start as root ("Running as root is not recommended. Use --allow-root"),
and a fresh machine set up by `./run.sh` is often used as root: the flag is added exactly
when the effective user is root. The server's root folder is the checkout, so the
notebooks/ and the docs are one click away; any further arguments go to JupyterLab.
"""
from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence

from . import config


def lab_command(extra: Sequence[str] = (), uid: int | None = None) -> list[str]:
    """The command that starts JupyterLab in this environment (same Python, same kernel).

    >>> "--allow-root" in lab_command(uid=0), "--allow-root" in lab_command(uid=1000)
    (True, False)
    """
    uid = os.geteuid() if uid is None and hasattr(os, "geteuid") else uid
    cmd = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={config.project_root()}"]
    if uid == 0 and "--allow-root" not in extra:
        cmd.append("--allow-root")
    return [*cmd, *extra]


def run_lab(extra: Sequence[str] = (), dry_run: bool = False) -> int:
    """Start JupyterLab (until Ctrl-C) or, with dry_run, print the command; the exit code.

    Example::

        >>> run_lab(["--no-browser"], dry_run=True)  # doctest: +ELLIPSIS
        /... -m jupyterlab --ServerApp.root_dir=... --no-browser
        0
    """
    cmd = lab_command(extra)
    if dry_run:
        print(" ".join(cmd))
        return 0
    try:
        return subprocess.call(cmd)
    except KeyboardInterrupt:
        return 0
