"""BogoNet's premise (docs/replications/bogonet.md): the suites validate with the study's shape, and
a scaled-down run of ``bogonet-digits.yaml`` through `bench run` (3 random architectures, 4 steps:
the same suite, trainable, metrics and report) gives finite image metrics, the architecture
columns, and the replication's tables (scripts/bogonet_replication.py).  At 4 steps no method's
rank is robust, so the tables are checked for what must hold whatever the numbers."""

from __future__ import annotations

import math

import pytest

from bench.store import load_results
from bench.suite import load_suite
from scripts.bogonet_replication import agreement, knob_table, method_table, study_of
from tests.conftest import REPO
from tests.tiny import bench_cli

SUITES = REPO / "suites" / "replications"
METHODS = ["ns+none", "wgan+gp", "ns+dragan", "hinge+none"]


def test_random_architecture_suite_is_30_architectures_by_4_methods():
    loaded = load_suite(SUITES / "bogonet-digits.yaml")
    assert len(loaded.architectures) == 30 and len({a.id for a in loaded.architectures}) == 30
    assert len(loaded.trials) == 120 and sorted({t.method for t in loaded.trials}) == sorted(METHODS)
    assert {t.spec.dataset.name for t in loaded.trials} == {"digits"}


def test_hand_picked_suite_is_the_same_study_on_one_dcgan():
    random_archs = load_suite(SUITES / "bogonet-digits.yaml")
    single = load_suite(SUITES / "bogonet-digits-dcgan.yaml")
    assert len(single.architectures) == 1 and len(single.trials) == 12
    knobs = single.architectures[0].knobs
    assert (knobs["g_act"], knobs["d_act"], knobs["g_norm"], knobs["d_norm"]) == ("relu", "lrelu", "batch", "none")
    a, b = single.trials[0].spec, random_archs.trials[0].spec
    assert (a.optimizer, a.training, a.evaluation, a.dataset) == (b.optimizer, b.training, b.evaluation, b.dataset)
    assert sorted({t.method for t in single.trials}) == sorted(METHODS)


@pytest.mark.slow  # bench run in a subprocess (Ray)
def test_scaled_down_study_runs_and_gives_the_replications_tables(tmp_path):
    suite = tmp_path / "bogonet-tiny.yaml"
    suite.write_text(f"""include: {SUITES / 'bogonet-digits.yaml'}
name: bogonet-tiny
architectures: {{space: bogonet-small, n: 3, seed: 0}}
training: {{steps: 4, batch_size: 16, log_every: 2}}
evaluation: {{every: 2, num_samples: 50, num_real: 200, metrics: [fid, kid, is]}}
""")
    out = tmp_path / "out"
    proc = bench_cli("run", suite, "--results", out, "--num-cpus", "2", "--cache", tmp_path / "cache")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = load_results(out)
    assert len(rows) == 3 * 4 * 2 and set(rows["status"]) == {"ok"}
    for metric in ("fid", "kid", "is"):
        assert all(math.isfinite(v) for v in rows[metric]), rows[metric]
    assert rows["is"].ge(1).all() and (rows["resolution"] == 16).all()
    assert rows["feature_extractor"].str.startswith("classifier:digits@").all()
    assert (rows["arch_family"] == "conv").all() and rows["arch_id"].str.startswith("conv-").all()
    assert rows["arch_g_params"].gt(0).all() and rows["arch_d_params"].gt(0).all()
    assert {"arch_g_norm", "arch_d_norm", "arch_g_upsample", "arch_z_dim"} <= set(rows.columns)

    study, ranking = study_of(out, "fid")
    per_arch = ranking.per_arch
    assert per_arch.shape == (3, 4)
    assert per_arch.sum(axis=1).tolist() == pytest.approx([1 + 2 + 3 + 4] * 3)  # ranks 1..4 per architecture
    median = float(study.finished["final_fid"].median())
    table = method_table(study.finished, ranking, "fid", median, single=per_arch.iloc[:1])
    assert sorted(table.index) == sorted(METHODS) and table["architectures"].eq(3).all()
    assert (table["rank_min"] <= table["rank_median"]).all() and (table["rank_median"] <= table["rank_max"]).all()
    assert table["wins"].sum() >= 3 and table["mean_rank"].is_monotonic_increasing
    assert table["success"].mean() == pytest.approx((study.finished["final_fid"] <= median).mean())
    assert table["single_arch_rank"].sort_values().tolist() == sorted(per_arch.iloc[0].tolist())
    share = agreement(per_arch)
    assert share["architectures"] == 3 and 0 <= share["same_order"] <= share["same_winner"] <= 1
    knobs = knob_table(study.finished, "fid", median, min_trials=1)
    assert not knobs.empty and knobs["failure"].between(0, 1).all()
    assert (knobs.groupby("knob")["trials"].sum() == 12).all()  # each knob's values partition the 12 trials
    assert knobs["gap"].is_monotonic_decreasing
    spread = knobs.groupby("knob")["failure"].agg(lambda f: f.max() - f.min())
    assert knobs.groupby("knob")["gap"].first().to_dict() == pytest.approx(spread.to_dict())
