"""``kpa check FILE | head -1``: a reader that goes away is not an error (issue 20.8)."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import EXAMPLE, ROOT


def test_a_closed_pipe_prints_no_error() -> None:
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first line (as « head -1 » after its line)
    process = subprocess.run([sys.executable, "-m", "kpawidgets.cli", "check", "--json", str(EXAMPLE)],
                             stdout=write, stderr=subprocess.PIPE, cwd=ROOT, timeout=120)
    os.close(write)
    assert process.stderr.decode() == ""
    assert process.returncode in (0, 141)
