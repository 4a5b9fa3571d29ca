"""The report's gallery: one cell per architecture × method with the trial's last grid and its
final metric, failed trials marked, the > 12 architectures selection rule, the strip figure."""

from __future__ import annotations

import re

import torch

from bench.report import build_report
from bench.report.gallery import MAX_ROWS, choose_architectures, gallery_cells
from bench.samples.render import image_grid_png
from bench.samples.store import sample_name
from bench.layout import SAMPLES_DIR
from bench.store.location import Location
from tests.report_synth import write_suite


def write_synthetic_samples(results, trial_ids, steps=(250, 500)) -> None:
    """Grids of seeded noise for synthetic trials (test inputs: the report only shows them)."""
    location = Location.of(results)
    for i, trial in enumerate(trial_ids):
        for step in steps:
            images = torch.rand(16, 1, 8, 8, generator=torch.Generator().manual_seed(i * 1000 + step)) * 2 - 1
            location.write_bytes(image_grid_png(images), SAMPLES_DIR, trial, sample_name(step))


def test_gallery_cells_figures_and_failed_marks(tmp_path):
    planned = write_suite(tmp_path / "s", {"ns+none": 0.0, "wgan+gp": -10.0}, n_arch=3, seeds=(0, 1),
                          diverged=("ns+none-a1-s0",), errors=("wgan+gp-a2-s0",))
    write_synthetic_samples(tmp_path / "s", [t for t in planned if t != "wgan+gp-a2-s0"])
    summary = build_report(tmp_path / "s", tmp_path / "r", n_boot=50)
    assert {"figures/gallery.png", "figures/samples_over_training.png"} <= set(summary.files)
    page = summary.files["report.html"].read_text()
    shown = re.findall(r'class="gallery-cell" alt="([^"]+)"', page)
    assert len(shown) == 5 and all(t.endswith("-s0") for t in shown)  # 3 archs × 2 methods at seed 0, one error without grids
    assert "DIVERGED (grid of step 500)" in page and "ERROR" in page and "gallery-failed" in page


def test_more_than_twelve_architectures_best_median_worst_per_method_plus_seeded_random():
    import pandas as pd

    rows = []
    for a in range(20):
        for method, sign in (("ns+none", 1), ("hinge+none", -1)):
            rows.append({"trial_id": f"{method}-{a}", "arch_id": f"conv-{a:03d}", "method": method, "seed": 0,
                         "status": "ok", "final_fid": 100 + sign * a})
    trials = pd.DataFrame(rows).set_index("trial_id")
    archs, rule = choose_architectures(trials, "final_fid", ["ns+none", "hinge+none"], higher=False)
    assert archs[:3] == ["conv-000", "conv-010", "conv-019"]  # ns: best (lowest fid), median, worst
    assert len(archs) == len(set(archs)) == 4 + 3 <= MAX_ROWS  # hinge's best/worst are ns's worst/best
    assert archs == choose_architectures(trials, "final_fid", ["ns+none", "hinge+none"], higher=False)[0]
    assert "best, median and worst" in rule and "default_rng(0)" in rule
    cells = gallery_cells("/nonexistent", trials, "final_fid", archs[:1], ["ns+none", "hinge+none"], False)
    assert [c.label("fid") for c in cells[0]] == ["fid 100 (no samples)", "fid 100 (no samples)"]
