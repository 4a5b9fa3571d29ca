"""FLOP counting of a training step (bench perf's flops_fraction): counts that follow from the
shapes, not timings."""

from __future__ import annotations

import math

from bench.perf.flops import flops_per_step, matmul_flops
from tests.train.test_trainer import IMAGES, config


def test_flops_per_step_scale_with_batch_and_with_d_steps():
    one = flops_per_step(config(), IMAGES, "cpu")
    assert one > 0
    # Convolutions and matmuls are linear in the batch: twice the batch, twice the FLOPs.
    assert math.isclose(flops_per_step(config(batch_size=16), IMAGES, "cpu"), 2 * one, rel_tol=1e-9)
    two_d = config()
    two_d["optimizer"]["n_disc"] = 2
    g_only = config()
    g_only["optimizer"]["n_gen"] = 2  # a round of 1 D step + 2 G steps, per G step
    d = flops_per_step(two_d, IMAGES, "cpu") - one  # one extra D step
    g = one - d  # what the G step costs
    assert d > 0 and g > 0
    assert math.isclose(flops_per_step(g_only, IMAGES, "cpu"), (d + 2 * g) / 2, rel_tol=1e-9)


def test_gradient_penalty_steps_are_counted_with_their_double_backward():
    plain = flops_per_step(config(), IMAGES, "cpu")
    penalised = flops_per_step(config(regularizer="gp", weight=10.0), IMAGES, "cpu")
    assert penalised > plain * 1.2


def test_matmul_throughput_is_a_rate():
    assert 1e6 < matmul_flops("cpu", n=128, repeats=2) < 1e15


def test_compile_figures_measure_time_speedup_and_drift():
    """The measurement logic of ``bench perf --compile`` on a backend that compiles in seconds
    (aot_eager: AOTAutograd's traced graphs run eagerly); the CLI default is inductor."""
    from types import SimpleNamespace

    from bench.perf.compiled import compile_figures

    trial = SimpleNamespace(config=config(steps=2))
    workload = SimpleNamespace(trials=[trial], dataset=SimpleNamespace(x=IMAGES))
    fig = compile_figures(workload, "cpu", steps=2, repeats=1, backend="aot_eager")
    assert fig["compile_backend"] == "aot_eager" and fig["compile_speedup"] > 0
    assert fig["compile_rel_difference"] < 1e-4  # same updates, at most reordered float sums
    penalised = SimpleNamespace(trials=[SimpleNamespace(config=config(regularizer="r1", weight=1.0))], dataset=workload.dataset)
    assert compile_figures(penalised, "cpu", steps=1, repeats=1)["compile_speedup"].startswith("not measured")
