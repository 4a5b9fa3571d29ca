"""report.html renders in headless Chromium (Debian's `chromium` package) into a non-blank page.

CI must install the browser first:  apt-get update && apt-get install -y chromium
"""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest
from matplotlib import image

from bench.report import build_report

from tests.report_synth import write_suite

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    raise AssertionError("Chromium is required for this test: apt-get update && apt-get install -y chromium")


@pytest.mark.slow  # headless Chromium
def test_report_html_renders_in_chromium(tmp_path):
    write_suite(tmp_path / "suite", {"ns+none": 0.0, "wgan+gp": -10.0, "hinge+none": -4.0}, n_arch=3, seeds=(0, 1))
    summary = build_report(tmp_path / "suite", tmp_path / "report", n_boot=200)
    page = summary.files["report.html"]
    shot = tmp_path / "shot.png"
    proc = subprocess.run(
        [chromium(), *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}",
         "--window-size=1200,2000", page.resolve().as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pixels = image.imread(shot)[..., :3]
    assert pixels.shape[:2] == (2000, 1200)
    non_white = (pixels < 0.95).any(axis=2).mean()
    colours = len(np.unique((pixels * 255).astype(np.uint8).reshape(-1, 3), axis=0))
    assert 0.03 < non_white < 0.9, f"page looks blank or broken ({non_white:.1%} non-white pixels)"
    assert colours > 50, "no figures drawn (too few distinct colours)"
