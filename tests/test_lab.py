"""`ledger lab`: JupyterLab starts on the checkout as root and as an ordinary user."""
from __future__ import annotations

import os
import socket
import subprocess
import time

from ledgerlib import cli, config
from ledgerlib.lab import lab_command


def test_allow_root_exactly_when_root():
    assert "--allow-root" in lab_command(uid=0)
    assert "--allow-root" not in lab_command(uid=1000)
    assert lab_command(["--allow-root"], uid=0).count("--allow-root") == 1
    assert f"--ServerApp.root_dir={config.project_root()}" in lab_command(uid=1000)


def test_jupyter_options_pass_through_the_ledger_command(capsys):
    assert cli.main(["lab", "--print-command", "--no-browser", "--port", "8899"]) == 0
    printed = capsys.readouterr().out.split()
    assert printed[-3:] == ["--no-browser", "--port", "8899"]
    assert ("--allow-root" in printed) == (os.geteuid() == 0)


def test_jupyterlab_really_starts_for_this_user(tmp_path):
    with socket.socket() as s:  # a free port
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "rt"), "JUPYTER_CONFIG_DIR": str(tmp_path / "cfg")}
    proc = subprocess.Popen(lab_command(["--no-browser", f"--port={port}", "--ServerApp.port_retries=0"]),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    lines = []
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if f":{port}/lab" in line:
                break
        assert any(f":{port}/lab" in ln for ln in lines), "".join(lines)
        assert not any("Running as root is not recommended" in ln for ln in lines)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
