"""Plugins from the user's own files: validated with the suite, listed in unknown-name errors,
identified by their source hash in exactly the trials that use them; broken plugins exit 2
naming the file; a plugin adds a dataset and an optimizer."""

from __future__ import annotations

import pytest

from bench.cli.main import main
from bench.suite import load_suite
from tests.plugin_helpers import RING4_SGD, copy_example, mlp_catalogue, ring8_suite

def test_a_suite_using_a_plugin_loss_and_metric_validates(tmp_path, capsys):
    copy_example(tmp_path / "mine")
    suite = ring8_suite(tmp_path, "mine/fgan_energy.py", metrics=("energy_points", "modes"))
    assert main(["validate", str(suite)]) == 0
    out = capsys.readouterr().out
    assert "pearson_chi2+none" in out and "fgan_energy@" in out

    bad = ring8_suite(tmp_path, "mine/fgan_energy.py", losses=("pearson_chi3",))
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "unknown loss 'pearson_chi3'" in err and "pearson_chi2" in err and "Did you mean 'pearson_chi2'" in err


def test_editing_the_plugin_changes_exactly_the_ids_of_the_trials_that_use_it(tmp_path):
    from bench.sweep.columns import config_columns

    plugin = copy_example(tmp_path / "mine")
    suite = ring8_suite(tmp_path, "mine/fgan_energy.py", seeds=(0, 1))
    before = {t.id: t for t in load_suite(suite).trials}
    by_method = lambda trials: {(t.method, t.config["seed"]): t.id for t in trials}  # noqa: E731
    plugin.write_text(plugin.read_text().replace("return -d_fake.mean()", "return -(d_fake.mean())"))
    after = load_suite(suite).trials
    old, new = by_method(before.values()), by_method(after)
    assert {k for k in old if old[k] != new[k]} == {("pearson_chi2+none", 0), ("pearson_chi2+none", 1)}
    plain = ring8_suite(tmp_path, "mine/fgan_energy.py", losses=("ns",), seeds=(0, 1))
    plain.write_text(plain.read_text().replace("plugins: [mine/fgan_energy.py]", ""))
    assert {t.id for t in load_suite(plain).trials} == {v for k, v in new.items() if k[0] == "ns+none"}

    trial = next(t for t in after if t.method == "pearson_chi2+none")
    columns = config_columns(trial.id, trial.config, suite="plug", suite_version="1", data_shape=(2,))
    assert '"fgan_energy":' in columns["plugins"] and trial.config["plugins"]["fgan_energy"] in columns["plugins"]
    ns = next(t for t in after if t.method == "ns+none")
    assert config_columns(ns.id, ns.config, suite="plug", suite_version="1", data_shape=(2,))["plugins"] == "{}"
    # a plugin metric is used by every trial that evaluates it
    metric = ring8_suite(tmp_path, "mine/fgan_energy.py", metrics=("energy_points",))
    assert all("fgan_energy" in t.config["plugins"] for t in load_suite(metric).trials)


BROKEN = {
    "syntax": ("broken.py", "def loss(:\n", "syntax error at line 1"),
    "duplicate": ("dup.py", "from bench.losses import LOSSES, Loss\nLOSSES.add('ns', Loss(None, None, '', ''))\n",
                  "loss 'ns' is registered twice"),
    "missing": ("absent.py", None, "no such file"),
    "shadowing": ("json.py", "x = 1\n", "a module named 'json' is already imported"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_plugin_exits_2_naming_the_file_and_writes_nothing(tmp_path, capsys, case):
    name, text, message = BROKEN[case]
    if text is not None:
        (tmp_path / name).write_text(text)
    suite = ring8_suite(tmp_path, name)
    assert main(["run", str(suite)]) == 2
    err = capsys.readouterr().err
    assert str(tmp_path / name) in err and message in err and "plugins" in err
    assert not (tmp_path / "out").exists()
    plain = ring8_suite(tmp_path, name, losses=("ns",))
    plain.write_text(plain.read_text().replace(f"plugins: [{name}]", ""))
    assert main(["validate", str(plain), "--plugin", str(tmp_path / name)]) == 2
    assert str(tmp_path / name) in capsys.readouterr().err
    if case == "duplicate":
        from bench.losses import LOSSES

        assert LOSSES.origin("ns") is None  # bench's own entry is untouched


def test_a_plugin_adds_a_dataset_and_an_optimizer(tmp_path, capsys):
    from bench.data import load_dataset
    from bench.train import Trainer

    (tmp_path / "ring4_sgd.py").write_text(RING4_SGD)
    mlp_catalogue(tmp_path)
    (tmp_path / "suite.yaml").write_text("""
name: ring4
version: "1"
plugins: [ring4_sgd.py]
dataset: {name: ring4, size: 500}
architectures: {catalogue: mlp.jsonl}
losses: [ns]
optimizer: {name: sgd_momentum, lr_g: 0.01, lr_d: 0.01, momentum: 0.5}
training: {steps: 4, batch_size: 16, log_every: 2}
evaluation: {every: 2}
""")
    loaded = load_suite(tmp_path / "suite.yaml")
    (trial,) = loaded.trials
    assert trial.config["optimizer"]["params"] == {"momentum": 0.5}
    assert trial.config["evaluation"]["num_samples"] == 400  # the entry's default sample count
    assert set(trial.config["plugins"]) == {"ring4_sgd"}
    trainer = Trainer(trial.config, load_dataset(loaded.suite.dataset.loader_args()).x)
    assert type(trainer.opt_d).__name__ == "SGD" and trainer.opt_d.param_groups[0]["momentum"] == 0.5
    trainer.run(lambda samples: {})
    assert [r["step"] for r in trainer.history] == [2, 4]

    bad = (tmp_path / "suite.yaml").read_text().replace("momentum: 0.5", "beta1: 0.5")
    (tmp_path / "bad.yaml").write_text(bad)
    assert main(["validate", str(tmp_path / "bad.yaml")]) == 2
    assert "optimizer 'sgd_momentum' has no parameter 'beta1'; valid parameters: momentum" in capsys.readouterr().err
    assert main(["list", "datasets", "--plugin", str(tmp_path / "ring4_sgd.py")]) == 0
    listing = capsys.readouterr().out
    assert "ring4" in listing and "ring4_sgd" in listing and "size=2000" in listing


def test_a_module_name_plugin_is_imported_by_name_and_identified_by_its_sources(tmp_path, monkeypatch):
    from bench.losses import LOSSES
    from bench.plugins import load_plugin, source_hash, worker_imports

    package = tmp_path / "site" / "gan_extras_pkg"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text('__version__ = "0.3"\n')
    (package / "losses.py").write_text(
        "from bench.losses import LOSSES, Loss\n"
        "LOSSES.add('soft_hinge', Loss(lambda *, d_real, d_fake: (1 - d_real).clamp(min=0).mean(),\n"
        "                              lambda *, d_real, d_fake: -d_fake.mean(), 'L_D = E max(0, 1 - d_r)', 'test'))\n")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    plugin = load_plugin("gan_extras_pkg.losses")
    assert plugin.name == "gan_extras_pkg.losses" and LOSSES.origin("soft_hinge") == "gan_extras_pkg.losses"
    assert plugin.sha256 == source_hash(package / "losses.py")
    assert load_plugin("gan_extras_pkg.losses") is plugin  # loading it again is a no-op
    assert worker_imports([plugin]) == [{"name": plugin.name, "sha256": plugin.sha256, "import": "gan_extras_pkg.losses"}]


def test_a_folder_plugin_is_a_package_staged_whole_for_the_workers(tmp_path):
    from pathlib import Path

    from bench.metrics import METRICS
    from bench.plugins import load_plugin, stage_for_workers, worker_imports

    folder = tmp_path / "my_metrics"
    folder.mkdir()
    (folder / "__init__.py").write_text("from .count import register\nregister()\n")
    (folder / "count.py").write_text(
        "from bench.metrics import METRICS, Metric\n"
        "def register():\n"
        "    METRICS.add('n_points', Metric(lambda ctx: float(len(ctx.points)), None, 'points', 'count', 'test'))\n")
    plugin = load_plugin("my_metrics", tmp_path)
    assert METRICS.origin("n_points") == "my_metrics" and plugin.path == str(folder)
    staged = Path(stage_for_workers([plugin]))
    (item,) = worker_imports([plugin])
    assert item["import"] == f"{staged.name}.my_metrics"
    assert sorted(p.name for p in (staged / "my_metrics").iterdir()) == ["__init__.py", "count.py"]


def test_entries_bench_registers_while_a_plugin_is_imported_stay_built_in():
    """A plugin's ``from bench.train.optim import OPTIMIZERS`` can be what first imports that
    module: its built-in entries (adam, ...) must not become the plugin's, or unloading the plugin
    empties the registry (the order-dependent 'unknown optimizer adam; valid: .')."""
    from bench.registry import ALL_REGISTRIES, Registry, forget_origin, registering_for

    registry = Registry("test axis")
    try:
        with registering_for("some_plugin"):
            exec("registry.add('built_in', 1)", {"__name__": "bench.some_module", "registry": registry})
            exec("registry.add('mine', 2)", {"__name__": "some_plugin", "registry": registry})
        assert registry.origin("built_in") is None and registry.origin("mine") == "some_plugin"
        forget_origin("some_plugin")
        assert registry.names() == ["built_in"]
    finally:
        ALL_REGISTRIES.remove(registry)
