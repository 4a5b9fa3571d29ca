"""report.html renders in headless Chromium (Debian's `chromium` package) into a non-blank page,
and its gallery's images load in the browser, one per architecture × method.

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
from tests.report.test_report_gallery import write_synthetic_samples

# appended to a copy of the page: counts the gallery images the browser decoded, once loaded
CHECK = """<script>window.addEventListener('load', () => {
  const imgs = [...document.querySelectorAll('img.gallery-cell')];
  const ok = imgs.filter(i => i.complete && i.naturalWidth > 0).length;
  const p = document.createElement('p'); p.id = 'gallery-check';
  p.textContent = 'gallery-loaded ' + ok + ' of ' + imgs.length; document.body.appendChild(p);
});</script>"""

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
    planned = write_suite(tmp_path / "suite", {"ns+none": 0.0, "wgan+gp": -10.0, "hinge+none": -4.0}, n_arch=3,
                          seeds=(0, 1))
    write_synthetic_samples(tmp_path / "suite", planned)
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

    checked = page.with_name("checked.html")
    checked.write_text(page.read_text().replace("</body>", CHECK + "</body>"))
    proc = subprocess.run(
        [chromium(), *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=10000", "--dump-dom",
         checked.resolve().as_uri()], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "gallery-loaded 9 of 9" in proc.stdout, proc.stdout[-500:]  # 3 architectures × 3 methods
