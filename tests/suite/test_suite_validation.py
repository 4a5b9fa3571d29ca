"""Suite validation at the edge: good suites expand, bad ones name the file and field, exit 2,
and write nothing."""

from __future__ import annotations

import copy
import subprocess
import sys

import pytest

from bench.suite import SuiteError, load_suite


@pytest.fixture
def good(mlp_catalogue, tmp_path):
    return {
        "name": "tiny",
        "version": 1,
        "dataset": {"name": "ring8"},
        "architectures": {"catalogue": str(mlp_catalogue)},
        "losses": ["ns", {"name": "hinge"}],
        "regularizers": ["none", {"name": "gp", "weight": 1}],
        "optimizer": [{"lr_g": 1e-3, "lr_d": 1e-3}, {"lr_g": 2e-4, "lr_d": 4e-4, "n_disc": 2}],
        "training": {"steps": 10, "batch_size": 8},
        "evaluation": {"every": 5},
        "seeds": [0, 1],
        "results": str(tmp_path / "out"),
    }


def problems_of(write_suite, mapping) -> list[tuple[str, str]]:
    with pytest.raises(SuiteError) as info:
        load_suite(write_suite(mapping))
    return info.value.problems


def test_good_suite_expands_to_the_cross_product(write_suite, good):
    loaded = load_suite(write_suite(good))
    assert len(loaded.trials) == 1 * 2 * 2 * 2 * 2  # archs × losses × regularizers × optimizers × seeds
    assert len({t.id for t in loaded.trials}) == len(loaded.trials)
    methods = {t.method for t in loaded.trials}
    assert methods == {"ns+none", "ns+gp(weight=1)", "hinge+none", "hinge+gp(weight=1)"}
    assert loaded.trials[0].config["evaluation"]["metrics"] == ["modes", "hq_fraction", "mode_kl"]


def test_trial_ids_are_stable_and_follow_the_config(write_suite, good):
    first = [t.id for t in load_suite(write_suite(good)).trials]
    again = [t.id for t in load_suite(write_suite(good, "again.yaml")).trials]
    assert first == again
    renamed = dict(good, name="other", version="7")  # name/version do not change the numbers
    assert [t.id for t in load_suite(write_suite(renamed, "renamed.yaml")).trials] == first
    changed = copy.deepcopy(good)
    changed["training"]["steps"] = 11
    assert not set(first) & {t.id for t in load_suite(write_suite(changed, "changed.yaml")).trials}


def test_methods_list_instead_of_cross_product(write_suite, good):
    mapping = {k: v for k, v in good.items() if k not in ("losses", "regularizers")}
    mapping["methods"] = [{"loss": "ns"}, {"loss": "wgan", "regularizer": {"name": "gp", "weight": 10}}]
    loaded = load_suite(write_suite(mapping))
    assert {t.method for t in loaded.trials} == {"ns+none", "wgan+gp"}


def test_include_merges_a_base_suite(write_suite, good):
    write_suite({k: v for k, v in good.items() if k != "name"}, "base.yaml")
    path = write_suite({"include": "base.yaml", "name": "child", "seeds": [5]}, "child.yaml")
    loaded = load_suite(path)
    assert loaded.suite.name == "child" and {t.config["seed"] for t in loaded.trials} == {5}


def test_errors_name_the_included_file_that_sets_the_field(write_suite, good):
    base = copy.deepcopy(good)
    base["training"]["steps"] = "many"
    base_path = write_suite({k: v for k, v in base.items() if k != "name"}, "base.yaml")
    child = write_suite({"include": "base.yaml", "name": "child", "seeds": ["5"]}, "child.yaml")
    with pytest.raises(SuiteError) as info:
        load_suite(child)
    text = str(info.value)
    assert f"{base_path} (included by {child}): training.steps:" in text
    assert f"{child}: seeds[0]:" in text and info.value.files == {"training.steps": base_path}


@pytest.mark.parametrize(
    "mutate, field, words",
    [
        (lambda m: m["training"].update(stepz=3), "training.stepz", ["unknown key 'stepz'", "steps"]),
        (lambda m: m.update(losses=["ns", "nsgann"]), "losses[1].name", ["unknown loss 'nsgann'", "hinge", "wgan"]),
        (lambda m: m.update(regularizers=[{"name": "gpp"}]), "regularizers[0].name", ["unknown regularizer", "gp"]),
        (lambda m: m["training"].update(steps="many"), "training.steps", ["integer", "'many'"]),
        (lambda m: m["optimizer"][0].update(lr_g=-1), "optimizer[0].lr_g", ["greater than 0"]),
        (lambda m: m.update(dataset={"name": "cifar"}), "dataset.name", ["unknown dataset 'cifar'", "cifar10"]),
        (lambda m: m.update(dataset={"name": "cifar10", "path": "/nonexistent/cifar"}), "dataset.path", ["does not exist", "cifar-10-batches-py"]),
        (lambda m: m.update(architectures={"catalogue": "missing.jsonl"}), "architectures", ["missing.jsonl", "does not exist"]),
        (lambda m: m.update(dataset={"name": "ring8", "path": "data"}), "dataset", ["'ring8' is embedded", "takes no `path:`", "image-folder"]),
        (lambda m: m["evaluation"].update(metrics=["fid"]), "evaluation.metrics[0]", ["'fid' not available for points data", "modes, hq_fraction"]),
        (lambda m: m.update(dataset={"name": "digits", "resolution": 8}, evaluation={"every": 5, "metrics": ["fid", "ms_ssim"]}),
         "evaluation.metrics[1]", ["8×8 pixels are too small", "'ms_ssim' needs ≥ 16", "dataset.resolution is 8"]),
        (lambda m: m.update(dataset={"name": "digits", "resolution": 4}, evaluation={"every": 5, "metrics": ["swd"]}),
         "evaluation.metrics[0]", ["'swd' needs ≥ 7", "dataset.resolution is 4"]),
        (lambda m: m.update(seeds=[1, 1]), "seeds", ["repeat"]),
        (lambda m: m.pop("training"), "training", ["Field required"]),
        (lambda m: m.update(losses=[{"name": "ns", "params": {"label_smooth": 0.1}}]), "losses[0]",
         ["no parameter 'label_smooth'", "label_smoothing"]),
        (lambda m: m.update(losses=["mmd"], regularizers=["gp"]), "", ["gradient penalty", "methods"]),
        # strict types: no silent conversion of bools, numeric strings or floats
        (lambda m: m["training"].update(steps=True), "training.steps", ["valid integer", "True"]),
        (lambda m: m["training"].update(steps="800"), "training.steps", ["valid integer", "'800'"]),
        (lambda m: m["training"].update(steps=800.0), "training.steps", ["valid integer", "800.0"]),
        (lambda m: m.update(seeds=["0"]), "seeds[0]", ["valid integer", "'0'"]),
        (lambda m: m.update(resources={"cpu": "1"}), "resources.cpu", ["valid number", "'1'"]),
        (lambda m: m["optimizer"][0].update(lr_g="0.001"), "optimizer[0].lr_g", ["valid number", "'0.001'"]),
        (lambda m: m.update(regularizers=[{"name": "gp", "weight": True}]), "regularizers[0].weight", ["valid number"]),
        (lambda m: m.update(name=5), "name", ["valid string", "5"]),
        (lambda m: m.update(version=1.10), "version", ["quote the version", "(got 1.1)"]),
        (lambda m: m.update(dataset={"name": "digits", "resolution": "16"}), "dataset.resolution", ["valid integer"]),
        (lambda m: m["architectures"].update(seed=False), "architectures.seed", ["valid integer"]),
        # Ray takes a GPU share below 1 or whole GPUs
        (lambda m: m.update(resources={"gpu": 1.5}), "resources.gpu", ["below 1 or a whole number", "use 1 or 2"]),
    ],
)
def test_bad_suites_name_the_field(write_suite, good, mutate, field, words):
    mapping = copy.deepcopy(good)
    mutate(mapping)
    problems = problems_of(write_suite, mapping)
    fields = [f for f, _ in problems]
    assert field in fields, problems
    message = dict(problems)[field]
    for word in words:
        assert word in message, (word, message)


@pytest.mark.slow
def test_cli_exits_2_names_file_and_writes_nothing(write_suite, good, tmp_path):
    mapping = copy.deepcopy(good)
    mapping["losses"] = ["ns", "hingee"]
    path = write_suite(mapping, "broken.yaml")
    for command in ("validate", "run"):
        proc = subprocess.run([sys.executable, "-m", "bench.cli.main", command, str(path)], capture_output=True, text=True)
        assert proc.returncode == 2, proc.stderr
        assert str(path) in proc.stderr and "losses[1].name" in proc.stderr and "did you mean 'hinge'" in proc.stderr.lower()
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_cli_validate_prints_the_trial_count(write_suite, good):
    proc = subprocess.run([sys.executable, "-m", "bench.cli.main", "validate", str(write_suite(good))], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "trials        16" in proc.stdout


def test_numbers_in_yaml_as_written_in_suites(tmp_path, mlp_catalogue):
    """An int where a float goes is fine; `2e-4` and `1.0e6` are floats (PyYAML alone reads them
    as strings); whole and fractional GPU shares Ray accepts validate."""
    path = tmp_path / "numbers.yaml"
    path.write_text(f"""
name: numbers
version: 2
dataset: {{name: ring8}}
architectures: {{catalogue: {mlp_catalogue}}}
losses: [ns]
regularizers: [{{name: gp, weight: 10}}]
optimizer: {{lr_g: 2e-4, lr_d: 1E-3, beta1: 0, beta2: 0.99}}
training: {{steps: 10, divergence_threshold: 1.0e6}}
evaluation: {{every: 5}}
resources: {{cpu: 1, gpu: 2}}
""")
    suite = load_suite(path).suite
    assert suite.version == "2" and suite.resources.gpu == 2.0 and suite.regularizers[0].weight == 10.0
    assert suite.optimizer[0].lr_g == 2e-4 and suite.optimizer[0].lr_d == 1e-3 and suite.training.divergence_threshold == 1e6
    for gpu in (0.25, 1, 4):
        path.write_text(path.read_text().replace("gpu: 2}", f"gpu: {gpu}}}"))
        assert load_suite(path).suite.resources.gpu == gpu
        path.write_text(path.read_text().replace(f"gpu: {gpu}}}", "gpu: 2}"))


@pytest.mark.slow
def test_cli_rejects_a_gpu_share_ray_cannot_schedule(write_suite, good):
    proc = subprocess.run([sys.executable, "-m", "bench.cli.main", "run", str(write_suite(good)), "--gpus-per-trial", "1.5"],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "--gpus-per-trial" in proc.stderr and "whole number" in proc.stderr, proc.stderr


def test_saved_suite_reads_back_the_same(good, tmp_path):
    """The results folder's suite.yaml quotes strings that would read back as floats."""
    import yaml

    from bench.suite.dialect import SuiteDumper, SuiteLoader, dump_suite

    path = tmp_path / "suite.yaml"
    path.write_text(yaml.dump(dict(good, name="1e5", version="2e-4"), Dumper=SuiteDumper))
    suite = load_suite(path).suite
    assert (suite.name, suite.version) == ("1e5", "2e-4")
    assert yaml.load(dump_suite(suite), Loader=SuiteLoader) == suite.model_dump(mode="json")


def test_settings_that_would_do_nothing_are_refused(write_suite, good):
    """A weight or a lazy interval on a regularizer without a penalty (none, clip), and β1 for
    RMSprop (it has none), are refused naming the field; RMSprop's α defaults to 0.99."""
    for bad, where in (({"name": "clip", "weight": 10}, "weight: 10"), ({"name": "none", "every": 4}, "every: 4")):
        mapping = dict(good, regularizers=[bad])
        (field, message), = problems_of(write_suite, mapping)
        assert field.startswith("regularizers[0]") and where in message and "no penalty" in message
    clip = load_suite(write_suite(dict(good, regularizers=[{"name": "clip", "params": {"c": 0.01}}]))).trials[0]
    assert clip.config["regularizer"]["name"] == "clip"
    (field, message), = problems_of(write_suite, dict(good, optimizer={"name": "rmsprop", "beta1": 0.5}))
    assert field.startswith("optimizer") and "'rmsprop' has no parameter 'beta1'; valid parameters: alpha" in message
    rms = load_suite(write_suite(dict(good, optimizer={"name": "rmsprop", "lr_g": 5e-5, "lr_d": 5e-5}))).trials[0]
    assert rms.config["optimizer"]["beta2"] == 0.99


def test_input_paths_of_an_included_base_resolve_beside_the_base(tmp_path, mlp_catalogue, good):
    """A base suite in another folder names its catalogue relative to itself; a child that
    includes it from elsewhere finds the catalogue there (not beside the child)."""
    import shutil

    import yaml

    base_dir, child_dir = tmp_path / "bases", tmp_path / "studies"
    base_dir.mkdir(), child_dir.mkdir()
    shutil.copy(mlp_catalogue, base_dir / "mine.jsonl")
    base = dict(good, architectures={"catalogue": "mine.jsonl"})
    (base_dir / "base.yaml").write_text(yaml.safe_dump(base))
    (child_dir / "child.yaml").write_text(yaml.safe_dump({"include": "../bases/base.yaml", "seeds": [3]}))
    loaded = load_suite(child_dir / "child.yaml")
    assert {t.config["seed"] for t in loaded.trials} == {3} and len(loaded.trials) == 8
