"""`mkdocs build --strict` passes: every page is in the navigation, every link and anchor resolves,
the README sections the start page includes exist and the registry tables are current."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import REPO


@pytest.mark.slow
def test_mkdocs_build_strict(tmp_path):
    site = tmp_path / "site"
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
                          cwd=REPO, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    index = (site / "index.html").read_text()
    assert "ns+r1(weight=1)" in index  # the README's quick start output is included
    assert (site / "readme" / "img" / "quickstart_trajectories.png").is_file()
    assert "| `hinge`" not in (site / "methods" / "index.html").read_text()  # tables are rendered as tables
