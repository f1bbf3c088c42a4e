"""Careless and hostile use of the command line: each reproduction from issue 18, pinned."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import REPO


def test_a_reader_closing_the_pipe_early_is_not_a_crash(tmp_path: Path) -> None:
    env = {**os.environ, "TMPDIR": str(tmp_path)}  # any crash log would land here
    proc = subprocess.Popen(
        [sys.executable, "-m", "maturity", "framework", "show", "edi-maturity"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
        env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # like `| head -0`: gone before the first line is written
    stderr = proc.stderr.read()
    assert proc.wait(timeout=30) == 141
    assert stderr == b""
    assert list(tmp_path.iterdir()) == []
