"""Sample grids: fixed latents shared across methods, PNGs written at every evaluation, the same
bytes after a restore from a checkpoint, and training numbers unchanged by writing them."""

from __future__ import annotations

import io

import numpy as np
import pytest
import torch
from PIL import Image

from bench.data import load_dataset
from bench.samples import fixed_latents, sample_steps, write_evaluation_samples
from bench.samples.render import points_png
from bench.train import Trainer
from tests.train.test_trainer import IMAGES, config


def test_fixed_latents_depend_on_seed_and_z_dim_only_and_extend_by_prefix():
    a = fixed_latents(3, 8, "normal", 64)
    assert torch.equal(a, fixed_latents(3, 8, "normal", 256)[:64])
    assert a.shape == (64, 8) and not torch.equal(a, fixed_latents(4, 8, "normal", 64))
    u = fixed_latents(3, 8, "uniform", 10)
    assert u.min() >= -1 and u.max() <= 1 and u.shape == (10, 8)
    torch.manual_seed(0)
    before = torch.rand(1)
    torch.manual_seed(0)
    fixed_latents(0, 8, "normal", 64)
    assert torch.equal(torch.rand(1), before), "drawing the latents moved the global RNG"
    with pytest.raises(ValueError, match="prior"):
        fixed_latents(0, 8, "cauchy", 4)


def _run(tmp_path, cfg, trial="t", stop_at=None, state=None, samples=16):
    """Train ``cfg`` writing sample grids to ``tmp_path``; stop after the checkpoint at ``stop_at``
    (returning its state), or continue from ``state``."""
    trainer = Trainer(cfg, IMAGES)
    if state is not None:
        trainer.load_state_dict(state)
    saved = {}

    class Stop(Exception):
        pass

    def on_checkpoint(t):
        if t.step == stop_at:
            saved["state"] = t.state_dict()
            raise Stop

    try:
        trainer.run(lambda s: {"mean": float(s.mean())},
                    lambda t, row: write_evaluation_samples(tmp_path, trial, t, samples), on_checkpoint)
    except Stop:
        return trainer, saved["state"]
    return trainer, None


def test_grids_per_evaluation_identical_after_restore_and_rows_unchanged(tmp_path):
    cfg = config(steps=6, ema=0.9)
    full, _ = _run(tmp_path / "full", cfg)
    steps = sample_steps(tmp_path / "full", "t")
    assert list(steps) == [2, 4, 6] and list(sample_steps(tmp_path / "full", "t", ema=True)) == [2, 4, 6]
    grid = Image.open(steps[6])
    assert grid.size == (4 * 16 + 5, 4 * 16 + 5) and grid.mode == "L"  # 16 digits 8×8 at 2×, 4 per row
    assert len(np.unique(np.asarray(grid))) > 10, "the grid is blank"

    _, state = _run(tmp_path / "cut", cfg, stop_at=2)
    resumed, _ = _run(tmp_path / "cut", cfg, state=state)
    for ema in (False, True):
        a, b = sample_steps(tmp_path / "full", "t", ema=ema), sample_steps(tmp_path / "cut", "t", ema=ema)
        assert list(a) == list(b)
        for step in a:
            assert open(a[step], "rb").read() == open(b[step], "rb").read(), (step, ema)

    plain = Trainer(cfg, IMAGES)  # no samples written: the same numbers
    plain.run(lambda s: {"mean": float(s.mean())})
    strip = lambda rows: [{k: v for k, v in r.items() if k != "wall_s"} for r in rows]  # noqa: E731
    assert strip(plain.history) == strip(full.history) == strip(resumed.history)


def test_methods_on_one_architecture_and_seed_share_latents_so_same_g_gives_same_grid(tmp_path):
    a, b = Trainer(config("ns"), IMAGES), Trainer(config("hinge"), IMAGES)  # same seed: same initial G
    write_evaluation_samples(tmp_path, "a", a, 16)
    write_evaluation_samples(tmp_path, "b", b, 16)
    assert open(sample_steps(tmp_path, "a")[0], "rb").read() == open(sample_steps(tmp_path, "b")[0], "rb").read()
    assert write_evaluation_samples(tmp_path, "c", a, 0) == []


def test_two_d_scatter_shows_points_over_modes_deterministically():
    ring = load_dataset({"name": "ring8"})
    centers, std = ring.meta["centers"], ring.meta["std"]
    png = points_png(ring.x[:500], centers, std, title="step 10")
    assert png == points_png(ring.x[:500], centers, std, title="step 10")
    assert b"tIME" not in png and b"matplotlib" not in png  # no timestamp, no version tag

    def inked(data: bytes) -> int:
        pixels = np.asarray(Image.open(io.BytesIO(data)).convert("RGB")).astype(int)
        return int((pixels.min(axis=2) < 200).sum())

    spread = points_png(torch.randn(500, 2, generator=torch.Generator().manual_seed(0)) * 0.5, centers, std)
    assert inked(spread) > inked(points_png(ring.x[:500], centers, std)) + 500, "off-mode points not drawn"


def test_samples_and_tracking_are_validated_and_stay_out_of_trial_ids(write_suite, mlp_catalogue, tmp_path):
    from bench.suite import SuiteError, load_suite

    good = {"name": "tiny", "version": 1, "dataset": {"name": "ring8"},
            "architectures": {"catalogue": str(mlp_catalogue)}, "losses": ["ns"],
            "training": {"steps": 10, "batch_size": 8}, "evaluation": {"every": 5}, "results": str(tmp_path / "out")}
    ids = [t.id for t in load_suite(write_suite(good)).trials]
    more = {**good, "evaluation": {"every": 5, "samples": 0}, "tracking": {"logger": "mlflow", "uri": "sqlite:///x.db"}}
    assert [t.id for t in load_suite(write_suite(more, "more.yaml")).trials] == ids
    for bad, field in (({"every": 5, "samples": -1}, "evaluation.samples"),):
        with pytest.raises(SuiteError, match=field):
            load_suite(write_suite({**good, "evaluation": bad}, "bad.yaml"))
    for tracking, field in (({"logger": "comet"}, "tracking.logger"), ({"logger": "wandb", "uri": "x"}, "tracking"),
                            ({"loger": "mlflow"}, "tracking.loger")):
        with pytest.raises(SuiteError, match=field) as info:
            load_suite(write_suite({**good, "tracking": tracking}, "bad.yaml"))
        assert "bad.yaml" in str(info.value)
    assert not (tmp_path / "out").exists()


def test_bench_samples_finds_the_checkpoints_of_every_experiment_of_the_sweep(tmp_path):
    """A resumed grid trains in tune-repair/<n>/ and a resumed search round in
    tune-search/<round>.<n>/: their checkpoints are offered too, by step."""
    import json as _json

    from bench.samples.regenerate import trial_checkpoints
    from bench.store.location import Location

    for step, folder in ((4, "tune/t-x"), (8, "tune-repair/1/t-x"), (12, "tune-search/round-a.1/t-x"), (6, "tune/t-y")):
        checkpoint = tmp_path / folder / f"checkpoint_{step:06d}"
        checkpoint.mkdir(parents=True)
        (checkpoint / "manifest.json").write_text(_json.dumps({"step": step}))
    found = trial_checkpoints(Location.of(tmp_path), "t-x")
    assert sorted(found) == [4, 8, 12] and found[8].endswith("tune-repair/1/t-x/checkpoint_000008")
